"""A request's database connection goes back to the pool by the time its answer has been sent, whoever
opened its session: the route, a path dependency, an API key check, a route that fails (app.db.get_session,
app.main.Broadsheet.app_call)."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.articles.models import Article
from app.config import Settings
from app.db import bind_for_reads, core_first
from app.main import create_app
from app.taxonomy.models import Category
from tests.conftest import UNLIMITED
from tests.factories import key_headers, make_article, make_category, make_slug_redirect, make_tag


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    """The app without the thread that reads the purge log now and then (the response cache's follower):
    every connection out of the pool is a request's."""
    application = create_app(
        Settings(database_url=database_url, rate_limits=UNLIMITED, response_cache_enabled=False)
    )
    yield application
    application.state.engine.dispose()


def _checked_out(app: FastAPI) -> int:
    engine: Engine = app.state.engine
    return engine.pool.checkedout()  # type: ignore[attr-defined]


@pytest.fixture
def desk(session: Session) -> dict[str, str]:
    return key_headers(session, "admin")


@pytest.mark.parametrize(
    ("method", "path", "status", "keyed"),
    [
        ("GET", "/v1/articles/kept", 200, False),  # a public read: the route's thread closes it
        ("GET", "/v1/articles", 200, False),
        ("GET", "/v1/categories/world", 200, False),  # the session only a path dependency uses
        ("GET", "/v1/categories/nowhere", 404, False),  # ... that fails
        ("GET", "/v1/articles/nowhere", 404, False),
        ("GET", "/v1/articles/old-kept", 301, False),  # a read-only route's ORM read, on its bare connection
        ("GET", "/v1/admin/articles", 200, True),  # a management read: closed as the answer starts
        ("GET", "/v1/admin/articles/0", 404, True),
        ("GET", "/v1/admin/articles", 401, False),  # the key check's own session
        ("POST", "/v1/admin/categories", 422, True),  # a write refused
        ("GET", "/healthz", 200, False),
    ],
)
def test_every_request_gives_its_connection_back(
    app: FastAPI,
    client: TestClient,
    session: Session,
    desk: dict[str, str],
    method: str,
    path: str,
    status: int,
    keyed: bool,
) -> None:
    category = make_category(session, slug="world")
    kept = make_article(session, slug="kept", category=category, tags=[make_tag(session)])
    make_slug_redirect(session, kept, "old-kept")
    session.close()
    assert _checked_out(app) == 0
    # more requests than the pool has connections: one that kept its connection would starve the rest
    for _ in range(12):
        response = client.request(
            method,
            path,
            headers=desk if keyed else {},
            json={} if method == "POST" else None,
            follow_redirects=False,
        )
        assert response.status_code == status, response.text
        assert _checked_out(app) == 0


def test_a_session_bound_for_reads_reads_on_its_one_connection_and_cannot_write(app: FastAPI) -> None:
    engine: Engine = app.state.engine
    with Session(engine) as setup:
        make_article(setup, slug="kept", category=make_category(setup, slug="world"))
    session = Session(engine)
    connection = bind_for_reads(session)
    try:
        assert core_first(session, select(Article.id).where(Article.slug == "kept")) is not None
        assert not session.in_transaction()  # a Core read begins no session transaction
        assert session.exec(select(Category).where(Category.slug == "world")).one().slug == "world"
        assert session.connection() is connection  # the ORM joined the same connection
        assert _checked_out(app) == 1
        session.add(Category(slug="late", name="Late"))
        with pytest.raises(RuntimeError, match="cannot write"):
            session.commit()
    finally:
        session.close()
        connection.close()
    assert _checked_out(app) == 0
    with Session(engine) as check:
        assert check.exec(select(Category).where(Category.slug == "late")).first() is None
