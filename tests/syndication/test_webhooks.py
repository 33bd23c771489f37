"""Webhooks: subscriptions (admin), the SSRF guard, signed deliveries from the outbox, retries with backoff,
the delivery log, redelivery, and workers that never send one delivery twice at once."""

import hashlib
import hmac
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.main import create_app
from app.syndication import webhooks
from app.syndication.models import SyncChange, WebhookDelivery, WebhookEvent, WebhookSubscription
from app.syndication.worker import Worker
from tests.assertions import assert_problem, version_of
from tests.conftest import UNLIMITED
from tests.factories import audit_trail, key_headers, make_article, make_category
from tests.syndication.test_sync import EDITOR_SCOPES, Desk

ALL_TYPES = ["article.published", "article.updated", "article.unpublished", "article.deleted"]
TEST_SETTINGS: dict[str, Any] = {
    "webhook_allowed_networks": ["127.0.0.1/32"],
    "webhook_backoff_base_seconds": 0.01,
    "webhook_backoff_max_seconds": 0.05,
    "webhook_max_attempts": 3,
    "webhook_timeout_seconds": 5,
    "webhook_concurrency": 2,
}


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (the README's snippet): check the HMAC of "<t>.<body>" and the time."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - timestamp) <= tolerance


class Receiver:
    """A webhook endpoint on 127.0.0.1: records each request, answers with the statuses it is given (then
    200), and can be slow."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes, str]] = []
        self.answers: list[int] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append((dict(self.headers.items()), body, self.path))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # closing never waits for a request left hanging
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    @property
    def event_ids(self) -> list[str]:
        with self.lock:
            return [headers["Broadsheet-Event-Id"] for headers, _, _ in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    application = create_app(Settings(database_url=database_url, rate_limits=UNLIMITED, **TEST_SETTINGS))
    yield application
    application.state.engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


@pytest.fixture
def worker(app: FastAPI) -> Iterator[Worker]:
    made = Worker(app.state.engine, app.state.settings)
    yield made
    made.stop()


@pytest.fixture
def admin(session: Session) -> dict[str, str]:
    return key_headers(session, "admin", name="ops")


@pytest.fixture
def desk(client: TestClient, session: Session) -> Desk:
    make_category(session, slug="world")
    return Desk(client, key_headers(session, *EDITOR_SCOPES, name="editor"))


def subscribe(
    client: TestClient, admin: dict[str, str], url: str, types: list[str] = ALL_TYPES, **fields: Any
) -> dict[str, Any]:
    response = client.post(
        "/v1/admin/webhooks", headers=admin, json={"url": url, "event_types": types, **fields}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def deliveries(client: TestClient, admin: dict[str, str], subscription_id: int, **params: Any) -> list[Any]:
    response = client.get(f"/v1/admin/webhooks/{subscription_id}/deliveries", headers=admin, params=params)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def deliver_all(worker: Worker, session: Session, deadline: float = 10.0) -> None:
    """Run the worker until nothing is pending (retries come due after their short test backoff)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if worker.deliver():
            continue
        session.commit()
        pending = session.exec(select(WebhookDelivery).where(WebhookDelivery.status == "pending")).all()
        if not pending:
            return
        time.sleep(0.02)
    raise AssertionError("deliveries still pending")


# --- subscriptions -----------------------------------------------------------------------------------------


def test_subscriptions_are_managed_with_an_admin_key(
    client: TestClient, session: Session, admin: dict[str, str], receiver: Receiver
) -> None:
    response = client.post(
        "/v1/admin/webhooks",
        headers=admin,
        json={"url": receiver.url, "event_types": ["article.published"], "description": "Partner A"},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/v1/admin/webhooks/{created['id']}"
    assert version_of(response) == f'"webhook-{created["id"]}-v1"'
    assert response.headers["cache-control"] == "private, no-store"
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) >= 40
    assert {k: created[k] for k in ("url", "event_types", "description", "active", "version")} == {
        "url": receiver.url,
        "event_types": ["article.published"],
        "description": "Partner A",
        "active": True,
        "version": 1,
    }
    path = f"/v1/admin/webhooks/{created['id']}"
    shown = client.get(path, headers=admin).json()
    assert "secret" not in shown
    assert shown == {k: v for k, v in created.items() if k != "secret"}
    listed = client.get("/v1/admin/webhooks", headers=admin).json()
    assert [s["id"] for s in listed["items"]] == [created["id"]]

    change = {"event_types": ["article.deleted", "article.updated"], "secret": "s" * 32}
    assert_problem(client.patch(path, headers=admin, json=change), 428)
    stale = {**admin, "If-Match": '"webhook-1-v9"'.replace("1", str(created["id"]), 1)}
    assert_problem(client.patch(path, headers=stale, json=change), 412)
    current = {**admin, "If-Match": f'"webhook-{created["id"]}-v1"'}
    updated = client.patch(path, headers=current, json=change)
    assert updated.status_code == 200, updated.text
    assert (updated.json()["event_types"], updated.json()["version"]) == (change["event_types"], 2)
    session.commit()
    stored = session.get(WebhookSubscription, created["id"])
    assert stored is not None
    assert stored.secret == "s" * 32
    assert_problem(
        client.patch(path, headers={**admin, "If-Match": version_of(updated)}, json={"url": None}), 422
    )
    assert_problem(
        client.patch(path, headers={**admin, "If-Match": version_of(updated)}, json={"id": 5}), 422
    )

    writer = key_headers(session, "content:write", "content:publish")
    assert_problem(client.get("/v1/admin/webhooks", headers=writer), 403)
    assert client.delete(path, headers={**admin, "If-Match": version_of(updated)}).status_code == 204
    assert_problem(client.get(path, headers=admin), 404)
    assert [entry[0] for entry in audit_trail(session) if entry[1] == "webhook"] == [
        "webhook.create",
        "webhook.update",
        "webhook.delete",
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.1.2.3/hook", "private"),
        ("http://192.168.0.10/hook", "private"),
        ("http://172.16.5.4:8080/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://127.0.0.2/hook", "loopback"),  # loopback, but not the allowed 127.0.0.1/32
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://[::ffff:169.254.169.254]/hook", "link-local"),
        ("http://[::ffff:7f00:2]/hook", "loopback"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[fc00::1]/hook", "private"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://100.64.0.1/hook", "non-public"),
        ("http://0x0a000001/hook", "private"),
        ("ftp://example.com/hook", "Only http and https"),
        ("http://nowhere.invalid/hook", "does not resolve"),
        ("http://user:pw@127.0.0.1/hook", "credentials"),
    ],
)
def test_subscriptions_to_private_addresses_are_refused(
    client: TestClient, session: Session, admin: dict[str, str], url: str, reason: str
) -> None:
    response = client.post("/v1/admin/webhooks", headers=admin, json={"url": url, "event_types": ALL_TYPES})
    if url.startswith("ftp"):  # the schema's own pattern refuses it first
        assert_problem(response, 422)
        return
    problem = assert_problem(response, 422)
    assert reason in problem["detail"]
    session.commit()
    assert session.exec(select(WebhookSubscription)).all() == []


def test_the_allow_list_and_mapped_addresses() -> None:
    allowed = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.9.0.0/16")]
    assert webhooks.refusal(ipaddress.ip_address("127.0.0.1"), allowed) is None
    assert webhooks.refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allowed) is None
    assert webhooks.refusal(ipaddress.ip_address("10.9.3.4"), allowed) is None
    assert webhooks.refusal(ipaddress.ip_address("10.8.3.4"), allowed) == "private"
    assert webhooks.refusal(ipaddress.ip_address("2002:a00:1::"), allowed) == "private"  # 6to4 of 10.0.0.1
    assert webhooks.refusal(ipaddress.ip_address("64:ff9b::a9fe:a9fe"), allowed) == "link-local"  # NAT64
    assert webhooks.refusal(ipaddress.ip_address("93.184.216.34"), []) is None
    assert webhooks.refusal(ipaddress.ip_address("2606:4700::1111"), []) is None


def test_subscription_bodies_are_validated(
    client: TestClient, admin: dict[str, str], receiver: Receiver
) -> None:
    for body in (
        {"url": receiver.url, "event_types": []},
        {"url": receiver.url, "event_types": ["article.published", "article.published"]},
        {"url": receiver.url, "event_types": ["article.viewed"]},
        {"url": receiver.url, "event_types": ALL_TYPES, "secret": "short"},
        {"url": receiver.url, "event_types": ALL_TYPES, "version": 3},
        {"url": "not a url", "event_types": ALL_TYPES},
    ):
        assert_problem(client.post("/v1/admin/webhooks", headers=admin, json=body), 422)


# --- delivering ------------------------------------------------------------------------------------------


def test_publishing_delivers_a_signed_event(
    client: TestClient,
    session: Session,
    admin: dict[str, str],
    desk: Desk,
    receiver: Receiver,
    worker: Worker,
) -> None:
    subscription = subscribe(client, admin, receiver.url)
    article = desk.create("kim-greets-putin", "world")
    assert deliveries(client, admin, subscription["id"]) == []  # a draft is news to nobody
    desk.publish(article["id"])
    [pending] = deliveries(client, admin, subscription["id"])
    assert (pending["status"], pending["attempts"], pending["event_type"]) == (
        "pending",
        0,
        "article.published",
    )
    assert pending["article_id"] == article["id"]

    assert worker.deliver() == 1
    [(headers, body, path)] = receiver.requests
    assert path == "/hooks"
    assert headers["Content-Type"] == "application/json"
    assert headers["Broadsheet-Event-Type"] == "article.published"
    assert headers["Broadsheet-Event-Id"] == pending["event_id"]
    assert headers["Broadsheet-Delivery-Id"] == str(pending["id"])
    assert verify(subscription["secret"], headers["Broadsheet-Signature"], body)
    assert not verify("whsec_other", headers["Broadsheet-Signature"], body)
    assert not verify(subscription["secret"], headers["Broadsheet-Signature"], body + b" ")
    event = json.loads(body)
    session.commit()
    seq = session.exec(select(SyncChange.seq).where(SyncChange.article_id == article["id"])).one()
    assert event["id"] == pending["event_id"]
    assert event["type"] == "article.published"
    assert event["data"]["seq"] == seq
    assert event["data"]["article_id"] == article["id"]
    assert event["data"]["article"]["slug"] == "kim-greets-putin"
    [done] = deliveries(client, admin, subscription["id"])
    assert {
        k: done[k] for k in ("status", "attempts", "last_status_code", "last_error", "next_attempt_at")
    } == {
        "status": "succeeded",
        "attempts": 1,
        "last_status_code": 200,
        "last_error": None,
        "next_attempt_at": None,
    }
    assert done["delivered_at"] is not None
    assert worker.deliver() == 0


def test_each_change_is_one_event_of_its_type(
    client: TestClient,
    session: Session,
    admin: dict[str, str],
    desk: Desk,
    receiver: Receiver,
    worker: Worker,
) -> None:
    everything = subscribe(client, admin, receiver.url)
    removals = subscribe(client, admin, receiver.url, ["article.unpublished", "article.deleted"])
    article = desk.create("story", "world")
    desk.publish(article["id"])
    desk.edit(article["id"], title="Story, revised")
    desk.unpublish(article["id"])
    desk.delete(article["id"])
    session.commit()
    events = session.exec(select(WebhookEvent).order_by(col(WebhookEvent.seq))).all()
    assert [e.type for e in events] == ALL_TYPES
    assert len({e.id for e in events}) == 4
    assert [d["event_type"] for d in deliveries(client, admin, everything["id"])] == ALL_TYPES[::-1]
    assert [d["event_type"] for d in deliveries(client, admin, removals["id"])] == ALL_TYPES[:1:-1]
    deliver_all(worker, session)
    assert sorted(receiver.event_ids) == sorted([e.id for e in events] + [e.id for e in events[2:]])


def test_failures_are_retried_with_backoff_then_given_up_and_redelivered(
    client: TestClient, session: Session, admin: dict[str, str], receiver: Receiver, worker: Worker
) -> None:
    flaky = subscribe(client, admin, receiver.url)
    make_article(session)
    receiver.answers = [500, 502]  # then 200
    deliver_all(worker, session)
    [delivery] = deliveries(client, admin, flaky["id"])
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("succeeded", 3, 200)
    assert len(receiver.requests) == 3
    assert len(set(receiver.event_ids)) == 1

    client.patch(
        f"/v1/admin/webhooks/{flaky['id']}",
        headers={**admin, "If-Match": f'"webhook-{flaky["id"]}-v1"'},
        json={"description": "down"},
    )
    article = make_article(session)
    receiver.answers = [503, 503, 503]
    deliver_all(worker, session)
    failed = deliveries(client, admin, flaky["id"], status="failed")
    assert [(d["article_id"], d["attempts"], d["last_status_code"]) for d in failed] == [(article.id, 3, 503)]
    assert failed[0]["last_error"] == "HTTP 503: ok"
    assert failed[0]["next_attempt_at"] is None

    redone = client.post(
        f"/v1/admin/webhooks/{flaky['id']}/deliveries/{failed[0]['id']}/redeliver", headers=admin
    )
    assert redone.status_code == 202, redone.text
    assert redone.json()["event_id"] == failed[0]["event_id"]
    assert (redone.json()["status"], redone.json()["attempts"]) == ("pending", 0)
    deliver_all(worker, session)
    assert receiver.event_ids[-1] == failed[0]["event_id"]
    assert [d["status"] for d in deliveries(client, admin, flaky["id"])] == [
        "succeeded",
        "failed",
        "succeeded",
    ]
    assert audit_trail(session)[-1][:3] == ("webhook.redeliver", "webhook", flaky["id"])


def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    from app.syndication.worker import backoff

    for attempts, low, high in ((1, 5, 10), (2, 10, 20), (3, 20, 40), (12, 50, 100)):
        delays = [backoff(attempts, 10, 100) for _ in range(200)]
        assert low <= min(delays)
        assert max(delays) <= high


def test_redirects_are_not_followed(
    client: TestClient, session: Session, admin: dict[str, str], receiver: Receiver, worker: Worker
) -> None:
    subscription = subscribe(client, admin, receiver.url)
    make_article(session)
    receiver.answers = [302, 302, 302]
    deliver_all(worker, session)
    [delivery] = deliveries(client, admin, subscription["id"])
    assert (delivery["status"], delivery["last_status_code"]) == ("failed", 302)
    assert delivery["last_error"].startswith("a redirect (not followed)")
    assert [path for _, _, path in receiver.requests] == ["/hooks"] * 3


def test_the_target_is_resolved_again_at_delivery(
    client: TestClient,
    session: Session,
    admin: dict[str, str],
    receiver: Receiver,
    worker: Worker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: a name that resolved to an allowed address at subscription time, and to a private one
    when the event is sent, gets nothing."""
    real = socket.getaddrinfo
    answers = {"hooks.partner.test": "127.0.0.1"}

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = receiver.server.server_address[1]
    subscription = subscribe(client, admin, f"http://hooks.partner.test:{port}/hooks")
    make_article(session)
    answers["hooks.partner.test"] = "10.0.0.7"
    deliver_all(worker, session)
    [delivery] = deliveries(client, admin, subscription["id"])
    assert delivery["status"] == "failed"
    assert delivery["last_error"].startswith("refused: The host 'hooks.partner.test' resolves to 10.0.0.7")
    assert receiver.requests == []
    answers["hooks.partner.test"] = "127.0.0.1"  # the connection goes to the vetted address, Host: the name
    make_article(session)
    deliver_all(worker, session)
    assert [headers["Host"] for headers, _, _ in receiver.requests] == [f"hooks.partner.test:{port}"]


def test_inactive_subscriptions_get_nothing_new_and_keep_what_is_queued(
    client: TestClient, session: Session, admin: dict[str, str], receiver: Receiver, worker: Worker
) -> None:
    subscription = subscribe(client, admin, receiver.url)
    queued = make_article(session)
    path = f"/v1/admin/webhooks/{subscription['id']}"
    paused = client.patch(
        path, headers={**admin, "If-Match": f'"webhook-{subscription["id"]}-v1"'}, json={"active": False}
    )
    assert paused.status_code == 200, paused.text
    make_article(session)
    assert worker.deliver() == 0
    assert [(d["status"], d["article_id"]) for d in deliveries(client, admin, subscription["id"])] == [
        ("pending", queued.id)
    ]
    resumed = client.patch(path, headers={**admin, "If-Match": version_of(paused)}, json={"active": True})
    assert resumed.status_code == 200, resumed.text
    assert worker.deliver() == 1
    assert len(receiver.requests) == 1


def test_a_scheduled_article_going_live_is_delivered(
    client: TestClient,
    session: Session,
    admin: dict[str, str],
    desk: Desk,
    receiver: Receiver,
    worker: Worker,
) -> None:
    subscribe(client, admin, receiver.url, ["article.published"])
    article = desk.create("soon", "world")
    live_at = datetime.now(UTC) + timedelta(seconds=3)  # room for a slow, shared CI machine
    desk.publish(article["id"], live_at)
    assert worker.run_once() == 0
    time.sleep(max(0.0, (live_at - datetime.now(UTC)).total_seconds()) + 0.05)
    assert worker.run_once() >= 1  # announced (and possibly already delivered)
    deliver_all(worker, session)
    [(headers, body, _)] = receiver.requests
    assert headers["Broadsheet-Event-Type"] == "article.published"
    assert json.loads(body)["data"]["article"]["slug"] == "soon"


def test_two_workers_never_send_a_delivery_twice(
    app: FastAPI, client: TestClient, session: Session, admin: dict[str, str], receiver: Receiver
) -> None:
    subscribe(client, admin, receiver.url)
    category = make_category(session)
    for _ in range(24):
        make_article(session, category=category)
    receiver.delay = 0.01
    workers = [Worker(app.state.engine, app.state.settings) for _ in range(2)]

    def work(worker: Worker) -> None:
        idle = 0
        while idle < 5:
            idle = 0 if worker.deliver() else idle + 1
            time.sleep(0.005)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.stop()
    session.commit()
    events = {e.id for e in session.exec(select(WebhookEvent))}
    assert len(events) == 24
    assert sorted(receiver.event_ids) == sorted(events)  # each once
    statuses = session.exec(select(WebhookDelivery.status, WebhookDelivery.attempts)).all()
    assert set(statuses) == {("succeeded", 1)}


def test_unknown_subscriptions_and_deliveries_are_404(
    client: TestClient, session: Session, admin: dict[str, str], receiver: Receiver
) -> None:
    first = subscribe(client, admin, receiver.url)
    second = subscribe(client, admin, receiver.url)
    make_article(session)
    [delivery] = deliveries(client, admin, first["id"])
    assert_problem(client.get("/v1/admin/webhooks/999/deliveries", headers=admin), 404)
    assert_problem(
        client.post(f"/v1/admin/webhooks/999/deliveries/{delivery['id']}/redeliver", headers=admin), 404
    )
    assert_problem(
        client.post(
            f"/v1/admin/webhooks/{second['id']}/deliveries/{delivery['id']}/redeliver", headers=admin
        ),
        404,
    )
    deleted = client.delete(
        f"/v1/admin/webhooks/{first['id']}", headers={**admin, "If-Match": f'"webhook-{first["id"]}-v1"'}
    )
    assert deleted.status_code == 204
    session.commit()
    assert [d.subscription_id for d in session.exec(select(WebhookDelivery))] == [second["id"]]


def test_the_worker_can_run_inside_the_api_process(
    database_url: str, session: Session, receiver: Receiver
) -> None:
    settings = Settings(
        database_url=database_url,
        rate_limits=UNLIMITED,
        worker_in_process=True,
        worker_poll_seconds=0.05,
        **TEST_SETTINGS,
    )
    application = create_app(settings)
    with TestClient(application) as client:  # the lifespan starts the worker thread, and stops it
        admin = key_headers(session, "admin")
        subscribe(client, admin, receiver.url, ["article.published"])
        make_article(session, published_at=datetime.now(UTC) + timedelta(seconds=0.3))
        end = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < end:
            time.sleep(0.05)
    application.state.engine.dispose()
    assert [headers["Broadsheet-Event-Type"] for headers, _, _ in receiver.requests] == ["article.published"]
