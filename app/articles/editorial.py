"""The management write side of articles: creating, editing, publishing, revisions and corrections.

It is kept apart from the reads so that every saved change of an article has one path: each goes through
`_after_change`, which stores the revision and the audit entry in the change's own transaction, and is the
one place later syndication (events, cache purges) hooks in."""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

import nh3
from pydantic import ValidationError
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.articles.models import (
    CONTENT_FIELDS,
    Article,
    ArticleAdmin,
    ArticleAuthor,
    ArticleBase,
    ArticleBlock,
    ArticleCorrection,
    ArticleCreate,
    ArticleRevision,
    ArticleSlugRedirect,
    ArticleStatus,
    ArticleTag,
    ArticleTombstone,
    ArticleUpdate,
    ParagraphBlockInput,
    TableBlockInput,
    TimelineBlockInput,
)
from app.articles.service import (
    authors_by_article,
    authors_by_slug,
    blocks_by_article,
    categories_by_id,
    category_by_slug,
    reading_stats,
    tags_by_article,
    tags_by_slug,
)
from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.db import utcnow
from app.errors import Conflict, NotFound, UnprocessableContent
from app.pagination import Order, keyset_page
from app.tables.models import ContentTable
from app.taxonomy.models import Author, Category, Tag
from app.timelines.models import Timeline

_ADMIN_ORDER: Order = [(col(Article.updated_at), True), (col(Article.id), True)]
_REVISION_ORDER: Order = [(col(ArticleRevision.number), True)]
_SANITIZER = {
    "tags": {"a", "em", "strong", "b", "i", "br", "code", "sub", "sup"},
    "attributes": {"a": {"href", "title"}},
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": "noopener noreferrer",
}


class ArticleAction(StrEnum):
    create = "create"
    update = "update"
    publish = "publish"
    unpublish = "unpublish"
    archive = "archive"
    restore = "restore"
    delete = "delete"


def sanitize_html(html: str) -> str:
    """Inline HTML cut down to the allowlist: no scripts, event handlers, styles or javascript: URLs."""
    return nh3.clean(html, **_SANITIZER)  # type: ignore[arg-type]


def admin_views(session: Session, articles: Sequence[Article]) -> list[ArticleAdmin]:
    """The management representation of `articles`, with one query per kind of related row."""
    ids = [a.id for a in articles if a.id is not None]
    categories = categories_by_id(session, (a.category_id for a in articles))
    tags = tags_by_article(session, ids)
    authors = authors_by_article(session, ids)
    blocks = blocks_by_article(session, ids)
    views = []
    for article in articles:
        assert article.id is not None
        views.append(
            ArticleAdmin.model_validate(
                article,
                update={
                    "category": categories[article.category_id].slug,
                    "tags": [t.slug for t in tags.get(article.id, [])],
                    "authors": [a.slug for a in authors.get(article.id, [])],
                    "blocks": blocks.get(article.id, []),
                },
            )
        )
    return views


def admin_view(session: Session, article: Article) -> ArticleAdmin:
    """The management representation of one article."""
    return admin_views(session, [article])[0]


def list_articles(
    session: Session,
    *,
    status: ArticleStatus | None,
    category: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Article], str | None]:
    """Articles of any status, most recently updated first."""
    statement = select(Article)
    if status is not None:
        statement = statement.where(Article.status == status)
    if category is not None:
        category_id = select(Category.id).where(Category.slug == category).scalar_subquery()
        statement = statement.where(Article.category_id == category_id)
    return keyset_page(
        session,
        statement,
        order=_ADMIN_ORDER,
        kind="admin-articles",
        cursor=cursor,
        limit=limit,
        key=lambda a: (a.updated_at, a.id),
    )


def get_article(session: Session, article_id: int) -> Article:
    """The article with this id, whatever its status."""
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article has the id {article_id}.")
    return article


def create_article(session: Session, data: ArticleCreate, key: ApiKey) -> ArticleAdmin:
    """Store a new draft article with its body; revision 1."""
    article = _write(session, None, data)
    view = _after_change(
        session, article, ArticleAction.create, key, None, changed=sorted(data.model_fields_set)
    )
    session.commit()
    return view


def replace_article(session: Session, article: Article, data: ArticleCreate, key: ApiKey) -> ArticleAdmin:
    """Replace every client-writable field and the body (PUT); status and publish time stay."""
    return _save_content(session, article, data, key)


def update_article(session: Session, article: Article, data: ArticleUpdate, key: ApiKey) -> ArticleAdmin:
    """Change only the fields sent (PATCH)."""
    current = admin_view(session, article).model_dump(include=set(CONTENT_FIELDS))
    try:
        merged = ArticleCreate.model_validate({**current, **data.model_dump(exclude_unset=True)})
    except ValidationError as exc:
        raise UnprocessableContent(f"The article would not be valid after this change: {exc}") from exc
    return _save_content(session, article, merged, key)


def delete_article(session: Session, article: Article, key: ApiKey) -> None:
    """Delete an article with its blocks, tables and timelines, keeping a tombstone of it."""
    assert article.id is not None
    before = admin_view(session, article)
    # blocks first: they hold the article's tables and timelines, which go with the article
    session.exec(delete(ArticleBlock).where(col(ArticleBlock.article_id) == article.id))
    session.add(ArticleTombstone(article_id=article.id, slug=article.slug))
    session.delete(article)
    _after_change(session, article, ArticleAction.delete, key, before)
    session.commit()


def publish_article(
    session: Session, article: Article, published_at: datetime | None, key: ApiKey
) -> ArticleAdmin:
    """Publish now or at a past time, or schedule for a future one (public at that time, with no job)."""
    if article.status not in (ArticleStatus.draft, ArticleStatus.scheduled):
        raise Conflict(
            f"Article {article.id} is {article.status}; only a draft or a scheduled article can be published"
            + (" (unpublish it to a draft first)." if article.status == ArticleStatus.archived else ".")
        )
    now = utcnow()
    when = published_at or now
    return _transition(
        session,
        article,
        ArticleAction.publish,
        key,
        status=ArticleStatus.scheduled if when > now else ArticleStatus.published,
        published_at=when,
    )


def unpublish_article(session: Session, article: Article, key: ApiKey) -> ArticleAdmin:
    """Take an article back to a draft, out of public view."""
    if article.status == ArticleStatus.draft:
        raise Conflict(f"Article {article.id} is already a draft.")
    return _transition(
        session, article, ArticleAction.unpublish, key, status=ArticleStatus.draft, published_at=None
    )


def archive_article(session: Session, article: Article, key: ApiKey) -> ArticleAdmin:
    """Archive a public article: it leaves public view but keeps its publish time."""
    is_public = article.status in (ArticleStatus.published, ArticleStatus.scheduled) and (
        article.published_at is not None and article.published_at <= utcnow()
    )
    if not is_public:
        if article.status == ArticleStatus.scheduled:
            reason = f"is scheduled for {article.published_at:%Y-%m-%dT%H:%M:%SZ}; unpublish it instead"
        else:
            reason = f"is {article.status}; only a published article can be archived"
        raise Conflict(f"Article {article.id} {reason}.")
    return _transition(
        session,
        article,
        ArticleAction.archive,
        key,
        status=ArticleStatus.archived,
        published_at=article.published_at,
    )


def list_revisions(
    session: Session, article_id: int, cursor: str | None, limit: int
) -> tuple[list[ArticleRevision], str | None]:
    """An article's revisions, newest first."""
    return keyset_page(
        session,
        select(ArticleRevision).where(ArticleRevision.article_id == article_id),
        order=_REVISION_ORDER,
        kind="revisions",
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.number,),
    )


def get_revision(session: Session, article_id: int, number: int) -> ArticleRevision:
    revision = session.exec(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article_id, ArticleRevision.number == number
        )
    ).first()
    if revision is None:
        raise NotFound(f"Article {article_id} has no revision {number}.")
    return revision


def restore_revision(session: Session, article: Article, number: int, key: ApiKey) -> ArticleAdmin:
    """Bring back a revision's content and body (not its status) as a new revision."""
    assert article.id is not None
    snapshot = ArticleAdmin.model_validate(get_revision(session, article.id, number).snapshot)
    try:
        data = ArticleCreate.model_validate(snapshot.model_dump(include=set(CONTENT_FIELDS)))
    except ValidationError as exc:
        raise UnprocessableContent(f"Revision {number} no longer passes validation: {exc}") from exc
    before = admin_view(session, article)
    _write(session, article, data)
    view = _after_change(session, article, ArticleAction.restore, key, before, detail={"restored": number})
    session.commit()
    return view


def add_correction(session: Session, article: Article, note: str, key: ApiKey) -> ArticleCorrection:
    """Attach a public correction note to an article."""
    assert article.id is not None
    correction = ArticleCorrection(article_id=article.id, note=note)
    session.add(correction)
    session.flush()
    auth_service.record(session, key, "article.correct", "article", article.id, {"correction": correction.id})
    session.commit()
    session.refresh(correction)
    return correction


# --- private helpers: they stage changes and flush, the public functions above commit ----------------------


def _after_change(
    session: Session,
    article: Article,
    action: ArticleAction,
    key: ApiKey,
    before: ArticleAdmin | None,
    *,
    changed: list[str] | None = None,
    detail: dict[str, object] | None = None,
) -> ArticleAdmin:
    """The one place every saved change of an article passes through, in the change's own transaction.

    It stores the revision (none for a deletion) and the audit entry; whatever else must follow a change of
    content or public visibility (syndication events, cache purges) belongs here too."""
    session.flush()
    if action == ArticleAction.delete:
        assert before is not None
        auth_service.record(
            session,
            key,
            "article.delete",
            "article",
            before.id,
            {"slug": before.slug, "status": before.status},
        )
        session.flush()
        return before
    view = admin_view(session, article)
    if changed is None:
        changed = _changed_fields(before, view)
    revision = add_revision(session, article, action, key, view, changed)
    auth_service.record(
        session,
        key,
        f"article.{action}",
        "article",
        article.id,
        {"revision": revision.number, "changed": changed, "status": view.status, **(detail or {})},
    )
    session.flush()
    return view


def _save_content(session: Session, article: Article, data: ArticleCreate, key: ApiKey) -> ArticleAdmin:
    """Save new content for an article; a change that changes nothing saves nothing (no new version)."""
    before = admin_view(session, article)
    _write(session, article, data)
    if not _changed_fields(before, admin_view(session, article)):
        session.rollback()
        return before
    view = _after_change(session, article, ArticleAction.update, key, before)
    session.commit()
    return view


def _changed_fields(before: ArticleAdmin | None, after: ArticleAdmin) -> list[str]:
    tracked = (*CONTENT_FIELDS, "status", "published_at")
    if before is None:
        return list(tracked)
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [name for name in tracked if old[name] != new[name]]


def add_revision(
    session: Session, article: Article, action: str, key: ApiKey, view: ArticleAdmin, changed: list[str]
) -> ArticleRevision:
    last = session.exec(
        select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)
    ).one()
    revision = ArticleRevision(
        article_id=view.id,
        number=(last or 0) + 1,
        key_id=key.id,
        key_name=key.name,
        action=action,
        changed=changed,
        snapshot=view.model_dump(mode="json"),
    )
    session.add(revision)
    session.flush()
    return revision


def _transition(
    session: Session,
    article: Article,
    action: ArticleAction,
    key: ApiKey,
    *,
    status: ArticleStatus,
    published_at: datetime | None,
) -> ArticleAdmin:
    before = admin_view(session, article)
    article.status = status
    article.published_at = published_at
    article.updated_at = utcnow()
    session.add(article)
    view = _after_change(session, article, action, key, before)
    session.commit()
    return view


def _write(session: Session, article: Article | None, data: ArticleCreate) -> Article:
    """Stage `data` as the article's content, taxonomy and body (a new draft when `article` is None)."""
    article_id = article.id if article is not None else None
    _check_slug_free(session, data.slug, article_id)
    category = category_by_slug(session, data.category)
    if category is None:
        raise UnprocessableContent(f"No category has the slug {data.category!r}.")
    tag_ids = _ids_for(session, Tag, data.tags, "tag")
    author_ids = _ids_for(session, Author, data.authors, "author")
    blocks = _block_rows(session, article_id, data.blocks)
    word_count, minutes = reading_stats(_texts(blocks))
    now = utcnow()
    fields: dict[str, Any] = {
        **data.model_dump(include=set(ArticleBase.model_fields)),
        "hero_image": data.hero_image.model_dump() if data.hero_image else None,
        "category_id": category.id,
        "word_count": word_count,
        "reading_time_minutes": minutes,
        "updated_at": now,
    }
    if article is None:
        article = Article.model_validate(fields, update={"status": ArticleStatus.draft, "created_at": now})
        session.add(article)
        session.flush()
    else:
        if article.slug != data.slug:
            _move_slug(session, article, data.slug)
        for name, value in fields.items():
            setattr(article, name, value)
        session.add(article)
        for link in (ArticleTag, ArticleAuthor, ArticleBlock):
            session.exec(delete(link).where(col(link.article_id) == article.id))
    assert article.id is not None
    session.add_all(ArticleTag(article_id=article.id, tag_id=t, position=i) for i, t in enumerate(tag_ids))
    session.add_all(
        ArticleAuthor(article_id=article.id, author_id=a, position=i) for i, a in enumerate(author_ids)
    )
    for block in blocks:
        block.article_id = article.id
    session.add_all(blocks)
    session.flush()
    return article


def _check_slug_free(session: Session, slug: str, article_id: int | None) -> None:
    holder = session.exec(select(Article.id).where(Article.slug == slug)).first()
    if holder is not None and holder != article_id:
        raise Conflict(f"The slug {slug!r} is already article {holder}'s.")
    redirect = session.get(ArticleSlugRedirect, slug)
    if redirect is not None and redirect.article_id != article_id:
        raise Conflict(f"The slug {slug!r} was article {redirect.article_id}'s and still redirects to it.")


def _move_slug(session: Session, article: Article, new_slug: str) -> None:
    """Keep the old slug as a redirect; taking back an old slug of its own makes it current again."""
    reused = session.get(ArticleSlugRedirect, new_slug)
    if reused is not None:
        session.delete(reused)
    assert article.id is not None
    session.add(ArticleSlugRedirect(old_slug=article.slug, article_id=article.id))


def _ids_for(session: Session, model: type[Tag] | type[Author], slugs: list[str], kind: str) -> list[int]:
    """Ids for `slugs` in their order; an unknown or repeated slug is a 422."""
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        raise UnprocessableContent(f"Each {kind} may be listed once; repeated: {', '.join(repeated)}.")
    found = tags_by_slug(session, slugs) if model is Tag else authors_by_slug(session, slugs)
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise UnprocessableContent(f"No {kind} has the slug(s): {', '.join(unknown)}.")
    return [cast(int, found[s].id) for s in slugs]


def _block_rows(session: Session, article_id: int | None, blocks: list[Any]) -> list[ArticleBlock]:
    """Rows for the body: HTML sanitized; tables and timelines must be this article's own (else a 422).

    The one place the articles domain reads the tables and timelines domains' rows (their models only)."""
    table_ids = {
        b.table_id for b in blocks if isinstance(b, TableBlockInput | TimelineBlockInput) and b.table_id
    }
    timeline_ids = {b.timeline_id for b in blocks if isinstance(b, TimelineBlockInput)}
    own_tables: set[int | None] = set()
    own_timelines: set[int | None] = set()
    if article_id is not None and table_ids:
        own_tables = set(
            session.exec(
                select(ContentTable.id).where(
                    col(ContentTable.id).in_(table_ids), ContentTable.article_id == article_id
                )
            )
        )
    if article_id is not None and timeline_ids:
        own_timelines = set(
            session.exec(
                select(Timeline.id).where(
                    col(Timeline.id).in_(timeline_ids), Timeline.article_id == article_id
                )
            )
        )
    rows = []
    for position, block in enumerate(blocks):
        row = ArticleBlock(article_id=0, position=position, type=block.type, data={})
        if isinstance(block, TableBlockInput | TimelineBlockInput):
            if isinstance(block, TimelineBlockInput):
                if block.timeline_id not in own_timelines:
                    raise UnprocessableContent(
                        f"blocks[{position}]: timeline {block.timeline_id} is not one of this article's "
                        "timelines."
                    )
                row.timeline_id = block.timeline_id
            if block.table_id is not None and block.table_id not in own_tables:
                raise UnprocessableContent(
                    f"blocks[{position}]: table {block.table_id} is not one of this article's tables."
                )
            row.table_id = block.table_id
        else:
            if isinstance(block, ParagraphBlockInput):
                block = block.model_copy(update={"html": sanitize_html(block.html)})
            row.data = block.model_dump(mode="json", exclude={"type"})
        rows.append(row)
    return rows


def _texts(blocks: list[ArticleBlock]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        texts += [block.data.get("text", ""), block.data.get("html", ""), *block.data.get("items", [])]
    return texts
