"""Management writes: trending pins and blocks, curated lists and their entries, each audited."""

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, SQLModel, col, select

from app.articles.models import Article
from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.db import utcnow
from app.errors import Conflict, NotFound, UnprocessableContent
from app.pagination import keyset_page
from app.taxonomy.models import Category
from app.trending.models import (
    BlockAdmin,
    BlockCreate,
    CuratedList,
    CuratedListAdmin,
    CuratedListCreate,
    CuratedListEntry,
    EntryAdmin,
    EntryCreate,
    ListKind,
    PinAdmin,
    PinCreate,
    TrendingBlock,
    TrendingPin,
)

PIN, BLOCK, LIST, ENTRY = "trending-pin", "trending-block", "curated-list", "list-entry"
KINDS: dict[type[SQLModel], str] = {
    TrendingPin: PIN,
    TrendingBlock: BLOCK,
    CuratedList: LIST,
    CuratedListEntry: ENTRY,
}
Row = TypeVar("Row", TrendingPin, TrendingBlock, CuratedList, CuratedListEntry)
Placed = TypeVar("Placed", TrendingPin, CuratedListEntry)


def list_rows(
    session: Session, model: type[Row], cursor: str | None, limit: int
) -> tuple[list[Row], str | None]:
    """Every row of a kind in id order."""
    return keyset_page(
        session,
        select(model),
        order=[(col(model.id), False)],
        kind=f"admin-{KINDS[model]}",
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.id,),
    )


def get_row(session: Session, model: type[Row], row_id: int) -> Row:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"No {KINDS[model]} has the id {row_id}.")
    return row


def _category_slugs(session: Session, ids: Collection[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Category.id, Category.slug).where(col(Category.id).in_(wanted)))
    return {category_id: slug for category_id, slug in rows if category_id is not None}


def pins_admin(session: Session, pins: list[TrendingPin]) -> list[PinAdmin]:
    slugs = _category_slugs(session, [p.category_id for p in pins])
    return [PinAdmin(**p.model_dump(), category=slugs.get(p.category_id or 0)) for p in pins]


def blocks_admin(blocks: list[TrendingBlock]) -> list[BlockAdmin]:
    return [BlockAdmin.model_validate(b, from_attributes=True) for b in blocks]


def lists_admin(session: Session, lists: list[CuratedList]) -> list[CuratedListAdmin]:
    """Lists with their entries in position order, in two queries."""
    slugs = _category_slugs(session, [cl.category_id for cl in lists])
    entries: dict[int, list[EntryAdmin]] = defaultdict(list)
    rows = session.exec(
        select(CuratedListEntry)
        .where(col(CuratedListEntry.list_id).in_([cl.id for cl in lists]))
        .order_by(col(CuratedListEntry.position), col(CuratedListEntry.id))
    )
    for entry in rows:
        entries[entry.list_id].append(EntryAdmin.model_validate(entry, from_attributes=True))
    return [
        CuratedListAdmin(
            **cl.model_dump(), category=slugs.get(cl.category_id or 0), entries=entries.get(cl.id or 0, [])
        )
        for cl in lists
    ]


def entries_admin(entries: list[CuratedListEntry]) -> list[EntryAdmin]:
    return [EntryAdmin.model_validate(e, from_attributes=True) for e in entries]


def _article_id(session: Session, article_id: int) -> int:
    if session.get(Article, article_id) is None:
        raise UnprocessableContent(f"No article has the id {article_id}.")
    return article_id


def _category_id(session: Session, slug: str | None) -> int | None:
    if slug is None:
        return None
    found = session.exec(select(Category.id).where(Category.slug == slug)).first()
    if found is None:
        raise UnprocessableContent(f"No category has the slug {slug!r}.")
    return found


def _not_expired(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= utcnow():
        raise UnprocessableContent("expires_at is already past.")


def _ensure_free(session: Session, row: Placed, scope: ColumnElement[bool]) -> None:
    """One live placement per position and per article in a scope, else 409 (expired ones do not count)."""
    model = type(row)
    taken = session.exec(
        select(model.id, model.position, model.article_id).where(
            scope,
            or_(col(model.position) == row.position, col(model.article_id) == row.article_id),
            or_(col(model.expires_at).is_(None), col(model.expires_at) > utcnow()),
            col(model.id) != (row.id or 0),
        )
    ).first()
    if taken is None:
        return
    if taken[1] == row.position:
        raise Conflict(
            f"Position {row.position} is taken by {KINDS[model]} {taken[0]}; move or delete it first."
        )
    raise Conflict(f"Article {row.article_id} is already placed here by {KINDS[model]} {taken[0]}.")


def _pin_scope(pin: TrendingPin) -> ColumnElement[bool]:
    if pin.category_id is None:
        return col(TrendingPin.category_id).is_(None)
    return col(TrendingPin.category_id) == pin.category_id


def _entry_scope(entry: CuratedListEntry) -> ColumnElement[bool]:
    return col(CuratedListEntry.list_id) == entry.list_id


def _saved(session: Session, key: ApiKey, row: Row, action: str, detail: dict[str, Any]) -> Row:
    session.add(row)
    session.flush()
    kind = KINDS[type(row)]
    auth_service.record(session, key, f"{kind}.{action}", kind, row.id, detail)
    session.commit()
    session.refresh(row)
    return row


def create_pin(session: Session, key: ApiKey, data: PinCreate) -> TrendingPin:
    _not_expired(data.expires_at)
    pin = TrendingPin(
        article_id=_article_id(session, data.article_id),
        category_id=_category_id(session, data.category),
        position=data.position,
        expires_at=data.expires_at,
    )
    _ensure_free(session, pin, _pin_scope(pin))
    return _saved(session, key, pin, "create", {"article_id": pin.article_id, "position": pin.position})


def create_entry(session: Session, key: ApiKey, curated: CuratedList, data: EntryCreate) -> CuratedListEntry:
    _not_expired(data.expires_at)
    assert curated.id is not None
    entry = CuratedListEntry(
        list_id=curated.id,
        article_id=_article_id(session, data.article_id),
        position=data.position,
        expires_at=data.expires_at,
    )
    _ensure_free(session, entry, _entry_scope(entry))
    detail = {"list": curated.slug, "article_id": entry.article_id, "position": entry.position}
    return _saved(session, key, entry, "create", detail)


def update_placement(session: Session, key: ApiKey, row: Placed, changes: dict[str, Any]) -> Placed:
    """Move a pin or list entry, or change its expiry."""
    if changes.get("expires_at") is not None:
        _not_expired(changes["expires_at"])
    changed = sorted(name for name, value in changes.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, changes[name])
    scope = _pin_scope(row) if isinstance(row, TrendingPin) else _entry_scope(row)
    _ensure_free(session, row, scope)
    return _saved(session, key, row, "update", {"changed": changed})


def create_block(session: Session, key: ApiKey, data: BlockCreate) -> TrendingBlock:
    article_id = _article_id(session, data.article_id)
    existing = session.exec(select(TrendingBlock.id).where(TrendingBlock.article_id == article_id)).first()
    if existing is not None:
        raise Conflict(f"Article {article_id} is already blocked by {BLOCK} {existing}.")
    block = TrendingBlock(article_id=article_id, reason=data.reason)
    return _saved(session, key, block, "create", {"article_id": article_id})


def _list_values(session: Session, values: dict[str, Any], current: CuratedList | None) -> dict[str, Any]:
    """Checked column values from a create or update body (`category` becomes `category_id`)."""
    if "category" in values:
        values["category_id"] = _category_id(session, values.pop("category"))
    kind = values.get("kind", current.kind if current else ListKind.trending)
    category_id = values.get("category_id", current.category_id if current else None)
    if kind == ListKind.manual and category_id is not None:
        raise UnprocessableContent("Only a trending list has a category; a manual list shows its entries.")
    slug = values.get("slug")
    if slug is not None and (current is None or slug != current.slug):
        taken = session.exec(select(CuratedList.id).where(CuratedList.slug == slug)).first()
        if taken is not None:
            raise Conflict(f"Another curated list already has the slug {slug!r}.")
    return values


def create_list(session: Session, key: ApiKey, data: CuratedListCreate) -> CuratedList:
    values = _list_values(session, data.model_dump(), None)
    curated = CuratedList.model_validate(values)
    return _saved(session, key, curated, "create", {"slug": curated.slug})


def update_list(session: Session, key: ApiKey, curated: CuratedList, changes: dict[str, Any]) -> CuratedList:
    values = _list_values(session, dict(changes), curated)
    changed = sorted(name for name, value in values.items() if getattr(curated, name) != value)
    for name in changed:
        setattr(curated, name, values[name])
    if changed:
        curated.updated_at = utcnow()
    return _saved(session, key, curated, "update", {"slug": curated.slug, "changed": changed})


def delete_row(session: Session, key: ApiKey, row: Row) -> None:
    """Delete a pin, block, list (with its entries) or list entry."""
    kind, row_id = KINDS[type(row)], row.id
    detail: dict[str, object] = (
        {"slug": row.slug} if isinstance(row, CuratedList) else {"article_id": row.article_id}
    )
    session.delete(row)
    session.flush()
    auth_service.record(session, key, f"{kind}.delete", kind, row_id, detail)
    session.commit()
