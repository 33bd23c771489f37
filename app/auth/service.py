"""API keys: made with a random secret, stored as a hash, checked in constant time; the audit trail."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.auth.models import ApiKey, ApiKeyCreate, AuditEntry, Scope, SigningSecret
from app.db import utcnow
from app.errors import NotFound, Unauthorized
from app.pagination import Order, keyset_page

KEY_PREFIX = "bs_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
_AUDIT_ORDER: Order = [(col(AuditEntry.at), True), (col(AuditEntry.id), True)]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    """A new key and its plaintext (`bs_<prefix>_<secret>`), which is never stored."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.model_validate(
        data,
        update={
            "prefix": prefix,
            "secret_hash": _hash(secret),
            "scopes": sorted({str(s) for s in data.scopes}),
        },
    )
    session.add(key)
    session.commit()
    session.refresh(key)
    return key, f"{KEY_PREFIX}{prefix}_{secret}"


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))


def get_key(session: Session, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"No API key has the id {key_id}.")
    return key


def revoke_key(session: Session, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.commit()
        session.refresh(key)
    return key


def authenticate(session: Session, token: str, now: datetime | None = None) -> ApiKey:
    """The live key `token` names, or 401. The secret is compared in constant time."""
    now = now or utcnow()
    prefix, _, secret = token.removeprefix(KEY_PREFIX).partition("_")
    key = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first() if prefix and secret else None
    # compare even when no key matched, so timing does not tell whether a prefix exists
    expected = key.secret_hash if key is not None else _hash("")
    if not hmac.compare_digest(expected, _hash(secret)) or key is None:
        raise Unauthorized("The API key is not valid.")
    if key.revoked_at is not None:
        raise Unauthorized("The API key has been revoked.")
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthorized("The API key has expired.")
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
        session.add(key)
        session.commit()
        session.refresh(key)
    return key


def has_scope(key: ApiKey, scope: Scope) -> bool:
    """A key holds the scopes it was given; `admin` holds them all."""
    return str(scope) in key.scopes or str(Scope.admin) in key.scopes


def record(
    session: Session,
    key: ApiKey | None,
    action: str,
    resource_type: str,
    resource_id: int | None,
    detail: dict[str, object] | None = None,
) -> None:
    """Stage an audit entry in the caller's transaction, so the entry and the change commit together."""
    session.add(
        AuditEntry(
            key_id=key.id if key else None,
            key_name=key.name if key else "system",
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            detail=detail or {},
        )
    )


def list_audit(session: Session, cursor: str | None, limit: int) -> tuple[list[AuditEntry], str | None]:
    """Audit entries, newest first."""
    return keyset_page(
        session,
        select(AuditEntry),
        order=_AUDIT_ORDER,
        kind="audit",
        cursor=cursor,
        limit=limit,
        key=lambda e: (e.at, e.id),
    )


def signing_secret(session: Session) -> bytes:
    """This installation's secret for signed tokens: made once, in the database, shared by all processes."""
    row = session.get(SigningSecret, 1)
    if row is None:
        session.add(SigningSecret(id=1, secret=secrets.token_hex(32)))
        try:
            session.commit()
        except IntegrityError:  # another process made it first
            session.rollback()
        row = session.get(SigningSecret, 1)
        assert row is not None
    return bytes.fromhex(row.secret)
