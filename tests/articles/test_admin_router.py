"""The articles management API: If-Match writes, the workflow, revisions, corrections and previews."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.articles.models import (
    Article,
    ArticleBlock,
    ArticleRevision,
    ArticleSlugRedirect,
    ArticleTombstone,
    PreviewToken,
)
from app.auth import service as auth_service
from app.db import utcnow
from app.tables.models import ContentTable
from app.timelines.models import Timeline, TimelineEvent
from tests.assertions import assert_problem, version_of
from tests.factories import (
    audit_trail,
    event,
    key_headers,
    make_article,
    make_author,
    make_category,
    make_table,
    make_tag,
    make_timeline,
)

WRITE = "content:write"
PUBLISH = "content:publish"
DRAFTS = "content:read-drafts"
ADMIN_FIELDS = {
    "id",
    "slug",
    "title",
    "focus_keyword",
    "standfirst",
    "language",
    "canonical_url",
    "seo_title",
    "seo_description",
    "hero_image",
    "category",
    "tags",
    "authors",
    "blocks",
    "status",
    "published_at",
    "version",
    "created_at",
    "updated_at",
    "word_count",
    "reading_time_minutes",
}


@pytest.fixture
def desk(session: Session) -> dict[str, Any]:
    """Categories, tags and authors to write with, and keys of every kind."""
    make_category(session, slug="world")
    make_category(session, slug="money")
    make_tag(session, slug="russia")
    make_tag(session, slug="korea")
    make_author(session, slug="mina")
    make_author(session, slug="dan")
    return {
        "editor": key_headers(session, WRITE, PUBLISH, DRAFTS, name="editor"),
        "writer": key_headers(session, WRITE, name="writer"),
        "publisher": key_headers(session, PUBLISH, name="publisher"),
        "reader": key_headers(session, DRAFTS, name="reader"),
    }


def _body(**overrides: Any) -> dict[str, Any]:
    return {
        "slug": "kim-greets-putin",
        "title": "Kim greets Putin",
        "focus_keyword": "Kim Putin",
        "standfirst": "New Year letters.",
        "language": "en",
        "canonical_url": "https://news.example/kim-greets-putin",
        "seo_title": "Kim and Putin",
        "seo_description": "Letters exchanged.",
        "hero_image": {"url": "https://img.example/k.jpg", "alt": "Kim", "width": 1200, "height": 800},
        "category": "world",
        "tags": ["russia", "korea"],
        "authors": ["mina"],
        "blocks": [
            {"type": "heading", "text": "The letters", "level": 2},
            {"type": "paragraph", "html": 'Kim <em>praised</em> <a href="https://kcna.example">ties</a>.'},
            {"type": "list", "items": ["one two", "three"], "ordered": True},
            {"type": "quote", "text": "Blood alliance", "attribution": "Kim"},
            {"type": "image", "url": "https://img.example/2.jpg", "alt": "Letter"},
            {"type": "embed", "url": "https://video.example/1", "provider": "video"},
        ],
        **overrides,
    }


def _create(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/admin/articles", headers=headers, json=_body(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _etag(article: dict[str, Any]) -> str:
    return f'"article-{article["id"]}-v{article["version"]}"'


def _with(headers: dict[str, str], etag: str) -> dict[str, str]:
    return {**headers, "If-Match": etag}


def _assert_unauthorized(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Unauthorized"
    assert response.headers["www-authenticate"].startswith('Bearer realm="broadsheet"')


def _row(session: Session, article_id: int) -> Article | None:
    session.commit()
    session.expire_all()
    return session.get(Article, article_id)


def _publish(
    client: TestClient, headers: dict[str, str], article: dict[str, Any], **body: Any
) -> dict[str, Any]:
    response = client.post(
        f"/v1/admin/articles/{article['id']}/publish",
        headers=_with(headers, _etag(article)),
        json=body or None,
    )
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


# --- create ------------------------------------------------------------------------------------------------


def test_create_makes_a_draft_with_its_body_revision_and_audit_entry(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    response = client.post("/v1/admin/articles", headers=desk["writer"], json=_body())
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/admin/articles/{body['id']}"
    assert version_of(response) == f'"article-{body["id"]}-v1"'
    assert response.headers["cache-control"] == "private, no-store"
    assert set(body) == ADMIN_FIELDS
    expected = _body()
    expected["blocks"][1]["html"] = (
        'Kim <em>praised</em> <a href="https://kcna.example" rel="noopener noreferrer">ties</a>.'
    )
    expected["blocks"][2] = {**expected["blocks"][2]}
    expected["blocks"][4] = {
        **expected["blocks"][4],
        "width": None,
        "height": None,
        "caption": None,
        "credit": None,
    }
    expected["blocks"][5] = {**expected["blocks"][5], "title": None}
    assert {k: body[k] for k in expected} == expected
    assert body["status"] == "draft"
    assert body["published_at"] is None
    assert body["version"] == 1
    # heading 2 + paragraph 4 ("Kim praised ties ." with tags as spaces) + list 3 + quote 2, at least a minute
    assert (body["word_count"], body["reading_time_minutes"]) == (11, 1)
    assert body["created_at"] == body["updated_at"]

    row = _row(session, body["id"])
    assert row is not None
    assert (row.slug, row.status, row.version, row.word_count) == ("kim-greets-putin", "draft", 1, 11)
    revisions = session.exec(select(ArticleRevision).where(ArticleRevision.article_id == row.id)).all()
    assert [(r.number, r.action, r.key_name) for r in revisions] == [(1, "create", "writer")]
    assert revisions[0].snapshot == body
    assert audit_trail(session)[-1][:4] == ("article.create", "article", body["id"], "writer")
    # a draft is nowhere public
    assert client.get("/v1/articles/kim-greets-putin").status_code == 404


def test_create_with_only_the_required_fields(client: TestClient, desk: dict[str, Any]) -> None:
    response = client.post(
        "/v1/admin/articles",
        headers=desk["writer"],
        json={"slug": "bare", "title": "Bare", "category": "money"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: body[k] for k in ("tags", "authors", "blocks", "language", "hero_image", "word_count")} == {
        "tags": [],
        "authors": [],
        "blocks": [],
        "language": "en",
        "hero_image": None,
        "word_count": 0,
    }
    assert body["reading_time_minutes"] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 99),
        ("status", "published"),
        ("version", 7),
        ("created_at", "2025-01-01T00:00:00Z"),
        ("updated_at", "2025-01-01T00:00:00Z"),
        ("published_at", "2025-01-01T00:00:00Z"),
        ("word_count", 5000),
        ("reading_time_minutes", 3),
        ("category_id", 1),
        ("surprise", True),
    ],
)
def test_create_refuses_read_only_and_unknown_fields(
    client: TestClient, session: Session, desk: dict[str, Any], field: str, value: Any
) -> None:
    problem = assert_problem(
        client.post("/v1/admin/articles", headers=desk["writer"], json=_body(**{field: value})), 422
    )
    assert problem["errors"][0]["location"] == ["body", field]
    session.commit()
    assert session.exec(select(Article)).all() == []


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"category": "nope"}, "No category has the slug 'nope'."),
        ({"tags": ["russia", "nope", "gone"]}, "No tag has the slug(s): nope, gone."),
        ({"authors": ["ghost"]}, "No author has the slug(s): ghost."),
        ({"tags": ["russia", "russia"]}, "Each tag may be listed once; repeated: russia."),
        (
            {"blocks": [{"type": "table", "table_id": 1}]},
            "blocks[0]: table 1 is not one of this article's tables.",
        ),
        (
            {"blocks": [{"type": "timeline", "timeline_id": 1}]},
            "blocks[0]: timeline 1 is not one of this article's timelines.",
        ),
    ],
)
def test_create_refuses_unknown_references(
    client: TestClient, session: Session, desk: dict[str, Any], overrides: dict[str, Any], detail: str
) -> None:
    problem = assert_problem(
        client.post("/v1/admin/articles", headers=desk["writer"], json=_body(**overrides)), 422
    )
    assert problem["detail"] == detail
    session.commit()
    assert session.exec(select(Article)).all() == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"slug": "Not A Slug"},
        {"title": ""},
        {"title": "nul \x00 byte"},
        {"standfirst": "lone \ud800 surrogate"},
        {"language": "english!"},
        {"canonical_url": "javascript:alert(1)"},
        {"hero_image": {"url": "https://img.example/x.jpg", "alt": "x", "width": 0, "height": 1}},
        {"hero_image": {"url": "data:image/png;base64,AAAA", "alt": "x", "width": 1, "height": 1}},
        {"blocks": [{"type": "video", "url": "https://x.example"}]},
        {"blocks": [{"type": "heading", "text": "x", "level": 1}]},
        {"blocks": [{"type": "heading", "text": "x", "level": 2, "style": "color:red"}]},
        {"blocks": [{"type": "image", "url": "javascript:alert(1)", "alt": "x"}]},
        {"blocks": [{"type": "embed", "url": "data:text/html,<script>alert(1)</script>"}]},
        {"blocks": [{"type": "table", "table_id": 0}]},
        {"tags": "russia"},
        {"category": None},
    ],
)
def test_create_refuses_invalid_content(
    client: TestClient, session: Session, desk: dict[str, Any], overrides: dict[str, Any]
) -> None:
    raw = json.dumps(_body(**overrides)).encode()
    response = client.post(
        "/v1/admin/articles", headers={**desk["writer"], "Content-Type": "application/json"}, content=raw
    )
    assert_problem(response, 422)
    session.commit()
    assert session.exec(select(Article)).all() == []


def test_create_refuses_a_slug_in_use_now_or_before(client: TestClient, desk: dict[str, Any]) -> None:
    first = _create(client, desk["editor"])
    problem = assert_problem(client.post("/v1/admin/articles", headers=desk["writer"], json=_body()), 409)
    assert problem["detail"] == f"The slug 'kim-greets-putin' is already article {first['id']}'s."
    renamed = client.patch(
        f"/v1/admin/articles/{first['id']}",
        headers=_with(desk["writer"], _etag(first)),
        json={"slug": "kim-greets-putin-again"},
    )
    assert renamed.status_code == 200, renamed.text
    problem = assert_problem(client.post("/v1/admin/articles", headers=desk["writer"], json=_body()), 409)
    assert problem["detail"] == (
        f"The slug 'kim-greets-putin' was article {first['id']}'s and still redirects to it."
    )


def test_plain_text_fields_are_stored_as_given(client: TestClient, desk: dict[str, Any]) -> None:
    """Only paragraph HTML is HTML; every other field is text, kept verbatim (clients must escape it)."""
    title = "<b>Kim</b> & Putin <script>x</script>"
    body = _create(
        client, desk["writer"], title=title, blocks=[{"type": "heading", "text": "<i>raw</i>", "level": 3}]
    )
    assert body["title"] == title
    assert body["blocks"] == [{"type": "heading", "text": "<i>raw</i>", "level": 3}]


# --- sanitizing ------------------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">click</a>',
    '<a href="javascript&colon;alert(1)">click</a>',
    '<a href=" java\tscript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<strong onmouseover="alert(1)" style="color:red">hover</strong>',
    '<a href="https://ok.example" onclick="alert(1)" style="position:fixed">link</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<<script>script>alert(1)<</script>/script>",
    "<details open ontoggle=alert(1)>",
    '<base href="javascript:alert(1)//">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<a href='javas&#99;ript:alert(1)'>click</a>",
]
ALLOWED_TAGS = {"a", "em", "strong", "b", "i", "br", "code", "sub", "sup"}


class _Html(HTMLParser):
    """Every tag and attribute of a fragment, entities decoded, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _assert_harmless(html: str) -> None:
    parser = _Html()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, html
        assert set(attrs) <= ({"href", "title", "rel"} if tag == "a" else set()), html
        href = "".join((attrs.get("href") or "").split()).lower()
        if ":" in href.split("/")[0]:
            assert href.split(":")[0] in {"http", "https", "mailto"}, html
        if tag == "a":
            assert attrs["rel"] == "noopener noreferrer", html
    lowered = html.lower()
    for needle in ("<script", "<style", "<svg", "<img", "<iframe", "<object", "<form", "<base", "<meta"):
        assert needle not in lowered, html


def test_xss_payloads_never_survive_in_any_answer(client: TestClient, desk: dict[str, Any]) -> None:
    assert len(XSS_PAYLOADS) >= 15
    blocks = [{"type": "paragraph", "html": f"before {payload} after"} for payload in XSS_PAYLOADS]
    created = _create(client, desk["editor"], blocks=blocks)
    published = _publish(client, desk["editor"], created)
    preview = client.post(f"/v1/admin/articles/{created['id']}/preview-token", headers=desk["editor"]).json()
    answers = {
        "created": created["blocks"],
        "admin": client.get(f"/v1/admin/articles/{created['id']}", headers=desk["reader"]).json()["blocks"],
        "public": client.get(f"/v1/articles/{published['slug']}").json()["blocks"],
        "revision": client.get(
            f"/v1/admin/articles/{created['id']}/revisions/1", headers=desk["reader"]
        ).json()["snapshot"]["blocks"],
        "preview": client.get(preview["url"]).json()["blocks"],
    }
    for where, answer in answers.items():
        assert len(answer) == len(XSS_PAYLOADS), where
        for block in answer:
            assert block["type"] == "paragraph"
            # an unclosed <script> or <style> swallows the rest of the paragraph, "after" included
            assert block["html"].startswith("before "), (where, block)
            _assert_harmless(block["html"])
    # what is allowed is kept, links made safe
    kept = answers["public"][
        XSS_PAYLOADS.index('<a href="https://ok.example" onclick="alert(1)" style="position:fixed">link</a>')
    ]
    assert kept["html"] == 'before <a href="https://ok.example" rel="noopener noreferrer">link</a> after'


def test_sanitizing_on_update_too(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    response = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["writer"], _etag(created)),
        json={"blocks": [{"type": "paragraph", "html": '<b onclick="x()">Hi</b><script>bad()</script>'}]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["blocks"] == [{"type": "paragraph", "html": "<b>Hi</b>"}]


# --- reading -----------------------------------------------------------------------------------------------


def test_get_any_status_with_its_etag(client: TestClient, session: Session, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    response = client.get(f"/v1/admin/articles/{created['id']}", headers=desk["reader"])
    assert response.status_code == 200
    assert response.json() == created
    assert version_of(response) == f'"article-{created["id"]}-v1"'
    assert response.headers["cache-control"] == "private, no-store"
    again = client.get(
        f"/v1/admin/articles/{created['id']}",
        headers={**desk["reader"], "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304
    # an article made outside the API (demo data, imports) reads the same way, blocks in written form
    other = make_article(session, slug="made-elsewhere", status="archived")
    table = make_table(session, other)
    body = client.get(f"/v1/admin/articles/{other.id}", headers=desk["reader"]).json()
    assert (body["status"], body["slug"]) == ("archived", "made-elsewhere")
    assert body["blocks"][-1] == {"type": "table", "table_id": table.id}


def test_get_unknown_and_bad_ids(client: TestClient, desk: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/admin/articles/999", headers=desk["reader"]), 404)
    assert_problem(client.get("/v1/admin/articles/0", headers=desk["reader"]), 404)
    assert_problem(client.get("/v1/admin/articles/abc", headers=desk["reader"]), 404)


def test_reading_needs_the_drafts_or_the_write_scope(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    for path in (
        "/v1/admin/articles",
        f"/v1/admin/articles/{created['id']}",
        f"/v1/admin/articles/{created['id']}/revisions",
        f"/v1/admin/articles/{created['id']}/revisions/1",
    ):
        assert client.get(path, headers=desk["reader"]).status_code == 200
        assert client.get(path, headers=desk["writer"]).status_code == 200
        problem = assert_problem(client.get(path, headers=desk["publisher"]), 403)
        assert problem["detail"] == ("This API key lacks the `content:write` or `content:read-drafts` scope.")
        _assert_unauthorized(client.get(path))


def test_list_newest_updated_first_with_filters_and_cursor(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    made = [
        _create(client, desk["editor"], slug=f"story-{i}", category="world" if i % 2 else "money")
        for i in range(5)
    ]
    _publish(client, desk["editor"], made[1])  # touched last: first in the list
    response = client.get("/v1/admin/articles", headers=desk["reader"])
    assert response.status_code == 200
    assert [a["slug"] for a in response.json()["items"]] == [
        "story-1",
        "story-4",
        "story-3",
        "story-2",
        "story-0",
    ]
    published = client.get(
        "/v1/admin/articles", params={"status": "published"}, headers=desk["reader"]
    ).json()
    assert [a["slug"] for a in published["items"]] == ["story-1"]
    drafts = client.get(
        "/v1/admin/articles", params={"status": "draft", "category": "world"}, headers=desk["reader"]
    ).json()
    assert [a["slug"] for a in drafts["items"]] == ["story-3"]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/admin/articles", params=params, headers=desk["reader"])
        assert page.status_code == 200
        seen += [a["slug"] for a in page.json()["items"]]
        cursor = page.json()["meta"]["next_cursor"]
        if cursor is None:
            assert "link" not in page.headers
            break
        assert page.headers["link"].endswith('>; rel="next"')
    assert seen == ["story-1", "story-4", "story-3", "story-2", "story-0"]
    assert_problem(client.get("/v1/admin/articles", params={"status": "gone"}, headers=desk["reader"]), 400)
    assert_problem(client.get("/v1/admin/articles", params={"limit": 101}, headers=desk["reader"]), 400)
    assert_problem(
        client.get("/v1/admin/articles", params={"cursor": "nonsense"}, headers=desk["reader"]), 400
    )


# --- PATCH / PUT -------------------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent(client: TestClient, session: Session, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    response = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["writer"], _etag(created)),
        json={"title": "Kim writes again", "tags": ["korea"], "standfirst": None},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert version_of(response) == f'"article-{created["id"]}-v2"'
    assert body["version"] == 2
    assert (body["title"], body["tags"], body["standfirst"]) == ("Kim writes again", ["korea"], None)
    unchanged = {k for k in ADMIN_FIELDS if k not in {"title", "tags", "standfirst", "version", "updated_at"}}
    assert {k: body[k] for k in unchanged} == {k: created[k] for k in unchanged}
    assert body["updated_at"] > created["updated_at"]
    revision = client.get(f"/v1/admin/articles/{created['id']}/revisions/2", headers=desk["reader"]).json()
    assert (revision["action"], revision["changed"]) == ("update", ["title", "standfirst", "tags"])
    assert audit_trail(session)[-1][:4] == ("article.update", "article", created["id"], "writer")


def test_patch_recomputes_reading_stats(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    words = " ".join(["word"] * 700)
    body = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["writer"], _etag(created)),
        json={"blocks": [{"type": "paragraph", "html": f"<em>{words}</em>"}]},
    ).json()
    assert (body["word_count"], body["reading_time_minutes"]) == (700, 3)


def test_patch_that_changes_nothing_saves_nothing(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    response = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["writer"], _etag(created)),
        json={"title": created["title"]},
    )
    assert response.status_code == 200
    assert response.json() == created
    assert version_of(response) == _etag(created)
    revisions = client.get(f"/v1/admin/articles/{created['id']}/revisions", headers=desk["reader"]).json()
    assert [r["number"] for r in revisions["items"]] == [1]


@pytest.mark.parametrize(
    "patch",
    [
        {"id": 5},
        {"status": "published"},
        {"version": 9},
        {"created_at": "2025-01-01T00:00:00Z"},
        {"updated_at": "2025-01-01T00:00:00Z"},
        {"published_at": "2025-01-01T00:00:00Z"},
        {"word_count": 1},
        {"reading_time_minutes": 1},
        {"whatever": 1},
        {"title": None},
        {"slug": None},
        {"tags": None},
        {"blocks": None},
        {"category": "nope"},
        {"blocks": [{"type": "paragraph"}]},
        {"title": "x" * 301},
    ],
)
def test_patch_refuses_read_only_unknown_and_invalid_fields_and_changes_nothing(
    client: TestClient, session: Session, desk: dict[str, Any], patch: dict[str, Any]
) -> None:
    created = _create(client, desk["writer"])
    before = _row(session, created["id"])
    assert before is not None
    snapshot = before.model_dump()
    response = client.patch(
        f"/v1/admin/articles/{created['id']}", headers=_with(desk["writer"], _etag(created)), json=patch
    )
    assert_problem(response, 422)
    after = _row(session, created["id"])
    assert after is not None
    assert after.model_dump() == snapshot
    assert client.get(f"/v1/admin/articles/{created['id']}", headers=desk["reader"]).json() == created


def test_put_replaces_every_field(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    response = client.put(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["writer"], _etag(created)),
        json={"slug": "kim-greets-putin", "title": "Replaced", "category": "money", "authors": ["dan"]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {
        k: body[k] for k in ("title", "category", "authors", "tags", "blocks", "hero_image", "standfirst")
    } == {
        "title": "Replaced",
        "category": "money",
        "authors": ["dan"],
        "tags": [],
        "blocks": [],
        "hero_image": None,
        "standfirst": None,
    }
    assert (body["status"], body["version"], body["word_count"]) == ("draft", 2, 0)
    assert_problem(
        client.put(
            f"/v1/admin/articles/{created['id']}",
            headers=_with(desk["writer"], response.headers["etag"]),
            json={"title": "No slug, no category"},
        ),
        422,
    )
    assert_problem(
        client.put(
            f"/v1/admin/articles/{created['id']}",
            headers=_with(desk["writer"], response.headers["etag"]),
            json={**_body(), "status": "published"},
        ),
        422,
    )


def test_writes_need_if_match(client: TestClient, session: Session, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    base = f"/v1/admin/articles/{created['id']}"
    for method, path, body in [
        ("PATCH", base, {"title": "x"}),
        ("PUT", base, _body()),
        ("DELETE", base, None),
        ("POST", f"{base}/publish", None),
        ("POST", f"{base}/revisions/1/restore", None),
    ]:
        response = client.request(method, path, headers=desk["editor"], json=body)
        problem = assert_problem(response, 428, "Precondition Required")
        assert "If-Match" in problem["detail"]
        stale = client.request(
            method, path, headers=_with(desk["editor"], f'"article-{created["id"]}-v0"'), json=body
        )
        assert_problem(stale, 412, "Precondition Failed")
    row = _row(session, created["id"])
    assert row is not None
    assert (row.version, row.title, row.status) == (1, created["title"], "draft")


def test_two_concurrent_writers_the_second_gets_412(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["writer"])
    path = f"/v1/admin/articles/{created['id']}"
    first_read = client.get(path, headers=desk["reader"]).headers["etag"]
    second_read = client.get(path, headers=desk["reader"]).headers["etag"]
    assert first_read == second_read == f'"article-{created["id"]}-v1-br"'  # an encoded ETag names it too
    first = client.patch(path, headers=_with(desk["writer"], first_read), json={"title": "First"})
    assert first.status_code == 200
    assert version_of(first) == f'"article-{created["id"]}-v2"'
    second = client.patch(path, headers=_with(desk["writer"], second_read), json={"title": "Second"})
    problem = assert_problem(second, 412)
    assert problem["detail"] == (
        f'The resource has changed since that ETag; its current ETag is "article-{created["id"]}-v2".'
    )
    assert client.get(path, headers=desk["reader"]).json()["title"] == "First"


def test_a_write_racing_past_the_if_match_check_still_loses(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    """The version column guards the UPDATE itself: a writer that read v1 cannot overwrite v2."""
    created = _create(client, desk["writer"])
    stale = _row(session, created["id"])
    assert stale is not None
    response = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["writer"], _etag(created)),
        json={"title": "Won"},
    )
    assert response.status_code == 200
    stale.title = "Lost"
    session.add(stale)
    with pytest.raises(StaleDataError):
        session.commit()
    session.rollback()
    assert client.get(f"/v1/admin/articles/{created['id']}", headers=desk["reader"]).json()["title"] == "Won"


def test_writes_need_the_write_scope(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    path = f"/v1/admin/articles/{created['id']}"
    for headers in (desk["reader"], desk["publisher"]):
        assert_problem(client.post("/v1/admin/articles", headers=headers, json=_body(slug="other")), 403)
        assert_problem(client.patch(path, headers=_with(headers, _etag(created)), json={"title": "x"}), 403)
        assert_problem(client.put(path, headers=_with(headers, _etag(created)), json=_body()), 403)
        assert_problem(client.delete(path, headers=_with(headers, _etag(created))), 403)
    for response in (
        client.post("/v1/admin/articles", json=_body(slug="other")),
        client.delete(path, headers={"If-Match": _etag(created)}),
        client.patch(
            path, headers={"Authorization": "Bearer bs_nope_nope", "If-Match": _etag(created)}, json={}
        ),
    ):
        _assert_unauthorized(response)


# --- slugs -----------------------------------------------------------------------------------------------


def test_slug_change_redirects_the_old_slug_of_a_public_article(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["editor"], slug="first-slug")
    published = _publish(client, desk["editor"], created)
    renamed = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], _etag(published)),
        json={"slug": "second-slug"},
    ).json()
    renamed = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], _etag(renamed)),
        json={"slug": "third-slug"},
    ).json()
    for old in ("first-slug", "second-slug"):
        response = client.get(f"/v1/articles/{old}", follow_redirects=False)
        assert response.status_code == 301
        assert response.headers["location"] == "/v1/articles/third-slug"
    assert client.get("/v1/articles/first-slug").json()["slug"] == "third-slug"
    session.commit()
    redirects = session.exec(select(ArticleSlugRedirect).order_by(col(ArticleSlugRedirect.old_slug))).all()
    assert [(r.old_slug, r.article_id) for r in redirects] == [
        ("first-slug", created["id"]),
        ("second-slug", created["id"]),
    ]
    # taking an old slug back makes it current again
    back = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], _etag(renamed)),
        json={"slug": "first-slug"},
    )
    assert back.status_code == 200, back.text
    assert client.get("/v1/articles/first-slug").status_code == 200
    assert client.get("/v1/articles/third-slug", follow_redirects=False).headers["location"] == (
        "/v1/articles/first-slug"
    )
    # once the article is not public, its old slugs are 404s like any other
    client.post(
        f"/v1/admin/articles/{created['id']}/unpublish", headers=_with(desk["editor"], back.headers["etag"])
    )
    for old in ("second-slug", "third-slug", "first-slug"):
        assert_problem(client.get(f"/v1/articles/{old}", follow_redirects=False), 404)


def test_slug_of_another_article_current_or_old_is_a_409(client: TestClient, desk: dict[str, Any]) -> None:
    one = _create(client, desk["writer"], slug="one")
    two = _create(client, desk["writer"], slug="two")
    problem = assert_problem(
        client.patch(
            f"/v1/admin/articles/{two['id']}", headers=_with(desk["writer"], _etag(two)), json={"slug": "one"}
        ),
        409,
    )
    assert problem["detail"] == f"The slug 'one' is already article {one['id']}'s."
    moved = client.patch(
        f"/v1/admin/articles/{one['id']}", headers=_with(desk["writer"], _etag(one)), json={"slug": "uno"}
    )
    assert moved.status_code == 200
    problem = assert_problem(
        client.patch(
            f"/v1/admin/articles/{two['id']}", headers=_with(desk["writer"], _etag(two)), json={"slug": "one"}
        ),
        409,
    )
    assert problem["detail"] == f"The slug 'one' was article {one['id']}'s and still redirects to it."
    assert client.get(f"/v1/admin/articles/{two['id']}", headers=desk["reader"]).json()["slug"] == "two"


# --- delete ----------------------------------------------------------------------------------------------


def test_delete_keeps_a_tombstone_and_takes_tables_timelines_and_blocks(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    article = make_article(session, slug="doomed")
    table = make_table(session, article)
    timeline, _ = make_timeline(session, article, [event("2024-10-01", "month")])
    keep = make_article(session, slug="kept")
    keep_table = make_table(session, keep)
    article_id, table_id, timeline_id, keep_table_id = article.id, table.id, timeline.id, keep_table.id
    assert article_id is not None
    etag = client.get(f"/v1/admin/articles/{article.id}", headers=desk["reader"]).headers["etag"]
    assert client.get("/v1/articles/doomed").status_code == 200

    response = client.delete(f"/v1/admin/articles/{article_id}", headers=_with(desk["writer"], etag))
    assert response.status_code == 204
    assert response.content == b""
    assert _row(session, article_id) is None
    tombstone = session.get(ArticleTombstone, article_id)
    assert tombstone is not None
    assert tombstone.slug == "doomed"
    assert utcnow() - tombstone.deleted_at < timedelta(minutes=1)
    assert session.exec(select(ArticleBlock).where(ArticleBlock.article_id == article_id)).all() == []
    assert session.get(ContentTable, table_id) is None
    assert session.get(Timeline, timeline_id) is None
    assert session.exec(select(TimelineEvent).where(TimelineEvent.timeline_id == timeline_id)).all() == []
    assert session.get(ContentTable, keep_table_id) is not None
    assert audit_trail(session)[-1][:4] == ("article.delete", "article", article_id, "writer")
    assert_problem(client.get(f"/v1/admin/articles/{article_id}", headers=desk["reader"]), 404)
    assert_problem(client.get("/v1/articles/doomed"), 404)
    assert_problem(client.get(f"/v1/tables/{table_id}"), 404)
    assert_problem(
        client.delete(f"/v1/admin/articles/{article_id}", headers=_with(desk["writer"], etag)), 404
    )


def test_delete_without_if_match_is_428_and_stale_is_412(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["writer"])
    path = f"/v1/admin/articles/{created['id']}"
    assert_problem(client.delete(path, headers=desk["writer"]), 428)
    changed = client.patch(path, headers=_with(desk["writer"], _etag(created)), json={"title": "Changed"})
    assert_problem(client.delete(path, headers=_with(desk["writer"], _etag(created))), 412)
    assert _row(session, created["id"]) is not None
    assert client.delete(path, headers=_with(desk["writer"], changed.headers["etag"])).status_code == 204


def test_a_deleted_slug_may_be_used_again(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    client.delete(f"/v1/admin/articles/{created['id']}", headers=_with(desk["writer"], _etag(created)))
    again = _create(client, desk["writer"])
    assert again["id"] != created["id"]


# --- workflow ----------------------------------------------------------------------------------------------


def test_publish_now(client: TestClient, session: Session, desk: dict[str, Any]) -> None:
    created = _create(client, desk["writer"])
    before = datetime.now(UTC)
    response = client.post(
        f"/v1/admin/articles/{created['id']}/publish", headers=_with(desk["publisher"], _etag(created))
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert version_of(response) == f'"article-{created["id"]}-v2"'
    assert body["status"] == "published"
    assert before <= datetime.fromisoformat(body["published_at"]) <= datetime.now(UTC)
    public = client.get("/v1/articles/kim-greets-putin")
    assert public.status_code == 200
    assert public.json()["published_at"] == body["published_at"]
    assert audit_trail(session)[-1][:4] == ("article.publish", "article", created["id"], "publisher")


def test_publish_at_a_past_time(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    body = _publish(client, desk["editor"], created, published_at="2025-12-27T09:00:00+09:00")
    assert (body["status"], body["published_at"]) == ("published", "2025-12-27T00:00:00Z")
    listed = client.get("/v1/articles").json()["items"]
    assert [a["slug"] for a in listed] == ["kim-greets-putin"]


def test_publish_at_a_future_time_schedules_and_needs_no_job(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["editor"])
    when = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    body = _publish(client, desk["editor"], created, published_at=when.isoformat())
    assert (body["status"], datetime.fromisoformat(body["published_at"])) == ("scheduled", when)
    assert_problem(client.get("/v1/articles/kim-greets-putin"), 404)
    assert client.get("/v1/articles").json()["items"] == []
    # when the time comes (moved here instead of waiting) it is public, status unchanged, with no job run
    row = _row(session, created["id"])
    assert row is not None
    row.published_at = datetime.now(UTC) - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert client.get("/v1/articles/kim-greets-putin").status_code == 200
    assert (
        client.get(f"/v1/admin/articles/{created['id']}", headers=desk["reader"]).json()["status"]
        == "scheduled"
    )


def test_a_scheduled_article_can_be_rescheduled_or_published_now(
    client: TestClient, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["editor"])
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    scheduled = _publish(client, desk["editor"], created, published_at=later)
    now = _publish(client, desk["editor"], scheduled)
    assert now["status"] == "published"
    assert datetime.fromisoformat(now["published_at"]) <= datetime.now(UTC)


def test_unpublish_and_archive(client: TestClient, session: Session, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    published = _publish(client, desk["editor"], created)
    archived = client.post(
        f"/v1/admin/articles/{created['id']}/archive", headers=_with(desk["publisher"], _etag(published))
    )
    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "archived"
    assert archived.json()["published_at"] == published["published_at"]
    assert_problem(client.get("/v1/articles/kim-greets-putin"), 404)
    draft = client.post(
        f"/v1/admin/articles/{created['id']}/unpublish",
        headers=_with(desk["publisher"], archived.headers["etag"]),
    )
    assert draft.status_code == 200, draft.text
    assert (draft.json()["status"], draft.json()["published_at"]) == ("draft", None)
    actions = [entry[0] for entry in audit_trail(session)]
    assert actions[-4:] == ["article.create", "article.publish", "article.archive", "article.unpublish"]


@pytest.mark.parametrize(
    ("status", "action", "detail"),
    [
        ("draft", "archive", "Article {id} is draft; only a published article can be archived."),
        ("draft", "unpublish", "Article {id} is already a draft."),
        (
            "published",
            "publish",
            "Article {id} is published; only a draft or a scheduled article can be published.",
        ),
        (
            "archived",
            "publish",
            "Article {id} is archived; only a draft or a scheduled article can be published "
            "(unpublish it to a draft first).",
        ),
        ("archived", "archive", "Article {id} is archived; only a published article can be archived."),
        ("scheduled", "archive", "Article {id} is scheduled for 2099-01-01T00:00:00Z; unpublish it instead."),
    ],
)
def test_invalid_transitions_are_409(
    client: TestClient, session: Session, desk: dict[str, Any], status: str, action: str, detail: str
) -> None:
    when = datetime(2099, 1, 1, tzinfo=UTC) if status == "scheduled" else datetime(2025, 1, 1, tzinfo=UTC)
    article = make_article(session, status=status, published_at=None if status == "draft" else when)
    etag = f'"article-{article.id}-v1"'
    problem = assert_problem(
        client.post(f"/v1/admin/articles/{article.id}/{action}", headers=_with(desk["publisher"], etag)), 409
    )
    assert problem["detail"] == detail.format(id=article.id)
    row = _row(session, article.id or 0)
    assert row is not None
    assert (row.status, row.version) == (status, 1)


@pytest.mark.parametrize("action", ["publish", "unpublish", "archive"])
def test_workflow_needs_the_publish_scope(
    client: TestClient, session: Session, desk: dict[str, Any], action: str
) -> None:
    article = make_article(session, status="published")
    path = f"/v1/admin/articles/{article.id}/{action}"
    etag = f'"article-{article.id}-v1"'
    for headers in (desk["writer"], desk["reader"]):
        problem = assert_problem(client.post(path, headers=_with(headers, etag)), 403)
        assert problem["detail"] == "This API key lacks the `content:publish` scope."
    response = client.post(path, headers={"If-Match": etag})
    _assert_unauthorized(response)
    assert response.headers["www-authenticate"] == 'Bearer realm="broadsheet"'
    assert_problem(client.post(path, headers=desk["publisher"]), 428)
    row = _row(session, article.id or 0)
    assert row is not None
    assert (row.status, row.version) == ("published", 1)


@pytest.mark.parametrize(
    "body",
    [
        {"published_at": "2025-12-27T09:00:00"},
        {"published_at": "tomorrow"},
        {"published_at": "2025-12-27T09:00:00Z", "status": "published"},
        {"when": "2025-12-27T09:00:00Z"},
    ],
)
def test_publish_refuses_a_bad_body(
    client: TestClient, session: Session, desk: dict[str, Any], body: Any
) -> None:
    created = _create(client, desk["editor"])
    response = client.post(
        f"/v1/admin/articles/{created['id']}/publish",
        headers=_with(desk["editor"], _etag(created)),
        json=body,
    )
    assert_problem(response, 422)
    row = _row(session, created["id"])
    assert row is not None
    assert row.status == "draft"


# --- revisions -------------------------------------------------------------------------------------------


def test_every_saved_change_is_a_revision(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    patched = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], _etag(created)),
        json={"title": "Two"},
    ).json()
    published = _publish(client, desk["editor"], patched)
    response = client.get(f"/v1/admin/articles/{created['id']}/revisions", headers=desk["reader"])
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(r["number"], r["action"], r["changed"], r["key_name"]) for r in items] == [
        (3, "publish", ["status", "published_at"], "editor"),
        (2, "update", ["title"], "editor"),
        (1, "create", sorted(_body()), "editor"),
    ]
    assert all("snapshot" not in r for r in items)
    assert set(items[0]) == {"number", "created_at", "key_id", "key_name", "action", "changed"}
    first = client.get(f"/v1/admin/articles/{created['id']}/revisions/1", headers=desk["reader"]).json()
    assert first["snapshot"] == created
    assert (
        client.get(f"/v1/admin/articles/{created['id']}/revisions/3", headers=desk["reader"]).json()[
            "snapshot"
        ]
        == published
    )
    page = client.get(
        f"/v1/admin/articles/{created['id']}/revisions", params={"limit": 2}, headers=desk["reader"]
    )
    rest = client.get(
        f"/v1/admin/articles/{created['id']}/revisions",
        params={"limit": 2, "cursor": page.json()["meta"]["next_cursor"]},
        headers=desk["reader"],
    )
    assert [r["number"] for r in page.json()["items"] + rest.json()["items"]] == [3, 2, 1]
    assert_problem(client.get(f"/v1/admin/articles/{created['id']}/revisions/9", headers=desk["reader"]), 404)


def test_restore_brings_back_content_not_status_as_a_new_revision(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["editor"])
    changed = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], _etag(created)),
        json={"title": "Rewritten", "slug": "rewritten", "blocks": [], "tags": []},
    ).json()
    published = _publish(client, desk["editor"], changed)
    response = client.post(
        f"/v1/admin/articles/{created['id']}/revisions/1/restore",
        headers=_with(desk["writer"], _etag(published)),
    )
    assert response.status_code == 200, response.text
    restored = response.json()
    assert version_of(response) == f'"article-{created["id"]}-v4"'
    content = ("slug", "title", "tags", "blocks", "word_count", "hero_image", "category", "authors")
    assert {k: restored[k] for k in content} == {k: created[k] for k in content}
    assert (restored["status"], restored["published_at"]) == ("published", published["published_at"])
    revisions = client.get(f"/v1/admin/articles/{created['id']}/revisions", headers=desk["reader"]).json()[
        "items"
    ]
    assert (revisions[0]["number"], revisions[0]["action"]) == (4, "restore")
    assert revisions[0]["changed"] == ["slug", "title", "tags", "blocks"]
    assert audit_trail(session)[-1][4]["restored"] == 1
    # the restored slug is current; the one it replaced redirects
    assert client.get("/v1/articles/kim-greets-putin").json()["title"] == "Kim greets Putin"
    assert client.get("/v1/articles/rewritten", follow_redirects=False).status_code == 301


def test_restore_errors(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    path = f"/v1/admin/articles/{created['id']}/revisions"
    assert_problem(client.post(f"{path}/5/restore", headers=_with(desk["writer"], _etag(created))), 404)
    assert_problem(client.post(f"{path}/1/restore", headers=_with(desk["reader"], _etag(created))), 403)
    assert_problem(client.post(f"{path}/1/restore", headers=desk["writer"]), 428)
    renamed = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["writer"], _etag(created)),
        json={"slug": "renamed"},
    ).json()
    assert_problem(client.post(f"{path}/1/restore", headers=_with(desk["writer"], _etag(created))), 412)
    # restoring takes the article's own old slug back
    ok = client.post(f"{path}/1/restore", headers=_with(desk["writer"], _etag(renamed)))
    assert ok.status_code == 200
    assert ok.json()["slug"] == "kim-greets-putin"


def test_restore_of_a_revision_with_a_deleted_table_is_a_422(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["editor"])
    article = _row(session, created["id"])
    assert article is not None
    table = make_table(session, article)  # also appends a block referencing it
    session.commit()
    etag = client.get(f"/v1/admin/articles/{created['id']}", headers=desk["reader"]).headers["etag"]
    with_table = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], etag),
        json={"blocks": [{"type": "table", "table_id": table.id}]},
    )
    assert with_table.status_code == 200, with_table.text
    assert with_table.json()["blocks"] == [{"type": "table", "table_id": table.id}]
    without = client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], with_table.headers["etag"]),
        json={"blocks": []},
    )
    session.delete(session.get(ContentTable, table.id))
    session.commit()
    problem = assert_problem(
        client.post(
            f"/v1/admin/articles/{created['id']}/revisions/2/restore",
            headers=_with(desk["editor"], without.headers["etag"]),
        ),
        422,
    )
    assert problem["detail"] == f"blocks[0]: table {table.id} is not one of this article's tables."


# --- tables and timelines in the body -----------------------------------------------------------------------


def test_blocks_may_reference_only_the_articles_own_tables_and_timelines(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    mine = make_article(session, slug="mine")
    theirs = make_article(session, slug="theirs")
    my_table, their_table = make_table(session, mine), make_table(session, theirs)
    my_line, _ = make_timeline(session, mine, [event("2024-10-01", "month")])
    their_line, _ = make_timeline(session, theirs, [event("2024-10-01", "month")])
    etag = client.get(f"/v1/admin/articles/{mine.id}", headers=desk["reader"]).headers["etag"]
    path = f"/v1/admin/articles/{mine.id}"
    for blocks, detail in [
        (
            [{"type": "table", "table_id": their_table.id}],
            f"table {their_table.id} is not one of this article's tables",
        ),
        (
            [{"type": "timeline", "timeline_id": their_line.id}],
            f"timeline {their_line.id} is not one of this article's timelines",
        ),
        (
            [{"type": "timeline", "timeline_id": my_line.id, "table_id": their_table.id}],
            f"table {their_table.id} is not one of this article's tables",
        ),
        ([{"type": "table", "table_id": 424242}], "table 424242 is not one of this article's tables"),
    ]:
        problem = assert_problem(
            client.patch(path, headers=_with(desk["writer"], etag), json={"blocks": blocks}), 422
        )
        assert problem["detail"] == f"blocks[0]: {detail}."
    blocks = [
        {"type": "paragraph", "html": "Intro"},
        {"type": "timeline", "timeline_id": my_line.id, "table_id": my_table.id},
        {"type": "table", "table_id": my_table.id},
    ]
    response = client.patch(path, headers=_with(desk["writer"], etag), json={"blocks": blocks})
    assert response.status_code == 200, response.text
    assert response.json()["blocks"] == blocks
    public = client.get("/v1/articles/mine").json()["blocks"]
    assert [b["type"] for b in public] == ["paragraph", "timeline", "table"]
    assert public[1]["timeline"]["id"] == my_line.id
    assert public[1]["table"]["id"] == my_table.id
    assert public[2]["table"]["id"] == my_table.id


# --- corrections -------------------------------------------------------------------------------------------


def test_corrections_are_public_oldest_first(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["editor"])
    _publish(client, desk["editor"], created)
    notes = []
    for note in ("An earlier version misspelled Pyongyang.", "The date of the letter was Dec. 27."):
        response = client.post(
            f"/v1/admin/articles/{created['id']}/corrections", headers=desk["writer"], json={"note": note}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == {"id", "article_id", "at", "note"}
        assert (body["article_id"], body["note"]) == (created["id"], note)
        notes.append({"at": body["at"], "note": note})
    public = client.get("/v1/articles/kim-greets-putin").json()
    assert public["corrections"] == notes
    assert audit_trail(session)[-1][:4] == ("article.correct", "article", created["id"], "writer")


@pytest.mark.parametrize(
    "body", [{}, {"note": ""}, {"note": "x" * 2001}, {"note": "ok", "at": "2025-01-01T00:00:00Z"}]
)
def test_correction_validation(client: TestClient, desk: dict[str, Any], body: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    assert_problem(
        client.post(f"/v1/admin/articles/{created['id']}/corrections", headers=desk["writer"], json=body), 422
    )


def test_corrections_need_the_write_scope(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    path = f"/v1/admin/articles/{created['id']}/corrections"
    assert_problem(client.post(path, headers=desk["reader"], json={"note": "x"}), 403)
    _assert_unauthorized(client.post(path, json={"note": "x"}))
    assert_problem(
        client.post("/v1/admin/articles/999/corrections", headers=desk["writer"], json={"note": "x"}), 404
    )


# --- previews ----------------------------------------------------------------------------------------------


def _token(client: TestClient, headers: dict[str, str], article_id: int, **body: Any) -> dict[str, Any]:
    response = client.post(
        f"/v1/admin/articles/{article_id}/preview-token", headers=headers, json=body or None
    )
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


def test_preview_shows_a_draft_revision_without_a_key(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["writer"])
    before = datetime.now(UTC).replace(microsecond=0)
    issued = _token(client, desk["reader"], created["id"])
    assert set(issued) == {"token", "url", "expires_at", "jti", "revision"}
    assert issued["url"] == f"/v1/preview/{issued['token']}"
    assert issued["revision"] == 1
    expires = datetime.fromisoformat(issued["expires_at"])
    assert before + timedelta(hours=1) <= expires <= datetime.now(UTC) + timedelta(hours=1)
    response = client.get(issued["url"])
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    body = response.json()
    assert (body["id"], body["slug"], body["status"], body["revision"]) == (
        created["id"],
        created["slug"],
        "draft",
        1,
    )
    assert body["published_at"] is None
    assert body["category"]["slug"] == "world"
    assert [t["slug"] for t in body["tags"]] == ["russia", "korea"]
    assert [a["slug"] for a in body["authors"]] == ["mina"]
    assert body["blocks"][0] == {"type": "heading", "text": "The letters", "level": 2}
    assert body["seo"] == {"title": "Kim and Putin", "description": "Letters exchanged."}
    assert body["corrections"] == []
    assert_problem(client.get(f"/v1/articles/{created['slug']}"), 404)
    session.commit()
    row = session.get(PreviewToken, issued["jti"])
    assert row is not None
    assert (row.article_id, row.revoked_at) == (created["id"], None)
    assert audit_trail(session)[-1][:4] == ("article.preview", "article", created["id"], "reader")


def test_preview_is_bound_to_its_revision(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    old = _token(client, desk["writer"], created["id"])
    client.patch(
        f"/v1/admin/articles/{created['id']}",
        headers=_with(desk["editor"], _etag(created)),
        json={"title": "Newer"},
    )
    new = _token(client, desk["writer"], created["id"])
    assert new["revision"] == 2
    assert client.get(old["url"]).json()["title"] == "Kim greets Putin"
    assert client.get(new["url"]).json()["title"] == "Newer"


def test_preview_of_tables_and_timelines_of_a_draft(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    article = make_article(session, slug="draft-with-table", status="draft")
    table = make_table(session, article, title="Themes")
    timeline, _ = make_timeline(session, article, [event("2024-10-01", "month")], title="Milestones")
    issued = _token(client, desk["writer"], article.id or 0)
    assert issued["revision"] == 1  # made on the spot for an article stored without revisions
    body = client.get(issued["url"]).json()
    assert [b["type"] for b in body["blocks"]] == ["paragraph", "table", "timeline"]
    assert body["blocks"][1]["table"]["title"] == "Themes"
    assert body["blocks"][1]["table"]["article"] == {
        "id": article.id,
        "slug": "draft-with-table",
        "title": article.title,
    }
    assert body["blocks"][2]["timeline"]["title"] == "Milestones"
    assert [e["label"] for e in body["blocks"][2]["timeline"]["events"]] == ["2024-10-01"]
    assert_problem(client.get(f"/v1/tables/{table.id}"), 404)
    assert_problem(client.get(f"/v1/timelines/{timeline.slug}"), 404)


def _forge(session: Session, claims: Any) -> str:
    """A token correctly signed with this installation's secret, carrying any claims."""
    return _sign(session, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode())


def _sign(session: Session, payload: str) -> str:
    secret = auth_service.signing_secret(session)
    signature = hmac.new(secret, b"preview." + payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _decoded(token: str) -> dict[str, Any]:
    payload = token.split(".")[0]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def test_expired_tampered_malformed_and_revoked_tokens_are_403(
    client: TestClient, session: Session, desk: dict[str, Any]
) -> None:
    created = _create(client, desk["editor"])
    _publish(client, desk["editor"], created)  # a published version exists: it must never be the fallback
    issued = _token(client, desk["writer"], created["id"], expires_in=60)
    token = issued["token"]
    claims = _decoded(token)
    payload, signature = token.split(".")
    other_payload = base64.urlsafe_b64encode(json.dumps({**claims, "rid": claims["rid"] + 1}).encode())
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    bad_tokens = {
        "tampered payload": f"{other_payload.rstrip(b'=').decode()}.{signature}",
        "tampered signature": f"{payload}.{flipped}",
        "no signature": payload,
        "only a dot": "a.",
        "garbage": "not-a-token",
        "three parts": f"{token}.x",
        "bad base64": f"{payload}.!!!!",
        "huge": "a" * 5000 + "." + "b" * 10,
        "signed but not json": _sign(session, "bm90LWpzb24"),
        "signed, not an object": _forge(session, [1, 2]),
        "signed, wrong claim types": _forge(session, {**claims, "aid": str(claims["aid"])}),
        "signed, unknown jti": _forge(session, {**claims, "jti": "0" * 32}),
        "signed, other revision": _forge(session, {**claims, "rid": claims["rid"] - 1}),
        "signed, expired claim": _forge(session, {**claims, "exp": int(datetime.now(UTC).timestamp()) - 1}),
    }
    for name, bad in bad_tokens.items():
        response = client.get(f"/v1/preview/{bad}")
        problem = assert_problem(response, 403, "Forbidden")
        assert "preview token" in problem["detail"], name
        assert "kim" not in response.text.lower().replace(bad.lower(), ""), name
    assert client.get(issued["url"]).status_code == 200

    # expired: the stored expiry has passed
    row = session.get(PreviewToken, issued["jti"])
    assert row is not None
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert assert_problem(client.get(issued["url"]), 403)["detail"] == "The preview token has expired."

    # revoked
    fresh = _token(client, desk["writer"], created["id"])
    revoked = client.post(f"/v1/admin/preview-tokens/{fresh['jti']}/revoke", headers=desk["reader"])
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["jti"] == fresh["jti"]
    assert revoked.json()["revoked_at"] is not None
    assert assert_problem(client.get(fresh["url"]), 403)["detail"] == "The preview token has been revoked."
    assert client.post(f"/v1/admin/preview-tokens/{fresh['jti']}/revoke", headers=desk["writer"]).json() == (
        revoked.json()
    )
    assert audit_trail(session)[-1][:4] == ("preview_token.revoke", "article", created["id"], "reader")


def test_a_deleted_articles_token_is_403(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    issued = _token(client, desk["writer"], created["id"])
    client.delete(f"/v1/admin/articles/{created['id']}", headers=_with(desk["editor"], _etag(created)))
    assert_problem(client.get(issued["url"]), 403)


def test_preview_token_scopes_and_validation(client: TestClient, desk: dict[str, Any]) -> None:
    created = _create(client, desk["editor"])
    path = f"/v1/admin/articles/{created['id']}/preview-token"
    assert_problem(client.post(path, headers=desk["publisher"]), 403)
    _assert_unauthorized(client.post(path))
    assert_problem(client.post("/v1/admin/articles/999/preview-token", headers=desk["writer"]), 404)
    for body in ({"expires_in": 0}, {"expires_in": 7 * 24 * 3600 + 1}, {"expires_in": "soon"}, {"jti": "x"}):
        assert_problem(client.post(path, headers=desk["writer"], json=body), 422)
    week = _token(client, desk["writer"], created["id"], expires_in=7 * 24 * 3600)
    assert datetime.fromisoformat(week["expires_at"]) > datetime.now(UTC) + timedelta(days=6, hours=23)
    assert_problem(client.post("/v1/admin/preview-tokens/abc/revoke", headers=desk["writer"]), 404)
    assert_problem(
        client.post(f"/v1/admin/preview-tokens/{week['jti']}/revoke", headers=desk["publisher"]), 403
    )
