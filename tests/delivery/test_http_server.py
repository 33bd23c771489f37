"""The served protocol: each answer in one socket write, and the response cache's hits answered before
Uvicorn makes an ASGI request of them, exactly as the app would answer them."""

import asyncio
import socket
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

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


async def _serve(database_url: str) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    settings = Settings(database_url=database_url, response_cache_enabled=True)
    config = uvicorn.Config(
        create_app(settings),
        port=0,
        http=JoinedWritesProtocol,
        log_level="warning",
        access_log=False,  # as `broadsheet serve` runs by default: a logged request goes to the app
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task, server.servers[0].sockets[0].getsockname()[1]


async def _exchange(
    port: int, requests: bytes, answers: int
) -> list[tuple[bytes, dict[bytes, bytes], bytes]]:
    """Send raw requests on one connection; read `answers` answers: (status line, headers, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(requests)
    read = []
    for _ in range(answers):
        head = await reader.readuntil(b"\r\n\r\n")
        status, *lines = head[:-4].split(b"\r\n")
        headers = dict(line.split(b": ", 1) for line in lines)
        body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
        read.append((status, headers, body))
    writer.close()
    return read


def test_a_cache_hit_is_answered_by_the_protocol_as_the_app_answers_it(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks: list[object] = []
    start = HttpToolsProtocol._start_asgi_task

    def counted(self: HttpToolsProtocol, cycle: Any, app: Any) -> None:
        tasks.append(cycle)
        start(self, cycle, app)

    monkeypatch.setattr(HttpToolsProtocol, "_start_asgi_task", counted)
    get = b"GET /v1/categories HTTP/1.1\r\nHost: test\r\nAccept-Encoding: gzip\r\n\r\n"

    async def scenario() -> None:
        server, task, port = await _serve(database_url)
        try:
            [(status, filled, body)] = await _exchange(port, get, 1)
            assert status == b"HTTP/1.1 200 OK"
            assert len(tasks) == 1  # a miss: the app answers
            [(status, hit, hit_body)] = await _exchange(port, get, 1)
            assert len(tasks) == 1  # a hit: no ASGI request made
            assert status == b"HTTP/1.1 200 OK"
            assert hit_body == body
            unlimited = {k: v for k, v in filled.items() if not k.startswith(b"ratelimit")}
            assert {k: v for k, v in hit.items() if k != b"date"} == {
                k: v for k, v in unlimited.items() if k != b"date"
            }
            etag = hit[b"etag"]
            revalidate = get.replace(b"\r\n\r\n", b"\r\nIf-None-Match: " + etag + b"\r\n\r\n")
            [(status, headers, empty)] = await _exchange(port, revalidate, 1)
            assert status == b"HTTP/1.1 304 Not Modified"
            assert empty == b""
            assert headers[b"etag"] == etag
            assert len(tasks) == 1
            # pipelined: a hit, a miss, a hit, answered in order on one connection; the last waits behind the
            # miss, so the app answers it too
            other = get.replace(b"/v1/categories", b"/v1/tags")
            answers = await _exchange(port, get + other + get, 3)
            assert [a[2] for a in answers] == [body, answers[1][2], body]
            assert len(tasks) == 3
            # HEAD, a request with a body and one that closes the connection go to the app
            head = get.replace(b"GET", b"HEAD")
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head)
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
            writer.close()
            with_body = get.replace(b"\r\n\r\n", b"\r\nContent-Length: 2\r\n\r\n{}")
            await _exchange(port, with_body, 1)
            closing = get.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
            [(_, headers, closed_body)] = await _exchange(port, closing, 1)
            assert closed_body == body
            assert headers[b"connection"] == b"close"
            assert len(tasks) == 6
        finally:
            server.should_exit = True
            await task

    asyncio.run(scenario())


def test_odd_request_targets_go_the_usual_way(database_url: str) -> None:
    async def scenario() -> None:
        server, task, port = await _serve(database_url)
        try:
            for target in (b"*", b"/v1/categories\xff", b"http://test/v1/categories"):
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: test\r\n\r\n")
                status = await reader.readuntil(b"\r\n")
                assert status.split(b" ")[1] in (b"200", b"400", b"404")
                writer.close()
        finally:
            server.should_exit = True
            await task

    asyncio.run(scenario())
