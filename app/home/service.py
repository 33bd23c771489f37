"""The home page query: every section's latest public articles in one ranked query."""

from collections import defaultdict

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article
from app.home.models import HomePage, HomeSection
from app.taxonomy.models import Category, CategoryPublic


def home_page(session: Session, per_section: int) -> HomePage:
    """Sections in category order, each with its `per_section` newest public articles."""
    rank = (
        func.row_number()
        .over(
            partition_by=col(Article.category_id),
            order_by=(col(Article.published_at).desc(), col(Article.id).desc()),
        )
        .label("rank")
    )
    ranked = select(col(Article.id).label("id"), rank).where(articles_service.public_condition()).subquery()
    articles = session.exec(
        select(Article)
        .join(ranked, ranked.c.id == Article.id)
        .where(ranked.c.rank <= per_section)
        .order_by(col(Article.category_id), col(Article.published_at).desc(), col(Article.id).desc())
    ).all()
    summaries = articles_service.summaries(session, list(articles))
    by_category = defaultdict(list)
    for article, summary in zip(articles, summaries, strict=True):
        by_category[article.category_id].append(summary)
    categories = session.exec(select(Category).order_by(col(Category.position), col(Category.id))).all()
    return HomePage(
        sections=[
            HomeSection(category=CategoryPublic.model_validate(c), articles=by_category.get(c.id, []))  # type: ignore[arg-type]
            for c in categories
        ]
    )
