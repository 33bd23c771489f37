"""Queries over timelines and their events; an event is public exactly when its timeline's article is."""

import functools
from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Row, Table, bindparam, delete, func, or_, update
from sqlalchemy import select as select_rows
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, exists, select

from app.articles import service as articles_service
from app.articles.models import Article, ArticleBlock, ArticleRef
from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.db import core_rows, utcnow
from app.errors import BadRequest, Conflict, NotFound, UnprocessableContent
from app.pagination import Order, keyset_page
from app.timelines.models import (
    DATE_FIELDS,
    Timeline,
    TimelineAdmin,
    TimelineBase,
    TimelineCreate,
    TimelineEvent,
    TimelineEventAdmin,
    TimelineEventArticle,
    TimelineEventBase,
    TimelineEventCreate,
    TimelineEventPublic,
    TimelineEventSpan,
    TimelinePublic,
    TimelineRef,
    TimelineSummary,
    event_spans,
)

_EVENT_ORDER: Order = [(col(TimelineEvent.sort_date), False), (col(TimelineEvent.id), False)]
_TIMELINE_ORDER: Order = [(col(Article.published_at), True), (col(Timeline.id), True)]


@functools.cache
def _public_timelines() -> Any:
    """Timelines with their article's publish time, slug and title, of public articles (built once)."""
    return (
        select(Timeline, Article.published_at, Article.slug, Article.title)
        .join(Article, col(Article.id) == Timeline.article_id)
        .where(articles_service.public_condition())
    )


# Whole public timelines (an article's detail embeds them) in three statements of plain rows, built once:
# the timelines, their events with the days each covers, and the events' links to public articles.
_timelines: Table = Timeline.__table__  # type: ignore[attr-defined]
_events: Table = TimelineEvent.__table__  # type: ignore[attr-defined]
_spans: Table = TimelineEventSpan.__table__  # type: ignore[attr-defined]
_links: Table = TimelineEventArticle.__table__  # type: ignore[attr-defined]
_articles: Table = Article.__table__  # type: ignore[attr-defined]
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)

_PUBLIC_TIMELINES_BY_ID = (
    select_rows(
        _timelines.c.id,
        _timelines.c.slug,
        _timelines.c.title,
        _timelines.c.description,
        _timelines.c.updated_at,
        _timelines.c.article_id,
        _articles.c.slug.label("article_slug"),
        _articles.c.title.label("article_title"),
    )
    .join_from(_timelines, _articles, _articles.c.id == _timelines.c.article_id)
    .where(articles_service.public_condition(table=_articles.c), _timelines.c.id.in_(_IDS))
)


def _span_end(aggregate: Any, column: Any) -> Any:
    """The first or last day an event covers, over its spans: a correlated subquery on the span index."""
    return select_rows(aggregate(column)).where(_spans.c.event_id == _events.c.id).scalar_subquery()


_EVENTS_OF_TIMELINES = (
    select_rows(
        *_events.c,
        _span_end(func.min, _spans.c.starts_on).label("starts_on"),
        _span_end(func.max, _spans.c.ends_on).label("ends_on"),
    )
    .where(_events.c.timeline_id.in_(_IDS))
    .order_by(_events.c.sort_date, _events.c.position, _events.c.id)
)
_SPANS_OF_EVENTS = (
    select_rows(_spans.c.event_id, func.min(_spans.c.starts_on), func.max(_spans.c.ends_on))
    .where(_spans.c.event_id.in_(_IDS))
    .group_by(_spans.c.event_id)
)
_LINKS_OF_EVENTS = (
    select_rows(_links.c.event_id, _links.c.article_id)
    .where(_links.c.event_id.in_(_IDS))
    .order_by(_links.c.event_id, _links.c.position)
)
_PUBLIC_LINKS_OF_EVENTS = (
    select_rows(_links.c.event_id, _articles.c.id, _articles.c.slug, _articles.c.title)
    .join_from(_links, _articles, _articles.c.id == _links.c.article_id)
    .where(_links.c.event_id.in_(_IDS), articles_service.public_condition(table=_articles.c))
    .order_by(_links.c.event_id, _links.c.position)
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
    timelines = {
        row.id: row for row in core_rows(session, _PUBLIC_TIMELINES_BY_ID, {"ids": list(timeline_ids)})
    }
    if not timelines:
        return {}
    events = core_rows(session, _EVENTS_OF_TIMELINES, {"ids": list(timelines)})
    links = _linked_articles(session, [event.id for event in events])
    refs = {tid: TimelineRef(id=tid, slug=row.slug, title=row.title) for tid, row in timelines.items()}
    by_timeline: dict[int, list[TimelineEventPublic]] = defaultdict(list)
    for event in events:
        span = (event.starts_on or event.sort_date, event.ends_on or event.sort_date)
        by_timeline[event.timeline_id].append(
            _public_event(event, refs[event.timeline_id], span, links.get(event.id, []))
        )
    return {
        tid: TimelinePublic(
            id=tid,
            slug=row.slug,
            title=row.title,
            description=row.description,
            updated_at=row.updated_at,
            article=ArticleRef(id=row.article_id, slug=row.article_slug, title=row.article_title),
            events=by_timeline.get(tid, []),
        )
        for tid, row in timelines.items()
    }


def _spans_of(session: Session, ids: Collection[int]) -> dict[int, tuple[date, date]]:
    """Each event's first and last covered day: one statement."""
    if not ids:
        return {}
    return {event_id: (s, e) for event_id, s, e in core_rows(session, _SPANS_OF_EVENTS, {"ids": list(ids)})}


def _spans_and_links(
    session: Session, ids: Collection[int]
) -> tuple[dict[int, tuple[date, date]], dict[int, list[int]]]:
    """Each event's first and last covered day, and all its linked article ids in order: two statements."""
    links: dict[int, list[int]] = defaultdict(list)
    if ids:
        for event_id, article_id in core_rows(session, _LINKS_OF_EVENTS, {"ids": list(ids)}):
            links[event_id].append(article_id)
    return _spans_of(session, ids), links


def _linked_articles(session: Session, event_ids: Collection[int]) -> dict[int, list[ArticleRef]]:
    """Each event's links to public articles, in order: one statement."""
    links: dict[int, list[ArticleRef]] = defaultdict(list)
    if event_ids:
        for event_id, id_, slug, title in core_rows(
            session, _PUBLIC_LINKS_OF_EVENTS, {"ids": list(event_ids)}
        ):
            links[event_id].append(ArticleRef(id=id_, slug=slug, title=title))
    return links


def _public_event(
    event: Any, timeline: TimelineRef, span: tuple[date, date], articles: list[ArticleRef]
) -> TimelineEventPublic:
    """The public view of an event (an entity or a row of its columns)."""
    starts_on, ends_on = span
    # built field by field: validating an object by its attributes costs twice as much
    return TimelineEventPublic(
        id=event.id,
        date=event.date,
        precision=event.precision,
        end_date=event.end_date,
        extra_dates=event.extra_dates,
        label=event.label,
        milestone=event.milestone,
        what_changed=event.what_changed,
        position=event.position,
        timeline=timeline,
        starts_on=starts_on,
        ends_on=ends_on,
        articles=articles,
    )


def _events_public(
    session: Session, events: list[Any], refs: dict[int, TimelineRef]
) -> list[TimelineEventPublic]:
    """Public views of events: the days they cover and their links to public articles, in two queries."""
    ids = [event.id for event in events]
    spans, links = _spans_of(session, ids), _linked_articles(session, ids)
    return [
        _public_event(
            event,
            refs[event.timeline_id],
            spans.get(event.id, (event.sort_date, event.sort_date)),
            links.get(event.id, []),
        )
        for event in events
    ]


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


def _store_dates(session: Session, event: TimelineEvent, base: TimelineEventBase) -> None:
    """Give an event the dates of `base`, with the sort date and spans they imply (on create and update)."""
    spans = event_spans(base)
    event.date = base.date
    event.precision = str(base.precision)
    event.end_date = base.end_date
    event.extra_dates = [d.isoformat() for d in base.extra_dates]
    event.sort_date = min(start for start, _ in spans)
    session.add(event)
    session.flush()
    assert event.id is not None
    session.execute(delete(TimelineEventSpan).where(col(TimelineEventSpan.event_id) == event.id))
    session.add_all(TimelineEventSpan(event_id=event.id, starts_on=s, ends_on=e) for s, e in spans)
    session.flush()


def _add_event(session: Session, timeline_id: int, base: TimelineEventBase, position: int) -> TimelineEvent:
    event = TimelineEvent.model_validate(
        base.model_dump(include=set(TimelineEventBase.model_fields)),
        update={
            "timeline_id": timeline_id,
            "position": position,
            "precision": str(base.precision),
            "extra_dates": [d.isoformat() for d in base.extra_dates],
            "sort_date": base.date,
        },
    )
    _store_dates(session, event, base)
    return event


def add_timeline(
    session: Session, article_id: int, data: dict[str, Any]
) -> tuple[Timeline, list[TimelineEvent]]:
    """Validate and stage a timeline with its events and their spans (flushes, does not commit)."""
    timeline = Timeline.model_validate(TimelineBase.model_validate(data), update={"article_id": article_id})
    session.add(timeline)
    session.flush()
    assert timeline.id is not None
    events = []
    for index, raw in enumerate(data.get("events", [])):
        position = raw.get("position")
        base = TimelineEventBase.model_validate(raw)
        events.append(_add_event(session, timeline.id, base, index if position is None else position))
    return timeline, events


def link_event_articles(session: Session, event_id: int, article_ids: list[int]) -> None:
    session.add_all(
        TimelineEventArticle(event_id=event_id, article_id=a, position=i) for i, a in enumerate(article_ids)
    )
    session.flush()


# management: every timeline and event, whatever its article's status


def _ensure_slug_free(session: Session, slug: str) -> None:
    if session.exec(select(Timeline.id).where(Timeline.slug == slug)).first() is not None:
        raise Conflict(f"Another timeline already has the slug {slug!r}.")


def _ensure_linkable(session: Session, article_ids: list[int], where: str) -> None:
    """Links name existing articles (of any status), each once; 422 otherwise."""
    repeated = sorted({a for a in article_ids if article_ids.count(a) > 1})
    if repeated:
        raise UnprocessableContent(f"{where}: article {repeated[0]} is linked more than once.")
    found = (
        set(session.exec(select(Article.id).where(col(Article.id).in_(article_ids))))
        if article_ids
        else set()
    )
    missing = [a for a in article_ids if a not in found]
    if missing:
        raise UnprocessableContent(f"{where}: no article has the id {missing[0]}.")


def _replace_links(session: Session, event_id: int, article_ids: list[int]) -> None:
    session.execute(delete(TimelineEventArticle).where(col(TimelineEventArticle.event_id) == event_id))
    link_event_articles(session, event_id, article_ids)


def _touch_timeline(session: Session, timeline_id: int) -> None:
    """Mark a timeline changed when one of its events is, so its `updated_at` and ETag move on.

    A plain increment, not a versioned update: two edits to different events of a timeline do not conflict."""
    session.execute(
        update(Timeline)
        .where(col(Timeline.id) == timeline_id)
        .values(updated_at=utcnow(), version=col(Timeline.version) + 1)
        .execution_options(synchronize_session=False)
    )


def get_timeline(session: Session, timeline_id: int) -> Timeline:
    timeline = session.get(Timeline, timeline_id)
    if timeline is None:
        raise NotFound(f"No timeline has the id {timeline_id}.")
    return timeline


def get_event(session: Session, event_id: int) -> TimelineEvent:
    event = session.get(TimelineEvent, event_id)
    if event is None:
        raise NotFound(f"No timeline event has the id {event_id}.")
    return event


def events_admin(session: Session, events: list[TimelineEvent]) -> list[TimelineEventAdmin]:
    """Management views of events, with their covered days and all their links."""
    spans, links = _spans_and_links(session, [e.id for e in events if e.id is not None])
    result = []
    for event in events:
        assert event.id is not None
        starts_on, ends_on = spans.get(event.id, (event.sort_date, event.sort_date))
        result.append(
            TimelineEventAdmin.model_validate(
                event,
                update={"starts_on": starts_on, "ends_on": ends_on, "links": links.get(event.id, [])},
            )
        )
    return result


def timeline_admin(session: Session, timeline: Timeline) -> TimelineAdmin:
    """A timeline with all its events in chronological order, for management."""
    events = session.exec(
        select(TimelineEvent)
        .where(TimelineEvent.timeline_id == timeline.id)
        .order_by(col(TimelineEvent.sort_date), col(TimelineEvent.position), col(TimelineEvent.id))
    ).all()
    return TimelineAdmin.model_validate(timeline, update={"events": events_admin(session, list(events))})


def create_timeline(session: Session, key: ApiKey, article_id: int, data: TimelineCreate) -> Timeline:
    """Add a timeline, with any events, to an article of any status."""
    if session.get(Article, article_id) is None:
        raise NotFound(f"No article has the id {article_id}.")
    _ensure_slug_free(session, data.slug)
    for index, event_data in enumerate(data.events):
        _ensure_linkable(session, event_data.links, f"events[{index}].links")
    timeline, events = add_timeline(session, article_id, data.model_dump())
    for event, event_data in zip(events, data.events, strict=True):
        assert event.id is not None
        link_event_articles(session, event.id, event_data.links)
    auth_service.record(
        session,
        key,
        "timeline.create",
        "timeline",
        timeline.id,
        {"slug": timeline.slug, "events": len(events)},
    )
    session.commit()
    session.refresh(timeline)
    return timeline


def update_timeline(session: Session, key: ApiKey, timeline: Timeline, changes: dict[str, Any]) -> Timeline:
    """Apply `changes` to a timeline's own fields; 409 when the new slug is taken."""
    changed = sorted(name for name, value in changes.items() if getattr(timeline, name) != value)
    if "slug" in changed:
        _ensure_slug_free(session, changes["slug"])
    for name in changed:
        setattr(timeline, name, changes[name])
    if changed:
        timeline.updated_at = utcnow()
    session.add(timeline)
    auth_service.record(
        session, key, "timeline.update", "timeline", timeline.id, {"slug": timeline.slug, "changed": changed}
    )
    session.commit()
    session.refresh(timeline)
    return timeline


def delete_timeline(session: Session, key: ApiKey, timeline: Timeline) -> None:
    """Delete a timeline and its events, unless an article block shows it (409)."""
    shown_by = session.execute(
        select(ArticleBlock.position, Article.slug)
        .join(Article, col(Article.id) == ArticleBlock.article_id)
        .where(ArticleBlock.timeline_id == timeline.id)
    ).first()
    if shown_by is not None:
        raise Conflict(
            f"Timeline {timeline.slug!r} is shown by block {shown_by.position} of article "
            f"{shown_by.slug!r}; remove the block first."
        )
    auth_service.record(session, key, "timeline.delete", "timeline", timeline.id, {"slug": timeline.slug})
    session.delete(timeline)
    session.commit()


def create_event(
    session: Session, key: ApiKey, timeline: Timeline, data: TimelineEventCreate
) -> TimelineEvent:
    """Add an event to a timeline, after its other events unless a position is given."""
    assert timeline.id is not None
    _ensure_linkable(session, data.links, "links")
    position = data.position
    if position is None:
        last = session.exec(
            select(func.max(TimelineEvent.position)).where(TimelineEvent.timeline_id == timeline.id)
        ).one()
        position = 0 if last is None else last + 1
    event = _add_event(session, timeline.id, data, position)
    assert event.id is not None
    link_event_articles(session, event.id, data.links)
    _touch_timeline(session, timeline.id)
    auth_service.record(
        session, key, "timeline-event.create", "timeline-event", event.id, {"timeline_id": timeline.id}
    )
    session.commit()
    session.refresh(event)
    return event


def update_event(
    session: Session, key: ApiKey, event: TimelineEvent, changes: dict[str, Any]
) -> TimelineEvent:
    """Apply `changes`; spans and sort date follow the dates, `links` (when sent) replaces the links.

    Every query comes before the first change, so the event is written (and its version moves) once."""
    assert event.id is not None
    links = changes.pop("links", None)
    position = changes.pop("position", None)
    if links is not None:
        _ensure_linkable(session, links, "links")
        if links == _spans_and_links(session, [event.id])[1].get(event.id, []):
            links = None
    current = TimelineEventBase.model_validate(
        {name: getattr(event, name) for name in TimelineEventBase.model_fields}
    )
    try:
        merged = TimelineEventBase.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        raise UnprocessableContent("; ".join(error["msg"] for error in exc.errors())) from exc
    changed = [
        name for name in TimelineEventBase.model_fields if getattr(merged, name) != getattr(current, name)
    ]
    for name in set(changed) - set(DATE_FIELDS):
        setattr(event, name, getattr(merged, name))
    if position is not None and position != event.position:
        event.position = position
        changed.append("position")
    if links is not None:
        flag_modified(event, "label")  # the links are part of the event: its version moves on too
        changed.append("links")
    if set(changed) & set(DATE_FIELDS):
        _store_dates(session, event, merged)
    if links is not None:
        _replace_links(session, event.id, links)
    if changed:
        session.add(event)
        _touch_timeline(session, event.timeline_id)
    auth_service.record(
        session,
        key,
        "timeline-event.update",
        "timeline-event",
        event.id,
        {"timeline_id": event.timeline_id, "changed": sorted(changed)},
    )
    session.commit()
    session.refresh(event)
    return event


def delete_event(session: Session, key: ApiKey, event: TimelineEvent) -> None:
    """Delete an event with its spans and links."""
    auth_service.record(
        session, key, "timeline-event.delete", "timeline-event", event.id, {"timeline_id": event.timeline_id}
    )
    _touch_timeline(session, event.timeline_id)
    session.delete(event)
    session.commit()
