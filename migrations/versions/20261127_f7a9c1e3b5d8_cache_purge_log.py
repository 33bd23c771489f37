"""cache purge log: the keys each committed write purged, followed by every process's response cache

Revision ID: f7a9c1e3b5d8
Revises: e5f1a3c7b9d2
Create Date: 2026-11-27 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = 'f7a9c1e3b5d8'
down_revision: str | None = 'e5f1a3c7b9d2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'cachepurge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', app.db.UTCDateTime(), nullable=False),
        sa.Column('keys', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cachepurge')),
    )
    op.create_index('ix_cachepurge_at', 'cachepurge', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cachepurge_at', table_name='cachepurge')
    op.drop_table('cachepurge')
