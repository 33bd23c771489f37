"""Management of trending pins and blocks and curated lists: conflicts, If-Match, audit, purges."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles.models import Article
from app.taxonomy.models import Category
from app.trending.models import CuratedListEntry
from tests.assertions import assert_problem
from tests.factories import audit_trail, key_headers, make_article, make_category
from tests.trending.support import send


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return key_headers(session, "content:write", name="desk")


@pytest.fixture
def story(session: Session, clock: datetime) -> Article:
    return make_article(session, slug="story", published_at=clock - timedelta(days=1))


@pytest.fixture
def world(session: Session) -> Category:
    return make_category(session, slug="world")


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> tuple[dict[str, Any], str]:
    response = client.post(f"/v1/admin/{path}", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created, response.headers["etag"]


def purged(caplog: pytest.LogCaptureFixture) -> set[str]:
    """Every key purged since the last call."""
    keys = {
        key
        for record in caplog.records
        if record.name == "broadsheet.purge"
        for key in record.getMessage().removeprefix("purge ").split()
    }
    caplog.clear()
    return keys


def test_pin_lifecycle_with_if_match_audit_and_purges(
    client: TestClient,
    session: Session,
    writer: dict[str, str],
    story: Article,
    world: Category,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="broadsheet.purge")
    expires = (datetime.now().astimezone() + timedelta(days=1)).replace(microsecond=0)
    response = client.post(
        "/v1/admin/trending/pins",
        json={"article_id": story.id, "position": 2, "category": "world", "expires_at": expires.isoformat()},
        headers=writer,
    )
    assert response.status_code == 201, response.text
    pin = response.json()
    assert response.headers["location"] == f"/v1/admin/trending/pins/{pin['id']}"
    assert response.headers["etag"] == f'"trending-pin-{pin["id"]}-v1"'
    assert response.headers["cache-control"] == "private, no-store"
    assert {k: v for k, v in pin.items() if k not in ("id", "created_at")} == {
        "version": 1,
        "article_id": story.id,
        "category": "world",
        "position": 2,
        "expires_at": expires.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
    assert purged(caplog) == {"trending"}
    path = f"/v1/admin/trending/pins/{pin['id']}"
    assert client.get(path, headers=writer).json() == pin

    assert_problem(client.patch(path, json={"position": 3}, headers=writer), 428)
    stale = {**writer, "If-Match": '"trending-pin-1-v9"'}
    assert_problem(client.patch(path, json={"position": 3}, headers=stale), 412)
    moved = client.patch(
        path,
        json={"position": 3, "expires_at": None},
        headers={**writer, "If-Match": response.headers["etag"]},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["position"], moved.json()["expires_at"], moved.json()["version"]) == (3, None, 2)
    assert moved.headers["etag"] == f'"trending-pin-{pin["id"]}-v2"'
    assert purged(caplog) == {"trending"}

    assert_problem(client.delete(path, headers={**writer, "If-Match": response.headers["etag"]}), 412)
    assert client.delete(path, headers={**writer, "If-Match": moved.headers["etag"]}).status_code == 204
    assert purged(caplog) == {"trending"}
    assert_problem(client.get(path, headers=writer), 404)
    assert [(a, r, i) for a, r, i, _, _ in audit_trail(session)] == [
        ("trending-pin.create", "trending-pin", pin["id"]),
        ("trending-pin.update", "trending-pin", pin["id"]),
        ("trending-pin.delete", "trending-pin", pin["id"]),
    ]


def test_pins_and_entries_refuse_taken_positions_and_repeats_but_not_expired_ones(
    client: TestClient,
    session: Session,
    writer: dict[str, str],
    story: Article,
    world: Category,
    clock: datetime,
) -> None:
    other = make_article(session, published_at=clock - timedelta(days=1))
    post(client, "trending/pins", writer, article_id=story.id, position=1)
    for taken in ({"article_id": other.id, "position": 1}, {"article_id": story.id, "position": 2}):
        assert_problem(client.post("/v1/admin/trending/pins", json=taken, headers=writer), 409)
    post(client, "trending/pins", writer, article_id=other.id, position=1, category="world")  # another scope
    second, etag = post(client, "trending/pins", writer, article_id=other.id, position=2)
    moved = client.patch(
        f"/v1/admin/trending/pins/{second['id']}", json={"position": 1}, headers={**writer, "If-Match": etag}
    )
    assert_problem(moved, 409)

    curated, _ = post(client, "lists", writer, slug="picks", title="Picks", kind="manual")
    entries = f"/v1/admin/lists/{curated['id']}/entries"
    entry, _ = post(client, entries[len("/v1/admin/") :], writer, article_id=story.id, position=1)
    assert_problem(client.post(entries, json={"article_id": other.id, "position": 1}, headers=writer), 409)
    row = session.get(CuratedListEntry, entry["id"])
    assert row is not None
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    session.add(row)
    session.commit()
    post(client, entries[len("/v1/admin/") :], writer, article_id=other.id, position=1)
    post(client, entries[len("/v1/admin/") :], writer, article_id=story.id, position=2)


def test_writes_refuse_unknown_references_and_bad_bodies(
    client: TestClient, writer: dict[str, str], story: Article
) -> None:
    bad = [
        ("trending/pins", {"article_id": 999_999, "position": 1}),
        ("trending/pins", {"article_id": story.id, "position": 1, "category": "nowhere"}),
        ("trending/pins", {"article_id": story.id, "position": 0}),
        ("trending/pins", {"article_id": story.id, "position": 101}),
        ("trending/pins", {"article_id": story.id, "position": 1, "expires_at": "2020-01-01T00:00:00Z"}),
        ("trending/pins", {"article_id": story.id, "position": 1, "expires_at": "tomorrow"}),
        ("trending/pins", {"article_id": story.id, "position": 1, "version": 3}),
        ("trending/blocks", {"article_id": 999_999}),
        ("trending/blocks", {"article_id": story.id, "id": 4}),
        ("lists", {"slug": "Bad Slug", "title": "x"}),
        ("lists", {"slug": "picks", "title": ""}),
        ("lists", {"slug": "picks", "title": "Picks", "kind": "random"}),
        ("lists", {"slug": "picks", "title": "Picks", "category": "nowhere"}),
        ("lists", {"slug": "picks", "title": "Picks", "half_life_hours": 0}),
        ("lists", {"slug": "picks", "title": "Picks", "window_hours": 169}),
        ("lists", {"slug": "picks", "title": "Picks\x00"}),
    ]
    for path, body in bad:
        assert_problem(client.post(f"/v1/admin/{path}", json=body, headers=writer), 422)


def test_blocks_are_created_once_and_lifted(
    client: TestClient,
    session: Session,
    writer: dict[str, str],
    story: Article,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="broadsheet.purge")
    send(client, story.id, 2)
    block, etag = post(client, "trending/blocks", writer, article_id=story.id, reason="Misleading headline")
    assert (block["article_id"], block["reason"], block["version"]) == (story.id, "Misleading headline", 1)
    assert purged(caplog) == {"trending"}
    assert client.get("/v1/trending").json()["items"] == []
    assert_problem(
        client.post("/v1/admin/trending/blocks", json={"article_id": story.id}, headers=writer), 409
    )
    listed = client.get("/v1/admin/trending/blocks", headers=writer).json()
    assert [b["id"] for b in listed["items"]] == [block["id"]]
    path = f"/v1/admin/trending/blocks/{block['id']}"
    assert_problem(client.delete(path, headers=writer), 428)
    assert client.delete(path, headers={**writer, "If-Match": etag}).status_code == 204
    assert purged(caplog) == {"trending"}
    assert [i["article"]["id"] for i in client.get("/v1/trending").json()["items"]] == [story.id]


def test_list_lifecycle_with_entries_audit_and_purges(
    client: TestClient,
    session: Session,
    writer: dict[str, str],
    story: Article,
    world: Category,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="broadsheet.purge")
    curated, etag = post(client, "lists", writer, slug="world-now", title="World now", category="world")
    list_id = curated["id"]
    assert {k: v for k, v in curated.items() if k not in ("created_at", "updated_at")} == {
        "id": list_id,
        "version": 1,
        "slug": "world-now",
        "title": "World now",
        "description": None,
        "kind": "trending",
        "category": "world",
        "half_life_hours": 6.0,
        "window_hours": 48,
        "entries": [],
    }
    assert purged(caplog) == {f"curated-list:{list_id}", "curated-list:any"}
    assert_problem(
        client.post("/v1/admin/lists", json={"slug": "world-now", "title": "Again"}, headers=writer), 409
    )

    entry, entry_etag = post(client, f"lists/{list_id}/entries", writer, article_id=story.id, position=1)
    assert entry["list_id"] == list_id
    assert purged(caplog) == {f"curated-list:{list_id}", "curated-list:any"}
    shown = client.get("/v1/lists/world-now").json()["items"]
    assert [(i["article"]["id"], i["pinned"]) for i in shown] == [(story.id, True)]

    path = f"/v1/admin/lists/{list_id}"
    assert_problem(client.patch(path, json={"kind": "manual"}, headers={**writer, "If-Match": etag}), 422)
    changed = client.patch(
        path,
        json={"kind": "manual", "category": None, "title": "Desk picks"},
        headers={**writer, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["kind"], body["category"], body["title"], body["version"]) == (
        "manual",
        None,
        "Desk picks",
        2,
    )
    assert [e["id"] for e in body["entries"]] == [entry["id"]]
    assert purged(caplog) == {f"curated-list:{list_id}", "curated-list:any"}

    entry_path = f"/v1/admin/list-entries/{entry['id']}"
    moved = client.patch(entry_path, json={"position": 4}, headers={**writer, "If-Match": entry_etag})
    assert moved.json()["position"] == 4
    assert purged(caplog) == {f"curated-list:{list_id}", "curated-list:any"}
    assert client.delete(entry_path, headers={**writer, "If-Match": moved.headers["etag"]}).status_code == 204
    assert purged(caplog) == {f"curated-list:{list_id}", "curated-list:any"}
    assert client.get("/v1/lists/world-now").json()["items"] == []

    post(client, f"lists/{list_id}/entries", writer, article_id=story.id, position=1)
    caplog.clear()
    assert client.delete(path, headers={**writer, "If-Match": changed.headers["etag"]}).status_code == 204
    assert f"curated-list:{list_id}" in purged(caplog)
    assert_problem(client.get("/v1/lists/world-now"), 404)
    assert_problem(client.get(path, headers=writer), 404)
    assert [a for a, *_ in audit_trail(session)] == [
        "curated-list.create",
        "list-entry.create",
        "curated-list.update",
        "list-entry.update",
        "list-entry.delete",
        "list-entry.create",
        "curated-list.delete",
    ]


def test_admin_lists_page_by_id(client: TestClient, writer: dict[str, str]) -> None:
    made = [post(client, "lists", writer, slug=f"list-{n}", title=f"List {n}")[0]["id"] for n in range(3)]
    first = client.get("/v1/admin/lists", params={"limit": 2}, headers=writer).json()
    assert [cl["id"] for cl in first["items"]] == made[:2]
    rest = client.get(
        "/v1/admin/lists", params={"cursor": first["meta"]["next_cursor"]}, headers=writer
    ).json()
    assert [cl["id"] for cl in rest["items"]] == made[2:]
    pins = client.get("/v1/admin/trending/pins", headers=writer).json()
    assert pins == {"items": [], "meta": {"limit": 20, "next_cursor": None}}
