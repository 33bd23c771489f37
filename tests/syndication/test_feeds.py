"""RSS, Atom and JSON Feed through HTTP, checked with real tools: feedparser, the RFC 4287 RELAX NG schema
(with lxml) and the JSON Feed 1.1 JSON schema (with jsonschema)."""

import functools
import html
import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
import rnc2rng
from fastapi.testclient import TestClient
from httpx2 import Response
from jsonschema import Draft7Validator
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT7
from sqlalchemy import delete
from sqlmodel import Session, col

from app.articles.models import Article, ArticleBlock
from app.config import Settings
from app.http_cache import DEFAULT_POLICIES, CacheKind
from app.main import create_app
from app.taxonomy.models import Author, Tag
from tests.assertions import assert_problem
from tests.conftest import UNLIMITED
from tests.factories import (
    event,
    key_headers,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_table,
    make_tag,
    make_timeline,
)

SCHEMAS = Path(__file__).parent / "schemas"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
SCHEMATRON = "http://www.ascc.net/xml/schematron"
FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
NOW = datetime.now(UTC).replace(microsecond=0)
HOSTILE = 'Tom & Jerry\'s <b>"bold"</b> ]]> </script><script>alert(1)</script> \x0b<!-- x -->'


# --- the validators ---------------------------------------------------------------------------------------


@functools.cache
def _atom_grammar() -> etree._Element:
    """RFC 4287 appendix B (compact syntax), converted to RELAX NG XML with rnc2rng."""
    rng = rnc2rng.dumps(rnc2rng.loads((SCHEMAS / "atom.rnc").read_text()))
    # rnc2rng declares the schema's `local = ""` prefix, which XML namespaces do not allow; `local:*` is
    # written as `nsName ns=""`, so the declaration is not needed
    return etree.fromstring(rng.replace(' xmlns:local=""', "").encode())


@functools.cache
def _atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(_atom_grammar())


def _atom_rules(document: etree._Element) -> list[str]:
    """The Schematron rules embedded in the RFC's schema (an author per entry, a link or content), checked
    with XPath: the rules that RELAX NG itself cannot express."""
    failed = []
    namespaces = {"atom": ATOM[1:-1]}
    for rule in _atom_grammar().iter(f"{{{SCHEMATRON}}}rule"):
        for node in document.xpath(f"//{rule.get('context')}", namespaces=namespaces):
            for check in rule.iter(f"{{{SCHEMATRON}}}assert"):
                if not node.xpath(f"boolean({check.get('test')})", namespaces=namespaces):
                    failed.append(" ".join(check.text.split()))
    return failed


@functools.cache
def _json_feed_validator() -> Draft7Validator:
    """SchemaStore's JSON Feed 1.1 schema, which builds on its JSON Feed 1 schema (draft 4)."""
    version_1 = json.loads((SCHEMAS / "feed-1.json").read_text())
    version_11 = json.loads((SCHEMAS / "feed-1.1.json").read_text())
    registry: Registry[Any] = Registry().with_resources(
        [
            ("https://json.schemastore.org/feed-1", Resource.from_contents(version_1, DRAFT4)),
            ("https://json.schemastore.org/feed.json", Resource.from_contents(version_11, DRAFT7)),
        ]
    )
    return Draft7Validator(version_11, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


def _valid(format: str, response: Response) -> Any:
    """The feed checked with the tools for its format; returns the parsed feed."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == TYPES[format]
    if format == "json":
        document = response.json()
        errors = [e.message for e in _json_feed_validator().iter_errors(document)]
        assert errors == []
        for item in document["items"]:  # the schema's `date-time` format needs a package we do not use
            for name in ("date_published", "date_modified"):
                assert datetime.fromisoformat(item[name]).utcoffset() == timedelta(0)
        return document
    parsed = feedparser.parse(response.content, response_headers={"content-type": TYPES[format]})
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[format]
    if format == "atom":
        document = etree.fromstring(response.content)
        assert _atom_schema().validate(document), _atom_schema().error_log
        assert _atom_rules(document) == []
    return parsed


def _ids(format: str, feed: Any) -> list[str]:
    return [item["id"] for item in feed["items"]] if format == "json" else [e.id for e in feed.entries]


def _next(format: str, response: Response) -> str | None:
    """The next page's URL as the body gives it, checked against the `Link` header."""
    if format == "json":
        body_next = response.json().get("next_url")
    else:
        root = etree.fromstring(response.content)
        links = root.findall(f"{ATOM}link[@rel='next']") + root.findall(f"channel/{ATOM}link[@rel='next']")
        body_next = links[0].get("href") if links else None
    header = response.headers.get("link")
    assert header == (f'<{body_next}>; rel="next"' if body_next else None)
    return body_next


def _tag(article: Article) -> str:
    return f"tag:news.example.com,2026:article:{article.id}"


# --- a small newsroom -------------------------------------------------------------------------------------


@pytest.fixture
def newsroom(session: Session) -> dict[str, Any]:
    world = make_category(session, slug="world", name="World & Politics", description="Dispatches.")
    other = make_category(session, slug="money", name="Money")
    korea = make_tag(session, slug="korea", name="Korea")
    russia = make_tag(session, slug="russia", name="Russia")
    mina = make_author(session, slug="mina", name="Mina Park")
    tomas = make_author(session, slug="tomas", name="T")
    articles = [
        make_article(
            session,
            slug=f"story-{n}",
            title=f"Story {n}",
            category=world if n % 2 else other,
            tags=[korea, russia] if n % 2 else [russia],
            authors=[mina] if n < 3 else [mina, tomas],
            published_at=NOW - timedelta(hours=n),
            updated_at=NOW - timedelta(hours=n) + timedelta(minutes=30),
            hero_image={
                "url": f"https://img.example/{n}.jpg",
                "alt": "Picture",
                "width": 1200,
                "height": 800,
            },
        )
        for n in range(1, 6)
    ]
    return {"world": world, "korea": korea, "mina": mina, "articles": articles}


def _scoped_urls(newsroom: dict[str, Any]) -> dict[str, tuple[str, list[Article]]]:
    articles = newsroom["articles"]
    return {
        "site": ("/v1/feeds/", articles),
        "category": ("/v1/feeds/categories/world/", [a for n, a in enumerate(articles, 1) if n % 2]),
        "tag": ("/v1/feeds/tags/korea/", [a for n, a in enumerate(articles, 1) if n % 2]),
        "author": ("/v1/feeds/authors/mina/", articles),
    }


@pytest.mark.parametrize("format", FILES)
def test_every_feed_parses_and_validates(client: TestClient, newsroom: dict[str, Any], format: str) -> None:
    for scope, (prefix, expected) in _scoped_urls(newsroom).items():
        feed = _valid(format, client.get(prefix + FILES[format]))
        assert _ids(format, feed) == [_tag(a) for a in expected], scope


def test_rss_items(client: TestClient, newsroom: dict[str, Any]) -> None:
    response = client.get("/v1/feeds/categories/world/rss.xml")
    channel = etree.fromstring(response.content).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Broadsheet: World & Politics"
    assert channel.findtext("link") == "https://news.example.com/categories/world"
    assert channel.findtext("description") == "Dispatches."
    first = newsroom["articles"][0]
    assert channel.findtext("lastBuildDate") == (first.updated_at.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    item = channel.find("item")
    assert item is not None
    assert [(child.tag, child.text, dict(child.attrib)) for child in item] == [
        ("title", "Story 1", {}),
        ("link", "https://news.example.com/articles/story-1", {}),
        ("guid", _tag(first), {"isPermaLink": "false"}),
        ("pubDate", first.published_at.strftime("%a, %d %b %Y %H:%M:%S GMT"), {}),
        ("description", first.standfirst, {}),
        ("{http://purl.org/dc/elements/1.1/}creator", "Mina Park", {}),
        ("category", "World & Politics", {"domain": "https://news.example.com/categories"}),
        ("category", "Korea", {"domain": "https://news.example.com/tags"}),
        ("category", "Russia", {"domain": "https://news.example.com/tags"}),
        (
            "{http://search.yahoo.com/mrss/}content",
            None,
            {"url": "https://img.example/1.jpg", "medium": "image", "width": "1200", "height": "800"},
        ),
    ]


def test_rss_dates_are_rfc_822(client: TestClient, newsroom: dict[str, Any]) -> None:
    channel = etree.fromstring(client.get("/v1/feeds/rss.xml").content).find("channel")
    assert channel is not None
    dates = [parsedate_to_datetime(item.findtext("pubDate") or "") for item in channel.iter("item")]
    assert dates == [a.published_at for a in newsroom["articles"]]
    built = parsedate_to_datetime(channel.findtext("lastBuildDate") or "")
    assert built == newsroom["articles"][0].updated_at


def test_atom_entries(client: TestClient, newsroom: dict[str, Any]) -> None:
    feed = _valid("atom", client.get("/v1/feeds/authors/mina/atom.xml"))
    assert feed.feed.id == f"tag:news.example.com,2026:feed:author:{newsroom['mina'].id}"
    assert feed.feed.title == "Broadsheet: Mina Park"
    assert feed.feed.link == "https://news.example.com/authors/mina"
    first = newsroom["articles"][0]
    assert feed.feed.updated == first.updated_at.isoformat()
    entry = feed.entries[0]
    assert entry.title == "Story 1"
    assert entry.link == "https://news.example.com/articles/story-1"
    assert entry.published == first.published_at.isoformat()
    assert entry.updated == first.updated_at.isoformat()
    assert entry.summary == first.standfirst
    assert "content" not in entry
    assert entry.authors == [{"name": "Mina Park", "href": "https://news.example.com/authors/mina"}]
    assert [(t.term, t.label, t.scheme) for t in entry.tags] == [
        ("world", "World & Politics", "https://news.example.com/categories"),
        ("korea", "Korea", "https://news.example.com/tags"),
        ("russia", "Russia", "https://news.example.com/tags"),
    ]
    assert [author["name"] for author in feed.entries[3].authors] == ["Mina Park", "T"]


def test_json_feed_items(client: TestClient, newsroom: dict[str, Any]) -> None:
    feed = _valid("json", client.get("/v1/feeds/tags/korea/feed.json"))
    first = newsroom["articles"][0]
    assert {k: v for k, v in feed.items() if k != "items"} == {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Broadsheet: Korea",
        "home_page_url": "https://news.example.com/tags/korea",
        "feed_url": "http://testserver/v1/feeds/tags/korea/feed.json",
        "description": "The latest articles about Korea from Broadsheet.",
        "authors": [{"name": "Broadsheet", "url": "https://news.example.com"}],
    }
    assert feed["items"][0] == {
        "id": _tag(first),
        "url": "https://news.example.com/articles/story-1",
        "title": "Story 1",
        "content_text": first.standfirst,
        "image": "https://img.example/1.jpg",
        "date_published": first.published_at.isoformat(),
        "date_modified": first.updated_at.isoformat(),
        "authors": [{"name": "Mina Park", "url": "https://news.example.com/authors/mina"}],
        "tags": ["World & Politics", "Korea", "Russia"],
        "language": "en",
    }


@pytest.mark.parametrize("format", FILES)
def test_pages_follow_next_links(client: TestClient, newsroom: dict[str, Any], format: str) -> None:
    url: str | None = f"/v1/feeds/{FILES[format]}?limit=2"
    pages = []
    while url is not None:
        response = client.get(url)
        pages.append(_ids(format, _valid(format, response)))
        url = _next(format, response)
        assert url is None or url.startswith("http://testserver/v1/feeds/")
    assert pages == [[_tag(a) for a in newsroom["articles"][i : i + 2]] for i in (0, 2, 4)]


def test_paged_feeds_link_their_first_page(client: TestClient, newsroom: dict[str, Any]) -> None:
    first = client.get("/v1/feeds/atom.xml?limit=2")
    second = client.get(_next("atom", first) or "")
    links = {
        link.get("rel"): link.get("href") for link in etree.fromstring(second.content).findall(f"{ATOM}link")
    }
    assert links["first"] == "http://testserver/v1/feeds/atom.xml?limit=2"
    assert links["self"] == str(second.url)
    assert "first" not in {link.get("rel") for link in etree.fromstring(first.content).findall(f"{ATOM}link")}
    page_two = client.get(_next("json", client.get("/v1/feeds/feed.json?limit=2")) or "").json()
    assert page_two["feed_url"] == "http://testserver/v1/feeds/feed.json?limit=2"


@pytest.mark.parametrize("format", FILES)
def test_hidden_articles_never_appear(
    client: TestClient, session: Session, newsroom: dict[str, Any], format: str
) -> None:
    hidden = make_hidden_articles(session, category=newsroom["world"], slug_prefix="secret-")
    _attach(session, hidden.values(), newsroom["korea"], newsroom["mina"])
    for scope, (prefix, expected) in _scoped_urls(newsroom).items():
        response = client.get(prefix + FILES[format])
        assert _ids(format, _valid(format, response)) == [_tag(a) for a in expected], scope
        assert "secret-" not in response.text


def _attach(session: Session, articles: Any, tag: Tag, author: Author) -> None:
    from app.articles.models import ArticleAuthor, ArticleTag

    assert tag.id is not None
    assert author.id is not None
    for article in articles:
        session.add(ArticleTag(article_id=article.id, tag_id=tag.id, position=0))
        session.add(ArticleAuthor(article_id=article.id, author_id=author.id, position=0))
    session.commit()


# --- full content for partners ----------------------------------------------------------------------------


@pytest.fixture
def rich(session: Session) -> str:
    """An article whose body has one block of every kind, some of them hostile: its body as HTML."""
    article = make_article(session, slug="rich", title="Rich", standfirst=None)
    session.execute(delete(ArticleBlock).where(col(ArticleBlock.article_id) == article.id))
    assert article.id is not None
    blocks: list[tuple[str, dict[str, Any]]] = [
        ("heading", {"text": "Why <this> & that", "level": 2}),
        ("paragraph", {"html": 'Hi <em>there</em><script>alert(1)</script> <a href="javascript:x">x</a>'}),
        ("list", {"items": ["one <b>", "two & three"], "ordered": True}),
        ("quote", {"text": 'Said "so"', "attribution": "A <person>"}),
        ("image", {"url": "https://img.example/a.jpg", "alt": 'An "image"', "width": 10, "caption": "C"}),
        ("image", {"url": "javascript:alert(1)", "alt": "bad"}),
        ("embed", {"url": "https://video.example/1", "title": "Watch <it>"}),
    ]
    session.add_all(
        ArticleBlock(article_id=article.id, position=position, type=kind, data=data)
        for position, (kind, data) in enumerate(blocks)
    )
    session.commit()
    make_table(
        session,
        article,
        title="Themes <1>",
        columns=[
            {"key": "theme", "label": "Theme & more", "type": "text"},
            {"key": "n", "label": "N", "type": "number"},
            {"key": "src", "label": "Source", "type": "link"},
        ],
        rows=[["<i>First</i>", 1, "https://src.example/?a=1&b=2"], [None, 2.5, None]],
    )
    timeline, _ = make_timeline(
        session, article, [event("2024-10-01", "month", label="October 2024", milestone="Met <again>")]
    )
    return RICH_HTML.replace("Timeline {n}", timeline.title)


RICH_HTML = "\n".join(
    [
        "<h2>Why &lt;this&gt; &amp; that</h2>",
        '<p>Hi <em>there</em> <a rel="noopener noreferrer">x</a></p>',
        "<ol><li>one &lt;b&gt;</li><li>two &amp; three</li></ol>",
        "<blockquote><p>Said &quot;so&quot;</p><footer>— A &lt;person&gt;</footer></blockquote>",
        '<figure><img src="https://img.example/a.jpg" alt="An &quot;image&quot;" width="10">'
        "<figcaption>C</figcaption></figure>",
        '<p><a href="https://video.example/1">Watch &lt;it&gt;</a></p>',
        "<table><caption>Themes &lt;1&gt;</caption><thead><tr><th>Theme &amp; more</th><th>N</th>"
        "<th>Source</th></tr></thead><tbody><tr><td>&lt;i&gt;First&lt;/i&gt;</td><td>1</td>"
        '<td><a href="https://src.example/?a=1&amp;b=2">https://src.example/?a=1&amp;b=2</a></td></tr>'
        "<tr><td></td><td>2.5</td><td></td></tr></tbody></table>",
        "<h3>Timeline {n}</h3><ol><li><strong>October 2024</strong>: Met &lt;again&gt;</li></ol>",
    ]
)


def test_partner_key_gets_the_whole_body(client: TestClient, session: Session, rich: str) -> None:
    headers = key_headers(session, "partner:full-content", name="partner")
    responses = {f: client.get(f"/v1/feeds/{FILES[f]}", headers=headers) for f in FILES}
    json_item = _valid("json", responses["json"])["items"][0]
    assert json_item["content_html"] == rich
    assert "content_text" not in json_item
    assert json_item["summary"] == "Hi there x"  # the first paragraph stands in for a standfirst
    atom = _valid("atom", responses["atom"])
    assert atom.entries[0].content[0]["type"] == "text/html"
    content = etree.fromstring(responses["atom"].content).find(f"{ATOM}entry/{ATOM}content")
    assert content is not None
    assert (content.get("type"), content.text) == ("html", rich)
    rss_item = etree.fromstring(responses["rss"].content).find("channel/item")
    assert rss_item is not None
    assert rss_item.findtext(CONTENT_ENCODED) == rich
    _valid("rss", responses["rss"])
    for response in responses.values():
        assert response.headers["cache-control"] == "private, no-store"
        assert response.headers["vary"].startswith("Authorization, ")
        assert "surrogate-key" not in response.headers


def test_public_feeds_carry_excerpts_only(client: TestClient, session: Session, rich: str) -> None:
    for format, file in FILES.items():
        response = client.get(f"/v1/feeds/{file}")
        assert "Hi there" in response.text
        assert "Why &lt;this&gt;" not in response.text, format
        assert "Why <this>" not in response.text, format
        assert response.headers["cache-control"] == DEFAULT_POLICIES[CacheKind.feed].header()
        assert response.headers["vary"] == "Authorization, Accept-Encoding, Accept"
    assert client.get("/v1/feeds/feed.json").json()["items"][0]["content_text"] == "Hi there x"


def test_keys_for_full_content(client: TestClient, session: Session, newsroom: dict[str, Any]) -> None:
    admin = key_headers(session, "admin", name="boss")
    assert "<content:encoded>" in client.get("/v1/feeds/rss.xml", headers=admin).text
    writer = key_headers(session, "content:write", name="writer")
    problem = assert_problem(client.get("/v1/feeds/rss.xml", headers=writer), 403)
    assert problem["detail"] == "This API key lacks the `partner:full-content` scope."
    for bad in ("Bearer bs_nope_nope", "Basic dXNlcjpwYXNz", "Bearer "):
        response = client.get("/v1/feeds/atom.xml", headers={"Authorization": bad})
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["cache-control"] == "no-store"


# --- escaping, ids, links ---------------------------------------------------------------------------------


def test_hostile_text_is_escaped(client: TestClient, session: Session) -> None:
    tag = make_tag(session, slug="evil", name="<evil> & co")
    author = make_author(session, slug="eve", name='Eve "<x>"')
    make_article(session, slug="hostile", title=HOSTILE, standfirst=HOSTILE, tags=[tag], authors=[author])
    readable = HOSTILE.replace("\x0b", "")  # no XML 1.0 document can carry U+000B
    rss = _valid("rss", client.get("/v1/feeds/rss.xml"))
    assert rss.entries[0].title == readable
    assert rss.entries[0].author == 'Eve "<x>"'
    atom = _valid("atom", client.get("/v1/feeds/atom.xml"))
    assert atom.entries[0].title == readable
    assert atom.entries[0].summary == readable
    assert atom.entries[0].tags[1].label == "<evil> & co"
    item = etree.fromstring(client.get("/v1/feeds/rss.xml").content).find("channel/item")
    assert item is not None
    assert item.findtext("title") == readable
    # `description` is HTML to RSS readers: the plain excerpt arrives escaped once more
    assert item.findtext("description") == html.escape(readable, quote=False)
    json_item = _valid("json", client.get("/v1/feeds/feed.json"))["items"][0]
    assert json_item["title"] == HOSTILE
    assert json_item["tags"][1] == "<evil> & co"


def test_ids_survive_a_slug_change(client: TestClient, session: Session) -> None:
    make_category(session, slug="world", name="World")
    desk = key_headers(session, "content:write", "content:publish", name="desk")
    created = client.post(
        "/v1/admin/articles",
        headers=desk,
        json={"slug": "first-slug", "title": "Moving", "category": "world", "blocks": []},
    )
    assert created.status_code == 201, created.text
    article_id = created.json()["id"]
    published = client.post(
        f"/v1/admin/articles/{article_id}/publish",
        headers={**desk, "If-Match": _version(created.json())},
        json={"published_at": (NOW - timedelta(minutes=5)).isoformat()},
    )
    assert published.status_code == 200, published.text
    before = {f: _ids(f, _valid(f, client.get(f"/v1/feeds/{FILES[f]}"))) for f in FILES}
    renamed = client.patch(
        f"/v1/admin/articles/{article_id}",
        headers={**desk, "If-Match": _version(published.json())},
        json={"slug": "second-slug"},
    )
    assert renamed.status_code == 200, renamed.text
    after = {f: _valid(f, client.get(f"/v1/feeds/{FILES[f]}")) for f in FILES}
    expected = [f"tag:news.example.com,2026:article:{article_id}"]
    assert before == dict.fromkeys(FILES, expected)
    assert {f: _ids(f, feed) for f, feed in after.items()} == before
    assert after["rss"].entries[0].link == "https://news.example.com/articles/second-slug"
    assert after["json"]["items"][0]["url"] == "https://news.example.com/articles/second-slug"


def _version(article: dict[str, Any]) -> str:
    return f'"article-{article["id"]}-v{article["version"]}"'


def test_settings_shape_links_and_ids(database_url: str, session: Session) -> None:
    make_article(session, slug="here", canonical_url="https://elsewhere.example/story", published_at=NOW)
    make_article(session, slug="there", canonical_url="javascript:x", published_at=NOW - timedelta(days=1))
    settings = Settings(
        database_url=database_url,
        rate_limits=UNLIMITED,
        public_base_url="https://api.paper.example/",
        site_url="https://paper.example/",
        publisher_name="The Paper",
        feed_id_authority="paper.example,2024-05-01",
    )
    with TestClient(create_app(settings)) as client:
        feed = client.get("/v1/feeds/feed.json?limit=1").json()
        rss = client.get("/v1/feeds/rss.xml?limit=1")
    assert feed["title"] == "The Paper"
    assert feed["home_page_url"] == "https://paper.example/"
    assert feed["feed_url"] == "https://api.paper.example/v1/feeds/feed.json?limit=1"
    assert feed["next_url"].startswith("https://api.paper.example/v1/feeds/feed.json?limit=1&cursor=")
    assert feed["items"][0]["id"].startswith("tag:paper.example,2024-05-01:article:")
    assert feed["items"][0]["url"] == "https://elsewhere.example/story"
    assert rss.headers["link"] == f'<{feed["next_url"].replace("feed.json", "rss.xml")}>; rel="next"'
    with TestClient(create_app(settings)) as client:
        second = client.get(feed["next_url"].replace("https://api.paper.example", "")).json()
    assert second["items"][0]["url"] == "https://paper.example/articles/there"  # not a javascript: link


def test_an_empty_feed_is_still_valid(client: TestClient, session: Session) -> None:
    make_category(session, slug="quiet", name="Quiet")
    for format, file in FILES.items():
        feed = _valid(format, client.get(f"/v1/feeds/categories/quiet/{file}"))
        assert _ids(format, feed) == []
    atom = etree.fromstring(client.get("/v1/feeds/atom.xml").content)
    assert atom.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00+00:00"


def test_bad_requests(client: TestClient, newsroom: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/feeds/rss.xml?page=2"), 400)
    assert_problem(client.get("/v1/feeds/rss.xml?limit=101"), 400)
    assert_problem(client.get("/v1/feeds/atom.xml?cursor=nonsense"), 400)
    assert_problem(client.get("/v1/feeds/feed.json?limit=1&limit=2"), 400)
    for path in ("categories/nowhere", "tags/nowhere", "authors/nobody"):
        assert_problem(client.get(f"/v1/feeds/{path}/rss.xml"), 404)
    assert_problem(client.get("/v1/feeds/rss.xml", headers={"Accept": "application/json"}), 406)
    assert client.get("/v1/feeds/rss.xml", headers={"Accept": "application/rss+xml"}).status_code == 200
    assert client.post("/v1/feeds/rss.xml").status_code == 405


def test_caching_names_everything_shown(client: TestClient, newsroom: dict[str, Any]) -> None:
    response = client.get("/v1/feeds/categories/world/atom.xml")
    world, korea, mina = newsroom["world"], newsroom["korea"], newsroom["mina"]
    shown = [a for n, a in enumerate(newsroom["articles"], 1) if n % 2]
    keys = set(response.headers["surrogate-key"].split(" "))
    russia = next(k for k in keys if k.startswith("tag:") and k != f"tag:{korea.id}")
    tomas = {k for k in keys if k.startswith("author:")} - {f"author:{mina.id}"}
    assert keys == {
        "articles:list",
        "feeds",
        f"category:{world.id}",
        f"tag:{korea.id}",
        russia,
        f"author:{mina.id}",
        *tomas,
        *(f"article:{a.id}" for a in shown),
    }
    assert len(tomas) == 1
    etag = response.headers["etag"]
    again = client.get("/v1/feeds/categories/world/atom.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["vary"] == response.headers["vary"]


def test_feed_of_a_renamed_category_is_found_by_its_new_slug(client: TestClient, session: Session) -> None:
    category = make_category(session, slug="old-name", name="Old")
    article = make_article(session, category=category)
    category.slug = "new-name"
    session.add(category)
    session.commit()
    feed = _valid("json", client.get("/v1/feeds/categories/new-name/feed.json"))
    assert _ids("json", feed) == [_tag(article)]
    assert feed["home_page_url"] == "https://news.example.com/categories/new-name"
    assert_problem(client.get("/v1/feeds/categories/old-name/feed.json"), 404)
