"""GET /v1/trending: decayed scores, velocity, pins, blocks, categories; only public articles."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles.models import Article
from app.trending.events import hour_of
from tests.assertions import assert_problem
from tests.factories import make_article, make_category, make_hidden_articles
from tests.trending.support import add_views, ago, block, pin, send


@pytest.fixture
def old(session: Session, clock: datetime) -> Article:
    return make_article(session, slug="old-burst", published_at=clock - timedelta(days=3))


@pytest.fixture
def new(session: Session, clock: datetime) -> Article:
    return make_article(session, slug="new-trickle", published_at=clock - timedelta(days=1))


def ranking(client: TestClient, **params: Any) -> list[tuple[str, float, int, int, bool]]:
    response = client.get("/v1/trending", params=params)
    assert response.status_code == 200, response.text
    return [
        (i["article"]["slug"], i["score"], i["views"], i["velocity"], i["pinned"])
        for i in response.json()["items"]
    ]


def test_a_view_loses_half_its_weight_every_half_life(
    client: TestClient, clock: datetime, old: Article, new: Article
) -> None:
    send(client, old.id, 8, at=ago(clock, 12))
    send(client, new.id, 3)
    # 12 hours are two 6-hour half-lives: 8 views weigh 2; 3 views of this hour weigh 3
    assert ranking(client) == [("new-trickle", 3.0, 3, 0, False), ("old-burst", 2.0, 8, 0, False)]
    # with a 24-hour half-life the old burst still weighs 8 * 0.5^0.5
    assert ranking(client, half_life_hours=24) == [
        ("old-burst", round(8 * 0.5**0.5, 4), 8, 0, False),
        ("new-trickle", 3.0, 3, 0, False),
    ]
    # a 12-hour window leaves the burst out (its hour started 12 hours ago: the window is 11 whole hours
    # back and the current one)
    assert ranking(client, window_hours=12) == [("new-trickle", 3.0, 3, 0, False)]
    assert ranking(client, window_hours=13) == [
        ("new-trickle", 3.0, 3, 0, False),
        ("old-burst", 2.0, 8, 0, False),
    ]


def test_the_answer_explains_itself(client: TestClient, clock: datetime, old: Article) -> None:
    send(client, old.id, 2)
    body = client.get("/v1/trending", params={"half_life_hours": 3, "window_hours": 24, "limit": 5}).json()
    assert body["meta"] == {
        "limit": 5,
        "next_cursor": None,
        "as_of": clock.isoformat().replace("+00:00", "Z"),
        "half_life_hours": 3.0,
        "window_hours": 24,
        "category": None,
    }
    item = body["items"][0]
    assert {k: v for k, v in item.items() if k != "article"} == {
        "position": 1,
        "score": 2.0,
        "views": 2,
        "velocity": 0,
        "pinned": False,
    }
    assert item["article"]["id"] == old.id
    assert item["article"]["slug"] == "old-burst"
    assert "tags" not in item["article"]  # summaries as /v1/articles lists them, without embeds


def test_velocity_compares_the_last_two_complete_hours(
    client: TestClient, clock: datetime, old: Article, new: Article
) -> None:
    send(client, new.id, 2, at=ago(clock, 2))
    send(client, new.id, 5, at=ago(clock, 1))
    send(client, new.id, 4)  # the current hour counts for score and views, not velocity
    send(client, old.id, 6, at=ago(clock, 1.5))  # in the hour that started two hours ago
    send(client, old.id, 1, at=ago(clock, 0.5))
    send(client, old.id, 9, at=ago(clock, 6))
    scores = {slug: (views, velocity) for slug, _, views, velocity, _ in ranking(client)}
    assert scores == {"new-trickle": (11, 3), "old-burst": (16, -5)}
    # velocity looks at those two hours even when the window is shorter
    assert [(s, v, vel) for s, _, v, vel, _ in ranking(client, window_hours=1)] == [("new-trickle", 4, 3)]


def test_ties_put_the_newer_article_first_and_limit_cuts(
    client: TestClient, session: Session, clock: datetime
) -> None:
    made = [make_article(session, published_at=clock - timedelta(days=1)) for _ in range(4)]
    for article in made:
        send(client, article.id, 2)
    slugs = [s for s, *_ in ranking(client, limit=3)]
    assert slugs == [a.slug for a in reversed(made)][:3]


def test_pins_hold_their_positions_until_they_expire(
    client: TestClient, session: Session, clock: datetime, old: Article, new: Article
) -> None:
    quiet = make_article(session, slug="quiet", published_at=clock - timedelta(days=1))
    expired = make_article(session, slug="expired-pin", published_at=clock - timedelta(days=1))
    third = make_article(session, slug="third", published_at=clock - timedelta(days=1))
    send(client, old.id, 9)
    send(client, new.id, 5)
    send(client, third.id, 2)
    send(client, expired.id, 1)
    pin(session, quiet, 2)
    pin(session, new, 1, expires_at=clock + timedelta(hours=1))
    pin(session, expired, 3, expires_at=clock - timedelta(minutes=1))
    session.commit()
    assert ranking(client) == [
        ("new-trickle", 5.0, 5, 0, True),
        ("quiet", 0.0, 0, 0, True),
        ("old-burst", 9.0, 9, 0, False),
        ("third", 2.0, 2, 0, False),
        ("expired-pin", 1.0, 1, 0, False),
    ]
    assert [s for s, *_ in ranking(client, limit=2)] == ["new-trickle", "quiet"]


def test_pins_past_the_end_close_up(
    client: TestClient, session: Session, clock: datetime, old: Article
) -> None:
    pinned = make_article(session, slug="pinned", published_at=clock - timedelta(days=1))
    send(client, old.id, 3)
    pin(session, pinned, 10)
    session.commit()
    assert [(s, p) for s, *_, p in ranking(client)] == [("old-burst", False), ("pinned", True)]
    positions = [i["position"] for i in client.get("/v1/trending").json()["items"]]
    assert positions == [1, 2]


def test_blocked_articles_never_trend_unless_pinned(
    client: TestClient, session: Session, clock: datetime, old: Article, new: Article
) -> None:
    send(client, old.id, 9)
    send(client, new.id, 5)
    block(session, old)
    session.commit()
    assert [s for s, *_ in ranking(client)] == ["new-trickle"]
    pin(session, old, 2)
    session.commit()
    assert ranking(client) == [("new-trickle", 5.0, 5, 0, False), ("old-burst", 9.0, 9, 0, True)]


def test_a_category_ranks_its_own_articles_with_its_own_pins(
    client: TestClient, session: Session, clock: datetime
) -> None:
    world, games = make_category(session, slug="world"), make_category(session, slug="games")
    summit = make_article(session, slug="summit", category=world, published_at=clock - timedelta(days=1))
    treaty = make_article(session, slug="treaty", category=world, published_at=clock - timedelta(days=1))
    remake = make_article(session, slug="remake", category=games, published_at=clock - timedelta(days=1))
    send(client, summit.id, 3)
    send(client, treaty.id, 1)
    send(client, remake.id, 7)
    pin(session, treaty, 1, category_id=world.id)
    pin(session, summit, 1)  # site-wide only
    assert [(s, p) for s, *_, p in ranking(client, category="world")] == [("treaty", True), ("summit", False)]
    assert [(s, p) for s, *_, p in ranking(client, category="games")] == [("remake", False)]
    assert [(s, p) for s, *_, p in ranking(client)] == [
        ("summit", True),
        ("remake", False),
        ("treaty", False),
    ]
    assert client.get("/v1/trending", params={"category": "world"}).json()["meta"]["category"] == "world"
    assert_problem(client.get("/v1/trending", params={"category": "nowhere"}), 404)


def test_only_public_articles_appear_even_with_views_and_pins(
    client: TestClient, session: Session, clock: datetime, old: Article
) -> None:
    send(client, old.id, 1)
    hidden = make_hidden_articles(session, slug_prefix="hidden-")
    for position, article in enumerate(hidden.values(), 1):
        add_views(session, article, hour_of(clock), 100)
        pin(session, article, position)
    assert [s for s, *_ in ranking(client)] == ["old-burst"]
    assert "hidden-" not in client.get("/v1/trending").text


def test_an_empty_ranking(client: TestClient, clock: datetime) -> None:
    assert client.get("/v1/trending").json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 0},
        {"half_life_hours": 0},
        {"half_life_hours": 169},
        {"half_life_hours": "nan"},
        {"window_hours": 0},
        {"window_hours": 169},
        {"window_hours": 1.5},
        {"category": "Not A Slug"},
        {"cursor": "x"},
        {"sort": "score"},
    ],
)
def test_bad_parameters_are_400(client: TestClient, params: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/trending", params=params), 400)


def test_caching_headers_name_the_ranking_and_its_articles(
    client: TestClient, clock: datetime, old: Article, new: Article
) -> None:
    send(client, old.id)
    send(client, new.id)
    response = client.get("/v1/trending")
    assert response.headers["cache-control"].startswith("public, max-age=30, s-maxage=60")
    assert set(response.headers["surrogate-key"].split()) == {
        "trending",
        "articles:list",
        f"article:{old.id}",
        f"article:{new.id}",
    }
    again = client.get("/v1/trending", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
