"""Articles, their tag and author links, and their ordered body blocks."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from app.db import JSONType, UTCDateTime, utcnow, version_column
from app.taxonomy.models import SLUG_PATTERN, AuthorRef, CategoryRef, TagPublic


class ArticleStatus(StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"
    archived = "archived"


class BlockType(StrEnum):
    heading = "heading"
    paragraph = "paragraph"
    list = "list"
    quote = "quote"
    image = "image"
    table = "table"
    timeline = "timeline"
    embed = "embed"


class HeroImage(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    url: str = Field(max_length=2048, regex=r"^https?://\S+$")
    alt: str = Field(max_length=500)
    width: int = Field(gt=0, le=20000)
    height: int = Field(gt=0, le=20000)


class ArticleBase(SQLModel):
    slug: str = Field(max_length=120, regex=SLUG_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    focus_keyword: str | None = Field(default=None, max_length=200)
    standfirst: str | None = Field(default=None, max_length=1000)
    language: str = Field(default="en", max_length=16, regex=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    canonical_url: str | None = Field(default=None, max_length=2048)
    seo_title: str | None = Field(default=None, max_length=300)
    seo_description: str | None = Field(default=None, max_length=500)


_article_version = version_column()


class Article(ArticleBase, table=True):
    __table_args__ = (
        UniqueConstraint("slug"),
        CheckConstraint("status IN ('draft', 'scheduled', 'published', 'archived')", name="status_known"),
        CheckConstraint(
            "status NOT IN ('scheduled', 'published') OR published_at IS NOT NULL", name="public_has_time"
        ),
        Index("ix_article_status_published_at_id", "status", "published_at", "id"),
        Index("ix_article_category_id_status_published_at_id", "category_id", "status", "published_at", "id"),
        Index("ix_article_status_title_id", "status", "title", "id"),
    )

    __mapper_args__ = {"version_id_col": _article_version}

    version: int = Field(default=1, sa_column=_article_version)
    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="category.id", ondelete="RESTRICT")
    status: str = Field(default=ArticleStatus.draft, sa_column=Column(String(16), nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    hero_image: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    word_count: int = Field(default=0)
    reading_time_minutes: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ArticleTag(SQLModel, table=True):
    __table_args__ = (Index("ix_articletag_tag_id_article_id", "tag_id", "article_id"),)

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="RESTRICT")
    position: int = Field(default=0)


class ArticleAuthor(SQLModel, table=True):
    __table_args__ = (Index("ix_articleauthor_author_id_article_id", "author_id", "article_id"),)

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="author.id", primary_key=True, ondelete="RESTRICT")
    position: int = Field(default=0)


class ArticleBlock(SQLModel, table=True):
    """One block of an article body; tables and timelines are referenced, not copied."""

    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        CheckConstraint(
            "type IN ('heading', 'paragraph', 'list', 'quote', 'image', 'table', 'timeline', 'embed')",
            name="type_known",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    position: int = Field(ge=0)
    type: str = Field(sa_column=Column(String(16), nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    table_id: int | None = Field(default=None, foreign_key="contenttable.id", ondelete="RESTRICT", index=True)
    timeline_id: int | None = Field(default=None, foreign_key="timeline.id", ondelete="RESTRICT", index=True)


class ArticleRef(BaseModel):
    """The few fields another resource shows of an article it links to."""

    id: int
    slug: str
    title: str


class ArticleSummary(BaseModel):
    """A list item. Every field but `id` may be left out with `fields=`; embeds come with `include=`."""

    id: int
    slug: str | None = None
    title: str | None = None
    focus_keyword: str | None = None
    standfirst: str | None = None
    language: str | None = None
    category_slug: str | None = None
    tag_slugs: list[str] | None = None
    author_slugs: list[str] | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    hero_image: HeroImage | None = None
    word_count: int | None = None
    reading_time_minutes: int | None = None
    canonical_url: str | None = None
    category: CategoryRef | None = Field(default=None, description="With `include=category`.")
    tags: list[TagPublic] | None = Field(default=None, description="With `include=tags`.")
    authors: list[AuthorRef] | None = Field(default=None, description="With `include=authors`.")


SUMMARY_FIELDS = frozenset(ArticleSummary.model_fields) - {"id", "category", "tags", "authors"}
INCLUDABLE = frozenset({"category", "tags", "authors"})


class ArticleSlugRedirect(SQLModel, table=True):
    """A slug the article had before; requests for it are redirected to the current one."""

    old_slug: str = Field(max_length=120, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ArticleTombstone(SQLModel, table=True):
    """What remains of a deleted article, so partners learn of the deletion."""

    article_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    slug: str = Field(max_length=120)
    deleted_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ArticleRevision(SQLModel, table=True):
    """A saved state of an article: every change stores one, a restore included."""

    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    number: int = Field(ge=1)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    key_id: int | None = Field(default=None, foreign_key="apikey.id", ondelete="SET NULL")
    key_name: str = Field(max_length=120)
    action: str = Field(max_length=64)
    changed: list[Any] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))


class ArticleCorrection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    note: str = Field(min_length=1, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class PreviewToken(SQLModel, table=True):
    """Issued preview tokens, so one can be revoked before it expires."""

    id: str = Field(max_length=32, primary_key=True, description="The token's unique id (its `jti`).")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    revision_id: int = Field(foreign_key="articlerevision.id", ondelete="CASCADE")
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
