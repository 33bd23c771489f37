"""Registry of every table model, so `SQLModel.metadata` is complete for Alembic and tests."""

from app.articles.models import Article, ArticleAuthor, ArticleBlock, ArticleTag
from app.tables.models import ContentTable
from app.taxonomy.models import Author, Category, Tag
from app.timelines.models import Timeline, TimelineEvent, TimelineEventArticle, TimelineEventSpan

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleBlock",
    "ArticleTag",
    "Author",
    "Category",
    "ContentTable",
    "Tag",
    "Timeline",
    "TimelineEvent",
    "TimelineEventArticle",
    "TimelineEventSpan",
]
