"""Caching rules for every GET: strong ETags, `If-None-Match` -> 304, `Cache-Control` per resource kind,
`Surrogate-Key` naming every entity in the body, and gzip/brotli with an ETag per encoding.

One ASGI middleware owns these rules so that no route can forget them. A route only declares what it
returns: its kind and list keys (`cache_as`), and, through the services that build its body, the entities
in it (`add_surrogate_keys`)."""

import functools
import hashlib
import inspect
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar, get_args

import brotli
from fastapi import APIRouter
from isal import isal_zlib
from pydantic import BaseModel, Field
from sqlalchemy import Connection
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import bind_for_reads, close_sessions
from app.errors import PreconditionFailed, PreconditionRequired

CACHEABLE_TYPES = (
    "application/json",
    "text/csv",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
)
COMPRESSIBLE_TYPES = (
    "application/json",
    "application/problem+json",
    "text/",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/ld+json",
)
NO_STORE = "private, no-store"
SURROGATE_HEADER_LIMIT = 16_000  # Fastly refuses Surrogate-Key headers over 16 KB
SURROGATE_KEY_LIMIT = 1_000  # and single keys over 1 KB
ENCODING_SUFFIXES = {"br": "-br", "gzip": "-gz"}
# headers a 304 repeats from the 200 it stands for (RFC 9110, 15.4.5)
REVALIDATION_HEADERS = (
    "etag",
    "cache-control",
    "vary",
    "link",
    "surrogate-key",
    "content-location",
    "expires",
)

# Keys naming whole collections: a change that can add an entity to a list purges its collection key.
ARTICLES_LIST = "articles:list"
TABLES_LIST = "tables:list"
TIMELINES_LIST = "timelines:list"
CATEGORIES_LIST = "categories:list"
TAGS_LIST = "tags:list"
AUTHORS_LIST = "authors:list"
HOME = "home"
TRENDING = "trending"
ANY_SUFFIX = ":any"


class CacheKind(StrEnum):
    """What a public response is, which decides how long browsers and CDNs may keep it."""

    article = "article"  # one article, table or timeline
    list = "list"  # lists of articles, tables, timelines, events
    section = "section"  # the home page and category sections
    trending = "trending"  # trending and curated lists, related articles
    search = "search"
    feed = "feed"  # RSS, Atom, JSON Feed, sitemaps
    taxonomy = "taxonomy"  # categories, tags, authors
    meta = "meta"  # service information, documentation


class CachePolicy(BaseModel):
    """Seconds for `max-age` (browsers), `s-maxage` (CDNs) and the two stale extensions (RFC 5861)."""

    max_age: int = Field(ge=0)
    s_maxage: int = Field(ge=0)
    stale_while_revalidate: int = Field(ge=0)
    stale_if_error: int = Field(ge=0)

    def header(self) -> str:
        return (
            f"public, max-age={self.max_age}, s-maxage={self.s_maxage}, "
            f"stale-while-revalidate={self.stale_while_revalidate}, stale-if-error={self.stale_if_error}"
        )


DAY = 86_400
DEFAULT_POLICIES: dict[CacheKind, CachePolicy] = {
    # Purges keep CDN copies fresh, so shared caches may keep what a write would purge for long.
    CacheKind.article: CachePolicy(max_age=60, s_maxage=3600, stale_while_revalidate=60, stale_if_error=DAY),
    CacheKind.list: CachePolicy(max_age=30, s_maxage=300, stale_while_revalidate=30, stale_if_error=DAY),
    CacheKind.section: CachePolicy(max_age=30, s_maxage=300, stale_while_revalidate=30, stale_if_error=DAY),
    CacheKind.trending: CachePolicy(max_age=30, s_maxage=60, stale_while_revalidate=30, stale_if_error=3600),
    CacheKind.search: CachePolicy(max_age=30, s_maxage=120, stale_while_revalidate=30, stale_if_error=3600),
    CacheKind.feed: CachePolicy(max_age=300, s_maxage=900, stale_while_revalidate=300, stale_if_error=DAY),
    CacheKind.taxonomy: CachePolicy(
        max_age=300, s_maxage=3600, stale_while_revalidate=300, stale_if_error=DAY
    ),
    CacheKind.meta: CachePolicy(max_age=300, s_maxage=3600, stale_while_revalidate=300, stale_if_error=DAY),
}


@dataclass
class ResponseDescription:
    """What the route handling this request said about its response."""

    kind: CacheKind | None = None
    keys: set[str] = field(default_factory=set)


_described: ContextVar[ResponseDescription | None] = ContextVar("described_response", default=None)


def entity_key(kind: str, entity_id: int | None) -> str:
    """The surrogate key of one stored entity, e.g. `article:12`."""
    return f"{kind}:{entity_id}"


def add_surrogate_keys(*keys: str) -> None:
    """Name entities placed in the body of the response being built (a no-op outside a request)."""
    described = _described.get()
    if described is not None:
        described.keys.update(keys)


def describe(kind: CacheKind, *keys: str) -> None:
    described = _described.get()
    if described is not None:
        described.kind = kind
        described.keys.update(keys)


_CACHE_AS = "_broadsheet_cache_as"
F = TypeVar("F", bound=Callable[..., Any])


def cache_as(kind: CacheKind, *keys: str) -> Callable[[F], F]:
    """Marks a public route's endpoint with its response's kind and the list keys it always carries;
    `PublicRouter` declares them as the endpoint is called.

    Not a FastAPI dependency: resolving one, even one that does nothing, costs a request about 8 us."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _CACHE_AS, (kind, keys))
        return endpoint

    return mark


_entity_kinds: dict[type, str] = {}


def surrogate_entity(kind: str, *models: type[BaseModel]) -> None:
    """Declare that instances of these output models in a response body are the entity `kind:<id>`."""
    for model in models:
        _entity_kinds[model] = kind


def _may_hold_models(annotation: Any) -> bool:
    if isinstance(annotation, TypeVar):
        return True  # a generic model's parameter (an unparametrized `Page`'s items) may be a model
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_may_hold_models(argument) for argument in get_args(annotation))


@functools.cache
def _entity_plan(model: type[BaseModel]) -> tuple[str | None, tuple[str, ...]]:
    """The entity kind of `model`'s instances, and those of its fields whose declared type can hold models
    (a `dict[str, Any]` of JSON, a list of strings: nothing to look into)."""
    kind = next((_entity_kinds[base] for base in model.__mro__ if base in _entity_kinds), None)
    nested = tuple(name for name, info in model.model_fields.items() if _may_hold_models(info.annotation))
    return kind, nested


def entity_keys(value: Any) -> set[str]:
    """The surrogate keys of every declared entity inside a route's return value, however deeply nested."""
    keys: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            kind, nested = _entity_plan(type(item))
            if kind is not None:
                entity_id = getattr(item, "id", None)
                if entity_id is not None:
                    keys.add(entity_key(kind, entity_id))
            for name in nested:
                inner = getattr(item, name)
                if inner is not None:
                    stack.append(inner)
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return keys


def _naming_entities(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint, declaring its response's kind (`cache_as`) and adding the surrogate keys of whatever it
    returns to the response being built."""
    kind, keys = getattr(endpoint, _CACHE_AS, (None, ()))

    def declare() -> None:
        if kind is not None:
            describe(kind, *keys)

    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def named_async(*args: Any, **kwargs: Any) -> Any:
            declare()
            result = await endpoint(*args, **kwargs)
            add_surrogate_keys(*entity_keys(result))
            return result

        return named_async

    bounded: Callable[[dict[str, Any]], bool] | None = getattr(endpoint, _BOUNDED, None)

    def named(*args: Any, **kwargs: Any) -> Any:
        readers: list[Connection] = []
        try:
            for value in kwargs.values():  # a bounded read only reads: on bare connections of its own
                if bounded is not None and isinstance(value, Session):
                    readers.append(bind_for_reads(value))
            result = endpoint(*args, **kwargs)
            add_surrogate_keys(*entity_keys(result))
            return result
        finally:
            close_sessions(kwargs.values())
            for reader in readers:
                reader.close()

    # a sync endpoint runs in one worker thread with everything it needs there, its session's closing
    # included; as a coroutine to FastAPI, its answer is then validated in the event loop, not in one more
    @functools.wraps(endpoint)
    async def named_in_thread(*args: Any, **kwargs: Any) -> Any:
        declare()
        return await run_in_threadpool(named, *args, **kwargs)

    if bounded is None:
        return named_in_thread

    @functools.wraps(endpoint)
    async def named_in_loop_on_sqlite(*args: Any, **kwargs: Any) -> Any:
        declare()
        if bounded(kwargs) and any(isinstance(v, Session) and _on_sqlite(v) for v in kwargs.values()):
            return named(*args, **kwargs)
        return await run_in_threadpool(named, *args, **kwargs)

    return named_in_loop_on_sqlite


_BOUNDED = "_broadsheet_bounded_read"


def bounded_read(when: Callable[[dict[str, Any]], bool] = lambda arguments: True) -> Callable[[F], F]:
    """Marks a public read whose cost does not grow with the data (a lookup by key, a keyset page of at
    most `MAX_LIMIT` rows read in index order), for the arguments `when` accepts: on SQLite it runs in the
    event loop, not in a worker thread. It only reads: its sessions read on connections of their own,
    without a session transaction (`app.db.bind_for_reads`), and a write through them fails.

    SQLite's reads are this process's own CPU work on pages in memory: a worker thread adds only the hop
    there and back and, under load, hand-offs of the GIL among the threads (about a fifth of an uncached
    list page's or article's CPU, `bench.cold`). A read whose cost grows with the data (search, trending,
    aggregates, a filter that may look through many rows for few matches) keeps its thread: SQLite releases
    the GIL while a statement runs, so the event loop goes on serving cache hits meanwhile. PostgreSQL's
    reads wait on the network and keep their threads too."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _BOUNDED, when)
        return endpoint

    return mark


def _on_sqlite(session: Session) -> bool:
    bind = session.bind
    return bind is not None and bind.dialect.name == "sqlite"


class PublicRouter(APIRouter):
    """The router of public reads: every route's return value names its entities in `Surrogate-Key`."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().add_api_route(path, _naming_entities(endpoint), **kwargs)


def surrogate_key_header(keys: Iterable[str], limit: int = SURROGATE_HEADER_LIMIT) -> str:
    """Space-separated keys under the CDN's limit; when too many, whole kinds collapse to `kind:any`.

    Every purge of an entity also purges its kind's `:any` key, so a collapsed response is still purged."""
    kept = sorted({k for k in keys if k and len(k) <= SURROGATE_KEY_LIMIT and " " not in k})
    header = " ".join(kept)
    while len(header) > limit:
        by_kind: dict[str, list[str]] = {}
        for key in kept:
            kind, _, rest = key.rpartition(":")
            if kind and rest.isdigit():
                by_kind.setdefault(kind, []).append(key)
        if not by_kind:
            break
        widest = max(by_kind, key=lambda kind: sum(len(k) + 1 for k in by_kind[kind]))
        kept = sorted((set(kept) - set(by_kind[widest])) | {widest + ANY_SUFFIX})
        header = " ".join(kept)
    return header


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def encoded_etag(etag: str, encoding: str | None) -> str:
    """The ETag of one content-coding of a representation: strong, and distinct per encoding."""
    if encoding is None or not etag.endswith('"'):
        return etag
    return etag[:-1] + ENCODING_SUFFIXES[encoding] + '"'


def identity_etag(etag: str) -> str:
    for suffix in ENCODING_SUFFIXES.values():
        if etag.endswith(suffix + '"'):
            return etag[: -len(suffix) - 1] + '"'
    return etag


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
    """Writes must name the version they change: 428 without `If-Match`, 412 when it is not current.

    The ETag of any content-coding of the current version names it too (a client read it compressed)."""
    if_match = request.headers.get("if-match")
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you last read, so a newer change is never overwritten."
        )
    candidates = [identity_etag(c.strip()) for c in if_match.split(",")]
    if "*" not in candidates and current not in candidates:  # strong comparison (RFC 9110, 13.1.1)
        raise PreconditionFailed(f"The resource has changed since that ETag; its current ETag is {current}.")


def _accepted_encodings(accept_encoding: str) -> dict[str, float]:
    accepted: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if name:
            accepted[name.strip().lower()] = quality
    return accepted


@functools.lru_cache(maxsize=512)
def choose_encoding(accept_encoding: str | None) -> str | None:
    """brotli, then gzip, when the client accepts them (RFC 9110, 12.5.3); None for identity."""
    if not accept_encoding:
        return None
    accepted = _accepted_encodings(accept_encoding)
    wildcard = accepted.get("*", 0.0)
    for encoding in ("br", "gzip"):
        if accepted.get(encoding, wildcard) > 0:
            return encoding
    return None


# Every cache miss pays for its compression. Brotli 4 costs two thirds of brotli 5's time for 4% more bytes.
# gzip is ISA-L's (the `isal` package): its level 1 makes as few bytes as zlib's level 3 (within 1% on a
# 4.5 KB article and a 12 KB list page, 19% fewer on 63 KB) in a third to a half of the time; no name, no
# time in the header, so a body always compresses to the same bytes.
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda body: brotli.compress(body, quality=4),
    "gzip": lambda body: isal_zlib.compress(body, 1, wbits=31),
}


class HTTPCacheMiddleware:
    def __init__(
        self, app: ASGIApp, *, policies: dict[CacheKind, CachePolicy], minimum_compress_size: int = 1024
    ) -> None:
        self.app = app
        self.cache_control = {kind: policy.header() for kind, policy in policies.items()}
        self.minimum_compress_size = minimum_compress_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        described = ResponseDescription()
        token = _described.set(described)
        try:
            await self._respond(scope, receive, send, described)
        finally:
            _described.reset(token)

    async def _respond(
        self, scope: Scope, receive: Receive, send: Send, described: ResponseDescription
    ) -> None:
        head = scope["method"] == "HEAD"
        if head:  # answered as the GET would be, without the body (RFC 9110, section 9.3.2)
            scope = {**scope, "method": "GET"}
        request_headers = Headers(scope=scope)
        conditional = scope["method"] == "GET"
        if_none_match = request_headers.get("if-none-match") if conditional else None
        encoding = choose_encoding(request_headers.get("accept-encoding"))

        async def finish(start: Message, body: bytes) -> None:
            headers = MutableHeaders(raw=start["headers"])
            content_type = headers.get("content-type", "")
            status = start["status"]
            if "content-encoding" in headers:  # already encoded (static files do not, but be safe)
                await send(start)
                await send({"type": "http.response.body", "body": b"" if head else body})
                return
            compressible = content_type.startswith(COMPRESSIBLE_TYPES)
            if compressible:
                headers.add_vary_header("Accept-Encoding")
            if (
                status in (301, 308)
                and headers.get("cache-control", "").startswith("public")
                and described.keys
            ):
                headers["Surrogate-Key"] = surrogate_key_header(described.keys)
            cacheable = conditional and status == 200 and content_type.startswith(CACHEABLE_TYPES)
            if cacheable:
                self._describe_caching(headers, described)
                headers.add_vary_header("Accept")
            chosen = encoding if compressible and len(body) >= self.minimum_compress_size else None
            if cacheable:
                etag = encoded_etag(headers.get("etag") or strong_etag(body), chosen)
                headers["ETag"] = etag
                if if_none_match is not None and etag_matches(if_none_match, etag):
                    kept = [(k, v) for k, v in headers.items() if k in REVALIDATION_HEADERS]
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 304,
                            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kept],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
            elif chosen is not None and "etag" in headers:
                headers["ETag"] = encoded_etag(headers["etag"], chosen)
            if chosen is not None:
                body = COMPRESSORS[chosen](body)
                headers["Content-Encoding"] = chosen
                headers["Content-Length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": b"" if head else body})

        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if start is None:  # pragma: no cover - ASGI servers always start first
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await finish(start, b"".join(chunks))

        await self.app(scope, receive, buffered)

    def _describe_caching(self, headers: MutableHeaders, described: ResponseDescription) -> None:
        if "cache-control" in headers:  # the route decided (private, preview, redirect ...)
            if headers["cache-control"].startswith("public") and described.keys:
                headers["Surrogate-Key"] = surrogate_key_header(described.keys)
            return
        kind = described.kind or CacheKind.meta
        headers["Cache-Control"] = self.cache_control[kind]
        keys = described.keys or {kind.value}
        headers["Surrogate-Key"] = surrogate_key_header(keys)
