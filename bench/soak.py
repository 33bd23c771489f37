"""Memory over a long run: `python -m bench.soak --database-url URL --minutes 10`.

Serves the app as deployed (`broadsheet serve`, one worker, response cache on, rate limits out of reach)
and drives it with `wrk` through a Lua script that walks a long, mixed list of real URLs: article details,
related articles, list pages with cursors deep into the table, category and tag filters, search queries,
home, trending, tables and timeline events. Popular URLs come back often (cache hits), the long tail is
always new (misses, LRU evictions), as a news site's traffic is. The worker's RSS is sampled every few
seconds; the verdict compares the peak with the budget (150 MB) and the last half of the run with the
first: a leak shows as growth after the cache has filled. Results go to bench/results/ (JSON and
Markdown)."""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from app.articles.models import Article
from app.articles.service import public_condition
from app.db import make_engine
from app.taxonomy.models import Category, Tag
from bench.generate import COMMON, Words
from bench.run import RESULTS, ROOT, UNLIMITED, ensure_tool, free_port, rss_mb, wait_for, wrk

BUDGET_MB = 150.0


def _sample(database_url: str, n: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """Slugs of `n` public articles spread over the table, and every category and tag slug."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            top = connection.execute(select(func.max(col(Article.id)))).scalar_one() or 0
            wanted = random.Random(seed).sample(range(1, top + 1), min(top, n * 2))
            slugs: list[str] = []
            for start in range(0, len(wanted), 10_000):  # PostgreSQL takes at most 65,535 parameters
                slugs += connection.execute(
                    select(col(Article.slug)).where(
                        col(Article.id).in_(wanted[start : start + 10_000]), public_condition()
                    )
                ).scalars()
            categories = connection.execute(select(col(Category.slug))).scalars().all()
            tags = connection.execute(select(col(Tag.slug))).scalars().all()
            return slugs[:n], list(categories), list(tags)
    finally:
        engine.dispose()


def url_mix(database_url: str, size: int, seed: int) -> list[str]:
    """`size` request paths: a Zipf-like head of popular pages and a long tail of distinct ones."""
    rng = random.Random(seed)
    slugs, categories, tags = _sample(database_url, max(1000, size // 4), seed)
    words = [w for w in Words(random.Random(seed)).vocabulary if w not in COMMON][:5000]
    popular = ["/v1/home", "/v1/trending", "/v1/articles", "/v1/tables", "/v1/categories"]
    popular += [f"/v1/articles/{slug}" for slug in slugs[:50]]
    popular += [f"/v1/articles?category={c}" for c in categories]

    def tail() -> str:
        kind = rng.random()
        if kind < 0.45:
            return f"/v1/articles/{rng.choice(slugs)}"
        if kind < 0.55:
            return f"/v1/articles/{rng.choice(slugs)}/related"
        if kind < 0.70:
            return f"/v1/articles?category={rng.choice(categories)}&tag={rng.choice(tags)}"
        if kind < 0.80:
            return "/v1/search?" + urllib.parse.urlencode({"q": rng.choice(words)})
        if kind < 0.90:
            return f"/v1/articles?limit={rng.randint(5, 50)}&category={rng.choice(categories)}"
        if kind < 0.95:
            year = rng.randint(2023, 2026)
            return f"/v1/timeline-events?from={year}-{rng.randint(1, 12):02d}-01&to={year}-12-31"
        return f"/v1/tables?limit={rng.randint(5, 50)}"

    return [rng.choice(popular) if rng.random() < 0.6 else tail() for _ in range(size)]


LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})
end
"""


def soak(args: argparse.Namespace) -> dict[str, object]:
    wrk_path = ensure_tool("wrk", "wrk")
    paths = url_mix(args.database_url, args.urls, args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    (work / "paths.txt").write_text("\n".join(paths) + "\n")
    (work / "mix.lua").write_text(LUA % (work / "paths.txt"))
    subprocess.run(
        [sys.executable, "-m", "bench.generate", "--views-only", "--database-url", args.database_url],
        check=True,
        cwd=ROOT,
    )
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "BROADSHEET_RATE_LIMITS": json.dumps(UNLIMITED),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--no-demo", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample() -> None:
        started = time.monotonic()
        while not done.wait(args.every):
            samples.append((round(time.monotonic() - started, 1), rss_mb(server.pid)))

    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", timeout=120)
        at_start = rss_mb(server.pid)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        measure = wrk(
            wrk_path,
            f"http://127.0.0.1:{port}",
            seconds=args.minutes * 60,
            connections=args.connections,
            threads=1,
            headers={},
            script=work / "mix.lua",
        )
        done.set()
        sampler.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    half = len(samples) // 2
    first, second = [mb for _, mb in samples[:half]], [mb for _, mb in samples[half:]]
    return {
        "args": vars(args),
        "distinct_urls": len(set(paths)),
        "rss_at_start_mb": at_start,
        "rss_peak_mb": max(mb for _, mb in samples),
        "rss_first_half_max_mb": max(first),
        "rss_second_half_max_mb": max(second),
        "rss_end_mb": samples[-1][1],
        "growth_second_half_mb": round(second[-1] - second[0], 1),
        "within_budget": max(mb for _, mb in samples) < BUDGET_MB,
        "wrk": asdict(measure),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--urls", type=int, default=200_000, help="length of the walked URL list")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    result = soak(args)
    wrk_result = result["wrk"]
    assert isinstance(wrk_result, dict)
    if wrk_result["errors"]:
        print(f"{wrk_result['errors']} answers were not 2xx or 3xx", file=sys.stderr)
    table = (
        f"soak: {args.minutes} min, wrk -t1 -c{args.connections}, {result['distinct_urls']} distinct URLs "
        f"of {args.urls}, one worker\n\n"
        "| req/s | p50 ms | p99 ms | errors | RSS start MB | RSS peak MB | peak, 1st half | peak, 2nd half "
        "| growth in 2nd half MB |\n|---|---|---|---|---|---|---|---|---|\n"
        f"| {wrk_result['requests_per_second']:.0f} | {wrk_result['p50_ms']:.2f} "
        f"| {wrk_result['p99_ms']:.2f} "
        f"| {wrk_result['errors']} | {result['rss_at_start_mb']} | {result['rss_peak_mb']} "
        f"| {result['rss_first_half_max_mb']} | {result['rss_second_half_max_mb']} "
        f"| {result['growth_second_half_mb']} |\n"
    )
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}-soak.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{stamp}-soak.md").write_text(table)


if __name__ == "__main__":
    main()
