"""The API explorer in a real browser: Debian's Chromium, driven by Playwright, against a served app.

Every request the pages make is recorded; any that would leave 127.0.0.1 is aborted and fails the test."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.servers import served as serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it; CI never skips this)",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("served") / "broadsheet.db"
    with serving({"DATABASE_URL": f"sqlite:///{database}"}) as base:
        yield base


@pytest.mark.parametrize(("page", "ready"), [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_explorer_renders_with_no_outside_request(served: str, page: str, ready: str) -> None:
    from playwright.sync_api import Route, sync_playwright

    assert CHROMIUM is not None
    requested: list[str] = []
    outside: list[str] = []
    refused: list[str] = []  # what the page's Content-Security-Policy blocked

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
            tab.on(
                "console",
                lambda message: (
                    refused.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )
            tab.goto(served + page, wait_until="networkidle")
            tab.wait_for_selector(ready, timeout=20_000)
            text = tab.inner_text("body")
            tab.screenshot(path=str(ARTIFACTS / f"explorer{page.replace('/', '-')}.png"), full_page=False)
        finally:
            browser.close()
    assert outside == []
    assert refused == []
    assert any(url.endswith("/openapi.json") for url in requested)
    assert "/v1/articles" in text
    assert "timeline" in text.lower()
