"""RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1 of the public articles of the site, a category, a tag or an
author.

A feed is one page of that article list, newest first, linking to the next page (RFC 5005 paging in Atom and
RSS, `next_url` in JSON Feed). Entries carry an excerpt; for a partner with full content, also the whole body
as HTML. Entry ids are `tag:` URIs (RFC 4151) made of numeric ids, so a new slug never makes an entry new.
The XML is built with ElementTree, which escapes every text and attribute value."""

import html
import json
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from enum import StrEnum
from urllib.parse import urlsplit

from sqlmodel import Session

from app.articles import jsonld
from app.articles import service as articles_service
from app.articles.body import Block, TableBlock, TimelineBlock, public_bodies
from app.articles.editorial import sanitize_html
from app.articles.models import (
    EmbedBlock,
    HeadingBlock,
    HeroImage,
    ImageBlock,
    ListBlock,
    ParagraphBlock,
    QuoteBlock,
    StoredBlock,
)
from app.articles.service import ArticleRecord
from app.config import Settings
from app.http_cache import entity_key
from app.tables.models import ColumnType, ContentTablePublic
from app.timelines.models import TimelinePublic

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"
GENERATOR = "Broadsheet"
TAG_URI_YEAR = "2026"
EXCERPT_LENGTH = 300
# an empty feed has no entry to take its `updated` from; a fixed time keeps its body (and ETag) stable
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)
# characters XML 1.0 cannot carry at all, not even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TAGS = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTTP_URL = re.compile(r"^https?://\S+$")

for _prefix, _uri in (("atom", ATOM_NS), ("content", CONTENT_NS), ("dc", DC_NS), ("media", MEDIA_NS)):
    ET.register_namespace(_prefix, _uri)


class FeedFormat(StrEnum):
    rss = "rss"
    atom = "atom"
    json = "json"

    @property
    def filename(self) -> str:
        return {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}[self.value]

    @property
    def media_type(self) -> str:
        return {"rss": RSS_TYPE, "atom": ATOM_TYPE, "json": JSON_FEED_TYPE}[self.value]


class ScopeKind(StrEnum):
    site = "site"
    category = "category"
    tag = "tag"
    author = "author"


@dataclass(frozen=True)
class FeedScope:
    """Whose articles a feed lists: the whole site, or one category, tag or author."""

    kind: ScopeKind
    entity_id: int | None = None
    slug: str | None = None
    name: str | None = None
    about: str | None = None  # the category's description or the author's bio


@dataclass(frozen=True)
class Named:
    """A category, tag or author as an entry shows it."""

    id: int
    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class FeedItem:
    article_id: int
    id: str
    url: str
    title: str
    excerpt: str
    content_html: str | None  # only with full content
    published_at: datetime
    updated_at: datetime
    language: str
    image: HeroImage | None
    authors: list[Named]
    category: Named
    tags: list[Named]


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    description: str
    home_url: str  # the website's page for what the feed lists
    self_url: str
    first_url: str
    next_url: str | None
    publisher: str
    site_url: str
    categories_url: str
    tags_url: str
    items: list[FeedItem]

    @property
    def updated(self) -> datetime:
        return max((item.updated_at for item in self.items), default=EMPTY_FEED_UPDATED)

    def surrogate_keys(self, scope: FeedScope) -> set[str]:
        """Every entity the feed shows, so that a change to any of them purges it."""
        keys = {entity_key(str(scope.kind), scope.entity_id)} if scope.entity_id is not None else set()
        for item in self.items:
            keys.add(entity_key("article", item.article_id))
            keys.add(entity_key("category", item.category.id))
            keys.update(entity_key("tag", tag.id) for tag in item.tags)
            keys.update(entity_key("author", author.id) for author in item.authors)
        return keys


# --- what a feed lists --------------------------------------------------------------------------------------


def page_of_articles(
    session: Session, scope: FeedScope, *, cursor: str | None, limit: int
) -> tuple[Sequence[ArticleRecord], str | None]:
    """One page of the scope's public articles, newest first, and the cursor of the next page."""
    return articles_service.list_public_articles(
        session,
        category=scope.slug if scope.kind is ScopeKind.category else None,
        tag=scope.slug if scope.kind is ScopeKind.tag else None,
        author=scope.slug if scope.kind is ScopeKind.author else None,
        cursor=cursor,
        limit=limit,
    )


def tag_uri(settings: Settings, specific: str) -> str:
    """A `tag:` URI (RFC 4151) under this publisher's authority: ids that outlive any URL or slug."""
    host = urlsplit(settings.site_url).hostname or "localhost"
    authority = settings.feed_id_authority or f"{host},{TAG_URI_YEAR}"
    return f"tag:{authority}:{specific}"


def feed(
    session: Session,
    settings: Settings,
    scope: FeedScope,
    articles: Sequence[ArticleRecord],
    *,
    full_content: bool,
    self_url: str,
    first_url: str,
    next_url: str | None,
) -> Feed:
    """The feed of `articles`, in a fixed number of queries whatever their number."""
    publisher = settings.publisher_name
    if scope.kind is ScopeKind.site:
        feed_id, title, home = tag_uri(settings, "feed"), publisher, settings.site_url
        description = f"The latest articles from {publisher}."
    else:
        section = {"category": "categories", "tag": "tags", "author": "authors"}[scope.kind]
        assert scope.slug is not None
        feed_id = tag_uri(settings, f"feed:{scope.kind}:{scope.entity_id}")
        title = f"{publisher}: {scope.name}"
        home = jsonld.web_url(settings, section, scope.slug)
        description = (
            scope.about
            or {
                "category": f"The latest {scope.name} articles from {publisher}.",
                "tag": f"The latest articles about {scope.name} from {publisher}.",
                "author": f"The latest articles by {scope.name} for {publisher}.",
            }[scope.kind]
        )
    return Feed(
        id=feed_id,
        title=title,
        description=description,
        home_url=home,
        self_url=self_url,
        first_url=first_url,
        next_url=next_url,
        publisher=publisher,
        site_url=settings.site_url,
        categories_url=jsonld.section_url(settings, "categories"),
        tags_url=jsonld.section_url(settings, "tags"),
        items=_items(session, settings, articles, full_content=full_content),
    )


def _items(
    session: Session, settings: Settings, articles: Sequence[ArticleRecord], *, full_content: bool
) -> list[FeedItem]:
    ids = [a.id for a in articles if a.id is not None]
    categories = articles_service.categories_by_id(session, (a.category_id for a in articles))
    tags = articles_service.tags_by_article(session, ids)
    authors = articles_service.authors_by_article(session, ids)
    bodies: dict[int, list[Block]] = public_bodies(session, ids) if full_content else {}
    # the first paragraph stands in for a missing standfirst
    bare = [a.id for a in articles if a.id is not None and not (a.standfirst or a.seo_description)]
    stored: dict[int, list[StoredBlock]] = (
        {} if full_content else dict(articles_service.blocks_by_article(session, bare))
    )
    items = []
    for article in articles:
        assert article.id is not None
        assert article.published_at is not None
        category = categories[article.category_id]
        assert category.id is not None
        items.append(
            FeedItem(
                article_id=article.id,
                id=tag_uri(settings, f"article:{article.id}"),
                url=jsonld.article_url(settings, article.slug, article.canonical_url),
                title=article.title,
                excerpt=_excerpt(article, bodies.get(article.id) or stored.get(article.id, [])),
                content_html=body_html(bodies[article.id]) if full_content else None,
                published_at=article.published_at,
                updated_at=article.updated_at,
                language=article.language,
                image=HeroImage.model_validate(article.hero_image) if article.hero_image else None,
                authors=[
                    _named(settings, "authors", a.id, a.name, a.slug) for a in authors.get(article.id, [])
                ],
                category=_named(settings, "categories", category.id, category.name, category.slug),
                tags=[_named(settings, "tags", t.id, t.name, t.slug) for t in tags.get(article.id, [])],
            )
        )
    return items


def _named(settings: Settings, section: str, entity_id: int | None, name: str, slug: str) -> Named:
    assert entity_id is not None
    return Named(id=entity_id, name=name, slug=slug, url=jsonld.web_url(settings, section, slug))


def _excerpt(article: ArticleRecord, blocks: Sequence[Block | StoredBlock]) -> str:
    """Plain text: the standfirst, else the SEO description, else the start of the first paragraph."""
    if article.standfirst:
        return article.standfirst
    if article.seo_description:
        return article.seo_description
    for block in blocks:
        if isinstance(block, ParagraphBlock):
            markup = _BREAKS.sub(" ", sanitize_html(block.html))
            text = " ".join(html.unescape(_TAGS.sub("", markup)).split())
            return textwrap.shorten(text, EXCERPT_LENGTH, placeholder=" …")
    return ""


# --- an article body as HTML --------------------------------------------------------------------------------


def body_html(blocks: Sequence[Block]) -> str:
    """The body as HTML a feed reader can show. Paragraphs are sanitized again (rows written before the
    sanitizer, or by hand, are not trusted); every other text is escaped; only http(s) URLs are linked."""
    return "\n".join(part for part in (_block_html(block) for block in blocks) if part)


def _block_html(block: Block) -> str:
    text = _escape
    if isinstance(block, HeadingBlock):
        return f"<h{block.level}>{text(block.text)}</h{block.level}>"
    if isinstance(block, ParagraphBlock):
        return f"<p>{sanitize_html(block.html)}</p>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{text(item)}</li>" for item in block.items) + f"</{tag}>"
    if isinstance(block, QuoteBlock):
        cite = f"<footer>— {text(block.attribution)}</footer>" if block.attribution else ""
        return f"<blockquote><p>{text(block.text)}</p>{cite}</blockquote>"
    if isinstance(block, ImageBlock):
        return _figure(block)
    if isinstance(block, EmbedBlock):
        label = block.title or block.provider or block.url
        return f"<p>{_link(block.url, label)}</p>"
    if isinstance(block, TableBlock):
        return _table_html(block.table)
    if isinstance(block, TimelineBlock):
        return _table_html(block.table) if block.table is not None else _timeline_html(block.timeline)
    return ""


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(url: str, label: str) -> str:
    if not _HTTP_URL.match(url):
        return _escape(label)
    return f'<a href="{_escape(url)}">{_escape(label)}</a>'


def _figure(block: ImageBlock) -> str:
    if not _HTTP_URL.match(block.url):
        return ""
    size = "".join(
        f' {name}="{value}"' for name, value in (("width", block.width), ("height", block.height)) if value
    )
    caption = " — ".join(_escape(part) for part in (block.caption, block.credit) if part)
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="{_escape(block.url)}" alt="{_escape(block.alt)}"{size}>{figcaption}</figure>'


def _table_html(table: ContentTablePublic) -> str:
    caption = f"<caption>{_escape(table.title)}</caption>"
    head = "<thead><tr>" + "".join(f"<th>{_escape(c.label)}</th>" for c in table.columns) + "</tr></thead>"
    rows = []
    for row in table.rows:
        cells = []
        for column, cell in zip(table.columns, row, strict=False):
            if cell is None:
                cells.append("<td></td>")
            elif column.type is ColumnType.link and isinstance(cell, str):
                cells.append(f"<td>{_link(cell, cell)}</td>")
            else:
                cells.append(f"<td>{_escape(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = f"<p>{_escape(table.caption)}</p>" if table.caption else ""
    return f"<table>{caption}{head}<tbody>{''.join(rows)}</tbody></table>{note}"


def _timeline_html(timeline: TimelinePublic) -> str:
    events = []
    for event in timeline.events:
        change = f" {_escape(event.what_changed)}" if event.what_changed else ""
        events.append(f"<li><strong>{_escape(event.label)}</strong>: {_escape(event.milestone)}{change}</li>")
    return f"<h3>{_escape(timeline.title)}</h3><ol>{''.join(events)}</ol>"


# --- the three formats --------------------------------------------------------------------------------------


def render(feed: Feed, format: FeedFormat) -> bytes:
    return {FeedFormat.rss: rss, FeedFormat.atom: atom, FeedFormat.json: json_feed}[format](feed)


def rss(feed: Feed) -> bytes:
    """RSS 2.0, with RFC 822 dates, `atom:link` self and next links and the full body in `content:encoded`."""
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home_url)
    _sub(channel, "description", feed.description)
    _sub(channel, "generator", GENERATOR)
    if feed.items:
        _sub(channel, "lastBuildDate", _rfc822(feed.updated))
    for rel, href in _paging_links(feed):
        _sub(channel, f"{{{ATOM_NS}}}link", attrib={"rel": rel, "type": RSS_TYPE, "href": href})
    for item in feed.items:
        entry = _sub(channel, "item")
        _sub(entry, "title", item.title)
        _sub(entry, "link", item.url)
        _sub(entry, "guid", item.id, {"isPermaLink": "false"})
        _sub(entry, "pubDate", _rfc822(item.published_at))
        # RSS readers take `description` as HTML: the plain-text excerpt is escaped once for that
        _sub(entry, "description", html.escape(item.excerpt, quote=False))
        for author in item.authors:
            _sub(entry, f"{{{DC_NS}}}creator", author.name)
        _sub(entry, "category", item.category.name, {"domain": feed.categories_url})
        for tag in item.tags:
            _sub(entry, "category", tag.name, {"domain": feed.tags_url})
        if item.image is not None:
            _sub(entry, f"{{{MEDIA_NS}}}content", attrib=_media(item.image))
        if item.content_html is not None:
            _sub(entry, f"{{{CONTENT_NS}}}encoded", item.content_html)
    return _xml_bytes(root)


def atom(feed: Feed) -> bytes:
    """Atom (RFC 4287) with RFC 5005 paging links; entries carry `summary` and, in full, `content`."""
    # Atom elements are left unqualified under a literal default namespace declaration: ElementTree's own
    # `default_namespace` refuses the unqualified attributes (`rel`, `href`) that Atom uses
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(root, "id", feed.id)
    _sub(root, "title", feed.title, {"type": "text"})
    _sub(root, "subtitle", feed.description, {"type": "text"})
    _sub(root, "updated", jsonld.timestamp(feed.updated))
    _sub(root, "link", attrib={"rel": "alternate", "type": "text/html", "href": feed.home_url})
    for rel, href in _paging_links(feed):
        _sub(root, "link", attrib={"rel": rel, "type": ATOM_TYPE, "href": href})
    publisher = _sub(root, "author")
    _sub(publisher, "name", feed.publisher)
    _sub(publisher, "uri", feed.site_url)
    _sub(root, "generator", GENERATOR)
    for item in feed.items:
        entry = _sub(root, "entry", attrib={f"{{{XML_NS}}}lang": item.language})
        _sub(entry, "id", item.id)
        _sub(entry, "title", item.title, {"type": "text"})
        _sub(entry, "link", attrib={"rel": "alternate", "type": "text/html", "href": item.url})
        _sub(entry, "published", jsonld.timestamp(item.published_at))
        _sub(entry, "updated", jsonld.timestamp(item.updated_at))
        for author in item.authors:
            person = _sub(entry, "author")
            _sub(person, "name", author.name)
            _sub(person, "uri", author.url)
        _sub(
            entry,
            "category",
            attrib={"term": item.category.slug, "label": item.category.name, "scheme": feed.categories_url},
        )
        for tag in item.tags:
            _sub(entry, "category", attrib={"term": tag.slug, "label": tag.name, "scheme": feed.tags_url})
        if item.excerpt:
            _sub(entry, "summary", item.excerpt, {"type": "text"})
        if item.content_html is not None:
            _sub(entry, "content", item.content_html, {"type": "html"})
        if item.image is not None:
            _sub(entry, f"{{{MEDIA_NS}}}content", attrib=_media(item.image))
    return _xml_bytes(root)


def json_feed(feed: Feed) -> bytes:
    """JSON Feed 1.1: `content_text` is the excerpt, or `content_html` the whole body with full content."""
    data: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.first_url,
        "description": feed.description,
        "authors": [{"name": feed.publisher, "url": feed.site_url}],
    }
    if feed.next_url is not None:
        data["next_url"] = feed.next_url
    items = []
    for item in feed.items:
        entry: dict[str, object] = {"id": item.id, "url": item.url, "title": item.title}
        if item.content_html is not None:
            entry["content_html"] = item.content_html
            if item.excerpt:
                entry["summary"] = item.excerpt
        else:
            entry["content_text"] = item.excerpt
        if item.image is not None:
            entry["image"] = item.image.url
        entry["date_published"] = jsonld.timestamp(item.published_at)
        entry["date_modified"] = jsonld.timestamp(item.updated_at)
        entry["authors"] = [{"name": author.name, "url": author.url} for author in item.authors]
        entry["tags"] = list(dict.fromkeys([item.category.name, *(tag.name for tag in item.tags)]))
        entry["language"] = item.language
        items.append(entry)
    data["items"] = items
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _paging_links(feed: Feed) -> list[tuple[str, str]]:
    links = [("self", feed.self_url)]
    if feed.self_url != feed.first_url:
        links.append(("first", feed.first_url))
    if feed.next_url is not None:
        links.append(("next", feed.next_url))
    return links


def _media(image: HeroImage) -> dict[str, str]:
    return {"url": image.url, "medium": "image", "width": str(image.width), "height": str(image.height)}


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot represent (control characters other than tab, line
    feed and carriage return): a title carrying one must not make the whole document ill-formed."""
    return _NOT_XML.sub("", value)


def _sub(
    parent: ET.Element, tag: str, text: str | None = None, attrib: dict[str, str] | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: xml_text(value) for name, value in (attrib or {}).items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _xml_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
