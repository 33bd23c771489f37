"""Search and related-article latency over real HTTP: `python -m bench.search --database-url URL`.

Serves the app with Uvicorn on a database made by `bench.generate` (rate limits off), then asks each
scenario's distinct queries one after another over a kept-alive connection and prints p50/p90/p99. Queries
are drawn from the generator's own vocabulary (same seed), articles from the database, so no two requests in
a scenario are the same and nothing is answered from a cache."""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from app.articles.models import Article
from app.articles.service import public_condition
from app.cli import migrate
from app.config import Settings
from app.db import make_engine
from bench.generate import CATEGORIES, COMMON, Words


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    hits: list[int]

    def row(self) -> str:
        ordered = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

        cells = [self.name, str(len(ordered))]
        cells += [
            f"{value:.1f}" for value in (pct(50), pct(90), pct(99), ordered[-1], statistics.mean(self.hits))
        ]
        return "| " + " | ".join(cells) + " |"


def _sample_articles(database_url: str, n: int, seed: int) -> list[tuple[str, str]]:
    """(slug, title) of `n` public articles spread over the whole table."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            top = connection.execute(select(func.max(col(Article.id)))).scalar_one() or 0
            wanted = random.Random(seed).sample(range(1, top + 1), min(top, n * 2))
            rows = connection.execute(
                select(col(Article.slug), col(Article.title)).where(
                    col(Article.id).in_(wanted), public_condition()
                )
            ).all()
    finally:
        engine.dispose()
    return [(row.slug, row.title) for row in rows][:n]


def scenarios(database_url: str, n: int, seed: int) -> dict[str, list[str]]:
    """Named lists of distinct request paths."""
    rng = random.Random(seed + 1)
    vocabulary = [w for w in Words(random.Random(seed)).vocabulary if w not in COMMON]
    common, middle, rare = vocabulary[:300], vocabulary[300:3000], vocabulary[3000:30_000]
    articles = _sample_articles(database_url, n * 2, seed)
    titles = [title.split() for _, title in articles if len(title.split()) >= 3]

    def search(q: str, **params: str) -> str:
        return "/v1/search?" + urllib.parse.urlencode({"q": q, **params})

    def distinct(make: Callable[[], str]) -> list[str]:
        made: dict[str, None] = {}
        while len(made) < n:
            made[make()] = None
        return list(made)

    def phrase() -> str:
        words = rng.choice(titles)
        start = rng.randrange(len(words) - 1)
        return f'"{words[start]} {words[start + 1]}"'

    return {
        "search: one frequent word": distinct(lambda: search(rng.choice(common))),
        "search: one mid-frequency word": distinct(lambda: search(rng.choice(middle))),
        "search: one rare word": distinct(lambda: search(rng.choice(rare))),
        "search: two words (AND)": distinct(lambda: search(f"{rng.choice(common)} {rng.choice(middle)}")),
        "search: phrase from a title": distinct(lambda: search(phrase())),
        "search: prefix (3 letters*)": distinct(lambda: search(rng.choice(middle)[:3] + "*")),
        "search: word + category + type=article": distinct(
            lambda: search(rng.choice(common), category=rng.choice(CATEGORIES)[0], type="article")
        ),
        "search: word, type=table": distinct(lambda: search(rng.choice(middle), type="table")),
        "related articles": [f"/v1/articles/{slug}/related" for slug, _ in articles[:n]],
    }


def measure(host: str, port: int, name: str, paths: list[str]) -> Result:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    latencies, hits = [], []
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        body = response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
        hits.append(len(json.loads(body)["items"]))
    connection.close()
    return Result(name, latencies, hits)


def serve(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "BROADSHEET_RATE_LIMIT_ENABLED": "false"}
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port)]
    command += ["--http", "app.http_server:JoinedWritesProtocol"]  # as `broadsheet serve` runs it
    server = subprocess.Popen([*command, "--log-level", "warning"], env=env)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def _load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages: benchmarks on a shared machine need them read along."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=200, help="distinct requests per scenario")
    parser.add_argument("--seed", type=int, default=1, help="the seed the database was generated with")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--only", action="append", default=[], help="run the scenarios whose name contains this (repeatable)"
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    migrate(Settings(database_url=args.database_url))  # a database generated before newer migrations
    plan = {
        name: paths
        for name, paths in scenarios(args.database_url, args.requests, args.seed).items()
        if not args.only or any(part in name for part in args.only)
    }
    server = serve(args.database_url, args.port)
    try:
        warm: list[Any] = [p for paths in plan.values() for p in paths[-5:]]
        measure("127.0.0.1", args.port, "warm-up", warm)  # connections, imports, first pages of the files
        print(f"load average before: {_load_average()}")
        print("| scenario | requests | p50 ms | p90 ms | p99 ms | max ms | mean items |")
        print("|---|---|---|---|---|---|---|")
        for name, paths in plan.items():
            print(measure("127.0.0.1", args.port, name, paths[:-5]).row(), flush=True)
        print(f"load average after: {_load_average()}")
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
