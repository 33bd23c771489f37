"""The partner delta feed: GET /v1/sync (any API key; whole articles with `partner:full-content`)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.auth import service as auth_service
from app.auth.deps import current_key
from app.auth.models import ApiKey, Scope
from app.db import SessionDep
from app.errors import error_responses
from app.pagination import DEFAULT_LIMIT, Limit
from app.syndication import sync
from app.syndication.models import SyncPage

router = APIRouter(prefix="/v1", tags=["sync"], responses=error_responses(400, 401, 406, 500))

SyncCursor = Annotated[
    str | None,
    Query(
        max_length=1024,
        description="`meta.next_cursor` of the previous page. Left out: start with a snapshot of every "
        "public article, then continue with the changes made since.",
    ),
]
SlugFilter = Annotated[str | None, Query(max_length=120, pattern=r"^[a-z0-9-]+$")]


@router.get(
    "/sync",
    summary="The delta feed of public articles for partners (snapshot, then changes with tombstones)",
)
def sync_feed(
    request: Request,
    response: Response,
    session: SessionDep,
    key: Annotated[ApiKey, Depends(current_key)],
    cursor: SyncCursor = None,
    limit: Limit = DEFAULT_LIMIT,
    category: Annotated[
        SlugFilter,
        Query(
            description="Only articles in this category (by slug); changes of articles that were in it, "
            "moving out included, are delivered too."
        ),
    ] = None,
    tag: Annotated[
        SlugFilter,
        Query(description="Only articles with this tag (by slug), in the same way as `category`."),
    ] = None,
) -> SyncPage:
    """Entries in log order: `created` (now public), `updated`, `unpublished`, `deleted` (a tombstone).

    Without a cursor the feed starts with a snapshot of the public set (kind `created`, ordered by id),
    then continues with every change logged after the snapshot began. `article` is the article as it is
    now when it is public and matches the filters, else null (a later entry says why): apply entries in
    order, upserting non-null articles and removing the others. `meta.next_cursor` is always given; store
    it and poll with it. Cursors are signed and bound to the filters: any other is a 400."""
    full = auth_service.has_scope(key, Scope.partner_full_content)
    result = sync.sync_page(session, cursor=cursor, limit=limit, category=category, tag=tag, full=full)
    if result.meta.has_more:
        response.headers["Link"] = (
            f'<{request.url.include_query_params(cursor=result.meta.next_cursor)}>; rel="next"'
        )
    return result
