"""The HTTP protocol `broadsheet serve` runs: Uvicorn's httptools protocol, with each answer written once.

Uvicorn writes an answer's head to the socket as soon as the app starts the answer, and its body when the
app sends it: two writes, two TCP segments, for an answer that is ready whole (a cache hit, any buffered
JSON answer). Here what a connection is sent within one step of the event loop is joined and written once,
at the end of that step, so head and body leave together, as nginx sends them. On loopback, where the
sender's write also runs the receiver's TCP input, that is most of the cost of a cache hit left after
Uvicorn's parser."""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


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
    """Uvicorn's httptools protocol over `JoinedWrites`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        joined = JoinedWrites(transport, asyncio.get_running_loop())
        super().connection_made(joined)  # type: ignore[arg-type]
