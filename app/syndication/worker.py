"""The syndication worker: announces scheduled articles as they go live and delivers webhooks.

Run it as `broadsheet worker` (one or more processes, on any hosts sharing the database), or as a thread of
each API process with `BROADSHEET_WORKER_IN_PROCESS=true`. Every step is safe with several workers at once:

* Going live: `sync.announce_due` re-reads each due article under the log's lock and logs it only if it
  was not announced yet, so each article goes live once, in the log and as a webhook event.
* Deliveries: a worker claims due deliveries with one conditional UPDATE (on PostgreSQL its subquery takes
  them `FOR UPDATE SKIP LOCKED`; SQLite runs one writer at a time), setting `locked_until` and a claim token.
  Nobody else takes them while the lease runs; a worker that dies mid-delivery leaves a lease that simply
  expires, and the next worker sends again: at-least-once. An outcome is recorded only under the claim's
  token, so a worker that outlived its lease cannot overwrite a newer attempt. Keep the lease longer than
  the send timeout, or a slow receiver may get a duplicate (which its event id lets it drop)."""

import http.client
import logging
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, or_, select, update
from sqlmodel import Session

from app.config import Settings
from app.db import utcnow
from app.syndication import sync, webhooks
from app.syndication.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

log = logging.getLogger("broadsheet.worker")

_deliveries: Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
_events: Table = WebhookEvent.__table__  # type: ignore[attr-defined]
_subscriptions: Table = WebhookSubscription.__table__  # type: ignore[attr-defined]
MAX_ERROR = 500


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    token: str
    attempts: int
    event_id: str
    event_type: str
    payload: dict[str, Any]
    url: str
    secret: str


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds before the next attempt after `attempts` failed ones: doubling, capped, with jitter."""
    delay = min(cap, base * 2 ** (attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)


def claim_deliveries(session: Session, now: datetime, lease_seconds: float, limit: int) -> list[Claimed]:
    """Take up to `limit` due deliveries for this worker for `lease_seconds`; counts the attempt."""
    token = uuid.uuid4().hex
    due = (
        select(_deliveries.c.id)
        .join(_subscriptions, _subscriptions.c.id == _deliveries.c.subscription_id)
        .where(
            _deliveries.c.status == DeliveryStatus.pending.value,
            _deliveries.c.next_attempt_at <= now,
            or_(_deliveries.c.locked_until.is_(None), _deliveries.c.locked_until <= now),
            _subscriptions.c.active.is_(True),
        )
        .order_by(_deliveries.c.next_attempt_at, _deliveries.c.id)
        .limit(limit)
        .with_for_update(of=_deliveries, skip_locked=True)
    )
    claimed = list(
        session.execute(
            update(_deliveries)
            .where(_deliveries.c.id.in_(due.scalar_subquery()))
            .values(
                locked_until=now + timedelta(seconds=lease_seconds),
                claim_token=token,
                attempts=_deliveries.c.attempts + 1,
                last_attempt_at=now,
            )
            .returning(_deliveries.c.id)
        ).scalars()
    )
    session.commit()
    if not claimed:
        return []
    rows = session.execute(
        select(
            _deliveries.c.id,
            _deliveries.c.attempts,
            _events.c.id.label("event_id"),
            _events.c.type,
            _events.c.payload,
            _subscriptions.c.url,
            _subscriptions.c.secret,
        )
        .join(_events, _events.c.id == _deliveries.c.event_id)
        .join(_subscriptions, _subscriptions.c.id == _deliveries.c.subscription_id)
        .where(_deliveries.c.id.in_(claimed), _deliveries.c.claim_token == token)
        .order_by(_deliveries.c.id)
    ).all()
    session.commit()
    return [Claimed(r.id, token, r.attempts, r.event_id, r.type, r.payload, r.url, r.secret) for r in rows]


def record_outcome(
    session: Session,
    claimed: Claimed,
    *,
    status_code: int | None,
    error: str | None,
    settings: Settings,
    now: datetime | None = None,
) -> DeliveryStatus:
    """Store an attempt's outcome (if the claim is still ours): delivered, retried later, or given up."""
    now = now or utcnow()
    values: dict[str, Any] = {
        "last_status_code": status_code,
        "last_error": error[:MAX_ERROR] if error else None,
        "locked_until": None,
        "claim_token": None,
    }
    if error is None:
        outcome = DeliveryStatus.succeeded
        values |= {"status": outcome.value, "delivered_at": now, "next_attempt_at": None}
    elif claimed.attempts >= settings.webhook_max_attempts:
        outcome = DeliveryStatus.failed
        values |= {"status": outcome.value, "next_attempt_at": None}
    else:
        outcome = DeliveryStatus.pending
        delay = backoff(
            claimed.attempts, settings.webhook_backoff_base_seconds, settings.webhook_backoff_max_seconds
        )
        values["next_attempt_at"] = now + timedelta(seconds=delay)
    session.execute(
        update(_deliveries)
        .where(_deliveries.c.id == claimed.delivery_id, _deliveries.c.claim_token == claimed.token)
        .values(**values)
    )
    session.commit()
    return outcome


def send(claimed: Claimed, settings: Settings) -> tuple[int | None, str | None]:
    """One attempt: the receiver's status code (if it answered) and an error (None: delivered)."""
    body = webhooks.event_body(claimed.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": webhooks.USER_AGENT,
        "Broadsheet-Event-Id": claimed.event_id,
        "Broadsheet-Event-Type": claimed.event_type,
        "Broadsheet-Delivery-Id": str(claimed.delivery_id),
        webhooks.SIGNATURE_HEADER: webhooks.signature(claimed.secret, int(time.time()), body),
    }
    try:
        target = webhooks.resolve_target(claimed.url, webhooks.allowed_networks(settings))
        status, answer = webhooks.post(target, body, headers, settings.webhook_timeout_seconds)
    except webhooks.RefusedTarget as exc:
        return None, f"refused: {exc}"
    except (OSError, ValueError, http.client.HTTPException) as exc:  # connection, TLS, timeout, bad answer
        return None, f"{type(exc).__name__}: {exc}".rstrip(": ")
    if 200 <= status < 300:
        return status, None
    kind = "a redirect (not followed)" if 300 <= status < 400 else f"HTTP {status}"
    return status, f"{kind}: {answer}".strip().rstrip(":")


class Worker:
    """Announces what went live and delivers what is due, until stopped."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._pool = ThreadPoolExecutor(settings.webhook_concurrency, thread_name_prefix="webhook")
        self._next_sweep = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)  # purges go to the engine's purger (`attach`)

    def announce(self) -> int:
        """Scheduled articles that went live (and, now and then, articles the log has never seen)."""
        sweep = time.monotonic() >= self._next_sweep
        with self._session() as session:
            looked_at = sync.announce_due(session, sweep=sweep)
        if sweep and looked_at < sync.ANNOUNCE_BATCH:  # a full batch: sweep again at once
            self._next_sweep = time.monotonic() + self.settings.sync_sweep_seconds
        return looked_at

    def deliver(self) -> int:
        """Claim a batch of due deliveries, send them in parallel, record each outcome."""
        settings = self.settings
        with self._session() as session:
            claimed = claim_deliveries(
                session, utcnow(), settings.webhook_lease_seconds, settings.webhook_concurrency
            )
        if claimed:
            list(self._pool.map(self._deliver_one, claimed))
        return len(claimed)

    def _deliver_one(self, claimed: Claimed) -> None:
        status_code, error = send(claimed, self.settings)
        with self._session() as session:
            outcome = record_outcome(
                session, claimed, status_code=status_code, error=error, settings=self.settings
            )
        log.info(
            "webhook %s %s -> %s: %s (attempt %d)%s",
            claimed.event_type,
            claimed.event_id,
            claimed.url,
            outcome,
            claimed.attempts,
            f": {error}" if error else "",
        )

    def run_once(self) -> int:
        """One round of work; how much was done (0: idle)."""
        return self.announce() + self.deliver()

    def run(self) -> None:
        """Work until `stop()`: at once while there is work, else every `worker_poll_seconds`."""
        log.info("syndication worker started")
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # a database hiccup must not end the worker
                log.exception("worker round failed")
                busy = 0
            if not busy:
                self._stop.wait(self.settings.worker_poll_seconds)
        log.info("syndication worker stopped")

    def start(self) -> None:
        """Run in a daemon thread of this process."""
        self._thread = threading.Thread(target=self.run, name="syndication-worker", daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        """Finish the current round, then stop (safe from a signal handler)."""
        self._stop.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown(wait=True)
