"""Keyset pagination: opaque cursors, the `{items, meta}` envelope and the RFC 8288 `Link` header."""

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    tuple_,
)
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from app.db import core_rows
from app.errors import BadRequest

MAX_LIMIT = 100
DEFAULT_LIMIT = 20

Limit = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=f"Page size, 1 to {MAX_LIMIT}. A larger value is a 400, never a silent cap.",
    ),
]
CursorParam = Annotated[
    str | None,
    Query(max_length=512, description="Opaque cursor from `meta.next_cursor` of the previous page."),
]


class PageMeta(BaseModel):
    limit: int
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    meta: PageMeta


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode_cursor(kind: str, values: tuple[Any, ...]) -> str:
    raw = json.dumps([kind, *map(_plain, values)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(token: str, kind: str, types: tuple[type, ...]) -> tuple[Any, ...]:
    """Decode a cursor made by `encode_cursor` for the same listing and order, or answer 400."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = json.loads(raw)
        if not isinstance(decoded, list) or len(decoded) != len(types) + 1 or decoded[0] != kind:
            raise ValueError("cursor does not belong to this listing")
        values = []
        for value, wanted in zip(decoded[1:], types, strict=True):
            if wanted is datetime:
                parsed: Any = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError("naive time in cursor")
                parsed = parsed.astimezone(UTC)
            elif wanted is date:
                parsed = date.fromisoformat(value)
            elif wanted is int:
                if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**63:
                    raise ValueError("bad id in cursor")
                parsed = value
            else:
                if not isinstance(value, wanted) or (isinstance(value, str) and "\x00" in value):
                    raise ValueError("bad value in cursor")
                parsed = value
            values.append(parsed)
        return tuple(values)
    except (
        ValueError,
        TypeError,
        OverflowError,
        binascii.Error,
        UnicodeDecodeError,
        json.JSONDecodeError,
    ) as exc:
        raise BadRequest(
            "The cursor is not valid for this listing and sort order; start again without a cursor."
        ) from exc


def page(
    request: Request, response: Response, items: list[T], limit: int, next_cursor: str | None
) -> Page[T]:
    """Wrap a page of items and advertise the next one in a `Link` header."""
    if next_cursor is not None:
        next_url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return Page[T](items=items, meta=PageMeta(limit=limit, next_cursor=next_cursor))


# (column, descending) pairs; a column is a Core column or an ORM attribute such as `col(Model.field)`
Order = Sequence[tuple[SQLColumnExpression[Any], bool]]


def _beyond(order: Order, values: Sequence[Any]) -> ColumnElement[bool]:
    """`(a, b, ...) < (x, y, ...)`, or `>` when ascending, for columns that all run the same way."""
    columns = [column for column, _ in order]
    row = tuple_(*columns) if len(columns) > 1 else columns[0]
    key = (
        tuple_(*(_bound(value, column) for column, value in zip(columns, values, strict=True)))
        if len(columns) > 1
        else _bound(values[0], columns[0])
    )
    return row < key if order[0][1] else row > key


def _bound(value: Any, column: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """A cursor value as SQL: as given when already a bind parameter, else a literal of the column's type."""
    return value if isinstance(value, ColumnElement) else literal(value, _sql_type(column))


def after_key(order: Order, values: tuple[Any, ...]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The keyset condition "row comes after `values`" for an ORDER BY of (column, descending) pairs, in two
    parts: a bound on the first column, which an index range can start from, and the exact condition.

    The exact condition compares columns that run one way as one row value. It implies the bound, which is
    spelled out all the same: SQLite starts no index range from `a < x OR (a = x AND b < y)`, and neither
    database from a row value over two tables. So page 10,000 reads what page 1 does."""
    first, descending = order[0]
    return (first <= values[0] if descending else first >= values[0]), _after(order, values)


def _after(order: Order, values: Sequence[Any]) -> ColumnElement[bool]:
    run = next((i for i, (_, descending) in enumerate(order) if descending != order[0][1]), len(order))
    if run == len(order):
        return _beyond(order, values)
    head, rest = values[:run], values[run:]
    equal = and_(*(column == value for (column, _), value in zip(order[:run], head, strict=True)))
    return or_(_beyond(order[:run], head), and_(equal, _after(order[run:], rest)))


def order_by(order: Order) -> list[ColumnElement[Any]]:
    return [column.desc() if descending else column.asc() for column, descending in order]


R = TypeVar("R")


def _sql_type(column: SQLColumnExpression[Any]) -> TypeEngine[Any]:
    # a Core column has `.type`; an ORM attribute proxies it to its column
    return cast(ColumnElement[Any], column).type


# a prepared listing's page statements, by (listing statement, kind, after a cursor?, limit, dialect): built
# and given their cache keys once, not per request
_pages: dict[tuple[int, str, bool, int, str], tuple[Select[Any], Select[Any]]] = {}


def _paged(
    statement: Select[Any], order: Order, dialect: str, after: Sequence[Any] | None, limit: int
) -> Select[Any]:
    if after is not None:
        bound, exact = after_key(order, tuple(after))
        if dialect == "sqlite":
            # SQLite starts its index range from the first of several bounds on a column, here the caller's
            # (`published_at <= now` for articles); `unlikely` marks the cursor's bound as the narrow one.
            # Untyped, so it is not compared with 1 as a boolean would be (which hides it from the index)
            statement = statement.where(func.unlikely(bound), exact)
        else:
            statement = statement.where(bound, exact)
    return statement.order_by(*order_by(order)).limit(limit + 1)


def keyset_page(
    session: Session,
    statement: Select[*tuple[Any, ...]],
    *,
    order: Order,
    kind: str,
    cursor: str | None,
    limit: int,
    key: Callable[[R], tuple[Any, ...]],
    scalars: bool = True,
    params: Mapping[str, Any] | None = None,
) -> tuple[list[R], str | None]:
    """One page of `statement` in `order` after `cursor`: the rows and the cursor of the next page.

    `kind` names the listing and its order, so a cursor from another listing or order is a 400. With
    `params`, `statement` is prepared: built once (not per request) with bind parameters, whose values
    `params` holds; its page statements are then built once too, the cursor's values bound at execution."""
    after: tuple[Any, ...] | None = None
    if cursor:
        types = tuple(
            str if isinstance(_sql_type(column), String) else _sql_type(column).python_type
            for column, _ in order
        )
        after = decode_cursor(cursor, kind, types)
    dialect = session.get_bind().dialect.name
    if params is None:
        result = session.execute(_paged(statement, order, dialect, after, limit))
    else:
        memo = (id(statement), kind, after is not None, limit, dialect)
        if memo not in _pages:
            keys = [bindparam(f"keyset_{i}", type_=_sql_type(column)) for i, (column, _) in enumerate(order)]
            # the listing statement is kept alongside, so that its id is not reused while the entry lives
            _pages[memo] = (statement, _paged(statement, order, dialect, keys if after else None, limit))
        values = {**params, **{f"keyset_{i}": value for i, value in enumerate(after or ())}}
        if not scalars:
            # a prepared page of plain columns needs nothing of the ORM (no entities, no autoflush)
            rows = cast(list[R], list(core_rows(session, _pages[memo][1], values)))
            return _trimmed(rows, kind, limit, key)
        result = session.execute(_pages[memo][1], values)
    # the caller's `key` says what a row is: an entity with `scalars`, else a `Row`
    return _trimmed(cast(list[R], list(result.scalars() if scalars else result.all())), kind, limit, key)


def _trimmed(
    rows: list[R], kind: str, limit: int, key: Callable[[R], tuple[Any, ...]]
) -> tuple[list[R], str | None]:
    """A page of `limit` rows out of `limit + 1` read, and the cursor of the next page when there is one."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(kind, key(rows[-1]))
