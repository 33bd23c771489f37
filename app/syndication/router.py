"""Public feeds (RSS, Atom, JSON Feed) of the site, a category, a tag or an author, and the sitemaps."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Path, Query, Request, Response

from app.auth.deps import FullContentKey
from app.config import Settings
from app.db import SessionDep, utcnow
from app.errors import NotFound, error_responses
from app.http_cache import (
    ARTICLES_LIST,
    NO_STORE,
    CacheKind,
    PublicRouter,
    add_surrogate_keys,
    cache_as,
    entity_key,
)
from app.pagination import DEFAULT_LIMIT, Limit
from app.syndication import feeds, sitemaps
from app.syndication.feeds import ATOM_TYPE, JSON_FEED_TYPE, RSS_TYPE, FeedFormat, FeedScope, ScopeKind
from app.taxonomy import service as taxonomy_service

FEEDS = "feeds"
SITEMAPS = "sitemaps"
XML_TYPE = "application/xml"

router = PublicRouter(responses=error_responses(400, 406, 500))


class RssResponse(Response):
    media_type = RSS_TYPE


class AtomResponse(Response):
    media_type = ATOM_TYPE


class JsonFeedResponse(Response):
    media_type = JSON_FEED_TYPE


class SitemapResponse(Response):
    media_type = XML_TYPE


RESPONSE_CLASSES: dict[FeedFormat, type[Response]] = {
    FeedFormat.rss: RssResponse,
    FeedFormat.atom: AtomResponse,
    FeedFormat.json: JsonFeedResponse,
}
FORMAT_NAMES = {FeedFormat.rss: "RSS 2.0", FeedFormat.atom: "Atom", FeedFormat.json: "JSON Feed 1.1"}
SCOPE_PATHS = {
    ScopeKind.site: "",
    ScopeKind.category: "categories/{slug}/",
    ScopeKind.tag: "tags/{slug}/",
    ScopeKind.author: "authors/{slug}/",
}
FEED_DESCRIPTION = """\
One page of published articles, newest first, with a link to the next page (`<link rel="next">` in Atom,
`<atom:link rel="next">` in RSS, `next_url` in JSON Feed, and a `Link` header). Entries carry an excerpt.
Entry ids are `tag:` URIs made of the article's numeric id, so they never change when a slug does.

A partner sending `Authorization: Bearer <key>` with a key holding `partner:full-content` gets the whole
body as HTML (RSS `content:encoded`, Atom `content`, JSON Feed `content_html`) in a `private, no-store`
answer. A bad key is a 401, a key without that scope a 403."""

_STRING = {"type": "string"}
_PERSON = {"type": "object", "properties": {"name": _STRING, "url": _STRING}}
JSON_FEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": feeds.JSON_FEED_VERSION},
        "title": _STRING,
        "home_page_url": _STRING,
        "feed_url": _STRING,
        "next_url": _STRING,
        "description": _STRING,
        "authors": {"type": "array", "items": _PERSON},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "url", "title", "date_published", "date_modified"],
                "properties": {
                    "id": {**_STRING, "description": "A `tag:` URI built from the article's numeric id."},
                    "url": _STRING,
                    "title": _STRING,
                    "summary": _STRING,
                    "content_text": {**_STRING, "description": "The excerpt (public feeds)."},
                    "content_html": {**_STRING, "description": "The whole body (full content only)."},
                    "image": _STRING,
                    "date_published": {**_STRING, "format": "date-time"},
                    "date_modified": {**_STRING, "format": "date-time"},
                    "authors": {"type": "array", "items": _PERSON},
                    "tags": {"type": "array", "items": _STRING},
                    "language": _STRING,
                },
            },
        },
    },
}

SlugPath = Annotated[str, Path(max_length=120, description="The slug.")]
FeedCursor = Annotated[
    str | None,
    Query(max_length=512, description="Opaque cursor, as found in the next-page link of the previous page."),
]


def public_base_url(request: Request, settings: Settings) -> str:
    """This API's public address (`public_base_url`, else the one the request was made to), no slash."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def _url(request: Request, settings: Settings, **params: str | None) -> str:
    """The requested URL at the public address, with `params` set (or removed, when None)."""
    url = request.url.remove_query_params([name for name, value in params.items() if value is None])
    url = url.include_query_params(**{name: value for name, value in params.items() if value is not None})
    return public_base_url(request, settings) + url.path + (f"?{url.query}" if url.query else "")


def _scope(session: SessionDep, kind: ScopeKind, slug: str | None) -> FeedScope:
    if kind is ScopeKind.site or slug is None:
        return FeedScope(ScopeKind.site)
    if kind is ScopeKind.category:
        category = taxonomy_service.get_category(session, slug)
        return FeedScope(kind, category.id, category.slug, category.name, category.description)
    if kind is ScopeKind.tag:
        tag = taxonomy_service.get_tag(session, slug)
        return FeedScope(kind, tag.id, tag.slug, tag.name)
    author = taxonomy_service.get_author(session, slug)
    return FeedScope(kind, author.id, author.slug, author.name, author.bio)


def _feed_response(
    request: Request,
    session: SessionDep,
    scope: FeedScope,
    format: FeedFormat,
    *,
    full_content: bool,
    cursor: str | None,
    limit: int,
) -> Response:
    settings: Settings = request.app.state.settings
    articles, next_cursor = feeds.page_of_articles(session, scope, cursor=cursor, limit=limit)
    next_url = _url(request, settings, cursor=next_cursor) if next_cursor else None
    feed = feeds.feed(
        session,
        settings,
        scope,
        articles,
        full_content=full_content,
        self_url=_url(request, settings),
        first_url=_url(request, settings, cursor=None),
        next_url=next_url,
    )
    add_surrogate_keys(*feed.surrogate_keys(scope))
    # a shared cache must never answer a partner with the public feed, nor anyone with a partner's
    headers = {"Vary": "Authorization"}
    if full_content:
        headers["Cache-Control"] = NO_STORE
    if next_url is not None:
        headers["Link"] = f'<{next_url}>; rel="next"'
    return RESPONSE_CLASSES[format](
        feeds.render(feed, format), media_type=f"{format.media_type}; charset=utf-8", headers=headers
    )


def _site_feed(format: FeedFormat) -> Callable[..., Response]:
    def site_feed(
        request: Request,
        session: SessionDep,
        key: FullContentKey,
        cursor: FeedCursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Response:
        scope = FeedScope(ScopeKind.site)
        return _feed_response(
            request, session, scope, format, full_content=key is not None, cursor=cursor, limit=limit
        )

    return site_feed


def _scoped_feed(kind: ScopeKind, format: FeedFormat) -> Callable[..., Response]:
    def scoped_feed(
        request: Request,
        session: SessionDep,
        slug: SlugPath,
        key: FullContentKey,
        cursor: FeedCursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Response:
        scope = _scope(session, kind, slug)
        return _feed_response(
            request, session, scope, format, full_content=key is not None, cursor=cursor, limit=limit
        )

    return scoped_feed


def _add_feed_routes() -> None:
    for kind, prefix in SCOPE_PATHS.items():
        for format in FeedFormat:
            whose = "the whole site" if kind is ScopeKind.site else f"one {kind}"
            responses: dict[int | str, dict[str, Any]] = error_responses(401, 403)
            if kind is not ScopeKind.site:
                responses |= error_responses(404)
            router.add_api_route(
                f"/v1/feeds/{prefix}{format.filename}",
                cache_as(CacheKind.feed, ARTICLES_LIST, FEEDS)(
                    _site_feed(format) if kind is ScopeKind.site else _scoped_feed(kind, format)
                ),
                methods=["GET"],
                name=f"{kind}_{format}_feed",
                tags=["feeds"],
                summary=f"{FORMAT_NAMES[format]} feed of {whose}",
                description=FEED_DESCRIPTION,
                response_class=RESPONSE_CLASSES[format],
                responses={200: _ok(format), **responses},
            )


def _ok(format: FeedFormat) -> dict[str, Any]:
    described: dict[str, Any] = {"description": f"The {FORMAT_NAMES[format]} feed."}
    if format is FeedFormat.json:
        described["content"] = {JSON_FEED_TYPE: {"schema": JSON_FEED_SCHEMA}}
    return described


_add_feed_routes()


def _sitemap(body: bytes) -> Response:
    return SitemapResponse(body, media_type=f"{XML_TYPE}; charset=utf-8")


@router.get(
    "/sitemap.xml",
    tags=["sitemaps"],
    summary="Sitemap index: the article sitemaps and the news sitemap",
    response_class=SitemapResponse,
)
@cache_as(CacheKind.feed, ARTICLES_LIST, SITEMAPS)
def sitemap_index(request: Request, session: SessionDep) -> Response:
    """Each article sitemap with the newest `lastmod` of its articles. The URLs it lists are on the website
    (`site_url`): name this index in the website's `robots.txt` (`Sitemap: <this URL>`)."""
    base = public_base_url(request, request.app.state.settings)
    return _sitemap(sitemaps.index_xml(sitemaps.chunks(session), base))


@router.get(
    "/sitemaps/articles-{page}.xml",
    tags=["sitemaps"],
    summary="One sitemap of published articles (up to 50,000, in id order)",
    response_class=SitemapResponse,
    responses=error_responses(404),
)
@cache_as(CacheKind.feed, ARTICLES_LIST, SITEMAPS)
def article_sitemap(
    request: Request,
    session: SessionDep,
    page: Annotated[int, Path(ge=1, le=100_000, description="The sitemap's number, from 1.")],
) -> Response:
    """Every published article's web address with `lastmod`, its own last change."""
    entries = sitemaps.chunk_entries(session, page)
    if entries is None:
        raise NotFound(f"There is no article sitemap {page}.")
    add_surrogate_keys(*(entity_key("article", entry.id) for entry in entries))
    return _sitemap(sitemaps.urlset_xml(entries, request.app.state.settings))


@router.get(
    "/sitemaps/news.xml",
    tags=["sitemaps"],
    summary="Google News sitemap: articles published in the last 48 hours (at most 1,000)",
    response_class=SitemapResponse,
)
@cache_as(CacheKind.feed, ARTICLES_LIST, SITEMAPS)
def news_sitemap(request: Request, session: SessionDep) -> Response:
    """Newest first, with publication name and language, publication date and title."""
    entries = sitemaps.news_entries(session, utcnow())
    add_surrogate_keys(*(entity_key("article", entry.id) for entry in entries))
    return _sitemap(sitemaps.news_xml(entries, request.app.state.settings))
