"""Uncached reads (issue 7): our app as deployed against a tutorial-style app (and Directus), every request
a new URL.

    python -m bench.cold --duration 10                      # generates bench/data/bench-10000.db if missing
    python -m bench.cold --duration 10 --directus /tmp/directus

Serves our app (`broadsheet serve`, response cache on, rate limits out of reach) and `bench.tutorial_app`
(Uvicorn, one worker) on the same SQLite database, and drives three scenarios on each with `wrk` and a
Lua script that takes every request's path from a list of distinct URLs: the newest 20, the newest 20 of a
category, and an article's detail. Every app gets the same positions in the same shuffled order: our
cursor after the article at position p is the others' `offset=p`.

With `--directus DIR` (a directory where `npm install directus@11 sqlite3` was run; `node` on the PATH),
Directus 11 is a third column: on first use its own SQLite database is bootstrapped next to ours
(bench/data/directus-<name>.db), given the same articles, categories, tags, authors and body blocks through
its API (collections, relations, public read access) and a bulk copy, plus the indexes our migrations have.
Directus serves with its defaults (no data cache, no rate limiter) but for its pressure limiter, which
answers 503 once the event loop lags: off, as a throughput measure needs.

A cold cache is ensured, not assumed:
- the URLs are gathered from our API (a walk of every public article) and built from real parameters
  only; our list URLs also come with their parameters in several orders (the cache keys on the raw query
  string, so each order is a miss that does the whole work);
- each scenario starts a fresh server, warmed with a few reserved URLs that are not measured;
- the Lua script counts the requests it issued: when our app was sent more than there are distinct URLs,
  the scenario is run again on a fresh server for a duration that fits (and a warning says so), so every
  figure reported for our app comes from cache misses only. The others cache nothing; their URLs may
  repeat.
The script also counts every non-2xx answer, and any is fatal. Besides req/s, p50 and p99, each server's
CPU time per answered request is read from /proc: on a shared machine it moves less than req/s, and its
ratio is roughly what the req/s ratio would be with a core for each server. Results: JSON and Markdown in
bench/results/."""

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import permutations
from math import factorial
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from app.pagination import encode_cursor
from bench.run import (
    _LATENCY,
    DATA,
    RESULTS,
    ROOT,
    UNLIMITED,
    Measure,
    ensure_tool,
    fetch,
    free_port,
    wait_for,
)

PAGE = 20
WARMUP = 30  # URLs per scenario fetched before timing, never measured
GZIP = {"Accept-Encoding": "gzip"}
SCENARIOS = ("list newest 20", "list by category", "article detail")
# the multiples issue 7 asks of our app, by other app and scenario
ASKED = {
    "tutorial": {"list newest 20": 10.0, "list by category": 10.0, "article detail": 5.0},
    "directus": dict.fromkeys(SCENARIOS, 3.0),
}

LUA = """
local threads = {}
local started = 0

function setup(thread)
  started = started + 1
  thread:set("id", started)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[2])
  index = wrk.thread:get("id")
  issued = 0
  bad = 0
end

function request()
  if index > #paths then
    index = index - #paths
  end
  local path = paths[index]
  index = index + step
  issued = issued + 1
  return wrk.format(nil, path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_issued, total_bad = 0, 0
  for _, thread in ipairs(threads) do
    total_issued = total_issued + thread:get("issued")
    total_bad = total_bad + thread:get("bad")
  end
  io.write(string.format("cold: issued %d non2xx %d\\n", total_issued, total_bad))
end
"""


@dataclass
class Listed:
    id: int
    slug: str
    published_at: datetime
    category: str


@dataclass
class Target:
    name: str
    command: list[str]  # "{port}" in it, or in `env`, is replaced by the port
    env: dict[str, str]
    ready: str  # a path that answers once the server serves
    caches: bool
    cwd: Path = ROOT


@dataclass
class Result:
    measure: Measure
    seconds: int
    distinct_urls: int
    issued: int
    completed: int
    socket_errors: str | None = None
    cpu_ms_per_request: float = 0.0  # the server's own CPU time: less swayed by a busy machine than req/s


@dataclass
class Row:
    scenario: str
    results: dict[str, Result] = field(default_factory=dict)

    def ratio(self, other: str) -> float | None:
        ours, theirs = self.results.get("ours"), self.results.get(other)
        if ours is None or theirs is None or not theirs.measure.requests_per_second:
            return None
        return ours.measure.requests_per_second / theirs.measure.requests_per_second


def ensure_database(args: argparse.Namespace) -> str:
    database_url: str = args.database_url or f"sqlite:///{DATA / f'bench-{args.articles}.db'}"
    if database_url.startswith("sqlite") and not Path(database_url.removeprefix("sqlite:///")).exists():
        DATA.mkdir(parents=True, exist_ok=True)
        generate = ["bench.generate", "--articles", str(args.articles), "--database-url", database_url]
        subprocess.run([sys.executable, "-m", *generate], check=True, cwd=ROOT)
    return database_url


@contextmanager
def serving(target: Target) -> Iterator[tuple[str, int]]:
    """The target's base URL and process id while it serves."""
    port = str(free_port())
    server = subprocess.Popen(
        [part.replace("{port}", port) for part in target.command],
        env={name: value.replace("{port}", port) for name, value in target.env.items()},
        cwd=target.cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + target.ready, timeout=120)
        yield base, server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (all its threads) and its children so far."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    ticks = 0
    for each in pids:
        stat = Path(f"/proc/{each}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime, the 14th and 15th fields
    return ticks / os.sysconf("SC_CLK_TCK")


def public_articles(base: str) -> list[Listed]:
    """Every public article, newest first, as our API lists it."""
    found: list[Listed] = []
    cursor = None
    while True:
        query = "limit=100&fields=slug,published_at,category_slug" + (f"&cursor={cursor}" if cursor else "")
        _, _, body = fetch(f"{base}/v1/articles?{query}")
        page = json.loads(body)
        found += [
            Listed(i["id"], i["slug"], datetime.fromisoformat(i["published_at"]), i["category_slug"])
            for i in page["items"]
        ]
        cursor = page["meta"]["next_cursor"]
        if cursor is None:
            return found


# --- the URLs of each scenario, per app --------------------------------------------------------------------

DIRECTUS_FIELDS = "*,category.*,tags.tags_id.*,authors.authors_id.*"
DIRECTUS_PUBLISHED = ("filter[status][_eq]", "published")


def _query(params: list[tuple[str, str]]) -> str:
    return urlencode(params, safe="*,")


def list_scenario(
    articles: list[Listed], *, by_category: bool, orders: int, rng: random.Random
) -> dict[str, list[str]]:
    """Pages of 20 starting at every position of each listing: our cursor, the others' offset. Our
    parameters come in up to `orders` orders, each page once in each."""
    orders = min(orders, factorial(3 + by_category))  # limit, cursor, sort (and category)
    listings: dict[str | None, list[Listed]] = {}
    for article in articles:
        listings.setdefault(article.category if by_category else None, []).append(article)
    pages: list[tuple[str | None, int, int]] = []  # (category, position, parameter order)
    for category, listed in listings.items():
        for position in range(len(listed) - PAGE + 1):
            pages += [(category, position, k) for k in range(orders)]
    rng.shuffle(pages)
    urls: dict[str, list[str]] = {"ours": [], "tutorial": [], "directus": []}
    for category, position, k in pages:
        listed = listings[category]
        if position:
            before = listed[position - 1]
            cursor = encode_cursor("articles:newest", (before.published_at, before.id))
        else:
            cursor = ""  # the first page: an empty cursor means none
        ours = [("limit", str(PAGE)), ("cursor", cursor), ("sort", "newest")]
        ours += [("category", category)] if category else []
        order = list(permutations(ours))[k]
        urls["ours"].append("/v1/articles?" + _query(list(order)))
        tutorial = [("limit", str(PAGE)), ("offset", str(position))]
        tutorial += [("category", category)] if category else []
        urls["tutorial"].append("/articles?" + _query(tutorial))
        directus = [("fields", DIRECTUS_FIELDS), DIRECTUS_PUBLISHED, ("sort", "-published_at")]
        directus += [("filter[category][slug][_eq]", category)] if category else []
        directus += [("limit", str(PAGE)), ("offset", str(position))]
        urls["directus"].append("/items/articles?" + _query(directus))
    return urls


def detail_scenario(articles: list[Listed], rng: random.Random) -> dict[str, list[str]]:
    slugs = [a.slug for a in articles]
    rng.shuffle(slugs)
    fields = f"{DIRECTUS_FIELDS},blocks.*"
    return {
        "ours": [f"/v1/articles/{s}" for s in slugs],
        "tutorial": [f"/articles/{s}" for s in slugs],
        "directus": [
            "/items/articles?"
            + _query([("fields", fields), DIRECTUS_PUBLISHED, ("filter[slug][_eq]", s), ("limit", "1")])
            for s in slugs
        ],
    }


# --- measuring ---------------------------------------------------------------------------------------------


def drive(wrk_path: str, base: str, paths: list[str], seconds: int, args: argparse.Namespace) -> Result:
    """Run wrk on `paths`, each thread taking every n-th one from its own start, so no two requests of a
    run share a URL until the list is used up."""
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        paths_file = Path(tmp) / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        script = Path(tmp) / "cold.lua"
        script.write_text(LUA)
        command = [wrk_path, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency"]
        command += ["--timeout", "30s", "-s", str(script)]
        for name, value in GZIP.items():
            command += ["-H", f"{name}: {value}"]
        command += [base + "/", str(paths_file), str(args.threads)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * scale[u] for p, v, u in _LATENCY.findall(output)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    completed = re.search(r"(\d+) requests in", output)
    non_2xx_3xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    counted = re.search(r"cold: issued (\d+) non2xx (\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    if not (rps and completed and counted):
        sys.exit(f"could not read wrk's output:\n{output}")
    errors = int(counted.group(2)) + (int(non_2xx_3xx.group(1)) if non_2xx_3xx else 0)
    if errors:
        sys.exit(f"{base}: {errors} answers were not 2xx\n{output}")
    return Result(
        measure=Measure(
            requests_per_second=float(rps.group(1)),
            p50_ms=latency.get("50", 0.0),
            p99_ms=latency.get("99", 0.0),
            errors=errors,
        ),
        seconds=seconds,
        distinct_urls=len(set(paths)),
        issued=int(counted.group(1)),
        completed=int(completed.group(1)),
        socket_errors=socket_errors.group(0) if socket_errors else None,
    )


def measure(wrk_path: str, target: Target, paths: list[str], args: argparse.Namespace) -> Result:
    """Serve `target` afresh, warm it with the reserved URLs, then drive the rest. A caching target that
    was sent any URL twice is measured again, fresh, for a duration its distinct URLs cover."""
    warmup, timed = paths[:WARMUP], paths[WARMUP:]
    seconds = args.duration
    while True:
        with serving(target) as (base, pid):
            for path in warmup:
                fetch(base + path, GZIP)
            cpu = cpu_seconds(pid)
            result = drive(wrk_path, base, timed, seconds, args)
            result.cpu_ms_per_request = (cpu_seconds(pid) - cpu) * 1000 / max(result.completed, 1)
        if not (target.caches and result.issued > result.distinct_urls):
            return result
        if seconds == 1:
            print(f"    WARNING: {target.name} got {result.issued} requests for {result.distinct_urls} URLs")
            return result
        fitting = max(1, int(seconds * result.distinct_urls / result.issued * 0.9))
        print(
            f"    {target.name}: {result.issued} requests for {result.distinct_urls} distinct URLs in "
            f"{seconds} s, the cache could have hit: again for {fitting} s",
            flush=True,
        )
        seconds = fitting


# --- Directus ----------------------------------------------------------------------------------------------

DIRECTUS_ADMIN = {"email": "admin@example.com", "password": "bench-password"}


def _directus_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DB_CLIENT": "sqlite3",
        "DB_FILENAME": str(database),
        "KEY": "bench-key",
        "SECRET": "bench-secret-not-for-production-use",
        "ADMIN_EMAIL": DIRECTUS_ADMIN["email"],
        "ADMIN_PASSWORD": DIRECTUS_ADMIN["password"],
        "HOST": "127.0.0.1",
        "PORT": "{port}",
        "PUBLIC_URL": "http://127.0.0.1:{port}",
        "TELEMETRY": "false",
        "LOG_LEVEL": "warn",
        "CACHE_ENABLED": "false",
        "RATE_LIMITER_ENABLED": "false",
        "PRESSURE_LIMITER_ENABLED": "false",  # it answers 503 once the event loop lags, as it will here
    }


def _directus_target(install: Path, database: Path) -> Target:
    node = shutil.which("node") or sys.exit("--directus needs node on the PATH")
    cli = install / "node_modules" / "directus" / "cli.js"
    if not cli.exists():
        sys.exit(f"{cli} is missing: run `npm install directus@11 sqlite3` in {install}")
    return Target(
        "directus", [node, str(cli), "start"], _directus_env(database), "/server/ping", False, install
    )


def _api(base: str, token: str, method: str, path: str, body: Any = None) -> Any:
    request = Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urlopen(request, timeout=120) as response:
            raw = response.read()
    except HTTPError as exc:
        sys.exit(f"Directus refused {method} {path}: {exc.read().decode()}")
    return json.loads(raw)["data"] if raw else None


# collection: its fields as name:type (a string when no type is given); ids are added, slugs are unique
DIRECTUS_SCHEMA = {
    "categories": "slug name description:text",
    "tags": "slug name",
    "authors": "slug name bio:text avatar_url",
    "articles": "slug title focus_keyword standfirst:text language canonical_url seo_title "
    "seo_description:text status published_at:dateTime updated_at:dateTime hero_image:json "
    "word_count:integer reading_time_minutes:integer category:integer",
    "article_blocks": "article:integer position:integer type data:json table_id:integer timeline_id:integer",
    "articles_tags": "articles_id:integer tags_id:integer",
    "articles_authors": "articles_id:integer authors_id:integer",
}


def _collection(name: str, spec: str) -> dict[str, Any]:
    key = {"is_primary_key": True, "has_auto_increment": True}
    fields = [{"field": "id", "type": "integer", "schema": key}]
    for item in spec.split():
        field_name, _, kind = item.partition(":")
        fields.append(
            {"field": field_name, "type": kind or "string", "schema": {"is_unique": field_name == "slug"}}
        )
    # Directus validates a field's `meta` even when there is nothing to say in it
    return {"collection": name, "schema": {}, "meta": {}, "fields": [f | {"meta": {}} for f in fields]}


DIRECTUS_ALIASES = [("tags", "m2m"), ("authors", "m2m"), ("blocks", "o2m")]
DIRECTUS_RELATIONS: list[dict[str, Any]] = [
    {"collection": "articles", "field": "category", "related_collection": "categories"},
    {
        "collection": "article_blocks",
        "field": "article",
        "related_collection": "articles",
        "meta": {"one_field": "blocks", "sort_field": "position"},
    },
    *(
        relation
        for other in ("tags", "authors")
        for relation in (
            {
                "collection": f"articles_{other}",
                "field": "articles_id",
                "related_collection": "articles",
                "meta": {"one_field": other, "junction_field": f"{other}_id"},
            },
            {
                "collection": f"articles_{other}",
                "field": f"{other}_id",
                "related_collection": other,
                "meta": {"junction_field": "articles_id"},
            },
        )
    ),
]
# the same rows as our database, and the indexes our migrations give those reads
DIRECTUS_COPY = """
INSERT INTO categories (id, slug, name, description) SELECT id, slug, name, description FROM src.category;
INSERT INTO tags (id, slug, name) SELECT id, slug, name FROM src.tag;
INSERT INTO authors (id, slug, name, bio, avatar_url) SELECT id, slug, name, bio, avatar_url FROM src.author;
INSERT INTO articles (id, slug, title, focus_keyword, standfirst, language, canonical_url, seo_title,
    seo_description, status, published_at, updated_at, hero_image, word_count, reading_time_minutes, category)
  SELECT id, slug, title, focus_keyword, standfirst, language, canonical_url, seo_title, seo_description,
    status, substr(published_at, 1, 19), substr(updated_at, 1, 19), hero_image, word_count,
    reading_time_minutes, category_id
  FROM src.article;
INSERT INTO article_blocks (id, article, position, type, data, table_id, timeline_id)
  SELECT id, article_id, position, type, data, table_id, timeline_id FROM src.articleblock;
INSERT INTO articles_tags (articles_id, tags_id)
  SELECT article_id, tag_id FROM src.articletag ORDER BY article_id, position;
INSERT INTO articles_authors (articles_id, authors_id)
  SELECT article_id, author_id FROM src.articleauthor ORDER BY article_id, position;
CREATE INDEX articles_status_published_at ON articles (status, published_at, id);
CREATE INDEX articles_category_status_published_at ON articles (category, status, published_at, id);
CREATE INDEX article_blocks_article ON article_blocks (article, position);
CREATE INDEX articles_tags_article ON articles_tags (articles_id);
CREATE INDEX articles_authors_article ON articles_authors (articles_id);
ANALYZE;
"""


def prepare_directus(install: Path, source: Path) -> Path:
    """A Directus database holding the articles of `source`, made once and kept in bench/data."""
    database = DATA / f"directus-{source.stem}.db"
    if database.exists():
        return database
    building = DATA / f"directus-{source.stem}.building.db"
    building.unlink(missing_ok=True)
    target = _directus_target(install, building)
    print(f"Directus: bootstrapping {database.name}", flush=True)
    env = {name: value.replace("{port}", "8055") for name, value in target.env.items()}
    subprocess.run([*target.command[:2], "bootstrap"], env=env, cwd=install, check=True, capture_output=True)
    with serving(target) as (base, _):
        login = Request(
            base + "/auth/login",
            data=json.dumps(DIRECTUS_ADMIN).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urlopen(login, timeout=60) as response:
            token = json.loads(response.read())["data"]["access_token"]
        for name, spec in DIRECTUS_SCHEMA.items():
            _api(base, token, "POST", "/collections", _collection(name, spec))
        for alias, special in DIRECTUS_ALIASES:
            _api(
                base,
                token,
                "POST",
                "/fields/articles",
                {"field": alias, "type": "alias", "meta": {"special": [special]}},
            )
        for relation in DIRECTUS_RELATIONS:
            _api(base, token, "POST", "/relations", relation)
        public = next(
            p["id"] for p in _api(base, token, "GET", "/policies") if p["name"] == "$t:public_label"
        )
        for name in DIRECTUS_SCHEMA:
            permission = {"policy": public, "collection": name, "action": "read"}
            _api(base, token, "POST", "/permissions", permission | {"fields": ["*"], "permissions": {}})
    with closing(sqlite3.connect(building)) as connection:
        connection.execute("ATTACH DATABASE ? AS src", (str(source),))
        connection.executescript(DIRECTUS_COPY)
        connection.commit()
    building.rename(database)
    return database


# --- the run -----------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> list[Row]:
    wrk_path = ensure_tool("wrk", "wrk")
    database_url = ensure_database(args)
    ours = Target(
        "ours",
        [sys.executable, "-m", "app.cli", "serve", "--no-demo", "--port", "{port}", "--workers", "1"],
        {
            **os.environ,
            "DATABASE_URL": database_url,
            "BROADSHEET_RATE_LIMITS": json.dumps(UNLIMITED),
            "BROADSHEET_RESPONSE_CACHE_ENABLED": "true",
        },
        "/healthz",
        caches=True,
    )
    tutorial = Target(
        "tutorial",
        [sys.executable, "-m", "uvicorn", "bench.tutorial_app:app", "--port", "{port}", "--no-access-log"],
        {**os.environ, "DATABASE_URL": database_url},
        "/articles?limit=1",
        caches=False,
    )
    targets = [ours, tutorial]
    if args.floor:
        # ours, as served, with the list and detail routes' database work taken out (bench/floor_app.py)
        floor = Target(
            "floor",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.floor_app:app",
                "--port",
                "{port}",
                "--no-access-log",
                "--no-server-header",
                "--http",
                "app.http_server:JoinedWritesProtocol",
            ],
            ours.env,
            "/healthz",
            caches=True,
        )
        targets.append(floor)
    if args.directus:
        if not database_url.startswith("sqlite:///"):
            sys.exit("--directus copies its data from a SQLite database")
        source = Path(database_url.removeprefix("sqlite:///"))
        directus_database = prepare_directus(args.directus.resolve(), source.resolve())
        targets.append(_directus_target(args.directus.resolve(), directus_database))
    with serving(ours) as (base, _):
        articles = public_articles(base)
    print(f"{len(articles)} public articles", flush=True)
    rng = random.Random(args.seed)
    scenarios = {
        "list newest 20": list_scenario(articles, by_category=False, orders=args.orders, rng=rng),
        "list by category": list_scenario(articles, by_category=True, orders=args.orders, rng=rng),
        "article detail": detail_scenario(articles, rng),
    }
    rows = []
    for name, urls in scenarios.items():
        row = Row(name)
        print(f"{name}: {len(urls['ours']) - WARMUP} URLs", flush=True)
        for target in targets:
            paths = urls["ours" if target.name == "floor" else target.name]
            print(f"    {target.name:9} e.g. {paths[WARMUP]}", flush=True)
            result = measure(wrk_path, target, paths, args)
            row.results[target.name] = result
            print(
                f"    {target.name:9} {result.measure.requests_per_second:>8.0f} req/s "
                f"p50 {result.measure.p50_ms:.1f} ms p99 {result.measure.p99_ms:.1f} ms "
                f"({result.issued} requests, {result.distinct_urls} distinct URLs, {result.seconds} s)"
                + (f" {result.socket_errors}" if result.socket_errors else ""),
                flush=True,
            )
        rows.append(row)
    return rows


def report(rows: list[Row], args: argparse.Namespace, load: tuple[float, float]) -> str:
    lines = [
        f"{args.articles or 'given'} articles, every request a distinct URL (response cache cold), "
        f"1 process each, wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"Accept-Encoding: gzip; load average {load[0]:.2f} before, {load[1]:.2f} after",
        "",
        "| scenario | app | req/s | p50 ms | p99 ms | CPU ms/req | ours ×, req/s | ours ×, CPU | asked |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ours = row.results["ours"]
        for name, result in row.results.items():
            if name == "floor":
                continue  # a line of its own below: it bounds what any route could reach
            measured = result.measure
            line = (
                f"| {row.scenario if name == 'ours' else ''} | {name} | {measured.requests_per_second:.0f} "
                f"| {measured.p50_ms:.1f} | {measured.p99_ms:.1f} | {result.cpu_ms_per_request:.1f} |"
            )
            ratio = row.ratio(name)
            if name == "ours" or ratio is None:
                line += " | | |"
            else:
                by_cpu = result.cpu_ms_per_request / ours.cpu_ms_per_request if ours.cpu_ms_per_request else 0
                line += f" {ratio:.1f}x | {by_cpu:.1f}x | {ASKED[name][row.scenario]:.0f}x |"
            lines.append(line)
    lines.append("")
    for row in rows:
        floor, tutorial = row.results.get("floor"), row.results.get("tutorial")
        if floor is None or tutorial is None:
            continue
        lines.append(
            f"- {row.scenario}, ours with no route work (the floor, `bench/floor_app.py`): "
            f"{floor.measure.requests_per_second:.0f} req/s, p50 {floor.measure.p50_ms:.1f} ms, "
            f"{floor.cpu_ms_per_request:.2f} ms CPU per request: the most any route code could reach is "
            f"{floor.measure.requests_per_second / tutorial.measure.requests_per_second:.1f}x the tutorial "
            f"by req/s, {tutorial.cpu_ms_per_request / floor.cpu_ms_per_request:.1f}x by CPU"
        )
    lines.append("")
    for row in rows:
        ours = row.results["ours"]
        repeated = " (some repeated: the cache could have hit)" if ours.issued > ours.distinct_urls else ""
        lines.append(
            f"- {row.scenario}: ours was sent {ours.issued} requests for {ours.distinct_urls} distinct URLs "
            f"in {ours.seconds} s{repeated}"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--database-url", help="an existing, migrated database instead of a generated SQLite file"
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--orders", type=int, default=6, help="parameter orders per list page (more distinct list URLs)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also serve our app with the routes' database work taken out: the most any route could reach",
    )
    parser.add_argument(
        "--directus", type=Path, help="a directory with Directus 11 installed by npm: adds it as a column"
    )
    args = parser.parse_args()
    before = os.getloadavg()[0]
    rows = run(args)
    table = report(rows, args, (before, os.getloadavg()[0]))
    print()
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{args.articles}-cold"
    rows_json = [
        {"scenario": r.scenario}
        | {name: asdict(result) | {"ours_ratio": r.ratio(name)} for name, result in r.results.items()}
        for r in rows
    ]
    (RESULTS / f"{label}.json").write_text(
        json.dumps({"args": vars(args) | {"directus": str(args.directus or "")}, "rows": rows_json}, indent=2)
        + "\n"
    )
    (RESULTS / f"{label}.md").write_text(table)


if __name__ == "__main__":
    main()
