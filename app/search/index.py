"""Keeps the search index in step with every write, in the write's own transaction.

Every ORM flush notes which articles its rows belong to (an article, its blocks, tables, timelines, events);
just before the transaction commits, those articles' documents are rebuilt from what is now stored. No write
path can forget the index, and a rolled-back write leaves it as it was. Bulk loaders call `rebuild`."""

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session as OrmSession

from app.articles import changes
from app.articles.models import Article, ArticleBlock
from app.search import terms
from app.search.models import (
    DELETE_TRIGGER,
    FOLLOW_TRIGGERS_DDL,
    FTS_TABLE,
    INSERT_TRIGGER,
    SearchDocument,
    SearchType,
)
from app.tables.models import ContentTable
from app.timelines.models import Timeline, TimelineEvent

MAX_TITLE, MAX_LEAD, MAX_BODY = 1_000, 10_000, 200_000  # a tsvector holds at most 1 MB
BATCH = 500
_TAG = re.compile(r"<[^>]*>")
# snippets mark matches with these: they must never occur in indexed text
MARK_START, MARK_END = "\x02", "\x03"
_MARKERS = str.maketrans("", "", MARK_START + MARK_END)

_documents: Table = SearchDocument.__table__  # type: ignore[attr-defined]
_articles: Table = Article.__table__  # type: ignore[attr-defined]
_blocks: Table = ArticleBlock.__table__  # type: ignore[attr-defined]
_tables: Table = ContentTable.__table__  # type: ignore[attr-defined]
_timelines: Table = Timeline.__table__  # type: ignore[attr-defined]
_events: Table = TimelineEvent.__table__  # type: ignore[attr-defined]


def plain_text(fragment: str) -> str:
    """Inline HTML as the words a reader sees."""
    return html.unescape(_TAG.sub(" ", fragment))


def _clean(parts: Iterable[Any], limit: int) -> str:
    text = "\n".join(str(p) for p in parts if p not in (None, ""))
    return text.translate(_MARKERS)[:limit]


def _block_texts(data: dict[str, Any]) -> list[Any]:
    """The readable text of a plain body block (heading, paragraph, list, quote, image, embed)."""
    return [
        data.get("text"),
        plain_text(data.get("html") or ""),
        *(data.get("items") or []),
        data.get("attribution"),
        data.get("caption"),
        data.get("alt"),
        data.get("title"),
    ]


def _document(
    kind: SearchType, ref_id: int, article_id: int, title: Any, lead: Iterable[Any], body: Any
) -> dict[str, Any]:
    texts = {
        "title": _clean([title], MAX_TITLE),
        "lead": _clean(lead, MAX_LEAD),
        "body": _clean(body, MAX_BODY),
    }
    return {
        "kind": kind.value,
        "ref_id": ref_id,
        "article_id": article_id,
        **texts,
        "terms": terms.stored(**texts) if kind is SearchType.article else "",
    }


def documents(connection: Connection, article_ids: list[int]) -> list[dict[str, Any]]:
    """The search documents of these articles as stored now: each article, its tables, its events."""
    texts: dict[int, list[Any]] = defaultdict(list)
    # table and timeline blocks are skipped here, not in SQL: `table_id IS NULL` is an equality to an index,
    # and without fresh statistics both databases read that index (nearly every block) instead of the
    # articles' blocks by (article_id, position), hundreds of times slower at a million articles
    for article_id, data, table_id, timeline_id in connection.execute(
        select(_blocks.c.article_id, _blocks.c.data, _blocks.c.table_id, _blocks.c.timeline_id)
        .where(_blocks.c.article_id.in_(article_ids))
        .order_by(_blocks.c.article_id, _blocks.c.position)
    ):
        if table_id is None and timeline_id is None:
            texts[article_id] += _block_texts(data or {})
    docs = [
        _document(SearchType.article, a.id, a.id, a.title, [a.standfirst, a.focus_keyword], texts[a.id])
        for a in connection.execute(
            select(
                _articles.c.id, _articles.c.title, _articles.c.standfirst, _articles.c.focus_keyword
            ).where(_articles.c.id.in_(article_ids))
        )
    ]
    for t in connection.execute(
        select(
            _tables.c.id,
            _tables.c.article_id,
            _tables.c.title,
            _tables.c.caption,
            _tables.c.columns,
            _tables.c.rows,
        ).where(_tables.c.article_id.in_(article_ids))
    ):
        cells = [" ".join(str(c.get("label", "")) for c in t.columns or [])]
        cells += [" ".join(str(cell) for cell in row if cell is not None) for row in t.rows or []]
        docs.append(_document(SearchType.table, t.id, t.article_id, t.title, [t.caption], cells))
    for e in connection.execute(
        select(
            _events.c.id,
            _timelines.c.article_id,
            _events.c.milestone,
            _events.c.what_changed,
            _events.c.label,
        )
        .join(_timelines, _timelines.c.id == _events.c.timeline_id)
        .where(_timelines.c.article_id.in_(article_ids))
    ):
        docs.append(_document(SearchType.event, e.id, e.article_id, e.milestone, [e.what_changed], [e.label]))
    return docs


def reindex(connection: Connection, article_ids: Iterable[int]) -> None:
    """Replace the documents of these articles (a deleted article's simply go).

    The articles' rows are locked first (PostgreSQL; SQLite has one writer anyway), so two transactions
    reindexing one article, say after edits to two of its tables, take turns instead of colliding."""
    for batch in _batches(sorted(set(article_ids)), BATCH):
        # FOR NO KEY UPDATE: it waits for another reindex, not for inserts of rows referencing the article
        lock = select(_articles.c.id).where(_articles.c.id.in_(batch)).with_for_update(key_share=True)
        connection.execute(lock)
        connection.execute(delete(_documents).where(_documents.c.article_id.in_(batch)))
        docs = documents(connection, batch)
        if docs:
            connection.execute(insert(_documents), docs)


def forget_fts_statistics(connection: Connection) -> None:
    """Drop the planner's statistics of FTS5's own tables (SQLite), kept since an `ANALYZE` of the file.

    Taken while the index was small, they misplan FTS5's own statements for as long as they are kept: with
    `sqlite_stat1` giving its data table a handful of rows, SQLite runs the `DELETE ... WHERE id>=? AND
    id<=?` that drops each merged segment as a scan from the segment to the end of the table (or of the
    whole table), so every merge costs the size of the index: a build of 100k articles took 104 s instead
    of 30, one of 1M was stopped unfinished after 15 minutes. Without statistics the planner seeks both
    ends. A connection keeps the estimates it loaded: this one included, only connections opened later
    plan without them."""
    if connection.dialect.name != "sqlite":
        return
    if connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        forgotten = connection.execute(
            text("DELETE FROM sqlite_stat1 WHERE tbl LIKE :shadow"), {"shadow": f"{FTS_TABLE}%"}
        )
        if forgotten.rowcount:
            connection.exec_driver_sql("ANALYZE sqlite_schema")  # loads what is left of the statistics


@contextmanager
def build_cache(connection: Connection, mebibytes: int = 1024) -> Iterator[None]:
    """A page cache of up to `mebibytes` on this connection (SQLite) while FTS5 builds or merges its index,
    then the connection's own again. FTS5's merges look pages up all the time; with the app's 1 MiB most of
    them come from the OS and, in a WAL transaction, after a search of the log's index as long as the log
    (a build of 1M articles wrote and read tens of GB through the OS in minutes)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    kept = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size={-1024 * int(mebibytes)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(kept)}")


def rebuild(connection: Connection, batch_size: int = BATCH) -> int:
    """Index every article from scratch (migrations and bulk loads); the number of documents made.

    On SQLite the triggers that keep FTS5 in step row by row are set aside meanwhile and FTS5 builds its
    index once at the end: FTS5 writes out what it holds at the end of every statement, so row-by-row
    upkeep of a million documents makes a million small segments to merge (about 100 documents a second at
    that size here). It all happens in the caller's transaction: a failure leaves the old index whole."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Python's sqlite3 opens a transaction only before INSERT, UPDATE, DELETE or REPLACE: the triggers'
        # drop, run first, would otherwise commit on its own, and a failure later leave them dropped
        if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
            connection.exec_driver_sql("BEGIN")
        for trigger in (INSERT_TRIGGER, DELETE_TRIGGER):
            connection.execute(text(f"DROP TRIGGER {trigger}"))
        forget_fts_statistics(connection)
    connection.execute(delete(_documents))
    made = _insert_documents(connection, batch_size)
    if sqlite:
        with build_cache(connection):
            connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
        for statement in FOLLOW_TRIGGERS_DDL:
            connection.execute(text(statement))
    return made


def index_articles_after(connection: Connection, last: int, batch_size: int) -> tuple[int, int] | None:
    """Store the documents of the next `batch_size` articles by id after `last` (the row-by-row upkeep
    decides whether FTS5 follows): the last of those articles' id and the number of documents made, or
    None when no article is left."""
    ids = list(
        connection.execute(
            select(_articles.c.id).where(_articles.c.id > last).order_by(_articles.c.id).limit(batch_size)
        ).scalars()
    )
    if not ids:
        return None
    docs = documents(connection, ids)
    if docs:
        connection.execute(insert(_documents), docs)
    return ids[-1], len(docs)


def _insert_documents(connection: Connection, batch_size: int) -> int:
    made, last = 0, 0
    while step := index_articles_after(connection, last, batch_size):
        last, count = step
        made += count
    return made


def fill_terms(engine: Engine, *, every: bool = False, batch_size: int = BATCH) -> int:
    """Work out the terms of the article documents stored without them (all of them with `every`, after a
    change to how terms are made), a batch per transaction: searching and writing go on meanwhile, and an
    interrupted run carries on where it stopped. The number of documents given terms.

    A document is only ever replaced, never changed in place, so one replaced meanwhile is skipped: its
    replacement was written with its terms."""
    read = (
        select(
            _documents.c.id,
            _documents.c.title,
            _documents.c.lead,
            func.substr(_documents.c.body, 1, terms.TEXT_SOURCE).label("opening"),
        )
        .where(_documents.c.kind == SearchType.article, _documents.c.id > bindparam("last"))
        .order_by(_documents.c.id)
        .limit(batch_size)
    )
    if not every:
        read = read.where(_documents.c.terms == "")
    write = (
        update(_documents).where(_documents.c.id == bindparam("document")).values(terms=bindparam("stored"))
    )
    filled, last = 0, 0
    while True:
        with engine.begin() as connection:
            rows = connection.execute(read, {"last": last}).all()
            if not rows:
                return filled
            connection.execute(
                write,
                [{"document": r.id, "stored": terms.stored(r.title, r.lead, r.opening)} for r in rows],
            )
        filled += len(rows)
        last = rows[-1].id


def optimize(connection: Connection) -> None:
    """After a bulk load: SQLite merges the FTS5 index into one segment, which later queries read faster."""
    if connection.dialect.name == "sqlite":
        with build_cache(connection):
            connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- following the ORM's writes --------------------------------------------------------------------------


def _reindex_touched(session: OrmSession, articles: set[int]) -> None:
    """Rebuild the documents of the articles a transaction touched, in that transaction."""
    reindex(session.connection(), articles)


changes.follow_articles(_reindex_touched)
