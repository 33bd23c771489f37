"""CPU time of one uncached read in process, to compare two versions of the code on a noisy machine.

    python -m bench.inprocess                              # this checkout: median CPU us per request
    python -m bench.inprocess --against HEAD~1 --rounds 7  # and a worktree of HEAD~1, runs alternating

Calls the app's ASGI callable directly (no socket, no HTTP client, no test client's thread): the
response cache on as deployed (every URL is distinct, so each request misses and stores; `--no-cache`
leaves it out), rate limits out of reach, `--requests` distinct URLs of one kind (`detail`: every public
article's address in a fixed shuffled order; `category`: the newest 20 of a category before a distinct
time) on `bench/data/bench-10000.db` unless `--database` says otherwise. The figure is the process's
CPU time (`time.process_time`, worker threads included) per request, after a warm-up; wall time is
printed beside it. One process measures one checkout; with `--against REV` the two checkouts run in turns
(`--rounds` each, each round a fresh process) and their medians and ratio are printed: a shift of the
machine's speed between two runs then touches both sides. Use `bench.cold` for the figures the issue asks;
this shows whether a change moved a route's own cost."""

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import DATA, UNLIMITED

REPO = Path(__file__).resolve().parent.parent
WARMUP = 200


def _paths(database: Path, kind: str, count: int) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT a.slug, a.published_at, c.slug FROM article a JOIN category c ON c.id = a.category_id"
            " WHERE a.status = 'published' AND a.published_at <= datetime('now') ORDER BY a.id"
        ).fetchall()
    random.Random(7).shuffle(rows)
    rows = (rows * (count // max(len(rows), 1) + 1))[:count]
    if kind == "detail":
        return [f"/v1/articles/{slug}" for slug, _, _ in rows]
    return [
        f"/v1/articles?category={category}&published_before={published.replace(' ', 'T')}Z"
        for _, published, category in rows
    ]


async def _measure(app: Any, paths: list[str]) -> tuple[float, float]:
    """CPU and wall seconds per request over `paths` (after the warm-up ones)."""

    async def get(path: str) -> None:
        route, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": route,
            "raw_path": route.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"bench"), (b"accept-encoding", b"gzip")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        status: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        if status != [200]:
            raise SystemExit(f"{path}: {status}")

    for path in paths[:WARMUP]:
        await get(path)
    timed = paths[WARMUP:]
    cpu, wall = time.process_time(), time.perf_counter()
    for path in timed:
        await get(path)
    return (time.process_time() - cpu) / len(timed), (time.perf_counter() - wall) / len(timed)


def _child(args: argparse.Namespace) -> None:
    from app.config import Settings
    from app.main import create_app

    database = Path(args.database)
    settings = Settings(
        database_url=f"sqlite:///{database}", response_cache_enabled=args.cache, rate_limits=UNLIMITED
    )
    app = create_app(settings)
    paths = _paths(database, args.kind, args.requests + WARMUP)

    async def run() -> tuple[float, float]:
        async with app.router.lifespan_context(app):
            return await _measure(app, paths)

    cpu, wall = asyncio.run(run())
    print(json.dumps({"cpu_us": cpu * 1e6, "wall_us": wall * 1e6}))


def _run_in(checkout: Path, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.inprocess", "--child", "--kind", args.kind]
    command += ["--requests", str(args.requests), "--database", str(args.database)]
    command += [] if args.cache else ["--no-cache"]
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(command, cwd=checkout, env=environment, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{checkout}: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _worktree(revision: str) -> Path:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    where = Path(tempfile.gettempdir()) / f"broadsheet-{commit}"
    if not where.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(where), commit], cwd=REPO, check=True)
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--kind", choices=("detail", "category"), default="detail")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database", default=str(DATA / "bench-10000.db"))
    parser.add_argument("--against", help="a git revision to measure in turns with this checkout")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-cache", dest="cache", action="store_false", help="the response cache off")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    if not Path(args.database).exists():
        raise SystemExit(f"{args.database} is missing: python -m bench.generate --articles 10000")
    sides = {"this checkout": REPO}
    if args.against:
        sides[args.against] = _worktree(args.against)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for _ in range(args.rounds if args.against else 1):
        for name, checkout in sides.items():
            results[name].append(_run_in(checkout, args))
    medians = {name: statistics.median(run["cpu_us"] for run in runs) for name, runs in results.items()}
    for name, runs in results.items():
        cpus = ", ".join(f"{run['cpu_us']:.0f}" for run in runs)
        walls = statistics.median(run["wall_us"] for run in runs)
        print(f"{name:>16}: {medians[name]:7.0f} us CPU a request (runs: {cpus}); wall {walls:.0f} us")
    if args.against:
        ratio = medians[args.against] / medians["this checkout"]
        print(f"{args.against} costs {ratio:.3f}x this checkout's CPU per {args.kind} request")


if __name__ == "__main__":
    main()
