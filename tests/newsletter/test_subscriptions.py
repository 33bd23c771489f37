"""Double opt-in through a real SMTP server: subscribe over HTTP, send the outbox, read the mail, follow
its links. Every test runs on SQLite and PostgreSQL."""

import argparse
import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session, select

from app.cli import manage_newsletter
from app.config import Settings
from app.db import utcnow
from app.main import create_app
from app.newsletter.mail import DeliveryReport, deliver_due, retry_delay
from app.newsletter.models import (
    NewsletterConsent,
    NewsletterMail,
    NewsletterSubscriber,
    NewsletterToken,
)
from app.newsletter.service import ACCEPTED_DETAIL
from app.rate_limit import DEFAULT_RATE_LIMITS
from tests.factories import make_category
from tests.newsletter.conftest import Mailbox, newsletter_settings
from tests.servers import free_port

API = "https://api.broadsheet.example"
CONFIRM_LINK = re.compile(re.escape(API) + r"(/v1/newsletter/confirm\?token=[A-Za-z0-9_-]+)")
UNSUBSCRIBE_LINK = re.compile(r"<" + re.escape(API) + r"(/v1/newsletter/unsubscribe\?token=[A-Za-z0-9_-]+)>")
ACCEPTED = {"status": "accepted", "detail": ACCEPTED_DETAIL}
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def subscribe(client: TestClient, email: str, topics: list[str] | None = None, **more: Any) -> Response:
    body: dict[str, Any] = {"email": email, **more}
    if topics is not None:
        body["topics"] = topics
    return client.post("/v1/newsletter/subscriptions", json=body)


def deliver(app: FastAPI, settings: Settings, *, later: timedelta = timedelta(0)) -> DeliveryReport:
    return deliver_due(app.state.engine, settings, now=utcnow() + later)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def confirm_path(message: EmailMessage) -> str:
    found = CONFIRM_LINK.search(text_of(message))
    assert found is not None, text_of(message)
    return found.group(1)


def unsubscribe_path(message: EmailMessage) -> str:
    found = UNSUBSCRIBE_LINK.search(str(message["List-Unsubscribe"]))
    assert found is not None, message["List-Unsubscribe"]
    return found.group(1)


def stored(session: Session, email: str) -> NewsletterSubscriber:
    session.expire_all()
    return session.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.email == email)).one()


def outbox(session: Session) -> list[NewsletterMail]:
    session.expire_all()
    return list(session.exec(select(NewsletterMail).order_by(NewsletterMail.id)).all())  # type: ignore[arg-type]


def test_double_opt_in_through_a_real_smtp_server(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    make_category(session, slug="world", name="World")
    make_category(session, slug="gaming", name="Gaming")

    response = subscribe(client, "  Reader@Example.ORG ", ["world", "gaming"], source="web")
    assert response.status_code == 202
    assert response.json() == ACCEPTED
    assert response.headers["cache-control"] == "no-store"
    subscriber = stored(session, "reader@example.org")
    assert (subscriber.status, subscriber.topics) == ("pending", [])
    [queued] = outbox(session)
    assert (queued.status, queued.attempts, queued.to_address) == ("pending", 0, "reader@example.org")
    assert mailbox.messages == []  # the request only stored the mail

    assert deliver(app, settings) == DeliveryReport(sent=1)
    [message] = mailbox.messages
    assert mailbox.envelopes == [("newsletter@broadsheet.example", ["reader@example.org"])]
    assert message["To"] == "reader@example.org"
    assert message["From"] == "Broadsheet <newsletter@broadsheet.example>"
    assert message["Subject"] == "Confirm your subscription to the Broadsheet newsletter"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(message).startswith("/v1/newsletter/unsubscribe?token=")
    assert "on World, Gaming at this address" in text_of(message)
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    assert confirm_path(message) in str(html_part.get_content())

    confirmed = client.get(confirm_path(message))
    assert confirmed.status_code == 200
    assert confirmed.json() == {"status": "confirmed", "topics": ["gaming", "world"]}
    assert confirmed.headers["cache-control"] == "no-store"
    assert confirmed.headers["referrer-policy"] == "no-referrer"

    subscriber = stored(session, "reader@example.org")
    assert (subscriber.status, subscriber.topics) == ("confirmed", ["gaming", "world"])
    assert subscriber.confirmed_at is not None
    [consent] = session.exec(select(NewsletterConsent)).all()
    assert (consent.source, consent.topics) == ("web", ["gaming", "world"])
    assert consent.confirmed_at == subscriber.confirmed_at
    assert consent.ip_hash is not None
    assert len(consent.ip_hash) == 32
    assert "testclient" not in consent.ip_hash
    [sent] = outbox(session)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert (sent.body_text, sent.body_html, sent.headers) == ("", "", {})  # no link secrets kept
    tokens = session.exec(select(NewsletterToken.token_hash)).all()
    assert all(len(h) == 64 for h in tokens)
    assert not any(
        path.split("=")[1] in tokens for path in (confirm_path(message), unsubscribe_path(message))
    )


def test_the_answer_is_the_same_for_every_kind_of_address(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    subscribe(client, "pending@example.org")
    subscribe(client, "confirmed@example.org")
    subscribe(client, "gone@example.org")
    deliver(app, settings)
    by_address = {m["To"]: m for m in mailbox.messages}
    assert client.get(confirm_path(by_address["confirmed@example.org"])).status_code == 200
    assert client.get(confirm_path(by_address["gone@example.org"])).status_code == 200
    unsubscribed = client.post(unsubscribe_path(by_address["gone@example.org"]), data=ONE_CLICK)
    assert unsubscribed.status_code == 200

    answers = [
        subscribe(client, email)
        for email in ("new@example.org", "pending@example.org", "confirmed@example.org", "gone@example.org")
    ]
    assert {a.status_code for a in answers} == {202}
    assert {a.content for a in answers} == {answers[0].content}
    assert {(a.headers["content-type"], a.headers["content-length"]) for a in answers} == {
        ("application/json", str(len(answers[0].content)))
    }
    assert answers[0].json() == ACCEPTED


def test_links_are_single_use_and_expire(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    subscribe(client, "once@example.org")
    subscribe(client, "late@example.org")
    deliver(app, settings)
    by_address = {m["To"]: m for m in mailbox.messages}
    link = confirm_path(by_address["once@example.org"])
    assert client.get(link).status_code == 200
    again = client.get(link)
    assert again.status_code == 410
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["detail"] == "This confirmation link was already used."

    late = stored(session, "late@example.org")
    token = session.exec(select(NewsletterToken).where(NewsletterToken.subscriber_id == late.id)).first()
    assert token is not None
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.add(token)
    session.commit()
    expired = client.get(confirm_path(by_address["late@example.org"]))
    assert expired.status_code == 410
    assert expired.json()["detail"] == "This confirmation link has expired; subscribe again to get a new one."
    assert stored(session, "late@example.org").status == "pending"

    unknown = client.get("/v1/newsletter/confirm?token=not-a-token")
    assert unknown.status_code == 404
    assert client.post("/v1/newsletter/confirm", json={"token": "not-a-token"}).status_code == 404
    assert client.get("/v1/newsletter/confirm").status_code == 400


def test_a_site_page_confirms_with_a_post(
    client: TestClient,
    session: Session,
    app: FastAPI,
    settings: Settings,
    mailbox: Mailbox,
    database_url: str,
) -> None:
    """With BROADSHEET_NEWSLETTER_CONFIRM_URL the link opens the site, which POSTs the token."""
    site = newsletter_settings(
        database_url,
        mailbox.port,
        newsletter_confirm_url="https://news.example.com/demo/#/newsletter/confirm/{token}",
    )
    with TestClient(create_app(site)) as site_client:
        assert subscribe(site_client, "site@example.org").status_code == 202
    deliver(app, settings)
    found = re.search(
        r"https://news\.example\.com/demo/#/newsletter/confirm/([A-Za-z0-9_-]+)", text_of(mailbox.messages[0])
    )
    assert found is not None
    confirmed = client.post("/v1/newsletter/confirm", json={"token": found.group(1)})
    assert confirmed.status_code == 200
    assert confirmed.json() == {"status": "confirmed", "topics": []}
    assert client.post("/v1/newsletter/confirm", json={"token": found.group(1)}).status_code == 410
    assert client.post("/v1/newsletter/confirm", json={"token": found.group(1), "x": 1}).status_code == 422


def test_a_reader_opening_the_link_gets_a_page(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    subscribe(client, "browser@example.org")
    deliver(app, settings)
    page = client.get(confirm_path(mailbox.messages[0]), headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Subscription confirmed</h1>" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"

    link = unsubscribe_path(mailbox.messages[0])
    offer = client.get(link, headers={"Accept": "text/html"})
    assert offer.status_code == 200
    assert '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">' in offer.text
    assert "form-action 'self'" in offer.headers["content-security-policy"]
    # opening the link (as mail scanners do) changes nothing
    assert client.get(link).json() == {"status": "confirmed", "topics": []}
    done = client.post(link, data=ONE_CLICK, headers={"Accept": "text/html"})
    assert done.status_code == 200
    assert "<h1>Unsubscribed</h1>" in done.text


def test_smtp_down_keeps_the_mail_and_retries_it(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    subscribe(client, "patient@example.org")
    subscribe(client, "second@example.org")
    down = settings.model_copy(update={"smtp_port": free_port()})  # nothing listens there

    assert deliver(app, down) == DeliveryReport(retrying=1)  # the batch stops at the first failure
    first, second = outbox(session)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error is not None
    assert first.last_error.startswith("ConnectionRefusedError")
    assert (second.status, second.attempts) == ("pending", 0)
    assert deliver(app, settings) == DeliveryReport(sent=1)  # the first waits for its retry time
    assert [m["To"] for m in mailbox.messages] == ["second@example.org"]

    assert deliver(app, down, later=retry_delay(1)) == DeliveryReport(retrying=1)
    assert outbox(session)[0].attempts == 2
    assert deliver(app, settings, later=retry_delay(1)) == DeliveryReport()  # not due yet: backoff doubled
    assert deliver(app, settings, later=retry_delay(1) + retry_delay(2)) == DeliveryReport(sent=1)
    assert [m["To"] for m in mailbox.messages] == ["second@example.org", "patient@example.org"]
    assert client.get(confirm_path(mailbox.messages[1])).status_code == 200
    assert [(m.status, m.attempts) for m in outbox(session)] == [("sent", 3), ("sent", 1)]


def test_a_refused_recipient_fails_for_good_and_attempts_run_out(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    subscribe(client, "bounce@example.org")
    subscribe(client, "fine@example.org")
    assert deliver(app, settings) == DeliveryReport(sent=1, failed=1)
    refused, sent = outbox(session)
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert refused.last_error is not None
    assert "550" in refused.last_error
    assert sent.status == "sent"

    subscribe(client, "unlucky@example.org")
    down = settings.model_copy(update={"smtp_port": free_port(), "smtp_max_attempts": 2})
    assert deliver(app, down) == DeliveryReport(retrying=1)
    assert deliver(app, down, later=timedelta(hours=1)) == DeliveryReport(failed=1)
    assert outbox(session)[2].status == "failed"
    assert deliver(app, settings, later=timedelta(days=1)) == DeliveryReport()


def test_one_click_unsubscribe(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    subscribe(client, "leaving@example.org")
    subscribe(client, "multipart@example.org")
    deliver(app, settings)
    by_address = {m["To"]: m for m in mailbox.messages}
    assert client.get(confirm_path(by_address["leaving@example.org"])).status_code == 200
    link = unsubscribe_path(by_address["leaving@example.org"])

    assert client.post(link, json={"List-Unsubscribe": "One-Click"}).status_code == 415
    wrong = client.post(link, data={"List-Unsubscribe": "Yes"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "The body must be List-Unsubscribe=One-Click (RFC 8058)."
    assert stored(session, "leaving@example.org").status == "confirmed"

    # what a mail client sends (RFC 8058): no cookie, no further question
    done = client.post(
        link,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200
    assert done.json() == {"status": "unsubscribed", "topics": []}
    assert stored(session, "leaving@example.org").status == "unsubscribed"
    assert client.post(link, data=ONE_CLICK).status_code == 200  # again: harmless
    assert client.post("/v1/newsletter/unsubscribe?token=nope", data=ONE_CLICK).status_code == 404

    # multipart/form-data, which RFC 8058 prefers; before confirming, too
    multipart = client.post(
        unsubscribe_path(by_address["multipart@example.org"]), files={"List-Unsubscribe": (None, "One-Click")}
    )
    assert multipart.status_code == 200
    assert stored(session, "multipart@example.org").status == "unsubscribed"
    # the confirmation link of the mail that was unsubscribed from no longer subscribes
    assert client.get(confirm_path(by_address["multipart@example.org"])).status_code == 410
    assert stored(session, "multipart@example.org").status == "unsubscribed"


def test_subscribing_again_after_unsubscribing_needs_a_new_confirmation(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    subscribe(client, "back@example.org")
    deliver(app, settings)
    client.get(confirm_path(mailbox.messages[0]))
    client.post(unsubscribe_path(mailbox.messages[0]), data=ONE_CLICK)
    subscribe(client, "back@example.org")
    deliver(app, settings)
    assert stored(session, "back@example.org").status == "unsubscribed"
    assert client.get(confirm_path(mailbox.messages[1])).json() == {"status": "confirmed", "topics": []}
    assert stored(session, "back@example.org").unsubscribed_at is None


def test_topics_are_categories_and_changing_them_is_confirmed_by_mail(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    make_category(session, slug="world", name="World")
    make_category(session, slug="gaming", name="Gaming")
    unknown = subscribe(client, "topics@example.org", ["world", "cooking", "baking"])
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "Unknown topic(s): baking, cooking. Topics are category slugs."
    assert outbox(session) == []
    assert subscribe(client, "topics@example.org", ["world", "world"]).status_code == 422

    subscribe(client, "topics@example.org", ["world"])
    deliver(app, settings)
    client.get(confirm_path(mailbox.messages[0]))
    assert subscribe(client, "topics@example.org", ["world"]).status_code == 202
    assert len(outbox(session)) == 1  # already subscribed to exactly that: nothing to confirm

    assert subscribe(client, "topics@example.org", ["gaming", "world"]).status_code == 202
    deliver(app, settings)
    change = mailbox.messages[1]
    assert change["Subject"] == "Confirm the topics of your Broadsheet newsletter"
    assert stored(session, "topics@example.org").topics == ["world"]  # until confirmed
    assert client.get(confirm_path(change)).json() == {"status": "confirmed", "topics": ["gaming", "world"]}


def test_confirmation_mails_per_address_are_limited(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox
) -> None:
    answers = [subscribe(client, "flooded@example.org").content for _ in range(5)]
    assert len(set(answers)) == 1
    assert len(outbox(session)) == settings.newsletter_mails_per_address == 3
    assert len(session.exec(select(NewsletterConsent)).all()) == 3
    deliver(app, settings)
    # the newest link counts; opening it voids the older ones
    assert client.get(confirm_path(mailbox.messages[2])).status_code == 200
    assert client.get(confirm_path(mailbox.messages[0])).status_code == 410


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("  Ann.Lee+news@Example.COM\t", "ann.lee+news@example.com"),
        ("ANN@BÜCHER.example", "ann@xn--bcher-kva.example"),
        ("ann@example.com.", "ann@example.com"),
    ],
)
def test_addresses_are_normalized(client: TestClient, session: Session, given: str, kept: str) -> None:
    assert subscribe(client, given).status_code == 202
    assert stored(session, kept).status == "pending"
    assert subscribe(client, kept).status_code == 202
    assert len(session.exec(select(NewsletterSubscriber)).all()) == 1


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "plain",
        "@example.com",
        "ann@",
        "ann@localhost",
        "ann@@example.com",
        "a b@example.com",
        "ann@exa_mple.com",
        "ann@123.456",
        '"quoted"@example.com',
        "ann@-example.com",
        "é@example.com",
        "ann@" + "a" * 64 + ".com",
        "a" * 65 + "@example.com",
        "ann.@example.com",
    ],
)
def test_bad_addresses_are_422(client: TestClient, session: Session, bad: str) -> None:
    response = subscribe(client, bad)
    assert response.status_code == 422, bad
    assert response.json()["errors"][0]["location"] == ["body", "email"]
    assert session.exec(select(NewsletterSubscriber)).all() == []


def test_bad_bodies_are_422(client: TestClient) -> None:
    assert (
        client.post(
            "/v1/newsletter/subscriptions", json={"email": "a@example.com", "admin": True}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/v1/newsletter/subscriptions", json={"email": "a@example.com", "source": "Web Form"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/v1/newsletter/subscriptions", json={"email": "a@example.com", "topics": ["x"] * 21}
        ).status_code
        == 422
    )
    assert (
        client.post("/v1/newsletter/subscriptions", json={"email": "a\u0000@example.com"}).status_code == 422
    )
    assert (
        client.post(
            "/v1/newsletter/subscriptions", content=b"{", headers={"Content-Type": "application/json"}
        ).status_code
        == 422
    )


def test_the_serving_process_can_send_the_outbox_itself(database_url: str, mailbox: Mailbox) -> None:
    settings = newsletter_settings(database_url, mailbox.port, mail_worker=True, mail_poll_seconds=0.05)
    with TestClient(create_app(settings)) as client:
        assert subscribe(client, "quick@example.org").status_code == 202
        [message] = mailbox.wait_for(1)
        assert message["To"] == "quick@example.org"
        assert client.get(confirm_path(message)).status_code == 200


def test_requests_are_limited_per_address_of_the_client(database_url: str, mailbox: Mailbox) -> None:
    limited = newsletter_settings(database_url, mailbox.port).model_copy(
        update={"rate_limits": DEFAULT_RATE_LIMITS}
    )
    with TestClient(create_app(limited)) as client:
        answers = [subscribe(client, f"reader{n}@example.org").status_code for n in range(11)]
        assert answers == [202] * 10 + [429]
        assert subscribe(client, "reader@example.org").headers["ratelimit-policy"] == "10;w=60"


def test_export_writes_confirmed_subscribers_as_csv(
    client: TestClient, session: Session, app: FastAPI, settings: Settings, mailbox: Mailbox, tmp_path: Path
) -> None:
    make_category(session, slug="world", name="World")
    make_category(session, slug="gaming", name="Gaming")
    subscribe(client, "first@example.org", ["world", "gaming"], source="web")
    subscribe(client, "waiting@example.org")
    subscribe(client, "second@example.org")
    subscribe(client, "left@example.org")
    deliver(app, settings)
    by_address = {m["To"]: m for m in mailbox.messages}
    for email in ("first@example.org", "second@example.org", "left@example.org"):
        assert client.get(confirm_path(by_address[email])).status_code == 200
    client.post(unsubscribe_path(by_address["left@example.org"]), data=ONE_CLICK)

    output = tmp_path / "subscribers.csv"
    assert (
        manage_newsletter(settings, argparse.Namespace(newsletter_command="export", output=str(output))) == 0
    )
    lines = output.read_bytes().decode().split("\r\n")
    assert lines[0] == "email,topics,confirmed_at,source,consented_at"
    assert [[*line.split(",")[:2], line.split(",")[3]] for line in lines[1:-1]] == [
        ["first@example.org", "gaming world", "web"],
        ["second@example.org", "", "api"],
    ]
    assert lines[-1] == ""
    first = stored(session, "first@example.org")
    assert first.confirmed_at is not None
    assert lines[1].split(",")[2] == first.confirmed_at.isoformat(timespec="seconds").replace("+00:00", "Z")


def test_sending_needs_an_smtp_host(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    unset = Settings(database_url=database_url)
    assert manage_newsletter(unset, argparse.Namespace(newsletter_command="send", once=True)) == 2
    assert "BROADSHEET_SMTP_HOST" in capsys.readouterr().err
