"""Assertions shared by the API tests."""

from typing import Any

from httpx2 import Response

from app.http_cache import identity_etag


def assert_problem(response: Response, status: int, title: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and this title, when given); returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["type"].startswith("/problems/")
    if title is not None:
        assert body["title"] == title
    return body


def version_of(response: Response) -> str:
    """The version a response's ETag names, whichever content-coding it came in (`"article-1-v2-br"`)."""
    return identity_etag(response.headers["etag"])
