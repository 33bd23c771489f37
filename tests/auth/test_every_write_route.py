"""Every management operation in the OpenAPI document refuses a request without a live key of its scope."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import service
from app.auth.models import ApiKeyCreate, Scope
from app.config import Settings
from app.main import create_app

_spec = create_app(Settings(database_url="sqlite://")).openapi()
SECURED = sorted(
    (method.upper(), path)
    for path, item in _spec["paths"].items()
    for method, op in item.items()
    if op.get("security")
)
ONLY_A_KEY = {("GET", "/v1/admin/me"), ("GET", "/v1/sync")}  # any valid key may read these


def _url(path: str) -> str:
    return (
        path.replace("{", "")
        .replace("}", "")
        .replace("_id", "")
        .replace("number", "1")
        .replace("jti", "abc")
        .replace("slug", "some-slug")
    )


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    return client.request(method, _url(path), headers=headers, json={})


def test_there_are_secured_operations() -> None:
    assert ("POST", "/v1/admin/keys") in SECURED


@pytest.mark.parametrize(("method", "path"), SECURED)
def test_refused_without_a_live_key_of_the_right_scope(
    client: TestClient, session: Session, method: str, path: str
) -> None:
    _, revoked = service.create_key(session, ApiKeyCreate(name="revoked", scopes=[Scope.admin]))
    service.revoke_key(session, service.list_keys(session)[0])
    _, partner = service.create_key(
        session, ApiKeyCreate(name="partner", scopes=[Scope.partner_full_content])
    )
    for headers in ({}, {"Authorization": f"Bearer {revoked}"}, {"Authorization": "Bearer bs_nothing_here"}):
        response = _call(client, method, path, headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert "www-authenticate" in response.headers
    if (method, path) not in ONLY_A_KEY:
        response = _call(client, method, path, {"Authorization": f"Bearer {partner}"})
        assert response.status_code == 403, response.text
