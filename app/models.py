"""Registry of every table model, so `SQLModel.metadata` is complete for Alembic and tests."""

from app.articles.models import (
    Article,
    ArticleAuthor,
    ArticleBlock,
    ArticleCorrection,
    ArticleRevision,
    ArticleSlugRedirect,
    ArticleTag,
    ArticleTombstone,
    PreviewToken,
)
from app.auth.models import ApiKey, AuditEntry, SigningSecret
from app.tables.models import ContentTable
from app.taxonomy.models import Author, Category, Tag
from app.timelines.models import Timeline, TimelineEvent, TimelineEventArticle, TimelineEventSpan

__all__ = [
    "ApiKey",
    "Article",
    "ArticleAuthor",
    "ArticleBlock",
    "ArticleCorrection",
    "ArticleRevision",
    "ArticleSlugRedirect",
    "ArticleTag",
    "ArticleTombstone",
    "AuditEntry",
    "Author",
    "Category",
    "ContentTable",
    "PreviewToken",
    "SigningSecret",
    "Tag",
    "Timeline",
    "TimelineEvent",
    "TimelineEventArticle",
    "TimelineEventSpan",
]
