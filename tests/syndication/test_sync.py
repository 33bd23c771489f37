"""GET /v1/sync: the snapshot, the change log after it, cursors, filters and scheduled articles going live."""

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article
from app.purge import CachePurge
from app.syndication import sync
from app.syndication.models import SyncChange, WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.assertions import assert_problem
from tests.factories import key_headers, make_article, make_category, make_tag

EDITOR_SCOPES = ("content:write", "content:publish", "content:read-drafts")
ALL_EVENTS = ["article.published", "article.updated", "article.unpublished", "article.deleted"]


class Desk:
    """The management API as an editor uses it, remembering each article's current version."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.versions: dict[int, int] = {}

    def _with_version(self, article_id: int) -> dict[str, str]:
        return {**self.headers, "If-Match": f'"article-{article_id}-v{self.versions[article_id]}"'}

    def _keep(self, response: Any, expected: int = 200) -> dict[str, Any]:
        assert response.status_code == expected, response.text
        body: dict[str, Any] = response.json()
        self.versions[body["id"]] = body["version"]
        return body

    def create(self, slug: str, category: str, tags: tuple[str, ...] = (), **fields: Any) -> dict[str, Any]:
        body = {
            "slug": slug,
            "title": fields.pop("title", slug.replace("-", " ").title()),
            "category": category,
            "tags": list(tags),
            "blocks": [{"type": "paragraph", "html": f"About {slug}."}],
            **fields,
        }
        return self._keep(self.client.post("/v1/admin/articles", headers=self.headers, json=body), 201)

    def edit(self, article_id: int, **changes: Any) -> dict[str, Any]:
        response = self.client.patch(
            f"/v1/admin/articles/{article_id}", headers=self._with_version(article_id), json=changes
        )
        return self._keep(response)

    def publish(self, article_id: int, at: datetime | None = None) -> dict[str, Any]:
        response = self.client.post(
            f"/v1/admin/articles/{article_id}/publish",
            headers=self._with_version(article_id),
            json={"published_at": at.isoformat()} if at else None,
        )
        return self._keep(response)

    def unpublish(self, article_id: int) -> dict[str, Any]:
        return self._keep(
            self.client.post(
                f"/v1/admin/articles/{article_id}/unpublish", headers=self._with_version(article_id)
            )
        )

    def archive(self, article_id: int) -> dict[str, Any]:
        return self._keep(
            self.client.post(
                f"/v1/admin/articles/{article_id}/archive", headers=self._with_version(article_id)
            )
        )

    def correct(self, article_id: int, note: str) -> None:
        response = self.client.post(
            f"/v1/admin/articles/{article_id}/corrections", headers=self.headers, json={"note": note}
        )
        assert response.status_code == 201, response.text

    def delete(self, article_id: int) -> None:
        response = self.client.delete(
            f"/v1/admin/articles/{article_id}", headers=self._with_version(article_id)
        )
        assert response.status_code == 204, response.text
        del self.versions[article_id]


def read(
    client: TestClient,
    headers: dict[str, str],
    cursor: str | None = None,
    *,
    limit: int = 100,
    **filters: str,
) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit, **filters}
    if cursor is not None:
        params["cursor"] = cursor
    response = client.get("/v1/sync", headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    page: dict[str, Any] = response.json()
    return page


def read_all(
    client: TestClient, headers: dict[str, str], cursor: str | None = None, **filters: str
) -> tuple[list[dict[str, Any]], str]:
    """Every entry available now from `cursor`, and the cursor to continue from later."""
    items: list[dict[str, Any]] = []
    while True:
        page = read(client, headers, cursor, limit=100, **filters)
        items += page["items"]
        cursor = page["meta"]["next_cursor"]
        assert cursor
        if not page["meta"]["has_more"]:
            return items, cursor


def apply(copy: dict[int, Any], items: list[dict[str, Any]]) -> None:
    """What a partner does with entries: upsert an article that is given, remove one that is not."""
    for item in items:
        if item["kind"] in ("created", "updated") and item["article"] is not None:
            copy[item["article_id"]] = item["article"]
        else:
            copy.pop(item["article_id"], None)


def public_summaries(session: Session, category_slug: str | None = None) -> dict[int, Any]:
    """The public set as partners should end up with it: summaries as /v1/sync renders them."""
    session.commit()  # a fresh snapshot
    session.expire_all()
    articles = list(
        session.exec(select(Article).where(articles_service.public_condition()).order_by(col(Article.id)))
    )
    summaries = articles_service.summaries(session, articles)
    return {
        s.id: s.model_dump(mode="json")
        for s in summaries
        if category_slug is None or s.category_slug == category_slug
    }


def kinds(items: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(i["kind"], i["article_id"]) for i in items]


@pytest.fixture
def desk(client: TestClient, session: Session) -> Desk:
    for slug in ("world", "money", "games"):
        make_category(session, slug=slug)
    for slug in ("russia", "korea", "bonds"):
        make_tag(session, slug=slug)
    return Desk(client, key_headers(session, *EDITOR_SCOPES, name="editor"))


@pytest.fixture
def partner(session: Session) -> dict[str, str]:
    return key_headers(session, "content:read-drafts", name="partner")


# --- the feed ----------------------------------------------------------------------------------------------


def test_sync_needs_a_key(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer bs_nope_nope"}):
        response = client.get("/v1/sync", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith('Bearer realm="broadsheet"')


def test_snapshot_then_every_kind_of_change(
    client: TestClient, session: Session, desk: Desk, partner: dict[str, str]
) -> None:
    first = desk.create("first", "world")
    desk.publish(first["id"])
    draft = desk.create("draft", "world")
    later = desk.create("later", "money")
    desk.publish(later["id"], datetime.now(UTC) + timedelta(days=1))
    second = desk.create("second", "money", ("bonds",))
    desk.publish(second["id"], datetime.now(UTC) - timedelta(days=2))

    page = read(client, partner)
    high = session.exec(select(SyncChange.seq).order_by(col(SyncChange.seq).desc())).first()
    assert high is not None
    assert [(i["kind"], i["article_id"], i["seq"]) for i in page["items"]] == [
        ("created", first["id"], high),
        ("created", second["id"], high),
    ]
    assert page["items"][1]["article"] == public_summaries(session)[second["id"]]
    assert page["items"][1]["changed_at"] == page["items"][1]["article"]["updated_at"]
    assert page["meta"]["limit"] == 100
    assert page["meta"]["has_more"] is False
    cursor = page["meta"]["next_cursor"]
    assert read(client, partner, cursor)["items"] == []

    desk.edit(second["id"], title="Second, revised")
    desk.edit(draft["id"], title="Still a draft")  # not public: nothing for partners
    desk.publish(draft["id"])
    desk.unpublish(first["id"])
    desk.archive(second["id"])
    desk.delete(first["id"])
    desk.delete(later["id"])  # never public: no tombstone for partners
    items, cursor = read_all(client, partner, cursor)
    assert kinds(items) == [
        ("updated", second["id"]),
        ("created", draft["id"]),
        ("unpublished", first["id"]),
        ("unpublished", second["id"]),
        ("deleted", first["id"]),
    ]
    assert [i["seq"] for i in items] == list(range(high + 1, high + 6))
    # articles are shown as they are now: `second` is no longer public, `draft` is
    assert [i["article"] is not None for i in items] == [False, True, False, False, False]
    assert items[1]["article"]["title"] == "Still a draft"
    assert read(client, partner, cursor) == {
        "items": [],
        "meta": {"limit": 100, "next_cursor": cursor, "has_more": False},
    }


def test_snapshot_pages_and_the_switch_to_the_log(
    client: TestClient, session: Session, partner: dict[str, str]
) -> None:
    made = [make_article(session) for _ in range(5)]
    page = read(client, partner, limit=2)
    assert [i["article_id"] for i in page["items"]] == [made[0].id, made[1].id]
    assert page["meta"]["has_more"] is True
    link = client.get("/v1/sync", headers=partner, params={"limit": 2})
    assert link.headers["link"].endswith('>; rel="next"')
    page = read(client, partner, page["meta"]["next_cursor"], limit=2)
    assert [i["article_id"] for i in page["items"]] == [made[2].id, made[3].id]
    newer = make_article(session)  # logged after the snapshot began: in the snapshot and in the log
    page = read(client, partner, page["meta"]["next_cursor"], limit=2)
    assert [i["article_id"] for i in page["items"]] == [made[4].id, newer.id]
    assert page["meta"]["has_more"] is True  # the snapshot is done; the log has `newer`
    page = read(client, partner, page["meta"]["next_cursor"], limit=2)
    assert kinds(page["items"]) == [("created", newer.id)]
    assert page["meta"]["has_more"] is False


def test_full_content_for_partner_keys(client: TestClient, session: Session) -> None:
    article = make_article(session)
    full = read(client, key_headers(session, "partner:full-content"))["items"][0]["article"]
    summary = read(client, key_headers(session, "content:write"))["items"][0]["article"]
    assert full == client.get(f"/v1/articles/{article.slug}").json()
    assert article.id is not None
    assert summary == public_summaries(session)[article.id]
    assert "blocks" not in summary


@pytest.mark.parametrize(
    "cursor",
    ["", "nope", "a.b", "eyJwIjoibCJ9.AAAAAAAAAAAAAAAAAAAAAA", "x" * 1024, "%00", "..", "e30.e30"],
)
def test_a_cursor_not_ours_is_a_400(client: TestClient, partner: dict[str, str], cursor: str) -> None:
    response = client.get("/v1/sync", headers=partner, params={"cursor": cursor})
    assert_problem(response, 400)


def test_a_tampered_cursor_or_other_filters_are_a_400(
    client: TestClient, session: Session, partner: dict[str, str]
) -> None:
    make_article(session, category=make_category(session, slug="world"))
    cursor = read(client, partner, category="world")["meta"]["next_cursor"]
    payload, _, mac = cursor.partition(".")
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + mac
    assert_problem(
        client.get("/v1/sync", headers=partner, params={"cursor": tampered, "category": "world"}), 400
    )
    problem = assert_problem(client.get("/v1/sync", headers=partner, params={"cursor": cursor}), 400)
    assert "filters" in problem["detail"]
    assert_problem(client.get("/v1/sync", headers=partner, params={"cursor": cursor, "tag": "x"}), 400)
    assert read(client, partner, cursor, category="world")["items"] == []


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"category": "Not A Slug"}, {"tag": "x" * 121}, {"surprise": "1"}],
)
def test_bad_parameters_are_a_400(
    client: TestClient, partner: dict[str, str], params: dict[str, Any]
) -> None:
    assert_problem(client.get("/v1/sync", headers=partner, params=params), 400)


def test_filters_deliver_articles_leaving_them(
    client: TestClient, session: Session, desk: Desk, partner: dict[str, str]
) -> None:
    moving = desk.create("moving", "world", ("russia",))
    desk.publish(moving["id"])
    staying = desk.create("staying", "world", ("korea",))
    desk.publish(staying["id"])
    elsewhere = desk.create("elsewhere", "money", ("russia",))
    desk.publish(elsewhere["id"])
    world, world_cursor = read_all(client, partner, category="world")
    russia, russia_cursor = read_all(client, partner, tag="russia")
    both, both_cursor = read_all(client, partner, category="world", tag="russia")
    assert kinds(world) == [("created", moving["id"]), ("created", staying["id"])]
    assert kinds(russia) == [("created", moving["id"]), ("created", elsewhere["id"])]
    assert kinds(both) == [("created", moving["id"])]
    assert read(client, partner, category="unknown")["items"] == []

    desk.edit(moving["id"], category="money", tags=["korea"])  # leaves `world` and `russia`
    desk.edit(elsewhere["id"], title="Elsewhere, again")
    desk.unpublish(staying["id"])
    desk.edit(moving["id"], category="world")  # back in `world`

    world, _ = read_all(client, partner, world_cursor, category="world")
    assert [(i["kind"], i["article_id"], i["article"] is not None) for i in world] == [
        ("updated", moving["id"], True),  # shown as it is now: back in `world`
        ("unpublished", staying["id"], False),
        ("updated", moving["id"], True),
    ]
    russia, _ = read_all(client, partner, russia_cursor, tag="russia")
    assert [(i["kind"], i["article_id"], i["article"] is not None) for i in russia] == [
        ("updated", moving["id"], False),  # left `russia`: the partner drops it
        ("updated", elsewhere["id"], True),
    ]
    both, _ = read_all(client, partner, both_cursor, category="world", tag="russia")
    assert [(i["kind"], i["article_id"], i["article"]) for i in both] == [("updated", moving["id"], None)]


def test_body_corrections_and_tables_are_updates(
    client: TestClient, session: Session, desk: Desk, partner: dict[str, str]
) -> None:
    article = desk.create("story", "world")
    desk.publish(article["id"])
    _, cursor = read_all(client, partner)
    desk.correct(article["id"], "An earlier version misnamed the minister.")
    desk.edit(article["id"], blocks=[{"type": "paragraph", "html": "New body."}])
    table = client.post(
        f"/v1/admin/articles/{article['id']}/tables",
        headers=desk.headers,
        json={"title": "Figures", "columns": [{"key": "n", "label": "N", "type": "number"}], "rows": [[1]]},
    )
    assert table.status_code == 201, table.text
    items, _ = read_all(client, partner, cursor)
    # the table is not in the body yet, so the public article did not change
    assert kinds(items) == [("updated", article["id"]), ("updated", article["id"])]


# --- scheduled articles going live -----------------------------------------------------------------------


def test_a_scheduled_article_is_announced_once_when_due(
    app: FastAPI, client: TestClient, session: Session, desk: Desk, partner: dict[str, str]
) -> None:
    session.add(WebhookSubscription(url="https://hooks.example/x", event_types=ALL_EVENTS, secret="s" * 32))
    session.commit()
    article = desk.create("soon", "world")
    _, cursor = read_all(client, partner)
    live_at = datetime.now(UTC) + timedelta(seconds=3)  # room for a slow, shared CI machine
    desk.publish(article["id"], live_at)
    with Session(app.state.engine) as worker_session:
        assert sync.announce_due(worker_session) == 0
    assert read(client, partner, cursor)["items"] == []
    time.sleep(max(0.0, (live_at - datetime.now(UTC)).total_seconds()) + 0.05)
    # several workers at once: the article goes live once
    barrier = threading.Barrier(4)
    looked_at: list[int] = []

    def worker() -> None:
        with Session(app.state.engine) as worker_session:
            barrier.wait()
            looked_at.append(sync.announce_due(worker_session))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 in looked_at
    items, cursor = read_all(client, partner, cursor)
    assert kinds(items) == [("created", article["id"])]
    assert items[0]["article"]["slug"] == "soon"
    session.commit()
    events = session.exec(select(WebhookEvent).where(WebhookEvent.article_id == article["id"])).all()
    assert [e.type for e in events] == ["article.published"]
    assert [d.event_id for d in session.exec(select(WebhookDelivery))] == [events[0].id]
    # going live purges what a write would have: the article and the lists it joins
    purged = session.exec(select(CachePurge.keys).order_by(col(CachePurge.id).desc())).first()
    assert purged is not None
    assert {f"article:{article['id']}", "articles:list"} <= set(purged.split())
    with Session(app.state.engine) as worker_session:
        assert sync.announce_due(worker_session) == 0


def test_a_due_article_changed_before_its_announcement(
    client: TestClient, session: Session, desk: Desk, partner: dict[str, str]
) -> None:
    """A write that finds an article gone live unannounced announces it itself, once."""
    article = desk.create("soon", "world")
    desk.publish(article["id"], datetime.now(UTC) + timedelta(seconds=0.5))
    _, cursor = read_all(client, partner)
    time.sleep(0.6)
    desk.edit(article["id"], title="Live now")
    items, _ = read_all(client, partner, cursor)
    assert kinds(items) == [("created", article["id"])]
    assert items[0]["article"]["title"] == "Live now"


def test_the_worker_sweeps_up_articles_inserted_without_the_orm(
    app: FastAPI, client: TestClient, session: Session, partner: dict[str, str]
) -> None:
    category = make_category(session)
    _, cursor = read_all(client, partner)
    now = datetime.now(UTC)
    with app.state.engine.begin() as connection:
        connection.execute(
            Article.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "slug": f"bulk-{n}",
                    "title": f"Bulk {n}",
                    "language": "en",
                    "category_id": category.id,
                    "status": "published",
                    "published_at": now - timedelta(minutes=n),
                    "hero_image": None,
                    "word_count": 0,
                    "reading_time_minutes": 0,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(2)
            ],
        )
    with Session(app.state.engine) as worker_session:
        assert sync.announce_due(worker_session) == 0  # the sweep is occasional
        assert sync.announce_due(worker_session, sweep=True) == 2
        assert sync.announce_due(worker_session, sweep=True) == 0
    items, _ = read_all(client, partner, cursor)
    assert [i["kind"] for i in items] == ["created", "created"]


def test_baseline_records_bulk_loads_without_entries(
    app: FastAPI, client: TestClient, session: Session, partner: dict[str, str]
) -> None:
    category = make_category(session)
    _, cursor = read_all(client, partner)
    now = datetime.now(UTC)
    with app.state.engine.begin() as connection:
        connection.execute(
            Article.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "slug": "bulk",
                    "title": "Bulk",
                    "language": "en",
                    "category_id": category.id,
                    "status": "published",
                    "published_at": now,
                    "hero_image": None,
                    "word_count": 0,
                    "reading_time_minutes": 0,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                },
            ],
        )
        assert sync.baseline(connection) == 1
        assert sync.baseline(connection) == 0
    with Session(app.state.engine) as worker_session:
        assert sync.announce_due(worker_session, sweep=True) == 0
    assert read(client, partner, cursor)["items"] == []
    assert [i["article_id"] for i in read(client, partner)["items"]][-1:] == [
        session.exec(select(Article.id).where(Article.slug == "bulk")).one()
    ]
