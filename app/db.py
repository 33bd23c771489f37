"""Engine, portable column types, metadata naming convention and the request-scoped session."""

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from sqlalchemy import (
    JSON,
    BindParameter,
    Column,
    Connection,
    DateTime,
    Engine,
    Executable,
    Integer,
    MetaData,
    Row,
    Select,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], datetime | None] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        # SQLite hands back ISO 8601 text: one C-level parse, not the generic regex-based one plus this
        # decorator's step (list pages read three timestamps a row). Stored text has no offset: parsed with
        # "+00:00" added, it comes out aware at once (`replace(tzinfo=...)` costs four times the parse)
        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                return utc_from_text(value)
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

        return process


def utc_from_text(value: str) -> datetime:
    """A stored timestamp's text, as SQLite keeps it (naive UTC) or as PostgreSQL writes it in JSON (with an
    offset), as an aware UTC datetime."""
    offset = value.endswith("Z") or (value[-6:-5] in ("+", "-") and value[-3:-2] == ":")
    parsed = datetime.fromisoformat(value if offset else value + "+00:00")
    return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)


def version_column() -> Column[int]:
    """A row version for optimistic concurrency: SQLAlchemy bumps it on every UPDATE and refuses an UPDATE
    whose row changed underneath (StaleDataError), so a stale write can never overwrite a newer one."""
    return Column("version", Integer, nullable=False, server_default="1")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # 2 MiB of page cache per connection by default; the OS caches the file anyway, and a worker's
    # connections would otherwise hold tens of MB of its RSS
    cursor.execute("PRAGMA cache_size=-1024")
    cursor.close()


def _is_sqlite_file(url: str) -> bool:
    database = make_url(url).database if url.startswith("sqlite") else None
    return bool(database) and database != ":memory:"


def pool_sizes(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> tuple[int, int]:
    """The connections an engine for `url` keeps and the most it opens beyond those."""
    if _is_sqlite_file(url):
        # one file, one writer at a time: a few connections serve a worker as well as many, in less memory
        return 8, 0
    if url.startswith("sqlite"):
        return 5, 10  # in memory: SQLAlchemy's own
    return pool_size, max_overflow


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> Engine:
    """One engine per process; SQLite gets foreign keys, WAL and a busy timeout."""
    size, overflow = pool_sizes(url, pool_size=pool_size, max_overflow=max_overflow)
    if url.startswith("sqlite"):
        # last in, first out: reads in the event loop, one at a time, keep taking the same connection,
        # whose page cache holds what they read last, instead of going round all eight cold ones
        lifo = {"pool_use_lifo": True}
        on_file = {"pool_size": size, "max_overflow": overflow, **lifo} if _is_sqlite_file(url) else {}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **on_file)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=size, max_overflow=overflow, pool_pre_ping=True)


# where a request's sessions are listed: the app puts a list in each HTTP request's scope (`app.main`)
REQUEST_SESSIONS = "broadsheet.sessions"


async def get_session(request: Request) -> Session:
    """The request's session. Opening one does no I/O (a connection is taken by the first statement), so it
    happens in the event loop. A public read closes it in the worker thread that ran the route (see
    `close_sessions`); whatever is still open when the answer starts, or when the request ends without one,
    the app closes (`close_request_sessions`), before the request gives up its admission slot.

    A plain function, not a generator: FastAPI's entering and leaving of a dependency's context costs an
    uncached article ~40 us, about a twentieth of its whole cost."""
    sessions: list[Session] | None = request.scope.get(REQUEST_SESSIONS)
    if sessions is None:
        raise RuntimeError("a session is only handed to requests the Broadsheet app lists sessions for")
    session = Session(request.app.state.engine)
    sessions.append(session)
    return session


async def close_request_sessions(sessions: list[Session]) -> None:
    """Give back the connections a request's sessions still hold, in a worker thread (that does I/O). A
    session holding none has nothing to give back: it is left to the garbage collector."""
    while sessions:
        session = sessions.pop()
        if session.in_transaction():
            await run_in_threadpool(session.close)


AnyRow = Row[*tuple[Any, ...]]  # a row of any columns


def core_rows(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> Sequence[AnyRow]:
    """Every row of a Core statement (no entities), run on the session's connection: `Session.execute`
    adds the ORM's per-statement work, about 0.1 ms, even when it loads no entity. No autoflush either:
    a caller that staged changes flushes first."""
    return cast(Sequence[AnyRow], _reading_connection(session).execute(statement, params).all())


def core_first(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> AnyRow | None:
    """The first row of a Core statement, as `core_rows` runs it."""
    return cast(AnyRow | None, _reading_connection(session).execute(statement, params).first())


def _reading_connection(session: Session) -> Connection:
    """Where a Core read runs: the connection a read-only route's session is bound to (`bind_for_reads`),
    as long as the session has not begun a transaction of its own on it; else the session's connection."""
    bind = session.bind
    if isinstance(bind, Connection) and not session.in_transaction():
        return bind
    return session.connection()


def bind_for_reads(session: Session) -> Connection:
    """Bind a fresh session of a read-only route to a connection of its own, which the caller closes after
    closing the session. Core reads (`core_rows`, `core_first`) run on it directly; ORM reads join it. A
    session's transaction costs a request about 50 us to begin and end, the bare connection a fifth."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        raise TypeError("only a session bound to its engine is bound for reads")
    connection = engine.connect()
    session.bind = connection
    session.info[_READS_ONLY] = True
    return connection


_READS_ONLY = "broadsheet.reads_only"


@event.listens_for(OrmSession, "before_flush")
def _refuse_writes_of_reads(session: Session, *_: Any) -> None:
    """A session bound for reads joins its connection's transaction and would never commit it: a write there
    would be lost without a word, so it fails instead."""
    if session.info.get(_READS_ONLY):
        raise RuntimeError("a session bound for reads (a bounded read's) cannot write")


class PreparedRead:
    """A hot Core SELECT, compiled once per dialect and run on the DBAPI cursor of a session's connection.

    `Connection.execute` builds an execution context, a result object and its rows around every statement:
    on an uncached article that is about 0.1 ms of the request's 0.7 ms, twice the SQLite statement itself.
    Here the SQL, its parameters' order and the type conversions of parameters and columns (SQLAlchemy's own
    processors for the dialect, `UTCDateTime`'s and JSON's included) are worked out once, and the statement
    goes through `Connection._cursor_execute`: SQLAlchemy's `before_cursor_execute` and
    `after_cursor_execute` events, its logging and its wrapping of driver errors still apply (the statement
    counts of tests/delivery/test_statement_counts.py see it). Rows come back as named tuples of the
    statement's column names."""

    def __init__(self, statement: Select[Any], name: str) -> None:
        self.statement = statement
        self.row: Any = namedtuple(name, list(statement.selected_columns.keys()))  # type: ignore[misc]
        self._plans: dict[tuple[str, str], tuple[str, Callable[[Mapping[str, Any]], Any], list[Any]]] = {}

    def first(self, session: Session, params: Mapping[str, Any]) -> Any:
        """The first row, or None."""
        connection = _reading_connection(session)
        sql, parameters, processors = self._plan(connection.dialect)
        cursor = connection.connection.cursor()
        try:
            connection._cursor_execute(cursor, sql, parameters(params))
            found = cursor.fetchone()
        finally:
            cursor.close()
        if found is None:
            return None
        return self.row._make([v if p is None else p(v) for p, v in zip(processors, found, strict=True)])

    def _plan(self, dialect: Dialect) -> tuple[str, Callable[[Mapping[str, Any]], Any], list[Any]]:
        plan = self._plans.get((dialect.name, dialect.driver))
        if plan is None:
            compiled = self.statement.compile(dialect=dialect)
            if compiled.post_compile_params or compiled.literal_execute_params:
                raise ValueError("a prepared read takes no expanding (IN) parameters")
            binds: dict[str, BindParameter[Any]] = compiled.binds
            convert = {
                name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in binds.items()
            }

            def value(name: str, given: Mapping[str, Any]) -> Any:
                bind = binds[name]
                # not `given.get(name, bind.effective_value)`: that would call a bind's callable every time
                raw = given[name] if name in given else bind.effective_value  # noqa: SIM401
                processor = convert[name]
                return raw if processor is None else processor(raw)

            order = compiled.positiontup
            if order is not None:  # the driver takes a sequence (SQLite's qmark)

                def parameters(given: Mapping[str, Any]) -> Any:
                    return tuple(value(name, given) for name in order)

            else:  # or a mapping (psycopg's pyformat)

                def parameters(given: Mapping[str, Any]) -> Any:
                    return {name: value(name, given) for name in binds}

            processors = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            ]
            plan = self._plans[(dialect.name, dialect.driver)] = (compiled.string, parameters, processors)
        return plan


def close_sessions(values: Iterable[object]) -> None:
    """Close the sessions among a route's arguments, in the thread that ran it: one thread hop per request
    instead of one more to give the connection back."""
    for value in values:
        if isinstance(value, Session):
            value.close()


SessionDep = Annotated[Session, Depends(get_session)]
