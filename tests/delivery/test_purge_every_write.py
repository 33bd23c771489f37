"""Every write operation of the management API, with exactly the keys it purges.

The operations come from the OpenAPI document: a write added later fails the first test until it is given
its expected purge here."""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from tests.conftest import UNLIMITED
from tests.factories import (
    event,
    key_headers,
    make_article,
    make_author,
    make_category,
    make_table,
    make_tag,
    make_timeline,
)

LISTS = ("articles:list", "tables:list", "timelines:list")
_spec = create_app(Settings(database_url="sqlite://")).openapi()
WRITES = sorted(
    (method.upper(), path)
    for path, item in _spec["paths"].items()
    for method in item
    if method in ("post", "put", "patch", "delete")
)


@dataclass
class World:
    client: TestClient
    key: dict[str, str]
    ids: dict[str, int]
    caplog: pytest.LogCaptureFixture

    def caplog_mark(self) -> None:
        """Forget the purges so far: what the scenario prepared is not what it checks."""
        self.caplog.clear()

    def etag(self, path: str) -> str:
        response = self.client.get(path, headers=self.key)
        assert response.status_code == 200, response.text
        return str(response.headers["etag"])

    def write(self, method: str, path: str, json: Any = None, *, if_match: str | None = None) -> Any:
        headers = dict(self.key)
        if if_match is not None:
            headers["If-Match"] = self.etag(if_match)
        response = self.client.request(method, path, json=json, headers=headers)
        assert response.status_code < 300, (method, path, response.text)
        return response


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    """The suite's app, allowed to call webhooks on 127.0.0.1."""
    settings = Settings(
        database_url=database_url, rate_limits=UNLIMITED, webhook_allowed_networks=["127.0.0.1/32"]
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def world(client: TestClient, session: Session, caplog: pytest.LogCaptureFixture) -> World:
    category = make_category(session, slug="world")
    tag = make_tag(session, slug="korea")
    author = make_author(session, slug="mina")
    public = make_article(session, slug="public", category=category, tags=[tag], authors=[author])
    draft = make_article(session, slug="draft", category=category, status="draft")
    table = make_table(session, public)
    timeline, (milestone,) = make_timeline(session, public, [event("2024-06-19")])
    ids = {
        "category": category.id,
        "tag": tag.id,
        "author": author.id,
        "public": public.id,
        "draft": draft.id,
        "table": table.id,
        "timeline": timeline.id,
        "event": milestone.id,
    }
    key = key_headers(session, "admin")
    return World(client, key, {name: value for name, value in ids.items() if value is not None}, caplog)


ARTICLE = {"slug": "new-one", "title": "New one", "category": "world", "tags": ["korea"], "authors": ["mina"]}
COLUMNS = [{"key": "theme", "label": "Theme", "type": "text"}]


def _keys(kind: str, entity_id: int, *more: str) -> set[str]:
    return {f"{kind}:{entity_id}", f"{kind}:any", *more}


Scenario = Callable[[World], tuple[Any, set[str]]]  # does the write; the keys it must purge


def _created(kind: str, *more: str) -> Callable[[Any], set[str]]:
    return lambda response: _keys(kind, response.json()["id"], *more)


def _pin(w: World) -> int:
    pin = w.write("POST", "/v1/admin/trending/pins", {"article_id": w.ids["public"], "position": 1})
    return int(pin.json()["id"])


def _block(w: World) -> int:
    return int(w.write("POST", "/v1/admin/trending/blocks", {"article_id": w.ids["public"]}).json()["id"])


def _list(w: World) -> int:
    return int(
        w.write("POST", "/v1/admin/lists", {"slug": "picks", "title": "Picks", "kind": "manual"}).json()["id"]
    )


def _entry(w: World, list_id: int) -> int:
    entry = w.write(
        "POST", f"/v1/admin/lists/{list_id}/entries", {"article_id": w.ids["public"], "position": 1}
    )
    return int(entry.json()["id"])


def _attempt(w: World, method: str, path: str, **kwargs: Any) -> Any:
    """A public write whose outcome does not matter here, only that it purges nothing."""
    return w.client.request(method, path, **kwargs)


def _webhook(w: World) -> int:
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["article.published"]}
    return int(w.write("POST", "/v1/admin/webhooks", body).json()["id"])


def _redeliver(w: World) -> Any:
    hook = _webhook(w)
    etag = w.etag(f"/v1/admin/articles/{w.ids['draft']}")
    published = w.client.post(
        f"/v1/admin/articles/{w.ids['draft']}/publish", json={}, headers={**w.key, "If-Match": etag}
    )
    assert published.status_code == 200, published.text
    w.caplog_mark()
    deliveries = w.client.get(f"/v1/admin/webhooks/{hook}/deliveries", headers=w.key).json()["items"]
    return w.write("POST", f"/v1/admin/webhooks/{hook}/deliveries/{deliveries[0]['id']}/redeliver")


def _revoke_preview(w: World) -> Any:
    token = w.write("POST", f"/v1/admin/articles/{w.ids['draft']}/preview-token", {}).json()
    return w.write("POST", f"/v1/admin/preview-tokens/{token['jti']}/revoke")


def _revoke_key(w: World) -> Any:
    key = w.write("POST", "/v1/admin/keys", {"name": "p", "scopes": ["content:write"]}).json()
    return w.write("POST", f"/v1/admin/keys/{key['id']}/revoke")


SCENARIOS: dict[tuple[str, str], Scenario] = {
    ("POST", "/v1/admin/articles"): lambda w: (
        r := w.write("POST", "/v1/admin/articles", ARTICLE),
        _created("article")(r),
    ),
    ("PATCH", "/v1/admin/articles/{article_id}"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/articles/{w.ids['draft']}",
            {"title": "Still a draft"},
            if_match=f"/v1/admin/articles/{w.ids['draft']}",
        ),
        _keys("article", w.ids["draft"]),
    ),
    ("PUT", "/v1/admin/articles/{article_id}"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/articles/{w.ids['public']}",
            {**ARTICLE, "slug": "public"},
            if_match=f"/v1/admin/articles/{w.ids['public']}",
        ),
        _keys("article", w.ids["public"], *LISTS),
    ),
    ("DELETE", "/v1/admin/articles/{article_id}"): lambda w: (
        w.write(
            "DELETE", f"/v1/admin/articles/{w.ids['draft']}", if_match=f"/v1/admin/articles/{w.ids['draft']}"
        ),
        _keys("article", w.ids["draft"]),
    ),
    ("POST", "/v1/admin/articles/{article_id}/publish"): lambda w: (
        w.write(
            "POST",
            f"/v1/admin/articles/{w.ids['draft']}/publish",
            {},
            if_match=f"/v1/admin/articles/{w.ids['draft']}",
        ),
        _keys("article", w.ids["draft"], *LISTS),
    ),
    ("POST", "/v1/admin/articles/{article_id}/unpublish"): lambda w: (
        w.write(
            "POST",
            f"/v1/admin/articles/{w.ids['public']}/unpublish",
            if_match=f"/v1/admin/articles/{w.ids['public']}",
        ),
        _keys("article", w.ids["public"], *LISTS),
    ),
    ("POST", "/v1/admin/articles/{article_id}/archive"): lambda w: (
        w.write(
            "POST",
            f"/v1/admin/articles/{w.ids['public']}/archive",
            if_match=f"/v1/admin/articles/{w.ids['public']}",
        ),
        _keys("article", w.ids["public"], *LISTS),
    ),
    ("POST", "/v1/admin/articles/{article_id}/revisions/{number}/restore"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/articles/{w.ids['draft']}",
            {"title": "Second"},
            if_match=f"/v1/admin/articles/{w.ids['draft']}",
        ),
        w.write(
            "POST",
            f"/v1/admin/articles/{w.ids['draft']}/revisions/1/restore",
            if_match=f"/v1/admin/articles/{w.ids['draft']}",
        ),
        _keys("article", w.ids["draft"]),
    )[1:],
    ("POST", "/v1/admin/articles/{article_id}/corrections"): lambda w: (
        w.write("POST", f"/v1/admin/articles/{w.ids['public']}/corrections", {"note": "A date was wrong."}),
        _keys("article", w.ids["public"]),
    ),
    ("POST", "/v1/admin/articles/{article_id}/preview-token"): lambda w: (
        w.write("POST", f"/v1/admin/articles/{w.ids['draft']}/preview-token", {}),
        set(),
    ),
    ("POST", "/v1/admin/preview-tokens/{jti}/revoke"): lambda w: (_revoke_preview(w), set()),
    ("POST", "/v1/admin/categories"): lambda w: (
        r := w.write("POST", "/v1/admin/categories", {"slug": "money", "name": "Money"}),
        _created("category", "categories:list")(r),
    ),
    ("PATCH", "/v1/admin/categories/{category_id}"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/categories/{w.ids['category']}",
            {"name": "World news"},
            if_match=f"/v1/admin/categories/{w.ids['category']}",
        ),
        _keys("category", w.ids["category"], "categories:list"),
    ),
    ("PUT", "/v1/admin/categories/{category_id}"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/categories/{w.ids['category']}",
            {"slug": "globe", "name": "Globe"},
            if_match=f"/v1/admin/categories/{w.ids['category']}",
        ),
        _keys("category", w.ids["category"], "categories:list", "articles:list"),
    ),
    ("DELETE", "/v1/admin/categories/{category_id}"): lambda w: (
        r := w.write("POST", "/v1/admin/categories", {"slug": "unused", "name": "Unused"}),
        w.write(
            "DELETE",
            f"/v1/admin/categories/{r.json()['id']}",
            if_match=f"/v1/admin/categories/{r.json()['id']}",
        ),
        _keys("category", r.json()["id"], "categories:list"),
    )[1:],
    ("POST", "/v1/admin/tags"): lambda w: (
        r := w.write("POST", "/v1/admin/tags", {"slug": "russia", "name": "Russia"}),
        _created("tag", "tags:list")(r),
    ),
    ("PATCH", "/v1/admin/tags/{tag_id}"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/tags/{w.ids['tag']}",
            {"name": "Korea"},
            if_match=f"/v1/admin/tags/{w.ids['tag']}",
        ),
        _keys("tag", w.ids["tag"]),
    ),
    ("PUT", "/v1/admin/tags/{tag_id}"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/tags/{w.ids['tag']}",
            {"slug": "dprk", "name": "DPRK"},
            if_match=f"/v1/admin/tags/{w.ids['tag']}",
        ),
        _keys("tag", w.ids["tag"], "tags:list", "articles:list"),
    ),
    ("DELETE", "/v1/admin/tags/{tag_id}"): lambda w: (
        r := w.write("POST", "/v1/admin/tags", {"slug": "unused", "name": "Unused"}),
        w.write("DELETE", f"/v1/admin/tags/{r.json()['id']}", if_match=f"/v1/admin/tags/{r.json()['id']}"),
        _keys("tag", r.json()["id"], "tags:list"),
    )[1:],
    ("POST", "/v1/admin/authors"): lambda w: (
        r := w.write("POST", "/v1/admin/authors", {"slug": "dan", "name": "Dan"}),
        _created("author", "authors:list")(r),
    ),
    ("PATCH", "/v1/admin/authors/{author_id}"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/authors/{w.ids['author']}",
            {"bio": "Reports."},
            if_match=f"/v1/admin/authors/{w.ids['author']}",
        ),
        _keys("author", w.ids["author"]),
    ),
    ("PUT", "/v1/admin/authors/{author_id}"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/authors/{w.ids['author']}",
            {"slug": "mina", "name": "Mina K."},
            if_match=f"/v1/admin/authors/{w.ids['author']}",
        ),
        _keys("author", w.ids["author"]),
    ),
    ("DELETE", "/v1/admin/authors/{author_id}"): lambda w: (
        r := w.write("POST", "/v1/admin/authors", {"slug": "unused", "name": "Unused"}),
        w.write(
            "DELETE", f"/v1/admin/authors/{r.json()['id']}", if_match=f"/v1/admin/authors/{r.json()['id']}"
        ),
        _keys("author", r.json()["id"], "authors:list"),
    )[1:],
    ("POST", "/v1/admin/articles/{article_id}/tables"): lambda w: (
        r := w.write(
            "POST",
            f"/v1/admin/articles/{w.ids['public']}/tables",
            {"title": "T", "columns": COLUMNS, "rows": [["a"]]},
        ),
        _created("table", "tables:list")(r),
    ),
    ("PATCH", "/v1/admin/tables/{table_id}"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/tables/{w.ids['table']}",
            {"title": "Themes"},
            if_match=f"/v1/admin/tables/{w.ids['table']}",
        ),
        _keys("table", w.ids["table"]),
    ),
    ("PUT", "/v1/admin/tables/{table_id}"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/tables/{w.ids['table']}",
            {"title": "T", "columns": COLUMNS, "rows": [["b"]]},
            if_match=f"/v1/admin/tables/{w.ids['table']}",
        ),
        _keys("table", w.ids["table"]),
    ),
    ("DELETE", "/v1/admin/tables/{table_id}"): lambda w: (
        r := w.write(
            "POST",
            f"/v1/admin/articles/{w.ids['public']}/tables",
            {"title": "T", "columns": COLUMNS, "rows": []},
        ),
        w.write(
            "DELETE", f"/v1/admin/tables/{r.json()['id']}", if_match=f"/v1/admin/tables/{r.json()['id']}"
        ),
        _keys("table", r.json()["id"], "tables:list"),
    )[1:],
    ("POST", "/v1/admin/articles/{article_id}/timelines"): lambda w: (
        r := w.write(
            "POST", f"/v1/admin/articles/{w.ids['public']}/timelines", {"slug": "ties", "title": "Ties"}
        ),
        _created("timeline", "timelines:list")(r),
    ),
    ("PATCH", "/v1/admin/timelines/{timeline_id}"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/timelines/{w.ids['timeline']}",
            {"title": "Milestones"},
            if_match=f"/v1/admin/timelines/{w.ids['timeline']}",
        ),
        _keys("timeline", w.ids["timeline"]),
    ),
    ("PUT", "/v1/admin/timelines/{timeline_id}"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/timelines/{w.ids['timeline']}",
            {"slug": "renamed", "title": "M"},
            if_match=f"/v1/admin/timelines/{w.ids['timeline']}",
        ),
        _keys("timeline", w.ids["timeline"], "timelines:list"),
    ),
    ("DELETE", "/v1/admin/timelines/{timeline_id}"): lambda w: (
        r := w.write(
            "POST", f"/v1/admin/articles/{w.ids['public']}/timelines", {"slug": "gone", "title": "Gone"}
        ),
        w.write(
            "DELETE",
            f"/v1/admin/timelines/{r.json()['id']}",
            if_match=f"/v1/admin/timelines/{r.json()['id']}",
        ),
        _keys("timeline", r.json()["id"], "timelines:list"),
    )[1:],
    ("POST", "/v1/admin/timelines/{timeline_id}/events"): lambda w: (
        w.write("POST", f"/v1/admin/timelines/{w.ids['timeline']}/events", event("2025-01-01")),
        _keys("timeline", w.ids["timeline"], "timelines:list"),
    ),
    ("PATCH", "/v1/admin/timeline-events/{event_id}"): lambda w: (
        w.write(
            "PATCH",
            f"/v1/admin/timeline-events/{w.ids['event']}",
            {"milestone": "Signed."},
            if_match=f"/v1/admin/timeline-events/{w.ids['event']}",
        ),
        _keys("timeline", w.ids["timeline"], "timelines:list"),
    ),
    ("PUT", "/v1/admin/timeline-events/{event_id}"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/timeline-events/{w.ids['event']}",
            event("2024-06-20"),
            if_match=f"/v1/admin/timeline-events/{w.ids['event']}",
        ),
        _keys("timeline", w.ids["timeline"], "timelines:list"),
    ),
    ("DELETE", "/v1/admin/timeline-events/{event_id}"): lambda w: (
        w.write(
            "DELETE",
            f"/v1/admin/timeline-events/{w.ids['event']}",
            if_match=f"/v1/admin/timeline-events/{w.ids['event']}",
        ),
        _keys("timeline", w.ids["timeline"], "timelines:list"),
    ),
    ("POST", "/v1/admin/trending/pins"): lambda w: (_pin(w), {"trending"}),
    ("PATCH", "/v1/admin/trending/pins/{pin_id}"): lambda w: (
        pin := _pin(w),
        w.write(
            "PATCH",
            f"/v1/admin/trending/pins/{pin}",
            {"position": 2},
            if_match=f"/v1/admin/trending/pins/{pin}",
        ),
        {"trending"},
    )[1:],
    ("DELETE", "/v1/admin/trending/pins/{pin_id}"): lambda w: (
        pin := _pin(w),
        w.write("DELETE", f"/v1/admin/trending/pins/{pin}", if_match=f"/v1/admin/trending/pins/{pin}"),
        {"trending"},
    )[1:],
    ("POST", "/v1/admin/trending/blocks"): lambda w: (_block(w), {"trending"}),
    ("DELETE", "/v1/admin/trending/blocks/{block_id}"): lambda w: (
        block := _block(w),
        w.write(
            "DELETE", f"/v1/admin/trending/blocks/{block}", if_match=f"/v1/admin/trending/blocks/{block}"
        ),
        {"trending"},
    )[1:],
    ("POST", "/v1/admin/lists"): lambda w: (list_id := _list(w), _keys("curated-list", list_id)),
    ("PATCH", "/v1/admin/lists/{list_id}"): lambda w: (
        list_id := _list(w),
        w.write(
            "PATCH", f"/v1/admin/lists/{list_id}", {"title": "Best"}, if_match=f"/v1/admin/lists/{list_id}"
        ),
        _keys("curated-list", list_id),
    )[1:],
    ("DELETE", "/v1/admin/lists/{list_id}"): lambda w: (
        list_id := _list(w),
        w.write("DELETE", f"/v1/admin/lists/{list_id}", if_match=f"/v1/admin/lists/{list_id}"),
        _keys("curated-list", list_id),
    )[1:],
    ("POST", "/v1/admin/lists/{list_id}/entries"): lambda w: (
        list_id := _list(w),
        _entry(w, list_id),
        _keys("curated-list", list_id),
    )[1:],
    ("PATCH", "/v1/admin/list-entries/{entry_id}"): lambda w: (
        list_id := _list(w),
        entry := _entry(w, list_id),
        w.write(
            "PATCH",
            f"/v1/admin/list-entries/{entry}",
            {"position": 3},
            if_match=f"/v1/admin/list-entries/{entry}",
        ),
        _keys("curated-list", list_id),
    )[2:],
    ("DELETE", "/v1/admin/list-entries/{entry_id}"): lambda w: (
        list_id := _list(w),
        entry := _entry(w, list_id),
        w.write("DELETE", f"/v1/admin/list-entries/{entry}", if_match=f"/v1/admin/list-entries/{entry}"),
        _keys("curated-list", list_id),
    )[2:],
    ("PUT", "/v1/admin/articles/{article_id}/related"): lambda w: (
        w.write(
            "PUT",
            f"/v1/admin/articles/{w.ids['public']}/related",
            {"pins": [], "excludes": [w.ids["draft"]]},
            if_match=f"/v1/admin/articles/{w.ids['public']}/related",
        ),
        _keys("article", w.ids["public"]),
    ),
    ("POST", "/v1/events/views"): lambda w: (
        w.write("POST", "/v1/events/views", {"article": w.ids["public"], "session": "s1"}),
        set(),
    ),
    ("POST", "/v1/newsletter/subscriptions"): lambda w: (
        w.write("POST", "/v1/newsletter/subscriptions", {"email": "reader@example.org"}),
        set(),
    ),
    ("POST", "/v1/newsletter/confirm"): lambda w: (
        _attempt(w, "POST", "/v1/newsletter/confirm", json={"token": "unknown"}),
        set(),
    ),
    ("POST", "/v1/newsletter/unsubscribe"): lambda w: (
        _attempt(
            w, "POST", "/v1/newsletter/unsubscribe?token=unknown", data={"List-Unsubscribe": "One-Click"}
        ),
        set(),
    ),
    ("POST", "/v1/admin/webhooks"): lambda w: (_webhook(w), set()),
    ("PATCH", "/v1/admin/webhooks/{subscription_id}"): lambda w: (
        hook := _webhook(w),
        w.write(
            "PATCH", f"/v1/admin/webhooks/{hook}", {"active": False}, if_match=f"/v1/admin/webhooks/{hook}"
        ),
        set(),
    )[1:],
    ("DELETE", "/v1/admin/webhooks/{subscription_id}"): lambda w: (
        hook := _webhook(w),
        w.write("DELETE", f"/v1/admin/webhooks/{hook}", if_match=f"/v1/admin/webhooks/{hook}"),
        set(),
    )[1:],
    ("POST", "/v1/admin/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver"): lambda w: (
        _redeliver(w),
        set(),
    ),
    ("POST", "/v1/admin/keys"): lambda w: (
        w.write("POST", "/v1/admin/keys", {"name": "partner", "scopes": ["partner:full-content"]}),
        set(),
    ),
    ("POST", "/v1/admin/keys/{key_id}/revoke"): lambda w: (_revoke_key(w), set()),
}


def test_every_write_operation_has_its_expected_purge() -> None:
    assert set(WRITES) == set(SCENARIOS), "give new write operations their expected purge in SCENARIOS"


@pytest.mark.parametrize("operation", sorted(SCENARIOS), ids=" ".join)
def test_write_purges_exactly_its_keys(
    world: World, caplog: pytest.LogCaptureFixture, operation: tuple[str, str]
) -> None:
    caplog.set_level(logging.INFO, logger="broadsheet.purge")
    caplog.clear()
    *_, expected = SCENARIOS[operation](world)
    purges = [r.getMessage() for r in caplog.records if r.name == "broadsheet.purge"]
    # the last purge is the operation's own (a scenario may prepare with another write first);
    # one that purges nothing must not have logged since the scenario's last mark
    last = set(purges[-1].removeprefix("purge ").split(" ")) if purges else set()
    assert last == expected
