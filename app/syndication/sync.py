"""The change log behind `/v1/sync` and the webhook outbox, both written in the transaction of the change.

Capture: every ORM flush notes the articles its rows belong to (the article, its blocks, tags, authors,
corrections, tables, timelines); just before the transaction commits, `record_changes` compares each noted
article with what partners were last told (`SyncState`) and appends the differences to the log
(`SyncChange`) and to the outbox (`WebhookEvent`, plus a `WebhookDelivery` per interested subscription). It
follows `app.purge` and `app.search.index`: no write path can forget it, a rolled-back write leaves nothing
behind, and the articles domain never imports syndication.

Transitions of public visibility (published or scheduled, with a publish time that has passed):
not public -> public: `created`; public -> public with a different public rendering: `updated`;
public -> not public: `unpublished`; gone: `deleted` (the tombstone). A scheduled article going live writes
no row, so the worker calls `announce_due` for states whose `due_at` has passed.

Commit order: on PostgreSQL two transactions may draw sequence values 10 and 11 and commit 11 first; a
reader in between sees 11, moves its cursor past 10 and never sees it. So every writer of the log takes one
transaction-level advisory lock before it reads the states and draws sequence values, and holds it until it
commits: writers of the log commit one at a time, in sequence order, and no reader can see a value whose
predecessors are still to come. The lock is taken at the very end of a transaction (`before_commit`), after
the articles were rendered, so it serializes only a few short statements and the commit (about 5 ms per
article edit measured on PostgreSQL); the rest of every write, and every read, runs concurrently. SQLite
serializes writers anyway."""

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    delete,
    exists,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from app.articles import changes
from app.articles import service as articles_service
from app.articles.body import ArticleDetail, article_detail
from app.articles.models import (
    PUBLIC_STATES,
    Article,
    ArticleSummary,
    ArticleTag,
)
from app.auth import service as auth_service
from app.db import utcnow
from app.errors import BadRequest
from app.purge import PENDING as PURGE_PENDING
from app.purge import Change, keys_for
from app.syndication.models import (
    EVENT_FOR_CHANGE,
    ChangeKind,
    DeliveryStatus,
    SyncChange,
    SyncChangeScope,
    SyncItem,
    SyncMeta,
    SyncPage,
    SyncState,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.taxonomy.models import Category, Tag
from app.timelines.models import Timeline

LOG_LOCK = 7_236_832_903_185_925_993  # the pg_advisory_xact_lock key of the log's writers
ANNOUNCE_BATCH = 500

_states: Table = SyncState.__table__  # type: ignore[attr-defined]
_changes: Table = SyncChange.__table__  # type: ignore[attr-defined]
_scopes: Table = SyncChangeScope.__table__  # type: ignore[attr-defined]
_events: Table = WebhookEvent.__table__  # type: ignore[attr-defined]
_deliveries: Table = WebhookDelivery.__table__  # type: ignore[attr-defined]
_subscriptions: Table = WebhookSubscription.__table__  # type: ignore[attr-defined]
_articles: Table = Article.__table__  # type: ignore[attr-defined]
_timelines: Table = Timeline.__table__  # type: ignore[attr-defined]

State = dict[str, Any]


# --- writing the log -------------------------------------------------------------------------------------


def _serialize(connection: Connection) -> None:
    """Become the only writer of the log until this transaction ends (see the module docstring)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(LOG_LOCK)))
    else:  # a statement that writes nothing still takes SQLite's write lock, before anything is read
        connection.execute(delete(_states).where(false()))


def is_public(article: Article, now: datetime) -> bool:
    """`articles.service.public_condition`, for a loaded row."""
    return (
        article.status in PUBLIC_STATES and article.published_at is not None and article.published_at <= now
    )


@dataclass(frozen=True)
class _View:
    """What partners would be shown of an article now (None where it is not public)."""

    version: int
    public: bool
    due_at: datetime | None
    category_id: int
    tag_ids: list[int]
    fingerprint: str | None
    summary: dict[str, Any] | None


def _views(session: Session, ids: list[int], now: datetime, *, fresh: bool = False) -> dict[int, _View]:
    """The public face of the articles that exist among `ids`: the slow part, kept out of the lock."""
    statement = select_rows(Article).where(col(Article.id).in_(ids))
    if fresh:  # read again what the session may hold from before the lock
        statement = statement.execution_options(populate_existing=True)
    articles = list(session.exec(statement))
    tags = articles_service.tags_by_article(session, [cast(int, a.id) for a in articles])
    public = [a for a in articles if is_public(a, now)]
    summaries = {s.id: s.model_dump(mode="json") for s in articles_service.summaries(session, public)}
    views = {}
    for article in articles:
        article_id = cast(int, article.id)
        shown = article_id in summaries
        views[article_id] = _View(
            version=article.version,
            public=shown,
            due_at=article.published_at if article.status in PUBLIC_STATES and not shown else None,
            category_id=article.category_id,
            tag_ids=sorted(cast(int, t.id) for t in tags.get(article_id, [])),
            fingerprint=_fingerprint(article_detail(session, article)) if shown else None,
            summary=summaries.get(article_id),
        )
    return views


def record_changes(
    session: Session, article_ids: Iterable[int], now: datetime | None = None
) -> list[tuple[int, ChangeKind]]:
    """Log what changed for partners about these articles since they were last announced; idempotent.

    Runs in the caller's transaction; returns the (article id, kind) pairs it logged. The articles are
    rendered before the log's lock is taken, and again under it only if their row changed meanwhile (its
    version moved), so the lock is held for a few short statements."""
    ids = sorted(set(article_ids))
    if not ids:
        return []
    now = now or utcnow()
    views = _views(session, ids, now)
    connection = session.connection()
    _serialize(connection)
    versions = dict(
        connection.execute(select(_articles.c.id, _articles.c.version).where(_articles.c.id.in_(ids))).all()
    )
    stale = [i for i in ids if versions.get(i) != (views[i].version if i in views else None)]
    if stale:
        views = {i: v for i, v in views.items() if i in versions} | _views(session, stale, now, fresh=True)
    states: dict[int, State] = {
        row.article_id: dict(row._mapping)
        for row in connection.execute(select(_states).where(_states.c.article_id.in_(ids)))
    }
    subscriptions: list[Any] | None = None
    logged: list[tuple[int, ChangeKind]] = []
    for article_id in ids:
        state, view = states.get(article_id), views.get(article_id)
        kind, new_state = _transition(state, view, now)
        _store_state(connection, article_id, state, new_state)
        if kind is None:
            continue
        seq = connection.execute(
            insert(_changes)
            .values(article_id=article_id, kind=kind.value, changed_at=now)
            .returning(_changes.c.seq)
        ).scalar_one()
        scope = _scope(state) | _scope(new_state)
        if scope:
            connection.execute(
                insert(_scopes), [{"seq": seq, "kind": k, "ref_id": r} for k, r in sorted(scope)]
            )
        if subscriptions is None:
            subscriptions = list(
                connection.execute(
                    select(_subscriptions.c.id, _subscriptions.c.event_types).where(
                        _subscriptions.c.active.is_(True)
                    )
                )
            )
        summary = view.summary if view is not None and kind != ChangeKind.unpublished else None
        _add_event(connection, kind, seq, article_id, summary, now, subscriptions)
        logged.append((article_id, kind))
    return logged


def _transition(
    state: State | None, view: _View | None, now: datetime
) -> tuple[ChangeKind | None, State | None]:
    """The change to announce (if any) and the state to keep (None: forget the article)."""
    if view is None:
        if state is None:  # never seen by the log (a bulk insert): say it is gone, to be safe
            return ChangeKind.deleted, None
        return (ChangeKind.deleted if state["announced"] or _was_due(state, now) else None), None
    new_state: State = {
        "public": view.public,
        "announced": view.public or bool(state and state["announced"]),
        "due_at": view.due_at,
        "category_id": view.category_id,
        "tag_ids": view.tag_ids,
        "fingerprint": view.fingerprint,
    }
    was_public = state is not None and state["public"]
    if view.public and not was_public:
        return ChangeKind.created, new_state
    if view.public and state is not None and state["fingerprint"] != view.fingerprint:
        return ChangeKind.updated, new_state
    if not view.public and (was_public or (state is not None and _was_due(state, now))):
        return ChangeKind.unpublished, new_state
    return None, new_state


def _was_due(state: State, now: datetime) -> bool:
    """Public by its time already, though not announced yet (snapshots show such articles)."""
    return state["due_at"] is not None and state["due_at"] <= now


def _fingerprint(detail: ArticleDetail) -> str:
    return hashlib.sha256(detail.model_dump_json().encode()).hexdigest()


def _store_state(connection: Connection, article_id: int, old: State | None, new: State | None) -> None:
    if new is None:
        if old is not None:
            connection.execute(delete(_states).where(_states.c.article_id == article_id))
    elif old is None:
        connection.execute(insert(_states).values(article_id=article_id, **new))
    elif any(old[name] != value for name, value in new.items()):
        connection.execute(update(_states).where(_states.c.article_id == article_id).values(**new))


def _scope(state: State | None) -> set[tuple[str, int]]:
    if state is None:
        return set()
    scope = {("tag", tag_id) for tag_id in state["tag_ids"]}
    if state["category_id"] is not None:
        scope.add(("category", state["category_id"]))
    return scope


def _add_event(
    connection: Connection,
    kind: ChangeKind,
    seq: int,
    article_id: int,
    summary: dict[str, Any] | None,
    now: datetime,
    subscriptions: list[Any],
) -> None:
    """The change's webhook event in the outbox, with a pending delivery to each subscription wanting it
    (none wanting it: no event)."""
    event_type = EVENT_FOR_CHANGE[kind]
    wanted = [s.id for s in subscriptions if event_type.value in (s.event_types or [])]
    if not wanted:
        return
    event_id = str(uuid.uuid4())
    payload = {
        "id": event_id,
        "type": event_type.value,
        "created_at": now.isoformat().replace("+00:00", "Z"),
        "data": {"seq": seq, "article_id": article_id, "article": summary},
    }
    connection.execute(
        insert(_events).values(
            id=event_id,
            type=event_type.value,
            article_id=article_id,
            seq=seq,
            payload=payload,
            created_at=now,
        )
    )
    connection.execute(
        insert(_deliveries),
        [
            {
                "event_id": event_id,
                "subscription_id": subscription_id,
                "status": DeliveryStatus.pending.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for subscription_id in wanted
        ],
    )


def announce_due(session: Session, now: datetime | None = None, *, sweep: bool = False) -> int:
    """Announce scheduled articles whose time has come (exactly once, whoever else runs this) and commit.

    With `sweep`, also public articles the log has never seen (rows bulk-inserted without the ORM).
    Purges what a newly visible article changes. Returns how many articles it looked at."""
    now = now or utcnow()
    if session.get_bind().dialect.name == "sqlite":
        # the write lock before the first read: a SQLite transaction that has read cannot start writing once
        # another has written since (SQLITE_BUSY_SNAPSHOT at once, no busy wait), as workers polling at once
        # do; PostgreSQL reads committed rows per statement and takes its lock later, for less time
        _serialize(session.connection())
    ids = list(
        session.execute(
            select(_states.c.article_id)
            .where(_states.c.due_at <= now)
            .order_by(_states.c.due_at)
            .limit(ANNOUNCE_BATCH)
        ).scalars()
    )
    if sweep:
        ids += session.execute(
            select(_articles.c.id)
            .where(
                articles_service.public_condition(now, table=_articles.c),
                ~exists().where(_states.c.article_id == _articles.c.id),
            )
            .order_by(_articles.c.id)
            .limit(ANNOUNCE_BATCH)
        ).scalars()
    if not ids:
        return 0
    logged = record_changes(session, ids, now)
    went_live = [article_id for article_id, kind in logged if kind == ChangeKind.created]
    if went_live:
        rows = session.exec(select_rows(Article).where(col(Article.id).in_(went_live)))
        session.info.setdefault(PURGE_PENDING, set()).update(keys_for((row, Change.updated) for row in rows))
    session.commit()
    return len(ids)


def baseline(connection: Connection, now: datetime | None = None) -> int:
    """Record every article the log has never seen as already announced, without log entries or events.

    For bulk loads that bypass the ORM (benchmarks, imports): their articles reach partners through the
    snapshot of `/v1/sync` rather than as a burst of `created` entries and webhooks. Returns the count."""
    now = now or utcnow()
    rows = connection.execute(
        select(_articles.c.id, _articles.c.status, _articles.c.published_at, _articles.c.category_id).where(
            ~exists().where(_states.c.article_id == _articles.c.id)
        )
    ).all()
    if not rows:
        return 0
    tags: dict[int, list[int]] = {}
    for article_id, tag_id in connection.execute(
        select(ArticleTag.__table__.c.article_id, ArticleTag.__table__.c.tag_id)  # type: ignore[attr-defined]
    ):
        tags.setdefault(article_id, []).append(tag_id)
    states = []
    for row in rows:
        scheduled = row.status in PUBLIC_STATES and row.published_at is not None
        public = scheduled and row.published_at <= now
        states.append(
            {
                "article_id": row.id,
                "public": public,
                "announced": public,
                "due_at": row.published_at if scheduled and not public else None,
                "category_id": row.category_id,
                "tag_ids": sorted(tags.get(row.id, [])),
                "fingerprint": None,  # unknown: the next change of the article is announced as an update
            }
        )
    for start in range(0, len(states), ANNOUNCE_BATCH):
        connection.execute(insert(_states), states[start : start + ANNOUNCE_BATCH])
    return len(states)


# --- following the ORM's writes --------------------------------------------------------------------------


def _record_touched(session: OrmSession, articles: set[int]) -> None:
    """Log what partners must hear of the articles a transaction touched, in that transaction."""
    record_changes(cast(Session, session), articles)


changes.follow_articles(_record_touched)


# --- reading the log: GET /v1/sync -----------------------------------------------------------------------

SNAPSHOT, LOG = "s", "l"
_CURSOR_CONTEXT = b"broadsheet-sync-cursor."
_MAX_SEQ = 2**63 - 1


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(secret: bytes, position: dict[str, Any]) -> str:
    payload = _b64(json.dumps(position, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(secret, _CURSOR_CONTEXT + payload.encode(), hashlib.sha256).digest()[:16]
    return f"{payload}.{_b64(mac)}"


def decode_cursor(secret: bytes, cursor: str, filters: list[str | None]) -> dict[str, Any]:
    """The position a cursor of ours names, or a 400 (altered, from elsewhere, or for other filters)."""
    invalid = "The cursor is not valid; start again without a cursor."
    payload, _, mac = cursor.partition(".")
    try:
        expected = hmac.new(secret, _CURSOR_CONTEXT + payload.encode(), hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(_unb64(mac), expected):
            raise ValueError("signature")
        position = json.loads(_unb64(payload))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise BadRequest(invalid) from exc
    if (
        not isinstance(position, dict)
        or position.get("p") not in (SNAPSHOT, LOG)
        or not all(_is_seq(position.get(name)) for name in ("h", "a", "s"))
    ):
        raise BadRequest(invalid)
    if position.get("f") != filters:
        raise BadRequest("The cursor was made for other `category` or `tag` filters; use the same ones.")
    return position


def _is_seq(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_SEQ


def _filter_id(session: Session, model: type[Category] | type[Tag], slug: str | None) -> int | None:
    """The id of the filter's category or tag; -1 (matching nothing) for an unknown slug."""
    if slug is None:
        return None
    found = session.exec(select_rows(model.id).where(model.slug == slug)).first()
    return -1 if found is None else found


def _matching(category_id: int | None, tag_id: int | None) -> list[ColumnElement[bool]]:
    """Conditions for articles currently in the filter's category and tag."""
    conditions: list[ColumnElement[bool]] = []
    if category_id is not None:
        conditions.append(col(Article.category_id) == category_id)
    if tag_id is not None:
        conditions.append(
            exists().where(col(ArticleTag.article_id) == Article.id, col(ArticleTag.tag_id) == tag_id)
        )
    return conditions


def _rendered(
    session: Session, articles: Sequence[Article], full: bool
) -> dict[int, ArticleDetail | ArticleSummary]:
    if full:
        return {cast(int, a.id): article_detail(session, a) for a in articles}
    return {s.id: s for s in articles_service.summaries(session, list(articles))}


def sync_page(
    session: Session,
    *,
    cursor: str | None,
    limit: int,
    category: str | None,
    tag: str | None,
    full: bool,
) -> SyncPage:
    """One page of the feed: the snapshot of the public set first (no cursor), then the log after it."""
    secret = auth_service.signing_secret(session)  # first: on first use it commits a row of its own
    filters = [category, tag]
    category_id = _filter_id(session, Category, category)
    tag_id = _filter_id(session, Tag, tag)
    if cursor is None:
        # the high-water mark first: every change after it is in the log, whatever the snapshot then sees
        high = session.execute(select(func.coalesce(func.max(_changes.c.seq), 0))).scalar_one()
        position: dict[str, Any] = {"p": SNAPSHOT, "h": high, "a": 0, "s": high, "f": filters}
    else:
        position = decode_cursor(secret, cursor, filters)
    if position["p"] == SNAPSHOT:
        items, position, has_more = _snapshot_page(session, position, limit, category_id, tag_id, full)
    else:
        items, position, has_more = _log_page(session, position, limit, category_id, tag_id, full)
    return SyncPage(
        items=items,
        meta=SyncMeta(limit=limit, next_cursor=encode_cursor(secret, position), has_more=has_more),
    )


def _snapshot_page(
    session: Session,
    position: dict[str, Any],
    limit: int,
    category_id: int | None,
    tag_id: int | None,
    full: bool,
) -> tuple[list[SyncItem], dict[str, Any], bool]:
    articles = list(
        session.exec(
            select_rows(Article)
            .where(articles_service.public_condition(), col(Article.id) > position["a"])
            .where(*_matching(category_id, tag_id))
            .order_by(col(Article.id))
            .limit(limit + 1)
        )
    )
    more = len(articles) > limit
    articles = articles[:limit]
    rendered = _rendered(session, articles, full)
    high = position["h"]
    items = [
        SyncItem(
            seq=high,
            kind=ChangeKind.created,
            article_id=cast(int, a.id),
            article=rendered[cast(int, a.id)],
            changed_at=a.updated_at,
        )
        for a in articles
    ]
    if more:
        return items, {**position, "a": articles[-1].id}, True
    after = {"p": LOG, "h": high, "a": 0, "s": high, "f": position["f"]}
    return items, after, _log_rows(session, high, 1, category_id, tag_id) != []


def _log_rows(
    session: Session, after: int, limit: int, category_id: int | None, tag_id: int | None
) -> list[Any]:
    """Log entries after `after`, in order: with filters, those whose scope holds the category and tag."""
    statement = select(_changes.c.seq, _changes.c.article_id, _changes.c.kind, _changes.c.changed_at)
    if category_id is not None or tag_id is not None:
        kind, ref_id = ("category", category_id) if category_id is not None else ("tag", tag_id)
        # the scope index (kind, ref_id, seq) leads, so a rare filter skips the rest of the log
        statement = statement.join(
            _scopes,
            and_(_scopes.c.seq == _changes.c.seq, _scopes.c.kind == kind, _scopes.c.ref_id == ref_id),
        ).where(_scopes.c.seq > after)
        if category_id is not None and tag_id is not None:
            tags = _scopes.alias("tag_scope")
            statement = statement.where(
                exists().where(tags.c.seq == _changes.c.seq, tags.c.kind == "tag", tags.c.ref_id == tag_id)
            )
        statement = statement.order_by(_scopes.c.seq)
    else:
        statement = statement.where(_changes.c.seq > after).order_by(_changes.c.seq)
    return list(session.execute(statement.limit(limit)).all())


def _log_page(
    session: Session,
    position: dict[str, Any],
    limit: int,
    category_id: int | None,
    tag_id: int | None,
    full: bool,
) -> tuple[list[SyncItem], dict[str, Any], bool]:
    rows = _log_rows(session, position["s"], limit + 1, category_id, tag_id)
    more = len(rows) > limit
    rows = rows[:limit]
    live_ids = {r.article_id for r in rows if r.kind in (ChangeKind.created, ChangeKind.updated)}
    live = (
        list(
            session.exec(
                select_rows(Article)
                .where(col(Article.id).in_(live_ids), articles_service.public_condition())
                .where(*_matching(category_id, tag_id))
            )
        )
        if live_ids
        else []
    )
    rendered = _rendered(session, live, full)
    items = [
        SyncItem(
            seq=r.seq,
            kind=ChangeKind(r.kind),
            article_id=r.article_id,
            article=rendered.get(r.article_id)
            if r.kind in (ChangeKind.created, ChangeKind.updated)
            else None,
            changed_at=r.changed_at,
        )
        for r in rows
    ]
    if rows:
        position = {**position, "s": rows[-1].seq}
    return items, position, more
