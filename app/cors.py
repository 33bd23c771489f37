"""CORS for browser apps on other origins: answers any origin may read, or only the configured ones.

With `*` (the default) every answer carries `Access-Control-Allow-Origin: *` whatever the request's
`Origin`, so an answer is the same for every client and a CDN keeps one copy of it: no `Vary: Origin`.
With a list of origins, an allowed `Origin` is echoed back and every answer varies on `Origin`.
A preflight that asks for an origin, method or header not allowed is a 400 problem."""

import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]


class CORSPolicy:
    def __init__(
        self,
        origins: Iterable[str],
        *,
        methods: Iterable[str],
        headers: Iterable[str],
        expose: Iterable[str],
        max_age: int,
    ) -> None:
        origins = list(origins)
        self.any_origin = "*" in origins
        self.origins = frozenset(origin.encode("latin-1") for origin in origins if origin != "*")
        self.methods = frozenset(methods)
        self.headers = frozenset(header.lower() for header in headers)
        self.expose = (b"access-control-expose-headers", ", ".join(expose).encode("latin-1"))
        self.preflight = [
            (b"access-control-allow-methods", ", ".join(sorted(self.methods)).encode("latin-1")),
            (b"access-control-allow-headers", ", ".join(headers).encode("latin-1")),
            (b"access-control-max-age", str(max_age).encode("latin-1")),
        ]

    @property
    def varies_on_origin(self) -> bool:
        return not self.any_origin

    def allowed(self, origin: bytes) -> bool:
        return self.any_origin or origin in self.origins

    def simple_headers(self, origin: bytes | None) -> Headers:
        """What an actual (not preflight) answer adds for a request from `origin`."""
        if self.any_origin:
            return [(b"access-control-allow-origin", b"*"), self.expose]
        if origin is not None and origin in self.origins:
            return [(b"access-control-allow-origin", origin), self.expose]
        return []

    def add_to(self, headers: Headers, origin: bytes | None) -> Headers:
        added = self.simple_headers(origin)
        if not self.any_origin:
            headers = _add_vary_origin(headers)
        return [*headers, *added] if added else headers

    def preflight_failures(self, origin: bytes, method: str, requested: str | None) -> list[str]:
        failures = []
        if not self.allowed(origin):
            failures.append("origin")
        if method not in self.methods:
            failures.append("method")
        asked = [name.strip().lower() for name in (requested or "").split(",") if name.strip()]
        if any(name not in self.headers for name in asked):
            failures.append("headers")
        return failures


def _add_vary_origin(headers: Headers) -> Headers:
    for n, (name, value) in enumerate(headers):
        if name == b"vary":
            if b"origin" in value.lower():
                return headers
            return [*headers[:n], (b"vary", value + b", Origin"), *headers[n + 1 :]]
    return [*headers, (b"vary", b"Origin")]


class CORSMiddleware:
    def __init__(self, app: ASGIApp, *, policy: CORSPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = requested_method = requested_headers = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                requested_method = value.decode("latin-1")
            elif name == b"access-control-request-headers":
                requested_headers = value.decode("latin-1")
        if scope["method"] == "OPTIONS" and origin is not None and requested_method is not None:
            await self._preflight(scope, send, origin, requested_method, requested_headers)
            return
        policy = self.policy

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": policy.add_to(list(message["headers"]), origin)}
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _preflight(
        self, scope: Scope, send: Send, origin: bytes, method: str, requested: str | None
    ) -> None:
        policy = self.policy
        failures = policy.preflight_failures(origin, method, requested)
        vary = [] if policy.any_origin else [(b"vary", b"Origin")]
        if not failures:
            allow_origin = b"*" if policy.any_origin else origin
            headers = [(b"access-control-allow-origin", allow_origin), *policy.preflight, *vary]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = json.dumps(
            {
                "type": "/problems/bad-request",
                "title": "Bad Request",
                "status": 400,
                "detail": "This cross-origin request is not allowed: its "
                + " and ".join(failures)
                + (" are" if len(failures) > 1 else " is")
                + " not among those this API accepts.",
                "instance": scope["path"],
            }
        ).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            *vary,
        ]
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": body})
