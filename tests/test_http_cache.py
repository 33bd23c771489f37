"""Strong ETags on every GET, 304 on a matching If-None-Match, public freshness headers."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_article, make_table

PUBLIC_GETS = [
    "/v1/articles",
    "/v1/articles/kim-jong-un-new-year-greetings-putin-blood-alliance",
    "/v1/categories",
    "/v1/categories/gaming",
    "/v1/tags",
    "/v1/authors",
    "/v1/tables",
    "/v1/timelines",
    "/v1/timelines/dprk-russia-ties-key-milestones",
    "/v1/timeline-events",
    "/v1/home",
]


@pytest.mark.parametrize("path", PUBLIC_GETS)
def test_etag_and_304_round_trip(client: TestClient, demo: Session, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["cache-control"] == "public, max-age=60, s-maxage=300, stale-while-revalidate=600"
    assert "Accept" in first.headers["vary"]
    again = client.get(path)
    assert again.headers["etag"] == etag
    not_modified = client.get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    for header in ("etag", "cache-control", "vary"):
        assert not_modified.headers[header] == first.headers[header]
    assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_csv_has_its_own_etag(client: TestClient, session: Session) -> None:
    table = make_table(session, make_article(session))
    as_json = client.get(f"/v1/tables/{table.id}")
    as_csv = client.get(f"/v1/tables/{table.id}", headers={"Accept": "text/csv"})
    assert as_json.headers["etag"] != as_csv.headers["etag"]
    assert (
        client.get(
            f"/v1/tables/{table.id}.csv", headers={"If-None-Match": as_csv.headers["etag"]}
        ).status_code
        == 304
    )


def test_etag_changes_with_content(client: TestClient, session: Session) -> None:
    make_article(session, slug="one")
    before = client.get("/v1/articles").headers["etag"]
    make_article(session, slug="two")
    after = client.get("/v1/articles")
    assert after.headers["etag"] != before
    assert client.get("/v1/articles", headers={"If-None-Match": before}).status_code == 200


def test_errors_are_not_cached(client: TestClient) -> None:
    response = client.get("/v1/articles/missing")
    assert response.status_code == 404
    assert "etag" not in response.headers
    assert response.headers["cache-control"] == "no-store"


def test_head_answers_like_get_without_a_body(client: TestClient, session: Session) -> None:
    make_article(session, slug="one")
    get = client.get("/v1/articles")
    head = client.head("/v1/articles")
    assert head.status_code == 200
    assert head.content == b""
    for header in ("etag", "content-length", "content-type", "cache-control"):
        assert head.headers[header] == get.headers[header]
    missing = client.head("/v1/articles/nope")
    assert missing.status_code == 404
    assert missing.content == b""
