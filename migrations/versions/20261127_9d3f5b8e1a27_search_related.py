"""search: full-text indexes (FTS5 / tsvector + GIN), related-article pins

Revision ID: 9d3f5b8e1a27
Revises: 6a1c0e7b2d45
Create Date: 2026-11-27 09:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db
from app.search import index
from app.search.models import POSTGRES_DDL, POSTGRES_DROP, SQLITE_DDL, SQLITE_DROP

revision: str = '9d3f5b8e1a27'
down_revision: str | None = '6a1c0e7b2d45'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('relatedoverride',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('related_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('pin', 'exclude')", name=op.f('ck_relatedoverride_kind_known')),
    sa.CheckConstraint('article_id <> related_id', name=op.f('ck_relatedoverride_not_itself')),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_relatedoverride_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['related_id'], ['article.id'], name=op.f('fk_relatedoverride_related_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relatedoverride')),
    sa.UniqueConstraint('article_id', 'related_id', name=op.f('uq_relatedoverride_article_id_related_id'))
    )
    op.create_index(op.f('ix_relatedoverride_related_id'), 'relatedoverride', ['related_id'], unique=False)
    op.create_table('searchdocument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('lead', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('article', 'table', 'event')", name=op.f('ck_searchdocument_kind_known')),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_searchdocument_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_searchdocument')),
    sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_searchdocument_kind_ref_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_searchdocument_article_id'), 'searchdocument', ['article_id'], unique=False)
    # the full-text side: an FTS5 table with its triggers, or a generated tsvector column with a GIN index
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DDL if dialect == 'sqlite' else POSTGRES_DDL if dialect == 'postgresql' else ():
        op.execute(statement)
    # data: index the content already stored
    index.rebuild(op.get_bind())


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DROP if dialect == 'sqlite' else POSTGRES_DROP if dialect == 'postgresql' else ():
        op.execute(statement)
    op.drop_index(op.f('ix_searchdocument_article_id'), table_name='searchdocument')
    op.drop_table('searchdocument')
    op.drop_index(op.f('ix_relatedoverride_related_id'), table_name='relatedoverride')
    op.drop_table('relatedoverride')
