"""Hot-path benchmark: the app as deployed, against nginx serving the same answers as static files.

    python -m bench.run --articles 10000            # generates bench/data/bench-10000.db if missing
    python -m bench.run --articles 10000 --uncached  # the response cache off: every request does the work

Serves the app with `broadsheet serve` (Uvicorn, `--workers`, rate limits on with a budget no run can
exhaust), drives each endpoint with `wrk` on loopback, records req/s, p50, p99 and the server's RSS, then
serves the very same bytes from nginx and drives those, so each endpoint's ratio to nginx comes from one run
on one machine. `wrk` and `nginx` are installed with apt when missing (as root). Results: a JSON file and a
Markdown table in bench/results/."""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.request import Request, urlopen

from app.pagination import encode_cursor

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "bench" / "data"
UNLIMITED = {
    group: {"anonymous": 10**9, "keyed": 10**9}
    for group in ("public", "search", "events", "newsletter", "sync", "admin")
}


@dataclass
class Measure:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Row:
    endpoint: str
    url: str
    app: Measure
    nginx: Measure | None
    rss_mb: float
    floor: Measure | None = None  # a bare ASGI app under Uvicorn sending the same stored answer

    @property
    def ratio(self) -> float | None:
        if self.nginx is None or not self.nginx.requests_per_second:
            return None
        return self.app.requests_per_second / self.nginx.requests_per_second


def ensure_tool(name: str, package: str) -> str:
    found = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit(f"{name} is missing: install the Debian package {package}")
    subprocess.run(
        ["apt-get", "install", "-y", "-q", package],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which(name) or f"/usr/sbin/{name}"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    with urlopen(Request(url, headers=headers or {}), timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


def wrk(
    wrk_path: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    headers: dict[str, str],
    script: Path | None = None,
) -> Measure:
    """One wrk run against `url` (with a Lua `script`, the paths it asks for are the script's)."""
    command = [wrk_path, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> Measure:
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * scale[u] for p, v, u in _LATENCY.findall(output)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    if socket_errors:
        print("   ", socket_errors.group(0))
    return Measure(
        requests_per_second=float(rps.group(1)) if rps else 0.0,
        p50_ms=latency.get("50", 0.0),
        p99_ms=latency.get("99", 0.0),
        errors=int(errors.group(1)) if errors else 0,
    )


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Uvicorn's workers)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            total += int(match.group(1)) if match else 0
    return round(total / 1024, 1)


def endpoints(base: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The scenarios of issue 7, as URLs found on the served data."""
    _, _, body = fetch(f"{base}/v1/articles?limit=1&include=category,tags")
    first = json.loads(body)["items"][0]
    tag = first["tags"][0]["slug"] if first.get("tags") else None
    category = first["category"]["slug"]
    _, _, oldest_body = fetch(f"{base}/v1/articles?sort=oldest&limit=21&fields=published_at")
    oldest = json.loads(oldest_body)["items"][-1]
    deep = encode_cursor("articles:newest", (datetime.fromisoformat(oldest["published_at"]), oldest["id"]))
    _, _, events = fetch(f"{base}/v1/timeline-events?limit=1")
    event_items = json.loads(events)["items"]
    day = event_items[0]["starts_on"] if event_items else "2025-01-01"
    scenarios: dict[str, tuple[str, dict[str, str]]] = {
        "article detail": (f"/v1/articles/{first['slug']}", {}),
        "list page 1": ("/v1/articles", {}),
        "list deep cursor": (f"/v1/articles?cursor={deep}", {}),
        "list category + tag": (f"/v1/articles?category={category}" + (f"&tag={tag}" if tag else ""), {}),
        "home": ("/v1/home", {}),
        "trending": ("/v1/trending", {}),
        "tables list": ("/v1/tables", {}),
        "timeline events range": (f"/v1/timeline-events?from={day[:4]}-01-01&to={day[:4]}-12-31", {}),
        "search": ("/v1/search?q=the", {}),
    }
    _, headers, _ = fetch(base + scenarios["article detail"][0], {"Accept-Encoding": "gzip"})
    scenarios["304 revalidation"] = (scenarios["article detail"][0], {"If-None-Match": headers["etag"]})
    return scenarios


FLOOR_APP = """
import json, pathlib
HERE = pathlib.Path(__file__).parent
ANSWERS = {
    path: (
        status,
        [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        (HERE / file).read_bytes(),
    )
    for path, (status, headers, file) in json.loads((HERE / "answers.json").read_text()).items()
}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    status, headers, body = ANSWERS[scope["path"]]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
"""
NOT_ON_304 = ("content-length", "content-type", "content-encoding")


def start_floor(
    tmp: Path, answers: dict[str, tuple[int, list[tuple[str, str]], str]], workers: int
) -> tuple[subprocess.Popen[bytes], int]:
    """The floor under any ASGI app: Uvicorn and an app that only sends stored bytes and headers."""
    (tmp / "floor_app.py").write_text(FLOOR_APP)
    (tmp / "answers.json").write_text(json.dumps(answers))
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "floor_app:app", "--app-dir", str(tmp), "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log", "--no-server-header", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=tmp, start_new_session=True)
    wait_for(f"http://127.0.0.1:{port}/0.json")
    return process, port


NGINX_CONF = """
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ application/json json; }}
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        etag on;
        gzip_static on;
    }}
}}
"""


def run(args: argparse.Namespace) -> list[Row]:
    wrk_path = ensure_tool("wrk", "wrk")
    nginx_path = None if args.no_nginx else ensure_tool("nginx", "nginx")
    database_url = args.database_url or f"sqlite:///{DATA / f'bench-{args.articles}.db'}"
    if (
        args.articles
        and database_url.startswith("sqlite")
        and not Path(database_url.removeprefix("sqlite:///")).exists()
    ):
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.generate",
                "--articles",
                str(args.articles),
                "--database-url",
                database_url,
            ],
            check=True,
            cwd=ROOT,
        )
    # trending counts the views of the last hours by the clock: give it a fresh two days of them
    subprocess.run(
        [sys.executable, "-m", "bench.generate", "--views-only", "--database-url", database_url],
        check=True,
        cwd=ROOT,
    )
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BROADSHEET_RATE_LIMITS": json.dumps(UNLIMITED),
        "BROADSHEET_RESPONSE_CACHE_ENABLED": "false" if args.uncached else "true",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--no-demo",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    rows: list[Row] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    tmp.chmod(0o755)  # nginx's workers run as another user
    nginx = floor = None
    try:
        wait_for(f"{base}/healthz")
        scenarios = endpoints(base)
        static: dict[str, str] = {}
        answers: dict[str, tuple[int, list[tuple[str, str]], str]] = {}
        (tmp / "www").mkdir()
        for n, (name, (path, headers)) in enumerate(scenarios.items()):
            _, app_headers, body = fetch(base + path, {"Accept-Encoding": "gzip"})
            file = f"/{n}.json"
            (tmp / "www" / file[1:]).write_bytes(body)  # the compressed bytes the app sends, as nginx would
            static[name] = file
            kept = [(k, v) for k, v in app_headers.items() if k not in ("date", "server", "connection")]
            if "If-None-Match" in headers:
                kept = [(k, v) for k, v in kept if k not in NOT_ON_304]
                (tmp / "www" / "empty").write_bytes(b"")
                answers[file] = (304, kept, "www/empty")
            else:
                answers[file] = (200, kept, f"www/{file[1:]}")
        floor, floor_port = start_floor(tmp, answers, args.workers) if args.floor else (None, 0)
        if nginx_path is not None:
            nginx_port = free_port()
            (tmp / "nginx.conf").write_text(NGINX_CONF.format(workers=args.workers, tmp=tmp, port=nginx_port))
            nginx = subprocess.Popen([nginx_path, "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
            wait_for(f"http://127.0.0.1:{nginx_port}/0.json")
        for name, (path, headers) in scenarios.items():
            request_headers = {"Accept-Encoding": "gzip", **headers}
            print(f"{name:24} {path}", flush=True)
            if not args.uncached:  # steady state: the first request of a URL fills the cache, not timed
                fetch(base + path, {"Accept-Encoding": "gzip"})
            app_measure = wrk(
                wrk_path,
                base + path,
                seconds=args.duration,
                connections=args.connections,
                threads=args.threads,
                headers=request_headers,
            )
            nginx_measure = None
            if nginx is not None:
                nginx_url = f"http://127.0.0.1:{nginx_port}{static[name]}"
                nginx_headers = {"Accept-Encoding": "gzip"}
                if "If-None-Match" in headers:
                    _, static_headers, _ = fetch(nginx_url)
                    nginx_headers["If-None-Match"] = static_headers["etag"]
                nginx_measure = wrk(
                    wrk_path,
                    nginx_url,
                    seconds=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                    headers=nginx_headers,
                )
            floor_measure = None
            if floor is not None:
                floor_measure = wrk(
                    wrk_path,
                    f"http://127.0.0.1:{floor_port}{static[name]}",
                    seconds=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                    headers={"Accept-Encoding": "gzip"},
                )
            rows.append(Row(name, path, app_measure, nginx_measure, rss_mb(server.pid), floor_measure))
            row = rows[-1]
            print(
                f"    app {app_measure.requests_per_second:>9.0f} req/s p50 {app_measure.p50_ms:.2f} ms "
                f"p99 {app_measure.p99_ms:.2f} ms errors {app_measure.errors}"
                + (
                    f" | nginx {nginx_measure.requests_per_second:>9.0f} req/s ratio {row.ratio:.2f}"
                    if nginx_measure
                    else ""
                )
                + f" | rss {row.rss_mb} MB",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        if floor is not None:
            os.killpg(floor.pid, signal.SIGTERM)
            floor.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def report(rows: list[Row], args: argparse.Namespace) -> str:
    mode = "uncached (response cache off)" if args.uncached else "cached"
    lines = [
        f"{args.articles or 'given'} articles, {mode}, {args.workers} worker(s), wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s, Accept-Encoding: gzip",
        "",
        "| endpoint | app req/s | p50 ms | p99 ms | nginx req/s | app / nginx | bare ASGI req/s "
        "| app / bare ASGI | server RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        nginx = f"{row.nginx.requests_per_second:.0f}" if row.nginx else "-"
        ratio = f"{row.ratio:.0%}" if row.ratio is not None else "-"
        floor = f"{row.floor.requests_per_second:.0f}" if row.floor else "-"
        to_floor = (
            f"{row.app.requests_per_second / row.floor.requests_per_second:.0%}"
            if row.floor and row.floor.requests_per_second
            else "-"
        )
        lines.append(
            f"| {row.endpoint} | {row.app.requests_per_second:.0f} | {row.app.p50_ms:.2f} | "
            f"{row.app.p99_ms:.2f} | {nginx} | {ratio} | {floor} | {to_floor} | {row.rss_mb} |"
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
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--uncached", action="store_true")
    parser.add_argument("--no-nginx", action="store_true")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also measure a bare ASGI app under Uvicorn sending the same stored answers (the floor)",
    )
    args = parser.parse_args()
    rows = run(args)
    table = report(rows, args)
    print()
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    label = f"{stamp}-{args.articles}-{'uncached' if args.uncached else 'cached'}"
    (RESULTS / f"{label}.json").write_text(
        json.dumps({"args": vars(args), "rows": [asdict(r) | {"ratio": r.ratio} for r in rows]}, indent=2)
        + "\n"
    )
    (RESULTS / f"{label}.md").write_text(table)


if __name__ == "__main__":
    main()
