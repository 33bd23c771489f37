"""syndication: change log for /v1/sync, webhook subscriptions, outbox and deliveries

Existing articles are recorded as already announced (public ones) or due (scheduled ones): partners get
them from the first snapshot of /v1/sync, not as a burst of `created` entries and webhook events.

Revision ID: c3e7a9b1d2f4
Revises: 9d3f5b8e1a27
Create Date: 2026-11-27 09:45:00+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = 'c3e7a9b1d2f4'
down_revision: str | None = '9d3f5b8e1a27'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
SEQ = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'syncchange',
        sa.Column('seq', SEQ, autoincrement=True, nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('changed_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('created', 'updated', 'unpublished', 'deleted')", name=op.f('ck_syncchange_kind_known')
        ),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_syncchange')),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'syncchangescope',
        sa.Column('seq', SEQ, nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('category', 'tag')", name=op.f('ck_syncchangescope_kind_known')),
        sa.PrimaryKeyConstraint('seq', 'kind', 'ref_id', name=op.f('pk_syncchangescope')),
    )
    op.create_index('ix_syncchangescope_kind_ref_id_seq', 'syncchangescope', ['kind', 'ref_id', 'seq'])
    op.create_table(
        'syncstate',
        sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('announced', sa.Boolean(), nullable=False),
        sa.Column('due_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('tag_ids', JSON, nullable=False),
        sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint('article_id', name=op.f('pk_syncstate')),
    )
    op.create_index(op.f('ix_syncstate_due_at'), 'syncstate', ['due_at'])
    op.create_table(
        'webhookevent',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column('type', sa.String(length=32), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('seq', SEQ, nullable=True),
        sa.Column('payload', JSON, nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhookevent')),
    )
    op.create_table(
        'webhooksubscription',
        sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_types', JSON, nullable=False),
        sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhooksubscription')),
    )
    op.create_table(
        'webhookdelivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('locked_until', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('claim_token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('last_attempt_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('delivered_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'failed')", name=op.f('ck_webhookdelivery_status_known')
        ),
        sa.ForeignKeyConstraint(
            ['event_id'],
            ['webhookevent.id'],
            name=op.f('fk_webhookdelivery_event_id_webhookevent'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['subscription_id'],
            ['webhooksubscription.id'],
            name=op.f('fk_webhookdelivery_subscription_id_webhooksubscription'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhookdelivery')),
    )
    op.create_index(op.f('ix_webhookdelivery_event_id'), 'webhookdelivery', ['event_id'])
    op.create_index(
        'ix_webhookdelivery_status_next_attempt_at', 'webhookdelivery', ['status', 'next_attempt_at']
    )
    op.create_index('ix_webhookdelivery_subscription_id_id', 'webhookdelivery', ['subscription_id', 'id'])
    _baseline()


def _baseline() -> None:
    """Every existing article as partners would see it in a snapshot now (see `sync.baseline`)."""
    bind = op.get_bind()
    article = sa.table(
        'article',
        sa.column('id', sa.Integer()),
        sa.column('status', sa.String()),
        sa.column('published_at', app.db.UTCDateTime()),
        sa.column('category_id', sa.Integer()),
    )
    article_tag = sa.table('articletag', sa.column('article_id', sa.Integer()), sa.column('tag_id', sa.Integer()))
    state = sa.table(
        'syncstate',
        sa.column('article_id', sa.Integer()),
        sa.column('public', sa.Boolean()),
        sa.column('announced', sa.Boolean()),
        sa.column('due_at', app.db.UTCDateTime()),
        sa.column('category_id', sa.Integer()),
        sa.column('tag_ids', JSON),
        sa.column('fingerprint', sa.String()),
    )
    tags: dict[int, list[int]] = {}
    for article_id, tag_id in bind.execute(sa.select(article_tag.c.article_id, article_tag.c.tag_id)):
        tags.setdefault(article_id, []).append(tag_id)
    now = datetime.now(UTC)
    rows = []
    for row in bind.execute(
        sa.select(article.c.id, article.c.status, article.c.published_at, article.c.category_id)
    ):
        scheduled = row.status in ('published', 'scheduled') and row.published_at is not None
        public = scheduled and row.published_at <= now
        rows.append(
            {
                'article_id': row.id,
                'public': public,
                'announced': public,
                'due_at': row.published_at if scheduled and not public else None,
                'category_id': row.category_id,
                'tag_ids': sorted(tags.get(row.id, [])),
                'fingerprint': None,
            }
        )
    for start in range(0, len(rows), 1000):
        bind.execute(sa.insert(state), rows[start : start + 1000])


def downgrade() -> None:
    op.drop_index('ix_webhookdelivery_subscription_id_id', table_name='webhookdelivery')
    op.drop_index('ix_webhookdelivery_status_next_attempt_at', table_name='webhookdelivery')
    op.drop_index(op.f('ix_webhookdelivery_event_id'), table_name='webhookdelivery')
    op.drop_table('webhookdelivery')
    op.drop_table('webhooksubscription')
    op.drop_table('webhookevent')
    op.drop_index(op.f('ix_syncstate_due_at'), table_name='syncstate')
    op.drop_table('syncstate')
    op.drop_index('ix_syncchangescope_kind_ref_id_seq', table_name='syncchangescope')
    op.drop_table('syncchangescope')
    op.drop_table('syncchange')
