"""The reference frontend at /demo/: its page policy, then the pages in a real browser (Debian's Chromium
driven by Playwright) against `broadsheet serve` with the demo content.

Every request the pages make is recorded; any that would leave 127.0.0.1 is aborted. Only the demo
articles' hero images (an example host) may try to; anything else fails the test. Screenshots go to
test-artifacts/."""

import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.frontend import page_csp
from app.main import create_app
from tests.servers import served as serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SEED = "kim-jong-un-new-year-greetings-putin-blood-alliance"
SEED_TITLE = "Kim Jong un Sends New Year Greetings to Putin, Calling DPRK-Russia Ties a “Blood” Alliance"
TABLES = [
    "Public themes emphasized in the New Year exchange",
    "Timeline of key milestones shaping DPRK–Russia ties",
    "What monitoring efforts are alleging at a high level",
]
IMAGE_HOST = "images.broadsheet.example"
browser_only = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it; CI never skips this)",
)


# --- serving: no browser needed -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages() -> TestClient:
    """Static pages only: no database, and no lifespan (its background threads would want one)."""
    return TestClient(create_app(Settings(database_url="sqlite://")))


def test_the_pages_carry_their_own_policy(pages: TestClient) -> None:
    index = pages.get("/demo/")
    assert index.status_code == 200
    assert index.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="app.js"></script>' in index.text
    assert index.headers["content-security-policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    )
    assert index.headers["cache-control"] == "no-cache"
    assert index.headers["x-content-type-options"] == "nosniff"
    for name, media in (("app.js", "javascript"), ("api.js", "javascript"), ("styles.css", "text/css")):
        asset = pages.get(f"/demo/{name}")
        assert asset.status_code == 200
        assert media in asset.headers["content-type"]
    moved = pages.get("/demo", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "http://testserver/demo/"
    assert pages.get("/demo/missing.js").status_code == 404


@pytest.mark.parametrize(
    ("query", "connect"),
    [
        ("api=https://news-api.example.com/base/", "'self' https://news-api.example.com"),
        ("api=http://127.0.0.1:9000", "'self' http://127.0.0.1:9000"),
        ("api=https://[::1]:8443", "'self' https://[::1]:8443"),
        ("api=javascript:alert(1)", "'self'"),
        ("api=https://a.example;script-src%20*", "'self'"),
        ("api=https://a.example:99999", "'self'"),
        ("api=https://a.example&api=https://b.example", "'self'"),
        ("other=1", "'self'"),
    ],
)
def test_the_api_override_is_the_only_other_origin_the_page_may_call(query: str, connect: str) -> None:
    policy = page_csp(query.encode())
    assert f"connect-src {connect};" in policy
    assert "script-src 'self';" in policy


# --- the pages in Chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    database = tmp_path_factory.mktemp("frontend") / "broadsheet.db"
    with serving({"DATABASE_URL": f"sqlite:///{database}"}) as base:
        yield base, database


class Watch:
    """What a browser context asked for, what was kept from leaving the machine, and what went wrong."""

    def __init__(self) -> None:
        self.outside: list[tuple[str, str]] = []  # (resource type, URL)
        self.refused: list[str] = []  # Content-Security-Policy violations
        self.errors: list[str] = []  # uncaught exceptions in the page

    def guard(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname != "127.0.0.1" and not url.startswith(("data:", "blob:")):
            self.outside.append((route.request.resource_type, url))
            route.abort()
        else:
            route.continue_()

    def console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def check(self) -> None:
        assert self.refused == []
        assert self.errors == []
        assert {kind for kind, _ in self.outside} <= {"image"}
        assert {urlsplit(url).hostname for _, url in self.outside} <= {IMAGE_HOST}


@browser_only
def test_home_article_newsletter_and_errors_in_chromium(served: tuple[str, Path]) -> None:
    from playwright.sync_api import Route, expect, sync_playwright

    assert CHROMIUM is not None
    base, database = served
    watch = Watch()
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
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", watch.guard)
            tab = context.new_page()
            tab.on("console", watch.console)
            tab.on("pageerror", lambda error: watch.errors.append(str(error)))

            # the home page: category sections and the trending sidebar
            tab.goto(f"{base}/demo/", wait_until="networkidle")
            tab.wait_for_selector(".home-section")
            sections = tab.locator(".home-section > h2").all_text_contents()
            assert sections[0] == "World & Politics"
            assert "Fintech & Finance" in sections
            expect(tab.locator("#trending ol.trending > li")).to_have_count(5)
            expect(tab.locator("#sections li")).to_have_count(7)
            expect(tab.locator("#newsletter-topics input[type=checkbox]")).to_have_count(7)
            tab.screenshot(path=str(ARTIFACTS / "demo-home.png"), full_page=True)

            # into the seed article, which counts a view as it opens
            with tab.expect_response(lambda r: r.url.endswith("/v1/events/views")) as viewed:
                tab.locator(f'.home-section a[href="#/article/{SEED}"]').first.click()
            assert viewed.value.status == 202
            view = viewed.value.request.post_data_json
            assert view is not None
            assert view["article"] == SEED
            assert len(view["session"]) == 36  # an anonymous id kept in localStorage
            story = tab.locator("article.story")
            expect(story.locator("h1")).to_have_text(SEED_TITLE)
            assert tab.title() == f"{SEED_TITLE} · Broadsheet"
            expect(story.locator(".standfirst")).to_contain_text("Dec. 27 holiday message")
            expect(story.locator("table")).to_have_count(3)
            assert story.locator("table caption").all_text_contents() == TABLES
            for table, rows in zip(story.locator("table").all(), (3, 5, 4), strict=True):
                expect(table.locator("thead th[scope=col]")).to_have_count(3)
                expect(table.locator("tbody tr")).to_have_count(rows)
                expect(table.locator("tbody th[scope=row]")).to_have_count(rows)
            events = story.locator("ol.timeline-events > li")
            expect(events).to_have_count(5)
            assert [t.get_attribute("datetime") for t in events.locator("time").all()] == [
                "2024-03-28",
                "2024-06-19",
                "2024-10",
                "2025-05-29",
                "2025-12-18",
            ]
            assert events.locator("time").all_inner_texts()[2:] == [
                "October 2024",
                "May 29, 2025",
                "Dec. 18 & Dec. 27, 2025",
            ]
            expect(story.locator(".body > h2").first).to_have_text(
                "What Kim’s message to Putin revealed, and why the wording matters?"
            )
            expect(tab.locator(".related h2")).to_have_text("Related Articles")
            expect(tab.locator(".related .loading")).to_have_count(0)
            expect(tab.locator(".error")).to_have_count(0)
            expect(tab.locator("#trending ol.trending > li")).to_have_count(5)
            tab.screenshot(path=str(ARTIFACTS / "demo-article.png"), full_page=True)
            # the timeline's own table opens on demand
            timeline_table = story.locator(".timeline details table")
            expect(timeline_table).to_be_hidden()
            story.locator(".timeline summary").click()
            expect(timeline_table).to_be_visible()

            # the newsletter form: the subscription waits in the outbox for the mail worker
            tab.fill("#newsletter-email", "Reader@Example.org")
            tab.check('#newsletter-topics input[value="world-politics"]')
            with tab.expect_response(lambda r: r.url.endswith("/v1/newsletter/subscriptions")) as subscribed:
                tab.click("#newsletter-form button")
            assert subscribed.value.status == 202
            expect(tab.locator("#newsletter .thanks")).to_have_text(
                "Thank you! Check your inbox: we sent you a link to confirm your subscription."
            )
            tab.locator("#newsletter").screenshot(path=str(ARTIFACTS / "demo-newsletter.png"))
            with sqlite3.connect(database) as db:
                ((to, text),) = db.execute("SELECT to_address, body_text FROM newslettermail").fetchall()
            assert to == "reader@example.org"
            token = re.search(r"/v1/newsletter/confirm\?token=([A-Za-z0-9_-]+)", text)
            assert token is not None
            # a site page can take the link and confirm it through the API
            tab.goto(f"{base}/demo/#/newsletter/confirm/{token.group(1)}")
            expect(tab.locator("main h1")).to_have_text("Subscription confirmed")
            with sqlite3.connect(database) as db:
                assert db.execute("SELECT status, topics FROM newslettersubscriber").fetchall() == [
                    ("confirmed", '["world-politics"]')
                ]

            # errors stay in their place: an unknown article, then a failing home page
            tab.goto(f"{base}/demo/#/article/no-such-article")
            tab.reload(wait_until="networkidle")
            expect(tab.locator("main .error .error-title")).to_have_text("Article not found")
            expect(tab.locator("main .error")).to_contain_text(
                "No published article has the slug 'no-such-article'."
            )
            expect(tab.locator("#trending ol.trending > li")).to_have_count(5)
            tab.screenshot(path=str(ARTIFACTS / "demo-not-found.png"), full_page=True)

            def broken(route: Route) -> None:
                route.fulfill(
                    status=503,
                    content_type="application/problem+json",
                    body='{"type": "/problems/x", "title": "Service Unavailable", "status": 503, '
                    '"detail": "The database is being upgraded."}',
                )

            tab.route("**/v1/home*", broken)
            tab.goto(f"{base}/demo/#/")
            tab.reload(wait_until="networkidle")
            expect(tab.locator("main .error .error-title")).to_have_text("The front page could not be loaded")
            expect(tab.locator("main .error")).to_contain_text("The database is being upgraded.")
            expect(tab.locator("#trending ol.trending > li")).to_have_count(5)
            expect(tab.locator("#sections li")).to_have_count(7)
        finally:
            browser.close()
    watch.check()
