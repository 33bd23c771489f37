"""Caching rules for every public GET: ETag and 304, Cache-Control per kind, Surrogate-Key, compression.

The public GET operations come from the OpenAPI document, so an endpoint added later must be given its kind
here (the first test fails until it is) and is then checked like every other."""

import gzip
from typing import Any

import brotli
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.http_cache import DEFAULT_POLICIES, CacheKind, surrogate_key_header
from app.main import create_app
from tests.factories import make_article, make_table

SEED = "kim-jong-un-new-year-greetings-putin-blood-alliance"
_spec = create_app(Settings(database_url="sqlite://")).openapi()
PUBLIC_GETS = sorted(
    path
    for path, item in _spec["paths"].items()
    if path.startswith(("/v1/", "/sitemap")) and "get" in item and not item["get"].get("security")
)
# each public GET: a URL on the demo content, and the kind of resource it answers with
URLS: dict[str, tuple[str, CacheKind | None]] = {
    "/v1/articles": ("/v1/articles", CacheKind.list),
    "/v1/articles/{slug}": (f"/v1/articles/{SEED}", CacheKind.article),
    "/v1/categories": ("/v1/categories", CacheKind.taxonomy),
    "/v1/categories/{slug}": ("/v1/categories/gaming", CacheKind.taxonomy),
    "/v1/tags": ("/v1/tags", CacheKind.taxonomy),
    "/v1/tags/{slug}": ("/v1/tags/{tag}", CacheKind.taxonomy),
    "/v1/authors": ("/v1/authors", CacheKind.taxonomy),
    "/v1/authors/{slug}": ("/v1/authors/{author}", CacheKind.taxonomy),
    "/v1/tables": ("/v1/tables", CacheKind.list),
    "/v1/tables/{table_id}": ("/v1/tables/{table}", CacheKind.article),
    "/v1/tables/{table_id}.csv": ("/v1/tables/{table}.csv", CacheKind.article),
    "/v1/timelines": ("/v1/timelines", CacheKind.list),
    "/v1/timelines/{slug}": ("/v1/timelines/dprk-russia-ties-key-milestones", CacheKind.article),
    "/v1/timeline-events": ("/v1/timeline-events?from=2024-01-01", CacheKind.list),
    "/v1/home": ("/v1/home", CacheKind.section),
    "/v1/trending": ("/v1/trending", CacheKind.trending),
    "/v1/lists/{slug}": ("/v1/lists/top-trending", CacheKind.trending),
    "/v1/articles/{slug}/related": (f"/v1/articles/{SEED}/related", CacheKind.trending),
    "/v1/search": ("/v1/search?q=putin", CacheKind.search),
    "/sitemap.xml": ("/sitemap.xml", CacheKind.feed),
    "/sitemaps/articles-{page}.xml": ("/sitemaps/articles-1.xml", CacheKind.feed),
    "/sitemaps/news.xml": ("/sitemaps/news.xml", CacheKind.feed),
    "/v1/preview/{token}": ("", None),  # private: tested below
    "/v1/newsletter/confirm": ("", None),  # no-store, changes state: tests/newsletter
    "/v1/newsletter/unsubscribe": ("", None),  # no-store: tests/newsletter
    **{
        f"/v1/feeds/{scope}{file}": (f"/v1/feeds/{example}{file}", CacheKind.feed)
        for scope, example in (
            ("", ""),
            ("categories/{slug}/", "categories/gaming/"),
            ("tags/{slug}/", "tags/{tag}/"),
            ("authors/{slug}/", "authors/{author}/"),
        )
        for file in ("rss.xml", "atom.xml", "feed.json")
    },
}
PUBLIC_URLS = [p for p in PUBLIC_GETS if URLS.get(p, ("", None))[1] is not None]


def _url(client: TestClient, path: str) -> str:
    url = URLS[path][0]
    values = {
        "tag": lambda: client.get("/v1/tags").json()["items"][0]["slug"],
        "author": lambda: client.get("/v1/authors").json()["items"][0]["slug"],
        "table": lambda: client.get("/v1/tables").json()["items"][0]["id"],
    }
    for name, value in values.items():
        if "{" + name + "}" in url:
            url = url.replace("{" + name + "}", str(value()))
    return url


# headers every answer carries, 304s included, whether it came from the application or the response cache
ALWAYS = ("access-control-allow-origin", "access-control-expose-headers", "x-content-type-options")


def _shared_headers(response: Any) -> dict[str, str]:
    """The headers any client gets for this URL: all but the rate-limit window and the date."""
    return {
        name: value
        for name, value in response.headers.items()
        if not name.startswith("ratelimit-") and name not in ("date", "server")
    }


def test_every_public_get_has_a_declared_kind() -> None:
    assert set(PUBLIC_GETS) == set(URLS), "give new public endpoints a URL and kind in URLS"


@pytest.mark.parametrize("path", PUBLIC_URLS)
def test_304_round_trip_for_every_public_get(client: TestClient, demo: Session, path: str) -> None:
    url = _url(client, path)
    kind = URLS[path][1]
    assert kind is not None
    for encoding in ("identity", "gzip", "br"):
        first = client.get(url, headers={"Accept-Encoding": encoding})
        assert first.status_code == 200, first.text
        etag = first.headers["etag"]
        assert etag.startswith('"')  # strong
        assert etag.endswith('"')
        assert first.headers["cache-control"] == DEFAULT_POLICIES[kind].header()
        # feeds give partners' keys full content: a shared cache must tell the two apart
        vary = "Authorization, " if path.startswith("/v1/feeds/") else ""
        assert first.headers["vary"] == vary + "Accept-Encoding, Accept"
        assert first.headers["surrogate-key"]
        # the response cache answers the same bytes and headers, less the client's own rate-limit window
        hit = client.get(url, headers={"Accept-Encoding": encoding})
        assert hit.content == first.content
        assert _shared_headers(hit) == _shared_headers(first)
        assert "ratelimit-limit" not in hit.headers  # hits are not counted
        again = client.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        for header in ("etag", "cache-control", "vary", "surrogate-key", *ALWAYS):
            assert again.headers[header] == first.headers[header], header
        assert "content-encoding" not in again.headers
        assert client.get(url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code in (200, 304)
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("path", PUBLIC_URLS)
def test_each_encoding_has_its_own_strong_etag(client: TestClient, demo: Session, path: str) -> None:
    url = _url(client, path)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    brotlied = client.get(url, headers={"Accept-Encoding": "br"})
    if len(plain.content) < 1024:
        assert "content-encoding" not in gzipped.headers
        assert plain.headers["etag"] == gzipped.headers["etag"] == brotlied.headers["etag"]
        return
    assert gzipped.headers["content-encoding"] == "gzip"
    assert brotlied.headers["content-encoding"] == "br"
    assert gzipped.headers["etag"] == plain.headers["etag"][:-1] + '-gz"'
    assert brotlied.headers["etag"] == plain.headers["etag"][:-1] + '-br"'
    assert gzipped.content == plain.content == brotlied.content  # the client decoded both
    # a validator of one encoding does not revalidate another
    other = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": gzipped.headers["etag"]})
    assert other.status_code == 200


def test_compressed_bytes_on_the_wire(demo: Session, app: Any) -> None:
    """What a client without transparent decoding receives: real gzip and brotli streams."""
    with TestClient(app) as client:
        url = f"/v1/articles/{SEED}"
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
            with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as raw:
                body = b"".join(raw.iter_raw())
                assert int(raw.headers["content-length"]) == len(body) < len(plain.content) / 2
            assert decode(body) == plain.content
    assert len(plain.content) > 1024
    assert "content-encoding" not in plain.headers


def test_encoding_negotiation_follows_quality_values(client: TestClient, demo: Session) -> None:
    url = f"/v1/articles/{SEED}"
    cases = {
        "gzip, br": "br",
        "gzip;q=1.0, br;q=0": "gzip",
        "br;q=0, gzip;q=0": None,
        "*": "br",
        "*;q=0, gzip": "gzip",
        "deflate": None,
        "gzip;q=garbage": None,
    }
    for accept, expected in cases.items():
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.headers.get("content-encoding") == expected, accept


def test_small_answers_are_not_compressed(client: TestClient, session: Session) -> None:
    response = client.get("/v1/categories/missing", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    assert "content-encoding" not in response.headers
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    assert "surrogate-key" not in response.headers


def test_head_answers_like_get_without_a_body(client: TestClient, session: Session) -> None:
    make_article(session, slug="one")
    for encoding in ("identity", "br"):
        get = client.get("/v1/articles", headers={"Accept-Encoding": encoding})
        head = client.head("/v1/articles", headers={"Accept-Encoding": encoding})
        assert head.status_code == 200
        assert head.content == b""
        for header in ("etag", "content-length", "content-type", "cache-control", "surrogate-key", "vary"):
            assert head.headers.get(header) == get.headers.get(header), header
    missing = client.head("/v1/articles/nope")
    assert missing.status_code == 404
    assert missing.content == b""


def test_csv_has_its_own_etag(client: TestClient, session: Session) -> None:
    table = make_table(session, make_article(session))
    as_json = client.get(f"/v1/tables/{table.id}")
    as_csv = client.get(f"/v1/tables/{table.id}", headers={"Accept": "text/csv"})
    assert as_json.headers["etag"] != as_csv.headers["etag"]
    assert as_csv.headers["surrogate-key"] == f"article:{table.article_id} table:{table.id}"
    conditional = client.get(f"/v1/tables/{table.id}.csv", headers={"If-None-Match": as_csv.headers["etag"]})
    assert conditional.status_code == 304


def test_etag_changes_with_content(client: TestClient, session: Session) -> None:
    make_article(session, slug="one")
    before = client.get("/v1/articles").headers["etag"]
    make_article(session, slug="two")
    after = client.get("/v1/articles")
    assert after.headers["etag"] != before
    assert client.get("/v1/articles", headers={"If-None-Match": before}).status_code == 200


def test_surrogate_keys_name_every_entity_in_an_article(client: TestClient, demo: Session) -> None:
    body = client.get(f"/v1/articles/{SEED}").json()
    keys = set(client.get(f"/v1/articles/{SEED}").headers["surrogate-key"].split(" "))
    expected = {f"article:{body['id']}", f"category:{body['category']['id']}"}
    expected |= {f"tag:{t['id']}" for t in body["tags"]}
    expected |= {f"author:{a['id']}" for a in body["authors"]}
    expected |= {f"table:{b['table']['id']}" for b in body["blocks"] if b.get("table")}  # timelines' too
    expected |= {f"timeline:{b['timeline']['id']}" for b in body["blocks"] if b["type"] == "timeline"}
    assert keys == expected
    assert len([k for k in keys if k.startswith("table:")]) == 3


def test_surrogate_keys_of_a_list_name_its_items_and_the_list(client: TestClient, demo: Session) -> None:
    response = client.get("/v1/articles?limit=5&include=category,tags,authors")
    items = response.json()["items"]
    keys = set(response.headers["surrogate-key"].split(" "))
    expected = {"articles:list"} | {f"article:{i['id']}" for i in items}
    expected |= {f"category:{i['category']['id']}" for i in items}
    expected |= {f"tag:{t['id']}" for i in items for t in i["tags"]}
    expected |= {f"author:{a['id']}" for i in items for a in i["authors"]}
    assert keys == expected
    home = client.get("/v1/home")
    home_keys = set(home.headers["surrogate-key"].split(" "))
    assert {"home", "articles:list", "categories:list"} <= home_keys
    for section in home.json()["sections"]:
        assert f"category:{section['category']['id']}" in home_keys
        assert {f"article:{a['id']}" for a in section["articles"]} <= home_keys


def test_surrogate_key_header_stays_under_the_cdn_limit() -> None:
    keys = {f"article:{n}" for n in range(5000)} | {f"tag:{n}" for n in range(10)} | {"articles:list"}
    header = surrogate_key_header(keys)
    assert len(header) <= 16_000
    assert header.split(" ") == sorted(["article:any", "articles:list", *(f"tag:{n}" for n in range(10))])
    small = surrogate_key_header({"b", "a", "has space", "x" * 1001})
    assert small == "a b"


def test_private_answers_are_never_stored(client: TestClient, session: Session) -> None:
    from tests.factories import key_headers

    headers = key_headers(session, "content:read-drafts")
    response = client.get("/v1/admin/me", headers=headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert "surrogate-key" not in response.headers


def test_policies_are_configurable_per_kind(database_url: str, demo: Session) -> None:
    settings = Settings(
        database_url=database_url,
        cache_policies={"article": {"s_maxage": 86400}, "list": {"max_age": 5, "stale_if_error": 0}},
    )
    with TestClient(create_app(settings)) as client:
        article = client.get(f"/v1/articles/{SEED}")
        assert article.headers["cache-control"] == (
            "public, max-age=60, s-maxage=86400, stale-while-revalidate=60, stale-if-error=86400"
        )
        listing = client.get("/v1/articles")
        assert listing.headers["cache-control"] == (
            "public, max-age=5, s-maxage=300, stale-while-revalidate=30, stale-if-error=0"
        )
        assert client.get("/v1/home").headers["cache-control"] == DEFAULT_POLICIES[CacheKind.section].header()
