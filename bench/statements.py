"""Where a read's time goes, statement by statement: `python -m bench.statements --database-url URL`.

Calls the app in-process (`TestClient`, response cache off, rate limits out of reach) with the distinct
requests of `bench.search`'s scenarios (or the paths given with `--path`), times every SQL statement with
SQLAlchemy's cursor events, and prints, per scenario, the median request time and the statements that took
the most database time per request (the time between a statement's execution and its end as the driver
reports it: on PostgreSQL the server's work and the round trip, on SQLite the engine's). Python's own share
is what the median leaves. Use it to see which statement a slow read waits on before reading its plan
(`bench.explain`)."""

import argparse
import statistics
import time
from collections import defaultdict
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from app.config import Settings
from app.main import create_app
from bench.run import UNLIMITED
from bench.search import scenarios

WARMUP = 5


def _label(statement: str, width: int = 110) -> str:
    return " ".join(statement.split())[:width]


def profile(client: TestClient, engine: Any, paths: list[str], top: int) -> list[str]:
    """Lines of a report: the median request and the costliest statements, per request."""
    for path in paths[:WARMUP]:
        client.get(path)
    spent: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    started: list[float] = []

    def before(*_: Any) -> None:
        started.append(time.perf_counter())

    def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        entry = spent[_label(statement)]
        entry[0] += 1
        entry[1] += time.perf_counter() - started.pop()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    timed = paths[WARMUP:]
    requests = []
    try:
        for path in timed:
            begun = time.perf_counter()
            response = client.get(path)
            requests.append(time.perf_counter() - begun)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.text[:200]}")
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    in_statements = sum(seconds for _, seconds in spent.values()) / len(timed)
    lines = [
        f"{len(timed)} requests, e.g. {timed[0]}: median {statistics.median(requests) * 1000:.1f} ms, "
        f"mean {statistics.mean(requests) * 1000:.1f} ms, of which {in_statements * 1000:.1f} ms in SQL",
        "| ms per request | statements | statement |",
        "|---|---|---|",
    ]
    costliest = sorted(spent.items(), key=lambda item: -item[1][1])[:top]
    for statement, (count, seconds) in costliest:
        lines.append(f"| {seconds / len(timed) * 1000:.2f} | {int(count)} | `{statement}` |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a database made by bench.generate")
    parser.add_argument("--requests", type=int, default=60, help="distinct requests per scenario")
    parser.add_argument("--seed", type=int, default=1, help="the seed the database was generated with")
    parser.add_argument(
        "--only", action="append", default=[], help="the scenarios whose name contains this (repeatable)"
    )
    parser.add_argument("--path", action="append", default=[], help="profile these paths instead")
    parser.add_argument("--top", type=int, default=8, help="statements shown per scenario")
    args = parser.parse_args(argv)
    app = create_app(
        Settings(database_url=args.database_url, rate_limits=UNLIMITED, response_cache_enabled=False)
    )
    if args.path:
        chosen = {"given paths": args.path}
    else:
        chosen = {
            name: paths
            for name, paths in scenarios(args.database_url, args.requests, args.seed).items()
            if not args.only or any(part in name for part in args.only)
        }
    with TestClient(app) as client:
        for name, paths in chosen.items():
            print(f"\n## {name}\n")
            print("\n".join(profile(client, app.state.engine, paths, args.top)), flush=True)
    app.state.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
