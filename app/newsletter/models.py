"""Newsletter subscribers with their consent records and tokens, and the outbox of mails to send."""

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import idna
from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic import Field as PydanticField
from sqlalchemy import CheckConstraint, Index, String, Text
from sqlmodel import Column, Field, SQLModel

from app.db import JSONType, UTCDateTime, utcnow
from app.taxonomy.models import SLUG_PATTERN, WriteBody

EMAIL_MAX = 254  # RFC 5321's path limit, less the angle brackets
TOPICS_MAX = 20
TOKEN_MAX = 128
_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_email(value: str) -> str:
    """One spelling per mailbox: trimmed, lowercased (the local part too), the domain in IDNA ASCII form.

    RFC 5321 lets a server treat the local part case-sensitively, but no mainstream provider does; folding
    it keeps `Ann@` and `ann@` one subscriber. Quoted local parts, address literals and non-ASCII local
    parts (SMTPUTF8) are refused: a confirmation mail to them would rarely arrive."""
    address = value.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("is not an email address")
    local = local.lower()
    if len(local) > 64 or not _LOCAL_PART.match(local):
        raise ValueError("has a local part (before the @) that cannot be used")
    try:
        ascii_domain = idna.encode(domain.rstrip("."), uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError("has a domain that is not a valid host name") from exc
    labels = ascii_domain.split(".")
    if (
        len(labels) < 2
        or len(ascii_domain) > 253
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError("has a domain that is not a valid host name")
    normalized = f"{local}@{ascii_domain}"
    if len(normalized) > EMAIL_MAX:
        raise ValueError(f"is longer than {EMAIL_MAX} characters")
    return normalized


def _unique_topics(topics: list[str]) -> list[str]:
    if len(set(topics)) != len(topics):
        raise ValueError("names a topic more than once")
    return sorted(topics)


Email = Annotated[
    str,
    StringConstraints(min_length=3, max_length=320),
    AfterValidator(normalize_email),
    PydanticField(json_schema_extra={"format": "email"}),
]
Topic = Annotated[str, StringConstraints(max_length=80, pattern=SLUG_PATTERN)]


class SubscriberStatus(StrEnum):
    pending = "pending"  # asked, not confirmed yet: receives nothing but the confirmation mail
    confirmed = "confirmed"
    unsubscribed = "unsubscribed"


class TokenPurpose(StrEnum):
    confirm = "confirm"
    unsubscribe = "unsubscribe"


class MailStatus(StrEnum):
    pending = "pending"  # waiting for its first or next attempt
    sent = "sent"
    failed = "failed"  # refused for good, or out of attempts


class NewsletterSubscriber(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'confirmed', 'unsubscribed')", name="status_known"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(EMAIL_MAX), nullable=False, unique=True))
    status: str = Field(default=SubscriberStatus.pending, sa_column=Column(String(16), nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    unsubscribed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class NewsletterConsent(SQLModel, table=True):
    """One subscription request, as asked: when, from where, for which topics; and when it was confirmed."""

    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="newslettersubscriber.id", ondelete="CASCADE", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    source: str = Field(sa_column=Column(String(40), nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    ip_hash: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class NewsletterToken(SQLModel, table=True):
    """A link's secret, stored only as its SHA-256: confirmation (single use, expiring) or unsubscribe."""

    __table_args__ = (
        CheckConstraint("purpose IN ('confirm', 'unsubscribe')", name="purpose_known"),
        Index(
            "ix_newslettertoken_subscriber_id_purpose_created_at", "subscriber_id", "purpose", "created_at"
        ),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="newslettersubscriber.id", ondelete="CASCADE")
    purpose: str = Field(sa_column=Column(String(16), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    consent_id: int | None = Field(
        default=None, foreign_key="newsletterconsent.id", ondelete="CASCADE", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class NewsletterMail(SQLModel, table=True):
    """The outbox: a mail is stored with the request that causes it and sent by a worker, with retries."""

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        Index("ix_newslettermail_status_next_attempt_at", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int | None = Field(
        default=None, foreign_key="newslettersubscriber.id", ondelete="SET NULL", index=True
    )
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    to_address: str = Field(sa_column=Column(String(EMAIL_MAX), nullable=False))
    subject: str = Field(sa_column=Column(String(300), nullable=False))
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    headers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    status: str = Field(default=MailStatus.pending, sa_column=Column(String(16), nullable=False))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


# --- request and response bodies ----------------------------------------------------------------------


class SubscriptionRequest(WriteBody):
    email: Email = Field(description="The address to subscribe; stored trimmed and lowercased, IDNA domain.")
    topics: Annotated[list[Topic], AfterValidator(_unique_topics)] = Field(
        default_factory=list,
        max_length=TOPICS_MAX,
        description="Category slugs the reader wants (none: everything). An unknown slug is a 422.",
    )
    source: str = Field(
        default="api",
        max_length=40,
        schema_extra={"pattern": r"^[a-z0-9][a-z0-9._-]*$"},
        description="Where the request came from (`web`, `app`, ...), kept in the consent record.",
    )


class SubscriptionAccepted(BaseModel):
    """The same answer whether the address is new, pending, confirmed or unsubscribed."""

    status: Literal["accepted"] = "accepted"
    detail: str


class ConfirmRequest(WriteBody):
    token: str = Field(
        min_length=1, max_length=TOKEN_MAX, description="The token from the confirmation link."
    )


class SubscriptionState(BaseModel):
    status: SubscriberStatus
    topics: list[str] = PydanticField(description="Category slugs; empty means every topic.")
