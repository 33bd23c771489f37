"""search: the GIN index also holds each document's kind and id ranges (PostgreSQL)

A search ranks the newest matches of its words, read newest first by ranges of ids. A range as a condition
of its own cost a bitmap of every id in it from the primary key (about 0.2 us an id), or a visit to each of a
word's matches anywhere in the table. The search index gains a second column, an expression of the
document's kind and id (words no text can produce: `~k<kind>`, `~a<id >> 12>`, `~b<id >> 16>`): asked for
the query's words and a range's words together, GIN walks the shortest list and skips through the others,
so only the matches in range are found. No column is added and no row rewritten.

Built CONCURRENTLY, outside the migration's transaction: searches use the old index and writes go on
meanwhile (a million documents: about 2 minutes with maintenance_work_mem at 1 GB), then the old index is
dropped. A build that failed leaves an invalid index, dropped by the next attempt.

Revision ID: c3e5a7b9d1f4
Revises: b1d3f5a7c9e2
Create Date: 2026-11-28 07:20:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'c3e5a7b9d1f4'
down_revision: str | None = 'b1d3f5a7c9e2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPE = "array_to_tsvector(ARRAY['~k' || kind, '~a' || (id >> 12)::text, '~b' || (id >> 16)::text])"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_searchdocument_search')
            op.execute(
                'CREATE INDEX CONCURRENTLY ix_searchdocument_search ON searchdocument '
                f'USING gin (search_vector, ({SCOPE}))'
            )
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_searchdocument_search_vector')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_searchdocument_search_vector')
            op.execute(
                'CREATE INDEX CONCURRENTLY ix_searchdocument_search_vector ON searchdocument '
                'USING gin (search_vector)'
            )
            op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_searchdocument_search')
