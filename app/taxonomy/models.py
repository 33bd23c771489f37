"""Categories (the site's sections), tags and authors."""

from datetime import datetime

from sqlmodel import Column, Field, SQLModel

from app.db import UTCDateTime, utcnow, version_column

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class CategoryBase(SQLModel):
    slug: str = Field(max_length=80, regex=SLUG_PATTERN, unique=True, index=True)
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
    slug: str = Field(max_length=80, regex=SLUG_PATTERN, unique=True, index=True)
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
    slug: str = Field(max_length=80, regex=SLUG_PATTERN, unique=True, index=True)
    name: str = Field(min_length=1, max_length=120)
    bio: str | None = Field(default=None, max_length=2000)
    avatar_url: str | None = Field(default=None, max_length=2048, regex=r"^https?://\S+$")


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
