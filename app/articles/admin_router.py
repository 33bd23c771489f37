"""Management endpoints for articles (authenticated; under /v1/admin)."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from app.articles import editorial, preview
from app.articles.models import (
    Article,
    ArticleAdmin,
    ArticleCreate,
    ArticleStatus,
    ArticleUpdate,
    CorrectionAdmin,
    CorrectionCreate,
    PreviewTokenAdmin,
    PreviewTokenIssued,
    PreviewTokenRequest,
    PublishRequest,
    RevisionDetail,
    RevisionSummary,
)
from app.auth import service as auth_service
from app.auth.deps import PublisherKey, WriterKey, current_key
from app.auth.models import ApiKey, Scope
from app.db import SessionDep
from app.errors import Forbidden, error_responses
from app.http_cache import require_if_match, version_etag
from app.pagination import DEFAULT_LIMIT, CursorParam, Limit, Page, page

router = APIRouter(prefix="/v1/admin", tags=["admin: articles"], responses=error_responses(401, 403))

ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The article's id.")]
RevisionNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="The revision's number (1, 2, ...).")]
WRITE_ERRORS = error_responses(404, 409, 412, 422, 428)


def article_by_id(session: SessionDep, article_id: ArticleId) -> Article:
    return editorial.get_article(session, article_id)


ArticleDep = Annotated[Article, Depends(article_by_id)]


def writer_or_draft_reader(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKey:
    """Unpublished articles and their previews are for those who write them or may read drafts."""
    if not (
        auth_service.has_scope(key, Scope.content_write)
        or auth_service.has_scope(key, Scope.content_read_drafts)
    ):
        raise Forbidden(
            f"This API key lacks the `{Scope.content_write}` or `{Scope.content_read_drafts}` scope."
        )
    return key


DraftsKey = Annotated[ApiKey, Depends(writer_or_draft_reader)]


def _etag(article_id: int, version: int) -> str:
    return version_etag("article", article_id, version)


def _require_current(request: Request, article: Article) -> None:
    assert article.id is not None
    require_if_match(request, _etag(article.id, article.version))


def _answer(response: Response, view: ArticleAdmin) -> ArticleAdmin:
    response.headers["ETag"] = _etag(view.id, view.version)
    return view


@router.get("/articles", summary="List articles of any status, most recently updated first")
def list_admin_articles(
    request: Request,
    response: Response,
    session: SessionDep,
    _: DraftsKey,
    status: Annotated[ArticleStatus | None, Query(description="Only articles with this status.")] = None,
    category: Annotated[
        str | None,
        Query(
            max_length=80,
            pattern=r"^[a-z0-9-]+$",
            description="Only articles in the category with this slug.",
        ),
    ] = None,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ArticleAdmin]:
    articles, next_cursor = editorial.list_articles(
        session, status=status, category=category, cursor=cursor, limit=limit
    )
    return page(request, response, editorial.admin_views(session, articles), limit, next_cursor)


@router.post(
    "/articles", status_code=201, summary="Create a draft article", responses=error_responses(409, 422)
)
def create_article(
    response: Response, session: SessionDep, key: WriterKey, data: ArticleCreate
) -> ArticleAdmin:
    view = editorial.create_article(session, data, key)
    response.headers["Location"] = f"/v1/admin/articles/{view.id}"
    return _answer(response, view)


@router.get("/articles/{article_id}", summary="Get an article, any status", responses=error_responses(404))
def get_admin_article(
    response: Response, session: SessionDep, _: DraftsKey, article: ArticleDep
) -> ArticleAdmin:
    return _answer(response, editorial.admin_view(session, article))


@router.patch("/articles/{article_id}", summary="Change some fields of an article", responses=WRITE_ERRORS)
def update_article(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    article: ArticleDep,
    data: ArticleUpdate,
) -> ArticleAdmin:
    _require_current(request, article)
    return _answer(response, editorial.update_article(session, article, data, key))


@router.put("/articles/{article_id}", summary="Replace an article's content and body", responses=WRITE_ERRORS)
def replace_article(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    article: ArticleDep,
    data: ArticleCreate,
) -> ArticleAdmin:
    _require_current(request, article)
    return _answer(response, editorial.replace_article(session, article, data, key))


@router.delete(
    "/articles/{article_id}",
    status_code=204,
    summary="Delete an article with its tables and timelines (a tombstone remains)",
    responses=error_responses(404, 412, 428),
)
def delete_article(request: Request, session: SessionDep, key: WriterKey, article: ArticleDep) -> Response:
    _require_current(request, article)
    editorial.delete_article(session, article, key)
    return Response(status_code=204)


@router.post(
    "/articles/{article_id}/publish",
    summary="Publish an article now or at a time (a future time schedules it)",
    responses=error_responses(404, 409, 412, 422, 428),
)
def publish_article(
    request: Request,
    response: Response,
    session: SessionDep,
    key: PublisherKey,
    article: ArticleDep,
    data: Annotated[PublishRequest | None, Body()] = None,
) -> ArticleAdmin:
    _require_current(request, article)
    published_at = data.published_at if data is not None else None
    return _answer(response, editorial.publish_article(session, article, published_at, key))


@router.post(
    "/articles/{article_id}/unpublish",
    summary="Take an article back to a draft",
    responses=error_responses(404, 409, 412, 428),
)
def unpublish_article(
    request: Request, response: Response, session: SessionDep, key: PublisherKey, article: ArticleDep
) -> ArticleAdmin:
    _require_current(request, article)
    return _answer(response, editorial.unpublish_article(session, article, key))


@router.post(
    "/articles/{article_id}/archive",
    summary="Archive a published article",
    responses=error_responses(404, 409, 412, 428),
)
def archive_article(
    request: Request, response: Response, session: SessionDep, key: PublisherKey, article: ArticleDep
) -> ArticleAdmin:
    _require_current(request, article)
    return _answer(response, editorial.archive_article(session, article, key))


@router.get(
    "/articles/{article_id}/revisions",
    summary="List an article's revisions, newest first",
    responses=error_responses(404),
)
def list_revisions(
    request: Request,
    response: Response,
    session: SessionDep,
    _: DraftsKey,
    article: ArticleDep,
    cursor: CursorParam = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[RevisionSummary]:
    assert article.id is not None
    revisions, next_cursor = editorial.list_revisions(session, article.id, cursor, limit)
    items = [RevisionSummary.model_validate(r, from_attributes=True) for r in revisions]
    return page(request, response, items, limit, next_cursor)


@router.get(
    "/articles/{article_id}/revisions/{number}",
    summary="Get one revision of an article, with its snapshot",
    responses=error_responses(404),
)
def get_revision(
    session: SessionDep, _: DraftsKey, article: ArticleDep, number: RevisionNumber
) -> RevisionDetail:
    assert article.id is not None
    return RevisionDetail.model_validate(
        editorial.get_revision(session, article.id, number), from_attributes=True
    )


@router.post(
    "/articles/{article_id}/revisions/{number}/restore",
    summary="Restore a revision's content and body (a new revision; the status stays)",
    responses=WRITE_ERRORS,
)
def restore_revision(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    article: ArticleDep,
    number: RevisionNumber,
) -> ArticleAdmin:
    _require_current(request, article)
    return _answer(response, editorial.restore_revision(session, article, number, key))


@router.post(
    "/articles/{article_id}/corrections",
    status_code=201,
    summary="Attach a public correction note to an article",
    responses=error_responses(404, 422),
)
def add_correction(
    session: SessionDep, key: WriterKey, article: ArticleDep, data: CorrectionCreate
) -> CorrectionAdmin:
    correction = editorial.add_correction(session, article, data.note, key)
    assert correction.id is not None
    return CorrectionAdmin(
        id=correction.id, article_id=correction.article_id, at=correction.created_at, note=correction.note
    )


@router.post(
    "/articles/{article_id}/preview-token",
    status_code=201,
    summary="Make a signed preview link to the article's latest revision",
    responses=error_responses(404, 422),
)
def create_preview_token(
    session: SessionDep,
    key: DraftsKey,
    article: ArticleDep,
    data: Annotated[PreviewTokenRequest | None, Body()] = None,
) -> PreviewTokenIssued:
    expires_in = (data or PreviewTokenRequest()).expires_in
    token, row, revision = preview.issue_preview_token(session, article, expires_in, key)
    return PreviewTokenIssued(
        token=token,
        url=f"/v1/preview/{token}",
        expires_at=row.expires_at,
        jti=row.id,
        revision=revision.number,
    )


@router.post("/preview-tokens/{jti}/revoke", summary="Revoke a preview token", responses=error_responses(404))
def revoke_preview_token(
    session: SessionDep,
    key: DraftsKey,
    jti: Annotated[str, Path(max_length=32, pattern=r"^[0-9a-f]+$", description="The token's id (`jti`).")],
) -> PreviewTokenAdmin:
    row = preview.revoke_preview_token(session, jti, key)
    return PreviewTokenAdmin(
        jti=row.id,
        article_id=row.article_id,
        revision_id=row.revision_id,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
