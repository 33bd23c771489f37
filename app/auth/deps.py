"""Dependencies that authenticate a request's API key and require a scope of it."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service
from app.auth.models import ApiKey, Scope
from app.db import SessionDep
from app.errors import Forbidden, Unauthorized
from app.http_cache import NO_STORE

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key made with `broadsheet keys create`, sent as `Authorization: Bearer <key>`.",
)


def current_key(
    response: Response,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> ApiKey:
    """The request's live API key (401 without one). Authenticated answers are never stored by caches."""
    response.headers["Cache-Control"] = NO_STORE
    if credentials is None:
        raise Unauthorized()
    return service.authenticate(session, credentials.credentials)


def require(scope: Scope) -> Callable[[ApiKey], ApiKey]:
    """A dependency giving the request's key if it holds `scope` (403 if it does not)."""

    def holding_scope(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKey:
        if not service.has_scope(key, scope):
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
        return key

    return holding_scope


def optional(scope: Scope) -> Callable[..., ApiKey | None]:
    """A dependency for public routes that give more to a key holding `scope`: None without a key, the key
    when it holds the scope, 401 for a bad key and 403 for one without the scope.

    The header is read directly rather than through `bearer`, so the route stays public in the OpenAPI
    document; such a route sets its own `Cache-Control` and `Vary: Authorization`."""

    def key_if_sent(request: Request, session: SessionDep) -> ApiKey | None:
        authorization = request.headers.get("authorization")
        if authorization is None:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send the API key as `Authorization: Bearer <key>`.")
        key = service.authenticate(session, token.strip())
        if not service.has_scope(key, scope):
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
        return key

    return key_if_sent


WriterKey = Annotated[ApiKey, Depends(require(Scope.content_write))]
PublisherKey = Annotated[ApiKey, Depends(require(Scope.content_publish))]
DraftReaderKey = Annotated[ApiKey, Depends(require(Scope.content_read_drafts))]
AdminKey = Annotated[ApiKey, Depends(require(Scope.admin))]
FullContentKey = Annotated[ApiKey | None, Depends(optional(Scope.partner_full_content))]
