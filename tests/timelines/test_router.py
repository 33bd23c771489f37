"""GET /v1/timelines, /v1/timelines/{slug} and /v1/timeline-events: ranges, filters, order, visibility."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles.models import Article
from app.pagination import encode_cursor
from app.timelines import service as timelines_service
from app.timelines.models import Timeline, TimelineEvent
from tests.assertions import assert_problem
from tests.factories import event, make_article, make_hidden_articles, make_timeline

BASE = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)


def link(session: Session, made: TimelineEvent, articles: list[Article]) -> None:
    assert made.id is not None
    timelines_service.link_event_articles(session, made.id, [a.id for a in articles if a.id is not None])
    session.commit()


def ref(article: Article) -> dict[str, Any]:
    return {"id": article.id, "slug": article.slug, "title": article.title}


def event_ids(client: TestClient, params: dict[str, Any]) -> list[int]:
    response = client.get("/v1/timeline-events", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["next_cursor"] is None
    return [item["id"] for item in body["items"]]


def walk(
    client: TestClient, params: dict[str, Any], path: str = "/v1/timeline-events"
) -> list[dict[str, Any]]:
    """Follow `meta.next_cursor` to the end; the `Link` header must be there exactly when it is not null."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(100):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["meta"]["limit"] == params["limit"]
        items += body["items"]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            assert "link" not in response.headers
            return items
        assert len(body["items"]) == params["limit"]
        expected_url = response.request.url.copy_remove_param("cursor").copy_add_param("cursor", cursor)
        assert response.headers["link"] == f'<{expected_url}>; rel="next"'
    raise AssertionError("pagination did not end")


@pytest.fixture
def dated(session: Session) -> dict[str, TimelineEvent]:
    """Events written at every precision, with an end date and with several dates, on one timeline."""
    article = make_article(session, slug="story", published_at=BASE)
    names = ["early", "year", "span", "month", "day", "multi", "months", "leap"]
    _, made = make_timeline(
        session,
        article,
        [
            event("2023-05-05"),
            event("2024-01-01", "year", label="2024"),
            event("2024-03-10", end_date="2024-03-20", label="March 10-20, 2024"),
            event("2024-10-01", "month", label="October 2024"),
            event("2024-10-01"),
            event("2025-12-18", extra_dates=["2025-12-27"], label="Dec. 18 & Dec. 27, 2025"),
            event("2026-11-01", "month", end_date="2027-02-01", label="November 2026 to February 2027"),
            event("2028-02-01", "month", label="February 2028"),
        ],
        slug="dated",
        title="Dated events",
    )
    return dict(zip(names, made, strict=True))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["early", "year", "span", "month", "day", "multi", "months", "leap"]),
        # month precision covers the whole month, year precision the whole year
        ({"from": "2024-10-15", "to": "2024-10-20"}, ["year", "month"]),
        ({"from": "2024-10-01", "to": "2024-10-01"}, ["year", "month", "day"]),
        ({"from": "2024-10-31", "to": "2024-11-30"}, ["year", "month"]),
        ({"from": "2024-11-01", "to": "2024-11-30"}, ["year"]),
        ({"from": "2024-12-31", "to": "2025-01-01"}, ["year"]),
        ({"from": "2023-12-01", "to": "2023-12-31"}, []),
        ({"from": "2028-02-29", "to": "2028-02-29"}, ["leap"]),
        ({"from": "2028-03-01"}, []),
        # several dates: any one of them matches, the days between them do not
        ({"from": "2025-12-27", "to": "2025-12-27"}, ["multi"]),
        ({"from": "2025-12-18", "to": "2025-12-18"}, ["multi"]),
        ({"from": "2025-12-20", "to": "2025-12-22"}, []),
        ({"from": "2025-12-19", "to": "2025-12-27"}, ["multi"]),
        # an end date spans the days between, both ends inclusive
        ({"from": "2024-03-15", "to": "2024-03-15"}, ["year", "span"]),
        ({"from": "2024-03-01", "to": "2024-03-10"}, ["year", "span"]),
        ({"from": "2024-03-20", "to": "2024-03-25"}, ["year", "span"]),
        ({"from": "2024-03-21", "to": "2024-03-25"}, ["year"]),
        ({"from": "2024-03-01", "to": "2024-03-09"}, ["year"]),
        ({"from": "2027-02-28", "to": "2027-02-28"}, ["months"]),
        ({"from": "2027-01-10", "to": "2027-01-10"}, ["months"]),
        ({"from": "2027-03-01", "to": "2027-03-01"}, []),
        # open-ended ranges
        ({"from": "2025-01-01"}, ["multi", "months", "leap"]),
        ({"from": "2024-10-31"}, ["year", "month", "multi", "months", "leap"]),
        ({"from": "2025-12-28"}, ["months", "leap"]),
        ({"to": "2023-12-31"}, ["early"]),
        ({"to": "2024-01-01"}, ["early", "year"]),
        ({"to": "2024-03-10"}, ["early", "year", "span"]),
        ({"to": "2024-09-30"}, ["early", "year", "span"]),
        ({"to": "2024-10-01"}, ["early", "year", "span", "month", "day"]),
        ({"to": "2025-12-18"}, ["early", "year", "span", "month", "day", "multi"]),
        ({"from": "2023-05-05", "to": "2023-05-05"}, ["early"]),
        ({"from": "2023-05-06", "to": "2023-12-31"}, []),
    ],
)
def test_date_range_matches_at_the_written_precision(
    client: TestClient, dated: dict[str, TimelineEvent], params: dict[str, str], expected: list[str]
) -> None:
    assert event_ids(client, params) == [dated[name].id for name in expected]


def test_event_fields(client: TestClient, dated: dict[str, TimelineEvent]) -> None:
    items = {item["id"]: item for item in client.get("/v1/timeline-events").json()["items"]}
    timeline = {
        "id": dated["multi"].timeline_id,
        "slug": "dated",
        "title": "Dated events",
    }
    got = {name: items[made.id] for name, made in dated.items()}
    assert got["multi"] == {
        "id": dated["multi"].id,
        "date": "2025-12-18",
        "precision": "day",
        "end_date": None,
        "extra_dates": ["2025-12-27"],
        "label": "Dec. 18 & Dec. 27, 2025",
        "milestone": "Event on 2025-12-18",
        "what_changed": None,
        "timeline": timeline,
        "position": 5,
        "starts_on": "2025-12-18",
        "ends_on": "2025-12-27",
        "articles": [],
    }
    spans = {
        name: (item["precision"], item["label"], item["starts_on"], item["ends_on"])
        for name, item in got.items()
    }
    assert spans == {
        "early": ("day", "2023-05-05", "2023-05-05", "2023-05-05"),
        "year": ("year", "2024", "2024-01-01", "2024-12-31"),
        "span": ("day", "March 10-20, 2024", "2024-03-10", "2024-03-20"),
        "month": ("month", "October 2024", "2024-10-01", "2024-10-31"),
        "day": ("day", "2024-10-01", "2024-10-01", "2024-10-01"),
        "multi": ("day", "Dec. 18 & Dec. 27, 2025", "2025-12-18", "2025-12-27"),
        "months": ("month", "November 2026 to February 2027", "2026-11-01", "2027-02-28"),
        "leap": ("month", "February 2028", "2028-02-01", "2028-02-29"),
    }
    assert got["span"]["end_date"] == "2024-03-20"
    assert got["months"]["end_date"] == "2027-02-01"


def test_an_earlier_extra_date_orders_the_event_by_its_first_day(
    client: TestClient, session: Session
) -> None:
    article = make_article(session, published_at=BASE)
    _, made = make_timeline(
        session,
        article,
        [
            event("2025-12-27", extra_dates=["2025-12-18"], label="Dec. 27 & Dec. 18, 2025"),
            event("2025-12-20"),
            event("2025-12-10"),
        ],
        slug="out-of-order",
    )
    later, middle, first = made
    items = client.get("/v1/timeline-events").json()["items"]
    assert [item["id"] for item in items] == [first.id, later.id, middle.id]
    assert [(item["starts_on"], item["ends_on"]) for item in items] == [
        ("2025-12-10", "2025-12-10"),
        ("2025-12-18", "2025-12-27"),
        ("2025-12-20", "2025-12-20"),
    ]
    detail = client.get("/v1/timelines/out-of-order").json()
    assert [item["id"] for item in detail["events"]] == [first.id, later.id, middle.id]
    assert event_ids(client, {"from": "2025-12-18", "to": "2025-12-18"}) == [later.id]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2024-10-21", "to": "2024-10-20"},
        {"from": "2025-01-01", "to": "2024-12-31"},
    ],
)
def test_from_after_to_is_400(
    client: TestClient, dated: dict[str, TimelineEvent], params: dict[str, str]
) -> None:
    body = assert_problem(client.get("/v1/timeline-events", params=params), 400)
    assert body["detail"] == "`from` must not be after `to`."


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2024-13-01"},
        {"from": "2024-02-30"},
        {"from": "2024/10/01"},
        {"from": "yesterday"},
        {"to": "20241001"},
        {"to": "2024-10"},
        {"to": ""},
        {"from": "2024-10-01T00:00:00Z"},
        {"since": "2024-10-01"},
        {"date_from": "2024-10-01"},
        {"limit": "0"},
        {"limit": "101"},
        {"cursor": "garbage"},
        {"cursor": encode_cursor("timeline-events", ("2024-10-01",))},
        {"cursor": encode_cursor("timeline-events", ("not-a-date", 1))},
        {"cursor": encode_cursor("tables", (BASE, 1, 1, 1))},
    ],
)
def test_bad_event_query_is_400(
    client: TestClient, dated: dict[str, TimelineEvent], params: dict[str, str]
) -> None:
    assert_problem(client.get("/v1/timeline-events", params=params), 400)


def test_cursor_of_another_listing_is_400(client: TestClient, session: Session) -> None:
    for day in range(3):
        make_timeline(
            session, make_article(session, published_at=BASE + timedelta(days=day)), [event("2024-01-01")]
        )
    cursor = client.get("/v1/timelines", params={"limit": 1}).json()["meta"]["next_cursor"]
    assert isinstance(cursor, str)
    assert_problem(client.get("/v1/timeline-events", params={"cursor": cursor}), 400)
    cursor = client.get("/v1/articles", params={"limit": 1}).json()["meta"]["next_cursor"]
    assert isinstance(cursor, str)
    assert_problem(client.get("/v1/timeline-events", params={"cursor": cursor}), 400)
    assert_problem(client.get("/v1/timelines", params={"cursor": cursor}), 400)


@pytest.fixture
def linked(session: Session) -> dict[str, Any]:
    """Two public timelines, one of a draft article, and events linking to articles of every visibility."""
    now = datetime.now(UTC)
    first = make_article(session, slug="first", published_at=BASE)
    second = make_article(session, slug="second", published_at=BASE + timedelta(days=1))
    bystander = make_article(session, slug="bystander", published_at=BASE + timedelta(days=2))
    draft = make_article(session, slug="a-draft", status="draft")
    future = make_article(session, slug="future", status="scheduled", published_at=now + timedelta(days=1))
    first_timeline, (a1, a2) = make_timeline(
        session, first, [event("2024-06-01"), event("2024-01-01", "year")], slug="first-timeline"
    )
    second_timeline, (b1, b2, b3) = make_timeline(
        session,
        second,
        [event("2024-03-01", "month"), event("2025-02-02"), event("2023-07-07")],
        slug="second-timeline",
    )
    _, (d1,) = make_timeline(session, draft, [event("2024-04-04")], slug="draft-timeline")
    link(session, b1, [draft, first, future, bystander])
    link(session, b2, [draft])
    link(session, a1, [second])
    link(session, d1, [first])
    return {
        "articles": {
            "first": first,
            "second": second,
            "bystander": bystander,
            "draft": draft,
            "future": future,
        },
        "timelines": {"first": first_timeline, "second": second_timeline},
        "events": {"a1": a1, "a2": a2, "b1": b1, "b2": b2, "b3": b3, "d1": d1},
    }


def test_events_across_timelines_in_chronological_order(client: TestClient, linked: dict[str, Any]) -> None:
    ev = linked["events"]
    # b3 2023-07-07, a2 2024 (from Jan 1), b1 March 2024, a1 2024-06-01, b2 2025-02-02; d1 is a draft's
    assert event_ids(client, {}) == [ev["b3"].id, ev["a2"].id, ev["b1"].id, ev["a1"].id, ev["b2"].id]


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_event_walk_visits_every_event_once_in_order(
    client: TestClient, linked: dict[str, Any], limit: int
) -> None:
    ev = linked["events"]
    items = walk(client, {"limit": limit})
    assert [item["id"] for item in items] == [ev["b3"].id, ev["a2"].id, ev["b1"].id, ev["a1"].id, ev["b2"].id]
    assert [item["starts_on"] for item in items] == [
        "2023-07-07",
        "2024-01-01",
        "2024-03-01",
        "2024-06-01",
        "2025-02-02",
    ]


def test_event_walk_with_same_day_events_and_a_range(client: TestClient, session: Session) -> None:
    article = make_article(session, published_at=BASE)
    _, made = make_timeline(session, article, [event("2024-05-05") for _ in range(5)] + [event("2024-05-06")])
    other = make_article(session, published_at=BASE + timedelta(hours=1))
    _, more = make_timeline(session, other, [event("2024-05-05", "month"), event("2024-05-05")])
    expected = [more[0].id, *[e.id for e in made[:5]], more[1].id, made[5].id]
    for limit in (1, 2, 3):
        assert [item["id"] for item in walk(client, {"limit": limit})] == expected
        in_range = walk(client, {"limit": limit, "from": "2024-05-06", "to": "2024-05-31"})
        assert [item["id"] for item in in_range] == [more[0].id, made[5].id]


def test_filter_by_timeline(client: TestClient, linked: dict[str, Any]) -> None:
    ev = linked["events"]
    assert event_ids(client, {"timeline": "first-timeline"}) == [ev["a2"].id, ev["a1"].id]
    assert event_ids(client, {"timeline": "second-timeline"}) == [ev["b3"].id, ev["b1"].id, ev["b2"].id]
    assert event_ids(client, {"timeline": "draft-timeline"}) == []
    assert event_ids(client, {"timeline": "no-such-timeline"}) == []
    assert event_ids(client, {"timeline": "second-timeline", "from": "2024-01-01", "to": "2024-12-31"}) == [
        ev["b1"].id
    ]
    items = walk(client, {"timeline": "second-timeline", "limit": 2})
    assert [item["id"] for item in items] == [ev["b3"].id, ev["b1"].id, ev["b2"].id]


def test_filter_by_article_includes_events_linking_to_it(client: TestClient, linked: dict[str, Any]) -> None:
    ev = linked["events"]
    # first's own timeline, plus b1 of second's timeline which links to first (d1 is a draft's)
    assert event_ids(client, {"article": "first"}) == [ev["a2"].id, ev["b1"].id, ev["a1"].id]
    assert event_ids(client, {"article": "second"}) == [ev["b3"].id, ev["b1"].id, ev["a1"].id, ev["b2"].id]
    assert event_ids(client, {"article": "bystander"}) == [ev["b1"].id]
    assert event_ids(client, {"article": "first", "timeline": "second-timeline"}) == [ev["b1"].id]
    assert event_ids(client, {"article": "first", "from": "2024-06-01"}) == [ev["a2"].id, ev["a1"].id]
    items = walk(client, {"article": "second", "limit": 1})
    assert [item["id"] for item in items] == [ev["b3"].id, ev["b1"].id, ev["a1"].id, ev["b2"].id]


@pytest.mark.parametrize("slug", ["a-draft", "future", "no-such-article"])
def test_filter_by_a_hidden_article_finds_nothing(
    client: TestClient, linked: dict[str, Any], slug: str
) -> None:
    assert event_ids(client, {"article": slug}) == []


def test_linked_articles_are_only_public_ones(client: TestClient, linked: dict[str, Any]) -> None:
    ev, articles = linked["events"], linked["articles"]
    items = {item["id"]: item["articles"] for item in client.get("/v1/timeline-events").json()["items"]}
    assert items == {
        ev["a1"].id: [ref(articles["second"])],
        ev["a2"].id: [],
        ev["b1"].id: [ref(articles["first"]), ref(articles["bystander"])],
        ev["b2"].id: [],
        ev["b3"].id: [],
    }
    detail = client.get("/v1/timelines/second-timeline").json()
    assert [item["articles"] for item in detail["events"]] == [
        [],
        [ref(articles["first"]), ref(articles["bystander"])],
        [],
    ]


@pytest.fixture
def visibility(session: Session) -> dict[str, Any]:
    """A timeline on an article of every visibility; only those of `shown` articles are public."""
    now = datetime.now(UTC)
    articles = {
        "published": make_article(session, published_at=now - timedelta(hours=1)),
        "scheduled-due": make_article(session, status="scheduled", published_at=now - timedelta(hours=2)),
        **make_hidden_articles(session),
    }
    made = {
        name: make_timeline(
            session, article, [event("2024-10-01", "month"), event("2025-01-01")], slug=f"tl-{name}"
        )
        for name, article in articles.items()
    }
    return {"articles": articles, "timelines": made, "shown": ["published", "scheduled-due"]}


def test_timelines_of_hidden_articles_are_invisible(client: TestClient, visibility: dict[str, Any]) -> None:
    timelines = visibility["timelines"]
    listed = client.get("/v1/timelines").json()
    assert [item["slug"] for item in listed["items"]] == ["tl-published", "tl-scheduled-due"]
    events = client.get("/v1/timeline-events").json()["items"]
    shown_events = [timelines["published"][1], timelines["scheduled-due"][1]]
    assert [item["id"] for item in events] == [
        shown_events[0][0].id,
        shown_events[1][0].id,
        shown_events[0][1].id,
        shown_events[1][1].id,
    ]
    for name, (timeline, _) in timelines.items():
        response = client.get(f"/v1/timelines/{timeline.slug}")
        if name in visibility["shown"]:
            assert response.status_code == 200
            assert response.json()["slug"] == timeline.slug
            continue
        body = assert_problem(response, 404)
        assert body["detail"] == f"No published timeline has the slug {timeline.slug!r}."
        assert event_ids(client, {"timeline": timeline.slug}) == []
        assert event_ids(client, {"article": visibility["articles"][name].slug}) == []
        assert client.get("/v1/timelines", params={"article": visibility["articles"][name].slug}).json() == {
            "items": [],
            "meta": {"limit": 20, "next_cursor": None},
        }


def test_unknown_timeline_is_404(client: TestClient, linked: dict[str, Any]) -> None:
    body = assert_problem(client.get("/v1/timelines/no-such-timeline"), 404)
    assert body["instance"] == "/v1/timelines/no-such-timeline"
    assert_problem(client.get("/v1/timelines/" + "x" * 121), 404)


def test_list_timelines(client: TestClient, session: Session, linked: dict[str, Any]) -> None:
    articles, timelines = linked["articles"], linked["timelines"]
    empty = make_article(session, slug="empty", published_at=BASE - timedelta(days=1))
    empty_timeline, _ = make_timeline(session, empty, [], slug="empty-timeline", description="Nothing yet")
    items = client.get("/v1/timelines").json()["items"]
    for item in items:
        item.pop("updated_at")
    assert items == [
        {
            "id": timelines["second"].id,
            "slug": "second-timeline",
            "title": timelines["second"].title,
            "description": None,
            "article": ref(articles["second"]),
            "event_count": 3,
        },
        {
            "id": timelines["first"].id,
            "slug": "first-timeline",
            "title": timelines["first"].title,
            "description": None,
            "article": ref(articles["first"]),
            "event_count": 2,
        },
        {
            "id": empty_timeline.id,
            "slug": "empty-timeline",
            "title": empty_timeline.title,
            "description": "Nothing yet",
            "article": ref(empty),
            "event_count": 0,
        },
    ]
    assert [
        item["slug"] for item in client.get("/v1/timelines", params={"article": "first"}).json()["items"]
    ] == ["first-timeline"]


@pytest.mark.parametrize("limit", [1, 2])
def test_timelines_walk(client: TestClient, session: Session, limit: int) -> None:
    made: list[Timeline] = []
    for day in range(5):
        article = make_article(session, published_at=BASE + timedelta(days=day % 3))
        made.append(make_timeline(session, article, [event("2024-01-01")] * day)[0])
    # newest article first; equal publish times: the later timeline first
    expected = [made[2], made[4], made[1], made[3], made[0]]
    items = walk(client, {"limit": limit}, path="/v1/timelines")
    slugs = [item["slug"] for item in items]
    counts = [item["event_count"] for item in items]
    assert slugs == [t.slug for t in expected]
    assert counts == [2, 4, 1, 3, 0]


def test_get_timeline_has_events_in_chronological_order(client: TestClient, session: Session) -> None:
    article = make_article(session, slug="story", title="Story", published_at=BASE)
    timeline, made = make_timeline(
        session,
        article,
        [
            event(
                "2025-12-18",
                extra_dates=["2025-12-27"],
                label="Dec. 18 & Dec. 27, 2025",
                what_changed="Warmer",
            ),
            event("2024-10-01", "month", label="October 2024"),
            event("2024-03-28", label="March 28, 2024"),
            event("2024-01-01", "year", label="2024"),
            event("2024-10-01", label="Oct. 1, 2024"),
        ],
        slug="milestones",
        title="Milestones",
        description="Key dates",
    )
    response = client.get("/v1/timelines/milestones")
    assert response.status_code == 200
    body = response.json()
    assert datetime.fromisoformat(body.pop("updated_at")) == timeline.updated_at
    events = body.pop("events")
    assert body == {
        "id": timeline.id,
        "slug": "milestones",
        "title": "Milestones",
        "description": "Key dates",
        "article": {"id": article.id, "slug": "story", "title": "Story"},
    }
    assert [e["id"] for e in events] == [made[3].id, made[2].id, made[1].id, made[4].id, made[0].id]
    assert [(e["precision"], e["label"], e["date"], e["starts_on"], e["ends_on"]) for e in events] == [
        ("year", "2024", "2024-01-01", "2024-01-01", "2024-12-31"),
        ("day", "March 28, 2024", "2024-03-28", "2024-03-28", "2024-03-28"),
        ("month", "October 2024", "2024-10-01", "2024-10-01", "2024-10-31"),
        ("day", "Oct. 1, 2024", "2024-10-01", "2024-10-01", "2024-10-01"),
        ("day", "Dec. 18 & Dec. 27, 2025", "2025-12-18", "2025-12-18", "2025-12-27"),
    ]
    assert [e["position"] for e in events] == [3, 2, 1, 4, 0]
    assert events[-1]["extra_dates"] == ["2025-12-27"]
    assert events[-1]["what_changed"] == "Warmer"
    timeline_ref = {"id": timeline.id, "slug": "milestones", "title": "Milestones"}
    assert all(e["timeline"] == timeline_ref for e in events)
    listed = client.get("/v1/timeline-events", params={"timeline": "milestones"}).json()["items"]
    assert listed == events


def test_unknown_parameters_are_400(client: TestClient, linked: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/timelines", params={"timeline": "first-timeline"}), 400)
    assert_problem(client.get("/v1/timelines", params={"limit": "101"}), 400)
    assert_problem(client.get("/v1/timelines/first-timeline", params={"limit": "1"}), 400)
    assert_problem(client.get("/v1/timeline-events", params={"category": "world"}), 400)
    assert_problem(client.get("/v1/timeline-events?from=2024-01-01&from=2024-02-01"), 400)


DEMO_TIMELINE = "dprk-russia-ties-key-milestones"
DEMO_ARTICLE = "kim-jong-un-new-year-greetings-putin-blood-alliance"


def test_demo_timeline(client: TestClient, demo: Session) -> None:
    body = client.get(f"/v1/timelines/{DEMO_TIMELINE}").json()
    assert body["title"] == "Timeline of key milestones shaping DPRK–Russia ties"
    assert body["article"]["slug"] == DEMO_ARTICLE
    events = body["events"]
    assert [e["precision"] for e in events] == ["day", "day", "month", "day", "day"]
    assert [e["label"] for e in events] == [
        "March 28, 2024",
        "June 19, 2024",
        "October 2024",
        "May 29, 2025",
        "Dec. 18 & Dec. 27, 2025",
    ]
    assert [(e["starts_on"], e["ends_on"]) for e in events] == [
        ("2024-03-28", "2024-03-28"),
        ("2024-06-19", "2024-06-19"),
        ("2024-10-01", "2024-10-31"),
        ("2025-05-29", "2025-05-29"),
        ("2025-12-18", "2025-12-27"),
    ]
    assert [e["extra_dates"] for e in events] == [[], [], [], [], ["2025-12-27"]]
    assert [[a["slug"] for a in e["articles"]] for e in events] == [[], [], [], [], [DEMO_ARTICLE]]
    listed = client.get("/v1/timelines").json()["items"]
    assert [(t["slug"], t["event_count"]) for t in listed] == [(DEMO_TIMELINE, 5)]
    in_october = client.get("/v1/timeline-events", params={"from": "2024-10-15", "to": "2024-10-20"}).json()
    assert [e["label"] for e in in_october["items"]] == ["October 2024"]
    assert [e["label"] for e in walk(client, {"limit": 2, "article": DEMO_ARTICLE})] == [
        e["label"] for e in events
    ]
