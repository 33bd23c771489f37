"""Sitemaps (sitemaps.org 0.9) of the public articles, and a Google News sitemap of the last two days.

`/sitemap.xml` is an index over numbered sitemaps of at most `CHUNK_SIZE` articles each, in id order (an
article keeps its place as others are published), each listed with the newest `lastmod` among its articles.
`lastmod` is the article's own change time (`updated_at`), never the time the sitemap was made."""

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from app.articles import jsonld
from app.articles.models import Article
from app.articles.service import public_condition
from app.config import Settings
from app.syndication.feeds import xml_text

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
CHUNK_SIZE = 50_000  # the protocol's limit of URLs per sitemap
NEWS_WINDOW = timedelta(hours=48)  # Google News takes articles of the last two days
NEWS_LIMIT = 1_000  # and at most this many per news sitemap

ET.register_namespace("news", NEWS_NS)


@dataclass(frozen=True)
class Chunk:
    number: int
    lastmod: datetime | None  # None only for the empty first chunk of a site without articles


@dataclass(frozen=True)
class Entry:
    id: int
    slug: str
    canonical_url: str | None
    title: str
    language: str
    published_at: datetime
    updated_at: datetime


def chunks(session: Session) -> list[Chunk]:
    """The article sitemaps there are, each with its newest `lastmod`, in one pass over the public articles.

    There is always a first one, empty on a site without articles."""
    numbered = (
        select(
            col(Article.updated_at).label("updated_at"),
            ((func.row_number().over(order_by=col(Article.id)) - 1) // CHUNK_SIZE).label("chunk"),
        )
        .where(public_condition())
        .subquery()
    )
    statement = (
        select(numbered.c.chunk, func.max(numbered.c.updated_at))
        .group_by(numbered.c.chunk)
        .order_by(numbered.c.chunk)
    )
    found = [Chunk(number=int(n) + 1, lastmod=lastmod) for n, lastmod in session.execute(statement)]
    return found or [Chunk(number=1, lastmod=None)]


def chunk_entries(session: Session, number: int) -> list[Entry] | None:
    """The articles of sitemap `number` (1-based), or None when there is no such sitemap."""
    rows = session.execute(
        _entries().order_by(col(Article.id)).offset((number - 1) * CHUNK_SIZE).limit(CHUNK_SIZE)
    ).all()
    if not rows and number > 1:
        return None
    return [_entry(row) for row in rows]


def news_entries(session: Session, now: datetime) -> list[Entry]:
    """Articles published within `NEWS_WINDOW` before `now`, newest first, at most `NEWS_LIMIT`."""
    statement = (
        _entries()
        .where(col(Article.published_at) > now - NEWS_WINDOW)
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(NEWS_LIMIT)
    )
    return [_entry(row) for row in session.execute(statement)]


def _entries() -> Select[*tuple[Any, ...]]:
    return select(
        col(Article.id),
        col(Article.slug),
        col(Article.canonical_url),
        col(Article.title),
        col(Article.language),
        col(Article.published_at),
        col(Article.updated_at),
    ).where(public_condition())


def _entry(row: Any) -> Entry:
    return Entry(**row._mapping)


def index_xml(chunk_list: Sequence[Chunk], base_url: str) -> bytes:
    """The sitemap index: every article sitemap, then the news sitemap."""
    root = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    for chunk in chunk_list:
        sitemap = _sub(root, "sitemap")
        _sub(sitemap, "loc", f"{base_url}/sitemaps/articles-{chunk.number}.xml")
        if chunk.lastmod is not None:
            _sub(sitemap, "lastmod", jsonld.timestamp(chunk.lastmod))
    _sub(_sub(root, "sitemap"), "loc", f"{base_url}/sitemaps/news.xml")
    return _xml_bytes(root)


def urlset_xml(entries: Sequence[Entry], settings: Settings) -> bytes:
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        url = _sub(root, "url")
        _sub(url, "loc", jsonld.article_url(settings, entry.slug, entry.canonical_url))
        _sub(url, "lastmod", jsonld.timestamp(entry.updated_at))
    return _xml_bytes(root)


def news_xml(entries: Sequence[Entry], settings: Settings) -> bytes:
    """A Google News sitemap: publication name and language, publication date and title per article."""
    n = f"{{{NEWS_NS}}}"
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        url = _sub(root, "url")
        _sub(url, "loc", jsonld.article_url(settings, entry.slug, entry.canonical_url))
        _sub(url, "lastmod", jsonld.timestamp(entry.updated_at))
        news = ET.SubElement(url, f"{n}news")
        publication = ET.SubElement(news, f"{n}publication")
        ET.SubElement(publication, f"{n}name").text = xml_text(settings.publisher_name)
        ET.SubElement(publication, f"{n}language").text = news_language(entry.language)
        ET.SubElement(news, f"{n}publication_date").text = jsonld.timestamp(entry.published_at)
        ET.SubElement(news, f"{n}title").text = xml_text(entry.title)
    return _xml_bytes(root)


def news_language(tag: str) -> str:
    """Google News wants an ISO 639 code, or `zh-cn` / `zh-tw` for Chinese: `en-GB` -> `en`."""
    parts = tag.lower().split("-")
    if parts[0] == "zh":
        return "zh-tw" if {"tw", "hk", "mo", "hant"} & set(parts[1:]) else "zh-cn"
    return parts[0]


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SITEMAP_NS}}}{name}")
    if text is not None:
        element.text = xml_text(text)
    return element


def _xml_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=SITEMAP_NS)
