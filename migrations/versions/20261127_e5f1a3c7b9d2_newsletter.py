"""newsletter: subscriptions, consent records, confirmation tokens, mail outbox

Revision ID: e5f1a3c7b9d2
Revises: c3e7a9b1d2f4
Create Date: 2026-11-27 09:50:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = 'e5f1a3c7b9d2'
down_revision: str | None = 'c3e7a9b1d2f4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('newslettersubscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('topics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'unsubscribed')", name=op.f('ck_newslettersubscriber_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newslettersubscriber')),
    sa.UniqueConstraint('email', name=op.f('uq_newslettersubscriber_email')),
    sqlite_autoincrement=True
    )
    op.create_table('newsletterconsent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('topics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ip_hash', sa.String(length=32), nullable=True),
    sa.Column('confirmed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newslettersubscriber.id'], name=op.f('fk_newsletterconsent_subscriber_id_newslettersubscriber'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletterconsent')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('newsletterconsent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletterconsent_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('newslettermail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_newslettermail_status_known')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newslettersubscriber.id'], name=op.f('fk_newslettermail_subscriber_id_newslettersubscriber'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newslettermail')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('newslettermail', schema=None) as batch_op:
        batch_op.create_index('ix_newslettermail_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_newslettermail_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('newslettertoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('confirm', 'unsubscribe')", name=op.f('ck_newslettertoken_purpose_known')),
    sa.ForeignKeyConstraint(['consent_id'], ['newsletterconsent.id'], name=op.f('fk_newslettertoken_consent_id_newsletterconsent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newslettersubscriber.id'], name=op.f('fk_newslettertoken_subscriber_id_newslettersubscriber'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newslettertoken')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_newslettertoken_token_hash')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('newslettertoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newslettertoken_consent_id'), ['consent_id'], unique=False)
        batch_op.create_index('ix_newslettertoken_subscriber_id_purpose_created_at', ['subscriber_id', 'purpose', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('newslettertoken', schema=None) as batch_op:
        batch_op.drop_index('ix_newslettertoken_subscriber_id_purpose_created_at')
        batch_op.drop_index(batch_op.f('ix_newslettertoken_consent_id'))

    op.drop_table('newslettertoken')
    with op.batch_alter_table('newslettermail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newslettermail_subscriber_id'))
        batch_op.drop_index('ix_newslettermail_status_next_attempt_at')

    op.drop_table('newslettermail')
    with op.batch_alter_table('newsletterconsent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletterconsent_subscriber_id'))

    op.drop_table('newsletterconsent')
    op.drop_table('newslettersubscriber')
