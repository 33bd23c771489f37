"""The benchmark's data generator leaves a database the app searches as it would its own writes: every
article, table and event indexed, and on SQLite an FTS5 index that agrees with its documents, the triggers
back in place and the file in WAL mode again."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from app.articles.models import Article
from app.config import Settings
from app.main import create_app
from app.search import index
from app.search.models import FTS_TABLE, SearchDocument
from bench.generate import generate
from tests.conftest import UNLIMITED

ARTICLES = 240  # a batch of 1000 and the index's batches of 5000 both end part-full


@pytest.fixture
def generated(database_url: str, tmp_path: object) -> str:
    """A database filled by `bench.generate` (SQLite: a new file, which generate migrates itself)."""
    url = f"sqlite:///{tmp_path}/generated.db" if database_url.startswith("sqlite") else database_url
    timings = generate(url, ARTICLES, batch=100)
    assert set(timings) >= {"content", "views", "search index", "analyze"}
    return url


def test_every_document_is_made_and_found(generated: str) -> None:
    application = create_app(Settings(database_url=generated, rate_limits=UNLIMITED))
    engine = application.state.engine
    try:
        with engine.connect() as connection:
            ids = list(connection.execute(select(Article.id).order_by(Article.id)).scalars())  # type: ignore[call-overload]
            assert len(ids) == ARTICLES
            expected = len(index.documents(connection, ids))
            stored = connection.execute(select(func.count()).select_from(SearchDocument)).scalar_one()
            assert stored == expected > ARTICLES  # tables and events have documents of their own
            newest = connection.execute(
                select(Article.slug, Article.title)  # type: ignore[call-overload]
                .where(Article.status == "published")
                .order_by(Article.id.desc())  # type: ignore[union-attr]
                .limit(1)
            ).one()
            if engine.dialect.name == "sqlite":
                # FTS5 compares its index with the documents it was built from (an error if they differ)
                connection.exec_driver_sql(
                    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"
                )
                triggers = connection.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"),
                    {"table": SearchDocument.__tablename__},
                ).scalars()
                assert set(triggers) == {f"searchdocument_{suffix}" for suffix in ("ai", "ad", "au")}
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        with TestClient(application) as client:
            response = client.get("/v1/search", params={"q": newest.title, "type": "article", "limit": 100})
            assert response.status_code == 200, response.text
            assert newest.slug in {item["article"]["slug"] for item in response.json()["items"]}
    finally:
        engine.dispose()
