"""The in-process response cache: hits skip the framework, writes purge it at once in the writing process
and within a second in every other process (two real server processes on one database)."""

import json
import time
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cli import migrate
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.response_cache import CacheKey, Entry, ResponseCache
from tests.factories import key_headers, make_article, make_category
from tests.servers import served


def _titles(response: Any) -> list[str]:
    return [item["title"] for item in response.json()["items"]]


def test_a_repeated_read_is_served_from_the_cache(client: TestClient, session: Session, app: Any) -> None:
    make_article(session, slug="one", title="One")
    cache: ResponseCache = app.state.response_cache
    first = client.get("/v1/articles")
    hits = cache.hits
    again = client.get("/v1/articles")
    assert cache.hits == hits + 1
    assert again.content == first.content
    for header in ("etag", "cache-control", "surrogate-key", "vary", "content-type"):
        assert again.headers[header] == first.headers[header]
    # a hit is not counted against the client's rate limit, and carries no window of its own
    assert "ratelimit-limit" in first.headers
    assert "ratelimit-limit" not in again.headers
    not_modified = client.get("/v1/articles", headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304
    assert cache.hits == hits + 2
    assert not_modified.headers["surrogate-key"] == first.headers["surrogate-key"]
    head = client.head("/v1/articles")
    assert head.content == b""
    assert head.headers["etag"] == first.headers["etag"]


def test_each_encoding_and_accept_is_its_own_entry(client: TestClient, session: Session, app: Any) -> None:
    table_article = make_article(session, slug="one")
    from tests.factories import make_table

    table = make_table(session, table_article)
    as_json = client.get(f"/v1/tables/{table.id}", headers={"Accept-Encoding": "identity"})
    as_csv = client.get(
        f"/v1/tables/{table.id}", headers={"Accept": "text/csv", "Accept-Encoding": "identity"}
    )
    assert as_json.headers["content-type"] == "application/json"
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert (
        client.get(f"/v1/tables/{table.id}", headers={"Accept-Encoding": "identity"}).content
        == as_json.content
    )
    gz = client.get(f"/v1/tables/{table.id}", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["etag"] != as_json.headers["etag"] or len(as_json.content) < 1024


def test_a_write_purges_the_writing_process_at_once(client: TestClient, session: Session) -> None:
    category = make_category(session, slug="world")
    make_article(session, slug="one", title="One", category=category)
    assert _titles(client.get("/v1/articles")) == ["One"]
    make_article(session, slug="two", title="Two", category=category)  # committed by this process
    assert sorted(_titles(client.get("/v1/articles"))) == ["One", "Two"]
    editor = key_headers(session, "content:write")
    article = client.get("/v1/admin/articles?limit=1", headers=editor).json()["items"][0]
    path = f"/v1/admin/articles/{article['id']}"
    etag = client.get(path, headers=editor).headers["etag"]
    assert (
        client.patch(path, json={"title": "Renamed"}, headers={**editor, "If-Match": etag}).status_code == 200
    )
    assert "Renamed" in _titles(client.get("/v1/articles"))
    assert client.get(f"/v1/articles/{article['slug']}").json()["title"] == "Renamed"


def test_keyed_and_private_answers_are_never_cached(client: TestClient, session: Session, app: Any) -> None:
    make_article(session, slug="one")
    cache: ResponseCache = app.state.response_cache
    reader = key_headers(session, "content:read-drafts")
    for _ in range(2):
        assert client.get("/v1/articles", headers=reader).status_code == 200
        assert client.get("/v1/admin/me", headers=reader).status_code == 200
        assert client.get("/v1/articles/missing").status_code == 404
    assert len(cache) == 0


def test_entries_expire_with_their_max_age(database_url: str, session: Session) -> None:
    app = create_app(Settings(database_url=database_url, cache_policies={"list": {"max_age": 1}}))
    with TestClient(app) as client:
        client.get("/v1/articles")
        client.get("/v1/articles")
        assert app.state.response_cache.hits == 1
        time.sleep(1.1)
        client.get("/v1/articles")
        assert app.state.response_cache.hits == 1


def test_the_byte_budget_drops_the_least_recently_used() -> None:
    cache = ResponseCache(max_bytes=20 * 1000)  # about 13 entries of ~1.5 kB (overhead counted)

    def entry(n: int) -> Entry:
        return Entry(
            headers=[],
            not_modified=[],
            body=b"x" * 700,
            etag=f'"{n}"',
            keys=frozenset({f"article:{n}"}),
            expires=1e18,
        )

    def key(n: int) -> CacheKey:
        return (f"/v1/articles/{n}", b"", b"", "identity", b"")

    for n in range(20):
        cache.put(key(n), entry(n))
        cache.get(key(0))  # kept warm
    assert len(cache) < 20
    assert cache.get(key(0)) is not None
    assert cache.get(key(1)) is None
    cache.purge({"article:0"})
    assert cache.get(key(0)) is None


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    with urlopen(Request(url, headers=headers or {}), timeout=5) as response:
        return response.status, json.loads(response.read())


def _patch(url: str, body: dict[str, Any], headers: dict[str, str]) -> int:
    request = Request(url, data=json.dumps(body).encode(), method="PATCH", headers=headers)
    request.add_header("Content-Type", "application/json")
    with urlopen(request, timeout=5) as response:
        return int(response.status)


def test_another_process_sees_a_write_within_a_second(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):  # served processes migrate: give them a migrated file
        database_url = f"sqlite:///{tmp_path / 'served.db'}"
        migrate(Settings(database_url=database_url))
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        article = make_article(session, slug="shared", title="Before")
        editor = key_headers(session, "content:write")
    engine.dispose()
    env = {"DATABASE_URL": database_url}
    with served(env, "--no-demo") as writer, served(env, "--no-demo") as reader:
        assert _get(f"{reader}/v1/articles/shared")[1]["title"] == "Before"
        assert _get(f"{reader}/v1/articles/shared")[1]["title"] == "Before"  # now from its cache
        with urlopen(Request(f"{writer}/v1/admin/articles/{article.id}", headers=editor), timeout=5) as r:
            etag = r.headers["ETag"]
        patched = _patch(
            f"{writer}/v1/admin/articles/{article.id}", {"title": "After"}, {**editor, "If-Match": etag}
        )
        assert patched == 200
        changed = time.monotonic()
        assert _get(f"{writer}/v1/articles/shared")[1]["title"] == "After"  # the writer: at once
        while _get(f"{reader}/v1/articles/shared")[1]["title"] != "After":
            assert time.monotonic() - changed < 1.0, "the other process served the old version for 1 s"
            time.sleep(0.02)


def test_answers_it_does_not_keep_still_revalidate(client: TestClient, session: Session, app: Any) -> None:
    draft = make_article(session, slug="draft", status="draft")
    editor = key_headers(session, "content:write", "content:read-drafts")
    token = client.post(f"/v1/admin/articles/{draft.id}/preview-token", json={}, headers=editor).json()[
        "token"
    ]
    preview = client.get(f"/v1/preview/{token}")
    assert preview.status_code == 200
    assert preview.headers["cache-control"] == "private, no-store"
    again = client.get(f"/v1/preview/{token}", headers={"If-None-Match": preview.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == preview.headers["etag"]
    assert len(app.state.response_cache) == 0
