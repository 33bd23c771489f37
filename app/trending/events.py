"""Counting page views cheaply: a batch of events becomes a handful of statements in one transaction.

Views are added to hourly buckets (one row per article and hour), never stored one by one. A session is
remembered, as a keyed hash, for the hour it viewed an article in, so it counts once per article and hour."""

import functools
import hashlib
import itertools
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy import Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete, select

from app.articles import service as articles_service
from app.articles.models import Article, ArticleSlugRedirect
from app.db import utcnow
from app.trending.models import ViewBatch, ViewBucket, ViewReceipt, ViewSeen

MAX_AGE = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=5)
SEEN_HOURS = 25  # sessions are remembered while an event for their hour can still arrive
SEEN_ROWS_PER_INSERT = 1000  # 3 parameters a row: under SQLite's 32,766 and PostgreSQL's 65,535
# self-declared crawlers, link-preview fetchers, monitors and headless browsers; not HTTP libraries, which
# frontends relaying their readers' views from a server legitimately use
BOTS = re.compile(
    r"bot\b|bot[/-]|crawl|spider|slurp|archiver|facebookexternalhit|embedly|whatsapp|headlesschrome|"
    r"phantomjs|lighthouse|pingdom",
    re.IGNORECASE,
)
_VIEW_BUCKET: Table = ViewBucket.__table__  # type: ignore[attr-defined]
_VIEW_SEEN: Table = ViewSeen.__table__  # type: ignore[attr-defined]
_pruned_before = 0  # per process: only saves repeating a prune, correctness never depends on it
_SQLITE_WRITER = threading.Lock()


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str | None) -> bool:
    return bool(user_agent) and BOTS.search(user_agent or "") is not None


def hour_of(moment: datetime) -> int:
    """The hour a moment falls in, counted from 1970-01-01T00:00Z: the key of its view bucket."""
    return int(moment.timestamp() // 3600)


def session_hash(session_id: str) -> str:
    return hashlib.blake2b(session_id.encode(), digest_size=16, person=b"broadsheet-view").hexdigest()


def _insert(session: Session, table: Table) -> Any:
    """INSERT with the dialect's ON CONFLICT clauses (the same on SQLite and PostgreSQL)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _problem(index: int, field: str, message: str) -> dict[str, Any]:
    return {"loc": ("body", "events", index, field), "msg": message, "type": "value_error"}


def _public_articles(session: Session, refs: set[int | str], now: datetime) -> dict[int | str, int]:
    """The id of each reference (an id, a slug or a former slug) that names a public article."""
    ids = {r for r in refs if isinstance(r, int)}
    slugs = {r for r in refs if isinstance(r, str)}
    found: dict[int | str, int] = {}
    rows = session.exec(
        select(Article.id, Article.slug).where(
            or_(col(Article.id).in_(ids), col(Article.slug).in_(slugs)),
            articles_service.public_condition(now),
        )
    )
    for article_id, slug in rows:
        assert article_id is not None
        found[slug] = found[article_id] = article_id
    former = slugs - found.keys()
    if former:
        renamed = session.exec(
            select(ArticleSlugRedirect.old_slug, ArticleSlugRedirect.article_id)
            .join(Article, col(Article.id) == ArticleSlugRedirect.article_id)
            .where(col(ArticleSlugRedirect.old_slug).in_(former), articles_service.public_condition(now))
        )
        found.update(dict(renamed.all()))
    return {ref: found[ref] for ref in refs if ref in found}


def record_views(session: Session, batch: ViewBatch, user_agent: str | None) -> ViewReceipt:
    """Count a batch of view events, all or nothing: any bad event is a 422 naming it, and nothing is written.

    Known crawlers are left out; a session already counted for an article in an hour is a duplicate."""
    now = utcnow()
    current = hour_of(now)
    hours: list[int] = []
    problems = []
    for index, event in enumerate(batch.events):
        if event.at is None:
            hours.append(current)
        elif event.at > now + CLOCK_SKEW:
            problems.append(_problem(index, "at", "is in the future"))
        elif event.at < now - MAX_AGE:
            problems.append(_problem(index, "at", "is more than 24 hours ago"))
        else:
            hours.append(min(hour_of(event.at), current))
    articles = _public_articles(session, {event.article for event in batch.events}, now)
    problems += [
        _problem(index, "article", f"{event.article!r} is not a published article")
        for index, event in enumerate(batch.events)
        if event.article not in articles
    ]
    if problems:
        raise RequestValidationError(sorted(problems, key=lambda p: p["loc"]))

    counted: Counter[tuple[int, int]] = Counter()
    sessions: set[tuple[int, int, str]] = set()  # (hour, article, session hash)
    bots = 0
    for event, hour in zip(batch.events, hours, strict=True):
        if is_bot(event.user_agent or user_agent):
            bots += 1
        elif event.session is None:
            counted[articles[event.article], hour] += 1
        else:
            sessions.add((hour, articles[event.article], session_hash(event.session)))
    with _one_writer(session):
        _prune_seen_once_an_hour(session, current)
        for hour, article_id in _remember_sessions(session, sessions):
            counted[article_id, hour] += 1
        if counted:
            statement = _insert(session, _VIEW_BUCKET)
            statement = statement.on_conflict_do_update(
                index_elements=["article_id", "hour"],
                set_={"views": _VIEW_BUCKET.c.views + statement.excluded.views},
            )
            # in key order, so concurrent batches lock rows in the same order (no deadlocks on PostgreSQL)
            rows = [{"article_id": a, "hour": h, "views": n} for (a, h), n in sorted(counted.items())]
            session.exec(statement, params=rows)
        session.commit()
    accepted = sum(counted.values())
    return ViewReceipt(accepted=accepted, duplicates=len(batch.events) - bots - accepted, ignored_bots=bots)


@contextmanager
def _one_writer(session: Session) -> Iterator[None]:
    """On SQLite, this process's batches write one at a time: a writer finding the database locked sleeps in
    SQLite's busy handler for milliseconds at a time, far longer than a batch takes. (Throughput only: other
    processes are still kept apart by SQLite's own lock.)"""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    with _SQLITE_WRITER:
        yield


def _remember_sessions(session: Session, keys: set[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Store the (hour, article, session hash) keys not stored yet; the (hour, article) of each one stored.

    One multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING per batch, in the driver's parameter style:
    through SQLAlchemy's executemany, processing each row's parameters cost more than the insert itself."""
    if not keys:
        return []
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    stored: list[tuple[int, int]] = []
    rows = sorted(keys)  # the same lock order for every batch
    for start in range(0, len(rows), SEEN_ROWS_PER_INSERT):
        chunk = rows[start : start + SEEN_ROWS_PER_INSERT]
        values = ", ".join([f"({mark}, {mark}, {mark})"] * len(chunk))
        statement = (
            f"INSERT INTO {_VIEW_SEEN.name} (hour, article_id, session_hash) VALUES {values} "
            "ON CONFLICT DO NOTHING RETURNING hour, article_id"
        )
        result = connection.exec_driver_sql(statement, tuple(itertools.chain.from_iterable(chunk)))
        stored += [(hour, article_id) for hour, article_id in result]
    return stored


def prune_seen(session: Session, now: datetime | None = None) -> int:
    """Forget sessions older than any event still accepted; the number of rows removed (not committed)."""
    oldest = hour_of(now or utcnow()) - SEEN_HOURS
    result = session.exec(delete(ViewSeen).where(col(ViewSeen.hour) < oldest))
    return int(result.rowcount)


def _prune_seen_once_an_hour(session: Session, current: int) -> None:
    global _pruned_before
    if _pruned_before < current:
        prune_seen(session)
        _pruned_before = current
