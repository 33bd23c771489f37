"""Queries for categories, tags and authors."""

from sqlmodel import Session, col, select

from app.errors import NotFound
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
