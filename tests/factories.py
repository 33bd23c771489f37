"""Plain functions that put rows in the test database: make_x(session, **overrides) -> row."""

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.articles.models import Article, ArticleAuthor, ArticleBlock, ArticleStatus, ArticleTag
from app.tables import service as tables_service
from app.tables.models import ContentTable
from app.taxonomy.models import Author, Category, Tag
from app.timelines import service as timelines_service
from app.timelines.models import Timeline, TimelineEvent

_counter = itertools.count(1)
NOW = datetime.now(UTC)


def _n() -> int:
    return next(_counter)


def _stored_id(row: Tag | Author) -> int:
    assert row.id is not None
    return row.id


def make_category(session: Session, **kw: Any) -> Category:
    n = _n()
    category = Category(**{"slug": f"category-{n}", "name": f"Category {n}", "position": n, **kw})
    session.add(category)
    session.commit()
    return category


def make_tag(session: Session, **kw: Any) -> Tag:
    n = _n()
    tag = Tag(**{"slug": f"tag-{n}", "name": f"Tag {n}", **kw})
    session.add(tag)
    session.commit()
    return tag


def make_author(session: Session, **kw: Any) -> Author:
    n = _n()
    author = Author(**{"slug": f"author-{n}", "name": f"Author {n}", **kw})
    session.add(author)
    session.commit()
    return author


def make_article(
    session: Session,
    *,
    category: Category | None = None,
    tags: Sequence[Tag] = (),
    authors: Sequence[Author] = (),
    status: str = ArticleStatus.published,
    published_at: datetime | None = None,
    **kw: Any,
) -> Article:
    n = _n()
    category = category or make_category(session)
    if published_at is None and status != ArticleStatus.draft:
        published_at = NOW - timedelta(hours=n)
    article = Article(
        **{
            "slug": f"article-{n}",
            "title": f"Article {n}",
            "standfirst": f"Standfirst {n}",
            "category_id": category.id,
            "status": status,
            "published_at": published_at,
            "word_count": 100,
            "reading_time_minutes": 1,
            **kw,
        }
    )
    session.add(article)
    session.flush()
    assert article.id is not None
    session.add_all(
        ArticleTag(article_id=article.id, tag_id=_stored_id(t), position=i) for i, t in enumerate(tags)
    )
    session.add_all(
        ArticleAuthor(article_id=article.id, author_id=_stored_id(a), position=i)
        for i, a in enumerate(authors)
    )
    session.add(ArticleBlock(article_id=article.id, position=0, type="paragraph", data={"html": f"Body {n}"}))
    session.commit()
    return article


def make_hidden_articles(
    session: Session, *, category: Category | None = None, slug_prefix: str = ""
) -> dict[str, Article]:
    """One article of each kind the public API must never show, keyed by kind; slug: slug_prefix + kind."""
    now = datetime.now(UTC)
    kinds: dict[str, tuple[ArticleStatus, datetime | None]] = {
        "draft": (ArticleStatus.draft, None),
        "draft-with-time": (ArticleStatus.draft, now - timedelta(days=1)),
        "archived": (ArticleStatus.archived, now - timedelta(days=2)),
        "scheduled-later": (ArticleStatus.scheduled, now + timedelta(days=1)),
        "published-future": (ArticleStatus.published, now + timedelta(minutes=5)),
    }
    return {
        kind: make_article(
            session, slug=f"{slug_prefix}{kind}", category=category, status=status, published_at=published_at
        )
        for kind, (status, published_at) in kinds.items()
    }


def _next_block_position(session: Session, article: Article) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    current = session.exec(
        select(func.max(ArticleBlock.position)).where(ArticleBlock.article_id == article.id)
    ).one()
    return 0 if current is None else current + 1


def make_table(session: Session, article: Article, **kw: Any) -> ContentTable:
    data = {
        "title": "Theme table",
        "caption": None,
        "columns": [
            {"key": "theme", "label": "Theme", "type": "text"},
            {"key": "n", "label": "N", "type": "number"},
        ],
        "rows": [["First", 1], ["Second", 2]],
        **kw,
    }
    assert article.id is not None
    position = _next_block_position(session, article)
    table = tables_service.add_table(session, article.id, position, data)
    session.add(
        ArticleBlock(article_id=article.id, position=position, type="table", table_id=table.id, data={})
    )
    session.commit()
    return table


def make_timeline(
    session: Session, article: Article, events: list[dict[str, Any]], **kw: Any
) -> tuple[Timeline, list[TimelineEvent]]:
    n = _n()
    assert article.id is not None
    data = {"slug": f"timeline-{n}", "title": f"Timeline {n}", "events": events, **kw}
    timeline, made = timelines_service.add_timeline(session, article.id, data)
    position = _next_block_position(session, article)
    session.add(
        ArticleBlock(
            article_id=article.id, position=position, type="timeline", timeline_id=timeline.id, data={}
        )
    )
    session.commit()
    return timeline, made


def event(date: str, precision: str = "day", **kw: Any) -> dict[str, Any]:
    return {
        "date": date,
        "precision": precision,
        "label": kw.pop("label", date),
        "milestone": f"Event on {date}",
        **kw,
    }


def key_headers(session: Session, *scopes: str, name: str = "desk") -> dict[str, str]:
    """The `Authorization` header of a new API key holding `scopes`."""
    from app.auth import service as auth_service
    from app.auth.models import ApiKeyCreate, Scope

    _, plaintext = auth_service.create_key(
        session, ApiKeyCreate(name=name, scopes=[Scope(scope) for scope in scopes])
    )
    return {"Authorization": f"Bearer {plaintext}"}


def audit_trail(session: Session) -> list[tuple[str, str, int | None, str, dict[str, Any]]]:
    """Every audit entry, oldest first, as (action, resource_type, resource_id, key_name, detail)."""
    from sqlmodel import col, select

    from app.auth.models import AuditEntry

    session.commit()  # end any read snapshot, so entries committed by requests are seen
    entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    return [(e.action, e.resource_type, e.resource_id, e.key_name, e.detail) for e in entries]


def make_correction(session: Session, article: Article, note: str, at: datetime | None = None) -> Any:
    """A public correction note on `article`, made at `at` (now when left out)."""
    from app.articles.models import ArticleCorrection

    assert article.id is not None
    correction = ArticleCorrection(article_id=article.id, note=note)
    if at is not None:
        correction.created_at = at
    session.add(correction)
    session.commit()
    return correction


def make_slug_redirect(session: Session, article: Article, old_slug: str) -> None:
    """Record `old_slug` as a former slug of `article`."""
    from app.articles.models import ArticleSlugRedirect

    assert article.id is not None
    session.add(ArticleSlugRedirect(old_slug=old_slug, article_id=article.id))
    session.commit()
