"""Management endpoints for theme tables (authenticated; under /v1/admin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.auth.deps import WriterKey
from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import require_if_match, version_etag
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.tables import service
from app.tables.models import ContentTable, ContentTableAdmin, ContentTableCreate, ContentTableUpdate

router = APIRouter(prefix="/v1/admin", tags=["admin: tables"], responses=error_responses(401, 403))

KIND = "table"
ArticleId = Annotated[
    int, Path(ge=1, le=2**31 - 1, description="The id of the article the table belongs to.")
]
TableId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The table's id.")]


def table_by_id(session: SessionDep, table_id: TableId) -> ContentTable:
    return service.get_table(session, table_id)


# the key comes before the table in every route, so a request without a live key is a 401 before any lookup
TableDep = Annotated[ContentTable, Depends(table_by_id)]


def _admin(response: Response, table: ContentTable) -> ContentTableAdmin:
    assert table.id is not None
    response.headers["ETag"] = version_etag(KIND, table.id, table.version)
    return ContentTableAdmin.model_validate(table)


def _require_current(request: Request, table: ContentTable) -> None:
    assert table.id is not None
    require_if_match(request, version_etag(KIND, table.id, table.version))


@router.post(
    "/articles/{article_id}/tables",
    status_code=201,
    summary="Add a theme table to an article (of any status)",
    responses=error_responses(404, 422),
)
def admin_create_table(
    response: Response, session: SessionDep, key: WriterKey, article_id: ArticleId, data: ContentTableCreate
) -> ContentTableAdmin:
    table = service.create_table(session, key, article_id, data)
    response.headers["Location"] = f"/v1/admin/tables/{table.id}"
    return _admin(response, table)


@router.get("/tables", summary="List theme tables of articles of any status, by id")
def admin_list_tables(
    request: Request,
    response: Response,
    session: SessionDep,
    _: WriterKey,
    article_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Only the tables of the article with this id.")
    ] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ContentTableAdmin]:
    rows, next_cursor = service.list_tables(session, article_id=article_id, cursor=cursor, limit=limit)
    return page(request, response, [ContentTableAdmin.model_validate(r) for r in rows], limit, next_cursor)


@router.get("/tables/{table_id}", summary="Get a theme table", responses=error_responses(404))
def admin_get_table(response: Response, _: WriterKey, table: TableDep) -> ContentTableAdmin:
    return _admin(response, table)


@router.patch(
    "/tables/{table_id}",
    summary="Change some fields of a theme table",
    responses=error_responses(404, 412, 422, 428),
)
def admin_update_table(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    table: TableDep,
    changes: ContentTableUpdate,
) -> ContentTableAdmin:
    _require_current(request, table)
    return _admin(response, service.update_table(session, key, table, changes.model_dump(exclude_unset=True)))


@router.put(
    "/tables/{table_id}", summary="Replace a theme table", responses=error_responses(404, 412, 422, 428)
)
def admin_replace_table(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    table: TableDep,
    data: ContentTableCreate,
) -> ContentTableAdmin:
    _require_current(request, table)
    return _admin(response, service.update_table(session, key, table, data.model_dump()))


@router.delete(
    "/tables/{table_id}",
    status_code=204,
    summary="Delete a theme table no article block shows",
    responses=error_responses(404, 409, 412, 428),
)
def admin_delete_table(request: Request, session: SessionDep, key: WriterKey, table: TableDep) -> None:
    _require_current(request, table)
    service.delete_table(session, key, table)
