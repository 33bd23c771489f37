"""Public read endpoints for categories, tags and authors."""

from typing import Annotated

from fastapi import Depends, Path, Request, Response

from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import AUTHORS_LIST, CATEGORIES_LIST, TAGS_LIST, CacheKind, PublicRouter, cache_as
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.taxonomy import service
from app.taxonomy.models import Author, AuthorPublic, Category, CategoryPublic, Tag, TagPublic

router = PublicRouter(prefix="/v1", responses=error_responses(400, 406, 500))

SlugPath = Annotated[str, Path(max_length=120, description="The slug.")]


def category_by_slug(session: SessionDep, slug: SlugPath) -> Category:
    return service.get_category(session, slug)


def tag_by_slug(session: SessionDep, slug: SlugPath) -> Tag:
    return service.get_tag(session, slug)


def author_by_slug(session: SessionDep, slug: SlugPath) -> Author:
    return service.get_author(session, slug)


@router.get(
    "/categories",
    tags=["categories"],
    summary="List categories in home-page order",
)
@cache_as(CacheKind.taxonomy, CATEGORIES_LIST)
def list_categories(
    request: Request,
    response: Response,
    session: SessionDep,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[CategoryPublic]:
    rows, next_cursor = service.list_categories(session, cursor, limit)
    return page(request, response, [CategoryPublic.model_validate(r) for r in rows], limit, next_cursor)


@router.get(
    "/categories/{slug}",
    tags=["categories"],
    summary="Get a category",
    responses=error_responses(404),
)
@cache_as(CacheKind.taxonomy)
def get_category(category: Annotated[Category, Depends(category_by_slug)]) -> CategoryPublic:
    return CategoryPublic.model_validate(category)


@router.get(
    "/tags",
    tags=["tags"],
    summary="List tags by slug",
)
@cache_as(CacheKind.taxonomy, TAGS_LIST)
def list_tags(
    request: Request,
    response: Response,
    session: SessionDep,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[TagPublic]:
    rows, next_cursor = service.list_tags(session, cursor, limit)
    return page(request, response, [TagPublic.model_validate(r) for r in rows], limit, next_cursor)


@router.get(
    "/tags/{slug}",
    tags=["tags"],
    summary="Get a tag",
    responses=error_responses(404),
)
@cache_as(CacheKind.taxonomy)
def get_tag(tag: Annotated[Tag, Depends(tag_by_slug)]) -> TagPublic:
    return TagPublic.model_validate(tag)


@router.get(
    "/authors",
    tags=["authors"],
    summary="List authors by slug",
)
@cache_as(CacheKind.taxonomy, AUTHORS_LIST)
def list_authors(
    request: Request,
    response: Response,
    session: SessionDep,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AuthorPublic]:
    rows, next_cursor = service.list_authors(session, cursor, limit)
    return page(request, response, [AuthorPublic.model_validate(r) for r in rows], limit, next_cursor)


@router.get(
    "/authors/{slug}",
    tags=["authors"],
    summary="Get an author",
    responses=error_responses(404),
)
@cache_as(CacheKind.taxonomy)
def get_author(author: Annotated[Author, Depends(author_by_slug)]) -> AuthorPublic:
    return AuthorPublic.model_validate(author)
