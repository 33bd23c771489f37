"""Partner sync and webhooks: the change log behind `/v1/sync`, each article's last announced state,
webhook subscriptions, the event outbox and its deliveries."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PydanticField
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Index, Integer, PrimaryKeyConstraint, String
from sqlmodel import Column, Field, SQLModel

from app.articles.body import ArticleDetail
from app.articles.models import ArticleSummary
from app.db import JSONType, UTCDateTime, utcnow, version_column
from app.taxonomy.models import HTTP_URL_RULE, WriteBody

# SQLite makes a rowid alias (and AUTOINCREMENT) only of a column declared exactly INTEGER PRIMARY KEY
Sequence = BigInteger().with_variant(Integer(), "sqlite")


class ChangeKind(StrEnum):
    created = "created"
    updated = "updated"
    unpublished = "unpublished"
    deleted = "deleted"


class EventType(StrEnum):
    published = "article.published"
    updated = "article.updated"
    unpublished = "article.unpublished"
    deleted = "article.deleted"


EVENT_FOR_CHANGE = {
    ChangeKind.created: EventType.published,
    ChangeKind.updated: EventType.updated,
    ChangeKind.unpublished: EventType.unpublished,
    ChangeKind.deleted: EventType.deleted,
}


class DeliveryStatus(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


# --- the change log ------------------------------------------------------------------------------------


class SyncState(SQLModel, table=True):
    """What partners were last told about an article; changes are the differences from it.

    No foreign key to the article: the state must outlive the article's deletion until it is announced."""

    article_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    public: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    announced: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False), description="Ever announced as public."
    )
    due_at: datetime | None = Field(
        default=None,
        sa_column=Column(UTCDateTime(), nullable=True, index=True),
        description="A scheduled publish time still to be announced.",
    )
    category_id: int | None = None
    tag_ids: list[Any] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    fingerprint: str | None = Field(default=None, max_length=64)


class SyncChange(SQLModel, table=True):
    """One entry of the `/v1/sync` log; `seq` is assigned in commit order (see `sync.record_changes`)."""

    __table_args__ = (
        CheckConstraint("kind IN ('created', 'updated', 'unpublished', 'deleted')", name="kind_known"),
        {"sqlite_autoincrement": True},
    )

    seq: int | None = Field(default=None, sa_column=Column(Sequence, primary_key=True, autoincrement=True))
    article_id: int
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    changed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class SyncChangeScope(SQLModel, table=True):
    """The categories and tags an article had before and after a change, so a filtered feed delivers the
    changes of every article that matched its filter at either time (leaving the filter included)."""

    __table_args__ = (
        PrimaryKeyConstraint("seq", "kind", "ref_id"),
        CheckConstraint("kind IN ('category', 'tag')", name="kind_known"),
        Index("ix_syncchangescope_kind_ref_id_seq", "kind", "ref_id", "seq"),
    )

    seq: int = Field(sa_column=Column(Sequence, nullable=False))
    kind: str = Field(sa_column=Column(String(8), nullable=False))
    ref_id: int


# --- webhooks ------------------------------------------------------------------------------------------


class WebhookSubscriptionBase(SQLModel):
    url: str = Field(
        max_length=2048,
        schema_extra=HTTP_URL_RULE,
        description="Where events are POSTed: http or https, to a public address (see the SSRF rules).",
    )
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType))
    description: str | None = Field(default=None, max_length=300)
    active: bool = Field(
        default=True,
        description="An inactive subscription gets no new events; deliveries already queued wait for it.",
    )


_subscription_version = version_column()


class WebhookSubscription(WebhookSubscriptionBase, table=True):
    __mapper_args__ = {"version_id_col": _subscription_version}

    version: int = Field(default=1, sa_column=_subscription_version)
    id: int | None = Field(default=None, primary_key=True)
    event_types: list[Any] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    secret: str = Field(max_length=128, description="Signs every delivery; kept to sign, shown once.")
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class WebhookEvent(SQLModel, table=True):
    """The outbox: written in the transaction of the change it reports."""

    id: str = Field(max_length=36, primary_key=True, description="A UUID, unique per event.")
    type: str = Field(sa_column=Column(String(32), nullable=False))
    article_id: int
    seq: int | None = Field(default=None, sa_column=Column(Sequence, nullable=True))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class WebhookDelivery(SQLModel, table=True):
    """One event to one subscription: its attempts and their outcome (the subscription's delivery log)."""

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="status_known"),
        Index("ix_webhookdelivery_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhookdelivery_subscription_id_id", "subscription_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36, foreign_key="webhookevent.id", ondelete="CASCADE", index=True)
    subscription_id: int = Field(foreign_key="webhooksubscription.id", ondelete="CASCADE")
    status: str = Field(default=DeliveryStatus.pending, sa_column=Column(String(16), nullable=False))
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    claim_token: str | None = Field(default=None, max_length=32)
    last_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


# --- API models ----------------------------------------------------------------------------------------

SECRET_RULE = {"pattern": r"^[\x21-\x7e]+$"}


def _distinct(types: list[EventType] | None) -> list[EventType] | None:
    if types is not None and len(set(types)) != len(types):
        raise ValueError("each event type may be listed once")
    return types


class WebhookSubscriptionCreate(WebhookSubscriptionBase, WriteBody):
    secret: str | None = Field(
        default=None,
        min_length=24,
        max_length=128,
        schema_extra=SECRET_RULE,
        description="Printable ASCII, 24 to 128 characters; left out, one is made (`whsec_...`).",
    )

    _distinct_types = field_validator("event_types")(_distinct)


class WebhookSubscriptionUpdate(WriteBody):
    url: str | None = Field(default=None, max_length=2048, schema_extra=HTTP_URL_RULE)
    event_types: list[EventType] | None = Field(default=None, min_length=1, max_length=len(EventType))
    description: str | None = Field(default=None, max_length=300)
    active: bool | None = None
    secret: str | None = Field(
        default=None, min_length=24, max_length=128, schema_extra=SECRET_RULE, description="A new secret."
    )

    _distinct_types = field_validator("event_types")(_distinct)


class WebhookSubscriptionAdmin(WebhookSubscriptionBase):
    id: int
    version: int
    created_at: datetime
    updated_at: datetime


class WebhookSubscriptionCreated(WebhookSubscriptionAdmin):
    secret: str = Field(description="The signing secret. Shown here once; store it to verify signatures.")


class WebhookDeliveryAdmin(BaseModel):
    id: int
    subscription_id: int
    event_id: str
    event_type: EventType
    article_id: int
    status: DeliveryStatus
    attempts: int = PydanticField(description="Attempts made so far (a crashed attempt counts).")
    next_attempt_at: datetime | None = PydanticField(description="When a pending delivery is tried next.")
    last_attempt_at: datetime | None
    last_status_code: int | None = PydanticField(description="The receiver's HTTP status, if it answered.")
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class SyncItem(BaseModel):
    model_config = ConfigDict(json_schema_extra={"description": "One entry of the sync feed."})

    seq: int = PydanticField(
        description="The change's position in the log (snapshot entries: the snapshot's)."
    )
    kind: ChangeKind
    article_id: int
    article: ArticleDetail | ArticleSummary | None = PydanticField(
        description="The article as it is now, when it is public (and matches the filters); else null. "
        "The whole article for keys with `partner:full-content`, a summary otherwise."
    )
    changed_at: datetime


class SyncMeta(BaseModel):
    limit: int
    next_cursor: str = PydanticField(
        description="Where to continue; always given: keep it and poll with it later for newer changes."
    )
    has_more: bool = PydanticField(description="Whether more entries are available right now.")


class SyncPage(BaseModel):
    items: list[SyncItem]
    meta: SyncMeta
