"""discovery: view buckets, trending pins and blocks, curated lists

Revision ID: 6a1c0e7b2d45
Revises: f4a4dac3cbbd
Create Date: 2026-11-27 09:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = '6a1c0e7b2d45'
down_revision: str | None = 'f4a4dac3cbbd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('curatedlist',
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('half_life_hours', sa.Float(), nullable=False),
    sa.Column('window_hours', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('trending', 'manual')", name=op.f('ck_curatedlist_kind_known')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_curatedlist_category_id_category'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_curatedlist')),
    sa.UniqueConstraint('slug', name=op.f('uq_curatedlist_slug')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('curatedlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_curatedlist_category_id'), ['category_id'], unique=False)

    op.create_table('curatedlistentry',
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_curatedlistentry_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_id'], ['curatedlist.id'], name=op.f('fk_curatedlistentry_list_id_curatedlist'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_curatedlistentry')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('curatedlistentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_curatedlistentry_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_curatedlistentry_list_id'), ['list_id'], unique=False)

    op.create_table('trendingblock',
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_trendingblock_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trendingblock')),
    sa.UniqueConstraint('article_id', name=op.f('uq_trendingblock_article_id')),
    sqlite_autoincrement=True
    )
    op.create_table('trendingpin',
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_trendingpin_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_trendingpin_category_id_category'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trendingpin')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('trendingpin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trendingpin_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trendingpin_category_id'), ['category_id'], unique=False)

    op.create_table('viewbucket',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_viewbucket_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'hour', name=op.f('pk_viewbucket'))
    )
    with op.batch_alter_table('viewbucket', schema=None) as batch_op:
        batch_op.create_index('ix_viewbucket_hour_article_id', ['hour', 'article_id'], unique=False)

    op.create_table('viewseen',
    sa.Column('hour', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('session_hash', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_viewseen_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('hour', 'article_id', 'session_hash', name=op.f('pk_viewseen'))
    )


def downgrade() -> None:
    op.drop_table('viewseen')
    with op.batch_alter_table('viewbucket', schema=None) as batch_op:
        batch_op.drop_index('ix_viewbucket_hour_article_id')

    op.drop_table('viewbucket')
    with op.batch_alter_table('trendingpin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trendingpin_category_id'))
        batch_op.drop_index(batch_op.f('ix_trendingpin_article_id'))

    op.drop_table('trendingpin')
    op.drop_table('trendingblock')
    with op.batch_alter_table('curatedlistentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_curatedlistentry_list_id'))
        batch_op.drop_index(batch_op.f('ix_curatedlistentry_article_id'))

    op.drop_table('curatedlistentry')
    with op.batch_alter_table('curatedlist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_curatedlist_category_id'))

    op.drop_table('curatedlist')
