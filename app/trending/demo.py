"""Demo discovery data: two days of hourly views for the demo articles, and the two curated lists.

The views end at the hour the demo is loaded, so the demo's trending list is real when it is served. Counts
come from a seeded generator: the same for every load. Loading again adds nothing."""

import random
from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, select

from app.articles.models import Article
from app.db import utcnow
from app.demo import content
from app.trending.events import hour_of
from app.trending.models import CuratedList, CuratedListEntry, ListKind, ViewBucket

HOURS = 48
# (slug, readers per hour at its peak, hours ago the peak was): a big story cooling down, fresh risers
AUDIENCES = {
    "kim-jong-un-new-year-greetings-putin-blood-alliance": (900, 20),
    "best-vr-headsets-under-500-january-2026": (420, 1),
    "stablecoins-you-can-trust-2026": (380, 6),
    "green-credit-cards-that-plant-trees": (300, 0),
    "stoicism-for-the-modern-age-2026": (260, 10),
    "remakes-and-remasters-confirmed-for-2026": (240, 30),
    "best-cards-for-airport-lounge-access-2026": (200, 4),
    "saas-founders-to-follow-on-linkedin-2026": (150, 14),
    "ethics-of-geo-engineering-hack-the-climate": (130, 8),
    "best-hr-tech-tools-for-hybrid-workforce-management": (90, 3),
}
BACKGROUND = 12  # readers per hour of every other public article
LISTS = [
    {
        "slug": "top-trending",
        "title": "Top Trending",
        "description": "What readers are opening right now, across every section.",
        "kind": ListKind.trending,
    },
    {
        "slug": "editors-picks",
        "title": "Editors' Picks",
        "description": "Pieces the desk thinks deserve a slower read.",
        "kind": ListKind.manual,
    },
]
EDITORS_PICKS = [
    "kim-jong-un-new-year-greetings-putin-blood-alliance",
    "indigenous-knowledge-fighting-climate-change",
    "growth-mindset-myth-why-its-not-enough",
    "digital-disconnect-evening-rituals-sleep-quality",
]


def _hourly_views(peak: int, peak_ago: int, generator: random.Random) -> list[int]:
    """Views per hour, oldest first: rising to the peak, then halving about every eight hours."""
    views = []
    for ago in range(HOURS - 1, -1, -1):
        before_peak = ago - peak_ago  # hours
        level = peak * (0.5 ** (before_peak / 3) if before_peak > 0 else 0.5 ** (-before_peak / 8))
        views.append(max(0, round(level * generator.uniform(0.85, 1.15))))
    return views


def load_demo_views(session: Session, articles: dict[str, int], now: datetime | None = None) -> int:
    """View buckets for the demo's public articles over the last two days, unless they have views already."""
    if session.exec(select(ViewBucket.article_id).limit(1)).first() is not None:
        return 0
    current = hour_of(now or utcnow())
    rows = 0
    for slug, article_id in sorted(articles.items()):
        generator = random.Random(slug)
        peak, peak_ago = AUDIENCES.get(slug, (BACKGROUND, HOURS))
        for offset, views in enumerate(_hourly_views(peak, peak_ago, generator)):
            if views:
                session.add(ViewBucket(article_id=article_id, hour=current - HOURS + 1 + offset, views=views))
                rows += 1
    return rows


def load_demo_lists(session: Session, articles: dict[str, int], created: Counter[str]) -> None:
    """The `top-trending` and `editors-picks` lists, when missing."""
    for data in LISTS:
        if session.exec(select(CuratedList.id).where(CuratedList.slug == data["slug"])).first() is not None:
            continue
        curated = CuratedList.model_validate(data)
        session.add(curated)
        session.flush()
        assert curated.id is not None
        created["curatedlist"] += 1
        if data["slug"] == "editors-picks":
            for position, slug in enumerate(EDITORS_PICKS, 1):
                session.add(
                    CuratedListEntry(list_id=curated.id, article_id=articles[slug], position=position)
                )
                created["curatedlistentry"] += 1
    session.flush()


def load(session: Session, created: Counter[str]) -> None:
    """Add the demo's views and curated lists where missing (the caller commits)."""
    demo_slugs = [a["slug"] for a in content.ARTICLES]
    rows = session.exec(select(Article.slug, Article.id).where(col(Article.slug).in_(demo_slugs))).all()
    articles = {slug: article_id for slug, article_id in rows if article_id is not None}
    views = load_demo_views(session, articles)
    if views:
        created["viewbucket"] += views
    load_demo_lists(session, articles, created)
