"""Rate limits per API key and per client address, by route group, in fixed windows.

Counters live in this process's memory by default, or in Redis when `REDIS_URL` is set, so every process
and host shares one budget. When Redis cannot be reached, requests are served (fail open) and the outage is
logged; Redis is tried again after a short pause rather than on every request."""

import ipaddress
import json
import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, Field
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("broadsheet.rate_limit")
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")
KEY_PREFIX = "bs_"
REDIS_RETRY_AFTER_FAILURE = 5.0  # seconds without Redis after it failed: no added latency per request


class RouteGroupLimits(BaseModel):
    """Requests allowed per window for one group of routes (matched by path prefix, longest wins)."""

    prefixes: list[str]
    anonymous: int = Field(ge=1, description="Per client address, for requests without an API key.")
    keyed: int = Field(ge=1, description="Per API key.")
    window: int = Field(default=60, ge=1, le=86_400, description="Seconds.")


DEFAULT_RATE_LIMITS: dict[str, RouteGroupLimits] = {
    "public": RouteGroupLimits(prefixes=["/v1"], anonymous=1200, keyed=12_000),
    "search": RouteGroupLimits(prefixes=["/v1/search"], anonymous=120, keyed=3000),
    "events": RouteGroupLimits(prefixes=["/v1/events"], anonymous=600, keyed=60_000),
    "newsletter": RouteGroupLimits(prefixes=["/v1/newsletter"], anonymous=10, keyed=100),
    # links in mails: one-click unsubscribes come from the mail provider's few addresses
    "newsletter-links": RouteGroupLimits(
        prefixes=["/v1/newsletter/confirm", "/v1/newsletter/unsubscribe"], anonymous=600, keyed=600
    ),
    "sitemaps": RouteGroupLimits(prefixes=["/sitemap.xml", "/sitemaps"], anonymous=600, keyed=6000),
    "sync": RouteGroupLimits(prefixes=["/v1/sync"], anonymous=60, keyed=6000),
    "admin": RouteGroupLimits(prefixes=["/v1/admin"], anonymous=60, keyed=3000),
}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window ends
    window: int


class Counter(Protocol):
    async def hit(self, key: str, window: int) -> tuple[int, float] | None:
        """Count one request; (count in this window, seconds left), or None when counting failed."""


class MemoryCounter:
    """Counters of this process only: right for one process, per-process budgets for several."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    async def hit(self, key: str, window: int) -> tuple[int, float]:
        now = time.time()
        window_end = (math.floor(now / window) + 1) * window
        with self._lock:
            end, count = self._counts.get(key, (window_end, 0))
            if end <= now:
                end, count = window_end, 0
            self._counts[key] = (end, count + 1)
            if now >= self._next_sweep:
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
                self._next_sweep = now + 60
        return count + 1, end - now


class RedisCounter:
    """Counters in Redis: INCR with an expiry on the window's own key, one round trip."""

    def __init__(self, url: str, namespace: str) -> None:
        # imported here: a process without Redis does not carry the client (about 6 MB of RSS)
        from redis import asyncio as aioredis
        from redis.exceptions import RedisError

        self.redis = aioredis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self.failures: tuple[type[BaseException], ...] = (RedisError, OSError, RuntimeError)
        self.namespace = namespace
        self._down_until = 0.0

    async def hit(self, key: str, window: int) -> tuple[int, float] | None:
        now = time.time()
        if now < self._down_until:
            return None
        window_start = math.floor(now / window) * window
        redis_key = f"{self.namespace}:rl:{key}:{window_start}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(redis_key)
                pipe.expire(redis_key, window + 1)
                count, _ = await pipe.execute()
        except self.failures as exc:  # never let the limiter fail a request
            self._down_until = now + REDIS_RETRY_AFTER_FAILURE
            log.warning(
                "rate limits not enforced for %.0f s: Redis unreachable (%s)", REDIS_RETRY_AFTER_FAILURE, exc
            )
            return None
        return int(count), window_start + window - now

    async def close(self) -> None:
        await self.redis.aclose()


def client_address(scope: Scope, trusted: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> str:
    """The peer's address; behind trusted proxies, the right-most untrusted `X-Forwarded-For` entry."""
    peer = scope.get("client")
    address = peer[0] if peer else "unknown"
    if not trusted or not _is_trusted(address, trusted):
        return address
    forwarded = Headers(scope=scope).getlist("x-forwarded-for")
    hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
        address = hop
    return address


def _is_trusted(address: str, trusted: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _api_key_prefix(scope: Scope) -> str | None:
    """The public part of a presented key (`bs_<prefix>_...`): the key is counted before it is checked."""
    raw = next((value for name, value in scope["headers"] if name == b"authorization"), None)
    if raw is None:
        return None
    scheme, _, token = raw.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.startswith(KEY_PREFIX):
        return None
    prefix = token.strip()[len(KEY_PREFIX) :].partition("_")[0]
    return prefix[:32] if prefix.isalnum() else None


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        groups: dict[str, RouteGroupLimits],
        counter: Counter,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.counter = counter
        self.prefixes = sorted(
            ((prefix, name, limits) for name, limits in groups.items() for prefix in limits.prefixes),
            key=lambda entry: len(entry[0]),
            reverse=True,
        )
        self.trusted = [ipaddress.ip_network(cidr, strict=False) for cidr in trusted_proxies]

    def _group(self, path: str) -> tuple[str, RouteGroupLimits] | None:
        for prefix, name, limits in self.prefixes:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return name, limits
        return None

    async def check(self, scope: Scope) -> Verdict | None:
        matched = self._group(scope["path"])
        if matched is None:
            return None
        name, limits = matched
        key_prefix = _api_key_prefix(scope)
        if key_prefix is not None:
            identity, limit = f"key:{key_prefix}", limits.keyed
        else:
            identity, limit = f"ip:{client_address(scope, self.trusted)}", limits.anonymous
        counted = await self.counter.hit(f"{name}:{identity}", limits.window)
        if counted is None:  # fail open
            return None
        count, seconds_left = counted
        return Verdict(
            allowed=count <= limit,
            limit=limit,
            remaining=max(0, limit - count),
            reset=max(1, math.ceil(seconds_left)),
            window=limits.window,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        verdict = await self.check(scope)
        if verdict is None:
            await self.app(scope, receive, send)
            return
        headers = [
            (b"ratelimit-limit", str(verdict.limit).encode()),
            (b"ratelimit-remaining", str(verdict.remaining).encode()),
            (b"ratelimit-reset", str(verdict.reset).encode()),
            (b"ratelimit-policy", f"{verdict.limit};w={verdict.window}".encode()),
        ]
        if not verdict.allowed:
            await _too_many_requests(scope, send, verdict, headers)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], *headers]}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _too_many_requests(
    scope: Scope, send: Send, verdict: Verdict, headers: list[tuple[bytes, bytes]]
) -> None:
    body = json.dumps(
        {
            "type": "/problems/too-many-requests",
            "title": "Too Many Requests",
            "status": 429,
            "detail": f"This client may make {verdict.limit} requests in {verdict.window} s here; "
            f"try again in {verdict.reset} s.",
            "instance": scope["path"],
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"retry-after", str(verdict.reset).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
