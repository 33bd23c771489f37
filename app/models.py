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
from app.newsletter.models import NewsletterConsent, NewsletterMail, NewsletterSubscriber, NewsletterToken
from app.purge import CachePurge
from app.search import index as _search_index  # noqa: F401  # the index follows every write
from app.search.models import RelatedOverride, SearchDocument
from app.syndication import sync as _sync_log  # noqa: F401  # the partner change log follows every write
from app.syndication.models import (
    SyncChange,
    SyncChangeScope,
    SyncState,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.tables.models import ContentTable
from app.taxonomy.models import Author, Category, Tag
from app.timelines.models import Timeline, TimelineEvent, TimelineEventArticle, TimelineEventSpan
from app.trending.models import (
    CuratedList,
    CuratedListEntry,
    TrendingBlock,
    TrendingPin,
    ViewBucket,
    ViewSeen,
)

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
    "CachePurge",
    "Category",
    "ContentTable",
    "CuratedList",
    "CuratedListEntry",
    "NewsletterConsent",
    "NewsletterMail",
    "NewsletterSubscriber",
    "NewsletterToken",
    "PreviewToken",
    "RelatedOverride",
    "SearchDocument",
    "SigningSecret",
    "SyncChange",
    "SyncChangeScope",
    "SyncState",
    "Tag",
    "Timeline",
    "TimelineEvent",
    "TimelineEventArticle",
    "TimelineEventSpan",
    "TrendingBlock",
    "TrendingPin",
    "ViewBucket",
    "ViewSeen",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
]
