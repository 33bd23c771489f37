"""Queries over theme tables; a table is public exactly when its article is."""

import csv
import io
from collections.abc import Collection
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Row
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article, ArticleRef
from app.errors import NotFound
from app.pagination import Order, keyset_page
from app.tables.models import Cell, ContentTable, ContentTableBase, ContentTablePublic, TableColumn
from app.taxonomy.models import Category

# strict, so a cell the public model cannot show (a dict, a bool) is refused here, not on every read
_ROW = TypeAdapter(list[Cell], config={"strict": True, "allow_inf_nan": False})

_ORDER: Order = [
    (col(Article.published_at), True),
    (col(ContentTable.article_id), True),
    (col(ContentTable.position), False),
    (col(ContentTable.id), False),
]


def _public_tables() -> Any:
    return (
        select(ContentTable, Article.published_at, Article.slug, Article.title)
        .join(Article, col(Article.id) == ContentTable.article_id)
        .where(articles_service.public_condition())
    )


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
    rows = session.execute(_public_tables().where(col(ContentTable.id).in_(table_ids))).all()
    return {row[0].id: _public(row) for row in rows}


def to_csv(table: ContentTablePublic) -> str:
    """RFC 4180 CSV: a header row of column labels, CRLF line ends, quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def add_table(session: Session, article_id: int, position: int, data: dict[str, Any]) -> ContentTable:
    """Validate and stage a table for an article (flushes, does not commit)."""
    columns = [TableColumn.model_validate(column) for column in data["columns"]]
    rows = [list(row) for row in data["rows"]]
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise ValueError(f"row {number} has {len(row)} cells for {len(columns)} columns")
        try:
            _ROW.validate_python(row)
        except ValidationError as exc:
            raise ValueError(f"row {number} has a cell that is not text, a number or null") from exc
    table = ContentTable.model_validate(
        ContentTableBase.model_validate(data),
        update={
            "article_id": article_id,
            "position": position,
            "columns": [column.model_dump(mode="json") for column in columns],
            "rows": rows,
        },
    )
    session.add(table)
    session.flush()
    return table
