"""The `broadsheet` command: serve, migrate, demo-data."""

import argparse
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from app.config import Settings, get_settings
from app.db import make_engine


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(settings.migrations_dir))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return config


def migrate(settings: Settings) -> None:
    """Create the SQLite file's folder if needed and bring the schema to the newest revision."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
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


def serve(settings: Settings, host: str, port: int, reload: bool, workers: int, demo: bool) -> None:
    import uvicorn

    migrate(settings)
    if demo:
        print(load_demo_data(settings, only_if_empty=True), flush=True)
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
        proxy_headers=True,
        log_level="info",
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
