"""Every error is an RFC 9457 problem whose body status matches the response; never a traceback."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from tests.assertions import assert_problem


def test_unknown_route_is_404(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    body = assert_problem(response, 404, "Not Found")
    assert response.headers["cache-control"] == "no-store"
    assert body["instance"] == "/v1/nothing-here"


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.post("/v1/articles", json={})
    assert_problem(response, 405, "Method Not Allowed")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/*", "application/json;q=0"])
def test_unacceptable_type_is_406(client: TestClient, accept: str) -> None:
    response = client.get("/v1/articles", headers={"Accept": accept})
    assert_problem(response, 406, "Not Acceptable")
    assert response.headers["cache-control"] == "no-store"


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
    assert_problem(response, response.status_code)


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
    body = assert_problem(response, 500, "Internal Server Error")
    assert response.headers["cache-control"] == "no-store"
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "The server could not complete the request."


def test_bad_body_is_422_with_field_errors(faulty_app: TestClient) -> None:
    response = faulty_app.post("/echo", json={"name": 5})
    body = assert_problem(response, 422, "Unprocessable Content")
    assert response.headers["cache-control"] == "no-store"
    assert body["errors"] == [
        {"location": ["body", "name"], "message": "Input should be a valid string", "type": "string_type"}
    ]
    response = faulty_app.post("/echo", content=b"{not json", headers={"content-type": "application/json"})
    assert_problem(response, 422, "Unprocessable Content")
    assert response.headers["cache-control"] == "no-store"
