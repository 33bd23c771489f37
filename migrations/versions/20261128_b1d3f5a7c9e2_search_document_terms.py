"""search: keep each article's weighted words (its terms) with its search document

Related articles compare the terms of about a hundred articles per request. Worked out from each article's
title, lead and first 600 characters of body on every request, that cost a read of each body (out of the
row on PostgreSQL) and the splitting of every word; kept in the document, it is a short text read.

Only the column is added here, at once: filling it in would rewrite every document (on PostgreSQL each
row with its search vector) under this migration's lock. Documents stored before it have no terms ('')
and related articles work theirs out per request as before, until their article is next written or
`broadsheet search-terms` fills them in, a batch per transaction, while the API serves.

Revision ID: b1d3f5a7c9e2
Revises: a7c9e1f3b5d7
Create Date: 2026-11-28 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b1d3f5a7c9e2'
down_revision: str | None = 'a7c9e1f3b5d7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('searchdocument', sa.Column('terms', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    # SQLite drops the column in place (3.35+): a copied table would lose its FTS5 triggers
    op.drop_column('searchdocument', 'terms')
