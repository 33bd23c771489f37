"""Public read endpoints for articles."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.articles import service
from app.articles.body import ArticleDetail, article_detail
from app.articles.models import INCLUDABLE, SUMMARY_FIELDS, Article, ArticleSummary
from app.articles.service import ArticleSort
from app.db import SessionDep
from app.errors import BadRequest, error_responses
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.params import UtcTime

router = APIRouter(prefix="/v1", tags=["articles"], responses=error_responses(400, 406, 500))


SlugFilter = Annotated[str | None, Query(max_length=120, pattern=r"^[a-z0-9-]+$")]


def article_by_slug(
    session: SessionDep, slug: Annotated[str, Path(max_length=120, description="The article's slug.")]
) -> Article:
    return service.get_public_article(session, slug)


def _names(raw: str | None, allowed: frozenset[str], parameter: str) -> list[str] | None:
    if raw is None:
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise BadRequest(
            f"`{parameter}` does not allow {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}."
        )
    return names


@router.get("/articles", summary="List published articles", response_model_exclude_unset=True)
def list_articles(
    request: Request,
    response: Response,
    session: SessionDep,
    category: Annotated[
        SlugFilter, Query(description="Only articles in the category with this slug.")
    ] = None,
    tag: Annotated[SlugFilter, Query(description="Only articles carrying the tag with this slug.")] = None,
    author: Annotated[SlugFilter, Query(description="Only articles by the author with this slug.")] = None,
    published_after: Annotated[
        UtcTime | None, Query(description="Only articles published strictly after this RFC 3339 time.")
    ] = None,
    published_before: Annotated[
        UtcTime | None, Query(description="Only articles published strictly before this RFC 3339 time.")
    ] = None,
    sort: Annotated[
        ArticleSort, Query(description="`newest` (default) or `oldest` by publish time, or `title` A to Z.")
    ] = ArticleSort.newest,
    fields: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Comma-separated fields to return besides `id`: "
            + ", ".join(sorted(SUMMARY_FIELDS))
            + ".",
        ),
    ] = None,
    include: Annotated[
        str | None,
        Query(max_length=100, description="Comma-separated embeds: " + ", ".join(sorted(INCLUDABLE)) + "."),
    ] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ArticleSummary]:
    wanted = _names(fields, SUMMARY_FIELDS, "fields")
    embeds = _names(include, INCLUDABLE, "include") or []
    articles, next_cursor = service.list_public_articles(
        session,
        category=category,
        tag=tag,
        author=author,
        published_after=published_after,
        published_before=published_before,
        sort=sort,
        cursor=cursor,
        limit=limit,
    )
    items = service.summaries(session, articles, fields=wanted, include=embeds)
    return page(request, response, items, limit, next_cursor)


@router.get("/articles/{slug}", summary="Get a whole article", responses=error_responses(404))
def get_article(session: SessionDep, article: Annotated[Article, Depends(article_by_slug)]) -> ArticleDetail:
    return article_detail(session, article)
