"""View events: counted into hourly buckets, crawlers left out, sessions once per article and hour, and a
bad batch refused whole."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.articles.models import Article, ArticleStatus
from app.trending import events
from app.trending.events import hour_of
from app.trending.models import MAX_BATCH, ViewSeen
from tests.assertions import assert_problem
from tests.factories import make_article, make_hidden_articles, make_slug_redirect
from tests.trending.support import BROWSER, ago, buckets, seen_count, seen_hashes, send


@pytest.fixture
def story(session: Session, clock: datetime) -> Article:
    return make_article(session, slug="story", published_at=clock - timedelta(days=2))


def test_one_event_is_counted_in_its_hour(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    response = client.post("/v1/events/views", json={"article": story.id}, headers={"User-Agent": BROWSER})
    assert response.status_code == 202
    assert response.json() == {"accepted": 1, "duplicates": 0, "ignored_bots": 0}
    assert buckets(session) == {(story.id, hour_of(clock)): 1}


def test_a_batch_adds_to_the_buckets_of_its_hours_by_id_slug_or_former_slug(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    make_slug_redirect(session, story, "old-story")
    batch = [
        {"article": story.id},
        {"article": "story"},
        {"article": "old-story", "at": ago(clock, 3)},
        {"article": story.id, "at": ago(clock, 2.5)},
        {"article": story.id, "at": (clock + timedelta(minutes=4)).isoformat()},  # skew: taken as now
    ]
    response = client.post("/v1/events/views", json={"events": batch}, headers={"User-Agent": BROWSER})
    assert response.json() == {"accepted": 5, "duplicates": 0, "ignored_bots": 0}
    now = hour_of(clock)
    assert buckets(session) == {(story.id, now): 3, (story.id, now - 3): 2}
    send(client, story.id, 4)
    assert buckets(session) == {(story.id, now): 7, (story.id, now - 3): 2}


def test_a_session_counts_once_per_article_and_hour(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    other = make_article(session, published_at=clock - timedelta(days=1))
    assert send(client, story.id, 3, session="reader-1") == {
        "accepted": 1,
        "duplicates": 2,
        "ignored_bots": 0,
    }
    assert send(client, story.id, 1, session="reader-1") == {
        "accepted": 0,
        "duplicates": 1,
        "ignored_bots": 0,
    }
    assert send(client, other.id, 1, session="reader-1") == {
        "accepted": 1,
        "duplicates": 0,
        "ignored_bots": 0,
    }
    assert send(client, story.id, 1, session="reader-2") == {
        "accepted": 1,
        "duplicates": 0,
        "ignored_bots": 0,
    }
    # the next hour is a new window for the same session
    assert send(client, story.id, 2, session="reader-1", at=ago(clock, 1)) == {
        "accepted": 1,
        "duplicates": 1,
        "ignored_bots": 0,
    }
    now = hour_of(clock)
    assert buckets(session) == {(story.id, now): 2, (other.id, now): 1, (story.id, now - 1): 1}
    # only a keyed hash of the session id is kept
    hashes = seen_hashes(session)
    assert len(hashes) == 4
    assert all(len(h) == 32 and "reader" not in h for h in hashes)
    assert events.session_hash("reader-1") in hashes


def test_old_sessions_are_pruned(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    send(client, story.id, session="a", at=ago(clock, 20))
    send(client, story.id, session="b")
    assert story.id is not None
    session.add(
        ViewSeen(hour=hour_of(clock) - events.SEEN_HOURS - 1, article_id=story.id, session_hash="0" * 32)
    )
    session.commit()
    assert seen_count(session) == 3
    assert events.prune_seen(session, clock) == 1
    session.commit()
    assert seen_count(session) == 2


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0",
        "some-crawler/1.0",
    ],
)
def test_known_crawlers_are_not_counted(
    client: TestClient, session: Session, clock: datetime, story: Article, agent: str
) -> None:
    response = client.post(
        "/v1/events/views", json={"events": [{"article": story.id}] * 2}, headers={"User-Agent": agent}
    )
    assert response.status_code == 202
    assert response.json() == {"accepted": 0, "duplicates": 0, "ignored_bots": 2}
    assert buckets(session) == {}


def test_a_relayed_events_user_agent_decides_over_the_requests(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    batch = [
        {"article": story.id, "user_agent": BROWSER},
        {"article": story.id, "user_agent": "Googlebot/2.1"},
        {"article": story.id},  # the request's own agent: an HTTP library of a frontend server
    ]
    response = client.post(
        "/v1/events/views", json={"events": batch}, headers={"User-Agent": "python-httpx/0.28"}
    )
    assert response.json() == {"accepted": 2, "duplicates": 0, "ignored_bots": 1}
    crawler = client.post("/v1/events/views", json={"events": batch}, headers={"User-Agent": "bingbot/2.0"})
    assert crawler.json() == {"accepted": 1, "duplicates": 0, "ignored_bots": 2}
    assert buckets(session) == {(story.id, hour_of(clock)): 3}


def _bad_batches(clock: datetime, story: Article, hidden: dict[str, Article]) -> list[tuple[Any, list[Any]]]:
    """Bodies with one bad event after a good one, and where the problem is reported."""
    good = {"article": story.id, "session": "s"}
    cases: list[tuple[Any, list[Any]]] = [
        ({"events": [good, {"article": 999_999}]}, ["body", "events", 1, "article"]),
        ({"events": [good, {"article": "no-such-story"}]}, ["body", "events", 1, "article"]),
        ({"events": [good, {"article": story.id, "at": ago(clock, -0.5)}]}, ["body", "events", 1, "at"]),
        ({"events": [good, {"article": story.id, "at": ago(clock, 25)}]}, ["body", "events", 1, "at"]),
        ({"events": [good, {"article": story.id, "at": "yesterday"}]}, ["body", "events", 1, "at"]),
        ({"events": [good, {"article": story.id, "at": "2025-12-01T10:00:00"}]}, ["body", "events", 1, "at"]),
        ({"events": [good, {"article": True}]}, ["body", "events", 1, "article", "constrained-int"]),
        ({"events": [good, {"article": 1.5}]}, ["body", "events", 1, "article", "constrained-int"]),
        ({"events": [good, {"article": story.id, "views": 9}]}, ["body", "events", 1, "views"]),
        ({"events": [good, {"article": story.id, "session": ""}]}, ["body", "events", 1, "session"]),
        ({"events": [good, {"article": story.id, "session": "x" * 129}]}, ["body", "events", 1, "session"]),
        ({"events": [good, {}]}, ["body", "events", 1, "article"]),
        ({"events": [good, "story"]}, ["body", "events", 1]),
        ({"events": []}, ["body", "events"]),
        ({"events": [good] * (MAX_BATCH + 1)}, ["body", "events"]),
        ({"events": [good], "extra": 1}, ["body", "extra"]),
        ([good], ["body"]),
    ]
    cases += [
        ({"events": [good, {"article": a.slug}]}, ["body", "events", 1, "article"]) for a in hidden.values()
    ]
    cases += [
        ({"events": [good, {"article": a.id}]}, ["body", "events", 1, "article"]) for a in hidden.values()
    ]
    return cases


def test_a_bad_event_refuses_the_whole_batch_and_writes_nothing(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    hidden = make_hidden_articles(session, slug_prefix="hidden-")
    for body, location in _bad_batches(clock, story, hidden):
        response = client.post("/v1/events/views", json=body, headers={"User-Agent": BROWSER})
        problem = assert_problem(response, 422)
        assert location in [e["location"] for e in problem["errors"]], (body, problem)
    for raw in (b"{", b"", b"null", b"[]", b'"story"'):
        response = client.post(
            "/v1/events/views",
            content=raw,
            headers={"User-Agent": BROWSER, "Content-Type": "application/json"},
        )
        assert_problem(response, 422)
    assert buckets(session) == {}
    assert seen_count(session) == 0


def test_every_bad_event_is_named(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    body = {
        "events": [{"article": 999_999}, {"article": story.id}, {"article": "gone", "at": ago(clock, 30)}]
    }
    problem = assert_problem(client.post("/v1/events/views", json=body), 422)
    assert [(e["location"], e["message"]) for e in problem["errors"]] == [
        (["body", "events", 0, "article"], "999999 is not a published article"),
        (["body", "events", 2, "article"], "'gone' is not a published article"),
        (["body", "events", 2, "at"], "is more than 24 hours ago"),
    ]


def test_an_article_that_stops_being_public_is_refused(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    send(client, story.id)
    story.status = ArticleStatus.archived
    session.add(story)
    session.commit()
    assert_problem(client.post("/v1/events/views", json={"article": story.id}), 422)
    assert buckets(session) == {(story.id, hour_of(clock)): 1}


def test_the_largest_batch_is_accepted(
    client: TestClient, session: Session, clock: datetime, story: Article
) -> None:
    batch = [{"article": story.id, "session": f"reader-{i % 600}"} for i in range(MAX_BATCH)]
    response = client.post("/v1/events/views", json={"events": batch}, headers={"User-Agent": BROWSER})
    assert response.json() == {"accepted": 600, "duplicates": MAX_BATCH - 600, "ignored_bots": 0}
    assert buckets(session) == {(story.id, hour_of(clock)): 600}
    assert seen_count(session) == 600
