"""Our app with the article routes' own work taken out: the floor under an uncached read (issue 7).

    BROADSHEET_DATABASE_URL=sqlite:///bench/data/bench-10000.db uvicorn bench.floor_app:app

Everything a request goes through is ours and runs as deployed (Uvicorn, the middleware, the response cache's
miss path, request guards, parameter validation, the session dependency, response validation,
serialization, `ETag`, compression), except what the list and detail routes do with the database: at
start-up this module reads one real page of the newest articles and one real article, and from then on
those two routes answer every request with them (a detail keeps the slug it was asked for, so each answer
is still distinct). What `bench.cold --floor` measures on it is the cost no route code can remove: a route
that read and built its answer in no time at all would still cost this much per request.

A benchmark fixture only: it patches the route module's names in this process, and is never imported by
the app."""

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from app.articles import router as articles_router
from app.articles import service
from app.articles.body import ArticleDetail, article_detail
from app.config import get_settings
from app.main import create_app

app = create_app()
settings = get_settings()

with Session(app.state.engine) as session:
    _page, _next = service.list_public_articles(session, limit=20)
    _summaries = service.summaries(session, _page)
    _article = service.find_public_article(session, _page[0].slug)
    assert _article is not None
    _detail = article_detail(session, _article, settings)


def _listing(session: Session, **kwargs: Any) -> tuple[list[Any], str | None]:
    return list(_page), _next


def _summarised(session: Session, articles: Any, **kwargs: Any) -> list[Any]:
    return list(_summaries)


def _found(session: Session, slug: str) -> Any:
    return slug


def _detail_of(session: Session, slug: Any, settings: Any = None) -> ArticleDetail:
    return _detail.model_copy(update={"slug": slug})


def _patch(module: Any, name: str, replacement: Callable[..., Any]) -> None:
    assert callable(getattr(module, name)), name
    setattr(module, name, replacement)


_patch(articles_router.service, "list_public_articles", _listing)
_patch(articles_router.service, "summaries", _summarised)
_patch(articles_router.service, "find_public_article", _found)
_patch(articles_router, "article_detail", _detail_of)
