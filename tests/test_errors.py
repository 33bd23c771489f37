"""Every error is an RFC 9457 problem whose body status matches the response; never a traceback."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import BaseModel


def _assert_problem(response: Response, status: int, title: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == status
    assert body["title"] == title
    assert body["type"].startswith("/problems/")
    return body


def test_unknown_route_is_404(client: TestClient) -> None:
    body = _assert_problem(client.get("/v1/nothing-here"), 404, "Not Found")
    assert body["instance"] == "/v1/nothing-here"


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.post("/v1/articles", json={})
    _assert_problem(response, 405, "Method Not Allowed")
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/*", "application/json;q=0"])
def test_unacceptable_type_is_406(client: TestClient, accept: str) -> None:
    _assert_problem(client.get("/v1/articles", headers={"Accept": accept}), 406, "Not Acceptable")


@pytest.mark.parametrize(
    "accept", ["application/json", "application/*", "*/*", "text/html, application/json;q=0.1"]
)
def test_acceptable_types(client: TestClient, accept: str) -> None:
    assert client.get("/v1/categories", headers={"Accept": accept}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/v1/tables/abc",
        "/v1/tables/0",
        "/v1/tables/99999999999999999999",
        "/v1/articles/%00",
        "/v1/categories/" + "x" * 200,
    ],
)
def test_bad_path_values(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == response.status_code


@pytest.fixture
def faulty_app(app: FastAPI) -> Iterator[TestClient]:
    class Payload(BaseModel):
        name: str

    @app.get("/boom", tags=["test"], summary="fails")
    def boom() -> dict:
        raise RuntimeError("secret internal detail")

    @app.post("/echo", tags=["test"], summary="echo")
    def echo(payload: Payload) -> Payload:
        return payload

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_unhandled_error_is_500_problem_without_traceback(faulty_app: TestClient) -> None:
    response = faulty_app.get("/boom")
    body = _assert_problem(response, 500, "Internal Server Error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "The server could not complete the request."


def test_bad_body_is_422_with_field_errors(faulty_app: TestClient) -> None:
    body = _assert_problem(faulty_app.post("/echo", json={"name": 5}), 422, "Unprocessable Content")
    assert body["errors"] == [
        {"location": ["body", "name"], "message": "Input should be a valid string", "type": "string_type"}
    ]
    _assert_problem(
        faulty_app.post("/echo", content=b"{not json", headers={"content-type": "application/json"}),
        422,
        "Unprocessable Content",
    )
