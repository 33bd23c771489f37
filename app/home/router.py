"""The home page in one call."""

from typing import Annotated

from fastapi import Query

from app.db import SessionDep
from app.errors import error_responses
from app.home import service
from app.home.models import HomePage
from app.http_cache import ARTICLES_LIST, CATEGORIES_LIST, HOME, CacheKind, PublicRouter, cache_as

router = PublicRouter(prefix="/v1", tags=["home"], responses=error_responses(400, 406, 500))


@router.get(
    "/home",
    summary="Get the home page: every category section with its latest articles",
)
@cache_as(CacheKind.section, HOME, ARTICLES_LIST, CATEGORIES_LIST)
def get_home(
    session: SessionDep,
    per_section: Annotated[int, Query(ge=1, le=20, description="Articles per section, 1 to 20.")] = 5,
) -> HomePage:
    return service.home_page(session, per_section)
