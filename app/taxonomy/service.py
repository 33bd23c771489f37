"""Queries and writes for categories, tags and authors."""

from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.pagination import Order, keyset_page
from app.taxonomy.models import Author, Category, Tag

_CATEGORY_ORDER: Order = [(col(Category.position), False), (col(Category.id), False)]
_TAG_ORDER: Order = [(col(Tag.slug), False)]
_AUTHOR_ORDER: Order = [(col(Author.slug), False)]


def list_categories(session: Session, cursor: str | None, limit: int) -> tuple[list[Category], str | None]:
    """Categories in home-page order."""
    return keyset_page(
        session,
        select(Category),
        order=_CATEGORY_ORDER,
        kind="categories",
        cursor=cursor,
        limit=limit,
        key=lambda c: (c.position, c.id),
    )


def list_tags(session: Session, cursor: str | None, limit: int) -> tuple[list[Tag], str | None]:
    """Tags in slug order."""
    return keyset_page(
        session,
        select(Tag),
        order=_TAG_ORDER,
        kind="tags",
        cursor=cursor,
        limit=limit,
        key=lambda t: (t.slug,),
    )


def list_authors(session: Session, cursor: str | None, limit: int) -> tuple[list[Author], str | None]:
    """Authors in slug order."""
    return keyset_page(
        session,
        select(Author),
        order=_AUTHOR_ORDER,
        kind="authors",
        cursor=cursor,
        limit=limit,
        key=lambda a: (a.slug,),
    )


def get_category(session: Session, slug: str) -> Category:
    category = session.exec(select(Category).where(Category.slug == slug)).first()
    if category is None:
        raise NotFound(f"No category has the slug {slug!r}.")
    return category


def get_tag(session: Session, slug: str) -> Tag:
    tag = session.exec(select(Tag).where(Tag.slug == slug)).first()
    if tag is None:
        raise NotFound(f"No tag has the slug {slug!r}.")
    return tag


def get_author(session: Session, slug: str) -> Author:
    author = session.exec(select(Author).where(Author.slug == slug)).first()
    if author is None:
        raise NotFound(f"No author has the slug {slug!r}.")
    return author


# management: the three kinds share one shape (a slugged row), so their writes share these functions

Taxon = TypeVar("Taxon", Category, Tag, Author)

KINDS: dict[type[SQLModel], str] = {Category: "category", Tag: "tag", Author: "author"}


def _kind(model: type[SQLModel]) -> str:
    return KINDS[model]


def list_by_id(
    session: Session, model: type[Taxon], cursor: str | None, limit: int
) -> tuple[list[Taxon], str | None]:
    """Every row of a kind in id order, for management."""
    id_column = col(model.id)
    return keyset_page(
        session,
        select(model),
        order=[(id_column, False)],
        kind=f"admin-{_kind(model)}",
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.id,),
    )


def get_by_id(session: Session, model: type[Taxon], row_id: int) -> Taxon:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"No {_kind(model)} has the id {row_id}.")
    return row


def _ensure_slug_free(session: Session, model: type[Taxon], slug: str) -> None:
    if session.exec(select(model.id).where(model.slug == slug)).first() is not None:
        raise Conflict(f"Another {_kind(model)} already has the slug {slug!r}.")


def create(session: Session, key: ApiKey, model: type[Taxon], data: SQLModel) -> Taxon:
    """Store a new category, tag or author; 409 when its slug is taken."""
    kind = _kind(model)
    values = data.model_dump()
    _ensure_slug_free(session, model, values["slug"])
    row = model.model_validate(values)
    session.add(row)
    session.flush()
    auth_service.record(session, key, f"{kind}.create", kind, row.id, {"slug": row.slug})
    session.commit()
    session.refresh(row)
    return row


def update(session: Session, key: ApiKey, row: Taxon, changes: dict[str, Any]) -> Taxon:
    """Apply `changes` to a category, tag or author; 409 when the new slug is taken."""
    kind = _kind(type(row))
    changed = sorted(name for name, value in changes.items() if getattr(row, name) != value)
    if "slug" in changed:
        _ensure_slug_free(session, type(row), changes["slug"])
    for name in changed:
        setattr(row, name, changes[name])
    if changed and isinstance(row, Category):
        row.updated_at = utcnow()
    session.add(row)
    auth_service.record(session, key, f"{kind}.update", kind, row.id, {"slug": row.slug, "changed": changed})
    session.commit()
    session.refresh(row)
    return row


_IN_USE = {
    "category": "it is still the category of some articles; move them elsewhere or delete them first",
    "tag": "it is still on some articles; remove it from them first",
    "author": "it is still in the byline of some articles; remove it from them first",
}


def delete(session: Session, key: ApiKey, row: Taxon) -> None:
    """Delete a category, tag or author; 409 while any article (of any status) still uses it.

    The database refuses to delete a row articles still point to, so there is no gap for a race."""
    kind, row_id, slug = _kind(type(row)), row.id, row.slug
    session.delete(row)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"The {kind} {slug!r} cannot be deleted: {_IN_USE[kind]}.") from exc
    auth_service.record(session, key, f"{kind}.delete", kind, row_id, {"slug": slug})
    session.commit()
