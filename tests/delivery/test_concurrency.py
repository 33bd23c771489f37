"""Many requests at once past the response cache: each worker admits as many as its database pool has
connections, so none waits for a connection held by a request waiting for a thread (see app/main.py)."""

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.cli import migrate
from app.config import Settings
from app.db import make_engine
from app.main import Broadsheet, create_app
from app.taxonomy.models import Category
from tests.conftest import UNLIMITED
from tests.factories import make_article, make_tag
from tests.servers import served

WORKER = "AnyIO worker thread"  # what AnyIO names the threads that run sync routes
LOOP = "the event loop"
CLIENTS = 96  # over twice the connections of any pool here, and over AnyIO's default 40 threads


def _status(url: str) -> int:
    try:
        with urlopen(url, timeout=60) as response:
            response.read()
            return int(response.status)
    except HTTPError as error:
        return error.code


def test_many_uncached_requests_at_once_are_all_answered(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):  # served processes migrate: give them a migrated file
        database_url = f"sqlite:///{tmp_path / 'served.db'}"
        migrate(Settings(database_url=database_url))
    engine = make_engine(database_url)
    with Session(engine) as session:
        for n in range(12):
            make_article(session, slug=f"story-{n}", title=f"Story {n}")
    engine.dispose()
    env = {
        "DATABASE_URL": database_url,
        "BROADSHEET_RESPONSE_CACHE_ENABLED": "false",  # every request does its work
        "BROADSHEET_RATE_LIMITS": json.dumps(UNLIMITED),
    }
    with served(env, "--no-demo") as base:
        # before admission, 8 (SQLite) or 20 (PostgreSQL) requests held the connections while waiting for a
        # thread to validate their answers, and every thread waited for a connection: 500s after 30 s
        urls = [
            f"{base}/v1/articles/story-{n % 12}" if n % 2 else f"{base}/v1/articles?limit={1 + n % 20}"
            for n in range(CLIENTS * 3)
        ]
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = list(pool.map(_status, urls))
    assert statuses == [200] * len(urls)


def test_admission_is_never_wider_than_the_pool(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wide.db'}"
    migrate(Settings(database_url=url))
    for asked, admitted in ((None, 8), (3, 3), (500, 8)):  # a SQLite file: 4 connections and 4 more
        app = create_app(Settings(database_url=url, concurrency=asked))
        assert isinstance(app, Broadsheet)
        with TestClient(app) as client:
            assert client.get("/v1/articles").status_code == 200
            assert app.admission is not None
            assert app.admission.value == admitted
        app.state.engine.dispose()


def _statement_threads(app: FastAPI, client: TestClient, url: str) -> set[str]:
    """Where the SQL of one GET of `url` ran: LOOP, WORKER or both (background threads' SQL left out)."""
    threads: set[str] = set()

    def record(*_: Any) -> None:
        try:
            asyncio.get_running_loop()
            threads.add(LOOP)
        except RuntimeError:
            if threading.current_thread().name == WORKER:
                threads.add(WORKER)

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)
    assert threads, url
    return threads


def test_bounded_reads_run_in_the_event_loop_on_sqlite_only(
    app: FastAPI, client: TestClient, session: Session, database_url: str
) -> None:
    tag = make_tag(session)
    article = make_article(session, tags=[tag])
    category = session.get(Category, article.category_id)
    assert category is not None
    bounded = [f"/v1/articles/{article.slug}", "/v1/articles", f"/v1/articles?category={category.slug}"]
    unbounded = [f"/v1/articles?tag={tag.slug}", "/v1/search?q=article"]
    on_sqlite = database_url.startswith("sqlite")
    for url in bounded:
        threads = _statement_threads(app, client, url)
        assert (WORKER not in threads) is on_sqlite, (url, threads)
        assert len(threads) == 1, (url, threads)  # the whole route in one thread, its session's closing too
    for url in unbounded:
        assert _statement_threads(app, client, url) == {WORKER}, url
