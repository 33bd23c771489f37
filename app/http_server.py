"""The HTTP protocol `broadsheet serve` runs: Uvicorn's httptools protocol, with each answer written once,
and the response cache's hits answered before Uvicorn makes an ASGI request of them.

Uvicorn writes an answer's head to the socket as soon as the app starts the answer, and its body when the
app sends it: two writes, two TCP segments, for an answer that is ready whole (a cache hit, any buffered
JSON answer). Here what a connection is sent within one step of the event loop is joined and written once,
at the end of that step, so head and body leave together, as nginx sends them.

For every request Uvicorn builds a request-response cycle and starts an asyncio task, and it checks each
header of the answer: about as much work as the response cache's lookup and the write together. A plain
GET (HTTP/1.1, kept alive, no body, nothing before it still being answered) that the cache holds is
answered as soon as its headers are parsed, with the stored head and body; everything else goes to the
app as usual, the cache's misses included."""

import asyncio
import urllib.parse
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.response_cache import ResponseCacheMiddleware

_STATUS_LINES = {200: b"HTTP/1.1 200 OK\r\n", 304: b"HTTP/1.1 304 Not Modified\r\n"}


class JoinedWrites:
    """A transport whose writes within one step of the event loop go out as one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()  # what was written before closing is still sent (a 400 and its body, say)
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        # everything else (reading, flow control, addresses, protocol switching) is the socket's own
        return getattr(self._transport, name)


class JoinedWritesProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol over `JoinedWrites`, answering the response cache's hits itself."""

    _answered = False  # the request being parsed was answered from the cache

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        joined = JoinedWrites(transport, asyncio.get_running_loop())
        super().connection_made(joined)  # type: ignore[arg-type]
        self._cache_edge = self._edge()  # found once per connection, not per request

    def on_headers_complete(self) -> None:
        if not self._answer_from_cache():
            super().on_headers_complete()

    def on_message_complete(self) -> None:
        if self._answered:
            self._answered = False
            return
        super().on_message_complete()

    def _edge(self) -> ResponseCacheMiddleware | None:
        app = self.app
        while app is not None:  # under Uvicorn's own wrappers (proxy headers, logging)
            edge = getattr(app, "edge", None)
            if isinstance(edge, ResponseCacheMiddleware):
                return edge
            app = getattr(app, "app", None)
        return None

    def _answer_from_cache(self) -> bool:
        parser = self.parser
        if (
            self.access_log  # every request is logged, so every request goes the usual way
            or self.limit_concurrency is not None
            or parser.get_method() != b"GET"
            or parser.get_http_version() != "1.1"
            or not parser.should_keep_alive()
            or parser.should_upgrade()
            or self.expect_100_continue
            or (self.cycle is not None and not self.cycle.response_complete)  # one still being answered
        ):
            return False
        if any(name in (b"content-length", b"transfer-encoding") for name, _ in self.headers):
            return False  # a body follows: the app reads it, or refuses it
        edge = self._cache_edge
        if edge is None:
            return False
        try:
            url = httptools.parse_url(self.url)
            path = url.path.decode("ascii")
        except (httptools.HttpParserInvalidURLError, AttributeError, UnicodeDecodeError):
            return False  # not a path of ours (or no path): Uvicorn deals with it as it always does
        if "%" in path:
            path = urllib.parse.unquote(path)
        answer = edge.stored_answer(self.root_path + path, url.query or b"", self.headers)
        if answer is None:
            return False
        status, headers, body = answer
        lines = [_STATUS_LINES[status]]
        lines += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        lines += [name + b": " + value + b"\r\n" for name, value in headers]
        lines += [b"\r\n", body]
        self.transport.write(b"".join(lines))
        self._answered = True
        self.on_response_complete()  # what Uvicorn does when an answer is complete: keep-alive, counts
        return True
