"""Related articles: a weighted score of shared tags, same category, text similarity and closeness in time.

The candidates are a bounded pool, each part found through an index (articles carrying the subject's tags
nearest it, its category's articles published just before and after it, editors' pins), so the cost does
not grow with the archive. Text similarity is the cosine of TF-IDF vectors over the pool's titles, leads and
openings (their terms, kept with each article's search document, `app.search.terms`), computed here: the
same numbers on every database."""

import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import CompoundSelect, Integer, Select, Table, and_, bindparam, case, func, union_all
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article, ArticleStatus, ArticleTag
from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.db import core_rows, utcnow
from app.errors import UnprocessableContent
from app.search import terms
from app.search.models import (
    OverrideKind,
    OverrideRef,
    RelatedArticle,
    RelatedOverride,
    RelatedOverridesAdmin,
    RelatedOverridesWrite,
    RelatedReasons,
    SearchDocument,
    SearchType,
)
from app.taxonomy.models import Tag

WEIGHTS = {"shared_tags": 0.45, "same_category": 0.10, "text_similarity": 0.35, "recency": 0.10}
HALF_LIFE_DAYS = 30.0  # an article published this long before or after counts half as close in time
TAG_WINDOW = 50  # per subject tag and side: the articles carrying it with the ids nearest the subject's
TAG_POOL = 40  # of those, the ones sharing most tags
NEIGHBOURS = 10  # same-category articles taken either side of the subject's publish time

_documents: Table = SearchDocument.__table__  # type: ignore[attr-defined]


@dataclass
class _Candidate:
    id: int
    category_id: int
    published_at: datetime
    shared_tags: list[str]
    text: float = 0.0


def related_articles(
    session: Session, subject: articles_service.ArticleRecord, limit: int
) -> list[RelatedArticle]:
    """Up to `limit` public articles related to `subject`: its public pins first, then the best scored."""
    assert subject.id is not None
    assert subject.published_at is not None
    overrides = core_rows(session, _OVERRIDES, {"subject": subject.id})
    pins = [related for related, kind in overrides if kind == OverrideKind.pin]
    excluded = {related for related, kind in overrides if kind == OverrideKind.exclude}
    subject_tags: dict[int, str] = dict(core_rows(session, _SUBJECT_TAGS, {"subject": subject.id}))
    pool = _tag_candidates(session, subject.id, list(subject_tags)) | _category_neighbours(session, subject)
    candidates, texts = _load(session, subject.id, (pool | set(pins)) - excluded - {subject.id}, subject_tags)
    similarity = text_similarities(texts, subject.id)
    scored = []
    for candidate in candidates.values():
        candidate.text = similarity.get(candidate.id, 0.0)
        scored.append((_score(subject, candidate, len(subject_tags)), candidate))
    scored.sort(key=lambda item: (-item[0], -item[1].published_at.timestamp(), -item[1].id))
    pinned = [candidates[p] for p in pins if p in candidates]
    chosen = [*pinned, *(c for _, c in scored if c.id not in set(pins))][:limit]
    rows = articles_service.public_list_rows(session, [c.id for c in chosen])
    chosen = [c for c in chosen if c.id in rows]  # not one unpublished since the pool was read
    summaries = articles_service.summaries(session, [rows[c.id] for c in chosen])
    scores = {c.id: s for s, c in scored}
    return [
        RelatedArticle.model_validate(
            {
                **summary.model_dump(exclude_unset=True),
                "score": round(scores[c.id], 4),
                "reasons": _reasons(subject, c, pinned=c.id in pins),
            }
        )
        for summary, c in zip(summaries, chosen, strict=True)
    ]


# the statements that do not depend on the subject's tag count, built once
_OVERRIDES = (
    select_columns(col(RelatedOverride.related_id), col(RelatedOverride.kind))
    .where(col(RelatedOverride.article_id) == bindparam("subject", type_=Integer))
    .order_by(col(RelatedOverride.position), col(RelatedOverride.id))
)
_SUBJECT_TAGS = (
    select_columns(col(ArticleTag.tag_id), col(Tag.slug))
    .join(Tag, col(Tag.id) == ArticleTag.tag_id)
    .where(col(ArticleTag.article_id) == bindparam("subject", type_=Integer))
    .order_by(col(ArticleTag.position))
)
_POOL = (
    select_columns(
        col(Article.id),
        col(Article.category_id),
        col(Article.published_at),
        _documents.c.terms,
        # a document written before terms were kept (migration b1d3f5a7c9e2) has none: its texts then
        *(
            case((_documents.c.terms == "", text)).label(name)
            for name, text in (
                ("title", _documents.c.title),
                ("lead", _documents.c.lead),
                ("opening", func.substr(_documents.c.body, 1, terms.TEXT_SOURCE)),
            )
        ),
    )
    .join(_documents, and_(_documents.c.kind == SearchType.article, _documents.c.ref_id == Article.id))
    .where(
        col(Article.id).in_(bindparam("ids", expanding=True)),
        (col(Article.id) == bindparam("subject", type_=Integer)) | articles_service.public_condition(),
    )
)
_SHARED_TAGS = select_columns(col(ArticleTag.article_id), col(ArticleTag.tag_id)).where(
    col(ArticleTag.article_id).in_(bindparam("candidates", expanding=True)),
    col(ArticleTag.tag_id).in_(bindparam("tags", expanding=True)),
)


def _score(subject: articles_service.ArticleRecord, candidate: _Candidate, tag_count: int) -> float:
    return (
        WEIGHTS["shared_tags"] * (len(candidate.shared_tags) / tag_count if tag_count else 0.0)
        + WEIGHTS["same_category"] * (candidate.category_id == subject.category_id)
        + WEIGHTS["text_similarity"] * candidate.text
        + WEIGHTS["recency"] * 0.5 ** (_days_apart(subject, candidate) / HALF_LIFE_DAYS)
    )


def _days_apart(subject: articles_service.ArticleRecord, candidate: _Candidate) -> float:
    assert subject.published_at is not None
    return abs((candidate.published_at - subject.published_at).total_seconds()) / 86_400


def _reasons(
    subject: articles_service.ArticleRecord, candidate: _Candidate, *, pinned: bool
) -> RelatedReasons:
    return RelatedReasons(
        pinned=pinned,
        shared_tags=candidate.shared_tags,
        same_category=candidate.category_id == subject.category_id,
        text_similarity=round(candidate.text, 4),
        published_days_apart=round(_days_apart(subject, candidate), 1),
    )


# --- the candidate pool -----------------------------------------------------------------------------------


def _in_order(statement: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """An ordered, limited SELECT usable as one part of a UNION ALL (SQLite wants it as a subquery)."""
    part = statement.subquery()
    return select_columns(*part.c)


@lru_cache(maxsize=64)
def _tag_windows(tags: int) -> CompoundSelect:
    """The read of a subject's tag windows, for a subject with this many tags: its shape depends on nothing
    else, so it is built once. Parameters: `subject`, `size` and `tag_0`, `tag_1`, ..."""
    article_id = col(ArticleTag.article_id)
    subject = bindparam("subject", type_=Integer)
    return union_all(
        *(
            _in_order(
                select_columns(article_id)
                .where(
                    col(ArticleTag.tag_id) == bindparam(f"tag_{i}", type_=Integer),
                    article_id < subject if before else article_id > subject,
                )
                .order_by(article_id.desc() if before else article_id.asc())
                .limit(bindparam("size", type_=Integer))
            )
            for i in range(tags)
            for before in (True, False)
        )
    )


def _tag_candidates(session: Session, subject_id: int, tag_ids: list[int]) -> set[int]:
    """Articles carrying the subject's tags: per tag, those with ids nearest the subject's (two index range
    reads each, in one statement), then the ones found under most tags, nearest first. Visibility is
    checked later."""
    if not tag_ids:
        return set()
    parameters = {"subject": subject_id, "size": TAG_WINDOW} | {f"tag_{i}": t for i, t in enumerate(tag_ids)}
    shared: Counter[int] = Counter(
        row[0] for row in core_rows(session, _tag_windows(len(tag_ids)), parameters)
    )
    ranked = sorted(shared, key=lambda a: (-shared[a], abs(a - subject_id), a))
    return set(ranked[:TAG_POOL])


@lru_cache(maxsize=1)
def _neighbour_reads() -> CompoundSelect:
    """The read of a category's articles published just before and just after a time, built once.

    Each status is read on its own, so each read is a range of the (category, status, publish time) index
    in order; a read of both at once would sort every article of the category. Parameters: `category`,
    `subject`, `published`, `now` and `size`."""
    published = col(Article.published_at)
    parts = []
    for status in (ArticleStatus.published, ArticleStatus.scheduled):
        base = select_columns(col(Article.id), published).where(
            col(Article.category_id) == bindparam("category", type_=Integer),
            col(Article.status) == status,
            col(Article.id) != bindparam("subject", type_=Integer),
        )
        before = base.where(published <= bindparam("published"), published <= bindparam("now"))
        after = base.where(published > bindparam("published"), published <= bindparam("now"))
        size = bindparam("size", type_=Integer)
        parts += [
            _in_order(before.order_by(published.desc(), col(Article.id).desc()).limit(size)),
            _in_order(after.order_by(published.asc(), col(Article.id).asc()).limit(size)),
        ]
    return union_all(*parts)


def _category_neighbours(session: Session, subject: articles_service.ArticleRecord) -> set[int]:
    """Public articles of the subject's category published just before and just after it."""
    assert subject.published_at is not None
    parameters = {
        "category": subject.category_id,
        "subject": subject.id,
        "published": subject.published_at,
        "now": utcnow(),
        "size": NEIGHBOURS,
    }
    rows = core_rows(session, _neighbour_reads(), parameters)
    earlier = sorted((r for r in rows if r.published_at <= subject.published_at), key=_newest_first)
    later = sorted(
        (r for r in rows if r.published_at > subject.published_at), key=_newest_first, reverse=True
    )
    return {r.id for r in [*earlier[:NEIGHBOURS], *later[:NEIGHBOURS]]}


def _newest_first(row: Any) -> tuple[float, int]:
    return (-row.published_at.timestamp(), -row.id)


def _load(
    session: Session, subject_id: int, ids: set[int], subject_tags: dict[int, str]
) -> tuple[dict[int, _Candidate], dict[int, Mapping[str, int]]]:
    """The public ones among `ids`, with the subject's tags each of them carries (in the subject's order),
    and the terms of each of them and of the subject."""
    rows = core_rows(session, _POOL, {"ids": [subject_id, *ids], "subject": subject_id})
    texts = {
        row.id: terms.read(row.terms) if row.terms else terms.terms(row.title, row.lead, row.opening)
        for row in rows
    }
    candidates = {
        row.id: _Candidate(
            id=row.id, category_id=row.category_id, published_at=row.published_at, shared_tags=[]
        )
        for row in rows
        if row.id != subject_id
    }
    if not candidates or not subject_tags:
        return candidates, texts
    order = {tag_id: i for i, tag_id in enumerate(subject_tags)}
    shared = core_rows(session, _SHARED_TAGS, {"candidates": list(candidates), "tags": list(subject_tags)})
    for article_id, tag_id in sorted(shared, key=lambda pair: (pair[0], order[pair[1]])):
        candidates[article_id].shared_tags.append(subject_tags[tag_id])
    return candidates, texts


# --- text similarity --------------------------------------------------------------------------------------


class _TermFrequency(dict[int, float]):
    """1 + ln(n) by count n: a dict lookup (no Python call) for any count met before."""

    def __missing__(self, count: int) -> float:
        self[count] = weight = 1 + math.log(count)
        return weight


_TF = _TermFrequency()


def text_similarities(documents: dict[int, Mapping[str, int]], subject_id: int) -> dict[int, float]:
    """The cosine similarity of each document's TF-IDF vector with the subject's, 0 to 1; the IDF is taken
    over these documents, so a word every candidate shares says little."""
    subject = documents.get(subject_id)
    if not subject:
        return {}
    frequency = Counter(chain.from_iterable(documents.values()))
    idf = {term: math.log(1 + len(documents) / n) for term, n in frequency.items()}
    target = {term: _TF[n] * idf[term] for term, n in subject.items()}
    target_norm = math.hypot(*target.values())
    similarities = {}
    for article_id, counts in documents.items():
        if article_id == subject_id:
            continue
        norm = math.hypot(*[_TF[n] * idf[term] for term, n in counts.items()])
        dot = sum([target[term] * _TF[counts[term]] * idf[term] for term in target if term in counts])
        similarities[article_id] = min(1.0, dot / (norm * target_norm)) if norm else 0.0
    return similarities


# --- editors' overrides ---------------------------------------------------------------------------------


def overrides(session: Session, article_id: int) -> RelatedOverridesAdmin:
    """An article's pins (in order) and exclusions (by id), whatever the status of the articles named."""
    rows = session.exec(
        select(RelatedOverride.kind, Article)
        .join(Article, col(Article.id) == RelatedOverride.related_id)
        .where(RelatedOverride.article_id == article_id)
        .order_by(col(RelatedOverride.position), col(Article.id))
    ).all()
    refs: dict[str, list[OverrideRef]] = {OverrideKind.pin: [], OverrideKind.exclude: []}
    for kind, article in rows:
        assert article.id is not None
        refs[kind].append(
            OverrideRef(id=article.id, slug=article.slug, title=article.title, status=article.status)
        )
    return RelatedOverridesAdmin(
        article_id=article_id, pins=refs[OverrideKind.pin], excludes=refs[OverrideKind.exclude]
    )


def overrides_etag(view: RelatedOverridesAdmin) -> str:
    """A strong ETag of the override set, so a replacement can name the set it replaces."""
    state = json.dumps([view.article_id, [p.id for p in view.pins], [e.id for e in view.excludes]])
    return f'"related-{view.article_id}-{hashlib.blake2b(state.encode(), digest_size=8).hexdigest()}"'


def replace_overrides(
    session: Session, article: Article, data: RelatedOverridesWrite, key: ApiKey
) -> RelatedOverridesAdmin:
    """Replace every pin and exclusion of an article; each names another existing article, once."""
    assert article.id is not None
    named = [*data.pins, *data.excludes]
    repeated = sorted({i for i in named if named.count(i) > 1})
    if repeated:
        raise UnprocessableContent(f"Each article may be pinned or excluded once; repeated: {repeated}.")
    if article.id in named:
        raise UnprocessableContent("An article cannot be related to itself.")
    found = set(session.exec(select(Article.id).where(col(Article.id).in_(named))).all()) if named else set()
    missing = [i for i in named if i not in found]
    if missing:
        raise UnprocessableContent(f"No article has the id(s): {missing}.")
    # row by row, not a bulk delete: each removed row names its article for the CDN purge
    for row in session.exec(select(RelatedOverride).where(RelatedOverride.article_id == article.id)):
        session.delete(row)
    session.flush()
    session.add_all(
        RelatedOverride(article_id=article.id, related_id=r, kind=OverrideKind.pin, position=i)
        for i, r in enumerate(data.pins)
    )
    session.add_all(
        RelatedOverride(article_id=article.id, related_id=r, kind=OverrideKind.exclude) for r in data.excludes
    )
    auth_service.record(
        session, key, "article.related", "article", article.id, {"pins": data.pins, "excludes": data.excludes}
    )
    session.commit()
    return overrides(session, article.id)
