"""No N+1 queries: the SQL statements a public GET issues do not grow with what it returns.

Every case is asked of a small newsroom (2 articles, each with 1 tag, 1 author, 1 table, a timeline of 1
event) and of a large one (40 articles, each with 5 tags, 3 authors, 6 body blocks, 3 tables, a timeline of 6
events each linking 3 articles, ...): both must issue the same number of statements, and no more than the
case's bound. The public GETs come from the OpenAPI document, so an endpoint added later fails the first test
until it is given cases here.

The response cache is off, so every request does its work, and a statement is counted only while a request
runs. A request with an API key is made twice and counted the second time, so that the key's last-use stamp
(written at most once a minute) never lands in the count. Both newsrooms are built once per backend (and test
worker), in databases of this module's own."""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

from app.articles import preview
from app.articles.models import Article, ArticleAuthor, ArticleBlock, ArticleStatus, ArticleTag
from app.auth import service as auth_service
from app.auth.models import ApiKeyCreate, Scope
from app.cli import migrate
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.search.models import OverrideKind, RelatedOverride
from app.tables import service as tables_service
from app.timelines import service as timelines_service
from app.timelines.models import TimelineEvent
from app.trending.events import hour_of
from app.trending.models import CuratedList, CuratedListEntry, ListKind, TrendingPin, ViewBucket
from tests.conftest import BACKENDS, PG_URL, UNLIMITED
from tests.factories import event as event_data
from tests.factories import (
    make_author,
    make_category,
    make_correction,
    make_slug_redirect,
    make_tag,
)

_spec = create_app(Settings(database_url="sqlite://")).openapi()
PUBLIC_GETS = sorted(
    path
    for path, item in _spec["paths"].items()
    if path.startswith(("/v1/", "/sitemap")) and "get" in item and not item["get"].get("security")
)


@dataclass(frozen=True)
class Case:
    """A URL and the most statements it may issue.

    `partner`: asked with a full-content API key. `varies`: why the count may differ between the newsrooms
    (it then still stays within `most`, which no amount of data may exceed)."""

    url: str
    most: int
    partner: bool = False
    varies: str | None = None


def _feed_cases() -> dict[str, list[Case]]:
    """Every feed: a page of up to 100 articles, public and with whole bodies; a scope costs one query."""
    cases = {}
    for scope, example, scoped in (
        ("", "", 0),
        ("categories/{slug}/", "categories/news/", 1),
        ("tags/{slug}/", "tags/topic/", 1),
        ("authors/{slug}/", "authors/writer/", 1),
    ):
        for file in ("rss.xml", "atom.xml", "feed.json"):
            url = f"/v1/feeds/{example}{file}?limit=100"
            cases[f"/v1/feeds/{scope}{file}"] = [Case(url, 5 + scoped), Case(url, 12 + scoped, partner=True)]
    return cases


SEARCH_WINDOW = (
    "a search reads its scored window's page rows in at most two statements (a second when filters turn many "
    "away), and on PostgreSQL the window in ranges of ids whose sizes grow geometrically"
)
# each public GET: the URLs asked of it (`{table}` and `{token}` are filled in per newsroom), with the most
# statements each may issue on either database
CASES: dict[str, list[Case]] = {
    "/v1/articles": [
        Case("/v1/articles", 1),  # a list row carries its category, tag and author slugs
        Case("/v1/articles?limit=100&include=category,tags,authors", 4),
        Case("/v1/articles?fields=title,category_slug,tag_slugs,author_slugs&limit=100", 1),
        Case("/v1/articles?tag=topic&author=writer&include=tags&sort=title&limit=100", 2),
        Case("/v1/articles?category=news&fields=title&include=category", 2),
    ],
    "/v1/articles/{slug}": [Case("/v1/articles/subject", 7), Case("/v1/articles/old-subject", 2)],
    "/v1/articles/{slug}/related": [Case("/v1/articles/subject/related?limit=100", 8)],
    "/v1/preview/{token}": [Case("/v1/preview/{token}", 14)],
    "/v1/categories": [Case("/v1/categories?limit=100", 1)],
    "/v1/categories/{slug}": [Case("/v1/categories/news", 1)],
    "/v1/tags": [Case("/v1/tags?limit=100", 1)],
    "/v1/tags/{slug}": [Case("/v1/tags/topic", 1)],
    "/v1/authors": [Case("/v1/authors?limit=100", 1)],
    "/v1/authors/{slug}": [Case("/v1/authors/writer", 1)],
    "/v1/tables": [Case("/v1/tables?limit=100", 1), Case("/v1/tables?category=news", 1)],
    "/v1/tables/{table_id}": [Case("/v1/tables/{table}", 1)],
    "/v1/tables/{table_id}.csv": [Case("/v1/tables/{table}.csv", 1)],
    "/v1/timelines": [Case("/v1/timelines?limit=100", 2)],
    "/v1/timelines/{slug}": [Case("/v1/timelines/subject-timeline", 6)],
    "/v1/timeline-events": [
        Case("/v1/timeline-events?limit=100", 4),
        Case("/v1/timeline-events?from=2024-01-01&to=2024-12-31&article=subject&limit=100", 4),
    ],
    "/v1/home": [Case("/v1/home?per_section=20", 5)],
    "/v1/trending": [Case("/v1/trending?limit=100", 7), Case("/v1/trending?category=news&limit=100", 8)],
    "/v1/lists/{slug}": [Case("/v1/lists/top?limit=100", 9), Case("/v1/lists/picks?limit=100", 7)],
    "/v1/search": [
        Case("/v1/search?q=harbour&limit=100", 8, varies=SEARCH_WINDOW),
        Case("/v1/search?q=harbour&type=event&type=table&category=news", 8, varies=SEARCH_WINDOW),
    ],
    "/sitemap.xml": [Case("/sitemap.xml", 1)],
    "/sitemaps/articles-{page}.xml": [Case("/sitemaps/articles-1.xml", 1)],
    "/sitemaps/news.xml": [Case("/sitemaps/news.xml", 1)],
    **_feed_cases(),
}
# public GETs without cases, and why
ONE_SUBSCRIPTION = "one subscription, found by its token: nothing in the answer grows (see tests/newsletter)"
EXEMPT = {"/v1/newsletter/confirm": ONE_SUBSCRIPTION, "/v1/newsletter/unsubscribe": ONE_SUBSCRIPTION}
ALL_CASES = [case for cases in CASES.values() for case in cases]


@dataclass(frozen=True)
class Scale:
    """How much a newsroom holds; the per-article numbers hold for every article."""

    articles: int
    categories: int
    tags: int  # on each article
    authors: int  # on each article
    blocks: int  # plain body blocks of each article, besides its tables and timeline
    tables: int  # of each article
    events: int  # in each article's timeline
    links: int  # articles each event links to
    placements: int  # trending pins, curated list entries, related pins; corrections of the subject


SMALL = Scale(
    articles=2, categories=1, tags=1, authors=1, blocks=1, tables=1, events=1, links=1, placements=1
)
LARGE = Scale(
    articles=40, categories=3, tags=5, authors=3, blocks=6, tables=3, events=6, links=3, placements=4
)
PLAIN_BLOCKS: list[tuple[str, dict[str, Any]]] = [
    ("heading", {"text": "Harbour heading", "level": 2}),
    ("list", {"items": ["one", "two"], "ordered": True}),
    ("quote", {"text": "Harbour quote", "attribution": "A reader"}),
    ("image", {"url": "https://img.example.com/a.jpg", "alt": "A harbour", "caption": "Dawn"}),
    ("embed", {"url": "https://video.example.com/v/1", "provider": "Video"}),
    ("paragraph", {"html": "More <em>harbour</em> news."}),
]
TABLE: dict[str, Any] = {
    "columns": [
        {"key": "theme", "label": "Theme", "type": "text"},
        {"key": "n", "label": "N", "type": "number"},
    ],
    "rows": [["First", 1], ["Second", 2]],
}
HERO = {"url": "https://img.example.com/hero.jpg", "alt": "Hero", "width": 1200, "height": 630}


@dataclass
class Measured:
    """One counted request: its status, the statements it issued and its body."""

    status: int
    statements: list[str]
    body: bytes


def _build(session: Session, scale: Scale) -> dict[str, str]:
    """A newsroom of `scale`, its articles written in one transaction; the values of the URL placeholders."""
    now = datetime.now(UTC)
    categories = [make_category(session, slug="news")]
    categories += [make_category(session) for _ in range(scale.categories - 1)]
    tags = [make_tag(session, slug="topic"), *(make_tag(session) for _ in range(scale.tags - 1))]
    authors = [make_author(session, slug="writer"), *(make_author(session) for _ in range(scale.authors - 1))]
    articles: list[Article] = []
    events: list[TimelineEvent] = []
    for n in range(scale.articles):
        article = Article(
            slug="subject" if n == 0 else f"story-{n}",
            title=f"Harbour story {n}",
            standfirst=None if n % 2 else f"Harbour standfirst {n}",  # feeds fall back on the body
            hero_image=None if n % 2 else HERO,
            category_id=_id(categories[n % len(categories)]),
            status=ArticleStatus.published,
            published_at=now - timedelta(minutes=10 * n + 1),
        )
        session.add(article)
        session.flush()
        assert article.id is not None
        session.add_all(
            ArticleTag(article_id=article.id, tag_id=_id(t), position=i) for i, t in enumerate(tags)
        )
        session.add_all(
            ArticleAuthor(article_id=article.id, author_id=_id(a), position=i) for i, a in enumerate(authors)
        )
        session.add_all(
            ArticleBlock(article_id=article.id, position=position, type=kind, data=data)
            for position, (kind, data) in enumerate(PLAIN_BLOCKS[: scale.blocks])
        )
        for position in range(scale.blocks, scale.blocks + scale.tables):
            table = tables_service.add_table(
                session, article.id, position, {**TABLE, "title": f"Harbour {n}"}
            )
            session.add(
                ArticleBlock(article_id=article.id, position=position, type="table", table_id=table.id)
            )
        dates = [
            event_data(f"2024-{month:02d}-01", milestone=f"Harbour milestone {month}")
            | ({"precision": "month"} if month % 2 else {"end_date": f"2024-{month:02d}-09"})
            | ({"extra_dates": [f"2024-{month:02d}-20"]} if month % 3 == 0 else {})
            for month in range(1, scale.events + 1)
        ]
        slug = "subject-timeline" if n == 0 else f"timeline-{n}"
        timeline, made = timelines_service.add_timeline(
            session, article.id, {"slug": slug, "title": f"Harbour timeline {n}", "events": dates}
        )
        position = scale.blocks + scale.tables
        session.add(
            ArticleBlock(article_id=article.id, position=position, type="timeline", timeline_id=timeline.id)
        )
        articles.append(article)
        events += made
    ids = [_id(a) for a in articles]
    for n, made_event in enumerate(events):
        linked = [ids[(n + step) % len(ids)] for step in range(1, scale.links + 1)]
        timelines_service.link_event_articles(session, _id(made_event), linked)
    session.commit()
    subject = articles[0]
    for n in range(scale.placements):
        make_correction(session, subject, f"Correction {n}")
    make_slug_redirect(session, subject, "old-subject")
    _discovery(session, scale, ids, _id(categories[0]))
    key, _ = auth_service.create_key(session, ApiKeyCreate(name="desk", scopes=[Scope.content_write]))
    token, _, _ = preview.issue_preview_token(session, subject, 3600, key)
    _, partner = auth_service.create_key(
        session, ApiKeyCreate(name="partner", scopes=[Scope.partner_full_content])
    )
    first_table = session.execute(text("SELECT min(id) FROM contenttable")).scalar_one()
    return {"{table}": str(first_table), "{token}": token, "partner": partner}


def _id(row: Any) -> int:
    assert row.id is not None
    return int(row.id)


def _discovery(session: Session, scale: Scale, ids: list[int], news_id: int) -> None:
    """Views of every article; pins, list entries and related pins (of the first) for the next few."""
    current = hour_of(datetime.now(UTC))
    subject, placed = ids[0], ids[1 : 1 + scale.placements]
    session.add_all(
        ViewBucket(article_id=article_id, hour=current - age, views=10 + n + age)
        for n, article_id in enumerate(ids)
        for age in range(3)
    )
    lists = [
        CuratedList(slug="picks", title="Picks", kind=ListKind.manual),
        CuratedList(slug="top", title="Top", kind=ListKind.trending, category_id=news_id),
    ]
    session.add_all(lists)
    session.flush()
    for position, article_id in enumerate(placed, start=1):
        session.add(TrendingPin(article_id=article_id, position=position))
        session.add(TrendingPin(article_id=article_id, category_id=news_id, position=position))
        session.add_all(
            CuratedListEntry(list_id=_id(curated), article_id=article_id, position=position)
            for curated in lists
        )
        session.add(
            RelatedOverride(
                article_id=subject, related_id=article_id, kind=OverrideKind.pin, position=position
            )
        )
    session.commit()


def _measure(client: TestClient, engine: Engine, url: str, headers: dict[str, str]) -> Measured:
    """The statements one request for `url` issues."""
    if headers:  # the key's last-use stamp, written at most once a minute, is left out of the count
        client.get(url, headers=headers)
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.get(url, headers=headers, follow_redirects=False)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return Measured(response.status_code, statements, response.content)


def _counted(url: str, scale: Scale) -> dict[Case, Measured]:
    """Every case asked of a newsroom of `scale` on the database at `url`."""
    settings = Settings(database_url=url, rate_limits=UNLIMITED, response_cache_enabled=False)
    # nothing else in the process may use the database while requests are counted
    assert not settings.worker_in_process
    assert not settings.mail_worker
    app = create_app(settings)
    engine = app.state.engine
    try:
        with TestClient(app) as client, Session(engine, expire_on_commit=False) as session:
            values = _build(session, scale)
            measured = {}
            for case in ALL_CASES:
                url = case.url
                for name in ("{table}", "{token}"):
                    url = url.replace(name, values[name])
                headers = {"Authorization": f"Bearer {values['partner']}"} if case.partner else {}
                measured[case] = _measure(client, engine, url, headers)
            return measured
    finally:
        engine.dispose()


def _pg_admin() -> Engine:
    assert PG_URL is not None
    return create_engine(
        make_url(PG_URL).set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )


@contextmanager
def _databases(backend: str, tmp: Path) -> Iterator[tuple[str, str]]:
    """Two empty, ready databases of `backend` (small, large), dropped afterwards."""
    if backend == "sqlite":
        urls = (f"sqlite:///{tmp}/small.db", f"sqlite:///{tmp}/large.db")
        for url in urls:
            engine = make_engine(url)
            SQLModel.metadata.create_all(engine)
            engine.dispose()
        yield urls
        return
    assert PG_URL is not None
    base = make_url(PG_URL).set(drivername="postgresql+psycopg")
    prefix = f"{base.database}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_statements"
    names = (f"{prefix}_small", f"{prefix}_large")
    admin = _pg_admin()
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{names[0]}"'))
    small, large = (base.set(database=name).render_as_string(hide_password=False) for name in names)
    migrate(Settings(database_url=small))
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"'))
    try:
        yield small, large
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def counts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[Case, tuple[Measured, Measured]]]:
    """Each case's requests over the small and the large newsroom."""
    with _databases(request.param, tmp_path_factory.mktemp("statements")) as (small_url, large_url):
        small, large = _counted(small_url, SMALL), _counted(large_url, LARGE)
        yield {case: (small[case], large[case]) for case in ALL_CASES}


def test_every_public_get_has_statement_bounds() -> None:
    assert set(CASES).isdisjoint(EXEMPT)
    assert set(PUBLIC_GETS) == set(CASES) | set(EXEMPT), "give new public endpoints cases in CASES"


def _listing(statements: list[str]) -> str:
    return "\n".join(f"  {' '.join(s.split())[:160]}" for s in statements)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case.url + (" (partner)" if case.partner else ""),
        )
        for case in ALL_CASES
    ],
)
def test_statements_do_not_grow_with_the_data(
    counts: dict[Case, tuple[Measured, Measured]], case: Case
) -> None:
    small, large = counts[case]
    assert small.status == large.status, large.body[:300]
    assert large.status in (200, 301), large.body[:300]
    assert case.varies or len(large.statements) == len(small.statements), (
        f"{len(small.statements)} statements over the small newsroom, {len(large.statements)} over the "
        f"large one:\n{_listing(large.statements)}"
    )
    for measured in (small, large):
        assert 1 <= len(measured.statements) <= case.most, _listing(measured.statements)


def test_the_large_newsroom_shows_more(counts: dict[Case, tuple[Measured, Measured]]) -> None:
    """Equal counts mean something only where the large newsroom answers with more."""
    by_url = {case.url: answers for case, answers in counts.items() if not case.partner}

    def answers(url: str) -> tuple[Any, Any]:
        small, large = by_url[url]
        return json.loads(small.body), json.loads(large.body)

    for url in (
        "/v1/articles?limit=100&include=category,tags,authors",
        "/v1/articles/subject/related?limit=100",
        "/v1/tables?limit=100",
        "/v1/timelines?limit=100",
        "/v1/timeline-events?limit=100",
        "/v1/trending?limit=100",
        "/v1/lists/picks?limit=100",
        "/v1/search?q=harbour&limit=100",
    ):
        small, large = answers(url)
        assert len(small["items"]) < len(large["items"]), url
    small, large = answers("/v1/articles/subject")
    for part in ("tags", "authors", "blocks", "corrections"):
        assert len(small[part]) < len(large[part]), part
    timeline = next(b["timeline"] for b in large["blocks"] if b["type"] == "timeline")
    assert [len(e["articles"]) for e in timeline["events"]] == [LARGE.links] * LARGE.events
    listed = answers("/v1/articles?limit=100&include=category,tags,authors")[1]["items"]
    assert len(listed) == LARGE.articles
    assert {(len(i["tags"]), len(i["authors"])) for i in listed} == {(LARGE.tags, LARGE.authors)}
    assert len(answers("/v1/home?per_section=20")[1]["sections"]) == LARGE.categories
