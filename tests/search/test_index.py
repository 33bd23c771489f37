"""The index follows every write made through the management API, in the write's own transaction."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from app.search import index
from app.search.models import SearchDocument
from tests.factories import key_headers, make_category, make_tag
from tests.search.helpers import documents_of, found, story


@pytest.fixture
def editor(session: Session) -> dict[str, str]:
    make_category(session, slug="world")
    make_tag(session, slug="wildlife")
    return key_headers(session, "content:write", "content:publish", name="editor")


def _etag(resource: dict[str, Any], kind: str = "article") -> str:
    return f'"{kind}-{resource["id"]}-v{resource["version"]}"'


def _write(client: TestClient, method: str, url: str, headers: dict[str, str], **kw: Any) -> dict[str, Any]:
    response = client.request(method, url, headers=headers, **kw)
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.content else {}


def _article(client: TestClient, editor: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {
        "slug": "quokka-census",
        "title": "Quokka census",
        "standfirst": "Counting on an island.",
        "category": "world",
        "tags": ["wildlife"],
        "blocks": [{"type": "paragraph", "html": "Rangers counted <em>marsupials</em> at dawn."}],
        **fields,
    }
    return _write(client, "POST", "/v1/admin/articles", editor, json=body)


def _publish(client: TestClient, editor: dict[str, str], article: dict[str, Any]) -> dict[str, Any]:
    url = f"/v1/admin/articles/{article['id']}/publish"
    return _write(client, "POST", url, {**editor, "If-Match": _etag(article)})


def test_an_article_is_found_from_publication_until_it_leaves(
    client: TestClient, session: Session, editor: dict[str, str]
) -> None:
    draft = _article(client, editor)
    assert documents_of(session, draft["id"]) == [("article", draft["id"])]  # indexed, not yet shown
    assert found(client, "quokka") == []
    article = _publish(client, editor, draft)
    assert found(client, "quokka") == [("article", article["id"])]
    assert found(client, "marsupials") == [("article", article["id"])]

    patch = {"title": "Wombat census", "blocks": [{"type": "paragraph", "html": "Burrows everywhere."}]}
    url = f"/v1/admin/articles/{article['id']}"
    article = _write(client, "PATCH", url, {**editor, "If-Match": _etag(article)}, json=patch)
    assert found(client, "wombat") == [("article", article["id"])]
    assert found(client, "quokka") == []
    assert found(client, "marsupials") == []
    assert found(client, "burrows") == [("article", article["id"])]

    unpublished = _write(client, "POST", f"{url}/unpublish", {**editor, "If-Match": _etag(article)})
    assert found(client, "wombat") == []
    article = _publish(client, editor, unpublished)
    assert found(client, "wombat") == [("article", article["id"])]
    _write(client, "DELETE", url, {**editor, "If-Match": _etag(article)})
    assert found(client, "wombat") == []
    assert documents_of(session, article["id"]) == []


def _terms(session: Session, article_id: int) -> dict[str, Any]:
    session.commit()
    stored = session.exec(
        select(SearchDocument.kind, SearchDocument.terms).where(SearchDocument.article_id == article_id)
    ).all()
    assert sorted(t for kind, t in stored if kind != "article") == [""] * (len(stored) - 1)
    return json.loads(next(t for kind, t in stored if kind == "article"))


def test_an_articles_terms_follow_its_writes(
    client: TestClient, session: Session, editor: dict[str, str]
) -> None:
    """Related articles read each article's weighted words from its document: they change with it (a
    table's document has none)."""
    article = _article(
        client,
        editor,
        title="Quokkas of Rottnest",
        standfirst="Counting quokkas on an island.",
    )
    body = {"title": "Island counts", "columns": [{"key": "species", "label": "Species", "type": "text"}]}
    _write(client, "POST", f"/v1/admin/articles/{article['id']}/tables", editor, json=body | {"rows": []})
    # a title word thrice, a lead word twice, a body word once; plurals folded, stopwords and numbers out
    assert _terms(session, article["id"]) == {
        "quokka": 5, "rottnest": 3, "counting": 2, "island": 2, "ranger": 1, "counted": 1, "marsupial": 1,
        "dawn": 1,
    }  # fmt: skip
    patch = {"title": "Wombat burrows", "blocks": [{"type": "paragraph", "html": "word " * 200 + "late"}]}
    url = f"/v1/admin/articles/{article['id']}"
    article = _write(client, "GET", url, editor)
    _write(client, "PATCH", url, {**editor, "If-Match": _etag(article)}, json=patch)
    # only the body's first 600 characters count: "late" comes after them
    assert _terms(session, article["id"]) == {
        "wombat": 3, "burrow": 3, "counting": 2, "quokka": 2, "island": 2, "word": 120
    }  # fmt: skip


def test_a_refused_write_leaves_the_index_as_it_was(
    client: TestClient, session: Session, editor: dict[str, str]
) -> None:
    article = _publish(client, editor, _article(client, editor))
    _article(client, editor, slug="other", title="Other")
    response = client.patch(
        f"/v1/admin/articles/{article['id']}",
        headers={**editor, "If-Match": _etag(article)},
        json={"title": "Numbat census", "slug": "other"},
    )
    assert response.status_code == 409
    assert found(client, "numbat") == []
    assert found(client, "quokka") == [("article", article["id"])]


def test_tables_follow_their_writes(client: TestClient, session: Session, editor: dict[str, str]) -> None:
    article = _publish(client, editor, _article(client, editor))
    body = {
        "title": "Island counts",
        "caption": "By the ranger station",
        "columns": [{"key": "species", "label": "Species", "type": "text"}],
        "rows": [["Quokka"], ["Skink"]],
    }
    table = _write(client, "POST", f"/v1/admin/articles/{article['id']}/tables", editor, json=body)
    assert found(client, "skink") == [("table", table["id"])]
    url = f"/v1/admin/tables/{table['id']}"
    table = _write(
        client, "PATCH", url, {**editor, "If-Match": _etag(table, "table")}, json={"rows": [["Gecko"]]}
    )
    assert found(client, "skink") == []
    assert found(client, "gecko") == [("table", table["id"])]
    _write(client, "DELETE", url, {**editor, "If-Match": _etag(table, "table")})
    assert found(client, "gecko") == []


def test_timeline_events_follow_their_writes(
    client: TestClient, session: Session, editor: dict[str, str]
) -> None:
    article = _publish(client, editor, _article(client, editor))
    first = {"date": "2024-10-01", "precision": "month", "label": "October 2024", "milestone": "Ferry began"}
    timeline = _write(
        client,
        "POST",
        f"/v1/admin/articles/{article['id']}/timelines",
        editor,
        json={"slug": "island-line", "title": "Island milestones", "events": [first]},
    )
    [ferry] = timeline["events"]
    assert found(client, "ferry") == [("event", ferry["id"])]
    lighthouse = _write(
        client,
        "POST",
        f"/v1/admin/timelines/{timeline['id']}/events",
        editor,
        json={"date": "2025-03-01", "label": "March 2025", "milestone": "Lighthouse restored"},
    )
    assert found(client, "lighthouse") == [("event", lighthouse["id"])]
    url = f"/v1/admin/timeline-events/{ferry['id']}"
    ferry = _write(
        client,
        "PATCH",
        url,
        {**editor, "If-Match": _etag(ferry, "timeline-event")},
        json={"milestone": "Seaplane began", "what_changed": "Faster crossings"},
    )
    assert found(client, "ferry") == []
    assert found(client, "seaplane crossings") == [("event", ferry["id"])]
    _write(client, "DELETE", url, {**editor, "If-Match": _etag(ferry, "timeline-event")})
    assert found(client, "seaplane") == []
    assert found(client, "lighthouse") == [("event", lighthouse["id"])]


def test_rebuild_indexes_everything_from_scratch(session: Session) -> None:
    first = story(session, "Harbour seals", "Pups on the beach")
    second = story(session, "Harbour cranes", "Steel and cable")
    session.execute(text("DELETE FROM searchdocument"))
    session.commit()
    assert documents_of(session, first.id) == []
    made = index.rebuild(session.connection())
    session.commit()
    assert made == 2
    assert documents_of(session, first.id) == [("article", first.id)]
    assert documents_of(session, second.id) == [("article", second.id)]


def test_after_a_rebuild_the_full_text_index_is_whole_and_followed(
    client: TestClient, session: Session
) -> None:
    """SQLite's rebuild sets its triggers aside and has FTS5 index everything at once: the index must then
    match the documents, and later writes must reach it again."""
    story(session, "Harbour seals", "Pups on the beach")
    index.rebuild(session.connection())
    session.commit()
    later = story(session, "Harbour cranes", "Steel and cable")
    assert documents_of(session, later.id) == [("article", later.id)]
    assert [hit[0] for hit in found(client, "cranes")] == ["article"]
    assert len(found(client, "harbour")) == 2
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO searchdocument_fts(searchdocument_fts) VALUES ('integrity-check')"))
        triggers = session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        assert {"searchdocument_ai", "searchdocument_ad", "searchdocument_au"} <= set(triggers)
    session.delete(later)
    session.commit()
    assert len(found(client, "harbour")) == 1


def test_a_failed_rebuild_leaves_the_index_as_it_was(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything a rebuild does is in its caller's transaction, on SQLite the setting aside of the FTS5
    triggers included: rolled back, the documents and the triggers are as they were, and writes are still
    followed."""
    kept = story(session, "Harbour seals", "Pups on the beach")
    session.close()

    def fail(*_: Any) -> int:
        raise RuntimeError("the rebuild fails half way")

    monkeypatch.setattr(index, "_insert_documents", fail)
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with (
        engine.connect() as connection,
        pytest.raises(RuntimeError, match="half way"),
        connection.begin(),
    ):
        index.rebuild(connection)
    assert documents_of(session, kept.id) == [("article", kept.id)]
    later = story(session, "Harbour cranes", "Steel and cable")
    assert len(found(client, "harbour")) == 2
    assert documents_of(session, later.id) == [("article", later.id)]
    if session.get_bind().dialect.name == "sqlite":
        triggers = session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        assert {"searchdocument_ai", "searchdocument_ad", "searchdocument_au"} <= set(triggers)
        session.execute(text("INSERT INTO searchdocument_fts(searchdocument_fts) VALUES ('integrity-check')"))


def test_the_sqlite_full_text_table_stays_consistent(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    article = story(session, "Harbour seals", "Pups on the beach")
    article.title = "Harbour sea lions"
    session.add(article)
    session.commit()
    session.delete(article)
    session.commit()
    session.execute(text("INSERT INTO searchdocument_fts(searchdocument_fts) VALUES ('integrity-check')"))


def test_postgresql_keeps_each_vector_in_its_row(session: Session) -> None:
    """STORAGE MAIN (migration a7c9e1f3b5d7): matching and ranking read the vector without the TOAST table."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    storage = session.execute(
        text(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'searchdocument'::regclass AND attname = 'search_vector'"
        )
    ).scalar_one()
    assert storage == "m"


def test_a_rebuild_forgets_statistics_of_a_small_fts5_index(client: TestClient, session: Session) -> None:
    """Statistics of FTS5's tables taken while they were nearly empty have SQLite scan its data table from
    each merged segment to the end to drop it; a rebuild drops them (and keeps the other tables')."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    kept = story(session, "Harbour seals", "Pups on the beach")
    session.close()
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    segment_drop = "EXPLAIN QUERY PLAN DELETE FROM searchdocument_fts_data WHERE id >= 1 AND id <= 2"
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        stats = connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1").scalars().all()
        assert "searchdocument_fts_data" in stats
        assert "article" in stats
        # what such statistics cause: a scan from the segment's first row to the end of the table, or of all
        assert "rowid<?" not in connection.exec_driver_sql(segment_drop).one()[-1]
        connection.commit()
        with connection.begin():
            index.rebuild(connection)
    engine.dispose()  # SQLite keeps a table's loaded estimate for as long as the connection lives
    with engine.connect() as connection:
        stats = connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1").scalars().all()
        assert "article" in stats
        assert not [name for name in stats if name.startswith("searchdocument_fts")]
        assert "(rowid>? AND rowid<?)" in connection.exec_driver_sql(segment_drop).one()[-1]
    assert documents_of(session, kept.id) == [("article", kept.id)]
    assert found(client, "seals") == [("article", kept.id)]
