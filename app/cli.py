"""The `broadsheet` command: serve, migrate, demo-data, search-terms, keys, worker, newsletter."""

import argparse
import ctypes
import multiprocessing
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from app.auth.models import Scope
from app.config import Settings, get_settings
from app.db import make_engine

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(settings: Settings) -> "Config":
    from alembic.config import Config  # here, not at the top: a serving process never loads Alembic

    config = Config()
    config.set_main_option("script_location", str(settings.migrations_dir))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return config


def migrate(settings: Settings) -> None:
    """Create the SQLite file's folder if needed and bring the schema to the newest revision."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    from alembic import command

    command.upgrade(alembic_config(settings), "head")


def load_demo_data(settings: Settings, *, only_if_empty: bool = False) -> str:
    from app.articles.models import Article
    from app.demo.loader import load_demo

    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            if only_if_empty and session.exec(select(Article.id).limit(1)).first() is not None:
                return "database already has content; demo data not loaded"
            created = load_demo(session)
    finally:
        engine.dispose()
    if not created:
        return "demo data already present; nothing changed"
    return "demo data loaded: " + ", ".join(f"{n} {kind}" for kind, n in sorted(created.items()))


def _prepare(settings: Settings, demo: bool) -> None:
    migrate(settings)
    if demo:
        print(load_demo_data(settings, only_if_empty=True), flush=True)


def _few_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own arena (up to 8 per core), and memory freed in one
    is not reused by another: with a pool of worker threads, RSS creeps up. Two arenas keep it flat.
    Worker processes inherit the variable; this process is told through mallopt."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(arenas))
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, int(os.environ["MALLOC_ARENA_MAX"]))  # M_ARENA_MAX
    except (OSError, AttributeError, ValueError):  # not glibc: nothing to tune
        pass


def serve(settings: Settings, host: str, port: int, reload: bool, workers: int, demo: bool) -> None:
    import uvicorn

    # migrations and demo data in a process of their own: the server never carries Alembic (about 12 MB)
    preparation = multiprocessing.get_context("spawn").Process(target=_prepare, args=(settings, demo))
    preparation.start()
    preparation.join()
    if preparation.exitcode != 0:
        raise SystemExit(f"could not prepare the database (exit code {preparation.exitcode})")
    _few_malloc_arenas()
    base = f"http://{host}:{port}"
    print(
        f"Broadsheet API: {base}/v1/articles\nSwagger UI:     {base}/docs\nReDoc:          {base}/redoc",
        flush=True,
    )
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        # X-Forwarded-For is believed only from the configured proxies (BROADSHEET_TRUSTED_PROXIES)
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
        log_level="info",
        access_log=settings.access_log,
        server_header=False,  # no "server: uvicorn": nothing to gain from naming it
        http="app.http_server:JoinedWritesProtocol",  # an answer's head and body in one write
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="broadsheet", description="Broadsheet, a headless content API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser(
        "serve", help="migrate, load demo content into an empty database, serve"
    )
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    serve_parser.add_argument("--workers", type=int, default=1)
    serve_parser.add_argument("--no-demo", action="store_true", help="do not load demo content")
    commands.add_parser("migrate", help="apply every pending database migration")
    commands.add_parser("demo-data", help="load the demo content (idempotent)")
    search_terms = commands.add_parser(
        "search-terms",
        help="work out the terms related articles compare for search documents stored without them",
    )
    search_terms.add_argument(
        "--all", action="store_true", help="every article document's, after a change to how terms are made"
    )
    worker = commands.add_parser(
        "worker", help="announce scheduled articles as they go live and deliver webhooks, until stopped"
    )
    worker.add_argument("--once", action="store_true", help="do one round of work, then exit")
    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(
        dest="keys_command", required=True
    )
    create = keys.add_parser("create", help="make a key and print it (once)")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scope",
        action="append",
        required=True,
        choices=[str(s) for s in Scope],
        help="repeat for several scopes",
    )
    create.add_argument("--expires-at", type=datetime.fromisoformat, help="RFC 3339 time with an offset")
    keys.add_parser("list", help="list keys (never their secrets)")
    revoke = keys.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id", type=int)
    newsletter = commands.add_parser("newsletter", help="newsletter subscribers and mail").add_subparsers(
        dest="newsletter_command", required=True
    )
    export = newsletter.add_parser("export", help="write confirmed subscribers as CSV (for a mail service)")
    export.add_argument("--output", "-o", default="-", help="a file to write; standard output by default")
    send = newsletter.add_parser("send", help="send the mail outbox through SMTP, until stopped")
    send.add_argument("--once", action="store_true", help="send what is due, then exit")
    args = parser.parse_args(argv)

    settings = get_settings()
    if args.command == "serve":
        serve(settings, args.host, args.port, args.reload, args.workers, demo=not args.no_demo)
    elif args.command == "migrate":
        migrate(settings)
        print("database is at the newest migration")
    elif args.command == "demo-data":
        migrate(settings)
        print(load_demo_data(settings))
    elif args.command == "keys":
        migrate(settings)
        return manage_keys(settings, args)
    elif args.command == "search-terms":
        migrate(settings)
        print(f"{fill_search_terms(settings, every=args.all)} search documents given their terms")
    elif args.command == "worker":
        return run_worker(settings, once=args.once)
    elif args.command == "newsletter":
        migrate(settings)
        return manage_newsletter(settings, args)
    return 0


def fill_search_terms(settings: Settings, *, every: bool) -> int:
    from app.search import index

    engine = make_engine(settings.database_url)
    try:
        return index.fill_terms(engine, every=every)
    finally:
        engine.dispose()


def run_worker(settings: Settings, *, once: bool = False) -> int:
    """The syndication worker in this process (see app/syndication/worker.py); SIGTERM stops it cleanly."""
    import logging
    import signal

    from sqlalchemy.exc import DBAPIError

    import app.models  # noqa: F401  # every table, and the hooks that follow writes
    from app.main import make_purger
    from app.purge import HTTPPurger, attach
    from app.syndication.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = make_engine(settings.database_url, pool_size=2, max_overflow=settings.webhook_concurrency)
    purger = make_purger(settings)
    attach(engine, purger)
    worker = Worker(engine, settings)
    try:
        try:
            worker.run_once()
        except DBAPIError as exc:
            print(f"error: {exc.orig}; is the database migrated (`broadsheet migrate`)?", file=sys.stderr)
            return 1
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: worker.request_stop())
            worker.run()
    finally:
        worker.stop()
        if isinstance(purger, HTTPPurger):
            purger.close()
        engine.dispose()
    return 0


def manage_keys(settings: Settings, args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from app.auth import service
    from app.auth.models import ApiKeyCreate
    from app.errors import NotFound

    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            if args.keys_command == "create":
                try:
                    data = ApiKeyCreate(name=args.name, scopes=args.scope, expires_at=args.expires_at)
                except ValidationError as exc:
                    print(f"error: {exc.errors()[0]['msg']}", file=sys.stderr)
                    return 2
                key, plaintext = service.create_key(session, data)
                service.record(
                    session, None, "key.create", "key", key.id, {"name": key.name, "scopes": key.scopes}
                )
                session.commit()
                print(f"key {key.id} ({key.name}; {' '.join(key.scopes)}); shown once, store it now:")
                print(plaintext)
            elif args.keys_command == "list":
                for key in service.list_keys(session):
                    state = "revoked" if key.revoked_at else "active"
                    expiry = key.expires_at.isoformat() if key.expires_at else "never"
                    used = key.last_used_at.isoformat() if key.last_used_at else "never"
                    scopes = " ".join(key.scopes)
                    print(f"{key.id}\t{key.name}\t{scopes}\t{state}\texpires {expiry}\tlast used {used}")
            elif args.keys_command == "revoke":
                try:
                    key = service.revoke_key(session, service.get_key(session, args.key_id))
                except NotFound as exc:
                    print(f"error: {exc.detail}", file=sys.stderr)
                    return 1
                service.record(session, None, "key.revoke", "key", key.id)
                session.commit()
                print(f"key {key.id} revoked")
    finally:
        engine.dispose()
    return 0


def manage_newsletter(settings: Settings, args: argparse.Namespace) -> int:
    import logging
    import signal

    from app.newsletter import service
    from app.newsletter.mail import MailWorker, deliver_due

    engine = make_engine(settings.database_url)
    try:
        if args.newsletter_command == "export":
            with Session(engine) as session:
                if args.output == "-":
                    count = service.export_csv(session, sys.stdout)
                else:
                    with open(args.output, "w", encoding="utf-8", newline="") as out:
                        count = service.export_csv(session, out)
            print(f"{count} confirmed subscriber(s) exported", file=sys.stderr)
            return 0
        if settings.smtp_host is None:
            print("error: set BROADSHEET_SMTP_HOST (and its port, security, credentials)", file=sys.stderr)
            return 2
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        if args.once:
            report = deliver_due(engine, settings)
            print(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
            return 0
        worker = MailWorker(engine, settings)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: worker.stopping.set())
        worker.run()
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
