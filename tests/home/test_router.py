"""GET /v1/home: one section per category in position order, each with its newest public articles."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles.models import Article
from app.taxonomy.models import Category
from tests.assertions import assert_problem
from tests.factories import make_article, make_category, make_hidden_articles

BASE = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)


def section_slugs(client: TestClient, params: dict[str, Any] | None = None) -> list[tuple[str, list[str]]]:
    response = client.get("/v1/home", params=params or {})
    assert response.status_code == 200, response.text
    return [
        (section["category"]["slug"], [article["slug"] for article in section["articles"]])
        for section in response.json()["sections"]
    ]


def category_json(category: Category) -> dict[str, Any]:
    return {
        "id": category.id,
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "position": category.position,
    }


@pytest.fixture
def newsroom(session: Session) -> dict[str, Any]:
    """Four categories out of position order, one empty, with public and hidden articles."""
    now = datetime.now(UTC)
    world = make_category(session, slug="world", name="World", position=2)
    money = make_category(session, slug="money", name="Money", position=0, description="Fintech & Finance")
    games = make_category(session, slug="games", name="Games", position=1)
    empty = make_category(session, slug="empty", name="Empty", position=3)
    # money: seven public articles out of date order, two sharing a publish time
    offsets = [3, 0, 6, 1, 5, 2, 5]
    for i, hours in enumerate(offsets):
        make_article(session, slug=f"money-{i}", category=money, published_at=BASE + timedelta(hours=hours))
    make_article(session, slug="world-old", category=world, published_at=BASE - timedelta(days=30))
    make_article(session, slug="world-new", category=world, published_at=BASE + timedelta(days=1))
    make_article(
        session, slug="games-due", status="scheduled", category=games, published_at=now - timedelta(hours=1)
    )
    hidden = [
        *make_hidden_articles(session, category=money, slug_prefix="money-").values(),
        make_article(session, slug="empty-draft", status="draft", category=empty),
        make_article(
            session,
            slug="empty-future",
            status="published",
            category=empty,
            published_at=now + timedelta(hours=1),
        ),
    ]
    return {"categories": [money, games, world, empty], "hidden": hidden}


# money-2 (+6h); money-4 and money-6 (+5h, the later id first); money-0 (+3h); money-5 (+2h); money-3; money-1
MONEY_NEWEST_FIRST = ["money-2", "money-6", "money-4", "money-0", "money-5", "money-3", "money-1"]


def test_sections_in_category_order_with_newest_five(client: TestClient, newsroom: dict[str, Any]) -> None:
    assert section_slugs(client) == [
        ("money", MONEY_NEWEST_FIRST[:5]),
        ("games", ["games-due"]),
        ("world", ["world-new", "world-old"]),
        ("empty", []),
    ]


@pytest.mark.parametrize(
    ("per_section", "money"),
    [
        (1, MONEY_NEWEST_FIRST[:1]),
        (2, MONEY_NEWEST_FIRST[:2]),
        (6, MONEY_NEWEST_FIRST[:6]),
        (7, MONEY_NEWEST_FIRST),
    ],
)
def test_per_section(
    client: TestClient, newsroom: dict[str, Any], per_section: int, money: list[str]
) -> None:
    assert section_slugs(client, {"per_section": per_section}) == [
        ("money", money),
        ("games", ["games-due"]),
        ("world", ["world-new", "world-old"][:per_section]),
        ("empty", []),
    ]


def test_per_section_twenty_shows_everything_public(client: TestClient, newsroom: dict[str, Any]) -> None:
    assert section_slugs(client, {"per_section": 20}) == [
        ("money", MONEY_NEWEST_FIRST),
        ("games", ["games-due"]),
        ("world", ["world-new", "world-old"]),
        ("empty", []),
    ]


def test_hidden_articles_never_appear(client: TestClient, newsroom: dict[str, Any]) -> None:
    hidden = {article.slug for article in newsroom["hidden"]}
    for per_section in (1, 5, 20):
        shown = {slug for _, slugs in section_slugs(client, {"per_section": per_section}) for slug in slugs}
        assert shown & hidden == set()


def test_section_shapes(client: TestClient, session: Session, newsroom: dict[str, Any]) -> None:
    body = client.get("/v1/home", params={"per_section": 1}).json()
    assert list(body) == ["sections"]
    assert [section["category"] for section in body["sections"]] == [
        category_json(c) for c in newsroom["categories"]
    ]
    article = body["sections"][0]["articles"][0]
    stored = session.get(Article, article["id"])
    assert stored is not None
    assert stored.slug == "money-2"
    assert article["category_slug"] == "money"
    assert article["title"] == stored.title
    assert datetime.fromisoformat(article["published_at"]) == BASE + timedelta(hours=6)


def test_home_without_categories(client: TestClient) -> None:
    response = client.get("/v1/home")
    assert response.status_code == 200
    assert response.json() == {"sections": []}


@pytest.mark.parametrize(
    "params",
    [
        {"per_section": "0"},
        {"per_section": "21"},
        {"per_section": "-1"},
        {"per_section": "five"},
        {"limit": "5"},
        {"category": "money"},
    ],
)
def test_bad_query_is_400(client: TestClient, newsroom: dict[str, Any], params: dict[str, str]) -> None:
    assert_problem(client.get("/v1/home", params=params), 400)


def test_repeated_per_section_is_400(client: TestClient, newsroom: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/home?per_section=1&per_section=2"), 400)


DEMO_SECTIONS = [
    ("world-politics", ["kim-jong-un-new-year-greetings-putin-blood-alliance"]),
    (
        "fintech-finance",
        [
            "best-cards-for-airport-lounge-access-2026",
            "best-alternatives-to-revolut-and-wise-2026",
            "most-innovative-fintech-startups-2026-ai-defi",
            "stablecoins-you-can-trust-2026",
            "top-credit-monitoring-services-2026",
        ],
    ),
    (
        "sustainability-living",
        [
            "green-credit-cards-that-plant-trees",
            "ethics-of-geo-engineering-hack-the-climate",
            "reusable-water-bottles-that-last-a-lifetime",
            "indigenous-knowledge-fighting-climate-change",
            "cities-leading-renewable-energy-transition",
        ],
    ),
    (
        "gaming",
        [
            "best-vr-headsets-under-500-january-2026",
            "remakes-and-remasters-confirmed-for-2026",
            "undergrowthgames-custom-controller-uggcontroman",
            "top-esports-tournaments-to-watch-q1-2026",
            "do-mopfell78-pc-gamers-have-an-advantage-fortnite",
        ],
    ),
    (
        "business-marketing",
        [
            "strategic-overview-of-charfen-co-uk",
            "business-credit-cards-for-ecommerce-owners",
            "voozon-com-streamlining-digital-growth",
            "saas-founders-to-follow-on-linkedin-2026",
            "tips-for-acing-your-student-visa-interview",
        ],
    ),
    (
        "technology-ai",
        [
            "best-hr-tech-tools-for-hybrid-workforce-management",
            "deep-dive-into-snapjotz-com",
            "best-resources-to-learn-solidity-2026",
            "best-cloud-storage-solutions-for-backups-2026",
        ],
    ),
    (
        "fitness-wellness",
        [
            "stoicism-for-the-modern-age-2026",
            "build-an-anti-fragile-mindset-for-uncertain-times",
            "2026-year-of-analogue-ditching-screens-for-paper",
            "circadian-habits-for-seasonal-depression",
            "digital-disconnect-evening-rituals-sleep-quality",
        ],
    ),
]


def test_demo_home(client: TestClient, demo: Session) -> None:
    sections = section_slugs(client)
    assert len(sections) == 7
    assert sections[0][0] == "world-politics"
    assert sections[0][1][0] == "kim-jong-un-new-year-greetings-putin-blood-alliance"
    assert sections == DEMO_SECTIONS
    assert section_slugs(client, {"per_section": 2}) == [
        (slug, articles[:2]) for slug, articles in DEMO_SECTIONS
    ]
