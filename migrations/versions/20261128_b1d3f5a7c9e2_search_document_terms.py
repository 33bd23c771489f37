"""search: keep each article's weighted words (its terms) with its search document

Related articles compare the terms of about a hundred articles per request. Worked out from each article's
title, lead and first 600 characters of body on every request, that cost a read of each body (out of the
row on PostgreSQL) and the splitting of every word; kept in the document, it is a short text read. The
article documents already stored get theirs here, a thousand at a time.

Revision ID: b1d3f5a7c9e2
Revises: a7c9e1f3b5d7
Create Date: 2026-11-28 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.search import terms

revision: str = 'b1d3f5a7c9e2'
down_revision: str | None = 'a7c9e1f3b5d7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    op.add_column('searchdocument', sa.Column('terms', sa.Text(), server_default='', nullable=False))
    connection = op.get_bind()
    documents = sa.table(
        'searchdocument',
        sa.column('id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('title', sa.Text),
        sa.column('lead', sa.Text),
        sa.column('body', sa.Text),
        sa.column('terms', sa.Text),
    )
    read = (
        sa.select(
            documents.c.id,
            documents.c.title,
            documents.c.lead,
            sa.func.substr(documents.c.body, 1, terms.TEXT_SOURCE).label('opening'),
        )
        .where(documents.c.kind == 'article', documents.c.id > sa.bindparam('last'))
        .order_by(documents.c.id)
        .limit(BATCH)
    )
    write = (
        sa.update(documents)
        .where(documents.c.id == sa.bindparam('document'))
        .values(terms=sa.bindparam('stored'))
    )
    last = 0
    while rows := connection.execute(read, {'last': last}).all():
        connection.execute(
            write, [{'document': row.id, 'stored': terms.stored(row.title, row.lead, row.opening)} for row in rows]
        )
        last = rows[-1].id


def downgrade() -> None:
    # SQLite drops the column in place (3.35+): a copied table would lose its FTS5 triggers
    op.drop_column('searchdocument', 'terms')
