"""Public read endpoints for theme tables, as JSON or RFC 4180 CSV."""

from typing import Annotated, Any

from fastapi import Path, Query, Request, Response

from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import TABLES_LIST, CacheKind, PublicRouter, add_surrogate_keys, cache_as, entity_keys
from app.negotiation import best_match
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.tables import service
from app.tables.models import ContentTablePublic

router = PublicRouter(prefix="/v1", tags=["tables"], responses=error_responses(400, 406, 500))

TableId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The table's id.")]
CSV = "text/csv"
_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {"schema": {"type": "string"}}}, "description": "The table."}
}


def _csv(table: ContentTablePublic) -> Response:
    add_surrogate_keys(*entity_keys(table))
    return Response(
        service.to_csv(table),
        media_type=f"{CSV}; charset=utf-8; header=present",
        headers={"Content-Disposition": f'inline; filename="table-{table.id}.csv"'},
    )


@router.get(
    "/tables",
    summary="List theme tables across all published articles",
)
@cache_as(CacheKind.list, TABLES_LIST)
def list_tables(
    request: Request,
    response: Response,
    session: SessionDep,
    article: Annotated[
        str | None, Query(max_length=120, description="Only tables of the article with this slug.")
    ] = None,
    category: Annotated[
        str | None, Query(max_length=80, description="Only tables of articles in this category (slug).")
    ] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ContentTablePublic]:
    items, next_cursor = service.list_public_tables(
        session, article=article, category=category, cursor=cursor, limit=limit
    )
    return page(request, response, items, limit, next_cursor)


@router.get(
    "/tables/{table_id}.csv",
    summary="Get a theme table as CSV",
    response_class=Response,
    responses={**_CSV_RESPONSE, **error_responses(404)},
)
@cache_as(CacheKind.article)
def get_table_csv(session: SessionDep, table_id: TableId) -> Response:
    return _csv(service.get_public_table(session, table_id))


@router.get(
    "/tables/{table_id}",
    summary="Get a theme table (JSON, or CSV with `Accept: text/csv`)",
    response_model=ContentTablePublic,
    responses={**_CSV_RESPONSE, **error_responses(404)},
)
@cache_as(CacheKind.article)
def get_table(request: Request, session: SessionDep, table_id: TableId) -> ContentTablePublic | Response:
    table = service.get_public_table(session, table_id)
    # the request guard has already answered 406 when neither type is acceptable
    return (
        _csv(table) if best_match(request.headers.get("accept"), ["application/json", CSV]) == CSV else table
    )
