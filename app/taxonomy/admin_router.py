"""Management endpoints for categories, tags and authors (authenticated; under /v1/admin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from app.auth.deps import WriterKey
from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import require_if_match, version_etag
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page
from app.taxonomy import service
from app.taxonomy.models import (
    Author,
    AuthorAdmin,
    AuthorCreate,
    AuthorUpdate,
    Category,
    CategoryAdmin,
    CategoryCreate,
    CategoryUpdate,
    Tag,
    TagAdmin,
    TagCreate,
    TagUpdate,
)

router = APIRouter(prefix="/v1/admin", responses=error_responses(401, 403))

_READ = error_responses(404)
_CREATE = error_responses(409, 422)
_CHANGE = error_responses(404, 409, 412, 422, 428)
_DELETE = error_responses(404, 409, 412, 428)
CategoryId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The category's id.")]
TagId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The tag's id.")]
AuthorId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The author's id.")]


def _versioned(response: Response, row: Category | Tag | Author) -> None:
    assert row.id is not None
    response.headers["ETag"] = version_etag(service.KINDS[type(row)], row.id, row.version)


def _require_current(request: Request, row: Category | Tag | Author) -> None:
    assert row.id is not None
    require_if_match(request, version_etag(service.KINDS[type(row)], row.id, row.version))


def _created(response: Response, path: str, row: Category | Tag | Author) -> None:
    response.headers["Location"] = f"/v1/admin/{path}/{row.id}"
    _versioned(response, row)


# the key comes first in every route, so a request without a live key is a 401 before any lookup


def category_by_id(session: SessionDep, category_id: CategoryId) -> Category:
    return service.get_by_id(session, Category, category_id)


def tag_by_id(session: SessionDep, tag_id: TagId) -> Tag:
    return service.get_by_id(session, Tag, tag_id)


def author_by_id(session: SessionDep, author_id: AuthorId) -> Author:
    return service.get_by_id(session, Author, author_id)


CategoryDep = Annotated[Category, Depends(category_by_id)]
TagDep = Annotated[Tag, Depends(tag_by_id)]
AuthorDep = Annotated[Author, Depends(author_by_id)]


@router.get("/categories", tags=["admin: categories"], summary="List categories by id")
def admin_list_categories(
    request: Request,
    response: Response,
    session: SessionDep,
    _: WriterKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[CategoryAdmin]:
    rows, next_cursor = service.list_by_id(session, Category, cursor, limit)
    return page(request, response, [CategoryAdmin.model_validate(r) for r in rows], limit, next_cursor)


@router.get(
    "/categories/{category_id}", tags=["admin: categories"], summary="Get a category", responses=_READ
)
def admin_get_category(response: Response, _: WriterKey, category: CategoryDep) -> CategoryAdmin:
    _versioned(response, category)
    return CategoryAdmin.model_validate(category)


@router.post(
    "/categories", status_code=201, tags=["admin: categories"], summary="Add a category", responses=_CREATE
)
def admin_create_category(
    response: Response, session: SessionDep, key: WriterKey, data: CategoryCreate
) -> CategoryAdmin:
    category = service.create(session, key, Category, data)
    _created(response, "categories", category)
    return CategoryAdmin.model_validate(category)


@router.patch(
    "/categories/{category_id}",
    tags=["admin: categories"],
    summary="Change some fields of a category",
    responses=_CHANGE,
)
def admin_update_category(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    category: CategoryDep,
    changes: CategoryUpdate,
) -> CategoryAdmin:
    _require_current(request, category)
    category = service.update(session, key, category, changes.model_dump(exclude_unset=True))
    _versioned(response, category)
    return CategoryAdmin.model_validate(category)


@router.put(
    "/categories/{category_id}",
    tags=["admin: categories"],
    summary="Replace a category",
    responses=_CHANGE,
)
def admin_replace_category(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    category: CategoryDep,
    data: CategoryCreate,
) -> CategoryAdmin:
    _require_current(request, category)
    category = service.update(session, key, category, data.model_dump())
    _versioned(response, category)
    return CategoryAdmin.model_validate(category)


@router.delete(
    "/categories/{category_id}",
    status_code=204,
    tags=["admin: categories"],
    summary="Delete a category no article uses",
    responses=_DELETE,
)
def admin_delete_category(
    request: Request, session: SessionDep, key: WriterKey, category: CategoryDep
) -> None:
    _require_current(request, category)
    service.delete(session, key, category)


@router.get("/tags", tags=["admin: tags"], summary="List tags by id")
def admin_list_tags(
    request: Request,
    response: Response,
    session: SessionDep,
    _: WriterKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[TagAdmin]:
    rows, next_cursor = service.list_by_id(session, Tag, cursor, limit)
    return page(request, response, [TagAdmin.model_validate(r) for r in rows], limit, next_cursor)


@router.get("/tags/{tag_id}", tags=["admin: tags"], summary="Get a tag", responses=_READ)
def admin_get_tag(response: Response, _: WriterKey, tag: TagDep) -> TagAdmin:
    _versioned(response, tag)
    return TagAdmin.model_validate(tag)


@router.post("/tags", status_code=201, tags=["admin: tags"], summary="Add a tag", responses=_CREATE)
def admin_create_tag(response: Response, session: SessionDep, key: WriterKey, data: TagCreate) -> TagAdmin:
    tag = service.create(session, key, Tag, data)
    _created(response, "tags", tag)
    return TagAdmin.model_validate(tag)


@router.patch(
    "/tags/{tag_id}", tags=["admin: tags"], summary="Change some fields of a tag", responses=_CHANGE
)
def admin_update_tag(
    request: Request, response: Response, session: SessionDep, key: WriterKey, tag: TagDep, changes: TagUpdate
) -> TagAdmin:
    _require_current(request, tag)
    tag = service.update(session, key, tag, changes.model_dump(exclude_unset=True))
    _versioned(response, tag)
    return TagAdmin.model_validate(tag)


@router.put("/tags/{tag_id}", tags=["admin: tags"], summary="Replace a tag", responses=_CHANGE)
def admin_replace_tag(
    request: Request, response: Response, session: SessionDep, key: WriterKey, tag: TagDep, data: TagCreate
) -> TagAdmin:
    _require_current(request, tag)
    tag = service.update(session, key, tag, data.model_dump())
    _versioned(response, tag)
    return TagAdmin.model_validate(tag)


@router.delete(
    "/tags/{tag_id}",
    status_code=204,
    tags=["admin: tags"],
    summary="Delete a tag no article carries",
    responses=_DELETE,
)
def admin_delete_tag(request: Request, session: SessionDep, key: WriterKey, tag: TagDep) -> None:
    _require_current(request, tag)
    service.delete(session, key, tag)


@router.get("/authors", tags=["admin: authors"], summary="List authors by id")
def admin_list_authors(
    request: Request,
    response: Response,
    session: SessionDep,
    _: WriterKey,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AuthorAdmin]:
    rows, next_cursor = service.list_by_id(session, Author, cursor, limit)
    return page(request, response, [AuthorAdmin.model_validate(r) for r in rows], limit, next_cursor)


@router.get("/authors/{author_id}", tags=["admin: authors"], summary="Get an author", responses=_READ)
def admin_get_author(response: Response, _: WriterKey, author: AuthorDep) -> AuthorAdmin:
    _versioned(response, author)
    return AuthorAdmin.model_validate(author)


@router.post("/authors", status_code=201, tags=["admin: authors"], summary="Add an author", responses=_CREATE)
def admin_create_author(
    response: Response, session: SessionDep, key: WriterKey, data: AuthorCreate
) -> AuthorAdmin:
    author = service.create(session, key, Author, data)
    _created(response, "authors", author)
    return AuthorAdmin.model_validate(author)


@router.patch(
    "/authors/{author_id}",
    tags=["admin: authors"],
    summary="Change some fields of an author",
    responses=_CHANGE,
)
def admin_update_author(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    author: AuthorDep,
    changes: AuthorUpdate,
) -> AuthorAdmin:
    _require_current(request, author)
    author = service.update(session, key, author, changes.model_dump(exclude_unset=True))
    _versioned(response, author)
    return AuthorAdmin.model_validate(author)


@router.put("/authors/{author_id}", tags=["admin: authors"], summary="Replace an author", responses=_CHANGE)
def admin_replace_author(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    author: AuthorDep,
    data: AuthorCreate,
) -> AuthorAdmin:
    _require_current(request, author)
    author = service.update(session, key, author, data.model_dump())
    _versioned(response, author)
    return AuthorAdmin.model_validate(author)


@router.delete(
    "/authors/{author_id}",
    status_code=204,
    tags=["admin: authors"],
    summary="Delete an author no article names",
    responses=_DELETE,
)
def admin_delete_author(request: Request, session: SessionDep, key: WriterKey, author: AuthorDep) -> None:
    _require_current(request, author)
    service.delete(session, key, author)
