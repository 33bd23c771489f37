"""An article's body as typed blocks, with its theme tables and timelines embedded in body order.

Kept apart from `models.py` because the embedded tables and timelines belong to domains that themselves
build on articles."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Row
from sqlmodel import Session, col, select

from app.articles import jsonld, service
from app.articles.models import (
    PLAIN_BLOCKS,
    Article,
    ArticleAdmin,
    ArticleRef,
    ArticleRevision,
    ArticleStatus,
    Correction,
    EmbedBlock,
    HeadingBlock,
    HeroImage,
    ImageBlock,
    ListBlock,
    ParagraphBlock,
    QuoteBlock,
    StoredBlock,
    TableBlockInput,
    TimelineBlockInput,
)
from app.articles.service import json_rows
from app.config import Settings, get_settings
from app.db import utc_from_text
from app.http_cache import surrogate_entity
from app.tables import service as tables_service
from app.tables.models import ContentTable, ContentTablePublic
from app.taxonomy.models import AuthorPublic, CategoryPublic, TagPublic
from app.timelines import service as timelines_service
from app.timelines.models import Timeline, TimelineEvent, TimelineEventPublic, TimelinePublic, TimelineRef

__all__ = [
    "PLAIN_BLOCKS",
    "ArticleDetail",
    "ArticlePreview",
    "Block",
    "article_detail",
    "public_bodies",
    "revision_preview",
]


class TableBlock(BaseModel):
    type: Literal["table"] = "table"
    table: ContentTablePublic


class TimelineBlock(BaseModel):
    type: Literal["timeline"] = "timeline"
    timeline: TimelinePublic
    table: ContentTablePublic | None = Field(
        default=None, description="The same timeline as a theme table, when the article also shows it so."
    )


Block = Annotated[
    HeadingBlock
    | ParagraphBlock
    | ListBlock
    | QuoteBlock
    | ImageBlock
    | EmbedBlock
    | TableBlock
    | TimelineBlock,
    Field(discriminator="type"),
]


class Seo(BaseModel):
    title: str
    description: str | None


class ArticleDetail(BaseModel):
    id: int
    slug: str
    title: str
    focus_keyword: str | None
    standfirst: str | None
    language: str
    published_at: datetime
    updated_at: datetime
    canonical_url: str | None
    seo: Seo
    hero_image: HeroImage | None
    word_count: int
    reading_time_minutes: int
    category: CategoryPublic
    tags: list[TagPublic]
    authors: list[AuthorPublic]
    blocks: list[Block]
    corrections: list[Correction] = Field(description="Public correction notes, oldest first.")
    json_ld: dict[str, Any] = Field(
        description="schema.org `NewsArticle` structured data (JSON-LD) for the article's web page."
    )
    json_ld_script: str = Field(
        description="`json_ld` serialized with `<`, `>` and `&` escaped as `\\u003c`, `\\u003e`, `\\u0026`: "
        'safe to place verbatim inside `<script type="application/ld+json">`.'
    )


class ArticlePreview(ArticleDetail):
    """One saved revision of an article, shown as it would be published; a draft has no publish time yet."""

    published_at: datetime | None  # type: ignore[assignment]
    status: ArticleStatus = Field(description="The article's status in that revision.")
    revision: int = Field(description="The number of the revision shown.")


def article_detail(
    session: Session, article: service.ArticleRecord, settings: Settings | None = None
) -> ArticleDetail:
    """The whole public article; a handful of queries whatever its length."""
    assert article.id is not None
    assert article.published_at is not None
    # built field by field from the rows: validating a `Row` by its attributes costs twice as much
    if not isinstance(article, Article) and "block_rows" in article._fields:
        # a detail row (`service.find_public_article`) carries all but timelines and corrections
        category = CategoryPublic(
            id=article.category_id,
            slug=article.category_slug,
            name=article.category_name,
            description=article.category_description,
            position=article.category_position,
        )
        tags = [TagPublic(id=i, slug=slug, name=name) for _, i, slug, name in json_rows(article.tag_rows)]
        authors = [
            AuthorPublic(id=i, slug=slug, name=name, bio=bio, avatar_url=avatar)
            for _, i, slug, name, bio, avatar in json_rows(article.author_rows)
        ]
        stored = (service.stored_block(*values) for _, *values in json_rows(article.block_rows))
        blocks = [block for block in stored if block is not None]
        tables = _tables_of_row(article, _table_ids(blocks))
        corrections = service.public_corrections(session, article.id) if article.has_corrections else []
    else:
        row = service.categories_by_id(session, [article.category_id])[article.category_id]
        category = CategoryPublic(
            id=row.id, slug=row.slug, name=row.name, description=row.description, position=row.position
        )
        tags = [
            TagPublic(id=t.id, slug=t.slug, name=t.name)
            for t in service.tags_by_article(session, [article.id]).get(article.id, [])
        ]
        authors = [
            AuthorPublic(id=a.id, slug=a.slug, name=a.name, bio=a.bio, avatar_url=a.avatar_url)
            for a in service.authors_by_article(session, [article.id]).get(article.id, [])
        ]
        blocks = service.blocks_by_article(session, [article.id]).get(article.id, [])
        tables = tables_service.public_tables_by_id(session, _table_ids(blocks))
        corrections = service.public_corrections(session, article.id)
    timelines = timelines_service.public_timelines_by_id(session, _timeline_ids(blocks))
    head = _head(article)
    return ArticleDetail(
        **head,
        published_at=article.published_at,
        category=category,
        tags=tags,
        authors=authors,
        blocks=_body(blocks, tables, timelines),
        corrections=corrections,
        **_structured_data(settings, head, article.published_at, category, tags, authors),
    )


def public_bodies(session: Session, article_ids: Sequence[int]) -> dict[int, list[Block]]:
    """The public body of each of `article_ids` (feeds show many at once), in a fixed number of queries."""
    stored = service.blocks_by_article(session, article_ids)
    every = [block for blocks in stored.values() for block in blocks]
    tables = tables_service.public_tables_by_id(session, _table_ids(every))
    timelines = timelines_service.public_timelines_by_id(session, _timeline_ids(every))
    return {article_id: _body(stored.get(article_id, []), tables, timelines) for article_id in article_ids}


def revision_preview(
    session: Session, article: Article, revision: ArticleRevision, settings: Settings | None = None
) -> ArticlePreview:
    """What `revision` of `article` would look like published: its own snapshot, never the live article.

    Tables and timelines are shown as they are now, draft or not, as long as they still belong to it."""
    assert article.id is not None
    snapshot = ArticleAdmin.model_validate(revision.snapshot)
    ref = ArticleRef(id=article.id, slug=snapshot.slug, title=snapshot.title)
    category = (
        service.category_by_slug(session, snapshot.category)
        or service.categories_by_id(session, [article.category_id])[article.category_id]
    )
    tag_rows = service.tags_by_slug(session, snapshot.tags)
    author_rows = service.authors_by_slug(session, snapshot.authors)
    tags = [TagPublic.model_validate(tag_rows[s]) for s in snapshot.tags if s in tag_rows]
    authors = [AuthorPublic.model_validate(author_rows[s]) for s in snapshot.authors if s in author_rows]
    head = _head(snapshot)
    shown_category = CategoryPublic.model_validate(category)
    return ArticlePreview(
        **head,
        published_at=snapshot.published_at,
        status=snapshot.status,
        revision=revision.number,
        category=shown_category,
        tags=tags,
        authors=authors,
        blocks=_body(
            snapshot.blocks,
            _own_tables(session, ref, _table_ids(snapshot.blocks)),
            _own_timelines(session, ref, _timeline_ids(snapshot.blocks)),
        ),
        corrections=service.public_corrections(session, article.id),
        **_structured_data(settings, head, snapshot.published_at, shown_category, tags, authors),
    )


def _structured_data(
    settings: Settings | None,
    head: dict[str, Any],
    published_at: datetime | None,
    category: CategoryPublic,
    tags: list[TagPublic],
    authors: list[AuthorPublic],
) -> dict[str, Any]:
    """The article page's JSON-LD, as data and as text safe inside a `<script>` element."""
    data = jsonld.news_article(
        settings or get_settings(),
        slug=head["slug"],
        canonical_url=head["canonical_url"],
        headline=head["title"],
        description=head["seo"].description,
        language=head["language"],
        published_at=published_at,
        updated_at=head["updated_at"],
        word_count=head["word_count"],
        image=head["hero_image"],
        authors=authors,
        section=category.name,
        keywords=[tag.name for tag in tags],
    )
    return {"json_ld": data, "json_ld_script": jsonld.script_text(data)}


def _head(source: service.ArticleRecord | ArticleAdmin) -> dict[str, Any]:
    """The fields a public article shows as they are stored, from a row or from a revision's snapshot."""
    return {
        "id": source.id,
        "slug": source.slug,
        "title": source.title,
        "focus_keyword": source.focus_keyword,
        "standfirst": source.standfirst,
        "language": source.language,
        "updated_at": source.updated_at,
        "canonical_url": source.canonical_url,
        "seo": Seo(
            title=source.seo_title or source.title,
            description=source.seo_description or source.standfirst,
        ),
        "hero_image": HeroImage.model_validate(source.hero_image) if source.hero_image else None,
        "word_count": source.word_count,
        "reading_time_minutes": source.reading_time_minutes,
    }


def _tables_of_row(article: Row[Any], wanted: set[int]) -> dict[int, ContentTablePublic]:
    """The tables of a detail row's article that its body shows, by id."""
    if not wanted:
        return {}
    ref = ArticleRef(id=article.id, slug=article.slug, title=article.title)
    return {
        table_id: ContentTablePublic(
            id=table_id,
            title=title,
            caption=caption,
            columns=columns,
            rows=rows,
            article=ref,
            position=position,
            updated_at=utc_from_text(updated_at),
        )
        for position, table_id, title, caption, columns, rows, updated_at in json_rows(article.table_rows)
        if table_id in wanted
    }


def _table_ids(blocks: Sequence[StoredBlock]) -> set[int]:
    return {
        b.table_id
        for b in blocks
        if isinstance(b, TableBlockInput | TimelineBlockInput) and b.table_id is not None
    }


def _timeline_ids(blocks: Sequence[StoredBlock]) -> set[int]:
    return {b.timeline_id for b in blocks if isinstance(b, TimelineBlockInput)}


def _body(
    blocks: Sequence[StoredBlock], tables: dict[int, ContentTablePublic], timelines: dict[int, TimelinePublic]
) -> list[Block]:
    """Blocks as readers see them, tables and timelines embedded (those not in the given maps left out)."""
    body: list[Block] = []
    for block in blocks:
        if isinstance(block, TableBlockInput):
            if block.table_id in tables:
                body.append(TableBlock(table=tables[block.table_id]))
        elif isinstance(block, TimelineBlockInput):
            if block.timeline_id in timelines:
                table = tables.get(block.table_id) if block.table_id is not None else None
                body.append(TimelineBlock(timeline=timelines[block.timeline_id], table=table))
        else:
            body.append(block)
    return body


def _own_tables(session: Session, article: ArticleRef, ids: set[int]) -> dict[int, ContentTablePublic]:
    """Those of `ids` that are the article's own tables, whether or not it is public."""
    if not ids:
        return {}
    rows = session.exec(
        select(ContentTable).where(col(ContentTable.id).in_(ids), ContentTable.article_id == article.id)
    ).all()
    return {t.id: ContentTablePublic.model_validate(t, update={"article": article}) for t in rows if t.id}


def _own_timelines(session: Session, article: ArticleRef, ids: set[int]) -> dict[int, TimelinePublic]:
    """Those of `ids` that are the article's own timelines with their events, whether or not it is public."""
    if not ids:
        return {}
    timelines = session.exec(
        select(Timeline).where(col(Timeline.id).in_(ids), Timeline.article_id == article.id)
    ).all()
    refs = {t.id: TimelineRef(id=t.id, slug=t.slug, title=t.title) for t in timelines if t.id is not None}
    events = session.exec(
        select(TimelineEvent)
        .where(col(TimelineEvent.timeline_id).in_(refs))
        .order_by(col(TimelineEvent.sort_date), col(TimelineEvent.position), col(TimelineEvent.id))
    ).all()
    by_timeline: dict[int, list[TimelineEventPublic]] = defaultdict(list)
    # the timelines domain's own view of events (spans, links to public articles), not a copy of it
    for event in timelines_service._events_public(session, list(events), refs):
        by_timeline[event.timeline.id].append(event)
    return {
        t.id: TimelinePublic.model_validate(t, update={"article": article, "events": by_timeline[t.id]})
        for t in timelines
        if t.id is not None
    }


surrogate_entity("article", ArticleDetail)
