"""Timelines of dated milestones; each event keeps the precision its date was written with."""

import calendar
import datetime as dt
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field as PydanticField
from pydantic import model_validator
from sqlalchemy import CheckConstraint, Connection, Index, String, UniqueConstraint, select
from sqlmodel import Column, Field, SQLModel

from app.articles import changes
from app.articles.models import ArticleRef
from app.db import JSONType, UTCDateTime, utcnow, version_column
from app.http_cache import TIMELINES_LIST, entity_key, surrogate_entity
from app.purge import Change, changed, purge_rule
from app.taxonomy.models import POSITION_MAX, SLUG_RULE, WriteBody


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    year = "year"


def period_bounds(value: date, precision: DatePrecision) -> tuple[date, date]:
    """The first and last day a date written with this precision stands for ("October 2024" is all of it)."""
    if precision is DatePrecision.year:
        return date(value.year, 1, 1), date(value.year, 12, 31)
    if precision is DatePrecision.month:
        last = calendar.monthrange(value.year, value.month)[1]
        return date(value.year, value.month, 1), date(value.year, value.month, last)
    return value, value


class TimelineBase(SQLModel):
    slug: str = Field(max_length=120, schema_extra=SLUG_RULE)
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=2000)


_timeline_version = version_column()


class Timeline(TimelineBase, table=True):
    __table_args__ = (UniqueConstraint("slug"), {"sqlite_autoincrement": True})
    __mapper_args__ = {"version_id_col": _timeline_version}

    version: int = Field(default=1, sa_column=_timeline_version)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


# `dt.date` in the event classes below: there, a bare `date` would name the field `date`
class TimelineEventBase(SQLModel):
    date: dt.date
    precision: DatePrecision = DatePrecision.day
    end_date: dt.date | None = Field(default=None, description="For an event that spans a period.")
    extra_dates: list[dt.date] = Field(default_factory=list, description="Other dates of the same event.")
    label: str = Field(min_length=1, max_length=120, description="The date as written, e.g. `October 2024`.")
    milestone: str = Field(min_length=1, max_length=2000)
    what_changed: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _end_after_start(self) -> "TimelineEventBase":
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError("end_date must not be before date")
        return self


_event_version = version_column()


class TimelineEvent(TimelineEventBase, table=True):
    __table_args__ = (
        CheckConstraint("precision IN ('day', 'month', 'year')", name="precision_known"),
        Index("ix_timelineevent_sort_date_id", "sort_date", "id"),
        Index("ix_timelineevent_timeline_id_position", "timeline_id", "position"),
        {"sqlite_autoincrement": True},  # ids are never reused, even after a delete
    )

    __mapper_args__ = {"version_id_col": _event_version}

    version: int = Field(default=1, sa_column=_event_version)
    id: int | None = Field(default=None, primary_key=True)
    timeline_id: int = Field(foreign_key="timeline.id", ondelete="CASCADE")
    position: int = Field(default=0)
    # stored as a plain string: wider than the base's `DatePrecision`, an override mypy does not allow
    precision: str = Field(default=DatePrecision.day, sa_column=Column(String(8), nullable=False))  # type: ignore[assignment]
    extra_dates: list[Any] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    sort_date: dt.date = Field(description="First day the event covers: the chronological order.")


class TimelineEventSpan(SQLModel, table=True):
    """One stretch of days an event covers; an event with several dates has several spans."""

    __table_args__ = (Index("ix_timelineeventspan_starts_on_ends_on", "starts_on", "ends_on"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="timelineevent.id", ondelete="CASCADE", index=True)
    starts_on: date
    ends_on: date


class TimelineEventArticle(SQLModel, table=True):
    __table_args__ = (Index("ix_timelineeventarticle_article_id", "article_id"),)

    event_id: int = Field(foreign_key="timelineevent.id", primary_key=True, ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(default=0)


class TimelineRef(SQLModel):
    id: int
    slug: str
    title: str


class TimelineEventPublic(TimelineEventBase):
    id: int
    timeline: TimelineRef
    position: int
    starts_on: dt.date = Field(description="First day covered (start of the month for month precision).")
    ends_on: dt.date = Field(description="Last day covered, over all of the event's dates.")
    articles: list[ArticleRef] = Field(description="Published articles the event links to.")


class TimelinePublic(TimelineBase):
    id: int
    article: ArticleRef
    updated_at: datetime
    events: list[TimelineEventPublic]


class TimelineSummary(TimelineBase):
    id: int
    article: ArticleRef
    updated_at: datetime
    event_count: int


def event_spans(event: TimelineEventBase) -> list[tuple[date, date]]:
    """The spans of days an event covers, from its date, end date and extra dates."""
    precision = DatePrecision(event.precision)
    start, end = period_bounds(event.date, precision)
    if event.end_date is not None:
        end = max(end, period_bounds(event.end_date, precision)[1])
    spans = [(start, end)]
    spans += [period_bounds(extra, precision) for extra in event.extra_dates]
    return spans


MAX_EXTRA_DATES = 50
MAX_LINKS = 50
MAX_EVENTS = 500
ArticleIdIn = Annotated[int, PydanticField(ge=1, le=2**31 - 1)]
DATE_FIELDS = ("date", "precision", "end_date", "extra_dates")


class TimelineEventCreate(TimelineEventBase, WriteBody):
    extra_dates: list[dt.date] = Field(
        default_factory=list, max_length=MAX_EXTRA_DATES, description="Other dates of the same event."
    )
    links: list[ArticleIdIn] = Field(
        default_factory=list,
        max_length=MAX_LINKS,
        description="Ids of the articles the event links to, in order.",
    )
    position: int | None = Field(
        default=None,
        ge=0,
        le=POSITION_MAX,
        description="Order among events of the same date; after the timeline's other events when left out.",
    )


class TimelineEventUpdate(WriteBody):
    """Only the fields sent are changed; `links` replaces all links when sent."""

    date: dt.date = Field(default=None)
    precision: DatePrecision = Field(default=None)
    end_date: dt.date | None = Field(default=None)
    extra_dates: list[dt.date] = Field(default=None, max_length=MAX_EXTRA_DATES)
    label: str = Field(default=None, min_length=1, max_length=120)
    milestone: str = Field(default=None, min_length=1, max_length=2000)
    what_changed: str | None = Field(default=None, max_length=2000)
    links: list[ArticleIdIn] = Field(default=None, max_length=MAX_LINKS)
    position: int = Field(default=None, ge=0, le=POSITION_MAX)


class TimelineEventAdmin(TimelineEventBase):
    id: int
    timeline_id: int
    position: int
    version: int
    sort_date: dt.date
    starts_on: dt.date = Field(description="First day covered.")
    ends_on: dt.date = Field(description="Last day covered, over all of the event's dates.")
    links: list[int] = Field(description="Ids of the linked articles, whatever their status.")


class TimelineCreate(TimelineBase, WriteBody):
    events: list[TimelineEventCreate] = Field(default_factory=list, max_length=MAX_EVENTS)


class TimelineReplace(TimelineBase, WriteBody):
    """A timeline's own fields; its events are kept (they are changed through their own routes)."""


class TimelineUpdate(WriteBody):
    """Only the fields sent are changed."""

    slug: str = Field(default=None, max_length=120, schema_extra=SLUG_RULE)
    title: str = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=2000)


class TimelineAdmin(TimelineBase):
    id: int
    article_id: int
    version: int
    created_at: datetime
    updated_at: datetime
    events: list[TimelineEventAdmin] = Field(description="In chronological order.")


# --- delivery: what these are in a response, and what a change of them purges --------------------------

surrogate_entity("timeline", TimelineRef, TimelineSummary, TimelinePublic)


def _articles_of_timelines(connection: Connection, timeline_ids: set[int]) -> Iterable[int]:
    table = Timeline.__table__  # type: ignore[attr-defined]
    return connection.execute(select(table.c.article_id).where(table.c.id.in_(timeline_ids))).scalars()


changes.belongs_to_article(Timeline, lambda timeline: timeline.article_id)
changes.belongs_through(TimelineEvent, "timeline", lambda event: event.timeline_id, _articles_of_timelines)


@purge_rule(Timeline)
def _timeline_purges(timeline: Timeline, change: Change) -> list[str]:
    keys = [entity_key("timeline", timeline.id)]
    if change is not Change.updated or changed(timeline, "article_id", "slug"):
        keys.append(TIMELINES_LIST)
    return keys


@purge_rule(TimelineEvent)
def _event_purges(event: TimelineEvent, change: Change) -> list[str]:
    """Event lists are ordered by date across timelines: any event change may move it in them."""
    return [entity_key("timeline", event.timeline_id), TIMELINES_LIST]


@purge_rule(TimelineEventArticle)
def _event_link_purges(link: TimelineEventArticle, change: Change) -> list[str]:
    return [entity_key("article", link.article_id), TIMELINES_LIST]
