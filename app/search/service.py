"""Full-text search over articles, theme tables and timeline events, on FTS5 (SQLite) or tsvector
(PostgreSQL). Only documents of public articles are ever found: visibility is joined in at query time."""

import hashlib
import html
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    FromClause,
    Table,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Session, col

from app.articles import service as articles_service
from app.articles.models import Article, ArticleRef
from app.pagination import keyset_page
from app.search import index
from app.search.models import FTS_TABLE, SEARCH_VECTOR, TEXT_CONFIG, SearchDocument, SearchHit, SearchType
from app.search.query import ParsedQuery, fts5_match, pg_tsquery
from app.taxonomy.models import Category
from app.timelines.models import Timeline, TimelineEvent, TimelineRef

# title : lead : body, the same proportions on both engines (PostgreSQL's array is D, C, B, A)
SQLITE_WEIGHTS = (5.0, 2.0, 1.0)
PG_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'::float4[]"
PG_NORMALIZATION = 1  # divide by 1 + log(document length), so long documents do not win by length alone
SNIPPET_WORDS = 24
# a query matching more documents than this ranks only the most recently indexed this many of them: ranking
# costs time per match, and a word in every other document says little anyway
RANKING_WINDOW = 5_000
PG_HEADLINE = (
    f"StartSel={index.MARK_START}, StopSel={index.MARK_END}, MaxWords={SNIPPET_WORDS}, "
    f"MinWords={SNIPPET_WORDS // 2}"
)

_documents: Table = SearchDocument.__table__  # type: ignore[attr-defined]
_fts = table(FTS_TABLE, column("rowid"))


@dataclass(frozen=True)
class Matches:
    """The documents matching a query (at most `RANKING_WINDOW` of them, the most recently indexed), as a
    FROM clause with the document columns `id`, `kind` and `article_id`, and each one's relevance score."""

    documents: FromClause
    score: ColumnElement[float]


def matches(session: Session, query: ParsedQuery) -> Matches:
    """Documents matching every part of `query`, scored higher when they match better."""
    if session.get_bind().dialect.name == "postgresql":
        vector = literal_column(f"{_documents.name}.{SEARCH_VECTOR}", TSVECTOR)
        tsquery = pg_tsquery(query)
        window = (
            select(_documents.c.id, _documents.c.kind, _documents.c.article_id, vector.label("vector"))
            .where(vector.op("@@")(tsquery))
            # an expression, not the key: the matches then come from the GIN index, where the planner would
            # otherwise walk the primary key backwards testing every row (slow unless most rows match)
            .order_by((_documents.c.id + 0).desc())
            .limit(RANKING_WINDOW)
            .subquery("matched")
        )
        # float8, not ts_rank_cd's float4: a cursor's score must read back as exactly the value compared
        rank = func.ts_rank_cd(literal_column(PG_WEIGHTS), window.c.vector, tsquery, PG_NORMALIZATION)
        return Matches(documents=window, score=cast(rank, Double))
    # FTS5 computes bm25() only in the full-text scan itself: the window is a lower bound on the rowid
    fts: ColumnElement[Any] = literal_column(FTS_TABLE)
    condition = fts.op("MATCH")(fts5_match(query))
    floor = session.execute(
        select(_fts.c.rowid)
        .where(condition)
        .order_by(_fts.c.rowid.desc())
        .offset(RANKING_WINDOW - 1)
        .limit(1)
    ).scalar()
    in_window = _fts.c.rowid >= floor if floor is not None else true()
    documents = (
        select(
            _documents.c.id,
            _documents.c.kind,
            _documents.c.article_id,
            (-func.bm25(fts, *SQLITE_WEIGHTS, type_=Double)).label("score"),
        )
        .select_from(_fts.join(_documents, _documents.c.id == _fts.c.rowid))
        .where(condition, in_window)
        .subquery("matched")
    )
    return Matches(documents=documents, score=documents.c.score)


def search(
    session: Session,
    query: ParsedQuery,
    *,
    types: Collection[SearchType],
    category: str | None,
    published_after: datetime | None,
    published_before: datetime | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[SearchHit], str | None]:
    """One page of matches, best first (ties by document id), with highlighted snippets."""
    match = matches(session, query)
    found = match.documents.c
    ranked = (
        select(found.id.label("doc_id"), match.score.label("score"))
        .select_from(match.documents.join(Article, col(Article.id) == found.article_id))
        .where(articles_service.public_condition())
    )
    if types:
        ranked = ranked.where(found.kind.in_(sorted(types)))
    if category is not None:
        ranked = ranked.where(
            col(Article.category_id)
            == select(col(Category.id)).where(col(Category.slug) == category).scalar_subquery()
        )
    if published_after is not None:
        ranked = ranked.where(col(Article.published_at) > published_after)
    if published_before is not None:
        ranked = ranked.where(col(Article.published_at) < published_before)
    listing = json.dumps(
        [query.canonical(), sorted(types), category, str(published_after), str(published_before)]
    )
    page_rows: list[Any]
    sub = ranked.subquery("ranked")
    page_rows, next_cursor = keyset_page(
        session,
        select(sub.c.doc_id, sub.c.score),
        order=[(sub.c.score, True), (sub.c.doc_id, False)],
        kind="search:" + hashlib.blake2b(listing.encode(), digest_size=8).hexdigest(),
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.score, row.doc_id),
        scalars=False,
    )
    scores = {row.doc_id: row.score for row in page_rows}
    return _hits(session, query, scores), next_cursor


def _snippets(session: Session, query: ParsedQuery, doc_ids: Collection[int]) -> dict[int, str]:
    """Each document's best excerpt as HTML: matches in `<mark>`, all of its own text escaped."""
    if not doc_ids:
        return {}
    raw: dict[int, str] = {}
    if session.get_bind().dialect.name == "postgresql":
        text = _documents.c.lead + "\n" + _documents.c.body
        headline = func.ts_headline(
            literal_column(f"'{TEXT_CONFIG}'::regconfig"), text, pg_tsquery(query), PG_HEADLINE
        )
        for doc_id, excerpt in session.execute(
            select(_documents.c.id, headline).where(_documents.c.id.in_(doc_ids))
        ):
            raw[doc_id] = excerpt
    else:
        fts: ColumnElement[Any] = literal_column(FTS_TABLE)
        marks = (index.MARK_START, index.MARK_END, "…", SNIPPET_WORDS)
        statement = select(_fts.c.rowid, func.snippet(fts, 1, *marks), func.snippet(fts, 2, *marks)).where(
            fts.op("MATCH")(fts5_match(query)), _fts.c.rowid.in_(doc_ids)
        )
        for doc_id, lead, body in session.execute(statement):
            marked = [t for t in (lead, body) if index.MARK_START in t]
            raw[doc_id] = (marked or [t for t in (lead, body) if t] or [""])[0]
    return {
        doc_id: html.escape(" ".join(excerpt.split()))
        .replace(index.MARK_START, "<mark>")
        .replace(index.MARK_END, "</mark>")
        for doc_id, excerpt in raw.items()
    }


def _hits(session: Session, query: ParsedQuery, scores: dict[int, float]) -> list[SearchHit]:
    """Search results for these documents, in the order of `scores`."""
    if not scores:
        return []
    docs = {
        row.id: row
        for row in session.execute(
            select(
                _documents.c.id,
                _documents.c.kind,
                _documents.c.ref_id,
                _documents.c.article_id,
                _documents.c.title,
            ).where(_documents.c.id.in_(scores))
        )
    }
    articles = {
        row.id: row
        for row in session.execute(
            select(
                col(Article.id),
                col(Article.slug),
                col(Article.title),
                col(Article.published_at),
                col(Article.category_id),
            ).where(col(Article.id).in_({d.article_id for d in docs.values()}))
        )
    }
    categories = articles_service.categories_by_id(session, (a.category_id for a in articles.values()))
    event_ids = [d.ref_id for d in docs.values() if d.kind == SearchType.event]
    timelines = {
        row.event_id: TimelineRef(id=row.id, slug=row.slug, title=row.title)
        for row in session.execute(
            select(
                col(TimelineEvent.id).label("event_id"),
                col(Timeline.id),
                col(Timeline.slug),
                col(Timeline.title),
            )
            .join(Timeline, col(Timeline.id) == TimelineEvent.timeline_id)
            .where(col(TimelineEvent.id).in_(event_ids))
        )
    }
    snippets = _snippets(session, query, list(scores))
    hits = []
    for doc_id, score in scores.items():
        doc = docs[doc_id]
        article = articles[doc.article_id]
        kind = SearchType(doc.kind)
        timeline = timelines.get(doc.ref_id) if kind is SearchType.event else None
        url = {
            SearchType.article: f"/v1/articles/{article.slug}",
            SearchType.table: f"/v1/tables/{doc.ref_id}",
            SearchType.event: f"/v1/timelines/{timeline.slug if timeline else ''}",
        }[kind]
        hits.append(
            SearchHit(
                type=kind,
                id=doc.ref_id,
                title=doc.title,
                snippet=snippets.get(doc_id, ""),
                score=score,
                url=url,
                published_at=article.published_at,
                category_slug=categories[article.category_id].slug,
                article=ArticleRef(id=article.id, slug=article.slug, title=article.title),
                timeline=timeline,
            )
        )
    return hits
