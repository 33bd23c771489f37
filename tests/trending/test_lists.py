"""GET /v1/lists/{slug}: manual lists show their entries, trending lists fill around them; the demo."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.articles.models import Article
from app.demo.content import ARTICLES
from app.demo.loader import load_demo
from app.trending.demo import EDITORS_PICKS
from app.trending.events import hour_of
from app.trending.models import CuratedList, CuratedListEntry, ListKind, ViewBucket
from tests.assertions import assert_problem
from tests.factories import make_article, make_category, make_hidden_articles
from tests.trending.support import block, send


def make_list(session: Session, slug: str, kind: ListKind, **kw: Any) -> CuratedList:
    curated = CuratedList(slug=slug, title=slug.title(), kind=kind, **kw)
    session.add(curated)
    session.commit()
    return curated


def place(session: Session, curated: CuratedList, article: Article, position: int, **kw: Any) -> None:
    assert curated.id is not None
    assert article.id is not None
    session.add(CuratedListEntry(list_id=curated.id, article_id=article.id, position=position, **kw))
    session.commit()


def entries(client: TestClient, slug: str, **params: Any) -> list[tuple[str, int, bool]]:
    response = client.get(f"/v1/lists/{slug}", params=params)
    assert response.status_code == 200, response.text
    return [(i["article"]["slug"], i["views"], i["pinned"]) for i in response.json()["items"]]


def test_a_manual_list_shows_its_live_public_entries_in_order(
    client: TestClient, session: Session, clock: datetime
) -> None:
    first, second, late = (
        make_article(session, slug=s, published_at=clock - timedelta(days=1))
        for s in ("first", "second", "late")
    )
    send(client, second.id, 4)
    picks = make_list(session, "picks", ListKind.manual, description="Worth a slow read.")
    place(session, picks, second, 2)
    place(session, picks, first, 1)
    place(session, picks, late, 3, expires_at=clock - timedelta(seconds=1))
    for article in make_hidden_articles(session, slug_prefix="hidden-").values():
        place(session, picks, article, 4)
    response = client.get("/v1/lists/picks")
    body = response.json()
    assert body["list"] == {
        "id": picks.id,
        "slug": "picks",
        "title": "Picks",
        "description": "Worth a slow read.",
        "kind": "manual",
    }
    assert [(i["position"], i["article"]["slug"], i["views"], i["pinned"]) for i in body["items"]] == [
        (1, "first", 0, True),
        (2, "second", 4, True),
    ]
    assert set(response.headers["surrogate-key"].split()) == {
        "trending",
        "articles:list",
        f"curated-list:{picks.id}",
        f"article:{first.id}",
        f"article:{second.id}",
    }


def test_a_trending_list_fills_around_its_entries_with_its_own_settings(
    client: TestClient, session: Session, clock: datetime
) -> None:
    world, games = make_category(session, slug="world"), make_category(session, slug="games")
    summit, treaty, recap = (
        make_article(session, slug=s, category=world, published_at=clock - timedelta(days=1))
        for s in ("summit", "treaty", "recap")
    )
    remake = make_article(session, slug="remake", category=games, published_at=clock - timedelta(days=1))
    send(client, summit.id, 5)
    send(client, treaty.id, 3)
    send(client, recap.id, 2)
    send(client, remake.id, 9)
    hot = make_list(
        session, "world-now", ListKind.trending, category_id=world.id, half_life_hours=2, window_hours=6
    )
    place(session, hot, recap, 1)
    block(session, treaty)
    assert entries(client, "world-now") == [("recap", 2, True), ("summit", 5, False)]
    assert entries(client, "world-now", limit=1) == [("recap", 2, True)]
    meta = client.get("/v1/lists/world-now").json()["meta"]
    assert (meta["category"], meta["half_life_hours"], meta["window_hours"]) == ("world", 2.0, 6)


def test_unknown_lists_and_bad_parameters(client: TestClient, session: Session) -> None:
    make_list(session, "picks", ListKind.manual)
    assert_problem(client.get("/v1/lists/nothing-here"), 404)
    assert_problem(client.get("/v1/lists/picks", params={"limit": 101}), 400)
    assert_problem(client.get("/v1/lists/picks", params={"category": "world"}), 400)


def test_the_demo_has_real_trending_and_both_lists(client: TestClient, demo: Session) -> None:
    public = {a["slug"] for a in ARTICLES}
    trending = client.get("/v1/trending", params={"limit": 100}).json()["items"]
    assert len(trending) == len(ARTICLES)
    assert {i["article"]["slug"] for i in trending} == public
    scores = [i["score"] for i in trending]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1] > 0
    assert {i["velocity"] > 0 for i in trending} == {True, False}
    top = client.get("/v1/lists/top-trending").json()
    assert top["list"]["kind"] == "trending"
    assert [i["article"]["slug"] for i in top["items"]] == [i["article"]["slug"] for i in trending[:20]]
    picks = client.get("/v1/lists/editors-picks").json()
    assert [i["article"]["slug"] for i in picks["items"]] == EDITORS_PICKS
    assert all(i["pinned"] for i in picks["items"])


def _stored_views(session: Session) -> list[tuple[int, int, int]]:
    return [(b.article_id, b.hour, b.views) for b in session.exec(select(ViewBucket))]


def test_demo_views_cover_the_last_two_days_and_are_written_once(session: Session, demo: Session) -> None:
    views = _stored_views(session)
    hours = {hour for _, hour, _ in views}
    assert max(hours) in (hour_of(datetime.now(UTC)) - 1, hour_of(datetime.now(UTC)))  # loaded this hour
    assert hours == set(range(max(hours) - 47, max(hours) + 1))
    assert load_demo(session) == {}
    assert _stored_views(session) == views
