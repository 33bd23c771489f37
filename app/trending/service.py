"""Trending: decayed view scores computed in SQL, editorial pins and blocks, curated lists.

A view's weight halves every `half_life_hours`: score = sum(views * 0.5 ^ (age / half-life)) over the hourly
buckets in the window, the age of a bucket counted in whole hours from the current one (whose views weigh 1).
Scores (and so the response and its ETag) stay put within an hour unless views arrive; the order is the one
a continuously decaying score would give, since every score is scaled alike. Only public articles are ranked,
pinned or listed."""

from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Float, case, cast, func, literal, or_
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article
from app.db import utcnow
from app.errors import NotFound
from app.taxonomy.models import Category
from app.trending.events import hour_of
from app.trending.models import (
    CuratedList,
    CuratedListEntry,
    CuratedListPage,
    CuratedListPublic,
    ListKind,
    RankingMeta,
    TrendingBlock,
    TrendingItem,
    TrendingPage,
    TrendingPin,
    ViewBucket,
)

SCORE_DIGITS = 4


@dataclass(frozen=True)
class Stats:
    score: float
    views: int
    velocity: int


NO_VIEWS = Stats(0.0, 0, 0)


@dataclass(frozen=True)
class Placement:
    """An article an editor put at a position (a trending pin or a list entry)."""

    article_id: int
    position: int


@dataclass(frozen=True)
class Ranking:
    """What a ranking is computed for."""

    now: datetime  # visibility and expiry are decided now
    half_life_hours: float
    window_hours: int
    category_id: int | None


def _ranking(
    session: Session,
    ranking: Ranking,
    *,
    limit: int,
    exclude: Collection[int] = (),
    only: Collection[int] | None = None,
) -> list[tuple[int, Stats]]:
    """Public articles with views in the window by decayed score, best first, with their stats.

    Blocked articles are left out, unless `only` names the articles wanted. One aggregate query over the
    buckets of the window and of the two hours velocity compares."""
    current = hour_of(ranking.now)
    start = current - ranking.window_hours + 1
    bucket = ViewBucket.__table__.c  # type: ignore[attr-defined]
    in_window = bucket.hour >= start
    age = cast(current - bucket.hour, Float) / literal(ranking.half_life_hours, Float)
    window_views = func.sum(case((in_window, bucket.views), else_=0))
    score = func.sum(case((in_window, bucket.views * func.power(literal(0.5, Float), age)), else_=0.0))
    velocity = func.sum(case((bucket.hour == current - 1, bucket.views), else_=0)) - func.sum(
        case((bucket.hour == current - 2, bucket.views), else_=0)
    )
    statement = (
        select(
            bucket.article_id, score.label("score"), window_views.label("views"), velocity.label("velocity")
        )
        .join(Article, col(Article.id) == bucket.article_id)
        .where(
            bucket.hour >= min(start, current - 2),
            bucket.hour <= current,
            articles_service.public_condition(ranking.now),
        )
        .group_by(bucket.article_id)
        .having(window_views > 0)
        .order_by(score.desc(), bucket.article_id.desc())
        .limit(limit)
    )
    if ranking.category_id is not None:
        statement = statement.where(Article.category_id == ranking.category_id)
    if only is not None:
        statement = statement.where(bucket.article_id.in_(only))
    else:
        statement = statement.where(bucket.article_id.not_in(select(TrendingBlock.article_id)))
        if exclude:
            statement = statement.where(bucket.article_id.not_in(exclude))
    return [
        (article_id, Stats(round(float(s), SCORE_DIGITS), int(v), int(vel)))
        for article_id, s, v, vel in session.exec(statement)
    ]


def _live_placements(
    session: Session,
    model: type[TrendingPin] | type[CuratedListEntry],
    scope: ColumnElement[bool],
    now: datetime,
) -> list[Placement]:
    """Unexpired placements of public articles in a scope, in position order (older first on a tie)."""
    statement = (
        select(model.article_id, model.position)
        .join(Article, col(Article.id) == model.article_id)
        .where(
            scope,
            or_(col(model.expires_at).is_(None), col(model.expires_at) > now),
            articles_service.public_condition(now),
        )
        .order_by(col(model.position), col(model.id))
    )
    seen: set[int] = set()
    placements = []
    for article_id, position in session.exec(statement):
        if article_id not in seen:  # the same article placed twice keeps its first position
            seen.add(article_id)
            placements.append(Placement(article_id, position))
    return placements


def merge(placements: Sequence[Placement], computed: Sequence[int], limit: int) -> list[tuple[int, bool]]:
    """Placed articles at their positions, computed ones filling the rest in order, no article twice.

    Placements beyond the end of the computed entries close up behind them."""
    placed = {p.article_id for p in placements}
    fill = iter([article_id for article_id in computed if article_id not in placed])
    waiting = deque(placements)
    result: list[tuple[int, bool]] = []
    while len(result) < limit:
        if waiting and waiting[0].position <= len(result) + 1:
            result.append((waiting.popleft().article_id, True))
            continue
        article_id = next(fill, None)
        if article_id is not None:
            result.append((article_id, False))
        elif waiting:
            result.append((waiting.popleft().article_id, True))
        else:
            break
    return result


def _items(
    session: Session, ranking: Ranking, placements: list[Placement], *, computed: bool, limit: int
) -> list[TrendingItem]:
    placed = [p.article_id for p in placements]
    ranked = _ranking(session, ranking, limit=limit, exclude=placed) if computed else []
    merged = merge(placements, [article_id for article_id, _ in ranked], limit)
    stats = dict(ranked)
    shown_placed = [article_id for article_id, pinned in merged if pinned]
    if shown_placed:
        anywhere = replace(ranking, category_id=None)
        stats |= dict(_ranking(session, anywhere, limit=len(shown_placed), only=shown_placed))
    ids = [article_id for article_id, _ in merged]
    public = articles_service.public_condition(ranking.now)
    articles = {a.id: a for a in session.exec(select(Article).where(col(Article.id).in_(ids), public))}
    merged = [(article_id, pinned) for article_id, pinned in merged if article_id in articles]
    summaries = articles_service.summaries(session, [articles[article_id] for article_id, _ in merged])
    return [
        TrendingItem(
            position=position,
            article=summary,
            score=stats.get(article_id, NO_VIEWS).score,
            views=stats.get(article_id, NO_VIEWS).views,
            velocity=stats.get(article_id, NO_VIEWS).velocity,
            pinned=pinned,
        )
        for position, ((article_id, pinned), summary) in enumerate(zip(merged, summaries, strict=True), 1)
    ]


def _meta(ranking: Ranking, limit: int, category: str | None) -> RankingMeta:
    return RankingMeta(
        limit=limit,
        next_cursor=None,
        as_of=datetime.fromtimestamp(hour_of(ranking.now) * 3600, UTC),
        half_life_hours=ranking.half_life_hours,
        window_hours=ranking.window_hours,
        category=category,
    )


def trending(
    session: Session, *, category: str | None, half_life_hours: float, window_hours: int, limit: int
) -> TrendingPage:
    """The site's (or a category's) trending articles, with the pins of that scope."""
    ranking = Ranking(utcnow(), half_life_hours, window_hours, _category_id(session, category))
    scope = (
        col(TrendingPin.category_id).is_(None)
        if ranking.category_id is None
        else col(TrendingPin.category_id) == ranking.category_id
    )
    placements = _live_placements(session, TrendingPin, scope, ranking.now)
    items = _items(session, ranking, placements, computed=True, limit=limit)
    return TrendingPage(items=items, meta=_meta(ranking, limit, category))


def get_list(session: Session, slug: str) -> CuratedList:
    found = session.exec(select(CuratedList).where(CuratedList.slug == slug)).first()
    if found is None:
        raise NotFound(f"No curated list has the slug {slug!r}.")
    return found


def curated_list(session: Session, found: CuratedList, *, limit: int) -> CuratedListPage:
    """A curated list: its live entries at their positions and, for a trending list, trending around them."""
    ranking = Ranking(utcnow(), found.half_life_hours, found.window_hours, found.category_id)
    scope = col(CuratedListEntry.list_id) == found.id
    placements = _live_placements(session, CuratedListEntry, scope, ranking.now)
    items = _items(session, ranking, placements, computed=found.kind == ListKind.trending, limit=limit)
    category = session.get(Category, found.category_id) if found.category_id is not None else None
    return CuratedListPage(
        list=CuratedListPublic.model_validate(found, from_attributes=True),
        items=items,
        meta=_meta(ranking, limit, category.slug if category is not None else None),
    )


def _category_id(session: Session, slug: str | None) -> int | None:
    if slug is None:
        return None
    category = articles_service.category_by_slug(session, slug)
    if category is None:
        raise NotFound(f"No category has the slug {slug!r}.")
    return category.id
