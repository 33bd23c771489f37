"""Where an article lives on the publisher's website, and its schema.org `NewsArticle` JSON-LD.

The website is not this API: its address is the `site_url` setting, and an article is read at its canonical
URL when it has one, else at `{site_url}/articles/{slug}` (authors, categories and tags alike)."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pydantic_core

from app.articles.models import HeroImage
from app.config import Settings
from app.taxonomy.models import AuthorPublic

SCHEMA_ORG = "https://schema.org"
_HTTP_URL = re.compile(r"^https?://\S+$")
# what could end a <script> element or open a comment in it, and what old JavaScript parsers took as a newline
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def section_url(settings: Settings, section: str) -> str:
    """Where the website keeps `articles`, `authors`, `categories` or `tags`."""
    return f"{settings.site_url.rstrip('/')}/{section}"


def web_url(settings: Settings, section: str, slug: str) -> str:
    """The website's page for one article, author, category or tag."""
    return f"{section_url(settings, section)}/{slug}"


def article_url(settings: Settings, slug: str, canonical_url: str | None) -> str:
    """The article's page on the website: its canonical URL when it has an http(s) one."""
    if canonical_url and _HTTP_URL.match(canonical_url):
        return canonical_url
    return web_url(settings, "articles", slug)


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with an explicit offset, to the second: `2026-01-02T03:04:05+00:00`."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def news_article(
    settings: Settings,
    *,
    slug: str,
    canonical_url: str | None,
    headline: str,
    description: str | None,
    language: str,
    published_at: datetime | None,
    updated_at: datetime,
    word_count: int,
    image: HeroImage | None,
    authors: Sequence[AuthorPublic],
    section: str,
    keywords: Sequence[str],
) -> dict[str, Any]:
    """The article as a schema.org `NewsArticle` (what search engines read from its page)."""
    page = article_url(settings, slug, canonical_url)
    publisher: dict[str, Any] = {"@type": "Organization", "name": settings.publisher_name}
    if settings.publisher_logo_url:
        publisher["logo"] = {"@type": "ImageObject", "url": settings.publisher_logo_url}
    data: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page},
        "url": page,
        "headline": headline,
    }
    if description:
        data["description"] = description
    if image is not None:
        data["image"] = [
            {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
        ]
    if published_at is not None:
        data["datePublished"] = timestamp(published_at)
    data["dateModified"] = timestamp(updated_at)
    data["author"] = [_person(settings, author) for author in authors]
    data["publisher"] = publisher
    data["articleSection"] = section
    data["keywords"] = list(keywords)
    data["inLanguage"] = language
    data["wordCount"] = word_count
    return data


def _person(settings: Settings, author: AuthorPublic) -> dict[str, Any]:
    person: dict[str, Any] = {
        "@type": "Person",
        "name": author.name,
        "url": web_url(settings, "authors", author.slug),
    }
    if author.avatar_url:
        person["image"] = author.avatar_url
    return person


def script_text(data: dict[str, Any]) -> str:
    """`data` as JSON that can be placed verbatim inside `<script type="application/ld+json">`.

    `<`, `>` and `&` only ever occur inside JSON strings, where `\\u003c` and the like mean the same
    characters, so no title can close the script element or open a comment in it."""
    # pydantic-core's encoder writes what `json.dumps(ensure_ascii=False, separators=(",", ":"))` does, in a
    # fifth of the time; a character absent from the text (nearly always) costs one scan, not a lookup each
    text = pydantic_core.to_json(data).decode()
    for character, escaped in _SCRIPT_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return text
