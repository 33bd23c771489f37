"""Public endpoints: view events in, trending articles and curated lists out."""

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import ARTICLES_LIST, TRENDING, CacheKind, PublicRouter, cache_as
from app.pagination import DEFAULT_LIMIT, Limit
from app.trending import events, service
from app.trending.models import (
    HALF_LIFE_DEFAULT,
    HALF_LIFE_MAX,
    HALF_LIFE_MIN,
    MAX_BATCH,
    WINDOW_DEFAULT,
    WINDOW_MAX,
    CuratedList,
    CuratedListPage,
    TrendingPage,
    ViewEvents,
    ViewReceipt,
)

router = PublicRouter(prefix="/v1", responses=error_responses(400, 406, 500))

RANKING = (
    "Items are ranked by `score`: the views of the last `window_hours` clock hours (the current one "
    "included), each weighted by 0.5^(age / `half_life_hours`), the age in whole hours since the current "
    "hour, so a view loses half its weight every half-life. `views` is the "
    "unweighted count in the window; `velocity` is the views of the last complete hour minus those of the "
    "hour before (positive: gaining readers). Pinned articles (`pinned: true`) hold their positions; "
    "blocked articles never appear among the computed ones. Only published articles are shown."
)


VIEWS = (
    f'Send one event, or `{{"events": [...]}}` with 1 to {MAX_BATCH} of them. Views are counted per article '
    "and hour; an event whose `session` was already counted for that article in that hour is a duplicate, "
    "and views from known crawlers (by the event's `user_agent`, else the request's `User-Agent`) are not "
    "counted.\n\nAll or nothing: an invalid event (an unknown or unpublished article, a time in the future "
    "or more than 24 hours ago) is a 422 whose `errors` name it by index; nothing of the batch is counted."
)


@router.post(
    "/events/views",
    status_code=202,
    tags=["events"],
    summary="Count page views (one event or a batch)",
    description=VIEWS,
    responses=error_responses(422),
)
def record_views(request: Request, session: SessionDep, body: ViewEvents) -> ViewReceipt:
    return events.record_views(session, body, request.headers.get("user-agent"))


@router.get(
    "/trending",
    tags=["trending"],
    summary="Get the trending articles, site-wide or of one category",
    description=RANKING,
    response_model_exclude_unset=True,
    responses=error_responses(404),
)
@cache_as(CacheKind.trending, TRENDING, ARTICLES_LIST)
def get_trending(
    session: SessionDep,
    category: Annotated[
        str | None,
        Query(max_length=120, pattern=r"^[a-z0-9-]+$", description="Only articles in this category (slug)."),
    ] = None,
    half_life_hours: Annotated[
        float,
        Query(
            ge=HALF_LIFE_MIN,
            le=HALF_LIFE_MAX,
            description=f"Hours in which a view loses half its weight, {HALF_LIFE_MIN} to {HALF_LIFE_MAX}.",
        ),
    ] = HALF_LIFE_DEFAULT,
    window_hours: Annotated[
        int, Query(ge=1, le=WINDOW_MAX, description=f"Hours of views counted, 1 to {WINDOW_MAX}.")
    ] = WINDOW_DEFAULT,
    limit: Limit = DEFAULT_LIMIT,
) -> TrendingPage:
    return service.trending(
        session, category=category, half_life_hours=half_life_hours, window_hours=window_hours, limit=limit
    )


def list_by_slug(
    session: SessionDep,
    slug: Annotated[str, Path(max_length=80, description="The list's slug, e.g. `top-trending`.")],
) -> CuratedList:
    return service.get_list(session, slug)


@router.get(
    "/lists/{slug}",
    tags=["trending"],
    summary="Get a curated list (`top-trending`, `editors-picks`, ...)",
    description="A `manual` list shows its entries in order. A `trending` list places its entries at their "
    "positions and fills the rest with the trending articles of its category (or the whole site), "
    "with its own half-life and window. " + RANKING,
    response_model_exclude_unset=True,
    responses=error_responses(404),
)
@cache_as(CacheKind.trending, TRENDING, ARTICLES_LIST)
def get_list(
    session: SessionDep,
    found: Annotated[CuratedList, Depends(list_by_slug)],
    limit: Limit = DEFAULT_LIMIT,
) -> CuratedListPage:
    return service.curated_list(session, found, limit=limit)
