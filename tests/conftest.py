"""Test databases: a fresh SQLite file per test, and (with TEST_DATABASE_URL) a migrated PostgreSQL
database per test worker, emptied after each test. Every `client` test runs on both."""

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

import app.models as _models  # noqa: F401  # registers every table on SQLModel.metadata
from app.cli import migrate
from app.config import Settings
from app.db import make_engine
from app.demo.loader import load_demo
from app.main import create_app
from app.rate_limit import DEFAULT_RATE_LIMITS

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _pg_admin_engine() -> Engine:
    assert PG_URL is not None
    return create_engine(
        make_url(PG_URL).set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A database of this worker's own, created from TEST_DATABASE_URL, migrated, dropped at the end."""
    if PG_URL is None:
        pytest.skip("PostgreSQL tier needs TEST_DATABASE_URL")
    base = make_url(PG_URL).set(drivername="postgresql+psycopg")
    name = f"{base.database}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    migrate(Settings(database_url=url))
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_pg(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/test.db"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("pg_database_url")
    yield url
    _empty_pg(url)


# functional tests make many requests from one address; tests/delivery has the limits' own tests
UNLIMITED = {name: {"anonymous": 10**9, "keyed": 10**9} for name in DEFAULT_RATE_LIMITS}


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    application = create_app(Settings(database_url=database_url, rate_limits=UNLIMITED))
    yield application
    application.state.engine.dispose()


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    """A session on the app's own database, for arranging data and checking what was stored."""
    with Session(app.state.engine, expire_on_commit=False) as db:
        yield db


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def demo(session: Session) -> Session:
    """The demo newsroom loaded into the test database."""
    load_demo(session)
    return session
