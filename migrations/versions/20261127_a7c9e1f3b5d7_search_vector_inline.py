"""search: keep each document's tsvector in its row (PostgreSQL)

Testing a document for a match and ranking it read its vector. At about 2 KB it was TOASTed, so every read
went through the TOAST table's index and pages. STORAGE MAIN keeps it in the row; the texts, needed only for
a page's snippets, go out of the row instead. This applies to rows written from now on: rewrite the table
(`VACUUM FULL searchdocument`) or rebuild the search index to move existing vectors. SQLite: nothing to do.

Revision ID: a7c9e1f3b5d7
Revises: d4b6e8f0a2c1
Create Date: 2026-11-27 23:50:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from app.search.models import POSTGRES_VECTOR_INLINE

revision: str = 'a7c9e1f3b5d7'
down_revision: str | None = 'd4b6e8f0a2c1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_VECTOR_INLINE)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_VECTOR_INLINE.replace('SET STORAGE MAIN', 'SET STORAGE EXTENDED'))
