"""Management of an article's related-article pins and exclusions (authenticated; under /v1/admin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from app.articles import editorial
from app.articles.models import Article
from app.auth.deps import WriterKey
from app.db import SessionDep
from app.errors import error_responses
from app.http_cache import require_if_match
from app.search import related
from app.search.models import RelatedOverridesAdmin, RelatedOverridesWrite

router = APIRouter(prefix="/v1/admin", tags=["admin: related"], responses=error_responses(401, 403))

ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The article's id.")]


def article_by_id(session: SessionDep, article_id: ArticleId) -> Article:
    return editorial.get_article(session, article_id)


ArticleDep = Annotated[Article, Depends(article_by_id)]


def _answer(response: Response, view: RelatedOverridesAdmin) -> RelatedOverridesAdmin:
    response.headers["ETag"] = related.overrides_etag(view)
    return view


@router.get(
    "/articles/{article_id}/related",
    summary="Get an article's related-article pins and exclusions",
    responses=error_responses(404),
)
def get_related_overrides(
    response: Response, session: SessionDep, _: WriterKey, article: ArticleDep
) -> RelatedOverridesAdmin:
    assert article.id is not None
    return _answer(response, related.overrides(session, article.id))


@router.put(
    "/articles/{article_id}/related",
    summary="Replace an article's related-article pins and exclusions",
    responses=error_responses(404, 412, 422, 428),
)
def replace_related_overrides(
    request: Request,
    response: Response,
    session: SessionDep,
    key: WriterKey,
    article: ArticleDep,
    data: RelatedOverridesWrite,
) -> RelatedOverridesAdmin:
    """Pinned articles lead the related list in the order given, while they are public; excluded ones never
    appear in it. Send `If-Match` with the ETag of the set you read (`*` for whatever is there)."""
    assert article.id is not None
    require_if_match(request, related.overrides_etag(related.overrides(session, article.id)))
    return _answer(response, related.replace_overrides(session, article, data, key))
