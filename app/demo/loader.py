"""Loads the demo newsroom (`content.py`) into a database. Loading it again changes nothing."""

from collections import Counter
from datetime import datetime
from typing import Any, cast

from sqlmodel import Session, SQLModel, col, select

from app.articles import service as articles_service
from app.articles.body import PLAIN_BLOCKS
from app.articles.models import Article, ArticleAuthor, ArticleBase, ArticleBlock, ArticleTag, HeroImage
from app.demo import content
from app.search import index as _search_index  # noqa: F401  # indexes what is loaded, as it commits
from app.tables import service as tables_service
from app.taxonomy.models import Author, AuthorBase, Category, CategoryBase, Tag, TagBase
from app.timelines import service as timelines_service
from app.trending import demo as trending_demo


def _ensure_by_slug(
    session: Session, model: type[Any], base: type[SQLModel], data: dict[str, Any], created: Counter[str]
) -> Any:
    existing = session.exec(select(model).where(model.slug == data["slug"])).first()
    if existing is not None:
        return existing
    row = model.model_validate(base.model_validate(data))
    session.add(row)
    session.flush()
    created[model.__tablename__] += 1
    return row


def _body_texts(blocks: list[dict[str, Any]]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        texts += [block.get("text", ""), block.get("html", ""), *block.get("items", [])]
    return texts


def _add_article(
    session: Session,
    data: dict[str, Any],
    categories: dict[str, int],
    tags: dict[str, int],
    authors: dict[str, int],
    pending_links: list[tuple[int, list[str]]],
) -> Article:
    published_at = datetime.fromisoformat(data["published_at"]) if data.get("published_at") else None
    word_count, minutes = articles_service.reading_stats(_body_texts(data["blocks"]))
    hero = HeroImage.model_validate(data["hero_image"]).model_dump() if data.get("hero_image") else None
    article = Article.model_validate(
        ArticleBase.model_validate(data),
        update={
            "category_id": categories[data["category"]],
            "status": data.get("status", "published"),
            "published_at": published_at,
            "hero_image": hero,
            "word_count": word_count,
            "reading_time_minutes": minutes,
            "created_at": published_at or datetime.fromisoformat("2025-12-01T00:00:00+00:00"),
            "updated_at": published_at or datetime.fromisoformat("2025-12-01T00:00:00+00:00"),
        },
    )
    session.add(article)
    session.flush()
    assert article.id is not None
    session.add_all(
        ArticleTag(article_id=article.id, tag_id=tags[s], position=i) for i, s in enumerate(data["tags"])
    )
    session.add_all(
        ArticleAuthor(article_id=article.id, author_id=authors[s], position=i)
        for i, s in enumerate(data["authors"])
    )
    table_position = 0
    for position, block in enumerate(data["blocks"]):
        kind = block["type"]
        row = ArticleBlock(article_id=article.id, position=position, type=kind, data={})
        if kind in ("table", "timeline") and block.get("table"):
            row.table_id = tables_service.add_table(session, article.id, table_position, block["table"]).id
            table_position += 1
        if kind == "timeline":
            timeline, events = timelines_service.add_timeline(session, article.id, block["timeline"])
            row.timeline_id = timeline.id
            pending_links += [
                (event.id, raw.get("links", []))
                for event, raw in zip(events, block["timeline"]["events"], strict=True)
                if event.id is not None and raw.get("links")
            ]
        elif kind != "table":
            row.data = PLAIN_BLOCKS[kind].model_validate(block).model_dump(mode="json", exclude={"type"})
        session.add(row)
    session.flush()
    return article


def load_demo(session: Session) -> Counter[str]:
    """Add whatever part of the demo newsroom is missing, matched by slug; commit once at the end."""
    created: Counter[str] = Counter()
    categories = {
        c["slug"]: _ensure_by_slug(session, Category, CategoryBase, c, created).id for c in content.CATEGORIES
    }
    tags = {t["slug"]: _ensure_by_slug(session, Tag, TagBase, t, created).id for t in content.TAGS}
    authors = {
        a["slug"]: _ensure_by_slug(session, Author, AuthorBase, a, created).id for a in content.AUTHORS
    }
    pending_links: list[tuple[int, list[str]]] = []
    for data in [*content.ARTICLES, *content.DRAFT_ARTICLES]:
        if session.exec(select(Article.id).where(Article.slug == data["slug"])).first() is not None:
            continue
        _add_article(session, data, categories, tags, authors, pending_links)
        created["article"] += 1
    for event_id, slugs in pending_links:
        # stored rows: every id is set (`Article.id` is optional only before the insert)
        ids = cast(
            dict[str, int],
            dict(session.exec(select(Article.slug, Article.id).where(col(Article.slug).in_(slugs))).all()),
        )
        timelines_service.link_event_articles(session, event_id, [ids[s] for s in slugs if s in ids])
    trending_demo.load(session, created)
    session.commit()
    return created
