"""Preview tokens: signed, expiring, revocable links that show one revision of an article, draft or not,
to someone without an API key. A token is only ever checked here; anything wrong with it is a 403."""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.articles import editorial
from app.articles.models import Article, ArticleRevision, PreviewToken
from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.db import utcnow
from app.errors import Forbidden, NotFound

PREVIEW_TOKEN_MAX_LENGTH = 1024


def issue_preview_token(
    session: Session, article: Article, expires_in: int, key: ApiKey
) -> tuple[str, PreviewToken, ArticleRevision]:
    """A signed token showing the article's latest revision until it expires or is revoked."""
    assert article.id is not None
    secret = auth_service.signing_secret(session)  # first: on first use it commits a row of its own
    revision = session.exec(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(col(ArticleRevision.number).desc())
    ).first()
    if revision is None:  # stored before revisions were kept (demo data, imports): record it as it is
        revision = editorial.add_revision(
            session, article, "baseline", key, editorial.admin_view(session, article), []
        )
    assert revision.id is not None
    expires_at = utcnow().replace(microsecond=0) + timedelta(seconds=expires_in)
    row = PreviewToken(
        id=secrets.token_hex(16), article_id=article.id, revision_id=revision.id, expires_at=expires_at
    )
    session.add(row)
    auth_service.record(
        session, key, "article.preview", "article", article.id, {"jti": row.id, "revision": revision.number}
    )
    claims = {"jti": row.id, "aid": article.id, "rid": revision.id, "exp": int(expires_at.timestamp())}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    token = f"{payload}.{_b64(_signature(secret, payload))}"
    session.commit()
    session.refresh(row)
    session.refresh(revision)
    return token, row, revision


def revoke_preview_token(session: Session, jti: str, key: ApiKey) -> PreviewToken:
    """Make a preview token invalid before it expires."""
    row = session.get(PreviewToken, jti)
    if row is None:
        raise NotFound(f"No preview token has the id {jti!r}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        auth_service.record(session, key, "preview_token.revoke", "article", row.article_id, {"jti": jti})
        session.commit()
        session.refresh(row)
    return row


def previewed_revision(session: Session, token: str) -> tuple[Article, ArticleRevision]:
    """The article and revision a valid preview token shows; 403 for anything else, never a fallback."""
    claims = _verified_claims(session, token)
    row = session.get(PreviewToken, claims["jti"])
    if row is None or row.article_id != claims["aid"] or row.revision_id != claims["rid"]:
        raise Forbidden("The preview token is not valid.")
    if row.revoked_at is not None:
        raise Forbidden("The preview token has been revoked.")
    if row.expires_at <= utcnow() or claims["exp"] <= utcnow().timestamp():
        raise Forbidden("The preview token has expired.")
    article = session.get(Article, row.article_id)
    revision = session.get(ArticleRevision, row.revision_id)
    if article is None or revision is None or revision.article_id != article.id:
        raise Forbidden("The preview token is not valid.")
    return article, revision


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signature(secret: bytes, payload: str) -> bytes:
    # the purpose is signed too, so a token made for something else can never pass as a preview token
    return hmac.new(secret, b"preview." + payload.encode(), hashlib.sha256).digest()


def _verified_claims(session: Session, token: str) -> dict[str, Any]:
    invalid = Forbidden("The preview token is not valid.")
    if len(token) > PREVIEW_TOKEN_MAX_LENGTH or token.count(".") != 1:
        raise invalid
    payload, signature = token.split(".")
    try:
        given = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        if not hmac.compare_digest(given, _signature(auth_service.signing_secret(session), payload)):
            raise invalid
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise invalid from exc
    if (
        not isinstance(claims, dict)
        or not isinstance(claims.get("jti"), str)
        or not all(type(claims.get(name)) is int for name in ("aid", "rid", "exp"))
    ):
        raise invalid
    return claims
