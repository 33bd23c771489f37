"""Management of theme tables: typed cells, If-Match writes, deletes blocked by blocks, audit, visibility."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles.models import Article, ArticleBlock, ArticleStatus
from tests.assertions import assert_problem, version_of
from tests.factories import audit_trail, key_headers, make_article, make_table

BASE = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
COLUMNS = [
    {"key": "theme", "label": "Theme", "type": "text"},
    {"key": "when", "label": "When", "type": "date"},
    {"key": "n", "label": "N", "type": "number"},
    {"key": "source", "label": "Source", "type": "link"},
]
ROWS: list[list[Any]] = [
    ["Alliance", "2025-12-27", 3, "https://example.org/a"],
    ["Treaty", None, 1.5, None],
    [None, "2024-02-29", -2, "http://example.org/b?c=d"],
]
BODY = {"title": "Public themes", "caption": "Compiled by the desk.", "columns": COLUMNS, "rows": ROWS}


def etag(table_id: int, version: int) -> str:
    return f'"table-{table_id}-v{version}"'


@pytest.fixture
def writer(session: Session) -> dict[str, str]:
    return key_headers(session, "content:write", name="desk")


@pytest.fixture
def published(session: Session) -> Article:
    return make_article(session, slug="story", title="The story", published_at=BASE)


def create(client: TestClient, article: Article, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"/v1/admin/articles/{article.id}/tables", json={**BODY, **overrides}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def show_in_body(session: Session, article: Article, table_id: int) -> None:
    """Reference the table from a block of its article, as an editor's body would."""
    assert article.id is not None
    session.add(ArticleBlock(article_id=article.id, position=1, type="table", table_id=table_id, data={}))
    session.commit()


@pytest.mark.parametrize("status", [ArticleStatus.draft, ArticleStatus.published, ArticleStatus.archived])
def test_create_on_an_article_of_any_status(
    client: TestClient, session: Session, writer: dict[str, str], status: ArticleStatus
) -> None:
    article = make_article(session, status=status)
    response = client.post(f"/v1/admin/articles/{article.id}/tables", json=BODY, headers=writer)
    assert response.status_code == 201, response.text
    body = response.json()
    table_id = body["id"]
    assert response.headers["location"] == f"/v1/admin/tables/{table_id}"
    assert version_of(response) == etag(table_id, 1)
    assert body == {
        **BODY,
        "id": table_id,
        "article_id": article.id,
        "position": 0,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert audit_trail(session) == [("table.create", "table", table_id, "desk", {"article_id": article.id})]
    fetched = client.get(f"/v1/admin/tables/{table_id}", headers=writer)
    assert (fetched.status_code, fetched.json(), version_of(fetched)) == (200, body, etag(table_id, 1))
    public = client.get(f"/v1/tables/{table_id}")
    if status == ArticleStatus.published:
        assert public.status_code == 200
        assert public.json()["rows"] == ROWS
    else:
        assert_problem(public, 404)
        assert client.get("/v1/tables").json()["items"] == []


def test_new_tables_go_after_the_article_tables(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    existing = make_table(session, published)
    assert create(client, published, writer)["position"] == existing.position + 1


def test_create_on_an_unknown_article_is_404(client: TestClient, writer: dict[str, str]) -> None:
    body = assert_problem(client.post("/v1/admin/articles/999/tables", json=BODY, headers=writer), 404)
    assert body["detail"] == "No article has the id 999."
    assert_problem(client.post("/v1/admin/articles/0/tables", json=BODY, headers=writer), 404)


BAD_TABLES = [
    (
        {"columns": [COLUMNS[0], {**COLUMNS[1], "key": "theme"}], "rows": []},
        "column key 'theme' is used more than once",
    ),
    ({"rows": [ROWS[0], ["Short", None, 1]]}, "row 2 has 3 cells for 4 columns"),
    ({"rows": [[*ROWS[0], "extra"]]}, "row 1 has 5 cells for 4 columns"),
    (
        {"rows": [ROWS[0], ["x", None, "3", None]]},
        "row 2, column 'n' (number): expected a number or null, got '3'",
    ),
    (
        {"rows": [["x", "27 Dec 2025", 1, None]]},
        "row 1, column 'when' (date): expected a date written YYYY-MM-DD or null, got '27 Dec 2025'",
    ),
    (
        {"rows": [["x", "2025-02-30", 1, None]]},
        "row 1, column 'when' (date): expected a date written YYYY-MM-DD or null, got '2025-02-30'",
    ),
    (
        {"rows": [["x", 20251227, 1, None]]},
        "row 1, column 'when' (date): expected a date written YYYY-MM-DD or null, got 20251227",
    ),
    (
        {"rows": [["x", None, 1, "javascript:alert(1)"]]},
        "row 1, column 'source' (link): expected an http(s) URL or null, got 'javascript:alert(1)'",
    ),
    (
        {"rows": [["x", None, 1, "example.org"]]},
        "row 1, column 'source' (link): expected an http(s) URL or null, got 'example.org'",
    ),
    (
        {"rows": [["x", None, 1, "https://example.org/\n"]]},
        "row 1, column 'source' (link): expected an http(s) URL or null, got 'https://example.org/\\n'",
    ),
    (
        {"rows": [["x", "\uff12\uff10\uff12\uff15-01-01", 1, None]]},
        "row 1, column 'when' (date): expected a date written YYYY-MM-DD or null, "
        "got '\uff12\uff10\uff12\uff15-01-01'",
    ),
    (
        {"rows": [[5, None, 1, None]]},
        "row 1, column 'theme' (text): expected text or null, got 5",
    ),
]


@pytest.mark.parametrize(("change", "detail"), BAD_TABLES)
def test_invalid_tables_are_422_naming_the_row_and_column(
    client: TestClient,
    session: Session,
    writer: dict[str, str],
    published: Article,
    change: dict[str, Any],
    detail: str,
) -> None:
    response = client.post(
        f"/v1/admin/articles/{published.id}/tables", json={**BODY, **change}, headers=writer
    )
    assert assert_problem(response, 422)["detail"] == detail
    created = create(client, published, writer)
    url = f"/v1/admin/tables/{created['id']}"
    match = {**writer, "If-Match": etag(created["id"], 1)}
    assert assert_problem(client.patch(url, json=change, headers=match), 422)["detail"] == detail
    assert assert_problem(client.put(url, json={**BODY, **change}, headers=match), 422)["detail"] == detail
    assert client.get(url, headers=writer).json() == created
    assert [entry[0] for entry in audit_trail(session)] == ["table.create"]


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"id": 5}, ["body", "id"]),
        ({"article_id": 5}, ["body", "article_id"]),
        ({"position": 2}, ["body", "position"]),
        ({"version": 9}, ["body", "version"]),
        ({"updated_at": "2025-01-01T00:00:00Z"}, ["body", "updated_at"]),
        ({"columns": [{**COLUMNS[0], "width": 3}]}, ["body", "columns", 0, "width"]),
        ({"columns": []}, ["body", "columns"]),
        ({"columns": [{**COLUMNS[0], "type": "money"}]}, ["body", "columns", 0, "type"]),
        ({"columns": [{**COLUMNS[0], "key": "Has Space"}]}, ["body", "columns", 0, "key"]),
        ({"title": None}, ["body", "title"]),
        ({"title": ""}, ["body", "title"]),
        ({"rows": [[True, None, 1, None]]}, ["body", "rows", 0, 0, "str"]),
        ({"rows": [[{"html": "<b>"}, None, 1, None]]}, ["body", "rows", 0, 0, "str"]),
        ({"rows": None}, ["body", "rows"]),
    ],
)
def test_bad_fields_are_422_and_change_nothing(
    client: TestClient,
    session: Session,
    writer: dict[str, str],
    published: Article,
    change: dict[str, Any],
    location: list[str | int],
) -> None:
    response = client.post(
        f"/v1/admin/articles/{published.id}/tables", json={**BODY, **change}, headers=writer
    )
    assert assert_problem(response, 422)["errors"][0]["location"] == location
    created = create(client, published, writer)
    url = f"/v1/admin/tables/{created['id']}"
    match = {**writer, "If-Match": etag(created["id"], 1)}
    assert (
        assert_problem(client.patch(url, json=change, headers=match), 422)["errors"][0]["location"]
        == location
    )
    assert_problem(client.put(url, json={**BODY, **change}, headers=match), 422)
    assert client.get(url, headers=writer).json() == created
    assert [entry[0] for entry in audit_trail(session)] == ["table.create"]


def test_nan_and_infinity_are_refused(client: TestClient, writer: dict[str, str], published: Article) -> None:
    for raw in (b"NaN", b"Infinity", b"-Infinity"):
        content = (
            b'{"title": "T", "columns": [{"key": "n", "label": "N", "type": "number"}], "rows": [['
            + raw
            + b"]]}"
        )
        response = client.post(
            f"/v1/admin/articles/{published.id}/tables",
            content=content,
            headers={**writer, "Content-Type": "application/json"},
        )
        assert_problem(response, 422)


def test_edit_of_a_published_table_shows_publicly(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    created = create(client, published, writer)
    table_id = created["id"]
    response = client.patch(
        f"/v1/admin/tables/{table_id}",
        json={"title": "Renamed", "rows": [["Only", "2026-01-02", 7, None]]},
        headers={**writer, "If-Match": etag(table_id, 1)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert version_of(response) == etag(table_id, 2)
    assert body == {
        **created,
        "title": "Renamed",
        "rows": [["Only", "2026-01-02", 7, None]],
        "version": 2,
        "updated_at": body["updated_at"],
    }
    assert datetime.fromisoformat(body["updated_at"]) > datetime.fromisoformat(created["updated_at"])
    public = client.get(f"/v1/tables/{table_id}").json()
    assert (public["title"], public["rows"]) == ("Renamed", [["Only", "2026-01-02", 7, None]])
    assert (
        client.get(f"/v1/tables/{table_id}.csv").content == b"Theme,When,N,Source\r\nOnly,2026-01-02,7,\r\n"
    )
    assert audit_trail(session)[-1] == (
        "table.update",
        "table",
        table_id,
        "desk",
        {"changed": ["rows", "title"]},
    )


def test_new_columns_must_fit_the_rows_kept(
    client: TestClient, writer: dict[str, str], published: Article
) -> None:
    created = create(client, published, writer)
    url = f"/v1/admin/tables/{created['id']}"
    match = {**writer, "If-Match": etag(created["id"], 1)}
    retyped = [COLUMNS[0], COLUMNS[1], {**COLUMNS[2], "type": "date"}, COLUMNS[3]]
    response = client.patch(url, json={"columns": retyped}, headers=match)
    assert assert_problem(response, 422)["detail"] == (
        "row 1, column 'n' (date): expected a date written YYYY-MM-DD or null, got 3"
    )
    relabelled = [{**COLUMNS[0], "label": "Subject"}, *COLUMNS[1:]]
    response = client.patch(url, json={"columns": relabelled}, headers=match)
    assert response.status_code == 200
    assert response.json()["columns"][0] == {"key": "theme", "label": "Subject", "type": "text"}
    assert response.json()["rows"] == ROWS


def test_put_replaces_the_whole_table(client: TestClient, writer: dict[str, str], published: Article) -> None:
    created = create(client, published, writer)
    replacement = {"title": "New", "columns": [{"key": "a", "label": "A"}], "rows": [["x"], [None]]}
    response = client.put(
        f"/v1/admin/tables/{created['id']}",
        json=replacement,
        headers={**writer, "If-Match": etag(created["id"], 1)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        **created,
        **replacement,
        "caption": None,
        "columns": [{"key": "a", "label": "A", "type": "text"}],
        "version": 2,
        "updated_at": body["updated_at"],
    }


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_writes_need_a_current_if_match(
    client: TestClient, session: Session, published: Article, method: str
) -> None:
    first = key_headers(session, "content:write", name="first")
    second = key_headers(session, "content:write", name="second")
    created = create(client, published, first)
    url = f"/v1/admin/tables/{created['id']}"
    assert_problem(client.request(method, url, json=BODY, headers=first), 428)
    seen_by_second = client.get(url, headers=second).headers["etag"]
    won = client.patch(
        url,
        json={"title": "First"},
        headers={**first, "If-Match": client.get(url, headers=first).headers["etag"]},
    )
    assert won.status_code == 200
    lost = client.request(
        method, url, json={**BODY, "title": "Second"}, headers={**second, "If-Match": seen_by_second}
    )
    assert assert_problem(lost, 412)["detail"] == (
        f"The resource has changed since that ETag; its current ETag is {etag(created['id'], 2)}."
    )
    assert client.get(url, headers=second).json()["title"] == "First"
    assert client.get(f"/v1/tables/{created['id']}").json()["title"] == "First"
    assert [(entry[0], entry[3]) for entry in audit_trail(session)] == [
        ("table.create", "first"),
        ("table.update", "first"),
    ]


def test_delete_of_a_table_a_block_shows_is_409(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    created = create(client, published, writer)
    show_in_body(session, published, created["id"])
    url = f"/v1/admin/tables/{created['id']}"
    body = assert_problem(client.delete(url, headers={**writer, "If-Match": etag(created["id"], 1)}), 409)
    assert (
        body["detail"]
        == f"Table {created['id']} is shown by block 1 of article 'story'; remove the block first."
    )
    assert client.get(url, headers=writer).status_code == 200
    assert client.get(f"/v1/tables/{created['id']}").status_code == 200


def test_delete_is_204_and_recorded(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    created = create(client, published, writer)
    url = f"/v1/admin/tables/{created['id']}"
    response = client.delete(url, headers={**writer, "If-Match": etag(created["id"], 1)})
    assert (response.status_code, response.content) == (204, b"")
    assert_problem(client.get(url, headers=writer), 404)
    assert_problem(client.get(f"/v1/tables/{created['id']}"), 404)
    assert audit_trail(session)[-1] == (
        "table.delete",
        "table",
        created["id"],
        "desk",
        {"article_id": published.id},
    )


def test_list_shows_tables_of_every_status_by_id(
    client: TestClient, session: Session, writer: dict[str, str], published: Article
) -> None:
    draft = make_article(session, status=ArticleStatus.draft)
    future = make_article(session, published_at=datetime.now(UTC) + timedelta(days=1))
    ids = [create(client, article, writer)["id"] for article in (published, draft, future, draft)]
    walked: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/v1/admin/tables", params=params, headers=writer).json()
        walked += [item["id"] for item in body["items"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert walked == ids
    of_draft = client.get("/v1/admin/tables", params={"article_id": draft.id}, headers=writer).json()
    assert [item["id"] for item in of_draft["items"]] == [ids[1], ids[3]]
    assert [item["position"] for item in of_draft["items"]] == [0, 1]
    assert client.get("/v1/admin/tables", params={"article_id": 999}, headers=writer).json()["items"] == []
    assert [item["id"] for item in client.get("/v1/tables").json()["items"]] == [ids[0]]
    assert_problem(client.get("/v1/admin/tables", params={"article": "story"}, headers=writer), 400)


def test_keys_without_content_write_are_refused(
    client: TestClient, session: Session, published: Article
) -> None:
    table = make_table(session, published)
    reader = key_headers(session, "content:read-drafts", "content:publish", name="reader")
    url = f"/v1/admin/tables/{table.id}"
    match = {"If-Match": etag(table.id or 0, 1)}
    calls = [
        ("GET", "/v1/admin/tables", None),
        ("GET", url, None),
        ("POST", f"/v1/admin/articles/{published.id}/tables", BODY),
        ("PATCH", url, {"title": "X"}),
        ("PUT", url, BODY),
        ("DELETE", url, None),
    ]
    for method, path, payload in calls:
        unauthenticated = client.request(method, path, json=payload, headers=match)
        assert unauthenticated.status_code == 401
        assert unauthenticated.headers["www-authenticate"] == 'Bearer realm="broadsheet"'
        body = assert_problem(client.request(method, path, json=payload, headers={**reader, **match}), 403)
        assert body["detail"] == "This API key lacks the `content:write` scope."
    assert client.get(f"/v1/tables/{table.id}").json()["title"] == "Theme table"
    assert audit_trail(session) == []
