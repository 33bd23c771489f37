"""CORS for browser apps on other origins, and the security headers every answer carries."""

import base64
import hashlib
import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from tests.assertions import assert_problem
from tests.factories import make_article

EXPOSED = {
    "etag",
    "link",
    "location",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "ratelimit-policy",
}


def _exposed(response: object) -> set[str]:
    header = response.headers["access-control-expose-headers"]  # type: ignore[attr-defined]
    return {name.strip().lower() for name in header.split(",")}


def test_any_origin_may_read_the_public_api(client: TestClient, session: Session) -> None:
    make_article(session, slug="one")
    response = client.get("/v1/articles?limit=1", headers={"Origin": "https://frontend.example"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert _exposed(response) == EXPOSED
    # the same answer for every client, Origin or not: a CDN keeps one copy (no Vary: Origin)
    assert "origin" not in response.headers["vary"].lower()
    without = client.get("/v1/articles?limit=2")
    assert without.headers["access-control-allow-origin"] == "*"
    not_modified = client.get(
        "/v1/articles?limit=1",
        headers={"Origin": "https://frontend.example", "If-None-Match": response.headers["etag"]},
    )
    assert not_modified.status_code == 304
    assert not_modified.headers["access-control-allow-origin"] == "*"


def test_preflight_allows_the_management_headers(client: TestClient) -> None:
    response = client.options(
        "/v1/admin/articles/1",
        headers={
            "Origin": "https://cms.example",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type, if-match",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "PATCH" in response.headers["access-control-allow-methods"]
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "if-match", "if-none-match"} <= allowed
    assert response.headers["access-control-max-age"] == "600"


def test_configured_origins_only(database_url: str, session: Session) -> None:
    app = create_app(Settings(database_url=database_url, cors_origins=["https://news.example"]))
    with TestClient(app) as client:
        allowed = client.get("/v1/categories", headers={"Origin": "https://news.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://news.example"
        assert "Origin" in allowed.headers["vary"]
        other = client.get("/v1/categories", headers={"Origin": "https://evil.example"})
        assert other.status_code == 200
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options(
            "/v1/categories",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        problem = assert_problem(preflight, 400, "Bad Request")
        assert problem["detail"] == (
            "This cross-origin request is not allowed: its origin is not among those this API accepts."
        )
        assert "access-control-allow-origin" not in preflight.headers
        refused = client.options(
            "/v1/categories",
            headers={
                "Origin": "https://news.example",
                "Access-Control-Request-Method": "TRACE",
                "Access-Control-Request-Headers": "x-secret",
            },
        )
        assert assert_problem(refused, 400, "Bad Request")["detail"].endswith(
            "its method and headers are not among those this API accepts."
        )
        # a cached answer is kept per origin: each origin gets its own allow-origin, or none
        for _ in range(2):
            again = client.get("/v1/categories", headers={"Origin": "https://news.example"})
            assert again.headers["access-control-allow-origin"] == "https://news.example"
            assert (
                "access-control-allow-origin"
                not in client.get("/v1/categories", headers={"Origin": "https://evil.example"}).headers
            )
            assert "access-control-allow-origin" not in client.get("/v1/categories").headers


def test_security_headers_on_every_kind_of_answer(client: TestClient, session: Session) -> None:
    make_article(session, slug="one")
    answers = [
        client.get("/v1/articles"),
        client.get("/v1/articles/missing"),
        client.post("/v1/admin/articles", json={}),
        client.get("/v1/articles?bogus=1"),
    ]
    assert [a.status_code for a in answers] == [200, 404, 401, 400]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert answer.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
        assert "strict-transport-security" not in answer.headers


def test_hsts_when_configured(database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=database_url, hsts_seconds=63072000))) as client:
        assert (
            client.get("/healthz").headers["strict-transport-security"]
            == "max-age=63072000; includeSubDomains"
        )


def test_docs_pages_allow_only_their_own_scripts(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        policy = response.headers["content-security-policy"]
        inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
        hashes = [
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline
        ]
        assert policy == (
            "default-src 'none'; script-src 'self'"
            + "".join(" " + h for h in hashes)
            + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'self'"
        )
        assert "unsafe-eval" not in policy
    assert len(hashes) == 0  # ReDoc has no inline script; Swagger UI's one was checked above
