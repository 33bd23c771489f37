"""Management of timelines and events: spans follow the dates, links, If-Match writes, deletes, audit."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.articles.models import Article, ArticleBlock, ArticleStatus
from app.timelines.models import TimelineEvent, TimelineEventArticle, TimelineEventSpan
from tests.assertions import assert_problem, version_of
from tests.factories import audit_trail, event, key_headers, make_article, make_timeline

BASE = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
OCTOBER = {
    "date": "2024-10-01",
    "precision": "month",
    "label": "October 2024",
    "milestone": "Troops deployed",
    "what_changed": "Direct involvement",
}
SUMMIT = {
    "date": "2025-12-18",
    "precision": "day",
    "extra_dates": ["2025-12-27"],
    "label": "Dec. 18 & Dec. 27, 2025",
    "milestone": "Two meetings",
}


def timeline_etag(timeline_id: int, version: int) -> str:
    return f'"timeline-{timeline_id}-v{version}"'


def event_etag(event_id: int, version: int) -> str:
    return f'"timeline-event-{event_id}-v{version}"'


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return key_headers(session, "content:write", name="desk")


@pytest.fixture
def published(session: Session) -> Article:
    return make_article(session, slug="story", title="The story", published_at=BASE)


def create(
    client: TestClient, article: Article, headers: dict[str, str], **body: Any
) -> tuple[dict[str, Any], str]:
    payload = {"slug": "ties", "title": "Key milestones", **body}
    response = client.post(f"/v1/admin/articles/{article.id}/timelines", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data, response.headers["etag"]


def add_event(
    client: TestClient, timeline_id: int, headers: dict[str, str], **body: Any
) -> tuple[dict[str, Any], str]:
    response = client.post(f"/v1/admin/timelines/{timeline_id}/events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data, response.headers["etag"]


def public_ids(client: TestClient, **params: str) -> list[int]:
    response = client.get("/v1/timeline-events", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def expected_event(
    data: dict[str, Any], *, event_id: int, timeline_id: int, position: int, starts: str, ends: str, **kw: Any
) -> dict[str, Any]:
    return {
        "end_date": None,
        "extra_dates": [],
        "what_changed": None,
        "links": [],
        "version": 1,
        **data,
        "id": event_id,
        "timeline_id": timeline_id,
        "position": position,
        "sort_date": starts,
        "starts_on": starts,
        "ends_on": ends,
        **kw,
    }


def test_create_with_events_and_links(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    other = make_article(session, status=ArticleStatus.draft)
    response = client.post(
        f"/v1/admin/articles/{published.id}/timelines",
        json={
            "slug": "ties",
            "title": "Key milestones",
            "description": "From the treaty on.",
            "events": [{**SUMMIT, "links": [other.id, published.id]}, OCTOBER],
        },
        headers=writer,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    timeline_id = body["id"]
    assert response.headers["location"] == f"/v1/admin/timelines/{timeline_id}"
    assert version_of(response) == timeline_etag(timeline_id, 1)
    summit_id, october_id = sorted(e["id"] for e in body["events"])
    assert body == {
        "id": timeline_id,
        "slug": "ties",
        "title": "Key milestones",
        "description": "From the treaty on.",
        "article_id": published.id,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "events": [
            expected_event(
                OCTOBER,
                event_id=october_id,
                timeline_id=timeline_id,
                position=1,
                starts="2024-10-01",
                ends="2024-10-31",
            ),
            expected_event(
                SUMMIT,
                event_id=summit_id,
                timeline_id=timeline_id,
                position=0,
                starts="2025-12-18",
                ends="2025-12-27",
                links=[other.id, published.id],
            ),
        ],
    }
    assert audit_trail(session) == [
        ("timeline.create", "timeline", timeline_id, "desk", {"slug": "ties", "events": 2})
    ]
    fetched = client.get(f"/v1/admin/timelines/{timeline_id}", headers=writer)
    assert (fetched.json(), version_of(fetched)) == (body, timeline_etag(timeline_id, 1))
    public = client.get("/v1/timelines/ties").json()
    assert [e["id"] for e in public["events"]] == [october_id, summit_id]
    assert [a["id"] for a in public["events"][1]["articles"]] == [published.id]  # the draft link is not shown
    assert public_ids(client, **{"from": "2024-10-15", "to": "2024-10-20"}) == [october_id]


@pytest.mark.parametrize("status", [ArticleStatus.draft, ArticleStatus.archived])
def test_timelines_of_hidden_articles_stay_hidden(
    client: TestClient, session: Session, writer: dict[str, str], status: ArticleStatus
) -> None:
    article = make_article(session, status=status)
    created, _ = create(client, article, writer, events=[OCTOBER])
    assert client.get(f"/v1/admin/timelines/{created['id']}", headers=writer).status_code == 200
    assert_problem(client.get("/v1/timelines/ties"), 404)
    assert client.get("/v1/timelines").json()["items"] == []
    assert public_ids(client) == []
    added, _ = add_event(client, created["id"], writer, **SUMMIT)
    assert public_ids(client, **{"from": "2025-12-01"}) == []
    assert client.get(f"/v1/admin/timeline-events/{added['id']}", headers=writer).status_code == 200


def test_create_refusals(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    url = f"/v1/admin/articles/{published.id}/timelines"
    body = {"slug": "ties", "title": "T"}
    assert assert_problem(client.post("/v1/admin/articles/999/timelines", json=body, headers=writer), 404)[
        "detail"
    ] == ("No article has the id 999.")
    create(client, published, writer)
    assert assert_problem(client.post(url, json=body, headers=writer), 409)["detail"] == (
        "Another timeline already has the slug 'ties'."
    )
    fresh = {"slug": "fresh", "title": "T"}
    unknown_link = {**fresh, "events": [OCTOBER, {**SUMMIT, "links": [published.id, 999]}]}
    assert assert_problem(client.post(url, json=unknown_link, headers=writer), 422)["detail"] == (
        "events[1].links: no article has the id 999."
    )
    twice = {**fresh, "events": [{**SUMMIT, "links": [published.id, published.id]}]}
    assert assert_problem(client.post(url, json=twice, headers=writer), 422)["detail"] == (
        f"events[0].links: article {published.id} is linked more than once."
    )
    backwards = {**fresh, "events": [{**OCTOBER, "end_date": "2024-09-01"}]}
    assert assert_problem(client.post(url, json=backwards, headers=writer), 422)["errors"][0]["message"] == (
        "Value error, end_date must not be before date"
    )
    for field in ("id", "article_id", "version", "created_at", "updated_at", "bogus"):
        assert assert_problem(client.post(url, json={**fresh, field: 1}, headers=writer), 422)["errors"] == [
            {
                "location": ["body", field],
                "message": "Extra inputs are not permitted",
                "type": "extra_forbidden",
            }
        ]
    for field in ("id", "sort_date", "timeline_id", "version", "starts_on"):
        with_field = {**fresh, "events": [{**OCTOBER, field: 1}]}
        assert assert_problem(client.post(url, json=with_field, headers=writer), 422)["errors"][0][
            "location"
        ] == [
            "body",
            "events",
            0,
            field,
        ]
    assert_problem(client.post(url, json={**fresh, "slug": "Not a slug"}, headers=writer), 422)
    assert_problem(
        client.post(url, json={**fresh, "events": [{**OCTOBER, "precision": "week"}]}, headers=writer), 422
    )
    assert session.exec(select(TimelineEvent)).all() == []
    assert [entry[0] for entry in audit_trail(session)] == ["timeline.create"]


def test_patch_put_and_conflicts_of_a_timeline(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    created, tag = create(client, published, writer, description="Old")
    create(client, published, writer, slug="taken")
    url = f"/v1/admin/timelines/{created['id']}"
    assert_problem(client.patch(url, json={"title": "X"}, headers=writer), 428)
    renamed = client.patch(
        url, json={"slug": "ties-2025", "title": "Renamed"}, headers={**writer, "If-Match": tag}
    )
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert body == {
        **created,
        "slug": "ties-2025",
        "title": "Renamed",
        "version": 2,
        "updated_at": body["updated_at"],
    }
    assert datetime.fromisoformat(body["updated_at"]) > datetime.fromisoformat(created["updated_at"])
    assert version_of(renamed) == timeline_etag(created["id"], 2)
    assert client.get("/v1/timelines/ties-2025").json()["title"] == "Renamed"
    assert_problem(client.get("/v1/timelines/ties"), 404)

    stale = assert_problem(client.patch(url, json={"title": "Y"}, headers={**writer, "If-Match": tag}), 412)
    assert stale["detail"] == (
        f"The resource has changed since that ETag; its current ETag is {timeline_etag(created['id'], 2)}."
    )
    current = {**writer, "If-Match": timeline_etag(created["id"], 2)}
    assert assert_problem(client.patch(url, json={"slug": "taken"}, headers=current), 409)["detail"] == (
        "Another timeline already has the slug 'taken'."
    )
    assert_problem(client.patch(url, json={"title": None}, headers=current), 422)
    assert_problem(client.patch(url, json={"events": []}, headers=current), 422)
    assert_problem(client.put(url, json={"slug": "x", "title": "X", "events": []}, headers=current), 422)

    replaced = client.put(url, json={"slug": "ties", "title": "Again"}, headers=current)
    assert replaced.status_code == 200
    assert (replaced.json()["slug"], replaced.json()["title"], replaced.json()["description"]) == (
        "ties",
        "Again",
        None,
    )
    assert [(entry[0], entry[4].get("changed")) for entry in audit_trail(session)] == [
        ("timeline.create", None),
        ("timeline.create", None),
        ("timeline.update", ["slug", "title"]),
        ("timeline.update", ["description", "slug", "title"]),
    ]


def test_delete_a_timeline(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    shown, _ = make_timeline(session, published, [event("2024-10-01", "month")], slug="shown")
    created, tag = create(client, published, writer, events=[{**OCTOBER, "links": [published.id]}])
    shown_url = f"/v1/admin/timelines/{shown.id}"
    body = assert_problem(
        client.delete(shown_url, headers={**writer, "If-Match": timeline_etag(shown.id or 0, 1)}), 409
    )
    assert (
        body["detail"] == "Timeline 'shown' is shown by block 1 of article 'story'; remove the block first."
    )
    assert client.get("/v1/timelines/shown").status_code == 200

    url = f"/v1/admin/timelines/{created['id']}"
    assert_problem(client.delete(url, headers=writer), 428)
    response = client.delete(url, headers={**writer, "If-Match": tag})
    assert (response.status_code, response.content) == (204, b"")
    assert_problem(client.get(url, headers=writer), 404)
    assert_problem(client.get(f"/v1/admin/timeline-events/{created['events'][0]['id']}", headers=writer), 404)
    assert_problem(client.get("/v1/timelines/ties"), 404)
    session.commit()
    assert session.exec(select(TimelineEventArticle)).all() == []
    assert len(session.exec(select(TimelineEventSpan)).all()) == 1  # the shown timeline's event
    assert audit_trail(session)[-1] == (
        "timeline.delete",
        "timeline",
        created["id"],
        "desk",
        {"slug": "ties"},
    )


def test_add_an_event(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    created, _ = create(client, published, writer, events=[OCTOBER])
    timeline_id = created["id"]
    response = client.post(
        f"/v1/admin/timelines/{timeline_id}/events", json={**SUMMIT, "links": [published.id]}, headers=writer
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/admin/timeline-events/{body['id']}"
    assert version_of(response) == event_etag(body["id"], 1)
    assert body == expected_event(
        SUMMIT,
        event_id=body["id"],
        timeline_id=timeline_id,
        position=1,
        starts="2025-12-18",
        ends="2025-12-27",
        links=[published.id],
    )
    fetched = client.get(f"/v1/admin/timeline-events/{body['id']}", headers=writer)
    assert (fetched.json(), version_of(fetched)) == (body, event_etag(body["id"], 1))
    timeline = client.get(f"/v1/admin/timelines/{timeline_id}", headers=writer)
    assert version_of(timeline) == timeline_etag(timeline_id, 2)  # its events changed
    assert [e["id"] for e in timeline.json()["events"]] == [created["events"][0]["id"], body["id"]]
    assert public_ids(client, **{"from": "2025-12-27", "to": "2025-12-27"}) == [body["id"]]
    assert audit_trail(session)[-1] == (
        "timeline-event.create",
        "timeline-event",
        body["id"],
        "desk",
        {"timeline_id": timeline_id},
    )
    placed, _ = add_event(client, timeline_id, writer, **OCTOBER, position=7)
    assert placed["position"] == 7
    url = f"/v1/admin/timelines/{timeline_id}/events"
    assert assert_problem(client.post(url, json={**SUMMIT, "links": [999]}, headers=writer), 422)[
        "detail"
    ] == ("links: no article has the id 999.")
    assert_problem(client.post("/v1/admin/timelines/999/events", json=SUMMIT, headers=writer), 404)
    assert_problem(client.post(url, json={**SUMMIT, "sort_date": "2020-01-01"}, headers=writer), 422)
    assert_problem(client.post(url, json={**SUMMIT, "links": [0]}, headers=writer), 422)
    assert_problem(client.post(url, json={**SUMMIT, "extra_dates": ["2025-12-01"] * 51}, headers=writer), 422)
    assert len(client.get(f"/v1/admin/timelines/{timeline_id}", headers=writer).json()["events"]) == 3


def test_moving_an_event_moves_it_in_public_range_queries(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    created, _ = create(client, published, writer, events=[OCTOBER, {**SUMMIT, "extra_dates": []}])
    october_id, summit_id = (e["id"] for e in created["events"])
    in_october = {"from": "2024-10-15", "to": "2024-10-20"}
    in_january = {"from": "2025-01-10", "to": "2025-01-10"}
    assert public_ids(client, **in_october) == [october_id]
    assert public_ids(client, **in_january) == []
    assert public_ids(client) == [october_id, summit_id]

    response = client.patch(
        f"/v1/admin/timeline-events/{october_id}",
        json={"date": "2025-01-01", "label": "January 2025"},
        headers={**writer, "If-Match": event_etag(october_id, 1)},
    )
    assert response.status_code == 200, response.text
    moved = response.json()
    assert (moved["sort_date"], moved["starts_on"], moved["ends_on"], moved["version"]) == (
        "2025-01-01",
        "2025-01-01",
        "2025-01-31",
        2,
    )
    assert version_of(response) == event_etag(october_id, 2)
    assert public_ids(client, **in_october) == []
    assert public_ids(client, **in_january) == [october_id]
    assert public_ids(client, **{"from": "2025-01-31", "to": "2025-12-18"}) == [october_id, summit_id]
    assert public_ids(client, **{"to": "2024-12-31"}) == []

    widened = client.patch(
        f"/v1/admin/timeline-events/{october_id}",
        json={"precision": "year", "end_date": "2026-03-01", "extra_dates": ["2020-05-05"]},
        headers={**writer, "If-Match": event_etag(october_id, 2)},
    )
    assert widened.status_code == 200, widened.text
    assert (widened.json()["sort_date"], widened.json()["starts_on"], widened.json()["ends_on"]) == (
        "2020-01-01",
        "2020-01-01",
        "2026-12-31",
    )
    assert public_ids(client, **{"from": "2020-06-01", "to": "2020-06-01"}) == [october_id]
    assert public_ids(client, **{"from": "2022-06-01", "to": "2022-06-01"}) == []
    assert public_ids(client, **{"from": "2026-12-31"}) == [october_id]
    assert public_ids(client) == [october_id, summit_id]
    session.commit()
    spans = session.exec(
        select(TimelineEventSpan)
        .where(TimelineEventSpan.event_id == october_id)
        .order_by(col(TimelineEventSpan.starts_on))
    ).all()
    assert [(s.starts_on.isoformat(), s.ends_on.isoformat()) for s in spans] == [
        ("2020-01-01", "2020-12-31"),
        ("2025-01-01", "2026-12-31"),
    ]
    assert audit_trail(session)[-1][4] == {
        "timeline_id": created["id"],
        "changed": ["end_date", "extra_dates", "precision"],
    }


def test_event_links_are_replaced_when_sent(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    draft = make_article(session, status=ArticleStatus.draft)
    other = make_article(session, published_at=BASE)
    created, _ = create(client, published, writer, events=[{**OCTOBER, "links": [published.id]}])
    event_id = created["events"][0]["id"]
    url = f"/v1/admin/timeline-events/{event_id}"
    relabelled = client.patch(
        url, json={"milestone": "New"}, headers={**writer, "If-Match": event_etag(event_id, 1)}
    )
    assert relabelled.json()["links"] == [published.id]
    relinked = client.patch(
        url, json={"links": [other.id, draft.id]}, headers={**writer, "If-Match": event_etag(event_id, 2)}
    )
    assert relinked.status_code == 200, relinked.text
    assert relinked.json()["links"] == [other.id, draft.id]
    assert version_of(relinked) == event_etag(event_id, 3)
    public = client.get("/v1/timeline-events").json()["items"][0]
    assert [a["id"] for a in public["articles"]] == [other.id]
    assert public_ids(client, article=other.slug) == [event_id]
    assert public_ids(client, article=draft.slug) == []
    unknown = client.patch(
        url, json={"links": [999]}, headers={**writer, "If-Match": event_etag(event_id, 3)}
    )
    assert assert_problem(unknown, 422)["detail"] == "links: no article has the id 999."
    assert client.get(url, headers=writer).json()["links"] == [other.id, draft.id]


def test_put_replaces_an_event(client: TestClient, writer: dict[str, str], published: Article) -> None:
    created, _ = create(client, published, writer, events=[{**SUMMIT, "links": [published.id]}])
    event_id = created["events"][0]["id"]
    response = client.put(
        f"/v1/admin/timeline-events/{event_id}",
        json=OCTOBER,
        headers={**writer, "If-Match": event_etag(event_id, 1)},
    )
    assert response.status_code == 200, response.text
    assert response.json() == expected_event(
        OCTOBER,
        event_id=event_id,
        timeline_id=created["id"],
        position=0,
        starts="2024-10-01",
        ends="2024-10-31",
        version=2,
    )


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"end_date": "2024-09-30"}, 422),
        ({"date": "2024-12-01"}, 422),  # after the end date it already has
        ({"date": None}, 422),
        ({"label": None}, 422),
        ({"precision": None}, 422),
        ({"precision": "week"}, 422),
        ({"position": -1}, 422),
        ({"links": None}, 422),
        ({"sort_date": "2024-01-01"}, 422),
        ({"timeline_id": 1}, 422),
        ({"version": 3}, 422),
        ({"milestone": "nul\x00"}, 422),
    ],
)
def test_bad_event_changes_are_422_and_change_nothing(
    client: TestClient,
    session: Session,
    writer: dict[str, str],
    published: Article,
    change: dict[str, Any],
    status: int,
) -> None:
    created, _ = create(client, published, writer, events=[{**OCTOBER, "end_date": "2024-11-15"}])
    event_id = created["events"][0]["id"]
    url = f"/v1/admin/timeline-events/{event_id}"
    assert_problem(
        client.patch(url, json=change, headers={**writer, "If-Match": event_etag(event_id, 1)}), status
    )
    assert client.get(url, headers=writer).json() == created["events"][0]
    assert [entry[0] for entry in audit_trail(session)] == ["timeline.create"]


def test_event_end_before_date_names_the_rule(
    client: TestClient, writer: dict[str, str], published: Article
) -> None:
    created, _ = create(client, published, writer, events=[OCTOBER])
    event_id = created["events"][0]["id"]
    response = client.patch(
        f"/v1/admin/timeline-events/{event_id}",
        json={"end_date": "2024-09-30"},
        headers={**writer, "If-Match": event_etag(event_id, 1)},
    )
    assert assert_problem(response, 422)["detail"] == "Value error, end_date must not be before date"


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_two_writers_on_one_event(
    client: TestClient, session: Session, published: Article, method: str
) -> None:
    first = key_headers(session, "content:write", name="first")
    second = key_headers(session, "content:write", name="second")
    created, _ = create(client, published, first, events=[OCTOBER])
    url = f"/v1/admin/timeline-events/{created['events'][0]['id']}"
    assert_problem(client.request(method, url, json=OCTOBER, headers=first), 428)
    seen_by_first = client.get(url, headers=first).headers["etag"]
    seen_by_second = client.get(url, headers=second).headers["etag"]
    won = client.patch(url, json={"milestone": "First"}, headers={**first, "If-Match": seen_by_first})
    assert won.status_code == 200
    lost = client.request(
        method, url, json={**OCTOBER, "milestone": "Second"}, headers={**second, "If-Match": seen_by_second}
    )
    assert_problem(lost, 412)
    assert client.get(url, headers=second).json()["milestone"] == "First"
    assert [(entry[0], entry[3]) for entry in audit_trail(session)] == [
        ("timeline.create", "first"),
        ("timeline-event.update", "first"),
    ]


def test_delete_an_event(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    created, _ = create(client, published, writer, events=[{**OCTOBER, "links": [published.id]}, SUMMIT])
    october_id, summit_id = (e["id"] for e in created["events"])
    url = f"/v1/admin/timeline-events/{october_id}"
    response = client.delete(url, headers={**writer, "If-Match": event_etag(october_id, 1)})
    assert (response.status_code, response.content) == (204, b"")
    assert_problem(client.get(url, headers=writer), 404)
    assert public_ids(client) == [summit_id]
    timeline = client.get(f"/v1/admin/timelines/{created['id']}", headers=writer)
    assert version_of(timeline) == timeline_etag(created["id"], 2)
    assert [e["id"] for e in timeline.json()["events"]] == [summit_id]
    session.commit()
    assert session.exec(select(TimelineEventArticle)).all() == []
    assert session.exec(select(TimelineEventSpan).where(TimelineEventSpan.event_id == october_id)).all() == []
    assert audit_trail(session)[-1] == (
        "timeline-event.delete",
        "timeline-event",
        october_id,
        "desk",
        {"timeline_id": created["id"]},
    )


def test_keys_without_content_write_are_refused(
    client: TestClient, session: Session, published: Article
) -> None:
    timeline, events = make_timeline(session, published, [event("2024-10-01", "month")])
    reader = key_headers(session, "content:read-drafts", "content:publish", name="reader")
    timeline_url = f"/v1/admin/timelines/{timeline.id}"
    event_url = f"/v1/admin/timeline-events/{events[0].id}"
    calls = [
        ("POST", f"/v1/admin/articles/{published.id}/timelines", {"slug": "x", "title": "X"}),
        ("GET", timeline_url, None),
        ("PATCH", timeline_url, {"title": "X"}),
        ("PUT", timeline_url, {"slug": "x", "title": "X"}),
        ("DELETE", timeline_url, None),
        ("POST", f"{timeline_url}/events", OCTOBER),
        ("GET", event_url, None),
        ("PATCH", event_url, {"label": "X"}),
        ("PUT", event_url, OCTOBER),
        ("DELETE", event_url, None),
    ]
    for method, path, payload in calls:
        unauthenticated = client.request(method, path, json=payload, headers={"If-Match": "*"})
        assert unauthenticated.status_code == 401
        assert unauthenticated.headers["www-authenticate"] == 'Bearer realm="broadsheet"'
        body = assert_problem(
            client.request(method, path, json=payload, headers={**reader, "If-Match": "*"}), 403
        )
        assert body["detail"] == "This API key lacks the `content:write` scope."
    assert audit_trail(session) == []
    assert session.exec(select(ArticleBlock).where(ArticleBlock.timeline_id == timeline.id)).one()
