"""covering indexes for an article's tags and authors in order

List pages and article detail read the tags and authors of a set of articles in their order. The primary
keys (article_id, tag_id) and (article_id, author_id) find the rows but not their positions: each row cost
a table lookup and the result a sort. These indexes hold all three columns in the order asked.

Revision ID: d4b6e8f0a2c1
Revises: b8d2f4a6c1e3
Create Date: 2026-11-27 20:10:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'd4b6e8f0a2c1'
down_revision: str | None = 'b8d2f4a6c1e3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_articletag_article_id_position_tag_id',
        'articletag',
        ['article_id', 'position', 'tag_id'],
        unique=False,
    )
    op.create_index(
        'ix_articleauthor_article_id_position_author_id',
        'articleauthor',
        ['article_id', 'position', 'author_id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_articleauthor_article_id_position_author_id', table_name='articleauthor')
    op.drop_index('ix_articletag_article_id_position_tag_id', table_name='articletag')
