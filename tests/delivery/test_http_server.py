"""The served protocol writes each answer once: head and body of a buffered answer in one socket write."""

import asyncio
import socket

import uvicorn

from app.config import Settings
from app.http_server import JoinedWrites, JoinedWritesProtocol
from app.main import create_app


async def _socket_pair() -> tuple[asyncio.Transport, socket.socket, asyncio.AbstractEventLoop]:
    loop = asyncio.get_running_loop()
    ours, peer = socket.socketpair()
    peer.setblocking(False)
    transport, _ = await loop.create_connection(asyncio.Protocol, sock=ours)
    return transport, peer, loop


def _received(peer: socket.socket) -> list[bytes]:
    reads: list[bytes] = []
    while True:
        try:
            data = peer.recv(65536)
        except BlockingIOError:
            return reads
        if not data:
            return reads
        reads.append(data)


def test_writes_of_one_step_leave_together_at_its_end() -> None:
    async def scenario() -> None:
        transport, peer, loop = await _socket_pair()
        joined = JoinedWrites(transport, loop)
        joined.write(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n")
        joined.write(b"hello")
        assert joined.get_write_buffer_size() == 43
        assert _received(peer) == []  # nothing is sent before the step ends
        await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        assert _received(peer) == [b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"]
        joined.write(b"second")
        joined.close()  # what was written before closing is still sent
        await asyncio.sleep(0.01)
        assert _received(peer) == [b"second"]
        peer.close()

    asyncio.run(scenario())


def test_abort_drops_what_was_not_sent() -> None:
    async def scenario() -> None:
        transport, peer, loop = await _socket_pair()
        joined = JoinedWrites(transport, loop)
        joined.write(b"never")
        joined.abort()
        await asyncio.sleep(0.01)
        assert _received(peer) == []
        assert joined.is_closing()
        peer.close()

    asyncio.run(scenario())


def test_an_answer_is_one_write_over_a_real_connection(database_url: str) -> None:
    """The app behind the protocol, over TCP: the head and body of its answer are written at once."""

    async def scenario() -> None:
        settings = Settings(database_url=database_url)
        config = uvicorn.Config(
            create_app(settings), port=0, http=JoinedWritesProtocol, log_level="warning", lifespan="on"
        )
        server = uvicorn.Server(config)
        writes: list[int] = []
        original = JoinedWrites.flush

        def counting(self: JoinedWrites) -> None:
            writes.append(len(self._pending))
            original(self)

        JoinedWrites.flush = counting  # type: ignore[method-assign]
        try:
            task = asyncio.create_task(server.serve())
            while not server.started:
                await asyncio.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            body = await reader.readexactly(length)
            assert head.startswith(b"HTTP/1.1 200")
            assert b'"status":"ok"' in body
            # the head and the body were pending together and written once
            assert writes == [2]
            writer.close()
            server.should_exit = True
            await task
        finally:
            JoinedWrites.flush = original  # type: ignore[method-assign]

    asyncio.run(scenario())
