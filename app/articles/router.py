"""Public read endpoints for articles."""

from typing import Annotated

from fastapi import Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.articles import preview, service
from app.articles.body import ArticleDetail, ArticlePreview, article_detail, revision_preview
from app.articles.models import INCLUDABLE, SUMMARY_FIELDS, ArticleSummary
from app.articles.preview import PREVIEW_TOKEN_MAX_LENGTH
from app.articles.service import ArticleSort
from app.db import SessionDep
from app.errors import BadRequest, NotFound, error_responses
from app.http_cache import (
    ARTICLES_LIST,
    NO_STORE,
    CacheKind,
    PublicRouter,
    add_surrogate_keys,
    bounded_read,
    cache_as,
    entity_keys,
)
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.params import UtcTime

router = PublicRouter(prefix="/v1", responses=error_responses(400, 406, 500))
# documented, not enforced here: a token of any other form is a 403 like every invalid token
SIGNED_PREVIEW_FORM = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"


SlugFilter = Annotated[str | None, Query(max_length=120, pattern=r"^[a-z0-9-]+$")]


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


@router.get(
    "/articles",
    tags=["articles"],
    summary="List published articles",
    response_model_exclude_unset=True,
)
@cache_as(CacheKind.list, ARTICLES_LIST)
# a page over the (category,) published_at, id index; a tag or author filter may look through many
# articles for a page of rare matches, so those pages keep a worker thread
@bounded_read(when=lambda arguments: arguments["tag"] is None and arguments["author"] is None)
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


@router.get(
    "/articles/{slug}",
    tags=["articles"],
    summary="Get a whole article",
    response_model=ArticleDetail,
    responses={
        301: {
            "description": "An old slug of the article: `Location` names its current address.",
            "headers": {
                "Location": {"description": "/v1/articles/{current slug}", "schema": {"type": "string"}}
            },
        },
        **error_responses(404),
    },
)
@cache_as(CacheKind.article)
@bounded_read()
def get_article(
    request: Request,
    session: SessionDep,
    slug: Annotated[str, Path(max_length=120, description="The article's slug (a former slug redirects).")],
) -> ArticleDetail | RedirectResponse:
    article = service.find_public_article(session, slug)
    if article is not None:
        return article_detail(session, article, request.app.state.settings)
    current = service.public_redirect_target(session, slug)
    if current is None:
        raise NotFound(f"No published article has the slug {slug!r}.")
    add_surrogate_keys(*entity_keys(current))
    policy = request.app.state.settings.cache_policies[CacheKind.article]
    return RedirectResponse(
        f"/v1/articles/{current.slug}", status_code=301, headers={"Cache-Control": policy.header()}
    )


@router.get(
    "/preview/{token}",
    tags=["preview"],
    summary="Preview an article revision with a preview token (no key needed)",
    responses=error_responses(403, 404),
)
def preview_article(
    request: Request,
    response: Response,
    session: SessionDep,
    token: Annotated[
        str,
        Path(
            description="A token from `POST /v1/admin/articles/{id}/preview-token`; anything else is a 403.",
            json_schema_extra={"pattern": SIGNED_PREVIEW_FORM, "maxLength": PREVIEW_TOKEN_MAX_LENGTH},
        ),
    ],
) -> ArticlePreview:
    """The revision the token was made for, draft or not; an expired, revoked or altered token is a 403."""
    response.headers["Cache-Control"] = NO_STORE
    article, revision = preview.previewed_revision(session, token)
    return revision_preview(session, article, revision, request.app.state.settings)
