"""search: FTS5 indexes each document's kind (SQLite)

A search for tables or events (`type`) looked up the kind of each match in turn, newest first, until the
window had its 200: at 1M articles a word's newest 200 tables are found among about 2,600 matches (43 to 58
ms a search). The FTS5 table gains the document's kind as a fourth column, weighted 0 in bm25, so that the
kind is part of the match and FTS5 steps through the kind's list and the words' together, as PostgreSQL's
GIN index does with its scope words (c3e5a7b9d1f4). The FTS5 table is made again and rebuilt from the
documents, which are not touched (a million articles: 415 s in session 12). PostgreSQL: nothing to do.

Revision ID: d5f7b9c1e3a6
Revises: c3e5a7b9d1f4
Create Date: 2026-11-28 16:20:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from app.search import index
from app.search.models import FTS_TABLE, SQLITE_DDL, SQLITE_DROP

revision: str = 'd5f7b9c1e3a6'
down_revision: str | None = 'c3e5a7b9d1f4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
# the FTS5 table and its triggers as they were before this revision: three columns, no kind
_THREE = 'title, lead, body'
_BEFORE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_THREE}, content='searchdocument', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER searchdocument_ai AFTER INSERT ON searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_THREE}) VALUES (new.id, new.title, new.lead, new.body); END",
    "CREATE TRIGGER searchdocument_ad AFTER DELETE ON searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_THREE}) "
    "VALUES ('delete', old.id, old.title, old.lead, old.body); END",
    "CREATE TRIGGER searchdocument_au AFTER UPDATE ON searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_THREE}) "
    "VALUES ('delete', old.id, old.title, old.lead, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_THREE}) VALUES (new.id, new.title, new.lead, new.body); END",
)


def _remake(statements: Sequence[str]) -> None:
    for statement in (*SQLITE_DROP, *statements):
        op.execute(statement)
    index.forget_fts_statistics(op.get_bind())
    with index.build_cache(op.get_bind()):
        op.execute(_REBUILD)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _remake(SQLITE_DDL)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _remake(_BEFORE)
