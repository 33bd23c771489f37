"""Articles with chosen words, and readers of the search and related endpoints."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.articles.models import Article, ArticleBlock
from app.search.models import SearchDocument
from app.taxonomy.models import Category, Tag
from tests.factories import make_article

BASE = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)


def story(
    session: Session,
    title: str,
    body: str = "",
    *,
    standfirst: str = "",
    category: Category | None = None,
    tags: list[Tag] | None = None,
    days: float = 0,
    **kw: Any,
) -> Article:
    """A published article (`days` after BASE) whose only text is `title`, `standfirst` and `body`."""
    article = make_article(
        session,
        title=title,
        standfirst=standfirst,
        category=category,
        tags=tags or [],
        published_at=kw.pop("published_at", BASE + timedelta(days=days)),
        **kw,
    )
    block = session.exec(select(ArticleBlock).where(ArticleBlock.article_id == article.id)).one()
    block.data = {"html": body}
    session.add(block)
    session.commit()
    return article


def search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def found(client: TestClient, q: str, **params: Any) -> list[tuple[str, int]]:
    """(type, id) of every match, best first (one page of 100)."""
    return [(hit["type"], hit["id"]) for hit in search(client, q, limit=100, **params)["items"]]


def articles_found(client: TestClient, q: str, **params: Any) -> list[int]:
    return [i for kind, i in found(client, q, type="article", **params) if kind == "article"]


def documents_of(session: Session, article_id: int | None) -> list[tuple[str, int]]:
    session.commit()  # end any read snapshot, so what requests committed is seen
    rows = session.exec(
        select(SearchDocument.kind, SearchDocument.ref_id)
        .where(SearchDocument.article_id == article_id)
        .order_by(col(SearchDocument.kind), col(SearchDocument.ref_id))
    ).all()
    return [(kind, ref) for kind, ref in rows]
