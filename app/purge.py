"""What a write must purge from CDN caches, computed once per transaction and sent after it commits.

Every ORM flush passes its new, changed and deleted rows through the purge rule of their model (each domain
registers its rules with `@purge_rule(Model)`); the keys gathered in a transaction are handed to the
session's purger when, and only when, it commits. Rules see rows, never requests, so no write path can
forget to purge."""

import logging
import queue
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Column, Engine, Index, Text, event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.http_cache import ANY_SUFFIX

log = logging.getLogger("broadsheet.purge")
PENDING = "purge_keys"
PURGER = "purger"
LOGGED = "purge_log_id"


class CachePurge(SQLModel, table=True):
    """The purge log: the keys each committed write purged, for every process's response cache to follow."""

    __tablename__ = "cachepurge"
    __table_args__ = (Index("ix_cachepurge_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    keys: str = Field(sa_column=Column(Text, nullable=False))


class Change(StrEnum):
    created = "created"
    updated = "updated"
    deleted = "deleted"


PurgeRule = Callable[[Any, Change], Iterable[str]]
_rules: dict[type, PurgeRule] = {}


def purge_rule(model: type) -> Callable[[PurgeRule], PurgeRule]:
    """Register the keys a created, updated or deleted row of `model` purges."""

    def register(rule: PurgeRule) -> PurgeRule:
        _rules[model] = rule
        return rule

    return register


def was_or_is(row: Any, attribute: str, values: Collection[Any]) -> bool:
    """Whether the row's attribute is, or was before this flush, one of `values`."""
    history = inspect(row).attrs[attribute].history
    return any(v in values for v in (*history.added, *history.unchanged, *history.deleted))


def changed(row: Any, *attributes: str) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def keys_for(rows: Iterable[tuple[Any, Change]]) -> set[str]:
    """The keys to purge for these row changes: each rule's keys, and `kind:any` for every entity key."""
    keys: set[str] = set()
    for row, change in rows:
        rule = _rules.get(type(row))
        if rule is not None:
            keys.update(rule(row, change))
    for key in list(keys):
        kind, _, rest = key.rpartition(":")
        if kind and rest.isdigit():
            keys.add(kind + ANY_SUFFIX)
    return keys


class Purger(Protocol):
    def purge(self, keys: Collection[str]) -> None: ...


class LoggingPurger:
    """The default: says what a CDN in front would be told to drop."""

    def purge(self, keys: Collection[str]) -> None:
        log.info("purge %s", " ".join(sorted(keys)))


class HTTPPurger(LoggingPurger):
    """Sends purges to a CDN or Varnish endpoint from a background thread, so a write never waits on it.

    One request per batch of keys, the keys space-separated in `key_header` (Fastly's `Surrogate-Key`,
    Varnish xkey's `xkey-purge`); failures are retried with backoff, then logged."""

    def __init__(
        self,
        url: str,
        *,
        method: str = "POST",
        key_header: str = "Surrogate-Key",
        headers: dict[str, str] | None = None,
        batch_size: int = 256,
        attempts: int = 4,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.method = method
        self.key_header = key_header
        self.headers = headers or {}
        self.batch_size = batch_size
        self.attempts = attempts
        self.timeout = timeout
        self._queue: queue.Queue[list[str] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="purger", daemon=True)
        self._worker.start()

    def purge(self, keys: Collection[str]) -> None:
        super().purge(keys)
        ordered = sorted(keys)
        for start in range(0, len(ordered), self.batch_size):
            self._queue.put(ordered[start : start + self.batch_size])

    def drain(self) -> None:
        """Wait until every queued purge was sent (or given up)."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=self.timeout * self.attempts)

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            try:
                if batch is None:
                    return
                self._send(batch)
            finally:
                self._queue.task_done()

    def _send(self, batch: list[str]) -> None:
        request = urllib.request.Request(  # noqa: S310 - the operator configures this URL
            self.url, method=self.method, headers={**self.headers, self.key_header: " ".join(batch)}
        )
        for attempt in range(self.attempts):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    if response.status < 300:
                        return
                    error: object = response.status
            except urllib.error.HTTPError as exc:
                exc.close()
                error = f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError) as exc:
                error = exc
            if attempt + 1 < self.attempts:
                time.sleep(0.2 * 2**attempt)
        log.error("purge of %d keys failed after %d attempts: %s", len(batch), self.attempts, error)


class Purgers:
    """Several purgers, in order: e.g. this process's response cache first, then the CDN."""

    def __init__(self, *purgers: Purger) -> None:
        self.purgers = purgers

    def purge(self, keys: Collection[str]) -> None:
        for purger in self.purgers:
            try:
                purger.purge(keys)
            except Exception:  # one failing purger never keeps the others from running
                log.exception("purger %r failed", purger)


DEFAULT_PURGER: Purger = LoggingPurger()
_attached: "weakref.WeakKeyDictionary[Engine, Purger]" = weakref.WeakKeyDictionary()
_log_listeners: "weakref.WeakKeyDictionary[Engine, Callable[[int], None]]" = weakref.WeakKeyDictionary()


def attach(engine: Engine, purger: Purger) -> None:
    """Every session of this process on `engine` hands its purges to `purger` (the app's, when serving)."""
    _attached[engine] = purger


def on_own_log_entry(engine: Engine, listener: Callable[[int], None]) -> None:
    """Tell `listener` the id of each purge-log entry this process commits on `engine` (already purged
    here, so whoever follows the log for this process can skip it)."""
    _log_listeners[engine] = listener


LOG_ID = CachePurge.__table__.c["id"]  # type: ignore[attr-defined]


def _flushed(session: OrmSession, flush_context: UOWTransaction) -> None:
    rows = [
        *((row, Change.created) for row in session.new),
        *((row, Change.updated) for row in session.dirty if session.is_modified(row)),
        *((row, Change.deleted) for row in session.deleted),
    ]
    keys = keys_for(rows)
    if keys:
        session.info.setdefault(PENDING, set()).update(keys)


def _committing(session: OrmSession) -> None:
    """Log the transaction's purges in the transaction itself, so other processes see them iff it commits."""
    session.flush()  # what commit would flush next must have its keys collected too
    keys = session.info.get(PENDING)
    if keys:
        entry = insert(CachePurge).values(at=utcnow(), keys=" ".join(sorted(keys))).returning(LOG_ID)
        session.info[LOGGED] = session.execute(entry).scalar_one()


def _committed(session: OrmSession) -> None:
    keys = session.info.pop(PENDING, None)
    logged = session.info.pop(LOGGED, None)
    if keys:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        purger: Purger = session.info.get(PURGER) or _attached.get(engine, DEFAULT_PURGER)
        try:
            purger.purge(keys)
        except Exception:  # a purge never fails a committed write
            log.exception("purger failed")
        listener = _log_listeners.get(engine)
        if listener is not None and logged is not None:
            listener(logged)


def _rolled_back(session: OrmSession) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(LOGGED, None)


event.listen(OrmSession, "after_flush", _flushed)
event.listen(OrmSession, "before_commit", _committing)
event.listen(OrmSession, "after_commit", _committed)
event.listen(OrmSession, "after_rollback", _rolled_back)
