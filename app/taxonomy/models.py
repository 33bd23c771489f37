"""Categories (the site's sections), tags and authors."""

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, model_validator
from sqlmodel import Column, Field, SQLModel

from app.db import UTCDateTime, utcnow, version_column
from app.http_cache import (
    ARTICLES_LIST,
    AUTHORS_LIST,
    CATEGORIES_LIST,
    TAGS_LIST,
    entity_key,
    surrogate_entity,
)
from app.purge import Change, PurgeRule, changed, purge_rule

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HTTP_URL_PATTERN = r"^https?://\S+$"
# SQLModel's `Field(regex=...)` is silently ignored under Pydantic 2; `pattern` is passed on this way
SLUG_RULE = {"pattern": SLUG_PATTERN}
HTTP_URL_RULE = {"pattern": HTTP_URL_PATTERN}


class CategoryBase(SQLModel):
    slug: str = Field(max_length=80, schema_extra=SLUG_RULE, unique=True, index=True)
    name: str = Field(min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=500)
    position: int = Field(default=0, ge=0, description="Order of the section on the home page.")


_category_version = version_column()


class Category(CategoryBase, table=True):
    __mapper_args__ = {"version_id_col": _category_version}

    version: int = Field(default=1, sa_column=_category_version)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CategoryPublic(CategoryBase):
    id: int


class CategoryRef(SQLModel):
    id: int
    slug: str
    name: str


class TagBase(SQLModel):
    slug: str = Field(max_length=80, schema_extra=SLUG_RULE, unique=True, index=True)
    name: str = Field(min_length=1, max_length=120)


_tag_version = version_column()


class Tag(TagBase, table=True):
    __mapper_args__ = {"version_id_col": _tag_version}

    version: int = Field(default=1, sa_column=_tag_version)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class TagPublic(TagBase):
    id: int


class AuthorBase(SQLModel):
    slug: str = Field(max_length=80, schema_extra=SLUG_RULE, unique=True, index=True)
    name: str = Field(min_length=1, max_length=120)
    bio: str | None = Field(default=None, max_length=2000)
    avatar_url: str | None = Field(default=None, max_length=2048, schema_extra=HTTP_URL_RULE)


_author_version = version_column()


class Author(AuthorBase, table=True):
    __mapper_args__ = {"version_id_col": _author_version}

    version: int = Field(default=1, sa_column=_author_version)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class AuthorPublic(AuthorBase):
    id: int


class AuthorRef(SQLModel):
    id: int
    slug: str
    name: str


def _refuse_nul(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text may not contain NUL characters")
    elif isinstance(value, dict):
        for item in value.values():
            _refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item)


class WriteBody(SQLModel):
    """Base of management request bodies: an unknown or server-owned field is a 422, never ignored, and so
    is a NUL character anywhere in the body (PostgreSQL cannot store one)."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        _refuse_nul(data)
        return data


POSITION_MAX = 2**31 - 1


class CategoryCreate(CategoryBase, WriteBody):
    position: int = Field(
        default=0, ge=0, le=POSITION_MAX, description="Order of the section on the home page."
    )


class CategoryUpdate(WriteBody):
    """Only the fields sent are changed; `null` is refused for fields that must have a value."""

    slug: str = Field(default=None, max_length=80, schema_extra=SLUG_RULE)
    name: str = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=500)
    position: int = Field(default=None, ge=0, le=POSITION_MAX)


class CategoryAdmin(CategoryBase):
    id: int
    version: int
    created_at: datetime
    updated_at: datetime


class TagCreate(TagBase, WriteBody):
    pass


class TagUpdate(WriteBody):
    """Only the fields sent are changed."""

    slug: str = Field(default=None, max_length=80, schema_extra=SLUG_RULE)
    name: str = Field(default=None, min_length=1, max_length=120)


class TagAdmin(TagBase):
    id: int
    version: int
    created_at: datetime


class AuthorCreate(AuthorBase, WriteBody):
    pass


class AuthorUpdate(WriteBody):
    """Only the fields sent are changed; `null` clears `bio` and `avatar_url`."""

    slug: str = Field(default=None, max_length=80, schema_extra=SLUG_RULE)
    name: str = Field(default=None, min_length=1, max_length=120)
    bio: str | None = Field(default=None, max_length=2000)
    avatar_url: str | None = Field(default=None, max_length=2048, schema_extra=HTTP_URL_RULE)


class AuthorAdmin(AuthorBase):
    id: int
    version: int
    created_at: datetime


# --- delivery: what these are in a response, and what a change of them purges --------------------------

surrogate_entity("category", CategoryPublic, CategoryRef)
surrogate_entity("tag", TagPublic)
surrogate_entity("author", AuthorPublic, AuthorRef)


def _taxonomy_purges(kind: str, collection: str, also_reorders: tuple[str, ...] = ()) -> PurgeRule:
    def rule(row: Any, change: Change) -> list[str]:
        keys = [entity_key(kind, row.id)]
        if change is not Change.updated or changed(row, *also_reorders):
            keys.append(collection)
        if change is Change.updated and changed(row, "slug"):  # article summaries show its slug
            keys.append(ARTICLES_LIST)
        return keys

    return rule


purge_rule(Category)(_taxonomy_purges("category", CATEGORIES_LIST, ("slug", "position", "name")))
purge_rule(Tag)(_taxonomy_purges("tag", TAGS_LIST, ("slug",)))
purge_rule(Author)(_taxonomy_purges("author", AUTHORS_LIST, ("slug",)))
