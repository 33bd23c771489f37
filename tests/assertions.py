"""Assertions shared by the API tests."""

from typing import Any

from httpx2 import Response


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
