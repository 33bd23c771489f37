"""Helpers for the trending tests: send view events, read what was stored."""

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.articles.models import Article
from app.trending.models import TrendingBlock, TrendingPin, ViewBucket, ViewSeen

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def ago(now: datetime, hours: float) -> str:
    return (now - timedelta(hours=hours)).isoformat()


def send(client: TestClient, article: Any, count: int = 1, **event: Any) -> dict[str, Any]:
    """Post `count` identical view events in one batch; the receipt."""
    response = client.post(
        "/v1/events/views",
        json={"events": [{"article": article, **event}] * count},
        headers={"User-Agent": BROWSER},
    )
    assert response.status_code == 202, response.text
    receipt: dict[str, Any] = response.json()
    return receipt


def buckets(session: Session) -> dict[tuple[int, int], int]:
    """Every stored bucket: (article id, hour) -> views."""
    session.commit()  # see what requests committed
    return {(b.article_id, b.hour): b.views for b in session.exec(select(ViewBucket))}


def seen_count(session: Session) -> int:
    session.commit()
    return session.exec(select(func.count()).select_from(ViewSeen)).one()


def seen_hashes(session: Session) -> list[str]:
    session.commit()
    return list(session.exec(select(ViewSeen.session_hash).order_by(col(ViewSeen.hour))))


def pin(session: Session, article: Article, position: int, **kw: Any) -> None:
    """A trending pin stored directly (site-wide unless `category_id` is given)."""
    assert article.id is not None
    session.add(TrendingPin(article_id=article.id, position=position, **kw))
    session.commit()


def block(session: Session, article: Article) -> None:
    assert article.id is not None
    session.add(TrendingBlock(article_id=article.id))
    session.commit()


def add_views(session: Session, article: Article, hour: int, views: int) -> None:
    """Views stored directly, bypassing the event endpoint (which refuses unpublished articles)."""
    assert article.id is not None
    session.add(ViewBucket(article_id=article.id, hour=hour, views=views))
    session.commit()
