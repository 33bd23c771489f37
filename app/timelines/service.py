"""Queries over timelines and their events; an event is public exactly when its timeline's article is."""

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, exists, select

from app.articles import service as articles_service
from app.articles.models import Article, ArticleRef
from app.errors import BadRequest, NotFound
from app.pagination import Order, keyset_page
from app.timelines.models import (
    Timeline,
    TimelineBase,
    TimelineEvent,
    TimelineEventArticle,
    TimelineEventBase,
    TimelineEventPublic,
    TimelineEventSpan,
    TimelinePublic,
    TimelineRef,
    TimelineSummary,
    event_spans,
)

_EVENT_ORDER: Order = [(col(TimelineEvent.sort_date), False), (col(TimelineEvent.id), False)]
_TIMELINE_ORDER: Order = [(col(Article.published_at), True), (col(Timeline.id), True)]


def _public_timelines() -> Any:
    return (
        select(Timeline, Article.published_at, Article.slug, Article.title)
        .join(Article, col(Article.id) == Timeline.article_id)
        .where(articles_service.public_condition())
    )


def _article_ref(row: Any) -> ArticleRef:
    return ArticleRef(id=row[0].article_id, slug=row[2], title=row[3])


def list_public_timelines(
    session: Session, *, article: str | None, cursor: str | None, limit: int
) -> tuple[list[TimelineSummary], str | None]:
    """Timelines of public articles, newest article first."""
    statement = _public_timelines()
    if article is not None:
        statement = statement.where(Article.slug == article)
    rows: list[Row[Timeline, datetime | None, str, str]]
    rows, next_cursor = keyset_page(
        session,
        statement,
        order=_TIMELINE_ORDER,
        kind="timelines",
        cursor=cursor,
        limit=limit,
        scalars=False,
        key=lambda row: (row[1], row[0].id),
    )
    counts: dict[int | None, int] = {}
    if rows:
        ids = [row[0].id for row in rows]
        counts = dict(
            session.execute(
                select(TimelineEvent.timeline_id, func.count())
                .where(col(TimelineEvent.timeline_id).in_(ids))
                .group_by(col(TimelineEvent.timeline_id))
            ).all()
        )
    items = [
        TimelineSummary.model_validate(
            row[0], update={"article": _article_ref(row), "event_count": counts.get(row[0].id, 0)}
        )
        for row in rows
    ]
    return items, next_cursor


def get_public_timeline(session: Session, slug: str) -> TimelinePublic:
    row = session.execute(_public_timelines().where(Timeline.slug == slug)).first()
    if row is None:
        raise NotFound(f"No published timeline has the slug {slug!r}.")
    return public_timelines_by_id(session, [row[0].id])[row[0].id]


def public_timelines_by_id(session: Session, timeline_ids: Collection[int]) -> dict[int, TimelinePublic]:
    """Whole timelines, events in chronological order, for those of `timeline_ids` that are public."""
    if not timeline_ids:
        return {}
    rows = session.execute(_public_timelines().where(col(Timeline.id).in_(timeline_ids))).all()
    timelines = {row[0].id: row for row in rows}
    events = (
        session.execute(
            select(TimelineEvent)
            .where(col(TimelineEvent.timeline_id).in_(timelines))
            .order_by(col(TimelineEvent.sort_date), col(TimelineEvent.position), col(TimelineEvent.id))
        )
        .scalars()
        .all()
    )
    refs = {tid: TimelineRef(id=tid, slug=row[0].slug, title=row[0].title) for tid, row in timelines.items()}
    by_timeline: dict[int, list[TimelineEventPublic]] = defaultdict(list)
    for event in _events_public(session, list(events), refs):
        by_timeline[event.timeline.id].append(event)
    return {
        tid: TimelinePublic.model_validate(
            row[0], update={"article": _article_ref(row), "events": by_timeline.get(tid, [])}
        )
        for tid, row in timelines.items()
    }


def _events_public(
    session: Session, events: list[TimelineEvent], refs: dict[int, TimelineRef]
) -> list[TimelineEventPublic]:
    """Public views of events: their covered spans and their links to public articles, two queries in all."""
    ids = [e.id for e in events if e.id is not None]
    spans: dict[int, tuple[date, date]] = {}
    links: dict[int, list[int]] = defaultdict(list)
    if ids:
        for event_id, starts, ends in session.execute(
            select(
                TimelineEventSpan.event_id,
                func.min(TimelineEventSpan.starts_on),
                func.max(TimelineEventSpan.ends_on),
            )
            .where(col(TimelineEventSpan.event_id).in_(ids))
            .group_by(col(TimelineEventSpan.event_id))
        ):
            spans[event_id] = (starts, ends)
        for event_id, article_id in session.execute(
            select(TimelineEventArticle.event_id, TimelineEventArticle.article_id)
            .where(col(TimelineEventArticle.event_id).in_(ids))
            .order_by(col(TimelineEventArticle.event_id), col(TimelineEventArticle.position))
        ):
            links[event_id].append(article_id)
    public_refs = articles_service.article_refs(session, {a for linked in links.values() for a in linked})
    result = []
    for event in events:
        assert event.id is not None
        starts_on, ends_on = spans.get(event.id, (event.sort_date, event.sort_date))
        result.append(
            TimelineEventPublic.model_validate(
                event,
                update={
                    "timeline": refs[event.timeline_id],
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "articles": [public_refs[a] for a in links.get(event.id, []) if a in public_refs],
                },
            )
        )
    return result


def list_public_events(
    session: Session,
    *,
    date_from: date | None,
    date_to: date | None,
    timeline: str | None,
    article: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[TimelineEventPublic], str | None]:
    """Events of public timelines in chronological order.

    A range keeps every event any of whose dates overlaps it, at the precision the date was written with:
    "October 2024" covers 1-31 October, so it falls inside 15-20 October 2024."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise BadRequest("`from` must not be after `to`.")
    statement = (
        select(TimelineEvent, Timeline.slug, Timeline.title)
        .join(Timeline, col(Timeline.id) == TimelineEvent.timeline_id)
        .join(Article, col(Article.id) == Timeline.article_id)
        .where(articles_service.public_condition())
    )
    if date_from is not None or date_to is not None:
        overlap = [col(TimelineEventSpan.event_id) == TimelineEvent.id]
        if date_from is not None:
            overlap.append(col(TimelineEventSpan.ends_on) >= date_from)
        if date_to is not None:
            overlap.append(col(TimelineEventSpan.starts_on) <= date_to)
        statement = statement.where(exists().where(*overlap))
    if timeline is not None:
        statement = statement.where(Timeline.slug == timeline)
    if article is not None:
        named = aliased(Article)
        article_id = (
            select(named.id)
            .where(named.slug == article, articles_service.public_condition(table=named))
            .scalar_subquery()
        )
        statement = statement.where(
            or_(
                col(Timeline.article_id) == article_id,
                exists().where(
                    col(TimelineEventArticle.event_id) == TimelineEvent.id,
                    col(TimelineEventArticle.article_id) == article_id,
                ),
            )
        )
    rows: list[Row[TimelineEvent, str, str]]
    rows, next_cursor = keyset_page(
        session,
        statement,
        order=_EVENT_ORDER,
        kind="timeline-events",
        cursor=cursor,
        limit=limit,
        scalars=False,
        key=lambda row: (row[0].sort_date, row[0].id),
    )
    refs = {row[0].timeline_id: TimelineRef(id=row[0].timeline_id, slug=row[1], title=row[2]) for row in rows}
    return _events_public(session, [row[0] for row in rows], refs), next_cursor


def add_timeline(
    session: Session, article_id: int, data: dict[str, Any]
) -> tuple[Timeline, list[TimelineEvent]]:
    """Validate and stage a timeline with its events and their spans (flushes, does not commit)."""
    timeline = Timeline.model_validate(TimelineBase.model_validate(data), update={"article_id": article_id})
    session.add(timeline)
    session.flush()
    assert timeline.id is not None
    events = []
    for position, raw in enumerate(data.get("events", [])):
        base = TimelineEventBase.model_validate(raw)
        spans = event_spans(base)
        event = TimelineEvent.model_validate(
            base.model_dump(),
            update={
                "timeline_id": timeline.id,
                "position": position,
                "precision": str(base.precision),
                "extra_dates": [d.isoformat() for d in base.extra_dates],
                "sort_date": min(start for start, _ in spans),
            },
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        session.add_all(TimelineEventSpan(event_id=event.id, starts_on=s, ends_on=e) for s, e in spans)
        events.append(event)
    session.flush()
    return timeline, events


def link_event_articles(session: Session, event_id: int, article_ids: list[int]) -> None:
    session.add_all(
        TimelineEventArticle(event_id=event_id, article_id=a, position=i) for i, a in enumerate(article_ids)
    )
    session.flush()
