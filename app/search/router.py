"""Public search and related-article endpoints."""

from typing import Annotated

from fastapi import Path, Query, Request, Response

from app.articles import service as articles_service
from app.db import SessionDep
from app.errors import NotFound, error_responses
from app.http_cache import (
    ARTICLES_LIST,
    TABLES_LIST,
    TIMELINES_LIST,
    CacheKind,
    PublicRouter,
    add_surrogate_keys,
    cache_as,
    entity_key,
)
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorParam, Limit, Page, page
from app.params import UtcTime
from app.search import related, service
from app.search.models import RelatedArticle, SearchHit, SearchType
from app.search.query import MAX_PARTS, parse

router = PublicRouter(prefix="/v1", responses=error_responses(400, 406, 500))
RELATED_DEFAULT = 6
QUERY_SYNTAX = (
    "Words to find, all of them (case, accents and word endings do not matter). "
    '`"several words"` finds them as a phrase; `word*` finds words starting with `word` (two letters or '
    f"more). Other punctuation only separates words. At most {MAX_PARTS} words and phrases."
)


@router.get(
    "/search",
    tags=["search"],
    summary="Search articles, theme tables and timeline events",
)
@cache_as(CacheKind.search, "search", ARTICLES_LIST, TABLES_LIST, TIMELINES_LIST)
def search(
    request: Request,
    response: Response,
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description=QUERY_SYNTAX)],
    # a plain default, not a default factory: pydantic inspects a factory's signature on every call
    types: Annotated[
        list[SearchType],
        Query(
            alias="type",
            description="Only these kinds of match; repeat the parameter for several (all when left out).",
        ),
    ] = [],  # noqa: B006  # FastAPI hands each request a copy
    category: Annotated[
        str | None,
        Query(max_length=80, pattern=r"^[a-z0-9-]+$", description="Only matches in this category (slug)."),
    ] = None,
    published_after: Annotated[
        UtcTime | None,
        Query(description="Only matches whose article was published strictly after this time."),
    ] = None,
    published_before: Annotated[
        UtcTime | None,
        Query(description="Only matches whose article was published strictly before this time."),
    ] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[SearchHit]:
    """Matches best first: a match in a title counts more than one in a standfirst or caption, which counts
    more than one in the body. Each comes with an HTML snippet, its matched words in `<mark>`."""
    hits, next_cursor = service.search(
        session,
        parse(q),
        types=set(types),
        category=category,
        published_after=published_after,
        published_before=published_before,
        cursor=cursor,
        limit=limit,
    )
    add_surrogate_keys(*(entity_key("table", hit.id) for hit in hits if hit.type is SearchType.table))
    return page(request, response, hits, limit, next_cursor)


@router.get(
    "/articles/{slug}/related",
    tags=["articles"],
    summary="Articles related to an article",
    response_model_exclude_unset=True,
    responses=error_responses(404),
)
@cache_as(CacheKind.trending, ARTICLES_LIST)
def related_articles(
    request: Request,
    response: Response,
    session: SessionDep,
    slug: Annotated[str, Path(max_length=120, description="The article's slug.")],
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"How many, 1 to {MAX_LIMIT}.")
    ] = RELATED_DEFAULT,
) -> Page[RelatedArticle]:
    """Editors' pins first, then the best of: `score` = 0.45 × the share of the article's tags it carries
    + 0.10 × same category + 0.35 × text similarity + 0.10 × closeness in time (half at 30 days apart).
    `reasons` gives each part. Articles an editor excluded never appear."""
    subject = articles_service.public_article_columns(session, slug)
    if subject is None:
        raise NotFound(f"No published article has the slug {slug!r}.")
    add_surrogate_keys(entity_key("article", subject.id))
    return page(request, response, related.related_articles(session, subject, limit), limit, None)
