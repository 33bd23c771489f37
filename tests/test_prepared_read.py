"""A prepared read (app.db.PreparedRead) gives the very rows `Connection.execute` gives, through the same
events and the same error wrapping, on both databases."""

from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, event, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.articles import service
from app.articles.models import ArticleStatus
from app.db import PreparedRead, utcnow
from tests.factories import make_article, make_author, make_correction, make_table, make_tag

HERO = {"url": "https://img.example.com/a.jpg", "alt": "A harbour at dawn", "width": 1200, "height": 800}


def _both(session: Session, slug: str) -> tuple[Any, Any]:
    prepared = service.find_public_article(session, slug)
    with Session(session.get_bind()) as other:
        executed = other.connection().execute(service._PUBLIC_ARTICLE_BY_SLUG, {"slug": slug}).first()
    return prepared, executed


def test_a_detail_row_is_the_row_sqlalchemy_reads(session: Session) -> None:
    tags = [make_tag(session), make_tag(session)]
    article = make_article(session, tags=tags, authors=[make_author(session)], hero_image=HERO)
    make_table(session, article)
    make_correction(session, article, "A date was wrong.")

    prepared, executed = _both(session, article.slug)

    assert executed is not None
    assert prepared is not None
    assert prepared._fields == tuple(executed._fields)
    assert tuple(prepared) == tuple(executed)
    # converted as the column types say, not left as the driver's text
    assert prepared.published_at.tzinfo is not None
    assert prepared.published_at.utcoffset() == timedelta(0)
    assert prepared.published_at == article.published_at.astimezone(UTC)  # type: ignore[union-attr]
    assert prepared.hero_image == HERO
    assert prepared.has_corrections
    assert prepared.slug == article.slug


def test_what_is_not_public_is_not_found(session: Session) -> None:
    draft = make_article(session, status=ArticleStatus.draft)
    due_later = make_article(
        session, status=ArticleStatus.scheduled, published_at=utcnow() + timedelta(hours=1)
    )

    for slug in (draft.slug, due_later.slug, "no-such-article"):
        assert _both(session, slug) == (None, None)


def test_the_engine_events_see_the_statement(session: Session) -> None:
    article = make_article(session)
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        with Session(engine) as reader:
            assert service.find_public_article(reader, article.slug) is not None
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(seen) == 1
    assert "FROM article JOIN category" in seen[0]


def test_a_driver_error_is_wrapped_as_sqlalchemy_wraps_it(session: Session) -> None:
    nowhere = Table("no_such_table", MetaData(), Column("id", Integer))
    read = PreparedRead(select(nowhere.c.id).where(nowhere.c.id == bindparam("id")), "Nowhere")
    with Session(session.get_bind()) as reader, pytest.raises(DBAPIError):
        read.first(reader, {"id": 1})


def test_expanding_parameters_are_refused(session: Session) -> None:
    articles = service._articles
    read = PreparedRead(
        select(articles.c.id).where(articles.c.id.in_(bindparam("ids", expanding=True))), "Ids"
    )
    with Session(session.get_bind()) as reader, pytest.raises(ValueError, match="expanding"):
        read.first(reader, {"ids": [1, 2]})
