"""Public read endpoints for timelines and timeline events."""

from typing import Annotated

from fastapi import Path, Query, Request, Response

from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import TIMELINES_LIST, CacheKind, PublicRouter, cache_as
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.params import IsoDate
from app.timelines import service
from app.timelines.models import TimelineEventPublic, TimelinePublic, TimelineSummary

router = PublicRouter(prefix="/v1", responses=error_responses(400, 406, 500))

RANGE_SEMANTICS = (
    "An event matches a date range when any of its dates overlaps the range **at the precision it was "
    'written with**: a month-precision event ("October 2024") covers the whole month, so it is inside '
    "`from=2024-10-15&to=2024-10-20`; a year-precision event covers the whole year. `from` and `to` are "
    "inclusive calendar dates. Events come in chronological order of the first day they cover."
)


@router.get(
    "/timelines",
    tags=["timelines"],
    summary="List timelines of published articles",
)
@cache_as(CacheKind.list, TIMELINES_LIST)
def list_timelines(
    request: Request,
    response: Response,
    session: SessionDep,
    article: Annotated[
        str | None, Query(max_length=120, description="Only timelines of the article with this slug.")
    ] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[TimelineSummary]:
    items, next_cursor = service.list_public_timelines(session, article=article, cursor=cursor, limit=limit)
    return page(request, response, items, limit, next_cursor)


@router.get(
    "/timelines/{slug}",
    tags=["timelines"],
    summary="Get a timeline with its events",
    responses=error_responses(404),
)
@cache_as(CacheKind.article)
def get_timeline(
    session: SessionDep, slug: Annotated[str, Path(max_length=120, description="The timeline's slug.")]
) -> TimelinePublic:
    return service.get_public_timeline(session, slug)


@router.get(
    "/timeline-events",
    tags=["timelines"],
    summary="List timeline events across all timelines, in chronological order",
    description=RANGE_SEMANTICS,
)
@cache_as(CacheKind.list, TIMELINES_LIST)
def list_timeline_events(
    request: Request,
    response: Response,
    session: SessionDep,
    date_from: Annotated[
        IsoDate | None,
        Query(alias="from", description="Inclusive start date (YYYY-MM-DD). " + RANGE_SEMANTICS),
    ] = None,
    date_to: Annotated[
        IsoDate | None, Query(alias="to", description="Inclusive end date (YYYY-MM-DD).")
    ] = None,
    timeline: Annotated[
        str | None, Query(max_length=120, description="Only events of this timeline (slug).")
    ] = None,
    article: Annotated[
        str | None,
        Query(max_length=120, description="Only events of this article's timelines or linking to it (slug)."),
    ] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[TimelineEventPublic]:
    items, next_cursor = service.list_public_events(
        session,
        date_from=date_from,
        date_to=date_to,
        timeline=timeline,
        article=article,
        cursor=cursor,
        limit=limit,
    )
    return page(request, response, items, limit, next_cursor)
