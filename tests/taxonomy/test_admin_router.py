"""Management of categories, tags and authors: create, read, If-Match updates, in-use deletes, audit."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from app.articles.models import ArticleStatus
from app.taxonomy.models import Author, Category, Tag
from tests.assertions import assert_problem, version_of
from tests.factories import (
    audit_trail,
    key_headers,
    make_article,
    make_author,
    make_category,
    make_tag,
)


@dataclass(frozen=True)
class Kind:
    path: str  # the collection, as in /v1/admin/{path} and /v1/{path}
    name: str  # the ETag and audit name
    model: type[SQLModel]
    body: dict[str, Any]  # a full, valid body
    timestamps: tuple[str, ...]


KINDS = [
    Kind(
        "categories",
        "category",
        Category,
        {"slug": "world", "name": "World", "description": "News from abroad.", "position": 3},
        ("created_at", "updated_at"),
    ),
    Kind("tags", "tag", Tag, {"slug": "ai", "name": "AI"}, ("created_at",)),
    Kind(
        "authors",
        "author",
        Author,
        {"slug": "ada", "name": "Ada L.", "bio": "Writes.", "avatar_url": "https://img.example/ada.png"},
        ("created_at",),
    ),
]
BY_NAME = {kind.name: kind for kind in KINDS}
IDS = [kind.name for kind in KINDS]
READ_ONLY = ["id", "version", "created_at", "updated_at", "status", "article_count", "bogus"]


def etag(kind: Kind, row_id: int, version: int) -> str:
    return f'"{kind.name}-{row_id}-v{version}"'


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return key_headers(session, "content:write", name="desk")


def make(session: Session, kind: Kind, **kw: Any) -> Any:
    factory = {"category": make_category, "tag": make_tag, "author": make_author}[kind.name]
    return factory(session, **kw)


def create(client: TestClient, kind: Kind, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post(f"/v1/admin/{kind.path}", json={**kind.body, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_create_answers_201_with_location_etag_and_records_it(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind
) -> None:
    response = client.post(f"/v1/admin/{kind.path}", json=kind.body, headers=writer)
    assert response.status_code == 201, response.text
    body = response.json()
    row_id = body["id"]
    assert response.headers["location"] == f"/v1/admin/{kind.path}/{row_id}"
    assert version_of(response) == etag(kind, row_id, 1)
    assert response.headers["cache-control"] == "private, no-store"
    assert {k: v for k, v in body.items() if k not in kind.timestamps} == {
        **kind.body,
        "id": row_id,
        "version": 1,
    }
    for name in kind.timestamps:
        assert datetime.fromisoformat(body[name]).utcoffset() is not None
    assert audit_trail(session) == [
        (f"{kind.name}.create", kind.name, row_id, "desk", {"slug": kind.body["slug"]})
    ]

    fetched = client.get(f"/v1/admin/{kind.path}/{row_id}", headers=writer)
    assert fetched.status_code == 200
    assert fetched.json() == body
    assert version_of(fetched) == etag(kind, row_id, 1)
    again = client.get(
        f"/v1/admin/{kind.path}/{row_id}", headers={**writer, "If-None-Match": etag(kind, row_id, 1)}
    )
    assert again.status_code == 304

    public = client.get(f"/v1/{kind.path}/{kind.body['slug']}")
    assert public.status_code == 200
    assert public.json() == {k: v for k, v in body.items() if k not in {"version", *kind.timestamps}}


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_list_walks_every_row_by_id(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind
) -> None:
    ids = [make(session, kind).id for _ in range(3)]
    first = client.get(f"/v1/admin/{kind.path}", params={"limit": 2}, headers=writer)
    assert first.status_code == 200
    body = first.json()
    assert [item["id"] for item in body["items"]] == ids[:2]
    cursor = body["meta"]["next_cursor"]
    assert cursor is not None
    assert first.headers["link"].endswith(f'cursor={cursor}>; rel="next"')
    second = client.get(f"/v1/admin/{kind.path}", params={"limit": 2, "cursor": cursor}, headers=writer)
    assert [item["id"] for item in second.json()["items"]] == ids[2:]
    assert second.json()["meta"] == {"limit": 2, "next_cursor": None}


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@pytest.mark.parametrize("path_id", ["999", "0", "x", str(2**31)])
def test_unknown_id_is_404(client: TestClient, writer: dict[str, str], kind: Kind, path_id: str) -> None:
    assert_problem(client.get(f"/v1/admin/{kind.path}/{path_id}", headers=writer), 404)
    assert_problem(
        client.patch(f"/v1/admin/{kind.path}/{path_id}", json={}, headers={**writer, "If-Match": "*"}), 404
    )
    assert_problem(
        client.delete(f"/v1/admin/{kind.path}/{path_id}", headers={**writer, "If-Match": "*"}), 404
    )


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_patch_changes_only_the_fields_sent(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind
) -> None:
    created = create(client, kind, writer)
    row_id = created["id"]
    response = client.patch(
        f"/v1/admin/{kind.path}/{row_id}",
        json={"name": "Renamed"},
        headers={**writer, "If-Match": etag(kind, row_id, 1)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert version_of(response) == etag(kind, row_id, 2)
    expected = {**created, "name": "Renamed", "version": 2}
    if "updated_at" in kind.timestamps:
        assert datetime.fromisoformat(body["updated_at"]) > datetime.fromisoformat(created["updated_at"])
        expected["updated_at"] = body["updated_at"]
    assert body == expected
    assert client.get(f"/v1/{kind.path}/{created['slug']}").json()["name"] == "Renamed"
    assert audit_trail(session)[-1] == (
        f"{kind.name}.update",
        kind.name,
        row_id,
        "desk",
        {"slug": created["slug"], "changed": ["name"]},
    )


def test_patch_may_clear_an_optional_field_and_change_the_slug(
    client: TestClient, writer: dict[str, str]
) -> None:
    kind = BY_NAME["author"]
    created = create(client, kind, writer)
    response = client.patch(
        f"/v1/admin/authors/{created['id']}",
        json={"slug": "ada-lovelace", "bio": None},
        headers={**writer, "If-Match": etag(kind, created["id"], 1)},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {**created, "slug": "ada-lovelace", "bio": None, "version": 2}
    assert client.get("/v1/authors/ada-lovelace").status_code == 200
    assert_problem(client.get("/v1/authors/ada"), 404)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_put_replaces_every_field(client: TestClient, writer: dict[str, str], kind: Kind) -> None:
    created = create(client, kind, writer)
    response = client.put(
        f"/v1/admin/{kind.path}/{created['id']}",
        json={"slug": "fresh", "name": "Fresh"},
        headers={**writer, "If-Match": etag(kind, created["id"], 1)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    defaults = {"description": None, "position": 0, "bio": None, "avatar_url": None}
    expected = {name: defaults.get(name, value) for name, value in created.items()}
    expected.update(slug="fresh", name="Fresh", version=2)
    if "updated_at" in kind.timestamps:
        expected["updated_at"] = body["updated_at"]
    assert body == expected
    assert version_of(response) == etag(kind, created["id"], 2)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_writes_without_if_match_are_428_and_change_nothing(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind, method: str
) -> None:
    created = create(client, kind, writer)
    url = f"/v1/admin/{kind.path}/{created['id']}"
    body = assert_problem(client.request(method, url, json={**kind.body, "name": "X"}, headers=writer), 428)
    assert body["detail"] == (
        "Send If-Match with the ETag you last read, so a newer change is never overwritten."
    )
    assert client.get(url, headers=writer).json() == created
    assert [entry[0] for entry in audit_trail(session)] == [f"{kind.name}.create"]


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_two_writers_the_second_with_a_stale_etag_gets_412(
    client: TestClient, session: Session, kind: Kind, method: str
) -> None:
    first = key_headers(session, "content:write", name="first")
    second = key_headers(session, "content:write", name="second")
    created = create(client, kind, first)
    url = f"/v1/admin/{kind.path}/{created['id']}"
    seen_by_first = client.get(url, headers=first).headers["etag"]
    seen_by_second = client.get(url, headers=second).headers["etag"]
    assert seen_by_first == seen_by_second == etag(kind, created["id"], 1)

    won = client.patch(url, json={"name": "First"}, headers={**first, "If-Match": seen_by_first})
    assert won.status_code == 200
    lost = client.request(
        method, url, json={**kind.body, "name": "Second"}, headers={**second, "If-Match": seen_by_second}
    )
    body = assert_problem(lost, 412)
    assert body["detail"] == (
        f"The resource has changed since that ETag; its current ETag is {etag(kind, created['id'], 2)}."
    )
    current = client.get(url, headers=second).json()
    assert (current["name"], current["version"]) == ("First", 2)
    assert [(entry[0], entry[3]) for entry in audit_trail(session)] == [
        (f"{kind.name}.create", "first"),
        (f"{kind.name}.update", "first"),
    ]


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_duplicate_slug_is_409_on_create_and_on_change(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind
) -> None:
    create(client, kind, writer)
    body = assert_problem(client.post(f"/v1/admin/{kind.path}", json=kind.body, headers=writer), 409)
    assert body["detail"] == f"Another {kind.name} already has the slug {kind.body['slug']!r}."
    other = create(client, kind, writer, slug="other")
    url = f"/v1/admin/{kind.path}/{other['id']}"
    for method, payload in (("PATCH", {"slug": kind.body["slug"]}), ("PUT", kind.body)):
        response = client.request(
            method, url, json=payload, headers={**writer, "If-Match": etag(kind, other["id"], 1)}
        )
        assert assert_problem(response, 409)["detail"] == body["detail"]
    assert client.get(url, headers=writer).json() == other
    assert [entry[0] for entry in audit_trail(session)] == [f"{kind.name}.create"] * 2


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@pytest.mark.parametrize("field", READ_ONLY)
def test_unknown_and_server_owned_fields_are_422_and_change_nothing(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind, field: str
) -> None:
    response = client.post(f"/v1/admin/{kind.path}", json={**kind.body, field: 7}, headers=writer)
    problem = assert_problem(response, 422)
    assert problem["errors"] == [
        {"location": ["body", field], "message": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]
    created = create(client, kind, writer)
    url = f"/v1/admin/{kind.path}/{created['id']}"
    match = {**writer, "If-Match": etag(kind, created["id"], 1)}
    assert_problem(client.patch(url, json={"name": "Changed", field: 7}, headers=match), 422)
    assert_problem(client.put(url, json={**kind.body, "name": "Changed", field: 7}, headers=match), 422)
    assert client.get(url, headers=writer).json() == created
    assert [entry[0] for entry in audit_trail(session)] == [f"{kind.name}.create"]


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@pytest.mark.parametrize(
    "change",
    [
        {"slug": None},
        {"name": None},
        {"slug": "Not A Slug"},
        {"slug": "trailing-"},
        {"name": ""},
        {"name": "nul\x00inside"},
    ],
    ids=["null-slug", "null-name", "bad-slug", "trailing-dash", "empty-name", "nul"],
)
def test_invalid_values_are_422_and_change_nothing(
    client: TestClient, writer: dict[str, str], kind: Kind, change: dict[str, Any]
) -> None:
    assert_problem(client.post(f"/v1/admin/{kind.path}", json={**kind.body, **change}, headers=writer), 422)
    created = create(client, kind, writer)
    url = f"/v1/admin/{kind.path}/{created['id']}"
    assert_problem(
        client.patch(url, json=change, headers={**writer, "If-Match": etag(kind, created["id"], 1)}), 422
    )
    assert client.get(url, headers=writer).json() == created


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"position": -1}, "position"),
        ({"position": 2**31}, "position"),
        ({"description": "x" * 501}, "description"),
    ],
)
def test_category_bounds_are_422(
    client: TestClient, writer: dict[str, str], change: dict[str, Any], field: str
) -> None:
    body = assert_problem(
        client.post("/v1/admin/categories", json={**BY_NAME["category"].body, **change}, headers=writer), 422
    )
    assert body["errors"][0]["location"] == ["body", field]


def test_author_avatar_must_be_an_http_url(client: TestClient, writer: dict[str, str]) -> None:
    body = {**BY_NAME["author"].body, "avatar_url": "javascript:alert(1)"}
    assert_problem(client.post("/v1/admin/authors", json=body, headers=writer), 422)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
@pytest.mark.parametrize("status", [ArticleStatus.draft, ArticleStatus.published])
def test_delete_while_an_article_uses_it_is_409(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind, status: ArticleStatus
) -> None:
    row = make(session, kind)
    category = row if kind.name == "category" else make_category(session)
    make_article(
        session,
        status=status,
        category=category,
        tags=[row] if kind.name == "tag" else [],
        authors=[row] if kind.name == "author" else [],
    )
    url = f"/v1/admin/{kind.path}/{row.id}"
    body = assert_problem(client.delete(url, headers={**writer, "If-Match": etag(kind, row.id, 1)}), 409)
    reason = {
        "category": "it is still the category of some articles; move them elsewhere or delete them first",
        "tag": "it is still on some articles; remove it from them first",
        "author": "it is still in the byline of some articles; remove it from them first",
    }[kind.name]
    assert body["detail"] == f"The {kind.name} {row.slug!r} cannot be deleted: {reason}."
    assert client.get(url, headers=writer).status_code == 200
    assert audit_trail(session) == []


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_delete_an_unused_one_is_204_and_recorded(
    client: TestClient, session: Session, writer: dict[str, str], kind: Kind
) -> None:
    created = create(client, kind, writer)
    url = f"/v1/admin/{kind.path}/{created['id']}"
    response = client.delete(url, headers={**writer, "If-Match": etag(kind, created["id"], 1)})
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(client.get(url, headers=writer), 404)
    assert_problem(client.get(f"/v1/{kind.path}/{created['slug']}"), 404)
    assert audit_trail(session)[-1] == (
        f"{kind.name}.delete",
        kind.name,
        created["id"],
        "desk",
        {"slug": created["slug"]},
    )


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_keys_without_content_write_are_refused(client: TestClient, session: Session, kind: Kind) -> None:
    row = make(session, kind)
    reader = key_headers(session, "content:read-drafts", "content:publish", name="reader")
    url = f"/v1/admin/{kind.path}/{row.id}"
    match = {"If-Match": etag(kind, row.id, 1)}
    calls = [
        ("GET", f"/v1/admin/{kind.path}", None),
        ("GET", url, None),
        ("POST", f"/v1/admin/{kind.path}", kind.body),
        ("PATCH", url, {"name": "X"}),
        ("PUT", url, kind.body),
        ("DELETE", url, None),
    ]
    for method, path, payload in calls:
        unauthenticated = client.request(method, path, json=payload, headers=match)
        assert unauthenticated.status_code == 401
        assert unauthenticated.headers["content-type"] == "application/problem+json"
        assert unauthenticated.headers["www-authenticate"] == 'Bearer realm="broadsheet"'
        body = assert_problem(client.request(method, path, json=payload, headers={**reader, **match}), 403)
        assert body["detail"] == "This API key lacks the `content:write` scope."
    assert client.get(f"/v1/{kind.path}/{row.slug}").json()["name"] == row.name
    assert audit_trail(session) == []


def test_an_admin_key_may_write(client: TestClient, session: Session) -> None:
    admin = key_headers(session, "admin", name="root")
    created = create(client, BY_NAME["tag"], admin)
    assert audit_trail(session) == [("tag.create", "tag", created["id"], "root", {"slug": "ai"})]


def test_category_changes_show_in_the_public_list_order(
    client: TestClient, session: Session, writer: dict[str, str]
) -> None:
    kind = BY_NAME["category"]
    first = create(client, kind, writer, slug="first", position=1)
    second = create(client, kind, writer, slug="second", position=2)
    assert [c["slug"] for c in client.get("/v1/categories").json()["items"]] == ["first", "second"]
    response = client.patch(
        f"/v1/admin/categories/{first['id']}",
        json={"position": 5},
        headers={**writer, "If-Match": etag(kind, first["id"], 1)},
    )
    assert response.status_code == 200
    assert [c["slug"] for c in client.get("/v1/categories").json()["items"]] == ["second", "first"]
    assert second["version"] == 1


def test_an_unchanged_patch_keeps_the_version(
    client: TestClient, session: Session, writer: dict[str, str]
) -> None:
    kind = BY_NAME["category"]
    created = create(client, kind, writer)
    response = client.patch(
        f"/v1/admin/categories/{created['id']}",
        json={"name": created["name"]},
        headers={**writer, "If-Match": etag(kind, created["id"], 1)},
    )
    assert response.status_code == 200
    assert response.json() == created
    assert version_of(response) == etag(kind, created["id"], 1)
    assert audit_trail(session)[-1][4] == {"slug": created["slug"], "changed": []}
