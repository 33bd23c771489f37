"""composite indexes for the public read paths

Public lists filter `status IN ('published', 'scheduled')` and sort by publish time or title. With status
leading an index the matching rows come in no single order, so PostgreSQL sorted every public row for page 1
of a list; these indexes give the lists' orders directly (docs/explain.md has the plans before and after).

Revision ID: b8d2f4a6c1e3
Revises: f7a9c1e3b5d8
Create Date: 2026-11-27 13:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b8d2f4a6c1e3'
down_revision: str | None = 'f7a9c1e3b5d8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_article_published_at_id', 'article', ['published_at', 'id'], unique=False)
    op.create_index(
        'ix_article_category_id_published_at_id',
        'article',
        ['category_id', 'published_at', 'id'],
        unique=False,
    )
    op.create_index('ix_article_title_id', 'article', ['title', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_article_title_id', table_name='article')
    op.drop_index('ix_article_category_id_published_at_id', table_name='article')
    op.drop_index('ix_article_published_at_id', table_name='article')
