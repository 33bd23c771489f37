"""View counts in hourly buckets, trending pins and blocks, and curated lists with their entries."""

import builtins
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StrictInt, StringConstraints, WithJsonSchema, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import CheckConstraint, Index, Integer, PrimaryKeyConstraint, String, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from app.articles.models import ArticleSummary
from app.db import UTCDateTime, utcnow, version_column
from app.http_cache import TRENDING, entity_key, surrogate_entity
from app.pagination import MAX_LIMIT
from app.params import UtcTime
from app.purge import Change, purge_rule
from app.taxonomy.models import SLUG_PATTERN, SLUG_RULE, WriteBody

MAX_BATCH = 1000
HALF_LIFE_DEFAULT, HALF_LIFE_MIN, HALF_LIFE_MAX = 6.0, 0.25, 168.0
WINDOW_DEFAULT, WINDOW_MAX = 48, 168
LIST_KEY = "curated-list"

# --- view counting ------------------------------------------------------------------------------------


class ViewBucket(SQLModel, table=True):
    """The views of one article in one clock hour: events are added to their hour, never stored singly."""

    __table_args__ = (
        PrimaryKeyConstraint("article_id", "hour"),
        Index("ix_viewbucket_hour_article_id", "hour", "article_id"),
    )

    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    hour: int = Field(sa_column=Column(Integer, nullable=False, autoincrement=False))
    views: int = Field(default=0)


class ViewSeen(SQLModel, table=True):
    """An anonymous session (hashed) that already viewed an article in an hour; pruned after a day."""

    __table_args__ = (PrimaryKeyConstraint("hour", "article_id", "session_hash"),)

    hour: int = Field(sa_column=Column(Integer, nullable=False, autoincrement=False))
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    session_hash: str = Field(sa_column=Column(String(32), nullable=False))


ArticleId = Annotated[StrictInt, PydanticField(ge=1, le=2**31 - 1)]
ArticleSlug = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=SLUG_PATTERN)]


class ViewEvent(BaseModel):
    """One page view of a public article."""

    model_config = ConfigDict(extra="forbid")

    article: ArticleId | ArticleSlug = PydanticField(description="The article's id or current slug.")
    session: str | None = PydanticField(
        default=None,
        min_length=1,
        max_length=128,
        description="An opaque anonymous session id: the same session counts once per article per hour. "
        "Only a hash of it is stored.",
    )
    at: UtcTime | None = PydanticField(
        default=None,
        description="When the view happened (RFC 3339); now when left out. At most 24 hours ago; up to "
        "5 minutes ahead is taken as now (clock skew), later is refused.",
    )
    user_agent: str | None = PydanticField(
        default=None,
        max_length=512,
        description="The reader's User-Agent, for frontends relaying views from their server; the request's "
        "own User-Agent is used when left out. Known crawlers are not counted.",
    )


_EVENT_SCHEMA = ViewEvent.model_json_schema()
_VIEWS_SCHEMA = {
    "title": "ViewEvents",
    "description": f'One view event, or `{{"events": [...]}}` with 1 to {MAX_BATCH} of them.',
    "anyOf": [
        _EVENT_SCHEMA,
        {
            "type": "object",
            "properties": {
                "events": {"type": "array", "items": _EVENT_SCHEMA, "minItems": 1, "maxItems": MAX_BATCH}
            },
            "required": ["events"],
            "additionalProperties": False,
        },
    ],
}


class ViewBatch(BaseModel):
    """What `POST /v1/events/views` reads: a single event is a batch of one."""

    model_config = ConfigDict(extra="forbid")

    events: list[ViewEvent] = PydanticField(min_length=1, max_length=MAX_BATCH)

    @model_validator(mode="before")
    @classmethod
    def _one_or_many(cls, data: Any) -> Any:
        if isinstance(data, dict) and "events" not in data:
            return {"events": [data]}
        return data


ViewEvents = Annotated[ViewBatch, WithJsonSchema(_VIEWS_SCHEMA)]


class ViewReceipt(BaseModel):
    accepted: int = PydanticField(description="Views counted.")
    duplicates: int = PydanticField(
        description="Views of a session already counted for that article and hour."
    )
    ignored_bots: int = PydanticField(description="Views from known crawlers, not counted.")


# --- pins, blocks, curated lists ----------------------------------------------------------------------


class ListKind(StrEnum):
    trending = "trending"  # its entries at their positions, computed trending articles around them
    manual = "manual"  # only its entries


_pin_version = version_column()


class TrendingPin(SQLModel, table=True):
    """An article held at a position of `/v1/trending` (site-wide, or of one category) until it expires."""

    __table_args__ = ({"sqlite_autoincrement": True},)
    __mapper_args__ = {"version_id_col": _pin_version}

    version: int = Field(default=1, sa_column=_pin_version)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    category_id: int | None = Field(default=None, foreign_key="category.id", ondelete="CASCADE", index=True)
    position: int
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


_block_version = version_column()


class TrendingBlock(SQLModel, table=True):
    """An article that never appears among computed trending entries (a pin still places it)."""

    __table_args__ = (UniqueConstraint("article_id"), {"sqlite_autoincrement": True})
    __mapper_args__ = {"version_id_col": _block_version}

    version: int = Field(default=1, sa_column=_block_version)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CuratedListBase(SQLModel):
    slug: str = Field(max_length=80, schema_extra=SLUG_RULE)
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)


_list_version = version_column()


class CuratedList(CuratedListBase, table=True):
    __table_args__ = (
        UniqueConstraint("slug"),
        CheckConstraint("kind IN ('trending', 'manual')", name="kind_known"),
        {"sqlite_autoincrement": True},
    )
    __mapper_args__ = {"version_id_col": _list_version}

    version: int = Field(default=1, sa_column=_list_version)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default=ListKind.trending, sa_column=Column(String(16), nullable=False))
    category_id: int | None = Field(default=None, foreign_key="category.id", ondelete="RESTRICT", index=True)
    half_life_hours: float = Field(default=HALF_LIFE_DEFAULT)
    window_hours: int = Field(default=WINDOW_DEFAULT)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


_entry_version = version_column()


class CuratedListEntry(SQLModel, table=True):
    """An article placed at a position of a curated list until it expires."""

    __table_args__ = ({"sqlite_autoincrement": True},)
    __mapper_args__ = {"version_id_col": _entry_version}

    version: int = Field(default=1, sa_column=_entry_version)
    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="curatedlist.id", ondelete="CASCADE", index=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    position: int
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


# --- public reads ---------------------------------------------------------------------------------------


class TrendingItem(BaseModel):
    position: int = PydanticField(description="1 is first.")
    article: ArticleSummary
    score: float = PydanticField(
        description="Views in the window, each weighted by 0.5^(age / half-life), the age in whole hours "
        "between the view's hour and the current one."
    )
    views: int = PydanticField(description="Views in the window, unweighted.")
    velocity: int = PydanticField(
        description="Views in the last complete hour minus views in the hour before it: positive while an "
        "article is gaining readers, negative while it cools down."
    )
    pinned: bool = PydanticField(description="Placed at this position by the editors.")


class RankingMeta(BaseModel):
    limit: int
    next_cursor: None = PydanticField(default=None, description="Always null: a ranking is one page.")
    as_of: datetime = PydanticField(
        description="The start of the current hour: bucket ages, and so scores, are counted from it."
    )
    half_life_hours: float
    window_hours: int
    category: str | None = PydanticField(description="The category's slug, or null for the whole site.")


class TrendingPage(BaseModel):
    items: list[TrendingItem]
    meta: RankingMeta


class CuratedListPublic(CuratedListBase):
    id: int
    kind: ListKind


class CuratedListPage(BaseModel):
    list: CuratedListPublic
    items: builtins.list[TrendingItem]
    meta: RankingMeta


# --- management -----------------------------------------------------------------------------------------

POSITION = f"1 to {MAX_LIMIT}; 1 is first."
NEVER = "Never expires when left out or null."


class PinCreate(WriteBody):
    article_id: ArticleId
    position: int = Field(ge=1, le=MAX_LIMIT, description=POSITION)
    expires_at: UtcTime | None = Field(default=None, description=NEVER)
    category: str | None = Field(
        default=None,
        description="Pin in this category's trending (its slug); the site-wide trending when left out.",
        max_length=80,
        schema_extra=SLUG_RULE,
    )


class PlacementUpdate(WriteBody):
    """Only the fields sent are changed; `expires_at: null` makes the placement permanent."""

    position: int = Field(default=None, ge=1, le=MAX_LIMIT, description=POSITION)
    expires_at: UtcTime | None = Field(default=None)


class PinAdmin(BaseModel):
    id: int
    version: int
    article_id: int
    category: str | None
    position: int
    expires_at: datetime | None
    created_at: datetime


class BlockCreate(WriteBody):
    article_id: ArticleId
    reason: str | None = Field(default=None, max_length=500)


class BlockAdmin(BaseModel):
    id: int
    version: int
    article_id: int
    reason: str | None
    created_at: datetime


class EntryCreate(WriteBody):
    article_id: ArticleId
    position: int = Field(ge=1, le=MAX_LIMIT, description=POSITION)
    expires_at: UtcTime | None = Field(default=None, description=NEVER)


class EntryAdmin(BaseModel):
    id: int
    version: int
    list_id: int
    article_id: int
    position: int
    expires_at: datetime | None
    created_at: datetime


class CuratedListCreate(CuratedListBase, WriteBody):
    kind: ListKind = ListKind.trending
    category: str | None = Field(
        default=None,
        description="Trending lists: rank only this category's articles (its slug), not the whole site.",
        max_length=80,
        schema_extra=SLUG_RULE,
    )
    half_life_hours: float = Field(default=HALF_LIFE_DEFAULT, ge=HALF_LIFE_MIN, le=HALF_LIFE_MAX)
    window_hours: int = Field(default=WINDOW_DEFAULT, ge=1, le=WINDOW_MAX)


class CuratedListUpdate(WriteBody):
    """Only the fields sent are changed; `null` clears `description` and `category`."""

    slug: str = Field(default=None, max_length=80, schema_extra=SLUG_RULE)
    title: str = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    kind: ListKind = Field(default=None)
    category: str | None = Field(default=None, max_length=80, schema_extra=SLUG_RULE)
    half_life_hours: float = Field(default=None, ge=HALF_LIFE_MIN, le=HALF_LIFE_MAX)
    window_hours: int = Field(default=None, ge=1, le=WINDOW_MAX)


class CuratedListAdmin(CuratedListBase):
    id: int
    version: int
    kind: ListKind
    category: str | None
    half_life_hours: float
    window_hours: int
    created_at: datetime
    updated_at: datetime
    entries: list[EntryAdmin] = Field(description="In position order, expired ones included.")


# --- delivery: what these are in a response, and what a change of them purges --------------------------

surrogate_entity(LIST_KEY, CuratedListPublic)


@purge_rule(TrendingPin)
@purge_rule(TrendingBlock)
def _trending_purges(row: TrendingPin | TrendingBlock, change: Change) -> list[str]:
    """Curated lists carry `trending` too, so a block (which changes their computed entries) purges them."""
    return [TRENDING]


@purge_rule(CuratedList)
def _list_purges(row: CuratedList, change: Change) -> list[str]:
    return [entity_key(LIST_KEY, row.id)]


@purge_rule(CuratedListEntry)
def _entry_purges(row: CuratedListEntry, change: Change) -> list[str]:
    return [entity_key(LIST_KEY, row.list_id)]
