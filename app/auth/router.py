"""Key management and the audit trail over HTTP (admin scope)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from app.auth import service
from app.auth.deps import AdminKey, current_key
from app.auth.models import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, AuditEntryPublic
from app.db import SessionDep
from app.errors import error_responses
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page

router = APIRouter(prefix="/v1/admin", tags=["admin: keys and audit"], responses=error_responses(401, 403))

KeyId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The key's id.")]


@router.get("/me", summary="The API key making this request, with its scopes")
def get_current_key(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKeyPublic:
    return ApiKeyPublic.model_validate(key)


@router.get("/keys", summary="List API keys")
def list_keys(session: SessionDep, _: AdminKey) -> list[ApiKeyPublic]:
    return [ApiKeyPublic.model_validate(k) for k in service.list_keys(session)]


@router.post(
    "/keys",
    status_code=201,
    summary="Make an API key (its secret is shown once)",
    responses=error_responses(422),
)
def create_key(session: SessionDep, admin: AdminKey, data: ApiKeyCreate) -> ApiKeyCreated:
    key, plaintext = service.create_key(session, data)
    service.record(session, admin, "key.create", "key", key.id, {"name": key.name, "scopes": key.scopes})
    session.commit()
    return ApiKeyCreated.model_validate(key, update={"key": plaintext})


@router.post("/keys/{key_id}/revoke", summary="Revoke an API key", responses=error_responses(404))
def revoke_key(session: SessionDep, admin: AdminKey, key_id: KeyId) -> ApiKeyPublic:
    key = service.revoke_key(session, service.get_key(session, key_id))
    service.record(session, admin, "key.revoke", "key", key.id)
    session.commit()
    return ApiKeyPublic.model_validate(key)


@router.get("/audit", summary="The audit trail of writes, newest first")
def list_audit(
    request: Request,
    response: Response,
    session: SessionDep,
    _: AdminKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AuditEntryPublic]:
    entries, next_cursor = service.list_audit(session, cursor, limit)
    return page(request, response, [AuditEntryPublic.model_validate(e) for e in entries], limit, next_cursor)
