"""Webhook subscriptions, their delivery log, the SSRF guard on target URLs, signing and sending.

Events reach the outbox with the change that caused them (`sync.record_changes`); the worker claims due
deliveries, sends them here, and records each outcome (`worker.py`)."""

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from sqlmodel import Session, col, select

from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.config import Settings
from app.db import utcnow
from app.errors import NotFound, UnprocessableContent
from app.pagination import Order, keyset_page
from app.syndication.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookDeliveryAdmin,
    WebhookEvent,
    WebhookSubscription,
    WebhookSubscriptionCreate,
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SIGNATURE_HEADER = "Broadsheet-Signature"
USER_AGENT = "Broadsheet-Webhooks/1"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SUBSCRIPTION_ORDER: Order = [(col(WebhookSubscription.id), False)]
_DELIVERY_ORDER: Order = [(col(WebhookDelivery.id), True)]


# --- the SSRF guard --------------------------------------------------------------------------------------


class RefusedTarget(Exception):
    """A webhook URL that may not be called: bad scheme, unresolvable, or resolving to a private address."""


@dataclass(frozen=True)
class Target:
    """A vetted URL and the address it resolved to: the connection goes there and nowhere else."""

    parts: SplitResult
    host: str
    port: int
    address: str

    @property
    def path(self) -> str:
        return (self.parts.path or "/") + (f"?{self.parts.query}" if self.parts.query else "")


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, 6to4, NAT64), whose rules then apply."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def allowed_networks(settings: Settings) -> list[Network]:
    """The configured networks webhooks may reach although they are not public."""
    return [ipaddress.ip_network(str(network)) for network in settings.webhook_allowed_networks]


def refusal(ip: IPAddress, allowed: Sequence[Network]) -> str | None:
    """Why a webhook may not be sent to `ip` (None: it may)."""
    embedded = _embedded_ipv4(ip)
    if any(c.version == net.version and c in net for c in (ip, embedded) if c for net in allowed):
        return None
    for candidate in [embedded] if embedded else [ip]:
        for reason, flag in (
            ("unspecified", candidate.is_unspecified),
            ("loopback", candidate.is_loopback),
            ("link-local", candidate.is_link_local),
            ("multicast", candidate.is_multicast),
            ("private", candidate.is_private),
            ("reserved", candidate.is_reserved),
            ("non-public", not candidate.is_global),
        ):
            if flag:
                return reason
    return None


def resolve_target(url: str, allowed: Sequence[Network]) -> Target:
    """Check a webhook URL and resolve it now; every address it resolves to must be public (or allowed)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedTarget(f"{url!r} is not a valid URL.") from exc
    if parts.scheme not in ("http", "https"):
        raise RefusedTarget("Only http and https URLs can receive webhooks.")
    if not parts.hostname:
        raise RefusedTarget("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise RefusedTarget("The URL may not carry credentials; verify the signature instead.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise RefusedTarget(f"The host {parts.hostname!r} does not resolve.") from exc
    addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in found))
    if not addresses:
        raise RefusedTarget(f"The host {parts.hostname!r} does not resolve.")
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address), allowed)
        if reason is not None:
            raise RefusedTarget(
                f"The host {parts.hostname!r} resolves to {address}, a {reason} address: webhooks are only "
                "sent to public addresses (see BROADSHEET_WEBHOOK_ALLOWED_NETWORKS)."
            )
    return Target(parts=parts, host=parts.hostname, port=port, address=addresses[0])


# --- signing and sending ---------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's secret>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the guard vetted, never to a fresh lookup of the name (DNS rebinding)."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)  # certificate checked for the name


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """POST `body`; the status and the start of the answer. Redirects are not followed."""
    connection = (
        _PinnedHTTPSConnection(target, timeout)
        if target.parts.scheme == "https"
        else _PinnedHTTPConnection(target, timeout)
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(200).decode("utf-8", "replace")
    finally:
        connection.close()


# --- subscriptions ---------------------------------------------------------------------------------------


def _check_url(url: str, allowed: Sequence[Network]) -> None:
    try:
        resolve_target(url, allowed)
    except RefusedTarget as exc:
        raise UnprocessableContent(str(exc)) from exc


def list_subscriptions(
    session: Session, cursor: str | None, limit: int
) -> tuple[list[WebhookSubscription], str | None]:
    return keyset_page(
        session,
        select(WebhookSubscription),
        order=_SUBSCRIPTION_ORDER,
        kind="webhooks",
        cursor=cursor,
        limit=limit,
        key=lambda s: (s.id,),
    )


def get_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFound(f"No webhook subscription has the id {subscription_id}.")
    return subscription


def create_subscription(
    session: Session, key: ApiKey, data: WebhookSubscriptionCreate, allowed: Sequence[Network]
) -> WebhookSubscription:
    """A new subscription; its URL must resolve to public addresses now (and at every delivery)."""
    _check_url(data.url, allowed)
    subscription = WebhookSubscription.model_validate(
        data.model_dump(exclude={"secret"}),
        update={"secret": data.secret or f"whsec_{secrets.token_urlsafe(32)}"},
    )
    session.add(subscription)
    session.flush()
    auth_service.record(
        session,
        key,
        "webhook.create",
        "webhook",
        subscription.id,
        {"url": subscription.url, "event_types": subscription.event_types},
    )
    session.commit()
    session.refresh(subscription)
    return subscription


def update_subscription(
    session: Session,
    key: ApiKey,
    subscription: WebhookSubscription,
    changes: dict[str, Any],
    allowed: Sequence[Network],
) -> WebhookSubscription:
    """Change the fields given; a new URL is checked like a new subscription's."""
    for name in ("url", "event_types", "active"):
        if name in changes and changes[name] is None:
            raise UnprocessableContent(f"`{name}` may be left out but not set to null.")
    if "url" in changes:
        _check_url(changes["url"], allowed)
    if changes.get("secret") is None:
        changes.pop("secret", None)
    if "event_types" in changes:
        changes["event_types"] = [EventType(t).value for t in changes["event_types"]]
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.updated_at = utcnow()
    session.add(subscription)
    session.flush()
    auth_service.record(
        session,
        key,
        "webhook.update",
        "webhook",
        subscription.id,
        {"changed": sorted(changes)},
    )
    session.commit()
    session.refresh(subscription)
    return subscription


def delete_subscription(session: Session, key: ApiKey, subscription: WebhookSubscription) -> None:
    """Remove a subscription with its delivery log."""
    auth_service.record(session, key, "webhook.delete", "webhook", subscription.id, {"url": subscription.url})
    session.delete(subscription)
    session.commit()


# --- the delivery log ------------------------------------------------------------------------------------


def delivery_views(session: Session, deliveries: Sequence[WebhookDelivery]) -> list[WebhookDeliveryAdmin]:
    events = {
        e.id: e
        for e in session.exec(
            select(WebhookEvent).where(col(WebhookEvent.id).in_({d.event_id for d in deliveries}))
        )
    }
    return [
        WebhookDeliveryAdmin.model_validate(
            {
                **d.model_dump(),
                "event_type": events[d.event_id].type,
                "article_id": events[d.event_id].article_id,
            }
        )
        for d in deliveries
    ]


def list_deliveries(
    session: Session,
    subscription_id: int,
    status: DeliveryStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[WebhookDelivery], str | None]:
    """A subscription's deliveries, newest first."""
    statement = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status)
    return keyset_page(
        session,
        statement,
        order=_DELIVERY_ORDER,
        kind=f"deliveries:{status or 'all'}",
        cursor=cursor,
        limit=limit,
        key=lambda d: (d.id,),
    )


def get_delivery(session: Session, subscription_id: int, delivery_id: int) -> WebhookDelivery:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription_id:
        raise NotFound(f"Webhook subscription {subscription_id} has no delivery {delivery_id}.")
    return delivery


def redeliver(
    session: Session, key: ApiKey, subscription: WebhookSubscription, delivery: WebhookDelivery
) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery of the same event (same event id)."""
    now = utcnow()
    again = WebhookDelivery(
        event_id=delivery.event_id,
        subscription_id=delivery.subscription_id,
        status=DeliveryStatus.pending,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(again)
    session.flush()
    auth_service.record(
        session,
        key,
        "webhook.redeliver",
        "webhook",
        subscription.id,
        {"delivery": delivery.id, "redelivery": again.id, "event": delivery.event_id},
    )
    session.commit()
    session.refresh(again)
    return again
