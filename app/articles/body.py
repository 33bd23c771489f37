"""An article's body as typed blocks, with its theme tables and timelines embedded in body order.

Kept apart from `models.py` because the embedded tables and timelines belong to domains that themselves
build on articles."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from app.articles import service
from app.articles.models import Article, ArticleBlock, HeroImage
from app.tables import service as tables_service
from app.tables.models import ContentTablePublic
from app.taxonomy.models import AuthorPublic, CategoryPublic, TagPublic
from app.timelines import service as timelines_service
from app.timelines.models import TimelinePublic


class HeadingBlock(BaseModel):
    type: Literal["heading"] = "heading"
    text: str
    level: int = Field(ge=2, le=6)


class ParagraphBlock(BaseModel):
    type: Literal["paragraph"] = "paragraph"
    html: str = Field(description="Sanitized inline HTML (em, strong, a).")


class ListBlock(BaseModel):
    type: Literal["list"] = "list"
    items: list[str]
    ordered: bool = False


class QuoteBlock(BaseModel):
    type: Literal["quote"] = "quote"
    text: str
    attribution: str | None = None


class ImageBlock(BaseModel):
    type: Literal["image"] = "image"
    url: str
    alt: str
    width: int | None = None
    height: int | None = None
    caption: str | None = None
    credit: str | None = None


class EmbedBlock(BaseModel):
    type: Literal["embed"] = "embed"
    url: str
    provider: str | None = None
    title: str | None = None


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


def article_detail(session: Session, article: Article) -> ArticleDetail:
    """The whole public article; a handful of queries whatever its length."""
    assert article.id is not None
    assert article.published_at is not None
    blocks = session.exec(
        select(ArticleBlock).where(ArticleBlock.article_id == article.id).order_by(col(ArticleBlock.position))
    ).all()
    tables = tables_service.public_tables_by_id(
        session, {b.table_id for b in blocks if b.table_id is not None}
    )
    timelines = timelines_service.public_timelines_by_id(
        session, {b.timeline_id for b in blocks if b.timeline_id is not None}
    )
    body: list[Block] = []
    for block in blocks:
        if block.type == "table":
            if block.table_id in tables:
                body.append(TableBlock(table=tables[block.table_id]))
        elif block.type == "timeline":
            if block.timeline_id in timelines:
                table = tables.get(block.table_id) if block.table_id is not None else None
                body.append(TimelineBlock(timeline=timelines[block.timeline_id], table=table))
        else:
            body.append(PLAIN_BLOCKS[block.type].model_validate(block.data))
    category = service.categories_by_id(session, [article.category_id])[article.category_id]
    return ArticleDetail(
        id=article.id,
        slug=article.slug,
        title=article.title,
        focus_keyword=article.focus_keyword,
        standfirst=article.standfirst,
        language=article.language,
        published_at=article.published_at,
        updated_at=article.updated_at,
        canonical_url=article.canonical_url,
        seo=Seo(
            title=article.seo_title or article.title,
            description=article.seo_description or article.standfirst,
        ),
        hero_image=HeroImage.model_validate(article.hero_image) if article.hero_image else None,
        word_count=article.word_count,
        reading_time_minutes=article.reading_time_minutes,
        category=CategoryPublic.model_validate(category),
        tags=[
            TagPublic.model_validate(t)
            for t in service.tags_by_article(session, [article.id]).get(article.id, [])
        ],
        authors=[
            AuthorPublic.model_validate(a)
            for a in service.authors_by_article(session, [article.id]).get(article.id, [])
        ],
        blocks=body,
    )


PLAIN_BLOCKS: dict[
    str, type[HeadingBlock | ParagraphBlock | ListBlock | QuoteBlock | ImageBlock | EmbedBlock]
] = {
    "heading": HeadingBlock,
    "paragraph": ParagraphBlock,
    "list": ListBlock,
    "quote": QuoteBlock,
    "image": ImageBlock,
    "embed": EmbedBlock,
}
