"""Sitemaps through HTTP, validated against the sitemaps.org and Google News XML schemas."""

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from lxml import etree
from sqlalchemy import update
from sqlmodel import Session, col

from app.articles.models import Article, ArticleStatus
from app.http_cache import DEFAULT_POLICIES, CacheKind
from app.syndication import sitemaps
from tests.assertions import assert_problem
from tests.factories import key_headers, make_article, make_category, make_hidden_articles

SCHEMAS = Path(__file__).parent / "schemas"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
NOW = datetime.now(UTC).replace(microsecond=0)
# the sitemap schema takes extension elements strictly, so the news schema is imported beside it
_URLSET_WITH_NEWS = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="{SM[1:-1]}" schemaLocation="{(SCHEMAS / "sitemap.xsd").as_uri()}"/>
  <xsd:import namespace="{NEWS[1:-1]}" schemaLocation="{(SCHEMAS / "sitemap-news.xsd").as_uri()}"/>
</xsd:schema>"""


@functools.cache
def _schema(name: str) -> etree.XMLSchema:
    if name == "urlset":
        return etree.XMLSchema(etree.fromstring(_URLSET_WITH_NEWS.encode()))
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))


def _valid(response: Response, schema: str) -> etree._Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    document = etree.fromstring(response.content)
    assert _schema(schema).validate(document), _schema(schema).error_log
    return document


def _urls(document: etree._Element) -> list[tuple[str | None, str | None]]:
    return [(url.findtext(f"{SM}loc"), url.findtext(f"{SM}lastmod")) for url in document.iter(f"{SM}url")]


def _at(article: Article) -> str:
    return article.updated_at.astimezone(UTC).isoformat(timespec="seconds")


def _articles(session: Session, count: int) -> list[Article]:
    category = make_category(session)
    return [
        make_article(
            session,
            slug=f"piece-{n}",
            category=category,
            published_at=NOW - timedelta(days=10 + n),
            updated_at=NOW - timedelta(days=n, hours=n),
        )
        for n in range(count)
    ]


def test_index_chunks_and_lastmod(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "CHUNK_SIZE", 2)
    articles = _articles(session, 5)
    make_hidden_articles(session, slug_prefix="hidden-")
    index = _valid(client.get("/sitemap.xml"), "index")
    chunks = [(s.findtext(f"{SM}loc"), s.findtext(f"{SM}lastmod")) for s in index.iter(f"{SM}sitemap")]
    # chunks in id order: the newest lastmod of each pair (the later ones were changed longer ago)
    assert chunks == [
        ("http://testserver/sitemaps/articles-1.xml", _at(articles[0])),
        ("http://testserver/sitemaps/articles-2.xml", _at(articles[2])),
        ("http://testserver/sitemaps/articles-3.xml", _at(articles[4])),
        ("http://testserver/sitemaps/news.xml", None),
    ]
    seen = []
    for number in (1, 2, 3):
        seen += _urls(_valid(client.get(f"/sitemaps/articles-{number}.xml"), "urlset"))
    assert seen == [(f"https://news.example.com/articles/{a.slug}", _at(a)) for a in articles]
    assert_problem(client.get("/sitemaps/articles-4.xml"), 404)
    assert_problem(client.get("/sitemaps/articles-0.xml"), 404)
    assert_problem(client.get("/sitemaps/articles-x.xml"), 404)


def test_one_chunk_holds_up_to_fifty_thousand(client: TestClient, session: Session) -> None:
    assert sitemaps.CHUNK_SIZE == 50_000
    articles = _articles(session, 3)
    index = _valid(client.get("/sitemap.xml"), "index")
    assert [s.findtext(f"{SM}loc") for s in index.iter(f"{SM}sitemap")] == [
        "http://testserver/sitemaps/articles-1.xml",
        "http://testserver/sitemaps/news.xml",
    ]
    urls = _urls(_valid(client.get("/sitemaps/articles-1.xml"), "urlset"))
    assert urls == [(f"https://news.example.com/articles/{a.slug}", _at(a)) for a in articles]


def test_lastmod_follows_the_articles_own_change(client: TestClient, session: Session) -> None:
    make_category(session, slug="world")
    desk = key_headers(session, "content:write", "content:publish", name="desk")
    created = client.post(
        "/v1/admin/articles",
        headers=desk,
        json={"slug": "changing", "title": "Changing", "category": "world", "blocks": []},
    ).json()
    published = client.post(
        f"/v1/admin/articles/{created['id']}/publish",
        headers={**desk, "If-Match": f'"article-{created["id"]}-v{created["version"]}"'},
        json={"published_at": (NOW - timedelta(days=5)).isoformat()},
    ).json()
    long_ago = NOW - timedelta(days=2)
    session.execute(update(Article).where(col(Article.id) == created["id"]).values(updated_at=long_ago))
    session.commit()
    before = _urls(_valid(client.get("/sitemaps/articles-1.xml"), "urlset"))
    assert before == [("https://news.example.com/articles/changing", long_ago.isoformat())]
    edited = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers={**desk, "If-Match": f'"article-{created["id"]}-v{published["version"]}"'},
        json={"title": "Changed"},
    ).json()
    after = _urls(_valid(client.get("/sitemaps/articles-1.xml"), "urlset"))
    stamp = datetime.fromisoformat(edited["updated_at"]).isoformat(timespec="seconds")
    assert after == [("https://news.example.com/articles/changing", stamp)]
    assert stamp > long_ago.isoformat()
    index = _valid(client.get("/sitemap.xml"), "index")
    assert index.findtext(f"{SM}sitemap/{SM}lastmod") == stamp


def test_news_sitemap_has_the_last_two_days(client: TestClient, session: Session) -> None:
    category = make_category(session)
    recent = make_article(
        session, slug="recent", title="Kim & <Putin>", published_at=NOW - timedelta(hours=1)
    )
    older = make_article(
        session,
        slug="older",
        category=category,
        language="zh-Hant-TW",
        published_at=NOW - timedelta(hours=47),
    )
    make_article(session, slug="stale", category=category, published_at=NOW - timedelta(hours=49))
    make_hidden_articles(session, slug_prefix="hidden-")
    document = _valid(client.get("/sitemaps/news.xml"), "urlset")
    entries = [
        (
            url.findtext(f"{SM}loc"),
            url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name"),
            url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"),
            url.findtext(f"{NEWS}news/{NEWS}publication_date"),
            url.findtext(f"{NEWS}news/{NEWS}title"),
        )
        for url in document.iter(f"{SM}url")
    ]
    assert entries == [
        (
            "https://news.example.com/articles/recent",
            "Broadsheet",
            "en",
            (NOW - timedelta(hours=1)).isoformat(),
            "Kim & <Putin>",
        ),
        (
            "https://news.example.com/articles/older",
            "Broadsheet",
            "zh-tw",
            (NOW - timedelta(hours=47)).isoformat(),
            older.title,
        ),
    ]
    assert recent.id is not None
    assert set(client.get("/sitemaps/news.xml").headers["surrogate-key"].split(" ")) == {
        "articles:list",
        "sitemaps",
        f"article:{recent.id}",
        f"article:{older.id}",
    }


def test_news_sitemap_is_capped(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sitemaps.NEWS_LIMIT == 1000
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 2)
    made = [make_article(session, slug=f"n-{i}", published_at=NOW - timedelta(minutes=i)) for i in range(3)]
    urls = _urls(_valid(client.get("/sitemaps/news.xml"), "urlset"))
    assert [loc for loc, _ in urls] == [f"https://news.example.com/articles/{a.slug}" for a in made[:2]]


def test_hidden_articles_are_in_no_sitemap(client: TestClient, session: Session) -> None:
    shown = make_article(session, slug="shown", published_at=NOW - timedelta(hours=2))
    make_hidden_articles(session, slug_prefix="hidden-")
    scheduled_due = make_article(
        session, slug="due", status=ArticleStatus.scheduled, published_at=NOW - timedelta(minutes=1)
    )
    for path in ("/sitemap.xml", "/sitemaps/articles-1.xml", "/sitemaps/news.xml"):
        assert "hidden-" not in client.get(path).text, path
    locs = [loc for loc, _ in _urls(_valid(client.get("/sitemaps/articles-1.xml"), "urlset"))]
    assert locs == [f"https://news.example.com/articles/{a.slug}" for a in (shown, scheduled_due)]


def test_a_site_without_articles(client: TestClient, session: Session) -> None:
    index = _valid(client.get("/sitemap.xml"), "index")
    assert [s.findtext(f"{SM}loc") for s in index.iter(f"{SM}sitemap")] == [
        "http://testserver/sitemaps/articles-1.xml",
        "http://testserver/sitemaps/news.xml",
    ]
    assert index.find(f"{SM}sitemap/{SM}lastmod") is None
    for path in ("/sitemaps/articles-1.xml", "/sitemaps/news.xml"):
        response = client.get(path)
        assert response.status_code == 200
        # the schema wants one url at least; crawlers take an empty set as "nothing to crawl"
        assert _urls(etree.fromstring(response.content)) == []
    assert_problem(client.get("/sitemaps/articles-2.xml"), 404)


def test_canonical_urls_and_caching(client: TestClient, session: Session) -> None:
    article = make_article(
        session, slug="moved", canonical_url="https://other.example/moved?a=1&b=2", published_at=NOW
    )
    response = client.get("/sitemaps/articles-1.xml")
    assert _urls(_valid(response, "urlset")) == [("https://other.example/moved?a=1&b=2", _at(article))]
    assert "<loc>https://other.example/moved?a=1&amp;b=2</loc>" in response.text
    assert response.headers["cache-control"] == DEFAULT_POLICIES[CacheKind.feed].header()
    assert response.headers["surrogate-key"] == f"article:{article.id} articles:list sitemaps"
    index = client.get("/sitemap.xml")
    assert index.headers["surrogate-key"] == "articles:list sitemaps"
    assert client.get("/sitemap.xml", headers={"If-None-Match": index.headers["etag"]}).status_code == 304
    assert_problem(client.get("/sitemap.xml?page=2"), 400)


def test_news_language_codes() -> None:
    cases = {"en": "en", "en-GB": "en", "fil": "fil", "zh-CN": "zh-cn", "zh-Hans": "zh-cn", "zh-TW": "zh-tw"}
    assert {tag: sitemaps.news_language(tag) for tag in cases} == cases
