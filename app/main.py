"""The application factory: settings -> engine -> routers, error handlers, caching and offline docs."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path

import anyio
import fastapi_offline
from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session
from starlette.types import Message, Receive, Scope, Send

from app.articles.admin_router import router as articles_admin_router
from app.articles.router import router as articles_router
from app.auth.router import router as auth_router
from app.config import Settings, get_settings
from app.cors import CORSMiddleware, CORSPolicy
from app.db import REQUEST_SESSIONS, SessionDep, close_request_sessions, make_engine, pool_sizes
from app.errors import error_responses, install_error_handlers
from app.frontend import DemoPages
from app.home.router import router as home_router
from app.http_cache import HTTPCacheMiddleware
from app.newsletter.mail import MailWorker
from app.newsletter.router import router as newsletter_router
from app.purge import HTTPPurger, LoggingPurger, Purger, Purgers, attach, on_own_log_entry
from app.rate_limit import RATE_LIMIT_HEADERS, Counter, MemoryCounter, RateLimitMiddleware, RedisCounter
from app.request_guards import check_request
from app.response_cache import PurgeLogFollower, ResponseCache, ResponseCacheMiddleware
from app.search.admin_router import router as search_admin_router
from app.search.router import router as search_router
from app.security_headers import SecurityHeadersMiddleware, docs_csp
from app.syndication.admin_router import router as webhooks_admin_router
from app.syndication.router import router as syndication_router
from app.syndication.sync_router import router as sync_router
from app.syndication.worker import Worker
from app.tables.admin_router import router as tables_admin_router
from app.tables.router import router as tables_router
from app.taxonomy.admin_router import router as taxonomy_admin_router
from app.taxonomy.router import router as taxonomy_router
from app.timelines.admin_router import router as timelines_admin_router
from app.timelines.router import router as timelines_router
from app.trending.admin_router import router as trending_admin_router
from app.trending.router import router as trending_router

DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
DESCRIPTION = """
Broadsheet serves a newsroom's journalism as JSON: articles with their body blocks, theme tables,
timelines, categories, tags, authors and the home page.

* Lists answer `{"items": [...], "meta": {"limit", "next_cursor"}}` and a `Link: <...>; rel="next"` header.
  Pass `cursor` to walk on; `limit` is 1 to 100 (101 is a 400).
* Unknown query parameters are a 400. Errors are RFC 9457 `application/problem+json`.
* Every GET carries a strong `ETag` and answers `If-None-Match` with 304. Public answers carry
  `Cache-Control` for their kind of resource and a `Surrogate-Key` header naming every entity in them;
  a write purges exactly those keys from the CDN. Answers over 1 KB are gzip or brotli compressed.
* Requests are rate limited per API key or per client address: `RateLimit-Limit`, `RateLimit-Remaining`,
  `RateLimit-Reset` on every answer, 429 with `Retry-After` past the limit.
* Only published articles whose publish time has passed are ever shown, with their tables and timelines.
"""


def operation_id(route: APIRoute) -> str:
    return route.name


class ServiceInfo(BaseModel):
    name: str
    api: str
    docs: str
    redoc: str
    openapi: str


class Broadsheet(FastAPI):
    """The application, with the response cache in front of everything else: a hit never enters Starlette's
    middleware stack or routing, it costs what serving stored bytes costs.

    Past the cache, at most `admission`'s count of requests are worked on at once, no more than the database
    pool's connections; the rest wait in the event loop. A request holds its connection at most until its
    answer starts (its sessions are closed then, if its route did not), and FastAPI validates a sync route's
    answer in a worker thread: with more requests admitted than connections, every thread could be waiting
    for a connection held by a request waiting for a thread (stuck until the pool's 30 s timeout). Fewer
    requests at once also means less memory and less contention for the GIL. A request leaves its slot as
    its answer starts, so a slow reader holds no slot."""

    edge: ResponseCacheMiddleware | None = None
    admission: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.edge is None:
            await self.app_call(scope, receive, send)
        else:
            await self.edge(scope, receive, send)

    async def app_call(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # the request's sessions (`get_session`); a copy of the scope made further in shares the list
        sessions: list[Session] = []
        scope[REQUEST_SESSIONS] = sessions
        admission = self.admission
        if admission is not None:
            await admission.acquire()
        held = admission is not None

        async def sending(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if sessions:
                    await close_request_sessions(sessions)
                if held and admission is not None:
                    held = False
                    admission.release()
            await send(message)

        try:
            await super().__call__(scope, receive, sending)
        finally:
            if sessions:
                with anyio.CancelScope(shield=True):  # a connection is given back even when the client left
                    await close_request_sessions(sessions)
            if held and admission is not None:
                admission.release()


_heap_frozen = False


def _freeze_startup_heap() -> None:
    """Once per process, when the app starts serving: what exists then (modules, routes, schemas, the
    engine) lives as long as the process, so the collector is told never to look at it again.

    A full collection otherwise walks all of it, about 100 ms at this app's size, every time enough new
    objects have survived: a pause in the middle of some request, seen in its latency. The young
    collections that requests cause stay as they are."""
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


class Health(BaseModel):
    status: str
    database: str


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # sync routes and dependencies run in this event loop's worker threads: one per admitted request
        to_thread.current_default_thread_limiter().total_tokens = concurrency
        assert isinstance(app, Broadsheet)
        # a free slot is taken without a trip round the event loop (anyio's default yields on every
        # acquire, about 10 us of an uncached read); a request waits only when the slots are all taken
        app.admission = anyio.Semaphore(concurrency, fast_acquire=True)
        if follower is not None:
            follower.start()
        if worker is not None:
            worker.start()
        if mailer is not None:
            mailer.start()
        _freeze_startup_heap()
        yield
        if mailer is not None:
            mailer.stop()
        if worker is not None:
            worker.stop(timeout=settings.webhook_timeout_seconds + 5)
        if follower is not None:
            follower.stop()
        app.state.engine.dispose()
        if isinstance(cdn_purger, HTTPPurger):
            cdn_purger.close()
        if isinstance(counter, RedisCounter):
            await counter.close()

    app = Broadsheet(
        title="Broadsheet",
        version="1.0.0",
        summary="A headless content API for newsrooms.",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        telemetry=None if settings.telemetry else {"tracing": False, "metrics": False, "logs": False},
        dependencies=[Depends(check_request)],
        responses=error_responses(400, 406, 429, 500),
    )
    app.state.settings = settings
    app.state.engine = make_engine(
        settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    size, overflow = pool_sizes(
        settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    connections = size + max(overflow, 0)
    concurrency = min(settings.concurrency or connections, connections)
    cdn_purger = make_purger(settings)
    app.state.response_cache = ResponseCache(settings.response_cache_max_bytes)
    follower: PurgeLogFollower | None = None
    if settings.response_cache_enabled:
        # this process's cache is purged at once by its own writes, and by others' through the purge log
        app.state.purger = Purgers(app.state.response_cache, cdn_purger)
        follower = PurgeLogFollower(
            app.state.engine,
            app.state.response_cache,
            interval=settings.purge_log_follow_interval,
            keep=timedelta(hours=1),
        )
        on_own_log_entry(app.state.engine, follower.applied)
    else:
        app.state.purger = cdn_purger
    attach(app.state.engine, app.state.purger)
    # scheduled articles going live and webhook deliveries, when not left to `broadsheet worker`
    worker = Worker(app.state.engine, settings) if settings.worker_in_process else None
    # the newsletter outbox, when not left to `broadsheet newsletter send`
    mailer = MailWorker(app.state.engine, settings) if settings.mail_worker else None
    install_error_handlers(app)
    # outermost last: security headers and CORS wrap everything, 429s included; the response cache
    # (`app.edge`) is in front of them all
    app.add_middleware(
        HTTPCacheMiddleware,
        policies=settings.cache_policies,
        minimum_compress_size=settings.compress_minimum_size,
    )
    counter: Counter = (
        RedisCounter(settings.redis_url, settings.rate_limit_namespace)
        if settings.redis_url
        else MemoryCounter()
    )
    if settings.rate_limit_enabled:
        app.add_middleware(
            RateLimitMiddleware,
            groups=settings.rate_limits,
            counter=counter,
            trusted_proxies=settings.trusted_proxies,
        )
    cors = CORSPolicy(
        settings.cors_origins,
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "Accept"],
        expose=["ETag", "Link", "Location", "Retry-After", *RATE_LIMIT_HEADERS],
        max_age=600,
    )
    app.add_middleware(CORSMiddleware, policy=cors)
    app.add_middleware(SecurityHeadersMiddleware, hsts_seconds=settings.hsts_seconds)
    if settings.response_cache_enabled:
        app.edge = ResponseCacheMiddleware(
            app.app_call,
            cache=app.state.response_cache,
            prefixes=("/v1/", "/sitemap.xml", "/sitemaps/"),
            vary_origin=cors.varies_on_origin,
        )
    public = (
        articles_router,
        taxonomy_router,
        tables_router,
        timelines_router,
        home_router,
        trending_router,
        search_router,
        syndication_router,
        newsletter_router,
    )
    management = (
        articles_admin_router,
        taxonomy_admin_router,
        tables_admin_router,
        timelines_admin_router,
        trending_admin_router,
        search_admin_router,
        webhooks_admin_router,
        sync_router,
    )
    for router in (*public, *management, auth_router):
        app.include_router(router)
    _install_meta_routes(app)
    _install_docs(app)
    app.mount("/demo", DemoPages(), name="demo")  # the reference frontend, on the public API only
    return app


def make_purger(settings: Settings) -> Purger:
    """The CDN purger the settings ask for (also used by `broadsheet worker`)."""
    if settings.purge_url is None:
        return LoggingPurger()
    return HTTPPurger(
        settings.purge_url,
        method=settings.purge_method,
        key_header=settings.purge_key_header,
        headers={name: value.get_secret_value() for name, value in settings.purge_headers.items()},
        batch_size=settings.purge_batch_size,
    )


def _install_meta_routes(app: FastAPI) -> None:
    @app.get("/", tags=["meta"], summary="Where the API and its documentation live")
    def service_info(request: Request) -> ServiceInfo:
        base = str(request.base_url).rstrip("/")
        return ServiceInfo(
            name="Broadsheet",
            api=f"{base}/v1",
            docs=f"{base}/docs",
            redoc=f"{base}/redoc",
            openapi=f"{base}/openapi.json",
        )

    @app.get("/healthz", tags=["meta"], summary="Liveness and database reachability")
    def health(session: SessionDep, response: Response) -> Health:
        response.headers["Cache-Control"] = "no-store"  # a probe must reach this process
        session.execute(text("SELECT 1"))
        return Health(status="ok", database=session.get_bind().dialect.name)


@cache
def _offline_redoc_bundle() -> bytes:
    """ReDoc's bundle, minus the one image it fetches from Redocly's CDN (its side-menu logo).

    An unloadable `data:` source makes ReDoc's own error handler drop the image."""
    bundle = (DOCS_ASSETS / "redoc.standalone.js").read_bytes()
    return bundle.replace(REDOC_CDN_LOGO, b"data:,")


def _install_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc with every asset served from this host: the explorer works offline."""

    @app.get("/docs-assets/redoc.standalone.js", include_in_schema=False)
    def redoc_bundle() -> Response:
        return Response(_offline_redoc_bundle(), media_type="text/javascript; charset=utf-8")

    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _with_csp(
            get_swagger_ui_html(
                openapi_url="/openapi.json",
                title="Broadsheet API explorer",
                swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                swagger_css_url="/docs-assets/swagger-ui.css",
                swagger_favicon_url="/docs-assets/favicon.png",
                oauth2_redirect_url="/docs/oauth2-redirect",
                swagger_ui_parameters={"validatorUrl": None, "displayOperationId": True},
            )
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _with_csp(
            get_redoc_html(
                openapi_url="/openapi.json",
                title="Broadsheet API reference",
                redoc_js_url="/docs-assets/redoc.standalone.js",
                redoc_favicon_url="/docs-assets/favicon.png",
                with_google_fonts=False,
            )
        )


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = docs_csp(bytes(page.body))
    return page
