"""Replaying /v1/sync into a local copy ends with exactly the public set, whatever the editors did meanwhile:
hundreds of random creates, edits, publishes (some scheduled), unpublishes, archives and deletes through the
management API, read with random page sizes, resumed from random earlier cursors (with the copy as it was
then), restarted from scratch, and — in the second test — written by several threads while a reader pages.

On PostgreSQL the concurrent test widens the window between drawing a sequence value and committing (a
pause after each log insert), where a log without commit-order protection loses entries."""

import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, col, select

from app.syndication import sync
from app.syndication.models import SyncChange
from tests.factories import key_headers, make_category, make_tag
from tests.syndication.test_sync import EDITOR_SCOPES, Desk, apply, public_summaries, read

CATEGORIES = ("world", "money", "games")
TAGS = ("russia", "korea", "bonds", "chips")
OPERATIONS = 220


class Partner:
    """A partner's local copy, kept by paging the feed; it can go back to a saved (cursor, copy) pair."""

    def __init__(
        self, client: TestClient, headers: dict[str, str], rng: random.Random, **filters: str
    ) -> None:
        self.client, self.headers, self.rng, self.filters = client, headers, rng, filters
        self.cursor: str | None = None
        self.copy: dict[int, Any] = {}
        self.saved: list[tuple[str | None, dict[int, Any]]] = [(None, {})]
        self.pages = 0
        self.seen: set[int] = set()  # log positions read (snapshot entries carry the snapshot's)

    def page(self) -> bool:
        """Read one page; whether there is more right now."""
        page = read(self.client, self.headers, self.cursor, limit=self.rng.randint(1, 40), **self.filters)
        apply(self.copy, page["items"])
        self.seen.update(item["seq"] for item in page["items"])
        self.cursor = page["meta"]["next_cursor"]
        self.pages += 1
        if self.rng.random() < 0.3:
            self.saved.append((self.cursor, dict(self.copy)))
        return bool(page["meta"]["has_more"])

    def step(self) -> None:
        """Usually one page; now and then back to an earlier checkpoint (restored from a backup)."""
        if self.rng.random() < 0.08:
            self.cursor, copy = self.rng.choice(self.saved)
            self.copy = dict(copy)
        self.page()

    def drain(self) -> None:
        while self.page():
            pass


def _desk(client: TestClient, session: Session) -> Desk:
    for slug in CATEGORIES:
        make_category(session, slug=slug)
    for slug in TAGS:
        make_tag(session, slug=slug)
    return Desk(client, key_headers(session, *EDITOR_SCOPES, name="editor"))


OPERATION_WEIGHTS = {
    "create": 20,
    "edit": 25,
    "publish": 27,
    "unpublish": 8,
    "archive": 4,
    "correct": 5,
    "delete": 8,
}


def _random_operation(
    desk: Desk, rng: random.Random, live: dict[int, dict[str, Any]], n: int
) -> float | None:
    """One random editorial operation on `live` (id -> article as last answered); a scheduled time, if any."""
    now = datetime.now(UTC)

    def due(article: dict[str, Any]) -> bool:
        return article["status"] in ("published", "scheduled") and (
            datetime.fromisoformat(article["published_at"]) <= now
        )

    suitable = {
        "create": [0],
        "edit": sorted(live),
        "publish": sorted(i for i, a in live.items() if a["status"] in ("draft", "scheduled")),
        "unpublish": sorted(i for i, a in live.items() if a["status"] != "draft"),
        "archive": sorted(i for i, a in live.items() if due(a)),
        "correct": sorted(i for i, a in live.items() if due(a)),
        "delete": sorted(live),
    }
    operation = rng.choices(list(OPERATION_WEIGHTS), list(OPERATION_WEIGHTS.values()))[0]
    if not suitable[operation]:
        operation = "create"
    article_id = rng.choice(suitable[operation])
    if operation == "create":
        tags = tuple(rng.sample(TAGS, rng.randint(0, 2)))
        made = desk.create(f"story-{n}", rng.choice(CATEGORIES), tags)
        live[made["id"]] = made
    elif operation == "edit":
        changes: dict[str, Any] = rng.choice(
            [
                {"title": f"Story {n}, revised"},
                {"category": rng.choice(CATEGORIES)},
                {"tags": list(rng.sample(TAGS, rng.randint(0, 2)))},
                {"blocks": [{"type": "paragraph", "html": f"Body {n}."}]},
            ]
        )
        live[article_id] = desk.edit(article_id, **changes)
    elif operation == "publish":
        when = rng.choice([None, now - timedelta(hours=rng.randint(1, 48)), now + timedelta(seconds=1.5)])
        live[article_id] = desk.publish(article_id, when)
        if when is not None and when > now:
            return when.timestamp()
    elif operation == "unpublish":
        live[article_id] = desk.unpublish(article_id)
    elif operation == "archive":
        live[article_id] = desk.archive(article_id)
    elif operation == "correct":
        desk.correct(article_id, f"Correction {n}.")
    else:
        desk.delete(article_id)
        del live[article_id]
    return None


def _finish(app: FastAPI, scheduled: list[float]) -> None:
    """Wait for every scheduled article to come due, then let the worker announce them."""
    if scheduled:
        time.sleep(max(0.0, max(scheduled) - time.time() + 0.05))
    with Session(app.state.engine) as worker_session:
        sync.announce_due(worker_session)


@pytest.mark.parametrize("seed", [20261127])
def test_replaying_the_feed_gives_the_public_set(
    app: FastAPI, client: TestClient, session: Session, seed: int
) -> None:
    rng = random.Random(seed)
    desk = _desk(client, session)
    headers = key_headers(session, "content:read-drafts", name="partner")
    everything = Partner(client, headers, random.Random(rng.random()))
    world = Partner(client, headers, random.Random(rng.random()), category="world")
    russia = Partner(client, headers, random.Random(rng.random()), tag="russia")
    partners = (everything, world, russia)
    live: dict[int, dict[str, Any]] = {}
    scheduled: list[float] = []
    for n in range(OPERATIONS):
        when = _random_operation(desk, rng, live, n)
        if when is not None:
            scheduled.append(when)
        if n >= 40:  # partners join once there is a set to snapshot
            for partner in partners:
                if rng.random() < 0.35:
                    partner.step()
        if rng.random() < 0.05:
            with Session(app.state.engine) as worker_session:
                sync.announce_due(worker_session)
        if n in (120, 190):  # one partner starts over from scratch mid-way
            everything.cursor, everything.copy = None, {}
    _finish(app, scheduled)
    for partner in partners:
        partner.drain()
    public = public_summaries(session)
    # how many depends on timing: an article scheduled a moment ahead may come due, and be archived, mid-walk
    assert len(public) >= 10
    assert everything.copy == public
    assert world.copy == public_summaries(session, "world")
    assert russia.copy == {i: s for i, s in public.items() if "russia" in s["tag_slugs"]}
    assert sum(p.pages for p in partners) >= 100


def test_concurrent_writers_lose_no_change(app: FastAPI, client: TestClient, session: Session) -> None:
    desk = _desk(client, session)
    headers = key_headers(session, "content:read-drafts", name="partner")
    backend = app.state.engine.dialect.name
    pause = random.Random(7)

    if backend == "postgresql":

        @event.listens_for(app.state.engine, "after_cursor_execute")
        def _slow_commit(*args: Any) -> None:
            if args[2].startswith("INSERT INTO syncchange "):
                time.sleep(pause.uniform(0, 0.05))  # between drawing a sequence value and committing

    writers_done = threading.Event()
    failures: list[BaseException] = []
    scheduled: list[float] = []

    def write(index: int) -> None:
        rng = random.Random(index)
        own = Desk(client, desk.headers)
        live: dict[int, dict[str, Any]] = {}
        try:
            for n in range(60):
                when = _random_operation(own, rng, live, 1000 * (index + 1) + n)
                if when is not None:
                    scheduled.append(when)
        except BaseException as exc:
            failures.append(exc)
            raise

    reader = Partner(client, headers, random.Random(1))

    def read_while_writing() -> None:
        try:
            while not writers_done.is_set():
                reader.page()
        except BaseException as exc:
            failures.append(exc)
            raise

    writers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    reading = threading.Thread(target=read_while_writing)
    reading.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    writers_done.set()
    reading.join()
    assert failures == []
    _finish(app, scheduled)
    reader.drain()
    assert reader.pages >= 20
    public = public_summaries(session)
    assert len(public) >= 10
    assert reader.copy == public
    # no entry was skipped: the reader saw every position after its snapshot's
    logged = set(session.exec(select(SyncChange.seq).where(col(SyncChange.seq) > min(reader.seen))))
    assert logged - reader.seen == set()
