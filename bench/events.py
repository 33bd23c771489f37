"""Sustained view-event ingestion over real HTTP: one Uvicorn worker, SQLite with the demo data.

    .venv/bin/python bench/events.py [--seconds 20] [--batch 1000] [--connections 2] [--no-sessions]

Starts `broadsheet serve --workers 1` on a fresh SQLite file (migrated, demo data loaded), then posts batches
of view events from several keep-alive connections for the given time and prints accepted events per second.
Every event carries a fresh anonymous session id unless `--no-sessions`, so each one is a new dedup row and a
counted view: the most writing case. Rate limiting is switched off in the server started, since the capacity
behind it is measured. Pass `--url` to drive a server that is already running instead."""

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
PREPARED_PER_SECOND = 40  # request bodies made ahead, so the driver competes less for the CPU while timed
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _start_server(port: int, workdir: str) -> subprocess.Popen[bytes]:
    # the capacity of ingestion is measured, not the per-address budget in front of it
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "BROADSHEET_RATE_LIMIT_ENABLED": "0",
    }
    command = [str(ROOT / ".venv/bin/broadsheet"), "serve", "--port", str(port), "--workers", "1"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=workdir
    )


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a process has used (Linux), to tell server work from waiting."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_ready(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def _articles(url: str) -> list[object]:
    items = httpx.get(f"{url}/v1/articles", params={"limit": 100, "fields": "slug"}, timeout=10).json()[
        "items"
    ]
    # frontends name articles by id or by slug: use both
    return [ref for item in items for ref in (item["id"], item["slug"])]


class Bodies:
    """Request bodies of one connection: made before the clock starts, then more if those run out."""

    def __init__(self, articles: list[object], args: argparse.Namespace, prepared: int) -> None:
        self.articles, self.batch, self.sessions = articles, args.batch, not args.no_sessions
        self.generator = random.Random()
        self.prefix = f"{id(self):x}"
        self.sequence = itertools.count()
        self.ready = [self.make() for _ in range(prepared)]

    def make(self) -> bytes:
        events: list[dict[str, object]] = [
            {"article": self.generator.choice(self.articles)} for _ in range(self.batch)
        ]
        if self.sessions:
            for event in events:
                event["session"] = f"{self.prefix}-{next(self.sequence)}"
        return json.dumps({"events": events}).encode()

    def next(self) -> bytes:
        return self.ready.pop() if self.ready else self.make()


def _drive(url: str, bodies: Bodies, stop: float, totals: list[int]) -> None:
    accepted = requests = 0
    headers = {"User-Agent": BROWSER, "Content-Type": "application/json"}
    with httpx.Client(base_url=url, headers=headers) as client:
        while time.monotonic() < stop:
            response = client.post("/v1/events/views", content=bodies.next(), timeout=30)
            if response.status_code != 202:
                raise RuntimeError(f"unexpected {response.status_code}: {response.text[:300]}")
            accepted += response.json()["accepted"]
            requests += 1
    totals.extend([accepted, requests])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--no-sessions", action="store_true", help="events without session ids")
    parser.add_argument("--url", help="a running server to drive instead of starting one")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        server = None if args.url else _start_server(args.port, workdir)
        url = args.url or f"http://127.0.0.1:{args.port}"
        try:
            _wait_ready(url)
            articles = _articles(url)
            _drive(
                url,
                Bodies(articles, argparse.Namespace(**{**vars(args), "batch": 10}), 0),
                time.monotonic() + 1,
                [],
            )
            per_connection = int(args.seconds * PREPARED_PER_SECOND / args.connections) + 1
            bodies = [Bodies(articles, args, per_connection) for _ in range(args.connections)]
            results: list[list[int]] = [[] for _ in range(args.connections)]
            cpu_before = _cpu_seconds(server.pid) if server else None
            started = time.monotonic()
            threads = [
                threading.Thread(target=_drive, args=(url, b, started + args.seconds, r))
                for b, r in zip(bodies, results, strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            cpu_after = _cpu_seconds(server.pid) if server else None
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    accepted = sum(r[0] for r in results if r)
    requests = sum(r[1] for r in results if r)
    sessions = "without sessions" if args.no_sessions else "each with a new session"
    print(
        f"{accepted / elapsed:,.0f} accepted events/s ({requests / elapsed:.1f} requests/s of {args.batch} "
        f"events {sessions}, {args.connections} connections, {elapsed:.1f} s, one worker, SQLite)"
    )
    if cpu_before is not None and cpu_after is not None and accepted:
        busy = cpu_after - cpu_before
        print(
            f"server CPU: {busy / elapsed:.0%} of one core, {busy / requests * 1000:.1f} ms per request: "
            f"{accepted / busy:,.0f} events per CPU-second"
        )
    sys.exit(0 if accepted else 1)


if __name__ == "__main__":
    main()
