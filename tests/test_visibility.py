"""Property: whatever mix of articles exists, no public endpoint ever shows a draft, a scheduled or
published-but-future, an archived or a deleted article — nor its tables, timelines or events.

Every public GET operation in the OpenAPI document is visited (lists walked to the end), so an endpoint added
later joins this test by being documented."""

import itertools
import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.trending.events import hour_of
from app.trending.models import CuratedList, CuratedListEntry, ListKind, TrendingPin, ViewBucket
from tests.factories import NOW, event, make_article, make_category, make_table, make_tag, make_timeline

_spec = create_app(Settings(database_url="sqlite://")).openapi()
PUBLIC_GETS = sorted(
    path
    for path, item in _spec["paths"].items()
    if "get" in item
    and not item["get"].get("security")
    # previews show drafts by design; newsletter links show no content and need a token
    and not path.startswith(("/v1/preview", "/v1/newsletter/"))
)
LISTS = {
    p
    for p in PUBLIC_GETS
    if any(q["name"] == "limit" for q in _spec["paths"][p]["get"].get("parameters", []))
}
_examples = itertools.count(1)
HIDDEN_KINDS = ["draft", "scheduled-future", "published-future", "archived", "deleted"]
KINDS = ["published", "scheduled-due", *HIDDEN_KINDS]
# paths named by something other than an article: visited below with this example's category and tag
TAXONOMY_PATHS = ("/v1/categories/", "/v1/tags/", "/v1/authors/", "/v1/feeds/", "/sitemaps/")


def _make(
    session: Session, kind: str, n: int, marker: str, category: Any, tag: Any, lists: list[int]
) -> dict[str, Any]:
    status, when = {
        "published": ("published", NOW - timedelta(hours=n + 1)),
        "scheduled-due": ("scheduled", NOW - timedelta(minutes=n + 1)),
        "draft": ("draft", NOW - timedelta(hours=n + 1)),
        "scheduled-future": ("scheduled", NOW + timedelta(days=n + 1)),
        "published-future": ("published", NOW + timedelta(hours=n + 1)),
        "archived": ("archived", NOW - timedelta(days=n + 1)),
        "deleted": ("published", NOW - timedelta(hours=n + 1)),
    }[kind]
    label = f"{marker}-{kind}-{n}"
    article = make_article(
        session,
        slug=label.lower(),
        title=label,
        category=category,
        tags=[tag],
        status=status,
        published_at=when,
    )
    table = make_table(session, article, title=f"{label} table", rows=[[label, n]])
    timeline, _ = make_timeline(
        session,
        article,
        [event("2024-10-01", "month", milestone=f"{label} event")],
        slug=f"{label.lower()}-line",
    )
    _trending_traces(session, article.id, n, category.id, lists)
    if kind == "deleted":
        session.delete(article)
        session.commit()
    return {"slug": label.lower(), "id": article.id, "table": table.id, "timeline": timeline.slug}


def _trending_traces(session: Session, article_id: Any, n: int, category_id: Any, lists: list[int]) -> None:
    """Views, pins and list entries, whatever the article's status (the view API refuses hidden ones)."""
    session.add(ViewBucket(article_id=article_id, hour=hour_of(NOW), views=n + 1))
    session.add(TrendingPin(article_id=article_id, position=n + 1))
    session.add(TrendingPin(article_id=article_id, position=n + 1, category_id=category_id))
    session.add_all(CuratedListEntry(list_id=i, article_id=article_id, position=n + 1) for i in lists)
    session.commit()


def _curated_lists(session: Session, marker: str) -> list[CuratedList]:
    made = [CuratedList(slug=f"{marker.lower()}-{kind}", title=kind, kind=kind) for kind in ListKind]
    session.add_all(made)
    session.commit()
    return made


def _visit(client: TestClient, path: str) -> list[str]:
    """Bodies of every page of a GET (lists followed to the end)."""
    bodies = []
    url: str | None = path if "?" in path or path not in LISTS else path + "?limit=100"
    while url is not None:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.text)
        if response.status_code == 200:  # a 404 problem names the URL asked for, nothing more
            bodies.append(response.text)
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else None
    return bodies


def _concrete(path: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=7))
def test_no_public_endpoint_leaks_unpublished_content(
    client: TestClient, session: Session, kinds: list[str]
) -> None:
    marker = f"M{next(_examples)}x"  # examples share one database: each gets its own names
    category = make_category(session)
    tag = make_tag(session)
    lists = _curated_lists(session, marker)
    list_ids = [cl.id for cl in lists if cl.id is not None]
    made = [(kind, _make(session, kind, n, marker, category, tag, list_ids)) for n, kind in enumerate(kinds)]
    hidden = [m for kind, m in made if kind in HIDDEN_KINDS]
    shown = [m for kind, m in made if kind not in HIDDEN_KINDS]

    paths: list[str] = []
    for path in PUBLIC_GETS:
        if "{" not in path:
            paths.append(path if path != "/v1/search" else f"/v1/search?q={marker}&limit=100")
            continue
        for item in [*hidden, *shown]:
            values = {"slug": item["slug"], "table_id": item["table"]}
            if path.startswith("/v1/timelines/"):
                values["slug"] = item["timeline"]
            elif path.startswith(TAXONOMY_PATHS):
                continue
            paths.append(_concrete(path, values))
    paths += [f"/v1/articles?category={category.slug}", f"/v1/articles?tag={tag.slug}"]
    paths += [f"/v1/tables?article={m['slug']}" for m in hidden]
    paths += [f"/v1/timeline-events?article={m['slug']}" for m in hidden]
    paths += [f"/v1/search?q={m['slug']}&limit=100" for m in hidden]
    paths += [f"/v1/trending?category={category.slug}", *(f"/v1/lists/{cl.slug}" for cl in lists)]
    for feed in ("rss.xml", "atom.xml", "feed.json"):
        paths += [f"/v1/feeds/categories/{category.slug}/{feed}", f"/v1/feeds/tags/{tag.slug}/{feed}"]
    paths.append("/sitemaps/articles-1.xml")

    pattern = re.compile(rf"{marker}-({'|'.join(HIDDEN_KINDS)})-\d+", re.IGNORECASE)
    for path in paths:
        for body in _visit(client, path):
            assert not pattern.search(body), (path, pattern.search(body))
    for item in hidden:
        assert client.get(f"/v1/articles/{item['slug']}").status_code == 404
        assert client.get(f"/v1/tables/{item['table']}").status_code == 404
        assert client.get(f"/v1/timelines/{item['timeline']}").status_code == 404
        assert client.get(f"/v1/articles/{item['slug']}/related").status_code == 404
    # and the visible ones really are visible, so the test can fail
    for item in shown:
        assert client.get(f"/v1/articles/{item['slug']}").status_code == 200
        assert client.get(f"/v1/tables/{item['table']}").status_code == 200
    found = {hit["article"]["id"] for hit in client.get(f"/v1/search?q={marker}&limit=100").json()["items"]}
    assert {item["id"] for item in shown} <= found
    for path in (f"/v1/trending?category={category.slug}", *(f"/v1/lists/{cl.slug}" for cl in lists)):
        listed = {i["article"]["id"] for i in client.get(path).json()["items"]}
        assert {item["id"] for item in shown} <= listed, path
