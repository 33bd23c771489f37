"""Subscriptions with double opt-in: requests, confirmation, one-click unsubscribe, the subscriber export.

A subscription request always gets the same answer; what it does depends on the address, invisibly to
the requester. Link tokens are random and stored only as their SHA-256, so the database alone opens no
link."""

import csv
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.auth import service as auth_service
from app.config import Settings
from app.db import utcnow
from app.errors import AppError, NotFound, UnprocessableContent
from app.newsletter import mail
from app.newsletter.models import (
    NewsletterConsent,
    NewsletterMail,
    NewsletterSubscriber,
    NewsletterToken,
    SubscriberStatus,
    SubscriptionRequest,
    TokenPurpose,
)
from app.taxonomy.models import Category

ACCEPTED_DETAIL = (
    "If this address can receive mail, a message asking to confirm the subscription is on its way. "
    "Nothing is sent to it before the link in that message is opened."
)
EXPORT_COLUMNS = ("email", "topics", "confirmed_at", "source", "consented_at")


class LinkExpired(AppError):
    status, title, slug = 410, "Gone", "link-expired"


@dataclass(frozen=True)
class Links:
    """Where the links in a mail point: `confirm` holds `{token}`; `api` is this API's public address."""

    api: str
    confirm: str

    def confirm_url(self, token: str) -> str:
        return self.confirm.replace("{token}", token)

    def unsubscribe_url(self, token: str) -> str:
        return f"{self.api}/v1/newsletter/unsubscribe?token={token}"


def links(api_base: str, settings: Settings) -> Links:
    return Links(
        api_base, settings.newsletter_confirm_url or f"{api_base}/v1/newsletter/confirm?token={{token}}"
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ip_hash(secret: bytes, address: str) -> str:
    """The client address, keyed with the installation's secret: comparable, not reversible by guessing."""
    return hashlib.blake2b(
        address.encode(), key=secret[:64], digest_size=16, person=b"newsletter-ip"
    ).hexdigest()


def _topic_names(session: Session, topics: list[str]) -> list[str]:
    """The names of the topics' categories, in home-page order; unknown slugs are a 422."""
    if not topics:
        return []
    found = session.exec(
        select(Category.slug, Category.name)
        .where(col(Category.slug).in_(topics))
        .order_by(col(Category.position), col(Category.id))
    ).all()
    unknown = sorted(set(topics) - {slug for slug, _ in found})
    if unknown:
        raise UnprocessableContent(f"Unknown topic(s): {', '.join(unknown)}. Topics are category slugs.")
    return [name for _, name in found]


def _subscriber(session: Session, email: str) -> NewsletterSubscriber:
    """The address's subscriber, created as pending when new (a concurrent request may create it first)."""
    existing = session.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.email == email)).first()
    if existing is not None:
        return existing
    subscriber = NewsletterSubscriber(email=email)
    session.add(subscriber)
    try:
        session.flush()
    except IntegrityError:  # nothing else is pending yet: the whole transaction can go
        session.rollback()
        return session.exec(select(NewsletterSubscriber).where(NewsletterSubscriber.email == email)).one()
    return subscriber


def _issue(session: Session, subscriber_id: int, purpose: TokenPurpose, **fields: object) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        NewsletterToken.model_validate(
            {"subscriber_id": subscriber_id, "purpose": purpose, "token_hash": token_hash(token), **fields}
        )
    )
    return token


def subscribe(
    session: Session, request: SubscriptionRequest, *, client_address: str, to: Links, settings: Settings
) -> None:
    """Record the request and queue a confirmation mail, unless nothing would change (already confirmed
    for these topics) or the address had its share of confirmation mails in the last 24 hours."""
    names = _topic_names(session, request.topics)
    secret = auth_service.signing_secret(session)
    now = utcnow()
    subscriber = _subscriber(session, request.email)
    assert subscriber.id is not None
    if subscriber.status == SubscriberStatus.confirmed and subscriber.topics == request.topics:
        session.rollback()
        return
    recent = session.exec(
        select(func.count())
        .select_from(NewsletterToken)
        .where(
            NewsletterToken.subscriber_id == subscriber.id,
            NewsletterToken.purpose == TokenPurpose.confirm,
            col(NewsletterToken.created_at) > now - timedelta(hours=24),
        )
    ).one()
    if recent >= settings.newsletter_mails_per_address:  # (a new address has none yet)
        session.rollback()
        return
    consent = NewsletterConsent(
        subscriber_id=subscriber.id,
        at=now,
        source=request.source,
        topics=request.topics,
        ip_hash=ip_hash(secret, client_address),
    )
    session.add(consent)
    session.flush()
    hours = settings.newsletter_confirm_hours
    confirm = _issue(
        session,
        subscriber.id,
        TokenPurpose.confirm,
        consent_id=consent.id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    unsubscribe = _issue(session, subscriber.id, TokenPurpose.unsubscribe, created_at=now)
    composed = mail.confirmation_mail(
        publisher=settings.publisher_name,
        confirm_url=to.confirm_url(confirm),
        unsubscribe_url=to.unsubscribe_url(unsubscribe),
        topic_names=names,
        hours=hours,
        changing_topics=subscriber.status == SubscriberStatus.confirmed,
        mailto=settings.newsletter_unsubscribe_mailto,
    )
    session.add(
        NewsletterMail(
            subscriber_id=subscriber.id,
            kind="confirm",
            to_address=subscriber.email,
            subject=composed.subject,
            body_text=composed.text,
            body_html=composed.html,
            headers=composed.headers,
            next_attempt_at=now,
            created_at=now,
        )
    )
    session.commit()


def _token(session: Session, token: str, purpose: TokenPurpose) -> NewsletterToken:
    found = session.exec(
        select(NewsletterToken).where(
            NewsletterToken.token_hash == token_hash(token), NewsletterToken.purpose == purpose
        )
    ).first()
    if found is None:
        raise NotFound("This link is not known: copy the whole link from the mail.")
    return found


def confirm(session: Session, token: str) -> NewsletterSubscriber:
    """Open a confirmation link: once, before it expires. The request's topics become the subscriber's."""
    found = _token(session, token, TokenPurpose.confirm)
    now = utcnow()
    if found.expires_at is not None and found.expires_at <= now:
        raise LinkExpired("This confirmation link has expired; subscribe again to get a new one.")
    used = session.exec(
        update(NewsletterToken)
        .where(col(NewsletterToken.id) == found.id, col(NewsletterToken.used_at).is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:  # opened before, or by a concurrent request just now
        session.rollback()
        raise LinkExpired("This confirmation link was already used.")
    consent = session.get(NewsletterConsent, found.consent_id) if found.consent_id else None
    subscriber = session.get(NewsletterSubscriber, found.subscriber_id)
    assert subscriber is not None
    subscriber.status = SubscriberStatus.confirmed
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    if consent is not None:
        consent.confirmed_at = now
        subscriber.topics = list(consent.topics)
    _void_confirmations(session, subscriber.id, before=found.created_at, now=now)
    session.commit()
    return subscriber


def _void_confirmations(
    session: Session, subscriber_id: int | None, *, before: datetime, now: datetime
) -> None:
    """Older outstanding confirmation links of a subscriber stop working (the newest word counts)."""
    session.exec(
        update(NewsletterToken)
        .where(
            col(NewsletterToken.subscriber_id) == subscriber_id,
            col(NewsletterToken.purpose) == TokenPurpose.confirm,
            col(NewsletterToken.used_at).is_(None),
            col(NewsletterToken.created_at) <= before,
        )
        .values(used_at=now)
    )


def subscriber_for_unsubscribe(session: Session, token: str) -> NewsletterSubscriber:
    found = _token(session, token, TokenPurpose.unsubscribe)
    subscriber = session.get(NewsletterSubscriber, found.subscriber_id)
    assert subscriber is not None
    return subscriber


def unsubscribe(session: Session, token: str) -> NewsletterSubscriber:
    """One-click unsubscribe (RFC 8058): no further question; again is harmless. Pending confirmation
    links stop working, so an old mail cannot subscribe the address again."""
    subscriber = subscriber_for_unsubscribe(session, token)
    if subscriber.status != SubscriberStatus.unsubscribed:
        now = utcnow()
        subscriber.status = SubscriberStatus.unsubscribed
        subscriber.unsubscribed_at = now
        _void_confirmations(session, subscriber.id, before=now, now=now)
        session.commit()
    return subscriber


def confirmed_subscribers(
    session: Session, batch: int = 1000
) -> Iterator[tuple[NewsletterSubscriber, NewsletterConsent | None]]:
    """Confirmed subscribers by id, each with the consent record it confirmed last."""
    last_id = 0
    while True:
        rows = session.exec(
            select(NewsletterSubscriber)
            .where(
                col(NewsletterSubscriber.status) == SubscriberStatus.confirmed,
                col(NewsletterSubscriber.id) > last_id,
            )
            .order_by(col(NewsletterSubscriber.id))
            .limit(batch)
        ).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        consents: dict[int, NewsletterConsent] = {}
        for consent in session.exec(
            select(NewsletterConsent)
            .where(
                col(NewsletterConsent.subscriber_id).in_(ids),
                col(NewsletterConsent.confirmed_at).is_not(None),
            )
            .order_by(col(NewsletterConsent.confirmed_at), col(NewsletterConsent.id))
        ):
            consents[consent.subscriber_id] = consent  # the latest wins
        for row in rows:
            assert row.id is not None
            yield row, consents.get(row.id)
        last_id = rows[-1].id or last_id


def export_csv(session: Session, out: TextIO) -> int:
    """Write confirmed subscribers as CSV for an email service provider; the number of rows written.

    `topics` is space-separated category slugs (empty: every topic); times are RFC 3339 in UTC."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for subscriber, consent in confirmed_subscribers(session):
        writer.writerow(
            (
                subscriber.email,
                " ".join(subscriber.topics),
                _rfc3339(subscriber.confirmed_at),
                consent.source if consent else "",
                _rfc3339(consent.at) if consent else "",
            )
        )
        count += 1
    return count


def _rfc3339(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else ""
