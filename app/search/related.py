"""Related articles: a weighted score of shared tags, same category, text similarity and closeness in time.

The candidates are a bounded pool, each part found through an index (articles carrying the subject's tags
nearest it, its category's articles published just before and after it, editors' pins), so the cost does
not grow with the archive. Text similarity is the cosine of TF-IDF vectors over the pool's titles, leads and
openings, computed here: the same numbers on every database."""

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, func
from sqlmodel import Session, col, select

from app.articles import service as articles_service
from app.articles.models import Article, ArticleTag
from app.auth import service as auth_service
from app.auth.models import ApiKey
from app.errors import UnprocessableContent
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
TAG_POOL = 60  # of those, the ones sharing most tags
NEIGHBOURS = 20  # same-category articles taken either side of the subject's publish time
TEXT_SOURCE = 600  # characters of each body read for text similarity, after the title and the lead
_WORD = re.compile(r"[^\W_]+")
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers him his how i if in into is it its just may me more most my new no nor not now of off on
    once one only or other our out over own said same says she should so some such than that the their them
    then there these they this those through to too two under until up very was we were what when where which
    while who whom why will with would year years you your
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_documents: Table = SearchDocument.__table__  # type: ignore[attr-defined]


@dataclass
class _Candidate:
    id: int
    category_id: int
    published_at: datetime
    shared_tags: list[str]
    text: float = 0.0


def related_articles(session: Session, subject: Article, limit: int) -> list[RelatedArticle]:
    """Up to `limit` public articles related to `subject`: its public pins first, then the best scored."""
    assert subject.id is not None
    assert subject.published_at is not None
    overrides = session.exec(
        select(RelatedOverride.related_id, RelatedOverride.kind)
        .where(RelatedOverride.article_id == subject.id)
        .order_by(col(RelatedOverride.position), col(RelatedOverride.id))
    ).all()
    pins = [related for related, kind in overrides if kind == OverrideKind.pin]
    excluded = {related for related, kind in overrides if kind == OverrideKind.exclude}
    subject_tags = dict(
        session.exec(
            select(ArticleTag.tag_id, Tag.slug)
            .join(Tag, col(Tag.id) == ArticleTag.tag_id)
            .where(ArticleTag.article_id == subject.id)
            .order_by(col(ArticleTag.position))
        ).all()
    )
    pool = _tag_candidates(session, subject.id, list(subject_tags)) | _category_neighbours(session, subject)
    candidates = _load(session, (pool | set(pins)) - excluded - {subject.id}, subject_tags)
    similarity = text_similarities(_terms_by_article(session, [subject.id, *candidates]), subject.id)
    scored = []
    for candidate in candidates.values():
        candidate.text = similarity.get(candidate.id, 0.0)
        scored.append((_score(subject, candidate, len(subject_tags)), candidate))
    scored.sort(key=lambda item: (-item[0], -item[1].published_at.timestamp(), -item[1].id))
    pinned = [candidates[p] for p in pins if p in candidates]
    chosen = [*pinned, *(c for _, c in scored if c.id not in set(pins))][:limit]
    articles = {
        a.id: a for a in session.exec(select(Article).where(col(Article.id).in_([c.id for c in chosen])))
    }
    summaries = articles_service.summaries(session, [articles[c.id] for c in chosen])
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


def _score(subject: Article, candidate: _Candidate, tag_count: int) -> float:
    return (
        WEIGHTS["shared_tags"] * (len(candidate.shared_tags) / tag_count if tag_count else 0.0)
        + WEIGHTS["same_category"] * (candidate.category_id == subject.category_id)
        + WEIGHTS["text_similarity"] * candidate.text
        + WEIGHTS["recency"] * 0.5 ** (_days_apart(subject, candidate) / HALF_LIFE_DAYS)
    )


def _days_apart(subject: Article, candidate: _Candidate) -> float:
    assert subject.published_at is not None
    return abs((candidate.published_at - subject.published_at).total_seconds()) / 86_400


def _reasons(subject: Article, candidate: _Candidate, *, pinned: bool) -> RelatedReasons:
    return RelatedReasons(
        pinned=pinned,
        shared_tags=candidate.shared_tags,
        same_category=candidate.category_id == subject.category_id,
        text_similarity=round(candidate.text, 4),
        published_days_apart=round(_days_apart(subject, candidate), 1),
    )


# --- the candidate pool -----------------------------------------------------------------------------------


def _tag_candidates(session: Session, subject_id: int, tag_ids: list[int]) -> set[int]:
    """Articles carrying the subject's tags: per tag, those with ids nearest the subject's (two index range
    reads each), then the ones found under most tags, nearest first. Visibility is checked later."""
    shared: Counter[int] = Counter()
    article_id = col(ArticleTag.article_id)
    for tag_id in tag_ids:
        for before in (True, False):
            side = article_id < subject_id if before else article_id > subject_id
            statement = (
                select(ArticleTag.article_id)
                .where(ArticleTag.tag_id == tag_id, side)
                .order_by(article_id.desc() if before else article_id.asc())
                .limit(TAG_WINDOW)
            )
            shared.update(session.exec(statement).all())
    ranked = sorted(shared, key=lambda a: (-shared[a], abs(a - subject_id), a))
    return set(ranked[:TAG_POOL])


def _category_neighbours(session: Session, subject: Article) -> set[int]:
    """Public articles of the subject's category published just before and just after it."""
    base = select(Article.id).where(
        Article.category_id == subject.category_id,
        Article.id != subject.id,
        articles_service.public_condition(),
    )
    published = col(Article.published_at)
    before = base.where(published <= subject.published_at).order_by(published.desc(), col(Article.id).desc())
    after = base.where(published > subject.published_at).order_by(published.asc(), col(Article.id).asc())
    return {
        *session.exec(before.limit(NEIGHBOURS)).all(),
        *session.exec(after.limit(NEIGHBOURS)).all(),
    }


def _load(session: Session, ids: set[int], subject_tags: dict[int, str]) -> dict[int, _Candidate]:
    """The public ones among `ids`, with the subject's tags each of them carries (in the subject's order)."""
    if not ids:
        return {}
    candidates = {
        row.id: _Candidate(
            id=row.id, category_id=row.category_id, published_at=row.published_at, shared_tags=[]
        )
        for row in session.execute(
            select(Article.id, Article.category_id, Article.published_at).where(
                col(Article.id).in_(ids), articles_service.public_condition()
            )
        )
    }
    order = {tag_id: i for i, tag_id in enumerate(subject_tags)}
    shared = session.exec(
        select(ArticleTag.article_id, ArticleTag.tag_id).where(
            col(ArticleTag.article_id).in_(candidates), col(ArticleTag.tag_id).in_(subject_tags)
        )
    ).all()
    for article_id, tag_id in sorted(shared, key=lambda pair: (pair[0], order[pair[1]])):
        candidates[article_id].shared_tags.append(subject_tags[tag_id])
    return candidates


# --- text similarity --------------------------------------------------------------------------------------


def terms(title: str, lead: str, body: str) -> Counter[str]:
    """An article's words, weighted: a title word counts thrice, a lead word twice; stopwords left out and
    plurals folded into singulars."""
    counts: Counter[str] = Counter()
    for weight, text in ((3, title), (2, lead), (1, body)):
        for word, n in Counter(_WORD.findall(text.casefold())).items():
            if len(word) < 3 or word in STOPWORDS or word.isdigit():
                continue
            if word.endswith("ies") and len(word) > 4:
                word = word[:-3] + "y"
            elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
                word = word[:-1]
            counts[word] += weight * n
    return counts


def _terms_by_article(session: Session, article_ids: list[int]) -> dict[int, Counter[str]]:
    rows = session.execute(
        select(
            _documents.c.ref_id,
            _documents.c.title,
            _documents.c.lead,
            func.substr(_documents.c.body, 1, TEXT_SOURCE).label("opening"),
        ).where(_documents.c.kind == SearchType.article, _documents.c.ref_id.in_(article_ids))
    )
    return {row.ref_id: terms(row.title, row.lead, row.opening) for row in rows}


def text_similarities(documents: dict[int, Counter[str]], subject_id: int) -> dict[int, float]:
    """The cosine similarity of each document's TF-IDF vector with the subject's, 0 to 1; the IDF is taken
    over these documents, so a word every candidate shares says little."""
    subject = documents.get(subject_id)
    if not subject:
        return {}
    frequency = Counter(term for counts in documents.values() for term in counts)
    idf = {term: math.log(1 + len(documents) / n) for term, n in frequency.items()}

    def vector(counts: Counter[str]) -> dict[str, float]:
        return {term: (1 + math.log(n)) * idf[term] for term, n in counts.items()}

    target = vector(subject)
    target_norm = math.sqrt(sum(w * w for w in target.values()))
    similarities = {}
    for article_id, counts in documents.items():
        if article_id == subject_id:
            continue
        weights = vector(counts)
        norm = math.sqrt(sum(w * w for w in weights.values()))
        dot = sum(w * target.get(term, 0.0) for term, w in weights.items())
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
