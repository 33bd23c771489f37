"""schema.org `NewsArticle` JSON-LD on the public article, and its script-safe serialization."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles import jsonld
from app.config import Settings, get_settings
from tests.factories import key_headers, make_article, make_author, make_category, make_tag

NOW = datetime.now(UTC).replace(microsecond=0)
SCRIPT_TITLE = "</script><script>alert(1)</script> <!-- & \u2028 -->"


@pytest.fixture
def publisher(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The publisher's website, name and logo, as the environment configures them."""
    monkeypatch.setenv("BROADSHEET_SITE_URL", "https://paper.example/")
    monkeypatch.setenv("BROADSHEET_PUBLISHER_NAME", "The Paper")
    monkeypatch.setenv("BROADSHEET_PUBLISHER_LOGO_URL", "https://paper.example/logo.png")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_article_detail_carries_news_article(publisher: None, client: TestClient, session: Session) -> None:
    world = make_category(session, slug="world", name="World & Politics")
    tags = [make_tag(session, slug="korea", name="Korea"), make_tag(session, slug="russia", name="Russia")]
    authors = [
        make_author(session, slug="mina", name="Mina Park", avatar_url="https://img.example/mina.jpg"),
        make_author(session, slug="dan", name="Dan"),
    ]
    make_article(
        session,
        slug="letters",
        title="Kim writes to Putin",
        standfirst="New Year letters.",
        seo_description="Letters exchanged at New Year.",
        category=world,
        tags=tags,
        authors=authors,
        published_at=NOW - timedelta(hours=3),
        updated_at=NOW - timedelta(hours=1),
        word_count=640,
        hero_image={"url": "https://img.example/k.jpg", "alt": "Kim", "width": 1200, "height": 800},
    )
    body = client.get("/v1/articles/letters").json()
    assert body["json_ld"] == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": "https://paper.example/articles/letters"},
        "url": "https://paper.example/articles/letters",
        "headline": "Kim writes to Putin",
        "description": "Letters exchanged at New Year.",
        "image": [{"@type": "ImageObject", "url": "https://img.example/k.jpg", "width": 1200, "height": 800}],
        "datePublished": (NOW - timedelta(hours=3)).isoformat(),
        "dateModified": (NOW - timedelta(hours=1)).isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": "Mina Park",
                "url": "https://paper.example/authors/mina",
                "image": "https://img.example/mina.jpg",
            },
            {"@type": "Person", "name": "Dan", "url": "https://paper.example/authors/dan"},
        ],
        "publisher": {
            "@type": "Organization",
            "name": "The Paper",
            "logo": {"@type": "ImageObject", "url": "https://paper.example/logo.png"},
        },
        "articleSection": "World & Politics",
        "keywords": ["Korea", "Russia"],
        "inLanguage": "en",
        "wordCount": 640,
    }
    assert body["json_ld"]["datePublished"].endswith("+00:00")
    assert json.loads(body["json_ld_script"]) == body["json_ld"]


def test_json_ld_is_safe_inside_a_script_element(client: TestClient, session: Session) -> None:
    make_article(session, slug="hostile", title=SCRIPT_TITLE, standfirst="a < b && c > d")
    body = client.get("/v1/articles/hostile").json()
    assert body["json_ld"]["headline"] == SCRIPT_TITLE
    script = body["json_ld_script"]
    for character in ("<", ">", "&", "\u2028"):
        assert character not in script
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in script
    assert "\\u0026\\u0026" in script
    assert json.loads(script) == body["json_ld"]
    page = f'<script type="application/ld+json">{script}</script>'
    assert page.count("</script") == 1  # only the element's own end tag


def test_canonical_url_is_the_main_entity(client: TestClient, session: Session) -> None:
    make_article(session, slug="syndicated", canonical_url="https://origin.example/story")
    json_ld = client.get("/v1/articles/syndicated").json()["json_ld"]
    assert json_ld["mainEntityOfPage"] == {"@type": "WebPage", "@id": "https://origin.example/story"}
    assert json_ld["url"] == "https://origin.example/story"


def test_preview_of_a_draft_has_no_publication_date(client: TestClient, session: Session) -> None:
    make_category(session, slug="world", name="World")
    desk = key_headers(session, "content:write", "content:read-drafts", name="desk")
    created = client.post(
        "/v1/admin/articles",
        headers=desk,
        json={"slug": "draft", "title": "Not yet", "category": "world", "blocks": []},
    ).json()
    token = client.post(f"/v1/admin/articles/{created['id']}/preview-token", headers=desk).json()
    preview = client.get(token["url"]).json()
    assert preview["json_ld"]["headline"] == "Not yet"
    assert "datePublished" not in preview["json_ld"]
    assert preview["json_ld"]["dateModified"] == datetime.fromisoformat(created["updated_at"]).isoformat(
        timespec="seconds"
    )


def test_optional_parts_are_left_out() -> None:
    settings = Settings(site_url="https://paper.example", publisher_name="The Paper")
    data = jsonld.news_article(
        settings,
        slug="bare",
        canonical_url=None,
        headline="Bare",
        description=None,
        language="fr",
        published_at=datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 4, 4, 5, tzinfo=UTC),
        word_count=0,
        image=None,
        authors=[],
        section="Monde",
        keywords=[],
    )
    assert data == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": "https://paper.example/articles/bare"},
        "url": "https://paper.example/articles/bare",
        "headline": "Bare",
        "datePublished": "2026-01-02T03:04:05+00:00",
        "dateModified": "2026-01-02T04:04:05+00:00",
        "author": [],
        "publisher": {"@type": "Organization", "name": "The Paper"},
        "articleSection": "Monde",
        "keywords": [],
        "inLanguage": "fr",
        "wordCount": 0,
    }
    assert jsonld.script_text({"a": "</script>"}) == '{"a":"\\u003c/script\\u003e"}'
