"""The articles each transaction touched, for the domains that follow every article write (search, sync).

Domains whose rows belong to an article say how to find it: directly (`belongs_to_article`), or through a
parent resolved with one query at commit (`belongs_through`, e.g. a timeline event through its timeline).
Followers (`follow_articles`) are called just before commit, inside the transaction, with the ids of all
touched articles. Rows are noted at every flush, so no write path can forget to tell a follower."""

from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction

PENDING = "touched_articles"
Follower = Callable[[OrmSession, set[int]], None]
Resolver = Callable[[Connection, set[int]], Iterable[int]]

_direct: dict[type, Callable[[Any], int | None]] = {}
_through: dict[type, tuple[str, Callable[[Any], int | None]]] = {}
_resolvers: dict[str, Resolver] = {}
_followers: list[Follower] = []


def belongs_to_article(model: type, article_id: Callable[[Any], int | None]) -> None:
    _direct[model] = article_id


def belongs_through(
    model: type, parent: str, parent_id: Callable[[Any], int | None], resolve: Resolver
) -> None:
    """Rows of `model` belong to the articles of their `parent`, found by `resolve(connection, ids)`."""
    _through[model] = (parent, parent_id)
    _resolvers[parent] = resolve


def follow_articles(follower: Follower) -> None:
    _followers.append(follower)


def _noted(session: OrmSession, flush_context: UOWTransaction) -> None:
    pending: dict[str, set[int]] = session.info.setdefault(PENDING, {})
    for row in chain(session.new, session.dirty, session.deleted):
        direct = _direct.get(type(row))
        if direct is not None:
            article_id = direct(row)
            if article_id is not None:
                pending.setdefault("", set()).add(article_id)
            continue
        through = _through.get(type(row))
        if through is not None:
            parent, parent_id = through
            value = parent_id(row)
            if value is not None:
                pending.setdefault(parent, set()).add(value)


def _before_commit(session: OrmSession) -> None:
    if not _followers:
        return
    session.flush()  # a commit flushes after this hook: flush first, so every change is noted
    pending: dict[str, set[int]] = session.info.pop(PENDING, {})
    articles = set(pending.pop("", set()))
    if pending:
        connection = session.connection()
        for parent, ids in pending.items():
            articles |= set(_resolvers[parent](connection, ids))
    if articles:
        for follower in _followers:
            follower(session, articles)


def _forget(session: OrmSession) -> None:
    session.info.pop(PENDING, None)


event.listen(OrmSession, "after_flush", _noted)
event.listen(OrmSession, "before_commit", _before_commit)
event.listen(OrmSession, "after_rollback", _forget)
