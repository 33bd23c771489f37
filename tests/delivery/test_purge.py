"""What each write purges: the keys are computed from the rows a transaction changed and sent only after
it commits, to the logging purger by default or to a real HTTP purge endpoint."""

import http.server
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.purge import HTTPPurger
from tests.factories import key_headers, make_article, make_author, make_category, make_tag

LISTS = {"articles:list", "tables:list", "timelines:list"}


class Purges:
    """The purges logged since the last call, one set of keys per committed transaction."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        caplog.set_level(logging.INFO, logger="broadsheet.purge")
        self.seen = 0

    def new(self) -> list[set[str]]:
        records = [r for r in self.caplog.records if r.name == "broadsheet.purge"][self.seen :]
        self.seen += len(records)
        return [set(r.getMessage().removeprefix("purge ").split(" ")) for r in records]


@pytest.fixture
def purges(caplog: pytest.LogCaptureFixture) -> Purges:
    return Purges(caplog)


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    make_category(session, slug="world")
    make_tag(session, slug="korea")
    make_author(session, slug="mina")
    return key_headers(session, "content:write", "content:publish", "content:read-drafts")


def _article(**overrides: Any) -> dict[str, Any]:
    return {
        "slug": "kim-greets-putin",
        "title": "Kim greets Putin",
        "category": "world",
        "tags": ["korea"],
        "authors": ["mina"],
        "blocks": [{"type": "paragraph", "html": "<p>Letters were exchanged.</p>"}],
        **overrides,
    }


def _keys(kind: str, entity_id: int, *more: str) -> set[str]:
    return {f"{kind}:{entity_id}", f"{kind}:any", *more}


def test_article_lifecycle_purges(client: TestClient, editor: dict[str, str], purges: Purges) -> None:
    purges.new()
    created = client.post("/v1/admin/articles", json=_article(), headers=editor)
    assert created.status_code == 201, created.text
    article_id = created.json()["id"]
    path = f"/v1/admin/articles/{article_id}"
    # a draft is in no public answer: only its own key (for caches that saw nothing yet, harmless)
    assert purges.new() == [_keys("article", article_id)]

    etag = created.headers["etag"]
    edited = client.patch(path, json={"title": "Still a draft"}, headers={**editor, "If-Match": etag})
    assert edited.status_code == 200
    assert purges.new() == [_keys("article", article_id)]

    published = client.post(
        f"{path}/publish", json={}, headers={**editor, "If-Match": edited.headers["etag"]}
    )
    assert published.status_code == 200, published.text
    assert purges.new() == [_keys("article", article_id, *LISTS)]  # it joins lists

    retitled = client.patch(
        path, json={"title": "New"}, headers={**editor, "If-Match": published.headers["etag"]}
    )
    assert retitled.status_code == 200
    assert purges.new() == [_keys("article", article_id, *LISTS)]

    unpublished = client.post(f"{path}/unpublish", headers={**editor, "If-Match": retitled.headers["etag"]})
    assert unpublished.status_code == 200, unpublished.text
    assert purges.new() == [_keys("article", article_id, *LISTS)]  # it was public

    deleted = client.delete(path, headers={**editor, "If-Match": unpublished.headers["etag"]})
    assert deleted.status_code == 204
    assert purges.new() == [_keys("article", article_id)]  # a draft when deleted


def test_a_refused_write_purges_nothing(client: TestClient, editor: dict[str, str], purges: Purges) -> None:
    assert client.post("/v1/admin/articles", json=_article(), headers=editor).status_code == 201
    purges.new()
    duplicate = client.post("/v1/admin/articles", json=_article(), headers=editor)
    assert duplicate.status_code == 409
    stale = client.patch(
        "/v1/admin/articles/1", json={"title": "x"}, headers={**editor, "If-Match": '"nope"'}
    )
    assert stale.status_code == 412
    assert purges.new() == []


def test_taxonomy_purges(
    client: TestClient, editor: dict[str, str], session: Session, purges: Purges
) -> None:
    category = client.get("/v1/admin/categories", headers=editor).json()["items"][0]
    purges.new()
    path = f"/v1/admin/categories/{category['id']}"
    etag = client.get(path, headers=editor).headers["etag"]
    renamed = client.patch(path, json={"name": "World news"}, headers={**editor, "If-Match": etag})
    assert renamed.status_code == 200, renamed.text
    assert purges.new() == [_keys("category", category["id"], "categories:list")]
    moved = client.patch(
        path, json={"slug": "globe"}, headers={**editor, "If-Match": renamed.headers["etag"]}
    )
    assert moved.status_code == 200
    # article lists show category slugs
    assert purges.new() == [_keys("category", category["id"], "categories:list", "articles:list")]

    tag = client.post("/v1/admin/tags", json={"slug": "russia", "name": "Russia"}, headers=editor)
    assert tag.status_code == 201, tag.text
    assert purges.new() == [_keys("tag", tag.json()["id"], "tags:list")]
    author = client.post("/v1/admin/authors", json={"slug": "dan", "name": "Dan"}, headers=editor)
    assert author.status_code == 201, author.text
    assert purges.new() == [_keys("author", author.json()["id"], "authors:list")]
    author_path = f"/v1/admin/authors/{author.json()['id']}"
    gone = client.delete(author_path, headers={**editor, "If-Match": author.headers["etag"]})
    assert gone.status_code == 204
    assert purges.new() == [_keys("author", author.json()["id"], "authors:list")]


def test_table_and_timeline_purges(
    client: TestClient, editor: dict[str, str], session: Session, purges: Purges
) -> None:
    article = make_article(session, slug="story")
    purges.new()
    columns = [{"key": "theme", "label": "Theme", "type": "text"}]
    table = client.post(
        f"/v1/admin/articles/{article.id}/tables",
        json={"title": "Themes", "columns": columns, "rows": [["Alliance"]]},
        headers=editor,
    )
    assert table.status_code == 201, table.text
    table_id = table.json()["id"]
    assert purges.new() == [_keys("table", table_id, "tables:list")]
    edited = client.patch(
        f"/v1/admin/tables/{table_id}",
        json={"rows": [["Treaty"]]},
        headers={**editor, "If-Match": table.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    assert purges.new() == [_keys("table", table_id)]

    timeline = client.post(
        f"/v1/admin/articles/{article.id}/timelines", json={"slug": "ties", "title": "Ties"}, headers=editor
    )
    assert timeline.status_code == 201, timeline.text
    timeline_id = timeline.json()["id"]
    assert purges.new() == [_keys("timeline", timeline_id, "timelines:list")]
    added = client.post(
        f"/v1/admin/timelines/{timeline_id}/events",
        json={
            "date": "2024-06-19",
            "precision": "day",
            "label": "19 June 2024",
            "milestone": "Treaty signed",
        },
        headers=editor,
    )
    assert added.status_code == 201, added.text
    assert purges.new() == [_keys("timeline", timeline_id, "timelines:list")]


class _PurgeEndpoint(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, str, dict[str, str]]]
    status = 200

    def do_POST(self) -> None:
        type(self).received.append((self.command, self.path, dict(self.headers.items())))
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def purge_endpoint() -> Iterator[tuple[str, type[_PurgeEndpoint]]]:
    handler = type("Endpoint", (_PurgeEndpoint,), {"received": [], "status": 200})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/service/demo/purge", handler
    server.shutdown()
    server.server_close()


def test_http_purger_sends_the_keys_after_commit(
    database_url: str, purge_endpoint: tuple[str, type[_PurgeEndpoint]]
) -> None:
    url, endpoint = purge_endpoint
    settings = Settings(
        database_url=database_url, purge_url=url, purge_headers={"Fastly-Key": "s3cret"}, purge_batch_size=2
    )
    app = create_app(settings)
    with TestClient(app) as client, Session(app.state.engine) as session:
        make_article(session, slug="other")  # a session of this process on the app's engine: purged too
        app.state.purger.purgers[1].drain()
        assert endpoint.received
        endpoint.received.clear()
        article = make_article(session, slug="story")
        app.state.purger.purgers[1].drain()
        endpoint.received.clear()
        editor = key_headers(session, "content:write")
        etag = client.get(f"/v1/admin/articles/{article.id}", headers=editor).headers["etag"]
        changed = client.patch(
            f"/v1/admin/articles/{article.id}",
            json={"title": "Changed"},
            headers={**editor, "If-Match": etag},
        )
        assert changed.status_code == 200
        app.state.purger.purgers[1].drain()
    assert article.id is not None
    keys = sorted(_keys("article", article.id, *LISTS))
    assert [(method, path) for method, path, _ in endpoint.received] == [("POST", "/service/demo/purge")] * 3
    assert [h["Surrogate-Key"] for _, _, h in endpoint.received] == [
        " ".join(keys[0:2]),
        " ".join(keys[2:4]),
        " ".join(keys[4:]),
    ]
    assert {h["Fastly-Key"] for _, _, h in endpoint.received} == {"s3cret"}


def test_a_failing_purge_endpoint_is_retried_and_never_fails_the_write(
    purge_endpoint: tuple[str, type[_PurgeEndpoint]], caplog: pytest.LogCaptureFixture
) -> None:
    url, endpoint = purge_endpoint
    endpoint.status = 503
    purger = HTTPPurger(url, attempts=3)
    purger.purge({"article:1", "article:any"})
    purger.drain()
    purger.close()
    assert len(endpoint.received) == 3
    assert "purge of 2 keys failed after 3 attempts: HTTP 503" in caplog.text
