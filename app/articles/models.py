"""Articles, their tag and author links, and their ordered body blocks."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from app.articles import changes
from app.db import JSONType, UTCDateTime, utcnow, version_column
from app.http_cache import ARTICLES_LIST, TABLES_LIST, TIMELINES_LIST, entity_key, surrogate_entity
from app.params import UtcTime
from app.purge import Change, purge_rule, was_or_is
from app.taxonomy.models import (
    HTTP_URL_PATTERN,
    HTTP_URL_RULE,
    SLUG_PATTERN,
    SLUG_RULE,
    AuthorRef,
    CategoryRef,
    TagPublic,
)

LANGUAGE_RULE = {"pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"}


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

    url: str = Field(max_length=2048, schema_extra=HTTP_URL_RULE)
    alt: str = Field(max_length=500)
    width: int = Field(gt=0, le=20000)
    height: int = Field(gt=0, le=20000)


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


PlainBlock = HeadingBlock | ParagraphBlock | ListBlock | QuoteBlock | ImageBlock | EmbedBlock
PLAIN_BLOCKS: dict[str, type[PlainBlock]] = {
    "heading": HeadingBlock,
    "paragraph": ParagraphBlock,
    "list": ListBlock,
    "quote": QuoteBlock,
    "image": ImageBlock,
    "embed": EmbedBlock,
}


class ArticleBase(SQLModel):
    slug: str = Field(max_length=120, schema_extra=SLUG_RULE)
    title: str = Field(min_length=1, max_length=300)
    focus_keyword: str | None = Field(default=None, max_length=200)
    standfirst: str | None = Field(default=None, max_length=1000)
    language: str = Field(default="en", max_length=16, schema_extra=LANGUAGE_RULE)
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
        # the public lists in their orders: `status IN (...)` on a leading column gives rows in no one order,
        # so PostgreSQL would sort every public row for page 1 (see docs/explain.md)
        Index("ix_article_published_at_id", "published_at", "id"),
        Index("ix_article_category_id_published_at_id", "category_id", "published_at", "id"),
        Index("ix_article_title_id", "title", "id"),
        {"sqlite_autoincrement": True},  # ids are never reused, even after a delete
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
    __table_args__ = (
        Index("ix_articletag_tag_id_article_id", "tag_id", "article_id"),
        # an article's tags in order from the index alone: no table lookups, no sort (list pages, detail)
        Index("ix_articletag_article_id_position_tag_id", "article_id", "position", "tag_id"),
    )

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="RESTRICT")
    position: int = Field(default=0)


class ArticleAuthor(SQLModel, table=True):
    __table_args__ = (
        Index("ix_articleauthor_author_id_article_id", "author_id", "article_id"),
        Index("ix_articleauthor_article_id_position_author_id", "article_id", "position", "author_id"),
    )

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


# --- management API: what clients write and what /v1/admin answers ---------------------------------------

_INPUT = ConfigDict(extra="forbid")
Slug = Annotated[str, StringConstraints(max_length=80, pattern=SLUG_PATTERN)]
Id = Annotated[int, PydanticField(ge=1, le=2**31 - 1)]


def storable(value: Any) -> Any:
    """Refuse text no database stores faithfully (NUL, lone surrogates) anywhere in a request body."""

    def walk(item: Any) -> None:
        if isinstance(item, str):
            if "\x00" in item:
                raise ValueError("text may not contain NUL characters")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
        elif isinstance(item, dict):
            for key, nested in item.items():
                walk(key)
                walk(nested)
        elif isinstance(item, list | tuple):
            for nested in item:
                walk(nested)

    walk(value)
    return value


class HeadingBlockInput(HeadingBlock):
    model_config = _INPUT
    text: str = PydanticField(min_length=1, max_length=500)


class ParagraphBlockInput(ParagraphBlock):
    model_config = _INPUT
    html: str = PydanticField(
        max_length=20000,
        description="Inline HTML, sanitized on the way in: a (href, title), em, strong, b, i, br, code, sub, "
        "sup; http, https and mailto links only.",
    )


class ListBlockInput(ListBlock):
    model_config = _INPUT
    items: list[Annotated[str, StringConstraints(max_length=2000)]] = PydanticField(max_length=500)


class QuoteBlockInput(QuoteBlock):
    model_config = _INPUT
    text: str = PydanticField(min_length=1, max_length=5000)
    attribution: str | None = PydanticField(default=None, max_length=300)


class ImageBlockInput(ImageBlock):
    model_config = _INPUT
    url: str = PydanticField(max_length=2048, pattern=HTTP_URL_PATTERN)
    alt: str = PydanticField(max_length=500)
    width: int | None = PydanticField(default=None, gt=0, le=20000)
    height: int | None = PydanticField(default=None, gt=0, le=20000)
    caption: str | None = PydanticField(default=None, max_length=1000)
    credit: str | None = PydanticField(default=None, max_length=300)


class EmbedBlockInput(EmbedBlock):
    model_config = _INPUT
    url: str = PydanticField(max_length=2048, pattern=HTTP_URL_PATTERN)
    provider: str | None = PydanticField(default=None, max_length=100)
    title: str | None = PydanticField(default=None, max_length=300)


class TableBlockInput(BaseModel):
    model_config = _INPUT
    type: Literal["table"] = "table"
    table_id: Id = PydanticField(description="One of this article's theme tables.")


class TimelineBlockInput(BaseModel):
    model_config = _INPUT
    type: Literal["timeline"] = "timeline"
    timeline_id: Id = PydanticField(description="One of this article's timelines.")
    table_id: Id | None = PydanticField(
        default=None, description="One of this article's tables, showing the same timeline as a table."
    )


BlockInput = Annotated[
    HeadingBlockInput
    | ParagraphBlockInput
    | ListBlockInput
    | QuoteBlockInput
    | ImageBlockInput
    | EmbedBlockInput
    | TableBlockInput
    | TimelineBlockInput,
    PydanticField(discriminator="type"),
]
# what is stored, read back as it was written (leniently: rows written before these rules must still read)
StoredBlock = Annotated[
    HeadingBlock
    | ParagraphBlock
    | ListBlock
    | QuoteBlock
    | ImageBlock
    | EmbedBlock
    | TableBlockInput
    | TimelineBlockInput,
    PydanticField(discriminator="type"),
]


class ArticleCreate(ArticleBase):
    """An article as a client writes it (POST, and PUT which replaces every field)."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    canonical_url: str | None = Field(default=None, max_length=2048, schema_extra=HTTP_URL_RULE)
    hero_image: HeroImage | None = None
    category: Slug = Field(description="The category's slug.")
    tags: list[Slug] = Field(default_factory=list, max_length=50, description="Tag slugs, in order.")
    authors: list[Slug] = Field(default_factory=list, max_length=20, description="Author slugs, in order.")
    blocks: list[BlockInput] = Field(default_factory=list, max_length=500, description="The body, in order.")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        return storable(data)


# fields an update may leave out but may not set to null
_REQUIRED = ("slug", "title", "language", "category", "tags", "authors", "blocks")


class ArticleUpdate(SQLModel):
    """A partial change (PATCH): only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    slug: str | None = Field(default=None, max_length=120, schema_extra=SLUG_RULE)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    focus_keyword: str | None = Field(default=None, max_length=200)
    standfirst: str | None = Field(default=None, max_length=1000)
    language: str | None = Field(default=None, max_length=16, schema_extra=LANGUAGE_RULE)
    canonical_url: str | None = Field(default=None, max_length=2048, schema_extra=HTTP_URL_RULE)
    seo_title: str | None = Field(default=None, max_length=300)
    seo_description: str | None = Field(default=None, max_length=500)
    hero_image: HeroImage | None = None
    category: Slug | None = None
    tags: list[Slug] | None = Field(default=None, max_length=50)
    authors: list[Slug] | None = Field(default=None, max_length=20)
    blocks: list[BlockInput] | None = Field(default=None, max_length=500)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        return storable(data)

    @model_validator(mode="after")
    def _required_not_null(self) -> "ArticleUpdate":
        nulled = sorted(
            name for name in _REQUIRED if name in self.model_fields_set and getattr(self, name) is None
        )
        if nulled:
            raise ValueError(f"{', '.join(nulled)} may be left out but not set to null")
        return self


class ArticleAdmin(ArticleBase):
    """The whole article as the management API shows it, any status; blocks as they were written."""

    id: int
    status: ArticleStatus
    published_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    word_count: int
    reading_time_minutes: int
    hero_image: HeroImage | None
    category: str = Field(description="The category's slug.")
    tags: list[str] = Field(description="Tag slugs, in order.")
    authors: list[str] = Field(description="Author slugs, in order.")
    blocks: list[StoredBlock]


CONTENT_FIELDS = tuple(ArticleCreate.model_fields)


class PublishRequest(BaseModel):
    model_config = _INPUT

    published_at: UtcTime | None = PydanticField(
        default=None,
        description="RFC 3339. Left out or past: published now (or at that time). Future: scheduled.",
    )


class RevisionSummary(BaseModel):
    number: int
    created_at: datetime
    key_id: int | None
    key_name: str
    action: str = PydanticField(description="create, update, replace, publish, schedule, unpublish, ...")
    changed: list[str] = PydanticField(description="The fields this change changed.")


class RevisionDetail(RevisionSummary):
    snapshot: ArticleAdmin = PydanticField(description="The article as it was saved by this revision.")


class CorrectionCreate(BaseModel):
    model_config = _INPUT

    note: str = PydanticField(min_length=1, max_length=2000)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        return storable(data)


class Correction(BaseModel):
    """A public correction note, with the time it was made."""

    at: datetime
    note: str


class CorrectionAdmin(Correction):
    id: int
    article_id: int


MAX_PREVIEW_SECONDS = 7 * 24 * 3600


class PreviewTokenRequest(BaseModel):
    model_config = _INPUT

    expires_in: int = PydanticField(
        default=3600,
        ge=1,
        le=MAX_PREVIEW_SECONDS,
        description="Seconds the token stays valid (at most 7 days).",
    )


class PreviewTokenIssued(BaseModel):
    token: str
    url: str = PydanticField(description="Where the preview is served, with no key needed.")
    expires_at: datetime
    jti: str = PydanticField(description="The token's id, to revoke it with.")
    revision: int = PydanticField(description="The number of the revision the token shows.")


class PreviewTokenAdmin(BaseModel):
    jti: str
    article_id: int
    revision_id: int
    expires_at: datetime
    revoked_at: datetime | None


# --- delivery: what these are in a response, and what a change of them purges --------------------------

surrogate_entity("article", ArticleRef, ArticleSummary)
PUBLIC_STATES = (ArticleStatus.published, ArticleStatus.scheduled)


@purge_rule(Article)
def _article_purges(article: Article, change: Change) -> list[str]:
    """Its own key purges every response showing it; the list keys are for the lists it may now join."""
    keys = [entity_key("article", article.id)]
    if was_or_is(article, "status", PUBLIC_STATES):
        keys += [ARTICLES_LIST, TABLES_LIST, TIMELINES_LIST]
    return keys


def _purges_its_article(row: Any, change: Change) -> list[str]:
    return [entity_key("article", row.article_id)]


for _model in (ArticleTag, ArticleAuthor, ArticleBlock, ArticleSlugRedirect, ArticleCorrection):
    purge_rule(_model)(_purges_its_article)

# --- the articles a transaction touched, for the domains that follow every article write -----------------

changes.belongs_to_article(Article, lambda article: article.id)
for _model in (ArticleTag, ArticleAuthor, ArticleBlock, ArticleCorrection):
    changes.belongs_to_article(_model, lambda row: row.article_id)
