"""Full-text search over articles, theme tables and timeline events, on FTS5 (SQLite) or tsvector
(PostgreSQL). Only documents of public articles are ever found: visibility is joined in at query time.

Ranking costs time per match, so a query ranks only its `RANKING_WINDOW` most recently indexed matches
of the kinds it asks for, found newest first through the full-text index. FTS5 walks its doclists backwards
by rowid (its bm25 still counts the documents holding each word or phrase, once per query, over the whole
index). PostgreSQL reads document ids from the newest down, the cheapest way for how dense the matches are
(see `_pg_window`); a phrase, whose word positions only the documents' vectors hold, is looked for among the
newest `PHRASE_WINDOW` documents holding all its words."""

import hashlib
import html
import json
import math
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Double,
    Integer,
    Select,
    Table,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR
from sqlmodel import Session, col

from app.articles import service as articles_service
from app.articles.models import Article, ArticleRef
from app.pagination import decode_cursor, encode_cursor
from app.search import index
from app.search.models import (
    FTS_TABLE,
    FTS_TEXTS,
    SCOPE_RANGES,
    SEARCH_SCOPE,
    SEARCH_VECTOR,
    TEXT_CONFIG,
    SearchDocument,
    SearchHit,
    SearchType,
)
from app.search.query import ParsedQuery, Phrase, fts5_match, pg_tsquery
from app.taxonomy.models import Category
from app.timelines.models import Timeline, TimelineEvent, TimelineRef

# title : lead : body, the same proportions on both engines (PostgreSQL's array is D, C, B, A)
SQLITE_WEIGHTS = (5.0, 2.0, 1.0, 0.0)  # the kind column counts for nothing
PG_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'::float4[]"
PG_NORMALIZATION = 1  # divide by 1 + log(document length), so long documents do not win by length alone
SNIPPET_WORDS = 24
# a query matching more documents than this ranks only the most recently indexed this many of them, of the
# kinds it asks for (its other filters and visibility then narrow those): ranking costs time per match, and
# a word in every other document says little anyway
RANKING_WINDOW = 200
# a phrase's word positions are compared document by document (PostgreSQL reads each document's vector for
# it), so a query with a phrase looks for it among this many of the newest documents holding all its words
PHRASE_WINDOW = 400
# PostgreSQL reads the newest ids first, this many times the window, row by row; then, by the density of
# the matches found there (see `_pg_window`), row by row again when at least `DENSE` of the rows match,
# all at once when at most `SPARSE_MATCHES` more are expected, else ranges read through the scope words
FIRST_SPAN = 4
DENSE = 0.08
SPARSE_MATCHES = 500
PG_HEADLINE = (
    f"StartSel={index.MARK_START}, StopSel={index.MARK_END}, MaxWords={SNIPPET_WORDS}, "
    f"MinWords={SNIPPET_WORDS // 2}"
)
# ts_headline parses all the text it is given, so it gets an excerpt around the first likely match (when
# the excerpt does hold a match): this many characters, starting this many before it
EXCERPT, EXCERPT_BEFORE = 600, 200

_documents: Table = SearchDocument.__table__  # type: ignore[attr-defined]
# a page's documents as one expanding parameter: a list of literals costs an element each to build and key
_DOCUMENTS: BindParameter[int] = bindparam("documents", expanding=True)
_fts = table(FTS_TABLE, column("rowid"))
_vector = literal_column(f"{_documents.name}.{SEARCH_VECTOR}", TSVECTOR)
# the search index's second column (an expression), written as the index is, so the planner matches it
_scope = literal_column(SEARCH_SCOPE, TSVECTOR)


@dataclass(frozen=True)
class _Filters:
    """What a window is read with: the kinds of document asked for (`type`), so that it holds the newest
    matches of those kinds, as many as there are. The article's category and publish time are not: they
    would be looked up for every match the reads come upon, and a category that few of a word's matches
    are in would have the reads look through all of them (seconds for a common word at 1M documents);
    they narrow the window instead, with visibility, when the page is read."""

    kinds: tuple[str, ...] = ()

    def on(self, document: Any) -> list[ColumnElement[bool]]:
        """Conditions on `document`: `searchdocument` or an alias of it."""
        return [document.c.kind.in_(self.kinds)] if self.kinds else []

    @property
    def matched_kinds(self) -> tuple[str, ...]:
        """The kinds FTS5 matches itself (its `kind` column): tables and events, a few documents in ten.
        Articles are most of the documents: a lookup of each match's kind passes nearly all of them, where
        FTS5's bm25 would count the documents of the kind `article` in the whole index for every query."""
        return self.kinds if SearchType.article not in self.kinds else ()

    def on_rowid(self, rowid: ColumnElement[int]) -> list[ColumnElement[bool]]:
        """The conditions FTS5 does not match, on the document whose id is `rowid` (an FTS5 row's)."""
        if not self.kinds or self.matched_kinds:
            return []
        document = _documents.alias("filtered")
        return [exists().where(document.c.id == rowid, *self.on(document))]


# the kinds as FTS5's Porter stemmer indexes them: a query word can match one only if it starts alike
_KIND_TOKENS = ("articl", "tabl", "event")


def _may_match_a_kind(query: ParsedQuery) -> bool:
    """Whether a word of the query could match a document's kind: a word of four letters or more, or a
    prefix, whose first three letters (case and accents aside) begin a kind's token. The stemmer changes
    only a word's ending, so no other word can."""
    for part in query.parts:
        words, prefix = (part.words, False) if isinstance(part, Phrase) else ((part.word,), part.prefix)
        for word in words:
            start = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if c.isalnum())[:3]
            if (prefix or len(word) >= 4) and any(token.startswith(start) for token in _KIND_TOKENS):
                return True
    return False


def _fts_match(query: ParsedQuery, kinds: tuple[str, ...] = ()) -> ColumnElement[bool]:
    """The query's words in the texts (not in the kind), and with `kinds` one of them as the kind.

    The words are kept to the texts by a column filter only when one of them could match a kind: FTS5
    checks a column filter by reading the positions of every match, bm25's count of the matches in the
    whole index included (a phrase at 1M articles: 40 ms instead of 30)."""
    fts: ColumnElement[Any] = literal_column(FTS_TABLE)  # the table's own name stands for all its columns
    expression = fts5_match(query)
    if _may_match_a_kind(query):
        expression = f"{{{' '.join(FTS_TEXTS)}}} : ({expression})"
    if kinds:
        expression += " AND kind : (" + " OR ".join(f'"{kind}"' for kind in kinds) + ")"
    return fts.op("MATCH")(expression)


def _sqlite_window(session: Session, query: ParsedQuery, filters: _Filters) -> Select[Any]:
    """The window's documents as (`doc_id`, `score`) rows: bm25, which FTS5 computes only in its own scan.

    For a phrase, the window is first bounded by the newest documents holding all its words, so that word
    positions are compared only there (as on PostgreSQL)."""
    fts: ColumnElement[Any] = literal_column(FTS_TABLE)
    statement = select(
        _fts.c.rowid.label("doc_id"), (-func.bm25(fts, *SQLITE_WEIGHTS, type_=Double)).label("score")
    ).where(_fts_match(query, filters.matched_kinds), *filters.on_rowid(_fts.c.rowid))
    if not query.has_phrase:
        return statement.order_by(_fts.c.rowid.desc()).limit(RANKING_WINDOW)
    oldest = session.execute(
        select(_fts.c.rowid)
        .where(_fts_match(query.words_only(), filters.matched_kinds), *filters.on_rowid(_fts.c.rowid))
        .order_by(_fts.c.rowid.desc())
        .offset(PHRASE_WINDOW - 1)
        .limit(1)
    ).scalar()
    return statement if oldest is None else statement.where(_fts.c.rowid >= oldest)


def _local_setting(name: str, value: str) -> ColumnElement[Any]:
    """Sets a PostgreSQL setting for the rest of the transaction, as a statement or along with one."""
    return func.set_config(name, value, True)


def _scope_query(low: int | None, high: int, kinds: tuple[str, ...]) -> str | None:
    """The tsquery, as text, of the search index's scope words for documents with ids in (`low`, `high`],
    by whole ranges (so a few ids either side as well), and of one of `kinds` when any are asked for. With
    no `low`, only the kinds (None when none are asked for): a range down to the first id would name every
    range there is, and GIN would read all their lists."""
    named = " | ".join(f"'~k{kind}'" for kind in kinds)
    if low is None:
        return named or None
    small, large = (1 << SCOPE_RANGES["a"]), (1 << SCOPE_RANGES["b"])
    ranges = []
    start = low + 1
    while start <= high:
        if start % large == 0 and start + large - 1 <= high:
            ranges.append(f"'~b{start // large}'")
            start += large
        else:
            ranges.append(f"'~a{start // small}'")
            start = (start // small + 1) * small
    scope = " | ".join(ranges)
    return f"({scope}) & ({named})" if kinds else scope


def _pg_window(
    session: Session,
    tsquery: ColumnElement[Any],
    size: int,
    filters: _Filters,
    score: ColumnElement[float] | None = None,
) -> list[Any]:
    """The most recently indexed matches, newest first, read from the newest id down: rows of `id` (and of
    `score` too, when given, worked out on the rows the reads visit anyway).

    The newest `size * FIRST_SPAN` ids are tested row by row, which fills the window at once for a common
    word and tells how dense the matches are (a match more than were found, so that none found does not
    read as none there). The rest is read the cheaper of three ways, by that density:
    - dense (`DENSE` or more): row by row again, over a range long enough for the matches still wanted;
      a row costs about 2 us, a bitmap would read the word's whole list of documents;
    - sparse (at most `SPARSE_MATCHES` more expected): one bitmap of all the rest of the word's documents
      (of the kinds asked for, through their scope words): the list is short, each match is visited;
    - in between: ranges sized by the density, each asked of GIN as the words and the range's (and the
      kinds') scope words together (`SEARCH_SCOPE`), so only the matches in range are visited.
    Plans are made for the actual words and ids, never generic ones of a prepared statement."""
    top: int = (
        session.execute(
            select(func.max(_documents.c.id), _local_setting("plan_cache_mode", "force_custom_plan"))
        ).scalar()
        or 0
    )

    columns = [_documents.c.id.label("doc_id")] + ([score.label("score")] if score is not None else [])

    def read(high: int, low: int | None, limit: int, *, scoped: bool = False) -> list[Any]:
        statement = select(*columns).where(_vector.op("@@")(tsquery), *filters.on(_documents))
        scope = _scope_query(low, high, filters.kinds) if scoped else None
        if scope is not None:
            # the range's ends are checked on the rows read, never with the primary key's bitmap
            statement = statement.where(
                _scope.op("@@")(cast(literal(scope), TSQUERY)), _documents.c.id + 0 <= high
            )
            if low is not None:
                statement = statement.where(_documents.c.id + 0 > low)
        else:
            statement = statement.where(_documents.c.id <= high)
            if low is not None:
                statement = statement.where(_documents.c.id > low)
        return list(session.execute(statement.order_by(_documents.c.id.desc()).limit(limit)))

    low = max(top - size * FIRST_SPAN, 0)
    found = read(top, low, size)
    bitmaps = False
    while low > 0 and len(found) < size:
        high, wanted = low, size - len(found)
        density = (len(found) + 1) / (top - high)
        if density < DENSE and not bitmaps:
            # the planner, which does not count the cost of reading a vector, would test every row of a range
            session.execute(select(_local_setting("enable_indexscan", "off")))
            bitmaps = True
        if density * high <= SPARSE_MATCHES:
            found += read(high, None, wanted, scoped=bitmaps)
            break
        # long enough for the matches still wanted at the density met so far, and half as many again
        low = max(high - math.ceil(wanted / density * 3 / 2), 0)
        found += read(high, low, wanted, scoped=bitmaps)
    if bitmaps:
        session.execute(select(_local_setting("enable_indexscan", "on")))
    return found


def _scored_window(session: Session, query: ParsedQuery, filters: _Filters) -> list[Any]:
    """The window's documents as (`doc_id`, `score`) rows, best first (ties by document id): the newest
    matches of the kinds asked for. Visibility and the other filters are left to the page, so that only the
    documents a page looks at are checked."""
    if session.get_bind().dialect.name == "postgresql":
        tsquery = pg_tsquery(query)
        # float8, not ts_rank_cd's float4: a cursor's score must read back as exactly the value compared
        score = cast(func.ts_rank_cd(literal_column(PG_WEIGHTS), _vector, tsquery, PG_NORMALIZATION), Double)
        if not query.has_phrase:
            # scored as the window is read: its rows are visited then, and not a second time to rank them
            window = _pg_window(session, tsquery, RANKING_WINDOW, filters, score)
            return sorted(window, key=lambda row: (-row.score, row.doc_id))
        # a window of documents with all the words (the GIN index finds them exactly); then the phrase
        ids = [
            row.doc_id for row in _pg_window(session, pg_tsquery(query.words_only()), PHRASE_WINDOW, filters)
        ]
        statement = select(_documents.c.id.label("doc_id"), score.label("score")).where(
            _documents.c.id == func.any(bindparam("window", ids, type_=ARRAY(Integer))),
            _vector.op("@@")(tsquery),
        )
    else:
        statement = _sqlite_window(session, query, filters)
    scored = statement.subquery("scored")
    return list(session.execute(select(scored).order_by(scored.c.score.desc(), scored.c.doc_id)))


def _page_rows(
    *,
    types: Collection[SearchType],
    category: str | None,
    published_after: datetime | None,
    published_before: datetime | None,
) -> Select[Any]:
    """What a hit shows, for documents of public articles that pass the filters."""
    statement = (
        select(
            _documents.c.id.label("doc_id"),
            _documents.c.kind,
            _documents.c.ref_id,
            _documents.c.title,
            _documents.c.article_id,
            col(Article.slug).label("article_slug"),
            col(Article.title).label("article_title"),
            col(Article.published_at),
            col(Category.slug).label("category_slug"),
        )
        .join(Article, col(Article.id) == _documents.c.article_id)
        .join(Category, col(Category.id) == Article.category_id)
        .where(articles_service.public_condition())
    )
    if types:
        statement = statement.where(_documents.c.kind.in_(sorted(types)))
    if category is not None:
        statement = statement.where(col(Category.slug) == category)
    if published_after is not None:
        statement = statement.where(col(Article.published_at) > published_after)
    if published_before is not None:
        statement = statement.where(col(Article.published_at) < published_before)
    return statement


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
    """One page of matches, best first (ties by document id), with highlighted snippets.

    The scored window is read in order, keeping the documents that pass visibility and the filters, until
    the page and one more (so a next page is known to exist) are found."""
    listing = json.dumps(
        [query.canonical(), sorted(types), category, str(published_after), str(published_before)]
    )
    kind = "search:" + hashlib.blake2b(listing.encode(), digest_size=8).hexdigest()
    scored = _scored_window(session, query, _Filters(tuple(sorted(types))))
    if cursor:
        after_score, after_id = decode_cursor(cursor, kind, (float, int))
        scored = [
            s for s in scored if s.score < after_score or (s.score == after_score and s.doc_id > after_id)
        ]
    statement = _page_rows(
        types=types, category=category, published_after=published_after, published_before=published_before
    )
    statement = statement.where(_documents.c.id.in_(bindparam("page", expanding=True)))
    page: list[tuple[Any, float]] = []
    # the page's share of the window and a quarter more first; the rest only if filters turned many away
    first = limit + 1 + limit // 4 + 2
    for part in (scored[:first], scored[first:]):
        if len(page) > limit or not part:
            break
        ids = [s.doc_id for s in part]
        rows = {row.doc_id: row for row in session.execute(statement, {"page": ids})}
        page += [(rows[s.doc_id], s.score) for s in part if s.doc_id in rows]
    if len(page) <= limit:
        return _hits(session, query, page), None
    last, score = page[limit - 1]
    return _hits(session, query, page[:limit]), encode_cursor(kind, (score, last.doc_id))


def _locator(query: ParsedQuery) -> str:
    """A regular expression for where a match probably starts: each term's (or phrase's first word's)
    leading letters, at the start of a word, which word endings the stemmer removes do not change."""
    words = [part.words[0] if isinstance(part, Phrase) else part.word for part in query.parts]
    stems = {w if len(w) <= 4 else w[: max(4, len(w) - 3)] for w in words}
    # words hold letters and digits only, so they are safe in a pattern
    return r"\m(" + "|".join(sorted(stems)) + ")"


def _snippets(session: Session, query: ParsedQuery, doc_ids: Collection[int]) -> dict[int, str]:
    """Each document's best excerpt as HTML: matches in `<mark>`, all of its own text escaped."""
    if not doc_ids:
        return {}
    raw: dict[int, str] = {}
    if session.get_bind().dialect.name == "postgresql":
        config: ColumnElement[Any] = literal_column(f"'{TEXT_CONFIG}'::regconfig")
        tsquery = pg_tsquery(query)
        # each step's value worked out once per document (materialized): an expression used twice is
        # evaluated twice, and each use of `body` would read it from TOAST and decompress it again
        texts = (
            select(_documents.c.id, (_documents.c.lead + "\n" + _documents.c.body).label("text"))
            .where(_documents.c.id.in_(_DOCUMENTS))
            .cte("texts")
            .prefix_with("MATERIALIZED")
        )
        at = func.regexp_instr(texts.c.text, _locator(query), 1, 1, 0, "i")
        excerpts = (
            select(
                texts.c.id,
                texts.c.text,
                func.substr(texts.c.text, func.greatest(at - EXCERPT_BEFORE, 1), EXCERPT).label("excerpt"),
            )
            .cte("excerpts")
            .prefix_with("MATERIALIZED")
        )
        excerpt = excerpts.c.excerpt
        source = case((func.to_tsvector(config, excerpt).op("@@")(tsquery), excerpt), else_=excerpts.c.text)
        headline = func.ts_headline(config, source, tsquery, PG_HEADLINE)
        for doc_id, snippet in session.execute(select(excerpts.c.id, headline), {"documents": list(doc_ids)}):
            raw[doc_id] = snippet
    else:
        fts: ColumnElement[Any] = literal_column(FTS_TABLE)
        marks = (index.MARK_START, index.MARK_END, "…", SNIPPET_WORDS)
        statement = select(_fts.c.rowid, func.snippet(fts, 1, *marks), func.snippet(fts, 2, *marks)).where(
            _fts_match(query), _fts.c.rowid.in_(_DOCUMENTS)
        )
        for doc_id, lead, body in session.execute(statement, {"documents": list(doc_ids)}):
            marked = [t for t in (lead, body) if index.MARK_START in t]
            raw[doc_id] = (marked or [t for t in (lead, body) if t] or [""])[0]
    return {
        doc_id: html.escape(" ".join(snippet.split()))
        .replace(index.MARK_START, "<mark>")
        .replace(index.MARK_END, "</mark>")
        for doc_id, snippet in raw.items()
    }


def _hits(session: Session, query: ParsedQuery, page: list[tuple[Any, float]]) -> list[SearchHit]:
    """Search results for these documents (rows of the page's statement, with their scores), in order."""
    if not page:
        return []
    rows = [row for row, _ in page]
    event_ids = [row.ref_id for row in rows if row.kind == SearchType.event]
    timelines = (
        {
            row.event_id: TimelineRef(id=row.id, slug=row.slug, title=row.title)
            for row in session.execute(
                select(
                    col(TimelineEvent.id).label("event_id"),
                    col(Timeline.id),
                    col(Timeline.slug),
                    col(Timeline.title),
                )
                .join(Timeline, col(Timeline.id) == TimelineEvent.timeline_id)
                .where(col(TimelineEvent.id).in_(bindparam("events", expanding=True))),
                {"events": event_ids},
            )
        }
        if event_ids
        else {}
    )
    snippets = _snippets(session, query, [row.doc_id for row in rows])
    hits = []
    for row, score in page:
        kind = SearchType(row.kind)
        timeline = timelines.get(row.ref_id) if kind is SearchType.event else None
        url = {
            SearchType.article: f"/v1/articles/{row.article_slug}",
            SearchType.table: f"/v1/tables/{row.ref_id}",
            SearchType.event: f"/v1/timelines/{timeline.slug if timeline else ''}",
        }[kind]
        hits.append(
            SearchHit(
                type=kind,
                id=row.ref_id,
                title=row.title,
                snippet=snippets.get(row.doc_id, ""),
                score=score,
                url=url,
                published_at=row.published_at,
                category_slug=row.category_slug,
                article=ArticleRef(id=row.article_id, slug=row.article_slug, title=row.article_title),
                timeline=timeline,
            )
        )
    return hits
