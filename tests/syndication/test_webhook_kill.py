"""At-least-once: `broadsheet worker` killed (SIGKILL) in the middle of deliveries loses no event; the next
worker sends what the dead one had claimed once its lease runs out."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import Session, select

from app.config import REPO_ROOT
from app.syndication.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.factories import make_article, make_category
from tests.syndication.test_webhooks import ALL_TYPES, Receiver

EVENTS = 12
LEASE = 3


def _worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BROADSHEET_WEBHOOK_ALLOWED_NETWORKS": json.dumps(["127.0.0.1/32"]),
        "BROADSHEET_WEBHOOK_LEASE_SECONDS": str(LEASE),
        "BROADSHEET_WEBHOOK_TIMEOUT_SECONDS": "30",
        "BROADSHEET_WEBHOOK_CONCURRENCY": "2",
        "BROADSHEET_WORKER_POLL_SECONDS": "0.1",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"], cwd=REPO_ROOT, env=env, stdout=output, stderr=output
        )


def _wait_for(condition: object, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_loses_no_event(session: Session, database_url: str, tmp_path: Path) -> None:
    receiver = Receiver()
    arrived: list[str] = []
    acknowledged: list[str] = []
    original = receiver.server.RequestHandlerClass.do_POST  # type: ignore[attr-defined]

    def do_post(handler: object) -> None:
        """The first two deliveries hang (and are never acknowledged): the worker dies waiting for them."""
        event_id = handler.headers["Broadsheet-Event-Id"]  # type: ignore[attr-defined]
        arrived.append(event_id)
        if len(arrived) <= 2:
            time.sleep(60)
            return
        original(handler)
        acknowledged.append(event_id)

    receiver.server.RequestHandlerClass.do_POST = do_post  # type: ignore[attr-defined]
    session.add(WebhookSubscription(url=receiver.url, event_types=ALL_TYPES, secret="s" * 32))
    session.commit()
    category = make_category(session)
    for _ in range(EVENTS):
        make_article(session, category=category)
    log = tmp_path / "worker.log"
    first = _worker(database_url, log)
    try:
        _wait_for(lambda: len(arrived) >= 2, 20, "the first worker to start delivering")
        first.send_signal(signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
        killed_at = time.monotonic()
        second = _worker(database_url, log)
        try:
            _wait_for(lambda: len(acknowledged) >= EVENTS, 30, "every event to be acknowledged")
            assert time.monotonic() - killed_at >= LEASE - 1  # the dead worker's claims were waited out
            second.send_signal(signal.SIGTERM)
            assert second.wait(20) == 0, log.read_text()
        finally:
            second.kill()
    finally:
        first.kill()
        receiver.close()
    session.commit()
    events = {e.id for e in session.exec(select(WebhookEvent))}
    assert len(events) == EVENTS
    assert set(acknowledged) == events
    hung = set(arrived[:2])
    attempts = {d.event_id: (d.status, d.attempts) for d in session.exec(select(WebhookDelivery))}
    assert {attempts[e] for e in hung} == {("succeeded", 2)}  # the killed attempt counts
    assert {attempts[e] for e in events - hung} == {("succeeded", 1)}
