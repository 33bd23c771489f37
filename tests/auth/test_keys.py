"""API keys: made, used, expired, revoked; the admin key routes; the CLI; the audit trail."""

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth import service
from app.auth.models import ApiKey, ApiKeyCreate, AuditEntry, Scope
from app.cli import alembic_config
from app.cli import main as cli_main
from app.config import Settings


def make_key(session: Session, *scopes: Scope, **kw: object) -> str:
    data = ApiKeyCreate.model_validate({"name": "k", **kw, "scopes": list(scopes)})
    _, plaintext = service.create_key(session, data)
    return plaintext


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_key_is_stored_only_as_a_hash(session: Session) -> None:
    plaintext = make_key(session, Scope.content_write)
    row = session.exec(select(ApiKey)).one()
    assert plaintext.startswith(f"bs_{row.prefix}_")
    secret = plaintext.split("_", 2)[2]
    assert secret not in row.secret_hash
    assert len(row.secret_hash) == 64


def test_me_shows_the_key_and_records_last_use(client: TestClient, session: Session) -> None:
    key = make_key(session, Scope.content_write, Scope.content_publish, name="desk")
    response = client.get("/v1/admin/me", headers=bearer(key))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "desk"
    assert body["scopes"] == ["content:publish", "content:write"]
    assert body["last_used_at"] is not None
    assert "secret_hash" not in body
    assert "key" not in body
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer nonsense", "Bearer bs_000000000000_wrong", "Basic dXNlcjpwYXNz", "bearer "],
)
def test_missing_or_invalid_key_is_401(
    client: TestClient, session: Session, authorization: str | None
) -> None:
    make_key(session, Scope.admin)
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get("/v1/admin/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith('Bearer realm="broadsheet"')


def test_wrong_secret_for_a_real_prefix_is_401(client: TestClient, session: Session) -> None:
    key = make_key(session, Scope.admin)
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert client.get("/v1/admin/me", headers=bearer(forged)).status_code == 401


def test_expired_and_revoked_keys_are_401(client: TestClient, session: Session) -> None:
    expired = make_key(session, Scope.admin, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    response = client.get("/v1/admin/me", headers=bearer(expired))
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key has expired."
    admin = make_key(session, Scope.admin, name="root")
    victim = make_key(session, Scope.content_write, name="victim")
    victim_id = client.get("/v1/admin/me", headers=bearer(victim)).json()["id"]
    revoked = client.post(f"/v1/admin/keys/{victim_id}/revoke", headers=bearer(admin))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    response = client.get("/v1/admin/me", headers=bearer(victim))
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key has been revoked."


def test_admin_routes_need_the_admin_scope(client: TestClient, session: Session) -> None:
    writer = make_key(session, Scope.content_write)
    for method, path in [("GET", "/v1/admin/keys"), ("POST", "/v1/admin/keys"), ("GET", "/v1/admin/audit")]:
        response = client.request(
            method, path, headers=bearer(writer), json={"name": "x", "scopes": ["admin"]}
        )
        assert response.status_code == 403, path
        assert response.json()["detail"] == "This API key lacks the `admin` scope."


def test_create_key_over_http_then_use_it(client: TestClient, session: Session) -> None:
    admin = make_key(session, Scope.admin, name="root")
    created = client.post(
        "/v1/admin/keys", headers=bearer(admin), json={"name": "partner", "scopes": ["partner:full-content"]}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["scopes"] == ["partner:full-content"]
    assert client.get("/v1/admin/me", headers=bearer(body["key"])).json()["name"] == "partner"
    listed = client.get("/v1/admin/keys", headers=bearer(admin)).json()
    assert [k["name"] for k in listed] == ["root", "partner"]
    assert all("key" not in k for k in listed)


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "x", "scopes": ["root"]},
        {"name": "x", "scopes": []},
        {"name": "", "scopes": ["admin"]},
        {"name": "x", "scopes": ["admin"], "prefix": "abc"},
        {"name": "x", "scopes": ["admin"], "revoked_at": None},
        {"name": "x", "scopes": ["admin"], "expires_at": "2030-01-01T00:00:00"},
    ],
)
def test_bad_key_requests_are_422_and_change_nothing(
    client: TestClient, session: Session, payload: dict
) -> None:
    admin = make_key(session, Scope.admin)
    response = client.post("/v1/admin/keys", headers=bearer(admin), json=payload)
    assert response.status_code == 422
    assert len(session.exec(select(ApiKey)).all()) == 1


def test_audit_trail_lists_key_writes_newest_first(client: TestClient, session: Session) -> None:
    admin = make_key(session, Scope.admin, name="root")
    first = client.post(
        "/v1/admin/keys", headers=bearer(admin), json={"name": "a", "scopes": ["admin"]}
    ).json()
    client.post(f"/v1/admin/keys/{first['id']}/revoke", headers=bearer(admin))
    audit = client.get("/v1/admin/audit", headers=bearer(admin)).json()["items"]
    assert [(e["action"], e["resource_id"], e["key_name"]) for e in audit] == [
        ("key.revoke", first["id"], "root"),
        ("key.create", first["id"], "root"),
    ]
    assert len(session.exec(select(AuditEntry)).all()) == 2


def test_cli_creates_lists_and_revokes(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if database_url.startswith("sqlite"):  # the test database was made from the models: mark it migrated
        command.stamp(alembic_config(Settings(database_url=database_url)), "head")
    monkeypatch.setenv("DATABASE_URL", database_url)
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        assert (
            cli_main(
                ["keys", "create", "--name", "ci", "--scope", "content:write", "--scope", "content:publish"]
            )
            == 0
        )
        out = capsys.readouterr().out.splitlines()
        assert out[0] == "key 1 (ci; content:publish content:write); shown once, store it now:"
        assert out[1].startswith("bs_")
        assert cli_main(["keys", "list"]) == 0
        assert capsys.readouterr().out.startswith(
            "1\tci\tcontent:publish content:write\tactive\texpires never"
        )
        assert cli_main(["keys", "revoke", "1"]) == 0
        assert capsys.readouterr().out == "key 1 revoked\n"
        assert cli_main(["keys", "revoke", "7"]) == 1
        assert capsys.readouterr().err == "error: No API key has the id 7.\n"
        assert (
            cli_main(["keys", "create", "--name", "x", "--scope", "admin", "--expires-at", "2030-01-01"]) == 2
        )
    finally:
        get_settings.cache_clear()
