"""GET /v1/tables, /v1/tables/{id} and /v1/tables/{id}.csv: visibility, order, pages, CSV, negotiation."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.pagination import encode_cursor
from app.tables.models import ContentTable
from tests.assertions import assert_problem
from tests.factories import make_article, make_category, make_hidden_articles, make_table

BASE = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)


def walk(client: TestClient, params: dict[str, Any]) -> list[int]:
    """Follow `meta.next_cursor` to the end; the `Link` header must be there exactly when it is not null."""
    ids: list[int] = []
    cursor: str | None = None
    for _ in range(100):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get("/v1/tables", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["meta"]["limit"] == params["limit"]
        assert len(body["items"]) <= params["limit"]
        ids += [item["id"] for item in body["items"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            assert "link" not in response.headers
            return ids
        assert len(body["items"]) == params["limit"]
        expected_url = response.request.url.copy_remove_param("cursor").copy_add_param("cursor", cursor)
        assert response.headers["link"] == f'<{expected_url}>; rel="next"'
    raise AssertionError("pagination did not end")


@pytest.fixture
def visibility(session: Session) -> dict[str, list[ContentTable]]:
    """One table on an article of every visibility; only `shown` ones are public."""
    now = datetime.now(UTC)
    category = make_category(session, slug="world")
    published = make_article(
        session, slug="published", category=category, published_at=now - timedelta(hours=1)
    )
    due = make_article(
        session,
        slug="scheduled-due",
        status="scheduled",
        category=category,
        published_at=now - timedelta(hours=2),
    )
    hidden_articles = make_hidden_articles(session, category=category)
    return {
        "shown": [make_table(session, published, title="Published"), make_table(session, due, title="Due")],
        "hidden": [make_table(session, article, title=article.slug) for article in hidden_articles.values()],
    }


def test_list_shows_only_tables_of_public_articles(
    client: TestClient, visibility: dict[str, list[ContentTable]]
) -> None:
    response = client.get("/v1/tables")
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [t.id for t in visibility["shown"]]
    assert [item["article"]["slug"] for item in body["items"]] == ["published", "scheduled-due"]
    assert body["meta"] == {"limit": 20, "next_cursor": None}
    assert "link" not in response.headers


def test_get_shows_tables_of_public_articles(
    client: TestClient, visibility: dict[str, list[ContentTable]]
) -> None:
    for table in visibility["shown"]:
        response = client.get(f"/v1/tables/{table.id}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json()["id"] == table.id
        default_csv = b"Theme,N\r\nFirst,1\r\nSecond,2\r\n"
        assert client.get(f"/v1/tables/{table.id}.csv").content == default_csv
        assert client.get(f"/v1/tables/{table.id}", headers={"Accept": "text/csv"}).content == default_csv


@pytest.mark.parametrize("accept", [None, "text/csv"])
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_tables_of_hidden_articles_are_not_found(
    client: TestClient, visibility: dict[str, list[ContentTable]], suffix: str, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    for table in visibility["hidden"]:
        body = assert_problem(client.get(f"/v1/tables/{table.id}{suffix}", headers=headers), 404)
        assert body["detail"] == f"No published table has the id {table.id}."


def test_hidden_article_filters_list_nothing(
    client: TestClient, visibility: dict[str, list[ContentTable]]
) -> None:
    for slug in ["draft", "draft-with-time", "archived", "scheduled-later", "published-future"]:
        response = client.get("/v1/tables", params={"article": slug})
        assert response.status_code == 200
        assert response.json() == {"items": [], "meta": {"limit": 20, "next_cursor": None}}


def test_table_item_has_every_field(client: TestClient, session: Session) -> None:
    article = make_article(session, slug="story", title="The story", published_at=BASE)
    table = make_table(
        session,
        article,
        title="Public themes",
        caption="Compiled by the desk.",
        columns=[
            {"key": "theme", "label": "Theme", "type": "text"},
            {"key": "when", "label": "When", "type": "date"},
            {"key": "n", "label": "N", "type": "number"},
            {"key": "source", "label": "Source", "type": "link"},
        ],
        rows=[["Alliance", "2025-12-27", 3, "https://example.org/a"], ["Treaty", None, 1.5, None]],
    )
    expected = {
        "id": table.id,
        "title": "Public themes",
        "caption": "Compiled by the desk.",
        "columns": [
            {"key": "theme", "label": "Theme", "type": "text"},
            {"key": "when", "label": "When", "type": "date"},
            {"key": "n", "label": "N", "type": "number"},
            {"key": "source", "label": "Source", "type": "link"},
        ],
        "rows": [["Alliance", "2025-12-27", 3, "https://example.org/a"], ["Treaty", None, 1.5, None]],
        "article": {"id": article.id, "slug": "story", "title": "The story"},
        "position": 1,
    }
    single = client.get(f"/v1/tables/{table.id}").json()
    assert datetime.fromisoformat(single.pop("updated_at")) == table.updated_at
    assert single == expected
    listed = client.get("/v1/tables").json()["items"]
    assert len(listed) == 1
    assert datetime.fromisoformat(listed[0].pop("updated_at")) == table.updated_at
    assert listed[0] == expected


@pytest.fixture
def shelf(session: Session) -> dict[str, Any]:
    """Tables over four articles in two categories; two articles share a publish time."""
    world, money = make_category(session, slug="world"), make_category(session, slug="money")
    older = make_article(session, slug="older", category=world, published_at=BASE)
    newest = make_article(session, slug="newest", category=money, published_at=BASE + timedelta(days=3))
    tie_low = make_article(session, slug="tie-low", category=world, published_at=BASE + timedelta(days=1))
    tie_high = make_article(session, slug="tie-high", category=money, published_at=BASE + timedelta(days=1))
    no_tables = make_article(session, slug="no-tables", category=world, published_at=BASE + timedelta(days=2))
    tables = {
        "older": [make_table(session, older, title=f"older {i}") for i in range(3)],
        "newest": [make_table(session, newest, title=f"newest {i}") for i in range(2)],
        "tie-low": [make_table(session, tie_low, title="tie-low 0")],
        "tie-high": [make_table(session, tie_high, title=f"tie-high {i}") for i in range(2)],
    }
    # newest article first; equal publish times: the later article id first; then body order
    order = [*tables["newest"], *tables["tie-high"], *tables["tie-low"], *tables["older"]]
    assert tie_high.id is not None
    assert tie_low.id is not None
    assert tie_high.id > tie_low.id
    return {"tables": tables, "order": [t.id for t in order], "no_tables": no_tables}


def test_list_order_is_newest_article_first_then_body_order(
    client: TestClient, shelf: dict[str, Any]
) -> None:
    body = client.get("/v1/tables").json()
    assert [item["id"] for item in body["items"]] == shelf["order"]
    assert [item["title"] for item in body["items"]] == [
        "newest 0",
        "newest 1",
        "tie-high 0",
        "tie-high 1",
        "tie-low 0",
        "older 0",
        "older 1",
        "older 2",
    ]
    assert [item["position"] for item in body["items"]] == [1, 2, 1, 2, 1, 1, 2, 3]


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 8, 100])
def test_walk_visits_every_table_once_in_order(client: TestClient, shelf: dict[str, Any], limit: int) -> None:
    assert walk(client, {"limit": limit}) == shelf["order"]


def test_first_page_and_link_header(client: TestClient, shelf: dict[str, Any]) -> None:
    response = client.get("/v1/tables", params={"limit": 2})
    body = response.json()
    assert [item["id"] for item in body["items"]] == shelf["order"][:2]
    cursor = body["meta"]["next_cursor"]
    assert isinstance(cursor, str)
    assert response.headers["link"] == f'<http://testserver/v1/tables?limit=2&cursor={cursor}>; rel="next"'
    last = client.get("/v1/tables", params={"limit": 8})
    assert last.json()["meta"] == {"limit": 8, "next_cursor": None}
    assert "link" not in last.headers


@pytest.mark.parametrize("limit", [1, 2, 20])
def test_filter_by_article(client: TestClient, shelf: dict[str, Any], limit: int) -> None:
    for slug, tables in shelf["tables"].items():
        assert walk(client, {"article": slug, "limit": limit}) == [t.id for t in tables]
    assert walk(client, {"article": "no-tables", "limit": limit}) == []
    assert walk(client, {"article": "no-such-article", "limit": limit}) == []


@pytest.mark.parametrize("limit", [1, 2, 20])
def test_filter_by_category(client: TestClient, shelf: dict[str, Any], limit: int) -> None:
    tables = shelf["tables"]
    assert walk(client, {"category": "money", "limit": limit}) == [
        t.id for t in [*tables["newest"], *tables["tie-high"]]
    ]
    assert walk(client, {"category": "world", "limit": limit}) == [
        t.id for t in [*tables["tie-low"], *tables["older"]]
    ]
    assert walk(client, {"category": "no-such-category", "limit": limit}) == []


def test_filters_combine(client: TestClient, shelf: dict[str, Any]) -> None:
    tables = shelf["tables"]
    assert walk(client, {"article": "older", "category": "world", "limit": 2}) == [
        t.id for t in tables["older"]
    ]
    assert walk(client, {"article": "older", "category": "money", "limit": 2}) == []


def test_walk_skips_tables_of_hidden_articles(client: TestClient, session: Session) -> None:
    now = datetime.now(UTC)
    shown = []
    for i in range(3):
        article = make_article(session, published_at=now - timedelta(days=i + 1))
        shown.append(make_table(session, article).id)
        make_table(
            session, make_article(session, status="draft", published_at=now - timedelta(days=i + 1, hours=1))
        )
        make_table(
            session,
            make_article(session, status="scheduled", published_at=now + timedelta(days=i + 1, hours=1)),
        )
    assert walk(client, {"limit": 1}) == shown
    assert walk(client, {"limit": 2}) == shown


TRICKY_COLUMNS = [
    {"key": "theme", "label": "Theme", "type": "text"},
    {"key": "note", "label": 'Note, with "quotes"', "type": "text"},
    {"key": "n", "label": "N", "type": "number"},
]
TRICKY_ROWS: list[list[Any]] = [
    ["“Blood” alliance", "Kim, Putin", 1],
    ["Café society", 'He said "no"', 2.5],
    ["Line one\nLine two", None, -3],
    ["Plain", "", 1000000],
    ["naïve é", "crlf\r\ninside", 0.125],
]
TRICKY_CSV = (
    'Theme,"Note, with ""quotes""",N\r\n'
    '“Blood” alliance,"Kim, Putin",1\r\n'
    'Café society,"He said ""no""",2.5\r\n'
    '"Line one\nLine two",,-3\r\n'
    "Plain,,1000000\r\n"
    'naïve é,"crlf\r\ninside",0.125\r\n'
)


@pytest.fixture
def tricky(session: Session) -> ContentTable:
    article = make_article(session, published_at=BASE)
    return make_table(session, article, title="Tricky", columns=TRICKY_COLUMNS, rows=TRICKY_ROWS)


def test_csv_is_exact_rfc_4180(client: TestClient, tricky: ContentTable) -> None:
    response = client.get(f"/v1/tables/{tricky.id}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert response.headers["content-disposition"] == f'inline; filename="table-{tricky.id}.csv"'
    assert response.content == TRICKY_CSV.encode()
    assert response.content.decode("utf-8") == TRICKY_CSV


def test_csv_parses_back_to_the_rows(client: TestClient, tricky: ContentTable) -> None:
    text = client.get(f"/v1/tables/{tricky.id}.csv").content.decode("utf-8")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed == [
        [c["label"] for c in TRICKY_COLUMNS],
        *[["" if cell is None else str(cell) for cell in row] for row in TRICKY_ROWS],
    ]


@pytest.mark.parametrize(
    "accept", ["text/csv", "text/csv; charset=utf-8", "text/*", "application/json;q=0.5, text/csv"]
)
def test_accept_csv_gives_the_same_bytes_as_the_csv_url(
    client: TestClient, tricky: ContentTable, accept: str
) -> None:
    by_url = client.get(f"/v1/tables/{tricky.id}.csv")
    by_accept = client.get(f"/v1/tables/{tricky.id}", headers={"Accept": accept})
    assert by_accept.status_code == 200
    assert by_accept.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert by_accept.content == by_url.content == TRICKY_CSV.encode()


def test_header_only_csv_for_a_table_without_rows(client: TestClient, session: Session) -> None:
    table = make_table(session, make_article(session), rows=[])
    assert client.get(f"/v1/tables/{table.id}.csv").content == b"Theme,N\r\n"


@pytest.mark.parametrize(
    "accept", ["application/json", "text/csv;q=0.5, application/json", "*/*", "application/*"]
)
def test_accept_json(client: TestClient, tricky: ContentTable, accept: str) -> None:
    response = client.get(f"/v1/tables/{tricky.id}", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["id"] == tricky.id
    assert body["rows"] == TRICKY_ROWS


@pytest.mark.parametrize("accept", ["image/png", "text/html", "text/csv;q=0, application/json;q=0"])
def test_unacceptable_type_is_406(client: TestClient, tricky: ContentTable, accept: str) -> None:
    assert_problem(client.get(f"/v1/tables/{tricky.id}", headers={"Accept": accept}), 406)


@pytest.mark.parametrize("suffix", ["", ".csv"])
@pytest.mark.parametrize("table_id", ["abc", "0", "-1", "1.5", "99999999999", "2147483648"])
def test_bad_ids_are_404(client: TestClient, tricky: ContentTable, table_id: str, suffix: str) -> None:
    assert_problem(client.get(f"/v1/tables/{table_id}{suffix}"), 404)


@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_unknown_id_is_404(client: TestClient, tricky: ContentTable, suffix: str) -> None:
    assert tricky.id is not None
    unknown = tricky.id + 1000
    body = assert_problem(client.get(f"/v1/tables/{unknown}{suffix}"), 404)
    assert body["detail"] == f"No published table has the id {unknown}."
    assert body["instance"] == f"/v1/tables/{unknown}{suffix}"


@pytest.mark.parametrize(
    "params",
    [
        {"foo": "1"},
        {"page": "2"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"cursor": "garbage"},
        {"cursor": "!!!"},
        {"cursor": encode_cursor("tables", ("not a time", 1, 1, 1))},
        {"cursor": encode_cursor("tables", (BASE, 1, 1))},
        {"cursor": encode_cursor("timeline-events", (BASE.date(), 1))},
        {"article": "x" * 121},
    ],
)
def test_bad_query_is_400(client: TestClient, shelf: dict[str, Any], params: dict[str, str]) -> None:
    assert_problem(client.get("/v1/tables", params=params), 400)


def test_repeated_parameter_is_400(client: TestClient, shelf: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/tables?limit=1&limit=2"), 400)


def test_cursor_of_another_listing_is_400(client: TestClient, shelf: dict[str, Any]) -> None:
    articles = client.get("/v1/articles", params={"limit": 1}).json()
    cursor = articles["meta"]["next_cursor"]
    assert isinstance(cursor, str)
    body = assert_problem(client.get("/v1/tables", params={"limit": 1, "cursor": cursor}), 400)
    assert (
        body["detail"]
        == "The cursor is not valid for this listing and sort order; start again without a cursor."
    )


def test_unknown_parameter_on_a_single_table_is_400(client: TestClient, tricky: ContentTable) -> None:
    assert_problem(client.get(f"/v1/tables/{tricky.id}", params={"format": "csv"}), 400)
    assert_problem(client.get(f"/v1/tables/{tricky.id}.csv", params={"limit": "1"}), 400)


def test_demo_tables(client: TestClient, demo: Session) -> None:
    """The demo's draft and scheduled articles have tables too; only the published article's are listed."""
    body = client.get("/v1/tables").json()
    slug = "kim-jong-un-new-year-greetings-putin-blood-alliance"
    assert [item["article"]["slug"] for item in body["items"]] == [slug, slug, slug]
    assert [item["title"] for item in body["items"]] == [
        "Public themes emphasized in the New Year exchange",
        "Timeline of key milestones shaping DPRK–Russia ties",
        "What monitoring efforts are alleging at a high level",
    ]
    assert [item["position"] for item in body["items"]] == [0, 1, 2]
    assert body["meta"]["next_cursor"] is None
    for hidden in ["draft-kim-putin-summit-analysis", "scheduled-ai-regulation-outlook-2031"]:
        assert client.get("/v1/tables", params={"article": hidden}).json()["items"] == []


@pytest.mark.parametrize("cell", [{"href": "https://example.org"}, ["a"], True])
def test_a_cell_the_api_cannot_show_is_refused_on_the_way_in(
    client: TestClient, session: Session, cell: object
) -> None:
    article = make_article(session, published_at=BASE)
    shown = make_table(session, article)
    with pytest.raises(ValueError, match=r"^row 1 has a cell that is not text, a number or null$"):
        make_table(session, article, rows=[[cell, 1]])
    session.rollback()
    response = client.get("/v1/tables")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [shown.id]


def test_json_and_csv_have_their_own_etags(client: TestClient, tricky: ContentTable) -> None:
    as_json = client.get(f"/v1/tables/{tricky.id}")
    as_csv = client.get(f"/v1/tables/{tricky.id}", headers={"Accept": "text/csv"})
    assert as_json.headers["etag"] != as_csv.headers["etag"]
    for response in (as_json, as_csv):
        assert "accept" in [v.strip().lower() for v in response.headers["vary"].split(",")]
    again = client.get(
        f"/v1/tables/{tricky.id}", headers={"Accept": "text/csv", "If-None-Match": as_csv.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == as_csv.headers["etag"]
    by_url = client.get(f"/v1/tables/{tricky.id}.csv", headers={"If-None-Match": as_csv.headers["etag"]})
    assert by_url.status_code == 304
