"""The search index (one document per article, theme table and timeline event), editors' related-article
overrides, and what the search and related endpoints answer.

The full-text machinery is not a plain table, so it is created by DDL attached to `searchdocument`: an FTS5
table kept in step by triggers on SQLite, a generated `tsvector` column with a GIN index on PostgreSQL. The
migration creates the same; `alembic_include_name` tells Alembic's drift check to leave them alone."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import DDL, CheckConstraint, String, Text, UniqueConstraint, event
from sqlmodel import Column, Field, SQLModel

from app.articles.models import ArticleRef, ArticleSummary
from app.db import UTCDateTime, utcnow
from app.http_cache import entity_key
from app.purge import Change, purge_rule
from app.taxonomy.models import WriteBody
from app.timelines.models import TimelineRef

TEXT_CONFIG = "english"  # PostgreSQL's stemming configuration; SQLite uses the Porter stemmer alike
FTS_TABLE = "searchdocument_fts"
SEARCH_VECTOR = "search_vector"
SEARCH_VECTOR_INDEX = "ix_searchdocument_search_vector"  # the vector's own GIN index, until c3e5a7b9d1f4
SEARCH_INDEX = "ix_searchdocument_search"


def alembic_include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's drift check leaves the full-text objects alone: the FTS5 table (and its shadow tables, all
    named after it), the tsvector column and its index. DDL below and the migration create them."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    return not (type_ == "column" and name == SEARCH_VECTOR) and not (
        type_ == "index" and name in (SEARCH_VECTOR_INDEX, SEARCH_INDEX)
    )


class SearchType(StrEnum):
    article = "article"
    table = "table"
    event = "event"


class SearchDocument(SQLModel, table=True):
    """The searchable text of one article, table or event; rebuilt with its article on every write.

    Every document is indexed whatever its article's status: visibility is decided when searching, so an
    article scheduled for later is found the moment its time comes, with no reindex."""

    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        CheckConstraint("kind IN ('article', 'table', 'event')", name="kind_known"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(8), nullable=False))
    ref_id: int = Field(description="The id of the article, table or event.")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    lead: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    terms: str = Field(
        default="",
        sa_column=Column(Text, nullable=False, server_default=""),
        description="An article's weighted words as JSON (`app.search.terms`), for related articles; "
        "empty for the other kinds.",
    )


_doc = SearchDocument.__tablename__
INSERT_TRIGGER, DELETE_TRIGGER = f"{_doc}_ai", f"{_doc}_ad"
# FTS5's columns: the three texts, then the document's kind, indexed so that `type` is part of the match
# (FTS5 steps through the kind's list and the words' together) instead of a lookup per match; a query whose
# words could match a kind is kept to the texts (`service._fts_match`). Migration d5f7b9c1e3a6 added `kind`.
FTS_TEXTS = ("title", "lead", "body")
_fts_columns = (*FTS_TEXTS, "kind")
FTS_COLUMNS = ", ".join(_fts_columns)
_new = ", ".join(f"new.{column}" for column in _fts_columns)
_old = ", ".join(f"old.{column}" for column in _fts_columns)
# the triggers that keep FTS5 in step row by row (index.rebuild sets the first two aside for a bulk build)
FOLLOW_TRIGGERS_DDL = (
    f"CREATE TRIGGER {INSERT_TRIGGER} AFTER INSERT ON {_doc} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {FTS_COLUMNS}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER {DELETE_TRIGGER} AFTER DELETE ON {_doc} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {_old}); END",
)
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({FTS_COLUMNS}, content='{_doc}', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    *FOLLOW_TRIGGERS_DDL,
    f"CREATE TRIGGER {_doc}_au AFTER UPDATE ON {_doc} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {FTS_COLUMNS}) VALUES (new.id, {_new}); END",
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {_doc}_au",
    f"DROP TRIGGER IF EXISTS {_doc}_ad",
    f"DROP TRIGGER IF EXISTS {_doc}_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_VECTOR_COLUMN = (
    f"ALTER TABLE {_doc} ADD COLUMN {SEARCH_VECTOR} tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{TEXT_CONFIG}'::regconfig, title), 'A') || "
    f"setweight(to_tsvector('{TEXT_CONFIG}'::regconfig, lead), 'B') || "
    f"setweight(to_tsvector('{TEXT_CONFIG}'::regconfig, body), 'C')) STORED"
)
# as migration 9d3f5b8e1a27 made them (c3e5a7b9d1f4 replaced the index with `POSTGRES_SEARCH_INDEX`)
POSTGRES_DDL = (
    POSTGRES_VECTOR_COLUMN,
    f"CREATE INDEX {SEARCH_VECTOR_INDEX} ON {_doc} USING gin ({SEARCH_VECTOR})",
)
# A document's vector is about 2 KB: by default PostgreSQL moves it out of the row (TOAST), so testing
# a row for a match or ranking it fetches the vector from the TOAST table, two more index and page reads.
# MAIN keeps it in the row (it leaves only if the row would not fit a page); the texts go out instead, and
# only a page's snippets read them. Reading the newest 800 rows for a word: 1.6-2.0 ms instead of 5-8 ms.
POSTGRES_VECTOR_INLINE = f"ALTER TABLE {_doc} ALTER COLUMN {SEARCH_VECTOR} SET STORAGE MAIN"
# The GIN index also files each document under words of its own that no text can hold, in a second column:
# its kind and the ranges of ids it falls in, 4,096 (`~a`) and 65,536 (`~b`) ids long. A search for the
# newest matches asks for its words and a range's (and kinds') words at once, and GIN walks the shortest of
# their lists, skipping through the others: only the matches in range are found and read from the table.
# (A range of ids as a condition of its own costs a bitmap of every id in it, from the primary key or from
# an index of these words on their own: about 0.2 us an id, 50 ms for a range of 240,000.)
SCOPE_RANGES = {"a": 12, "b": 16}  # name: bits of the id below the range
SEARCH_SCOPE = (
    "array_to_tsvector(ARRAY['~k' || kind, "
    + ", ".join(f"'~{name}' || (id >> {bits})::text" for name, bits in SCOPE_RANGES.items())
    + "])"
)
POSTGRES_SEARCH_INDEX = f"CREATE INDEX {SEARCH_INDEX} ON {_doc} USING gin ({SEARCH_VECTOR}, ({SEARCH_SCOPE}))"
POSTGRES_DROP = (
    f"DROP INDEX IF EXISTS {SEARCH_VECTOR_INDEX}",
    f"ALTER TABLE {_doc} DROP COLUMN IF EXISTS {SEARCH_VECTOR}",
)
_table = SearchDocument.__table__  # type: ignore[attr-defined]
for _statement in SQLITE_DDL:
    event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in (POSTGRES_VECTOR_COLUMN, POSTGRES_VECTOR_INLINE, POSTGRES_SEARCH_INDEX):
    event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
event.listen(_table, "before_drop", DDL(SQLITE_DROP[-1]).execute_if(dialect="sqlite"))


class OverrideKind(StrEnum):
    pin = "pin"
    exclude = "exclude"


class RelatedOverride(SQLModel, table=True):
    """An editor's choice for an article's related list: pin another article (in order), or exclude one."""

    __table_args__ = (
        UniqueConstraint("article_id", "related_id"),
        CheckConstraint("kind IN ('pin', 'exclude')", name="kind_known"),
        CheckConstraint("article_id <> related_id", name="not_itself"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    related_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    kind: str = Field(sa_column=Column(String(8), nullable=False))
    position: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


@purge_rule(RelatedOverride)
def _override_purges(row: RelatedOverride, change: Change) -> list[str]:
    return [entity_key("article", row.article_id)]


# --- what the endpoints answer ------------------------------------------------------------------------


class SearchHit(BaseModel):
    """One match: an article, a theme table or a timeline event, with the article it belongs to."""

    type: SearchType
    id: int = PydanticField(description="The id of the article, table or event.")
    title: str = PydanticField(description="The article's or table's title, or the event's milestone.")
    snippet: str = PydanticField(
        description="HTML: an excerpt with the matched words in `<mark>`…`</mark>`, everything else escaped."
    )
    score: float = PydanticField(description="Relevance; higher is better. Comparable within one query only.")
    url: str = PydanticField(description="Where the match is served: its article, table or timeline.")
    published_at: datetime = PydanticField(description="When its article was published.")
    category_slug: str
    article: ArticleRef
    timeline: TimelineRef | None = PydanticField(default=None, description="For an event: its timeline.")


class RelatedReasons(BaseModel):
    """Why an article is related: the parts of its score."""

    pinned: bool = PydanticField(description="Placed by an editor, ahead of the computed ones.")
    shared_tags: list[str] = PydanticField(description="Slugs of the tags both articles carry.")
    same_category: bool
    text_similarity: float = PydanticField(
        description="0 to 1: how well its text matches the article's key terms (1: as well as the article)."
    )
    published_days_apart: float = PydanticField(description="Days between the two publish times.")


class RelatedArticle(ArticleSummary):
    score: float = PydanticField(description="0 to 1, the weighted sum of the reasons.")
    reasons: RelatedReasons


Id = Annotated[int, PydanticField(ge=1, le=2**31 - 1)]
MAX_PINS = 20
MAX_EXCLUDES = 200


class RelatedOverridesWrite(WriteBody):
    """The whole set of an article's related-article overrides (PUT replaces it)."""

    pins: list[Id] = Field(
        default_factory=list,
        max_length=MAX_PINS,
        description="Ids of articles shown first, in this order (only while they are public).",
    )
    excludes: list[Id] = Field(
        default_factory=list, max_length=MAX_EXCLUDES, description="Ids of articles never shown as related."
    )


class OverrideRef(BaseModel):
    id: int
    slug: str
    title: str
    status: str


class RelatedOverridesAdmin(BaseModel):
    article_id: int
    pins: list[OverrideRef] = PydanticField(description="In the order they are shown.")
    excludes: list[OverrideRef] = PydanticField(description="By id.")
