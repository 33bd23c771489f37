"""Queries over articles. Visibility lives here: `public_condition` is the one definition of "public".

The reads that every side shares (taxonomy, body blocks, slugs, reading stats) live here too, so that the
write side (`editorial`) and preview tokens (`preview`) build on this module and never the other way."""

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists
from sqlmodel import Session, col, select

from app.articles.models import (
    PLAIN_BLOCKS,
    Article,
    ArticleAuthor,
    ArticleBlock,
    ArticleCorrection,
    ArticleRef,
    ArticleSlugRedirect,
    ArticleStatus,
    ArticleSummary,
    ArticleTag,
    BlockType,
    Correction,
    HeroImage,
    StoredBlock,
    TableBlockInput,
    TimelineBlockInput,
)
from app.db import utcnow
from app.pagination import Order, keyset_page
from app.taxonomy.models import Author, AuthorRef, Category, CategoryRef, Tag, TagPublic

WORDS_PER_MINUTE = 230
_TAGS = re.compile(r"<[^>]+>")


class ArticleSort(StrEnum):
    newest = "newest"
    oldest = "oldest"
    title = "title"  # type: ignore[assignment]  # the member shadows `str.title`, as intended


_ORDERS: dict[ArticleSort, Order] = {
    ArticleSort.newest: [(col(Article.published_at), True), (col(Article.id), True)],
    ArticleSort.oldest: [(col(Article.published_at), False), (col(Article.id), False)],
    ArticleSort.title: [(col(Article.title), False), (col(Article.id), False)],
}


def public_condition(now: datetime | None = None, *, table: Any = Article) -> ColumnElement[bool]:
    """Published (or scheduled and due) with a publish time that has passed: the only public articles."""
    return and_(
        table.status.in_((ArticleStatus.published, ArticleStatus.scheduled)),
        table.published_at <= (now or utcnow()),
    )


def list_public_articles(
    session: Session,
    *,
    category: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
    sort: ArticleSort = ArticleSort.newest,
    cursor: str | None = None,
    limit: int,
) -> tuple[list[Article], str | None]:
    """One page of public articles matching every given filter."""
    statement = select(Article).where(public_condition())
    if category is not None:
        category_id = select(Category.id).where(Category.slug == category).scalar_subquery()
        statement = statement.where(Article.category_id == category_id)
    if tag is not None:
        statement = statement.where(
            exists().where(
                col(ArticleTag.article_id) == Article.id,
                col(ArticleTag.tag_id) == Tag.id,
                col(Tag.slug) == tag,
            )
        )
    if author is not None:
        statement = statement.where(
            exists().where(
                col(ArticleAuthor.article_id) == Article.id,
                col(ArticleAuthor.author_id) == Author.id,
                col(Author.slug) == author,
            )
        )
    if published_after is not None:
        statement = statement.where(col(Article.published_at) > published_after)
    if published_before is not None:
        statement = statement.where(col(Article.published_at) < published_before)

    def key(article: Article) -> tuple[Any, ...]:
        return (article.title if sort is ArticleSort.title else article.published_at, article.id)

    return keyset_page(
        session, statement, order=_ORDERS[sort], kind=f"articles:{sort}", cursor=cursor, limit=limit, key=key
    )


def find_public_article(session: Session, slug: str) -> Article | None:
    """The public article whose current slug is `slug`, if any."""
    return session.exec(select(Article).where(Article.slug == slug, public_condition())).first()


def categories_by_id(session: Session, ids: Iterable[int]) -> dict[int, Category]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {c.id: c for c in session.exec(select(Category).where(col(Category.id).in_(wanted)))}  # type: ignore[misc]


def tags_by_article(session: Session, article_ids: Collection[int]) -> dict[int, list[Tag]]:
    """Each article's tags in editorial order, in one query."""
    found: dict[int, list[Tag]] = defaultdict(list)
    if article_ids:
        statement = (
            select(ArticleTag.article_id, Tag)
            .join(Tag, col(Tag.id) == ArticleTag.tag_id)
            .where(col(ArticleTag.article_id).in_(article_ids))
            .order_by(col(ArticleTag.article_id), col(ArticleTag.position))
        )
        for article_id, tag in session.exec(statement):
            found[article_id].append(tag)
    return found


def authors_by_article(session: Session, article_ids: Collection[int]) -> dict[int, list[Author]]:
    """Each article's authors in byline order, in one query."""
    found: dict[int, list[Author]] = defaultdict(list)
    if article_ids:
        statement = (
            select(ArticleAuthor.article_id, Author)
            .join(Author, col(Author.id) == ArticleAuthor.author_id)
            .where(col(ArticleAuthor.article_id).in_(article_ids))
            .order_by(col(ArticleAuthor.article_id), col(ArticleAuthor.position))
        )
        for article_id, author in session.exec(statement):
            found[article_id].append(author)
    return found


def summaries(
    session: Session,
    articles: list[Article],
    *,
    fields: Collection[str] | None = None,
    include: Collection[str] = (),
) -> list[ArticleSummary]:
    """List items for `articles`, with only `fields` (all when None) and the requested embeds.

    Related rows are loaded with one query per kind, never one per article."""
    want = (
        set(ArticleSummary.model_fields) - {"category", "tags", "authors"}
        if fields is None
        else {"id", *fields}
    )
    ids = [a.id for a in articles if a.id is not None]
    categories = (
        categories_by_id(session, (a.category_id for a in articles))
        if {"category_slug"} & want or "category" in include
        else {}
    )
    tags = tags_by_article(session, ids) if "tag_slugs" in want or "tags" in include else {}
    authors = authors_by_article(session, ids) if "author_slugs" in want or "authors" in include else {}

    items = []
    for article in articles:
        assert article.id is not None
        data: dict[str, Any] = {
            name: getattr(article, name) for name in want if name in Article.model_fields or name in ("id",)
        }
        if "hero_image" in want:
            data["hero_image"] = HeroImage.model_validate(article.hero_image) if article.hero_image else None
        if "category_slug" in want:
            data["category_slug"] = categories[article.category_id].slug
        if "tag_slugs" in want:
            data["tag_slugs"] = [t.slug for t in tags.get(article.id, [])]
        if "author_slugs" in want:
            data["author_slugs"] = [a.slug for a in authors.get(article.id, [])]
        if "category" in include:
            data["category"] = CategoryRef.model_validate(
                categories[article.category_id], from_attributes=True
            )
        if "tags" in include:
            data["tags"] = [TagPublic.model_validate(t) for t in tags.get(article.id, [])]
        if "authors" in include:
            data["authors"] = [
                AuthorRef.model_validate(a, from_attributes=True) for a in authors.get(article.id, [])
            ]
        items.append(ArticleSummary.model_validate(data))
    return items


def article_refs(session: Session, article_ids: Collection[int]) -> dict[int, ArticleRef]:
    """References to those of `article_ids` that are public."""
    if not article_ids:
        return {}
    statement = select(Article.id, Article.slug, Article.title).where(
        col(Article.id).in_(article_ids), public_condition()
    )
    # `execute`, not `exec`: its rows are `Row`s with named attributes, not plain tuples
    return {
        row.id: ArticleRef(id=row.id, slug=row.slug, title=row.title) for row in session.execute(statement)
    }


def reading_stats(texts: Iterable[str]) -> tuple[int, int]:
    """Word count and whole minutes of reading (at least one) for the given body texts."""
    words = sum(len(_TAGS.sub(" ", text).split()) for text in texts)
    return words, max(1, round(words / WORDS_PER_MINUTE)) if words else 0


# --- reads shared by the public detail, previews and the management API ---------------------------------


def blocks_by_article(session: Session, article_ids: Collection[int]) -> dict[int, list[StoredBlock]]:
    """Each article's body blocks in order, as written (tables and timelines by id), in one query."""
    found: dict[int, list[StoredBlock]] = defaultdict(list)
    if not article_ids:
        return found
    rows = session.exec(
        select(ArticleBlock)
        .where(col(ArticleBlock.article_id).in_(article_ids))
        .order_by(col(ArticleBlock.article_id), col(ArticleBlock.position))
    )
    for row in rows:
        block: StoredBlock
        if row.type == BlockType.table:
            if row.table_id is None:
                continue
            block = TableBlockInput(table_id=row.table_id)
        elif row.type == BlockType.timeline:
            if row.timeline_id is None:
                continue
            block = TimelineBlockInput(timeline_id=row.timeline_id, table_id=row.table_id)
        else:
            block = PLAIN_BLOCKS[row.type].model_validate(row.data)
        found[row.article_id].append(block)
    return found


def public_corrections(session: Session, article_id: int) -> list[Correction]:
    """An article's correction notes, oldest first."""
    rows = session.exec(
        select(ArticleCorrection)
        .where(ArticleCorrection.article_id == article_id)
        .order_by(col(ArticleCorrection.created_at), col(ArticleCorrection.id))
    )
    return [Correction(at=c.created_at, note=c.note) for c in rows]


def category_by_slug(session: Session, slug: str) -> Category | None:
    return session.exec(select(Category).where(Category.slug == slug)).first()


def tags_by_slug(session: Session, slugs: Collection[str]) -> dict[str, Tag]:
    if not slugs:
        return {}
    return {t.slug: t for t in session.exec(select(Tag).where(col(Tag.slug).in_(slugs)))}


def authors_by_slug(session: Session, slugs: Collection[str]) -> dict[str, Author]:
    if not slugs:
        return {}
    return {a.slug: a for a in session.exec(select(Author).where(col(Author.slug).in_(slugs)))}


def public_redirect_target(session: Session, old_slug: str) -> ArticleRef | None:
    """The public article that once had `old_slug`, if there is one."""
    statement = (
        select(Article.id, Article.slug, Article.title)
        .join(ArticleSlugRedirect, col(ArticleSlugRedirect.article_id) == Article.id)
        .where(ArticleSlugRedirect.old_slug == old_slug, public_condition())
    )
    row = session.exec(statement).first()
    return None if row is None else ArticleRef(id=row[0], slug=row[1], title=row[2])
