"""Queries over theme tables; a table is public exactly when its article is."""

import csv
import functools
import io
import re
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Row, bindparam, func
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article, ArticleBlock, ArticleRef
from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.db import utcnow
from app.errors import Conflict, NotFound, UnprocessableContent
from app.pagination import Order, keyset_page
from app.tables.models import (
    Cell,
    ColumnType,
    ContentTable,
    ContentTableBase,
    ContentTableCreate,
    ContentTablePublic,
    TableColumn,
)
from app.taxonomy.models import HTTP_URL_PATTERN, Category

# strict, so a cell the public model cannot show (a dict, a bool) is refused here, not on every read
_ROW = TypeAdapter(list[Cell], config={"strict": True, "allow_inf_nan": False})

_ORDER: Order = [
    (col(Article.published_at), True),
    (col(ContentTable.article_id), True),
    (col(ContentTable.position), False),
    (col(ContentTable.id), False),
]


@functools.cache
def _public_tables() -> Any:
    """Tables with their article's publish time, slug and title, of public articles (built once)."""
    return (
        select(ContentTable, Article.published_at, Article.slug, Article.title)
        .join(Article, col(Article.id) == ContentTable.article_id)
        .where(articles_service.public_condition())
    )


@functools.cache
def _tables_by_id() -> Any:
    return _public_tables().where(col(ContentTable.id).in_(bindparam("ids", expanding=True)))


def _public(row: Any) -> ContentTablePublic:
    table, _, slug, title = row
    return ContentTablePublic.model_validate(
        table, update={"article": ArticleRef(id=table.article_id, slug=slug, title=title)}
    )


def list_public_tables(
    session: Session, *, article: str | None, category: str | None, cursor: str | None, limit: int
) -> tuple[list[ContentTablePublic], str | None]:
    """Tables of public articles, newest article first, each article's tables in body order."""
    statement = _public_tables()
    if article is not None:
        statement = statement.where(Article.slug == article)
    if category is not None:
        category_id = select(Category.id).where(Category.slug == category).scalar_subquery()
        statement = statement.where(Article.category_id == category_id)
    rows: list[Row[ContentTable, datetime | None, str, str]]
    rows, next_cursor = keyset_page(
        session,
        statement,
        order=_ORDER,
        kind="tables",
        cursor=cursor,
        limit=limit,
        scalars=False,
        key=lambda row: (row[1], row[0].article_id, row[0].position, row[0].id),
    )
    return [_public(row) for row in rows], next_cursor


def get_public_table(session: Session, table_id: int) -> ContentTablePublic:
    row = session.execute(_public_tables().where(ContentTable.id == table_id)).first()
    if row is None:
        raise NotFound(f"No published table has the id {table_id}.")
    return _public(row)


def public_tables_by_id(session: Session, table_ids: Collection[int]) -> dict[int, ContentTablePublic]:
    if not table_ids:
        return {}
    rows = session.execute(_tables_by_id(), {"ids": list(table_ids)}).all()
    return {row[0].id: _public(row) for row in rows}


def to_csv(table: ContentTablePublic) -> str:
    """RFC 4180 CSV: a header row of column labels, CRLF line ends, quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LINK = re.compile(HTTP_URL_PATTERN)
_BY_ID: Order = [(col(ContentTable.id), False)]


def _cell_fits(kind: ColumnType, cell: Cell) -> bool:
    if cell is None:
        return True
    if kind is ColumnType.number:
        return isinstance(cell, int | float)
    if not isinstance(cell, str):
        return False
    if kind is ColumnType.date:
        if not _DATE.fullmatch(cell):
            return False
        try:
            date.fromisoformat(cell)
        except ValueError:
            return False
        return True
    if kind is ColumnType.link:
        return len(cell) <= 2048 and _LINK.fullmatch(cell) is not None
    return True


_WANTED = {
    ColumnType.text: "text",
    ColumnType.number: "a number",
    ColumnType.date: "a date written YYYY-MM-DD",
    ColumnType.link: "an http(s) URL",
}


def _checked_table(columns: list[Any], rows: list[Any]) -> tuple[list[dict[str, Any]], list[list[Cell]]]:
    """The columns and rows of a valid table, or a ValueError naming the row and column at fault.

    Column keys are unique, every row has one cell per column, every cell is of its column's type or null."""
    parsed = [TableColumn.model_validate(column) for column in columns]
    keys = [column.key for column in parsed]
    for key in keys:
        if keys.count(key) > 1:
            raise ValueError(f"column key {key!r} is used more than once")
    cells = [list(row) for row in rows]
    for number, row in enumerate(cells, start=1):
        if len(row) != len(parsed):
            raise ValueError(f"row {number} has {len(row)} cells for {len(parsed)} columns")
        try:
            _ROW.validate_python(row)
        except ValidationError as exc:
            raise ValueError(f"row {number} has a cell that is not text, a number or null") from exc
        for column, cell in zip(parsed, row, strict=True):
            if not _cell_fits(column.type, cell):
                raise ValueError(
                    f"row {number}, column {column.key!r} ({column.type}): "
                    f"expected {_WANTED[column.type]} or null, got {cell!r:.80}"
                )
    return [column.model_dump(mode="json") for column in parsed], cells


def add_table(session: Session, article_id: int, position: int, data: dict[str, Any]) -> ContentTable:
    """Validate and stage a table for an article (flushes, does not commit); ValueError when invalid."""
    columns, rows = _checked_table(data["columns"], data["rows"])
    table = ContentTable.model_validate(
        ContentTableBase.model_validate(data),
        update={"article_id": article_id, "position": position, "columns": columns, "rows": rows},
    )
    session.add(table)
    session.flush()
    return table


# management: every table, whatever its article's status


def list_tables(
    session: Session, *, article_id: int | None, cursor: str | None, limit: int
) -> tuple[list[ContentTable], str | None]:
    """Tables in id order, of one article when `article_id` is given."""
    statement = select(ContentTable)
    if article_id is not None:
        statement = statement.where(ContentTable.article_id == article_id)
    return keyset_page(
        session,
        statement,
        order=_BY_ID,
        kind="admin-tables",
        cursor=cursor,
        limit=limit,
        key=lambda table: (table.id,),
    )


def get_table(session: Session, table_id: int) -> ContentTable:
    table = session.get(ContentTable, table_id)
    if table is None:
        raise NotFound(f"No table has the id {table_id}.")
    return table


def create_table(session: Session, key: ApiKey, article_id: int, data: ContentTableCreate) -> ContentTable:
    """Add a table after the article's other tables; the article may have any status."""
    if session.get(Article, article_id) is None:
        raise NotFound(f"No article has the id {article_id}.")
    last = session.exec(
        select(func.max(ContentTable.position)).where(ContentTable.article_id == article_id)
    ).one()
    try:
        table = add_table(session, article_id, 0 if last is None else last + 1, data.model_dump())
    except ValueError as exc:
        raise UnprocessableContent(str(exc)) from exc
    auth_service.record(session, key, "table.create", "table", table.id, {"article_id": article_id})
    session.commit()
    session.refresh(table)
    return table


def update_table(session: Session, key: ApiKey, table: ContentTable, changes: dict[str, Any]) -> ContentTable:
    """Apply `changes`; the whole table is checked again, so new columns must fit the rows kept."""
    merged = {"columns": table.columns, "rows": table.rows, **changes}
    try:
        merged["columns"], merged["rows"] = _checked_table(merged["columns"], merged["rows"])
    except ValueError as exc:
        raise UnprocessableContent(str(exc)) from exc
    changed = sorted(name for name in changes if getattr(table, name) != merged[name])
    for name in changed:
        setattr(table, name, merged[name])
    if changed:
        table.updated_at = utcnow()
    session.add(table)
    auth_service.record(session, key, "table.update", "table", table.id, {"changed": changed})
    session.commit()
    session.refresh(table)
    return table


def delete_table(session: Session, key: ApiKey, table: ContentTable) -> None:
    """Delete a table no article block shows (409 while one does)."""
    shown_by = session.execute(
        select(ArticleBlock.position, Article.slug)
        .join(Article, col(Article.id) == ArticleBlock.article_id)
        .where(ArticleBlock.table_id == table.id)
    ).first()
    if shown_by is not None:
        raise Conflict(
            f"Table {table.id} is shown by block {shown_by.position} of article {shown_by.slug!r}; "
            "remove the block first."
        )
    auth_service.record(session, key, "table.delete", "table", table.id, {"article_id": table.article_id})
    session.delete(table)
    session.commit()
