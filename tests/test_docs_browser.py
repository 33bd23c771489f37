"""The API explorer in a real browser: Debian's Chromium, driven by Playwright, against a served app.

Every request the pages make is recorded; any that would leave 127.0.0.1 is aborted and fails the test."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it; CI never skips this)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`broadsheet serve` on a fresh SQLite file: real HTTP, as the README runs it."""
    port = _free_port()
    database = tmp_path_factory.mktemp("served") / "broadsheet.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urlopen(f"{base}/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(("page", "ready"), [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_explorer_renders_with_no_outside_request(served: str, page: str, ready: str) -> None:
    from playwright.sync_api import Route, sync_playwright

    assert CHROMIUM is not None
    requested: list[str] = []
    outside: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        if urlsplit(url).hostname != "127.0.0.1" and not url.startswith(("data:", "blob:")):
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            context = browser.new_context()
            context.route("**/*", guard)
            tab = context.new_page()
            tab.goto(served + page, wait_until="networkidle")
            tab.wait_for_selector(ready, timeout=20_000)
            text = tab.inner_text("body")
            tab.screenshot(path=str(ARTIFACTS / f"explorer{page.replace('/', '-')}.png"), full_page=False)
        finally:
            browser.close()
    assert outside == []
    assert any(url.endswith("/openapi.json") for url in requested)
    assert "/v1/articles" in text
    assert "timeline" in text.lower()
