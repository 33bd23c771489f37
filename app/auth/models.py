"""API keys with scopes, the audit trail of writes, and this installation's signing secret."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, ConfigDict
from sqlalchemy import Index, String
from sqlmodel import Column, Field, SQLModel

from app.db import JSONType, UTCDateTime, utcnow


class Scope(StrEnum):
    content_write = "content:write"
    content_publish = "content:publish"
    content_read_drafts = "content:read-drafts"
    partner_full_content = "partner:full-content"
    admin = "admin"


class ApiKeyBase(SQLModel):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[Scope] = Field(min_length=1)
    expires_at: AwareDatetime | None = Field(default=None, description="No longer valid from this time on.")


class ApiKey(ApiKeyBase, table=True):
    """Only a hash of the secret is kept; the key itself is shown once, when it is made."""

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(sa_column=Column(String(16), nullable=False, unique=True))
    secret_hash: str = Field(sa_column=Column(String(64), nullable=False))
    scopes: list[Any] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ApiKeyCreate(ApiKeyBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class ApiKeyPublic(ApiKeyBase):
    id: int
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The key itself. It is shown this once and cannot be recovered.")


class AuditEntry(SQLModel, table=True):
    __table_args__ = (Index("ix_auditentry_at_id", "at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    key_id: int | None = Field(default=None, foreign_key="apikey.id", ondelete="SET NULL", index=True)
    key_name: str = Field(max_length=120)
    action: str = Field(max_length=64, description="e.g. `article.update`, `article.publish`.")
    resource_type: str = Field(max_length=32)
    resource_id: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))


class AuditEntryPublic(SQLModel):
    id: int
    at: datetime
    key_id: int | None
    key_name: str
    action: str
    resource_type: str
    resource_id: int | None
    detail: dict[str, Any]


class SigningSecret(SQLModel, table=True):
    """The installation's secret for signed tokens, made on first use and shared by every process."""

    id: int = Field(default=1, primary_key=True)
    secret: str = Field(sa_column=Column(String(128), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
