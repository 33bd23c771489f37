"""Validators and freshness for GET responses: strong ETags, `If-None-Match` -> 304, `Cache-Control`.

One ASGI middleware owns these rules so that no route can forget them."""

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PreconditionFailed, PreconditionRequired

CACHEABLE_TYPES = ("application/json", "text/csv")


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 prescribes for `If-None-Match`."""
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == bare for candidate in if_none_match.split(","))


def version_etag(kind: str, resource_id: int, version: int) -> str:
    """The strong ETag of a stored resource's version, as management reads and writes use it."""
    return f'"{kind}-{resource_id}-v{version}"'


def require_if_match(request: Request, current: str) -> None:
    """Writes must name the version they change: 428 without `If-Match`, 412 when it is not current."""
    if_match = request.headers.get("if-match")
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you last read, so a newer change is never overwritten."
        )
    candidates = [c.strip() for c in if_match.split(",")]
    if "*" not in candidates and current not in candidates:  # strong comparison (RFC 9110, 13.1.1)
        raise PreconditionFailed(f"The resource has changed since that ETag; its current ETag is {current}.")


class HTTPCacheMiddleware:
    def __init__(self, app: ASGIApp, *, max_age: int, s_maxage: int, stale_while_revalidate: int) -> None:
        self.app = app
        self.cache_control = (
            f"public, max-age={max_age}, s-maxage={s_maxage}, stale-while-revalidate={stale_while_revalidate}"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:  # answered as the GET would be, without the body (RFC 9110, section 9.3.2)
            scope = {**scope, "method": "GET"}
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                cacheable = message["status"] == 200 and headers.get("content-type", "").startswith(
                    CACHEABLE_TYPES
                )
                if not cacheable:
                    await send(message)
                    return
                start = message
                return
            if start is None:
                if head:
                    message = {**message, "body": b""}
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(raw=start["headers"])
            etag = headers.get("etag") or strong_etag(body)  # a route may name its own version
            headers["ETag"] = etag
            headers.setdefault("Cache-Control", self.cache_control)
            headers.add_vary_header("Accept")
            if if_none_match is not None and etag_matches(if_none_match, etag):
                kept = {k: headers[k] for k in ("etag", "cache-control", "vary", "link") if k in headers}
                await send(
                    {
                        "type": "http.response.start",
                        "status": 304,
                        "headers": [(k.encode(), v.encode()) for k, v in kept.items()],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": b"" if head else body})

        await self.app(scope, receive, buffered)
