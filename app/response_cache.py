"""Public answers kept as finished bytes in each process, served before the framework sees the request.

An entry is the exact answer the application produced (status 200, `Cache-Control: public`), stored per
URL, `Accept` and content-coding (and `Origin`, when CORS names its origins), and indexed by its
`Surrogate-Key`s. It leaves the cache when:
- a write purges one of its keys: at once in the process that wrote (the purger is called after commit),
  and in every other process within `follow_interval` seconds, through the `cachepurge` log that each
  write appends to in its own transaction (`PurgeLogFollower`; works the same on SQLite and PostgreSQL);
- its `max-age` passes (scheduled articles come due by time alone, trending moves by the hour);
- the cache is over its byte budget (least recently used first).
Requests with `Authorization` never touch it."""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, delete, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import utcnow
from app.http_cache import choose_encoding, etag_matches
from app.purge import CachePurge

log = logging.getLogger("broadsheet.response_cache")
LOG = CachePurge.__table__  # type: ignore[attr-defined]
CacheKey = tuple[str, bytes, bytes, str, bytes]  # path, query, Accept, content-coding, Origin
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers, body


@dataclass
class Entry:
    headers: list[tuple[bytes, bytes]]
    not_modified: list[tuple[bytes, bytes]]  # the headers of a 304: all but those of the body
    body: bytes
    etag: str
    keys: frozenset[str]
    expires: float
    etag_raw: bytes = field(init=False)  # as an `If-None-Match` naming only this version arrives
    # what the entry holds in memory, Python's object overhead included (about 120 bytes per header pair,
    # about 150 per surrogate key in the index), so the byte budget is a budget of RSS
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.etag_raw = self.etag.encode("latin-1")
        headers = sum(len(k) + len(v) + 120 for k, v in self.headers) + 8 * len(self.not_modified)
        index = sum(len(key) + 150 for key in self.keys)
        self.size = len(self.body) + 33 + headers + index + 600


def _max_age(cache_control: str) -> int:
    for directive in cache_control.split(","):
        name, _, value = directive.strip().partition("=")
        if name == "max-age" and value.isdigit():
            return int(value)
    return 0


class ResponseCache:
    """An LRU of finished answers with an index from surrogate key to entries; safe across threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, Entry] = OrderedDict()
        self._by_key: dict[str, set[CacheKey]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires <= time.monotonic():
                if entry is not None:
                    self._drop(key)
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: CacheKey, entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._bytes += entry.size
            for surrogate in entry.keys:
                self._by_key.setdefault(surrogate, set()).add(key)
            while self._bytes > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def purge(self, keys: Collection[str]) -> None:
        """Drop every entry carrying one of `keys` (the `Purger` protocol)."""
        with self._lock:
            for surrogate in keys:
                for key in list(self._by_key.get(surrogate, ())):
                    self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._by_key.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: CacheKey) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size
        for surrogate in entry.keys:
            bucket = self._by_key.get(surrogate)
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del self._by_key[surrogate]


_NOT_ON_304 = frozenset((b"content-length", b"content-type", b"content-encoding"))


class ResponseCacheMiddleware:
    """The outermost layer: a hit is answered from stored bytes and headers without entering the framework.

    It wraps the whole application (security headers, CORS, rate limits, caching rules, routing), so an
    entry holds the answer exactly as it left the application, less the `RateLimit-*` headers, which belong
    to one client: hits are not counted against rate limits, which guard the work a hit does not do."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: ResponseCache,
        prefixes: Iterable[str] = ("/v1/",),
        vary_origin: bool = False,
    ) -> None:
        self.app = app
        self.cache = cache
        self.prefixes = tuple(prefixes)
        self.vary_origin = vary_origin  # CORS answers differ per Origin: each one is its own entry
        self._encodings: dict[bytes, str] = {}

    def _encoding(self, accept_encoding: bytes) -> str:
        encoding = self._encodings.get(accept_encoding)
        if encoding is None:
            encoding = choose_encoding(accept_encoding.decode("latin-1")) or "identity"
            if len(self._encodings) < 1024:  # a few distinct values in practice; never grow without bound
                self._encodings[accept_encoding] = encoding
        return encoding

    def _request(
        self, method: str, path: str, query_string: bytes, headers: Iterable[tuple[bytes, bytes]]
    ) -> tuple[CacheKey, bytes | None] | None:
        """The cache key and `If-None-Match` of a request the cache may answer; None for one it never does."""
        if method not in ("GET", "HEAD") or not path.startswith(self.prefixes):
            return None
        accept = accept_encoding = origin = b""
        if_none_match: bytes | None = None
        for name, value in headers:  # one pass, no header object: this is the hot path
            if name == b"authorization":
                return None
            if name == b"accept":
                accept = value
            elif name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"origin":
                origin = value
        key: CacheKey = (
            path,
            query_string,
            accept,
            self._encoding(accept_encoding),
            origin if self.vary_origin else b"",
        )
        return key, if_none_match

    def _stored(self, key: CacheKey, if_none_match: bytes | None) -> Answer | None:
        entry = self.cache.get(key)
        if entry is None:
            return None
        if if_none_match is not None and (
            if_none_match == entry.etag_raw or etag_matches(if_none_match.decode("latin-1"), entry.etag)
        ):
            return 304, entry.not_modified, b""
        return 200, entry.headers, entry.body

    def stored_answer(
        self, path: str, query_string: bytes, headers: Iterable[tuple[bytes, bytes]]
    ) -> Answer | None:
        """The stored answer to a GET (200, or 304 for a matching `If-None-Match`), if the cache holds one:
        for the HTTP protocol, which answers with it before Uvicorn makes an ASGI request of it."""
        request = self._request("GET", path, query_string, headers)
        return None if request is None else self._stored(*request)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = (
            self._request(scope["method"], scope["path"], scope["query_string"], scope["headers"])
            if scope["type"] == "http"
            else None
        )
        if request is None:
            await self.app(scope, receive, send)
            return
        answer = self._stored(*request)
        if answer is None:
            await self._fill(scope, receive, send, *request)
            return
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: CacheKey, if_none_match: bytes | None
    ) -> None:
        """Ask the application for the full answer (as a plain GET), keep it when it is public, and answer
        this request with it as the application would have: its own `RateLimit-*` headers included."""
        inner = {
            **scope,
            "method": "GET",
            "headers": [(k, v) for k, v in scope["headers"] if k != b"if-none-match"],
        }
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            entry = self._entry(start, body)
            if entry is not None:
                self.cache.put(key, entry)
            headers: list[tuple[bytes, bytes]] = list(start["headers"])
            etag = next((v.decode("latin-1") for k, v in headers if k == b"etag"), None)
            if (
                start["status"] == 200
                and if_none_match is not None
                and etag is not None
                and etag_matches(if_none_match.decode("latin-1"), etag)
            ):
                kept = [(k, v) for k, v in headers if k not in _NOT_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

        await self.app(inner, receive, capture)

    @staticmethod
    def _entry(start: Message, body: bytes) -> Entry | None:
        if start["status"] != 200:
            return None
        cache_control = etag = surrogate = ""
        kept: list[tuple[bytes, bytes]] = []
        not_modified: list[tuple[bytes, bytes]] = []
        has_length = False
        for name, value in start["headers"]:  # one pass over the raw pairs: every miss comes here
            if name.startswith(b"ratelimit-"):
                continue
            if name == b"cache-control":
                cache_control = value.decode("latin-1")
            elif name == b"etag":
                etag = value.decode("latin-1")
            elif name == b"surrogate-key":
                surrogate = value.decode("latin-1")
            elif name == b"content-length":
                has_length = True
            kept.append((name, value))
            if name not in _NOT_ON_304:
                not_modified.append((name, value))
        if not cache_control.startswith("public") or not etag or not surrogate:
            return None
        if not has_length:  # a stored answer always says where it ends
            kept.append((b"content-length", str(len(body)).encode()))
        return Entry(
            headers=kept,
            not_modified=not_modified,
            body=body,
            etag=etag,
            keys=frozenset(surrogate.split(" ")),
            expires=time.monotonic() + _max_age(cache_control),
        )


class PurgeLogFollower:
    """Applies, in this process, the purges every other process commits to the `cachepurge` log."""

    def __init__(self, engine: Engine, cache: ResponseCache, *, interval: float, keep: timedelta) -> None:
        self.engine = engine
        self.cache = cache
        self.interval = interval
        self.keep = keep
        self._applied: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._polls = 0

    def applied(self, entry_id: int) -> None:
        """An entry this process wrote, and so purged already: polling skips it."""
        with self._lock:
            self._applied[entry_id] = time.monotonic()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="purge-log-follower", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def poll(self) -> None:
        """Apply the log's recent entries not applied yet.

        Entries are read by time window rather than by id: on PostgreSQL a lower id can commit after a
        higher one, and a reader following ids alone would skip it."""
        since = utcnow() - timedelta(seconds=max(30.0, self.interval * 20))
        with self.engine.connect() as conn:
            rows = conn.execute(select(LOG.c["id"], LOG.c["keys"]).where(LOG.c.at >= since)).all()
            self._polls += 1
            if self._polls % 1000 == 0:
                conn.execute(delete(LOG).where(LOG.c.at < utcnow() - self.keep))
                conn.commit()
        now = time.monotonic()
        with self._lock:
            fresh = [(row_id, keys) for row_id, keys in rows if row_id not in self._applied]
            for row_id, _ in fresh:
                self._applied[row_id] = now
            horizon = now - 120
            self._applied = {k: v for k, v in self._applied.items() if v > horizon}
        for _, keys in fresh:
            self.cache.purge(keys.split(" "))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # keep following; a missed poll is retried on the next
                log.exception("could not read the purge log")
