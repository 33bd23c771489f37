"""Queries over articles. Visibility lives here: `public_condition` is the one definition of "public".

The reads that every side shares (taxonomy, body blocks, slugs, reading stats) live here too, so that the
write side (`editorial`) and preview tokens (`preview`) build on this module and never the other way."""

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from operator import attrgetter, itemgetter
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Row,
    Select,
    String,
    Table,
    and_,
    bindparam,
    exists,
    literal_column,
)
from sqlalchemy import cast as cast_as
from sqlalchemy import select as select_rows
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from app.articles.models import (
    PLAIN_BLOCKS,
    Article,
    ArticleAuthor,
    ArticleBlock,
    ArticleCorrection,
    ArticleRef,
    ArticleSlugRedirect,
    ArticleStatus,
    ArticleSummary,
    ArticleTag,
    BlockType,
    Correction,
    HeroImage,
    StoredBlock,
    TableBlockInput,
    TimelineBlockInput,
)
from app.db import PreparedRead, UTCDateTime, core_first, core_rows, utcnow
from app.pagination import Order, keyset_page
from app.tables.models import ContentTable
from app.taxonomy.models import Author, AuthorRef, Category, CategoryRef, Tag, TagPublic

WORDS_PER_MINUTE = 230
_TAGS = re.compile(r"<[^>]+>")


class ArticleSort(StrEnum):
    newest = "newest"
    oldest = "oldest"
    title = "title"  # type: ignore[assignment]  # the member shadows `str.title`, as intended


# an article's columns as a list reads them (a `Row`) or as an entity: what summaries and feeds are made from
ArticleRecord = Article | Row[Any]


# inline constants: an IN of bind parameters is re-rendered into the SQL on every execution
_PUBLIC_STATUSES: list[ColumnElement[str]] = [
    literal_column(f"'{s.value}'") for s in (ArticleStatus.published, ArticleStatus.scheduled)
]
# the current time, taken when a statement runs, not when it is built: statements built once stay right
_NOW = bindparam("now", callable_=utcnow, type_=UTCDateTime())


def public_condition(
    now: datetime | ColumnElement[datetime] | None = None, *, table: Any = Article
) -> ColumnElement[bool]:
    """Published (or scheduled and due) with a publish time that has passed: the only public articles.

    Without `now`, the time the statement runs."""
    return and_(
        table.status.in_(_PUBLIC_STATUSES),
        table.published_at <= (_NOW if now is None else now),
    )


# The hot public reads below run statements built once, here: building an expression and its cache key on
# every call costs far more than the SQL itself. Rows are read as plain `Row`s of the columns shown, not
# loaded as ORM entities. Core statements do not autoflush: a caller that staged changes flushes first (the
# write side always does).
_PUBLIC_NOW = public_condition()
_articles: Table = Article.__table__  # type: ignore[attr-defined]
_categories: Table = Category.__table__  # type: ignore[attr-defined]
_tags: Table = Tag.__table__  # type: ignore[attr-defined]
_authors: Table = Author.__table__  # type: ignore[attr-defined]
_article_tags: Table = ArticleTag.__table__  # type: ignore[attr-defined]
_article_authors: Table = ArticleAuthor.__table__  # type: ignore[attr-defined]
_blocks: Table = ArticleBlock.__table__  # type: ignore[attr-defined]
_corrections: Table = ArticleCorrection.__table__  # type: ignore[attr-defined]
_tables: Table = ContentTable.__table__  # type: ignore[attr-defined]
# the table's columns, not the entity's attributes: an ORM attribute anywhere in a statement makes the
# session load its rows through the ORM, which costs more than the query
_ORDERS: dict[ArticleSort, Order] = {
    ArticleSort.newest: [(_articles.c.published_at, True), (_articles.c.id, True)],
    ArticleSort.oldest: [(_articles.c.published_at, False), (_articles.c.id, False)],
    ArticleSort.title: [(_articles.c.title, False), (_articles.c.id, False)],
}

# public reads take rows of the article's columns: no entities, identity map or change tracking to build
_PUBLIC_ARTICLE_ROWS = select_rows(*_articles.c).where(_PUBLIC_NOW)
_PUBLIC_COLUMNS_BY_SLUG = _PUBLIC_ARTICLE_ROWS.where(_articles.c.slug == bindparam("slug"))


def _portable(name: str, doc: str, **templates: str) -> type[FunctionElement[Any]]:
    """A SQL function written per dialect (`templates`, by dialect name: "{args}" stands for its arguments).
    Unlike a `func.` call with literal parameters, all of its text is part of the cached SQL."""
    element = type(
        name, (FunctionElement,), {"__doc__": doc, "type": String(), "inherit_cache": True, "name": name}
    )
    for dialect, template in templates.items():

        def render(element: Any, compiler: SQLCompiler, template: str = template, **kw: Any) -> str:
            return template.format(args=compiler.process(element.clauses, **kw))

        compiles(element, dialect)(render)
    return element


_JsonRows = _portable(
    "json_rows",
    """An aggregate: the text of a JSON array holding, for each row, the array of its arguments' values
    (`[]` or NULL for no rows). A JSON argument (see `_Json`) is nested as JSON, not as a string.""",
    sqlite="json_group_array(json_array({args}))",
    postgresql="CAST(json_agg(json_build_array({args})) AS TEXT)",
)
_Json = _portable(
    "as_json",
    "A JSON column's value as JSON inside `_JsonRows` (SQLite stores it as text).",
    sqlite="json({args})",
    postgresql="{args}",
)


def _of_article(link: Table, source: FromClause, *values: Any) -> ColumnElement[str | None]:
    """`values` of the rows of `link` (in `source`, joined to what they name) that belong to the article of
    the row: a correlated subquery."""
    return (
        select_rows(_JsonRows(*values))
        .select_from(source)
        .where(link.c.article_id == _articles.c.id)
        .scalar_subquery()
    )


def json_rows(text: str | None) -> list[list[Any]]:
    """The rows of a `_JsonRows` text in the order of their first value (a position)."""
    return sorted(json.loads(text), key=itemgetter(0)) if text else []


# An article's detail row carries all of it that is its own, so that a detail is one statement (and a few
# more for a timeline its body holds), not seven: its category's columns, and as JSON rows its tags,
# authors, body blocks and theme tables; whether it has corrections, which few articles do, says whether to
# read them. Reading rows of other kinds in the article's row costs a few index lookups each.
_PUBLIC_ARTICLE_BY_SLUG = (
    select_rows(
        *_articles.c,
        _categories.c.slug.label("category_slug"),
        _categories.c.name.label("category_name"),
        _categories.c.description.label("category_description"),
        _categories.c.position.label("category_position"),
        _of_article(
            _article_tags,
            _article_tags.join(_tags, _tags.c.id == _article_tags.c.tag_id),
            _article_tags.c.position,
            _tags.c.id,
            _tags.c.slug,
            _tags.c.name,
        ).label("tag_rows"),
        _of_article(
            _article_authors,
            _article_authors.join(_authors, _authors.c.id == _article_authors.c.author_id),
            _article_authors.c.position,
            _authors.c.id,
            _authors.c.slug,
            _authors.c.name,
            _authors.c.bio,
            _authors.c.avatar_url,
        ).label("author_rows"),
        _of_article(
            _blocks,
            _blocks,
            _blocks.c.position,
            _blocks.c.type,
            _Json(_blocks.c.data),
            _blocks.c.table_id,
            _blocks.c.timeline_id,
        ).label("block_rows"),
        _of_article(
            _tables,
            _tables,
            _tables.c.position,
            _tables.c.id,
            _tables.c.title,
            _tables.c.caption,
            _Json(_tables.c.columns),
            _Json(_tables.c.rows),
            _tables.c.updated_at,
        ).label("table_rows"),
        exists().where(_corrections.c.article_id == _articles.c.id).label("has_corrections"),
    )
    .join_from(_articles, _categories, _categories.c.id == _articles.c.category_id)
    .where(_PUBLIC_NOW, _articles.c.slug == bindparam("slug"))
)


# its argument's values joined by commas, an aggregate (the separator is part of the SQL)
_CommaJoined = _portable(
    "comma_joined",
    "Its argument's values joined by commas, an aggregate.",
    sqlite="group_concat({args}, ',')",
    postgresql="string_agg({args}, ',')",
)


def _slug_list(link: Table, labels: Table, label_key: str) -> ColumnElement[str | None]:
    """An article's tag or author slugs as one text, "position:slug" entries joined by commas (a slug holds
    neither), read in its list row by a correlated subquery: `split_slugs` puts them in order."""
    # each slug by its own primary-key lookup: as a join, PostgreSQL hashes the whole tag (or author) table
    # once per article of the page
    slug = select_rows(labels.c.slug).where(labels.c.id == link.c[label_key]).scalar_subquery()
    entry = cast_as(link.c.position, String) + literal_column("':'", String) + slug
    return select_rows(_CommaJoined(entry)).where(link.c.article_id == _articles.c.id).scalar_subquery()


def split_slugs(joined: str | None) -> list[str]:
    """The slugs of a `_slug_list` text, in position order."""
    if not joined:
        return []
    entries = [entry.split(":", 1) for entry in joined.split(",")]
    return [slug for _, slug in sorted(entries, key=lambda entry: int(entry[0]))]


# A list row carries what a list item shows of its category, tags and authors, so that a page is one
# statement, not four: the SQL layer's fixed cost per statement outweighs these subqueries' (a few index
# lookups each, run for the rows of the page only). Embeds (`include=`) still read the related rows.
_PUBLIC_LIST_ROWS = select_rows(
    *_articles.c,
    select_rows(_categories.c.slug)
    .where(_categories.c.id == _articles.c.category_id)
    .scalar_subquery()
    .label("category_slug"),
    _slug_list(_article_tags, _tags, "tag_id").label("tag_slugs"),
    _slug_list(_article_authors, _authors, "author_id").label("author_slugs"),
).where(_PUBLIC_NOW)
_PUBLIC_LIST_ROWS_BY_ID = _PUBLIC_LIST_ROWS.where(_articles.c.id.in_(bindparam("ids", expanding=True)))
_CATEGORIES_BY_ID = select_rows(
    _categories.c.id,
    _categories.c.slug,
    _categories.c.name,
    _categories.c.description,
    _categories.c.position,
).where(_categories.c.id.in_(bindparam("ids", expanding=True)))
_TAGS_BY_ARTICLE = (
    select_rows(_article_tags.c.article_id, _tags.c.id, _tags.c.slug, _tags.c.name)
    .join_from(_article_tags, _tags, _tags.c.id == _article_tags.c.tag_id)
    .where(_article_tags.c.article_id.in_(bindparam("ids", expanding=True)))
    .order_by(_article_tags.c.article_id, _article_tags.c.position)
)
_AUTHORS_BY_ARTICLE = (
    select_rows(
        _article_authors.c.article_id,
        _authors.c.id,
        _authors.c.slug,
        _authors.c.name,
        _authors.c.bio,
        _authors.c.avatar_url,
    )
    .join_from(_article_authors, _authors, _authors.c.id == _article_authors.c.author_id)
    .where(_article_authors.c.article_id.in_(bindparam("ids", expanding=True)))
    .order_by(_article_authors.c.article_id, _article_authors.c.position)
)
_ARTICLE_REFS = select_rows(_articles.c.id, _articles.c.slug, _articles.c.title).where(
    _articles.c.id.in_(bindparam("ids", expanding=True)), _PUBLIC_NOW
)
_BLOCKS_BY_ARTICLE = (
    select_rows(
        _blocks.c.article_id, _blocks.c.type, _blocks.c.data, _blocks.c.table_id, _blocks.c.timeline_id
    )
    .where(_blocks.c.article_id.in_(bindparam("ids", expanding=True)))
    .order_by(_blocks.c.article_id, _blocks.c.position)
)
_CORRECTIONS = (
    select_rows(_corrections.c.created_at, _corrections.c.note)
    .where(_corrections.c.article_id == bindparam("id"))
    .order_by(_corrections.c.created_at, _corrections.c.id)
)


@functools.cache
def _public_listing(
    *, category: bool, tag: bool, author: bool, published_after: bool, published_before: bool
) -> Select[Any]:
    """The statement of public article rows with these filters, bound by name: built once per combination."""
    statement = _PUBLIC_LIST_ROWS
    if category:
        category_id = (
            select_rows(_categories.c.id).where(_categories.c.slug == bindparam("category")).scalar_subquery()
        )
        statement = statement.where(_articles.c.category_id == category_id)
    if tag:
        statement = statement.where(
            exists().where(
                _article_tags.c.article_id == _articles.c.id,
                _article_tags.c.tag_id == _tags.c.id,
                _tags.c.slug == bindparam("tag"),
            )
        )
    if author:
        statement = statement.where(
            exists().where(
                _article_authors.c.article_id == _articles.c.id,
                _article_authors.c.author_id == _authors.c.id,
                _authors.c.slug == bindparam("author"),
            )
        )
    if published_after:
        statement = statement.where(_articles.c.published_at > bindparam("after", type_=UTCDateTime()))
    if published_before:
        statement = statement.where(_articles.c.published_at < bindparam("before", type_=UTCDateTime()))
    return statement


def list_public_articles(
    session: Session,
    *,
    category: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
    sort: ArticleSort = ArticleSort.newest,
    cursor: str | None = None,
    limit: int,
) -> tuple[list[Row[Any]], str | None]:
    """One page of public articles matching every given filter, as rows of the article's columns."""
    statement = _public_listing(
        category=category is not None,
        tag=tag is not None,
        author=author is not None,
        published_after=published_after is not None,
        published_before=published_before is not None,
    )
    params = {
        "category": category,
        "tag": tag,
        "author": author,
        "after": published_after,
        "before": published_before,
    }

    def key(article: Row[Any]) -> tuple[Any, ...]:
        return (article.title if sort is ArticleSort.title else article.published_at, article.id)

    return keyset_page(
        session,
        statement,
        order=_ORDERS[sort],
        kind=f"articles:{sort}",
        cursor=cursor,
        limit=limit,
        key=key,
        scalars=False,
        params={name: value for name, value in params.items() if value is not None},
    )


# the uncached read most asked for: run without SQLAlchemy's per-execution result machinery
_PUBLIC_DETAIL_BY_SLUG = PreparedRead(_PUBLIC_ARTICLE_BY_SLUG, "ArticleDetailRow")


def find_public_article(session: Session, slug: str) -> Any:
    """The public article whose current slug is `slug`, if any, as its detail row (`article_detail`): a
    named tuple of `_PUBLIC_ARTICLE_BY_SLUG`'s columns."""
    return _PUBLIC_DETAIL_BY_SLUG.first(session, {"slug": slug})


def public_article_columns(session: Session, slug: str) -> Row[Any] | None:
    """The public article whose current slug is `slug`, if any, as a row of its own columns only."""
    return core_first(session, _PUBLIC_COLUMNS_BY_SLUG, {"slug": slug})


def public_list_rows(session: Session, ids: Collection[int]) -> dict[int, Row[Any]]:
    """Those of `ids` that are public, as rows of a public listing (what `summaries` shows), by id."""
    if not ids:
        return {}
    return {row.id: row for row in core_rows(session, _PUBLIC_LIST_ROWS_BY_ID, {"ids": list(ids)})}


def categories_by_id(session: Session, ids: Iterable[int]) -> dict[int, Row[Any]]:
    """Categories as shown publicly (id, slug, name, description, position), by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = core_rows(session, _CATEGORIES_BY_ID, {"ids": list(wanted)})
    return {row[0]: row for row in rows}


def tags_by_article(session: Session, article_ids: Collection[int]) -> dict[int, list[Row[Any]]]:
    """Each article's tags (id, slug, name) in editorial order, in one query."""
    found: dict[int, list[Row[Any]]] = defaultdict(list)
    if article_ids:
        for row in core_rows(session, _TAGS_BY_ARTICLE, {"ids": list(article_ids)}):
            found[row[0]].append(row)
    return found


def authors_by_article(session: Session, article_ids: Collection[int]) -> dict[int, list[Row[Any]]]:
    """Each article's authors (id, slug, name, bio, avatar_url) in byline order, in one query."""
    found: dict[int, list[Row[Any]]] = defaultdict(list)
    if article_ids:
        for row in core_rows(session, _AUTHORS_BY_ARTICLE, {"ids": list(article_ids)}):
            found[row[0]].append(row)
    return found


_SUMMARY_FIELDS = frozenset(ArticleSummary.model_fields) - {"category", "tags", "authors"}
_ARTICLE_FIELDS = frozenset(Article.model_fields)


def _reader(
    articles: Sequence[ArticleRecord], names: Sequence[str]
) -> Callable[[ArticleRecord], tuple[Any, ...]]:
    """A function reading `names` (two or more) off one of `articles` as a tuple, in one C-level call: by
    position from a `Row` (a row's lookup of a field by name costs about a microsecond), else by attribute."""
    first = articles[0]
    if isinstance(first, Row):
        fields = first._fields
        getter: Any = itemgetter(*[fields.index(name) for name in names])
    else:
        getter = attrgetter(*names)
    return cast(Callable[[ArticleRecord], tuple[Any, ...]], getter)


_LISTED = ("category_slug", "tag_slugs", "author_slugs")  # what a list row carries besides the columns


def summaries(
    session: Session,
    articles: Sequence[ArticleRecord],
    *,
    fields: Collection[str] | None = None,
    include: Collection[str] = (),
) -> list[ArticleSummary]:
    """List items for `articles`, with only `fields` (all when None) and the requested embeds.

    Rows of a public listing carry their slugs; otherwise, and for embeds, related rows are read with one
    query per kind, never one per article."""
    if not articles:
        return []
    want = _SUMMARY_FIELDS if fields is None else {"id", *fields}
    stored = [name for name in want if name in _ARTICLE_FIELDS and name != "hero_image"]
    listed = set(_LISTED) <= set(getattr(articles[0], "_fields", ()))
    read = _reader(articles, ["id", "category_id", "hero_image", *(_LISTED if listed else ()), *stored])
    records = [read(article) for article in articles]
    ids = [record[0] for record in records]
    categories = (
        categories_by_id(session, (record[1] for record in records))
        if "category" in include or ("category_slug" in want and not listed)
        else {}
    )
    tags = tags_by_article(session, ids) if "tags" in include or ("tag_slugs" in want and not listed) else {}
    authors = (
        authors_by_article(session, ids)
        if "authors" in include or ("author_slugs" in want and not listed)
        else {}
    )

    items = []
    for record in records:
        article_id, category_id, hero_image = record[:3]
        if listed:
            category_slug, tag_slugs, author_slugs = record[3:6]
            data: dict[str, Any] = dict(zip(stored, record[6:], strict=True))
        else:
            data = dict(zip(stored, record[3:], strict=True))
        if "hero_image" in want:
            data["hero_image"] = HeroImage.model_validate(hero_image) if hero_image else None
        if "category_slug" in want:
            data["category_slug"] = category_slug if listed else categories[category_id].slug
        if "tag_slugs" in want:
            data["tag_slugs"] = (
                split_slugs(tag_slugs) if listed else [t.slug for t in tags.get(article_id, ())]
            )
        if "author_slugs" in want:
            data["author_slugs"] = (
                split_slugs(author_slugs) if listed else [a.slug for a in authors.get(article_id, ())]
            )
        if "category" in include:
            category = categories[category_id]
            data["category"] = CategoryRef(id=category.id, slug=category.slug, name=category.name)
        if "tags" in include:
            data["tags"] = [TagPublic(id=t.id, slug=t.slug, name=t.name) for t in tags.get(article_id, ())]
        if "authors" in include:
            data["authors"] = [
                AuthorRef(id=a.id, slug=a.slug, name=a.name) for a in authors.get(article_id, ())
            ]
        items.append(ArticleSummary.model_validate(data))
    return items


def article_refs(session: Session, article_ids: Collection[int]) -> dict[int, ArticleRef]:
    """References to those of `article_ids` that are public."""
    if not article_ids:
        return {}
    rows = core_rows(session, _ARTICLE_REFS, {"ids": list(article_ids)})
    return {id_: ArticleRef(id=id_, slug=slug, title=title) for id_, slug, title in rows}


def reading_stats(texts: Iterable[str]) -> tuple[int, int]:
    """Word count and whole minutes of reading (at least one) for the given body texts."""
    words = sum(len(_TAGS.sub(" ", text).split()) for text in texts)
    return words, max(1, round(words / WORDS_PER_MINUTE)) if words else 0


# --- reads shared by the public detail, previews and the management API ---------------------------------


def blocks_by_article(session: Session, article_ids: Collection[int]) -> dict[int, list[StoredBlock]]:
    """Each article's body blocks in order, as written (tables and timelines by id), in one query."""
    found: dict[int, list[StoredBlock]] = defaultdict(list)
    if not article_ids:
        return found
    for article_id, kind, data, table_id, timeline_id in core_rows(
        session, _BLOCKS_BY_ARTICLE, {"ids": list(article_ids)}
    ):
        block = stored_block(kind, data, table_id, timeline_id)
        if block is not None:
            found[article_id].append(block)
    return found


def stored_block(kind: str, data: Any, table_id: int | None, timeline_id: int | None) -> StoredBlock | None:
    """A body block from its stored columns (None for a table or timeline block whose target is gone)."""
    if kind == BlockType.table:
        return None if table_id is None else TableBlockInput(table_id=table_id)
    if kind == BlockType.timeline:
        return None if timeline_id is None else TimelineBlockInput(timeline_id=timeline_id, table_id=table_id)
    return PLAIN_BLOCKS[kind].model_validate(data)


def public_corrections(session: Session, article_id: int) -> list[Correction]:
    """An article's correction notes, oldest first."""
    rows = core_rows(session, _CORRECTIONS, {"id": article_id})
    return [Correction(at=at, note=note) for at, note in rows]


def category_by_slug(session: Session, slug: str) -> Category | None:
    return session.exec(select(Category).where(Category.slug == slug)).first()


def tags_by_slug(session: Session, slugs: Collection[str]) -> dict[str, Tag]:
    if not slugs:
        return {}
    return {t.slug: t for t in session.exec(select(Tag).where(col(Tag.slug).in_(slugs)))}


def authors_by_slug(session: Session, slugs: Collection[str]) -> dict[str, Author]:
    if not slugs:
        return {}
    return {a.slug: a for a in session.exec(select(Author).where(col(Author.slug).in_(slugs)))}


def public_redirect_target(session: Session, old_slug: str) -> ArticleRef | None:
    """The public article that once had `old_slug`, if there is one."""
    statement = (
        select(Article.id, Article.slug, Article.title)
        .join(ArticleSlugRedirect, col(ArticleSlugRedirect.article_id) == Article.id)
        .where(ArticleSlugRedirect.old_slug == old_slug, public_condition())
    )
    row = session.exec(statement).first()
    return None if row is None else ArticleRef(id=row[0], slug=row[1], title=row[2])
