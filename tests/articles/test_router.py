"""GET /v1/articles and /v1/articles/{slug}: pagination, filters, sparse fields, embeds, visibility."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles.body import article_detail
from app.articles.models import Article
from tests.assertions import assert_problem
from tests.factories import (
    NOW,
    event,
    make_article,
    make_author,
    make_category,
    make_correction,
    make_slug_redirect,
    make_table,
    make_tag,
    make_timeline,
)


def _walk(client: TestClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Follow next cursors to the end, checking the Link header on the way."""
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        response = client.get("/v1/articles", params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["meta"]["limit"] == params.get("limit", 20)
        seen += body["items"]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            assert "link" not in response.headers
            return seen
        link = response.headers["link"]
        assert link.endswith('>; rel="next"')
        assert parse_qs(urlsplit(link[1 : link.index(">")]).query)["cursor"] == [cursor]
    raise AssertionError("pagination did not end")


@pytest.fixture
def newsroom(session: Session) -> dict[str, Any]:
    world, money = make_category(session, slug="world"), make_category(session, slug="money")
    russia, cards = make_tag(session, slug="russia"), make_tag(session, slug="cards")
    mina, dan = make_author(session, slug="mina"), make_author(session, slug="dan")
    base = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
    public = []
    for i in range(13):
        public.append(
            make_article(
                session,
                slug=f"story-{i:02d}",
                title=f"Title {chr(ord('z') - i)}",
                category=world if i % 2 == 0 else money,
                tags=[russia] if i % 3 == 0 else [cards],
                authors=[mina] if i < 7 else [dan, mina],
                # two articles share a publish time so the id breaks the tie
                published_at=base + timedelta(hours=i if i != 5 else 4),
            )
        )
    hidden = [
        make_article(session, slug="a-draft", status="draft", category=world, tags=[russia], authors=[mina]),
        make_article(session, slug="an-archived", status="archived", published_at=base, category=world),
        make_article(
            session, slug="scheduled-later", status="scheduled", published_at=NOW + timedelta(days=3)
        ),
        make_article(
            session, slug="published-future", status="published", published_at=NOW + timedelta(days=1)
        ),
    ]
    due = make_article(
        session, slug="scheduled-due", status="scheduled", published_at=base - timedelta(days=1)
    )
    return {"public": [*public, due], "hidden": hidden, "world": world, "base": base}


@pytest.mark.parametrize("limit", [1, 4, 7, 100])
def test_newest_walk_visits_every_public_article_once_in_order(
    client: TestClient, newsroom: dict[str, Any], limit: int
) -> None:
    items = _walk(client, {"limit": limit})
    expected = sorted(newsroom["public"], key=lambda a: (a.published_at, a.id), reverse=True)
    assert [i["id"] for i in items] == [a.id for a in expected]


def test_oldest_and_title_sorts_walk_every_article_once(client: TestClient, newsroom: dict[str, Any]) -> None:
    oldest = _walk(client, {"sort": "oldest", "limit": 3})
    assert [i["id"] for i in oldest] == [
        a.id for a in sorted(newsroom["public"], key=lambda a: (a.published_at, a.id))
    ]
    by_title = _walk(client, {"sort": "title", "limit": 5})
    assert [i["id"] for i in by_title] == [
        a.id for a in sorted(newsroom["public"], key=lambda a: (a.title, a.id))
    ]


def test_default_limit_is_twenty(client: TestClient, session: Session) -> None:
    for i in range(21):
        make_article(session, slug=f"many-{i}")
    body = client.get("/v1/articles").json()
    assert len(body["items"]) == 20
    assert body["meta"]["limit"] == 20
    assert body["meta"]["next_cursor"] is not None


def test_filters(client: TestClient, newsroom: dict[str, Any]) -> None:
    public = newsroom["public"]

    def slugs(**params: Any) -> list[str]:
        return sorted(i["slug"] for i in _walk(client, {"limit": 100, **params}))

    world_id = newsroom["world"].id
    assert slugs(category="world") == sorted(a.slug for a in public if a.category_id == world_id)
    assert slugs(tag="russia") == ["story-00", "story-03", "story-06", "story-09", "story-12"]
    assert slugs(author="dan") == ["story-07", "story-08", "story-09", "story-10", "story-11", "story-12"]
    assert slugs(category="world", tag="russia", author="dan") == ["story-12"]
    base = newsroom["base"]
    after = (base + timedelta(hours=10)).isoformat()
    assert slugs(published_after=after) == ["story-11", "story-12"]
    assert slugs(published_before=base.isoformat()) == ["scheduled-due"]
    assert slugs(
        published_after=base.isoformat(), published_before=(base + timedelta(hours=2)).isoformat()
    ) == ["story-01"]
    assert slugs(category="no-such-category") == []
    assert slugs(tag="no-such-tag") == []


def test_filtered_pagination_walks_exactly_once(client: TestClient, newsroom: dict[str, Any]) -> None:
    items = _walk(client, {"category": "world", "limit": 2, "sort": "oldest"})
    assert [i["slug"] for i in items] == [
        "story-00",
        "story-02",
        "story-04",
        "story-06",
        "story-08",
        "story-10",
        "story-12",
    ]


def test_sparse_fields_and_includes(client: TestClient, newsroom: dict[str, Any]) -> None:
    body = client.get("/v1/articles", params={"fields": "slug,title", "limit": 1}).json()
    assert body["items"] == [{"id": newsroom["public"][12].id, "slug": "story-12", "title": "Title n"}]

    item = client.get(
        "/v1/articles", params={"fields": "slug", "include": "category,tags,authors", "limit": 1}
    ).json()["items"][0]
    assert set(item) == {"id", "slug", "category", "tags", "authors"}
    assert item["category"]["slug"] == "world"
    assert [t["slug"] for t in item["tags"]] == ["russia"]
    assert [a["slug"] for a in item["authors"]] == ["dan", "mina"]

    full = client.get("/v1/articles", params={"limit": 1}).json()["items"][0]
    assert full["tag_slugs"] == ["russia"]
    assert full["author_slugs"] == ["dan", "mina"]
    assert full["category_slug"] == "world"
    assert "category" not in full
    assert "status" not in full


@pytest.mark.parametrize(
    "params",
    [
        {"fields": "slug,body"},
        {"fields": "status"},
        {"include": "blocks"},
        {"limit": "101"},
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"sort": "random"},
        {"published_after": "2025-12-01T00:00:00"},
        {"published_after": "yesterday"},
        {"cursor": "not-a-cursor"},
        {"cursor": "W10"},
        {"unknown": "1"},
        {"category": "World Politics"},
    ],
)
def test_bad_list_parameters_are_400_problems(
    client: TestClient, newsroom: dict[str, Any], params: dict[str, str]
) -> None:
    problem = assert_problem(client.get("/v1/articles", params=params), 400, "Bad Request")
    assert problem["detail"]


def test_repeated_parameter_is_400(client: TestClient, newsroom: dict[str, Any]) -> None:
    problem = assert_problem(client.get("/v1/articles?tag=russia&tag=cards"), 400)
    assert "tag" in problem["detail"]


def test_cursor_of_another_order_is_rejected(client: TestClient, newsroom: dict[str, Any]) -> None:
    cursor = client.get("/v1/articles", params={"limit": 1}).json()["meta"]["next_cursor"]
    response = client.get("/v1/articles", params={"limit": 1, "sort": "title", "cursor": cursor})
    assert response.status_code == 400
    assert client.get("/v1/tags", params={"cursor": cursor}).status_code == 400


def test_hidden_articles_never_show(client: TestClient, newsroom: dict[str, Any]) -> None:
    hidden = {a.slug for a in newsroom["hidden"]}
    for params in ({}, {"category": "world"}, {"tag": "russia"}, {"author": "mina"}, {"sort": "title"}):
        assert hidden.isdisjoint(i["slug"] for i in _walk(client, {"limit": 100, **params}))
    for slug in hidden:
        assert_problem(client.get(f"/v1/articles/{slug}"), 404)
    assert client.get("/v1/articles/scheduled-due").status_code == 200


def test_detail_embeds_blocks_tables_and_timeline_in_body_order(client: TestClient, session: Session) -> None:
    article = make_article(session, slug="with-body", standfirst="The dek")
    table = make_table(session, article, title="Themes")
    timeline, _ = make_timeline(
        session, article, [event("2024-10-01", "month", label="October 2024")], slug="line"
    )
    body = client.get("/v1/articles/with-body").json()
    assert [b["type"] for b in body["blocks"]] == ["paragraph", "table", "timeline"]
    assert body["blocks"][1]["table"]["id"] == table.id
    assert body["blocks"][1]["table"]["rows"] == [["First", 1], ["Second", 2]]
    assert body["blocks"][2]["timeline"]["id"] == timeline.id
    assert body["blocks"][2]["timeline"]["events"][0]["label"] == "October 2024"
    assert body["standfirst"] == "The dek"
    assert "status" not in body
    assert "category_id" not in body


def test_unknown_article_is_404(client: TestClient, newsroom: dict[str, Any]) -> None:
    assert assert_problem(client.get("/v1/articles/nope"), 404) == {
        "type": "/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "No published article has the slug 'nope'.",
        "instance": "/v1/articles/nope",
    }


def test_seed_article_from_demo(client: TestClient, demo: Session) -> None:
    body = client.get("/v1/articles/kim-jong-un-new-year-greetings-putin-blood-alliance").json()
    assert body["category"]["slug"] == "world-politics"
    kinds = [b["type"] for b in body["blocks"]]
    assert kinds.count("table") == 2
    assert kinds.count("timeline") == 1
    tables = [b["table"]["title"] for b in body["blocks"] if b["type"] == "table"]
    assert tables == [
        "Public themes emphasized in the New Year exchange",
        "What monitoring efforts are alleging at a high level",
    ]
    timeline_block = next(b for b in body["blocks"] if b["type"] == "timeline")
    assert timeline_block["table"]["title"] == "Timeline of key milestones shaping DPRK–Russia ties"
    assert len(timeline_block["timeline"]["events"]) == 5
    assert kinds.index("timeline") > kinds.index("table")
    assert body["word_count"] > 500
    assert body["reading_time_minutes"] == round(body["word_count"] / 230)


def test_an_old_slug_of_a_public_article_redirects_permanently(client: TestClient, session: Session) -> None:
    article = make_article(session, slug="current-slug")
    make_slug_redirect(session, article, "old-slug")
    response = client.get("/v1/articles/old-slug", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/v1/articles/current-slug"
    assert response.content == b""
    assert response.headers["cache-control"] == (
        "public, max-age=60, s-maxage=3600, stale-while-revalidate=60, stale-if-error=86400"
    )
    assert response.headers["surrogate-key"] == f"article:{article.id}"
    followed = client.get("/v1/articles/old-slug")
    assert followed.status_code == 200
    assert followed.json()["slug"] == "current-slug"
    assert client.head("/v1/articles/old-slug", follow_redirects=False).status_code == 301


@pytest.mark.parametrize(
    ("status", "published_at"),
    [
        ("draft", None),
        ("archived", NOW - timedelta(days=1)),
        ("scheduled", NOW + timedelta(days=1)),
        ("published", NOW + timedelta(days=1)),
    ],
)
def test_an_old_slug_of_a_hidden_article_is_a_404(
    client: TestClient, session: Session, status: str, published_at: datetime | None
) -> None:
    article = make_article(session, slug="hidden-now", status=status, published_at=published_at)
    make_slug_redirect(session, article, "hidden-before")
    for slug in ("hidden-before", "hidden-now"):
        response = client.get(f"/v1/articles/{slug}", follow_redirects=False)
        assert_problem(response, 404)
        assert "location" not in response.headers
    # the 404 for the old slug does not give the current one away
    assert "hidden-now" not in client.get("/v1/articles/hidden-before").text


def test_corrections_are_listed_oldest_first(client: TestClient, session: Session) -> None:
    article = make_article(session, slug="corrected")
    plain = make_article(session, slug="never-corrected")
    later, earlier = NOW - timedelta(hours=1), NOW - timedelta(days=2)
    make_correction(session, article, "The second note.", at=later)
    make_correction(session, article, "The first note.", at=earlier)
    body = client.get("/v1/articles/corrected").json()
    assert body["corrections"] == [
        {"at": earlier.isoformat().replace("+00:00", "Z"), "note": "The first note."},
        {"at": later.isoformat().replace("+00:00", "Z"), "note": "The second note."},
    ]
    assert client.get(f"/v1/articles/{plain.slug}").json()["corrections"] == []


def test_corrections_of_a_hidden_article_are_not_shown(client: TestClient, session: Session) -> None:
    article = make_article(session, slug="draft-with-note", status="draft")
    make_correction(session, article, "A secret note.")
    response = client.get("/v1/articles/draft-with-note")
    assert_problem(response, 404)
    assert "secret" not in response.text


def test_list_rows_give_tags_and_authors_in_editorial_order(client: TestClient, session: Session) -> None:
    # positions past 9 (where text order differs from number order) and slugs against alphabetical order
    tags = [make_tag(session, slug=f"topic-{letter}") for letter in "zyxwvutsrqpo"]
    authors = [make_author(session, slug=f"writer-{letter}") for letter in "cab"]
    article = make_article(session, tags=tags, authors=authors, published_at=datetime.now(UTC))
    make_article(session, published_at=datetime.now(UTC) - timedelta(days=1))  # no tags, no authors

    items = client.get("/v1/articles", params={"limit": 2}).json()["items"]
    assert items[0]["slug"] == article.slug
    assert items[0]["tag_slugs"] == [t.slug for t in tags]
    assert items[0]["author_slugs"] == ["writer-c", "writer-a", "writer-b"]
    assert items[1]["tag_slugs"] == []
    assert items[1]["author_slugs"] == []
    embedded = client.get("/v1/articles", params={"limit": 1, "include": "tags,authors"}).json()["items"][0]
    assert [t["slug"] for t in embedded["tags"]] == items[0]["tag_slugs"]
    assert [a["slug"] for a in embedded["authors"]] == items[0]["author_slugs"]
    detail = client.get(f"/v1/articles/{article.slug}").json()
    assert [t["slug"] for t in detail["tags"]] == items[0]["tag_slugs"]


def test_a_detail_read_in_one_row_matches_one_built_from_each_kind(
    client: TestClient, session: Session
) -> None:
    # the detail row (category, tags, authors and blocks as JSON rows) against the reads of each kind that
    # other callers (sync, feeds) still use: positions past 9, slugs against alphabetical order, a block of
    # every sort, text that JSON must escape, corrections
    tags = [make_tag(session, slug=f"topic-{letter}", name=f'Topic "{letter}"') for letter in "zyxwvutsrqpo"]
    authors = [
        make_author(session, slug=f"writer-{letter}", bio='Reports on\n"tariffs" \\ trade', avatar_url=None)
        for letter in "cab"
    ]
    article = make_article(session, tags=tags, authors=authors)
    make_table(session, article)
    make_timeline(session, article, [event("2025-04-02"), event("2025-05-01", precision="month")])
    make_correction(session, article, "A date was wrong.", at=NOW - timedelta(hours=2))
    make_correction(session, article, "A name was misspelt.", at=NOW - timedelta(hours=1))
    bare = make_article(session)  # no tags, no authors, no corrections

    for subject in (article, bare):
        session.expire_all()
        stored = session.get(Article, subject.id)
        assert stored is not None
        built = json.loads(article_detail(session, stored, client.app.state.settings).model_dump_json())  # type: ignore[attr-defined]
        served = client.get(f"/v1/articles/{subject.slug}").json()
        assert served == built
    assert [t["slug"] for t in served["tags"]] == []
    detail = client.get(f"/v1/articles/{article.slug}").json()
    assert [t["slug"] for t in detail["tags"]] == [t.slug for t in tags]
    assert [a["slug"] for a in detail["authors"]] == ["writer-c", "writer-a", "writer-b"]
    assert [b["type"] for b in detail["blocks"]] == ["paragraph", "table", "timeline"]
    assert [c["note"] for c in detail["corrections"]] == ["A date was wrong.", "A name was misspelt."]
