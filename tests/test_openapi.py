"""The OpenAPI document is valid, complete and stable; the explorer loads nothing from outside."""

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from app.config import Settings
from app.main import create_app

SNAPSHOT = Path(__file__).parent / "openapi.snapshot.json"


@pytest.fixture(scope="module")
def spec() -> dict:
    return create_app(Settings(database_url="sqlite://")).openapi()


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(method, path, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_document_passes_openapi_spec_validator(spec: dict) -> None:
    validate(spec)


def test_every_operation_is_documented(spec: dict) -> None:
    ids = []
    for method, path, op in _operations(spec):
        where = f"{method.upper()} {path}"
        assert op.get("tags"), where
        assert op.get("summary"), where
        assert re.fullmatch(r"[a-z][a-z_]*", op["operationId"]), where
        ids.append(op["operationId"])
        for status in ("400", "406", "500"):
            assert "application/problem+json" in op["responses"][status]["content"], where
        if "{" in path:
            assert "404" in op["responses"], where
        assert [code for code in op["responses"] if code.startswith("2")], where
        if path.startswith("/v1/admin"):
            assert op.get("security") == [{"ApiKey": []}], where
            for status in ("401", "403"):
                assert "application/problem+json" in op["responses"][status]["content"], where
        if method in ("patch", "put", "delete"):
            for status in ("412", "428"):
                assert status in op["responses"], where
        for parameter in op.get("parameters", []):
            assert parameter.get("description"), f"{where} {parameter['name']}"
    assert len(ids) == len(set(ids))


def test_public_paths(spec: dict) -> None:
    assert sorted(
        p for p in spec["paths"] if not p.startswith("/v1/admin") and p != "/v1/preview/{token}"
    ) == [
        "/",
        "/healthz",
        "/sitemap.xml",
        "/sitemaps/articles-{page}.xml",
        "/sitemaps/news.xml",
        "/v1/articles",
        "/v1/articles/{slug}",
        "/v1/articles/{slug}/related",
        "/v1/authors",
        "/v1/authors/{slug}",
        "/v1/categories",
        "/v1/categories/{slug}",
        "/v1/events/views",
        "/v1/feeds/atom.xml",
        "/v1/feeds/authors/{slug}/atom.xml",
        "/v1/feeds/authors/{slug}/feed.json",
        "/v1/feeds/authors/{slug}/rss.xml",
        "/v1/feeds/categories/{slug}/atom.xml",
        "/v1/feeds/categories/{slug}/feed.json",
        "/v1/feeds/categories/{slug}/rss.xml",
        "/v1/feeds/feed.json",
        "/v1/feeds/rss.xml",
        "/v1/feeds/tags/{slug}/atom.xml",
        "/v1/feeds/tags/{slug}/feed.json",
        "/v1/feeds/tags/{slug}/rss.xml",
        "/v1/home",
        "/v1/lists/{slug}",
        "/v1/newsletter/confirm",
        "/v1/newsletter/subscriptions",
        "/v1/newsletter/unsubscribe",
        "/v1/search",
        "/v1/sync",
        "/v1/tables",
        "/v1/tables/{table_id}",
        "/v1/tables/{table_id}.csv",
        "/v1/tags",
        "/v1/tags/{slug}",
        "/v1/timeline-events",
        "/v1/timelines",
        "/v1/timelines/{slug}",
        "/v1/trending",
    ]


def test_document_matches_snapshot(spec: dict) -> None:
    """A change to the public contract is deliberate: refresh with UPDATE_OPENAPI_SNAPSHOT=1."""
    rendered = json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8")


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_explorer_pages_load_only_local_assets(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    parser = _Assets()
    parser.feed(html)
    assert parser.urls, "the page references its assets"
    for url in parser.urls:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        assert client.get(url).status_code == 200, url
    inline_urls = re.findall(r"""['"](https?:)?//[^'"]+['"]""", html)
    assert inline_urls == []
    assert "fonts.googleapis" not in html
    assert "cdn." not in html
