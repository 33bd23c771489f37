"""A deterministic newsroom of any size, for benchmarks: `python -m bench.generate --articles 100000`.

It writes straight into the database named by `DATABASE_URL` (or `--database-url`), SQLite or PostgreSQL,
migrating it first: categories, tags and authors, then articles in batches of Core inserts (no ORM, no
per-row round trips) with their tag and author links, body blocks, theme tables and timelines with events,
then two days of view buckets ending at the current hour (renew them with `--views-only`), and finally the
derived data (the search index) in bulk. The same seed always gives the same content.

Text is drawn from a made-up vocabulary with a Zipf distribution (a few words everywhere, most words rare),
mixed with common English words, each category favouring words of its own: enough like news for full-text
and related-article queries to do realistic work. Other benchmarks may add their own derived data in
`build_derived` or reuse `Newsroom` to make rows."""

import argparse
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text

import app.models as models
from app.cli import migrate
from app.config import Settings
from app.db import make_engine
from app.search import index
from app.syndication import sync
from app.timelines.models import DatePrecision, period_bounds
from app.trending.events import hour_of

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)  # "now" for the generated newsroom: content spreads back from it
YEARS_BACK = 3
CATEGORIES = [
    ("world-politics", "World & Politics"),
    ("fintech-finance", "Fintech & Finance"),
    ("sustainability-living", "Sustainability & Living"),
    ("gaming", "Gaming"),
    ("business-marketing", "Business & Marketing"),
    ("technology-ai", "Technology & AI"),
    ("fitness-wellness", "Fitness & Wellness"),
    ("science", "Science"),
]
_COMMON_TEXT = """
    the of and to a in is that for on with as was at by it from be this have are an or but not has had their
    its which were been more after will who would also than they new two first over into
"""
COMMON = _COMMON_TEXT.split()
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ar", "en")]
STATUS_WEIGHTS = {"published": 95, "draft": 3, "scheduled": 1, "archived": 1}


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


T = {name: _table(getattr(models, name)) for name in models.__all__}


class Words:
    """A vocabulary with Zipf-distributed frequencies, common words mixed in, and a topical bias."""

    def __init__(self, rng: random.Random, size: int = 40_000) -> None:
        made: dict[str, None] = {}
        while len(made) < size:
            made["".join(rng.choices(SYLLABLES, k=rng.choice((2, 2, 3, 3, 3, 4))))] = None
        self.vocabulary = list(made)
        weights = [1 / (rank + 1) ** 1.07 for rank in range(size)]
        self.cumulative = list(itertools.accumulate(weights))
        self.rng = rng

    def topic(self, n: int) -> list[str]:
        """Words a category favours: mid-frequency ones, neither everywhere nor nowhere."""
        return self.rng.sample(self.vocabulary[200:8000], n)

    def draw(self, k: int, topic: list[str] | None = None, common: float = 0.35) -> list[str]:
        words = self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=k)
        for i in range(k):
            roll = self.rng.random()
            if roll < common:
                words[i] = self.rng.choice(COMMON)
            elif topic and roll < common + 0.15:
                words[i] = self.rng.choice(topic)
        return words


def sentence(words: list[str]) -> str:
    return " ".join(words).capitalize() + "."


@dataclass
class Newsroom:
    """Makes the rows of a generated newsroom, batch by batch; ids are assigned here, from 1."""

    seed: int
    rng: random.Random = field(init=False)
    words: Words = field(init=False)
    topics: list[list[str]] = field(init=False)
    tags_by_category: list[list[int]] = field(init=False)
    ids: dict[str, Iterator[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.words = Words(self.rng)
        self.topics = [self.words.topic(400) for _ in CATEGORIES]
        self.ids = {name: itertools.count(1) for name in ("table", "timeline", "event", "span", "block")}

    def taxonomy(self, tags: int = 600, authors: int = 200) -> dict[str, list[dict[str, Any]]]:
        created = ANCHOR - timedelta(days=365 * YEARS_BACK + 30)
        categories = [
            {
                "id": i + 1,
                "slug": slug,
                "name": name,
                "description": None,
                "position": i,
                "created_at": created,
                "updated_at": created,
            }
            for i, (slug, name) in enumerate(CATEGORIES)
        ]
        tag_names = self.words.vocabulary[50 : 50 + tags]
        tag_rows = [
            {"id": i + 1, "slug": f"{name}-{i + 1}", "name": name.capitalize(), "created_at": created}
            for i, name in enumerate(tag_names)
        ]
        # most of a category's tags are its own; a few are shared by all (the "big stories")
        shared = list(range(1, 21))
        per = (tags - len(shared)) // len(CATEGORIES)
        self.tags_by_category = [
            shared + list(range(21 + c * per, 21 + (c + 1) * per)) for c in range(len(CATEGORIES))
        ]
        author_rows = [
            {
                "id": i + 1,
                "slug": f"author-{i + 1}",
                "name": f"Author {i + 1}",
                "bio": None,
                "avatar_url": None,
                "created_at": created,
            }
            for i in range(authors)
        ]
        return {"Category": categories, "Tag": tag_rows, "Author": author_rows}

    def articles(self, first_id: int, count: int, authors: int = 200) -> dict[str, list[dict[str, Any]]]:
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in T}
        statuses = list(STATUS_WEIGHTS)
        for article_id in range(first_id, first_id + count):
            rng = self.rng
            category = rng.randrange(len(CATEGORIES))
            topic = self.topics[category]
            status = rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()))[0]
            published = ANCHOR - timedelta(seconds=rng.randrange(YEARS_BACK * 365 * 86_400))
            published_at = {
                "draft": None,
                "scheduled": ANCHOR + timedelta(days=5 * 365 + rng.randrange(365)),
            }.get(status, published)
            title_words = self.words.draw(rng.randint(5, 10), topic, common=0.2)
            title = " ".join(title_words).capitalize()
            slug = "-".join(w for w in title_words[:4] if w not in COMMON) + f"-{article_id}"
            blocks, word_count = self._body(article_id, topic)
            tables = self._tables(article_id, topic, published) if rng.random() < 0.1 else []
            timelines, events, spans = (
                self._timeline(article_id, topic, published) if rng.random() < 0.05 else ([], [], [])
            )
            for table in tables:
                blocks.insert(
                    rng.randrange(len(blocks)), self._block(article_id, "table", table_id=table["id"])
                )
            for timeline in timelines:
                blocks.append(self._block(article_id, "timeline", timeline_id=timeline["id"]))
            for position, block in enumerate(blocks):
                block["position"] = position
            rows["Article"].append(
                {
                    "id": article_id,
                    "slug": slug,
                    "title": title,
                    "focus_keyword": " ".join(title_words[:2]),
                    "standfirst": sentence(self.words.draw(rng.randint(15, 28), topic)),
                    "language": "en",
                    "canonical_url": None,
                    "seo_title": None,
                    "seo_description": None,
                    "category_id": category + 1,
                    "status": status,
                    "published_at": published_at,
                    "hero_image": None,
                    "word_count": word_count,
                    "reading_time_minutes": max(1, round(word_count / 230)),
                    "created_at": published_at or published,
                    "updated_at": published_at or published,
                }
            )
            tag_ids = rng.sample(self.tags_by_category[category], rng.randint(2, 5))
            rows["ArticleTag"] += [
                {"article_id": article_id, "tag_id": t, "position": i} for i, t in enumerate(tag_ids)
            ]
            author_ids = rng.sample(range(1, authors + 1), rng.choice((1, 1, 1, 2)))
            rows["ArticleAuthor"] += [
                {"article_id": article_id, "author_id": a, "position": i} for i, a in enumerate(author_ids)
            ]
            rows["ArticleBlock"] += blocks
            rows["ContentTable"] += tables
            rows["Timeline"] += timelines
            rows["TimelineEvent"] += events
            rows["TimelineEventSpan"] += spans
        return {name: batch for name, batch in rows.items() if batch}

    def _block(self, article_id: int, kind: str, **fields: Any) -> dict[str, Any]:
        row = {
            "id": next(self.ids["block"]),
            "article_id": article_id,
            "position": 0,
            "type": kind,
            "data": {},
            "table_id": None,
            "timeline_id": None,
        }
        return {**row, **fields}

    def _body(self, article_id: int, topic: list[str]) -> tuple[list[dict[str, Any]], int]:
        rng, blocks, words = self.rng, [], 0
        for paragraph in range(rng.randint(4, 8)):
            if paragraph and paragraph % 3 == 0:
                heading = " ".join(self.words.draw(rng.randint(3, 6), topic, common=0.1)).capitalize()
                blocks.append(self._block(article_id, "heading", data={"text": heading, "level": 2}))
            drawn = self.words.draw(rng.randint(40, 80), topic)
            words += len(drawn)
            text = " ".join(sentence(drawn[i : i + 12]) for i in range(0, len(drawn), 12))
            blocks.append(self._block(article_id, "paragraph", data={"html": text}))
        return blocks, words

    def _tables(self, article_id: int, topic: list[str], published: datetime) -> list[dict[str, Any]]:
        rng = self.rng
        columns = [
            {"key": "theme", "label": "Theme", "type": "text"},
            {"key": "when", "label": "When", "type": "date"},
            {"key": "n", "label": "Count", "type": "number"},
        ]
        rows = [
            [
                " ".join(self.words.draw(rng.randint(2, 4), topic, common=0.1)),
                (published.date() - timedelta(days=rng.randrange(900))).isoformat(),
                rng.randrange(1000),
            ]
            for _ in range(rng.randint(4, 8))
        ]
        return [
            {
                "id": next(self.ids["table"]),
                "article_id": article_id,
                "position": 0,
                "title": " ".join(self.words.draw(rng.randint(3, 6), topic, common=0.1)).capitalize(),
                "caption": sentence(self.words.draw(rng.randint(6, 10), topic)),
                "columns": columns,
                "rows": rows,
                "created_at": published,
                "updated_at": published,
            }
        ]

    def _timeline(
        self, article_id: int, topic: list[str], published: datetime
    ) -> tuple[list[Any], list[Any], list[Any]]:
        rng = self.rng
        timeline_id = next(self.ids["timeline"])
        timeline = {
            "id": timeline_id,
            "article_id": article_id,
            "slug": f"timeline-{timeline_id}",
            "title": " ".join(self.words.draw(rng.randint(3, 6), topic, common=0.1)).capitalize(),
            "description": None,
            "created_at": published,
            "updated_at": published,
        }
        events, spans = [], []
        for position in range(rng.randint(3, 6)):
            precision = rng.choices(list(DatePrecision), weights=(70, 25, 5))[0]
            day = published.date() - timedelta(days=rng.randrange(5 * 365))
            start, end = period_bounds(day, precision)
            label = {
                DatePrecision.day: f"{day:%d %B %Y}",
                DatePrecision.month: f"{day:%B %Y}",
                DatePrecision.year: f"{day:%Y}",
            }[precision]
            event_id = next(self.ids["event"])
            events.append(
                {
                    "id": event_id,
                    "timeline_id": timeline_id,
                    "position": position,
                    "date": day,
                    "precision": str(precision),
                    "end_date": None,
                    "extra_dates": [],
                    "label": label,
                    "milestone": sentence(self.words.draw(rng.randint(6, 12), topic)),
                    "what_changed": sentence(self.words.draw(rng.randint(6, 12), topic)),
                    "sort_date": start,
                }
            )
            spans.append(
                {"id": next(self.ids["span"]), "event_id": event_id, "starts_on": start, "ends_on": end}
            )
        return [timeline], events, spans


# rows reference rows of the tables before them
INSERT_ORDER = [
    "Article",
    "ArticleTag",
    "ArticleAuthor",
    "ContentTable",
    "Timeline",
    "TimelineEvent",
    "TimelineEventSpan",
    "ArticleBlock",
]


def _fix_sequences(connection: Connection) -> None:
    """PostgreSQL: explicit ids leave the id sequences behind; move them past the largest id."""
    if connection.dialect.name != "postgresql":
        return
    for name in (
        "Category",
        "Tag",
        "Author",
        "Article",
        "ArticleBlock",
        "ContentTable",
        "Timeline",
        "TimelineEvent",
        "TimelineEventSpan",
    ):
        table = f'"{T[name].name}"'
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )


def build_derived(engine: Engine) -> dict[str, float]:
    """Derived data, rebuilt in bulk after a load: the search index (then statistics for the planner)."""
    timings: dict[str, float] = {}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # the planner's statistics for the bulk-loaded tables first, not for the index about to be built:
        # on SQLite, FTS5's tables analyzed while empty misplan its merges (`index.forget_fts_statistics`)
        if engine.dialect.name == "sqlite":
            for table in T.values():
                connection.exec_driver_sql(f'ANALYZE "{table.name}"')
            index.forget_fts_statistics(connection)
        else:
            connection.execute(text("ANALYZE"))
    started = time.perf_counter()
    if engine.dialect.name == "sqlite":
        _sqlite_search_index(engine)
    else:
        with engine.begin() as connection:
            index.rebuild(connection, batch_size=1000)
            index.optimize(connection)
    timings["search index"] = time.perf_counter() - started
    with (
        engine.begin() as connection
    ):  # partners get the loaded set through /v1/sync's snapshot, not webhooks
        sync.baseline(connection)
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    timings["analyze"] = time.perf_counter() - started
    return timings


def _sqlite_search_index(engine: Engine, batch: int = 5000) -> None:
    """The search index of a SQLite file in steps, each committed: what `index.rebuild` does in one
    transaction, which a bulk load of fresh data does not need.

    The documents are written in committed batches with the row-by-row triggers set aside, so that neither
    the log nor a journal holds a million of them; then FTS5 builds its index over the committed table in
    one statement, with a rollback journal (in WAL mode each page read looks through the log's index, a
    walk as long as the log) and a page cache large enough for the b-tree pages its merges look up (with
    SQLite's default 2 MB the build of 100k articles read 350 GB through `read()`, mostly the same pages
    over and over; with 256 MB, 1 GB). The statistics of FTS5's tables must not be a near-empty index's
    (`build_derived`). WAL comes back at the end; no other connection may be open meanwhile (the journal
    mode is the file's)."""
    with engine.begin() as connection:
        for trigger in (index.INSERT_TRIGGER, index.DELETE_TRIGGER):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        connection.execute(delete(T["SearchDocument"]))
    last = 0
    while True:
        with engine.begin() as connection:
            step = index.index_articles_after(connection, last, batch)
        if step is None:
            break
        last = step[0]
    engine.dispose()
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
        connection.exec_driver_sql("PRAGMA cache_size=-2097152")  # KiB: 2 GiB
        connection.commit()
        connection.exec_driver_sql(f"INSERT INTO {index.FTS_TABLE}({index.FTS_TABLE}) VALUES ('rebuild')")
        index.optimize(connection)
        for statement in index.FOLLOW_TRIGGERS_DDL:
            connection.exec_driver_sql(statement)
        connection.commit()
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    engine.dispose()


def add_views(engine: Engine, seed: int = 1, hours: int = 48, read: int = 5000) -> int:
    """View buckets for the last `hours`, ending at the current hour, so trending has real work to do.

    The `read` most recent public articles get readers with a Zipf-like popularity, each peaking at its own
    hour and fading either side of it. Buckets already there are replaced: run it again before a
    benchmark, as views age out of the trending window by the clock."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    current = hour_of(now)
    article, bucket = T["Article"], T["ViewBucket"]
    with engine.begin() as connection:
        ids = connection.execute(
            select(article.c.id)
            .where(article.c.status == "published", article.c.published_at <= now)
            .order_by(article.c.published_at.desc())
            .limit(read)
        ).scalars()
        rows = []
        for rank, article_id in enumerate(ids, 1):
            peak, peak_hour = 20_000 / rank**0.9, rng.randrange(hours)
            for offset in range(hours):
                views = int(peak * 0.5 ** (abs(offset - peak_hour) / 6) * rng.uniform(0.8, 1.2))
                if views:
                    rows.append(
                        {"article_id": article_id, "hour": current - hours + 1 + offset, "views": views}
                    )
        connection.execute(delete(bucket))
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(bucket), rows[start : start + 10_000])
    return len(rows)


def generate(database_url: str, articles: int, seed: int = 1, batch: int = 1000) -> dict[str, float]:
    """Fill an empty database with `articles` articles and everything around them; timings in seconds."""
    migrate(Settings(database_url=database_url))
    engine = make_engine(database_url)
    timings: dict[str, float] = {}
    try:
        with engine.connect() as connection:
            if connection.execute(select(func.count()).select_from(T["Article"])).scalar_one():
                raise SystemExit("the database already has articles; generate into an empty one")
        newsroom = Newsroom(seed)
        started = time.perf_counter()
        with engine.begin() as connection:
            for name, taxonomy in newsroom.taxonomy().items():
                connection.execute(insert(T[name]), taxonomy)
        for first in range(1, articles + 1, batch):
            rows = newsroom.articles(first, min(batch, articles + 1 - first))
            with engine.begin() as connection:
                for name in INSERT_ORDER:
                    if name in rows:
                        connection.execute(insert(T[name]), rows[name])
            print(f"\r{first + len(rows['Article']) - 1} articles", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        with engine.begin() as connection:
            _fix_sequences(connection)
        timings["content"] = time.perf_counter() - started
        started = time.perf_counter()
        add_views(engine, seed)
        timings["views"] = time.perf_counter() - started
        timings |= build_derived(engine)
    finally:
        engine.dispose()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument(
        "--views-only", action="store_true", help="only renew the view buckets of a generated database"
    )
    parser.add_argument(
        "--derived-only",
        action="store_true",
        help="only rebuild the derived data (search index, statistics), as after an interrupted run",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    if args.views_only:
        engine = make_engine(args.database_url)
        print(f"{add_views(engine, args.seed)} view buckets")
        engine.dispose()
        return 0
    if args.derived_only:
        engine = make_engine(args.database_url)
        try:
            timings = build_derived(engine)
        finally:
            engine.dispose()
    else:
        timings = generate(args.database_url, args.articles, seed=args.seed, batch=args.batch)
    for step, seconds in timings.items():
        print(f"{step:>14}: {seconds:8.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
