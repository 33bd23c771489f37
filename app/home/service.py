"""The home page query: every section's latest public articles, one index range per section."""

from collections import defaultdict

from sqlalchemy import Select, union_all
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article
from app.home.models import HomePage, HomeSection
from app.taxonomy.models import Category, CategoryPublic

UNION_PARTS = 100  # categories per statement (SQLite allows 500 parts in one compound SELECT)


def home_page(session: Session, per_section: int) -> HomePage:
    """Sections in category order, each with its `per_section` newest public articles.

    Each category's newest articles are one backwards range of the (category, publish time, id) index,
    stopped after `per_section` rows; the categories' ranges go in one UNION ALL. (Ranking every public
    article per category with a window function read all of them: about a second at a million.)"""
    categories = session.exec(select(Category).order_by(col(Category.position), col(Category.id))).all()
    articles: list[Article] = []
    ids = [c.id for c in categories if c.id is not None]
    for start in range(0, len(ids), UNION_PARTS):
        newest = union_all(
            *(_newest_ids(category_id, per_section) for category_id in ids[start : start + UNION_PARTS])
        ).subquery()
        articles += session.exec(select(Article).where(col(Article.id).in_(select(newest.c.id)))).all()
    articles.sort(key=lambda a: (a.category_id, a.published_at, a.id), reverse=True)
    summaries = articles_service.summaries(session, articles)
    by_category = defaultdict(list)
    for article, summary in zip(articles, summaries, strict=True):
        by_category[article.category_id].append(summary)
    return HomePage(
        sections=[
            HomeSection(category=CategoryPublic.model_validate(c), articles=by_category.get(c.id, []))  # type: ignore[arg-type]
            for c in categories
        ]
    )


def _newest_ids(category_id: int, limit: int) -> Select[tuple[int]]:
    """The ids of a category's `limit` newest public articles, as one part of a UNION ALL (SQLite takes an
    ordered, limited part only as a subquery)."""
    part = (
        select(col(Article.id).label("id"))
        .where(col(Article.category_id) == category_id, articles_service.public_condition())
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(limit)
        .subquery()
    )
    return select(part.c.id)
