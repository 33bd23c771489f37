"""Theme tables: titled tables with ordered, typed columns and rows of cells, owned by an article."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field as PydanticField
from pydantic import StrictInt, StrictStr
from sqlalchemy import Index
from sqlmodel import Column, Field, SQLModel

from app.articles import changes
from app.articles.models import ArticleRef
from app.db import JSONType, UTCDateTime, utcnow, version_column
from app.http_cache import TABLES_LIST, entity_key, surrogate_entity
from app.purge import Change, changed, purge_rule
from app.taxonomy.models import WriteBody

Cell = str | int | float | None
# what a client may send: no coercion (`true` is not 1, `"1"` is not a number) and no NaN or infinity
CellIn = StrictStr | StrictInt | Annotated[float, PydanticField(strict=True, allow_inf_nan=False)] | None
MAX_COLUMNS = 50
MAX_ROWS = 1000


class ColumnType(StrEnum):
    text = "text"
    date = "date"
    number = "number"
    link = "link"


class TableColumn(SQLModel):
    key: str = Field(max_length=64, schema_extra={"pattern": r"^[a-z][a-z0-9_]*$"})
    label: str = Field(min_length=1, max_length=200)
    type: ColumnType = ColumnType.text


class ContentTableBase(SQLModel):
    title: str = Field(min_length=1, max_length=300)
    caption: str | None = Field(default=None, max_length=1000)


_table_version = version_column()


class ContentTable(ContentTableBase, table=True):
    __mapper_args__ = {"version_id_col": _table_version}

    version: int = Field(default=1, sa_column=_table_version)
    __table_args__ = (
        Index("ix_contenttable_article_id_position", "article_id", "position"),
        {"sqlite_autoincrement": True},
    )

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


class TableColumnIn(TableColumn, WriteBody):
    pass


class ContentTableCreate(ContentTableBase, WriteBody):
    columns: list[TableColumnIn] = Field(
        min_length=1, max_length=MAX_COLUMNS, description="Ordered, with unique keys."
    )
    rows: list[list[CellIn]] = Field(
        max_length=MAX_ROWS,
        description="One cell per column, of the column's type: text a string, number a number, "
        "date a `YYYY-MM-DD` string, link an http(s) URL; any cell may be null.",
    )


class ContentTableUpdate(WriteBody):
    """Only the fields sent are changed; the table as a whole must still be valid."""

    title: str = Field(default=None, min_length=1, max_length=300)
    caption: str | None = Field(default=None, max_length=1000)
    columns: list[TableColumnIn] = Field(default=None, min_length=1, max_length=MAX_COLUMNS)
    rows: list[list[CellIn]] = Field(default=None, max_length=MAX_ROWS)


class ContentTableAdmin(ContentTableBase):
    id: int
    article_id: int
    position: int
    columns: list[TableColumn]
    rows: list[list[Cell]]
    version: int
    created_at: datetime
    updated_at: datetime


# --- delivery: what these are in a response, and what a change of them purges --------------------------

surrogate_entity("table", ContentTablePublic)


changes.belongs_to_article(ContentTable, lambda table: table.article_id)


@purge_rule(ContentTable)
def _table_purges(table: ContentTable, change: Change) -> list[str]:
    keys = [entity_key("table", table.id)]
    if change is not Change.updated or changed(table, "article_id", "position"):
        keys.append(TABLES_LIST)
    return keys
