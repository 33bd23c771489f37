"""Theme tables: titled tables with ordered, typed columns and rows of cells, owned by an article."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index
from sqlmodel import Column, Field, SQLModel

from app.articles.models import ArticleRef
from app.db import JSONType, UTCDateTime, utcnow, version_column

Cell = str | int | float | None


class ColumnType(StrEnum):
    text = "text"
    date = "date"
    number = "number"
    link = "link"


class TableColumn(SQLModel):
    key: str = Field(max_length=64, regex=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1, max_length=200)
    type: ColumnType = ColumnType.text


class ContentTableBase(SQLModel):
    title: str = Field(min_length=1, max_length=300)
    caption: str | None = Field(default=None, max_length=1000)


_table_version = version_column()


class ContentTable(ContentTableBase, table=True):
    __mapper_args__ = {"version_id_col": _table_version}

    version: int = Field(default=1, sa_column=_table_version)
    __table_args__ = (Index("ix_contenttable_article_id_position", "article_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    position: int = Field(default=0, description="Order among the article's tables.")
    columns: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    rows: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ContentTablePublic(ContentTableBase):
    id: int
    columns: list[TableColumn]
    rows: list[list[Cell]]
    article: ArticleRef
    position: int
    updated_at: datetime
