"""GET /v1/search: ranking, phrases and prefixes, filters, pages, snippets and hostile input, on both
databases. The corpora are small and the right order is obvious from their words."""

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.pagination import encode_cursor
from app.search import service
from app.search.models import SearchDocument, SearchType
from tests.assertions import assert_problem
from tests.factories import event, make_category, make_hidden_articles, make_table, make_timeline
from tests.search.helpers import BASE, articles_found, found, search, story

# --- ranking -------------------------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_standfirst_match_above_a_body_match(
    client: TestClient, session: Session
) -> None:
    in_body = story(session, "Weather update", "Ash from the volcano reached the coast overnight")
    in_title = story(session, "Volcano eruption warning", "Residents were told to stay indoors overnight")
    in_standfirst = story(
        session, "Island news", "Ferries resumed overnight", standfirst="The volcano calmed"
    )
    story(session, "Harbour dredging", "Nothing about mountains here overnight")
    assert articles_found(client, "volcano") == [in_title.id, in_standfirst.id, in_body.id]


def test_more_occurrences_rank_higher(client: TestClient, session: Session) -> None:
    once = story(session, "Report one", "glacier melt water flows south slowly")
    thrice = story(session, "Report two", "glacier glacier glacier flows south slowly")
    twice = story(session, "Report three", "glacier melt glacier flows south slowly")
    assert articles_found(client, "glacier") == [thrice.id, twice.id, once.id]


def test_every_word_must_match_and_endings_do_not_matter(client: TestClient, session: Session) -> None:
    both = story(session, "Elections in Lisbon", "Voters elected a new council")
    one = story(session, "Elections in Porto", "Turnout was high")
    assert articles_found(client, "election lisbon") == [both.id]
    assert set(articles_found(client, "ELECTIONS")) == {both.id, one.id}


def test_phrase_against_separate_words(client: TestClient, session: Session) -> None:
    phrase = story(session, "Rover news", "The red planet rover landed at dawn")
    apart = story(session, "Dust storms", "A planet covered in red dust stopped the rover")
    assert articles_found(client, '"red planet"') == [phrase.id]
    assert set(articles_found(client, "red planet")) == {phrase.id, apart.id}
    assert articles_found(client, '"planet red"') == []


def test_prefix_matches_word_starts(client: TestClient, session: Session) -> None:
    volcano = story(session, "Volcano watch", "Lava flows")
    volcanic = story(session, "Volcanic ash", "Flights grounded")
    story(session, "Vole census", "Small mammals")
    assert set(articles_found(client, "volc*")) == {volcano.id, volcanic.id}
    assert articles_found(client, "volc") == []


def test_ties_are_ordered_by_document_and_scores_descend(client: TestClient, session: Session) -> None:
    made = [story(session, "Twin report", "identical words here").id for _ in range(3)]
    body = search(client, "twin", limit=100)
    assert [hit["id"] for hit in body["items"]] == made
    scores = [hit["score"] for hit in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_a_very_common_query_ranks_the_most_recently_indexed_matches(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "RANKING_WINDOW", 2)
    made = [
        story(session, f"Tide table {n}", " ".join(["tide"] * (3 - n) + ["calm"] * n)).id for n in range(3)
    ]
    assert articles_found(client, "tide") == [made[1], made[2]]
    story(session, "Unrelated", "nothing")
    assert articles_found(client, "tide table 0") == [made[0]]  # narrower queries still reach it


@pytest.mark.parametrize(
    ("dense", "sparse_matches"),
    [(0.0, 0), (2.0, 0), (2.0, 10**9)],
    ids=["row-by-row ranges", "bitmap ranges", "one bitmap"],
)
def test_the_window_holds_the_newest_matches_however_far_apart_they_are(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch, dense: float, sparse_matches: int
) -> None:
    # PostgreSQL reads ids newest first: past the first range, by how dense the matches are, ranges read row
    # by row or as bitmaps, or all the rest at once; each way finds the same window
    monkeypatch.setattr(service, "RANKING_WINDOW", 3)
    monkeypatch.setattr(service, "FIRST_SPAN", 1)
    monkeypatch.setattr(service, "DENSE", dense)
    monkeypatch.setattr(service, "SPARSE_MATCHES", sparse_matches)
    matches = []
    for gap in (0, 9, 14, 3, 2):
        matches.append(story(session, "Fern survey", "fern fronds").id)
        for n in range(gap):
            story(session, f"Filler {n}", "moss and lichen")
    assert articles_found(client, "fern") == matches[-3:]  # equal scores: by document
    assert len(articles_found(client, "moss")) == 3


def test_the_scope_of_an_id_range_covers_it_with_at_most_a_short_range_either_side() -> None:
    small, large = 1 << 12, 1 << 16
    ranges = [
        (0, 1),
        (0, 5000),
        (4095, 4096),
        (4096, 8192),
        (65535, 65536 * 3 + 7),
        (1, 10**6),
        (70000, 70001),
    ]
    for low, high in ranges:
        covered: set[int] = set()
        for part in (service._scope_query(low, high, ()) or "").split(" | "):
            name, number = part.strip("'")[1], int(part.strip("'")[2:])
            size = small if name == "a" else large
            covered.update(range(number * size, (number + 1) * size))
        assert set(range(low + 1, high + 1)) <= covered
        assert min(covered) > low - small
        assert max(covered) < high + small
    assert service._scope_query(0, 10, ("table", "event")) == "('~a0') & ('~ktable' | '~kevent')"
    assert service._scope_query(None, 10, ("table", "event")) == "'~ktable' | '~kevent'"  # all below 10
    assert service._scope_query(None, 10, ()) is None


def test_the_window_reaches_across_the_id_ranges_of_the_scope_index(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # documents either side of the scope index's ranges (4,096 and 65,536 ids long), read by ranges through
    # it on PostgreSQL (by rowid on SQLite): the window is the newest matches of the kinds asked for
    monkeypatch.setattr(service, "RANKING_WINDOW", 3)
    monkeypatch.setattr(service, "FIRST_SPAN", 1)
    monkeypatch.setattr(service, "DENSE", 2.0)
    monkeypatch.setattr(service, "SPARSE_MATCHES", 0)
    postgres = session.get_bind().dialect.name == "postgresql"
    for at in (4090, 4097, 65530, 65537, 131072, 200_003, 262_141, 262_144, 300_000):
        if postgres:
            session.execute(text("SELECT setval('searchdocument_id_seq', :at, false)"), {"at": at})
        else:
            session.execute(text("DELETE FROM sqlite_sequence WHERE name = 'searchdocument'"))
            session.execute(
                text("INSERT INTO sqlite_sequence (name, seq) VALUES ('searchdocument', :at)"), {"at": at - 1}
            )
        session.commit()
        if at % 2:
            story(session, f"Fern survey {at}", "fern fronds")
        else:
            make_table(session, story(session, f"Moss survey {at}", "moss only"), title=f"Fern counts {at}")
    documents = session.exec(select(SearchDocument).order_by(col(SearchDocument.id))).all()
    ids = [d.id or 0 for d in documents]
    assert 4090 <= ids[0] < 4096  # the ids were placed
    assert ids[-1] > 300_000
    ferns = [d for d in documents if "Fern" in d.title]
    for kind in ("article", "table"):
        newest = [(d.kind, d.ref_id) for d in ferns if d.kind == kind][-3:]
        assert found(client, "fern", type=kind) == newest  # equal scores: by document
    assert set(found(client, "fern")) == {(d.kind, d.ref_id) for d in ferns[-3:]}


def test_a_phrase_is_looked_for_among_the_newest_documents_with_all_its_words(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "PHRASE_WINDOW", 2)
    old = story(session, "Harbour seals", "grey seals basking").id
    newer = [story(session, f"Seal census {n}", "seals counted, grey skies").id for n in range(2)]
    assert articles_found(client, '"grey seals"') == []  # the two newest with both words lack the phrase
    assert set(articles_found(client, "grey seals")) == {old, *newer}
    again = story(session, "Grey seals again", "").id
    assert articles_found(client, '"grey seals"') == [again]
    assert articles_found(client, '"grey seals" basking') == [old]  # a rarer word reaches further back


def test_the_window_holds_the_newest_matches_of_the_kinds_asked_for(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "RANKING_WINDOW", 2)
    monkeypatch.setattr(service, "PHRASE_WINDOW", 2)
    culture, sport = make_category(session, slug="culture"), make_category(session, slug="sport")
    ledger = story(session, "Otter ledger", "accounts", category=culture)
    table = make_table(session, ledger, title="Otter counts")
    newer = [story(session, f"Otter news {n}", "otters seen", category=sport).id for n in range(2)]
    assert articles_found(client, "otter") == newer
    # the table is older than the two newest matches, yet `type` reaches it: kinds are read with the window
    assert found(client, "otter", type="table") == [("table", table.id)]
    assert found(client, '"otter counts"', type="table") == [("table", table.id)]
    assert found(client, "otter", type="event") == []
    # a category narrows the window: the culture story and its table are not among the two newest
    assert found(client, "otter", category="culture") == []
    assert found(client, "otter ledger", category="culture") == [("article", ledger.id)]
    assert found(client, "otter", category="sport", type="article") == [("article", n) for n in newer]
    assert found(client, "otter", category="nowhere") == []


# --- kinds of match and filters -----------------------------------------------------------------------


@pytest.fixture
def zoo(session: Session) -> dict[str, Any]:
    """An article, a table and an event that all mention zebras, in two categories and two months."""
    africa = make_category(session, slug="africa")
    europe = make_category(session, slug="europe")
    article = story(session, "Zebra migration begins", "Herds crossed the river", category=africa)
    table = make_table(
        session,
        story(session, "Park statistics", "Counts by species", category=europe, days=40),
        title="Animal counts",
        caption="Zebra and wildebeest",
        rows=[["Zebra", 120], ["Lion", 12]],
    )
    timeline, events = make_timeline(
        session,
        story(session, "Conservation history", "Decades of work", category=africa, days=10),
        [event("2024-10-01", "month", milestone="Zebra corridor opened", what_changed="Herds moved freely")],
    )
    return {"article": article.id, "table": table.id, "event": events[0].id, "timeline": timeline}


def test_articles_tables_and_events_are_all_found(client: TestClient, zoo: dict[str, Any]) -> None:
    hits = search(client, "zebra")["items"]
    assert sorted((hit["type"], hit["id"]) for hit in hits) == [
        ("article", zoo["article"]),
        ("event", zoo["event"]),
        ("table", zoo["table"]),
    ]
    by_type = {hit["type"]: hit for hit in hits}
    assert by_type["table"]["url"] == f"/v1/tables/{zoo['table']}"
    assert by_type["table"]["title"] == "Animal counts"
    assert by_type["event"]["title"] == "Zebra corridor opened"
    assert by_type["event"]["timeline"] == {
        "id": zoo["timeline"].id,
        "slug": zoo["timeline"].slug,
        "title": zoo["timeline"].title,
    }
    assert by_type["event"]["url"] == f"/v1/timelines/{zoo['timeline'].slug}"
    assert by_type["article"]["url"] == by_type["article"]["url"]
    assert by_type["article"]["article"]["title"] == "Zebra migration begins"
    assert by_type["article"]["category_slug"] == "africa"
    assert by_type["article"]["timeline"] is None


def test_type_filter(client: TestClient, zoo: dict[str, Any]) -> None:
    assert found(client, "zebra", type="table") == [("table", zoo["table"])]
    assert found(client, "zebra", type="event") == [("event", zoo["event"])]
    assert sorted(found(client, "zebra", type=["article", "event"])) == [
        ("article", zoo["article"]),
        ("event", zoo["event"]),
    ]
    assert_problem(client.get("/v1/search", params={"q": "zebra", "type": "animal"}), 400)


def test_a_kind_is_not_a_word_of_the_text(client: TestClient, zoo: dict[str, Any], session: Session) -> None:
    """The FTS5 index holds each document's kind for `type` to match: the words of a query are looked for in
    the texts only, so the words "table", "event" or "article" find the documents that say them."""
    assert found(client, "table") == found(client, "event") == found(client, "article") == []
    assert found(client, "tabl*") == found(client, "zebra table") == found(client, "ÉVENTS") == []
    assert found(client, '"animal counts" tables') == found(client, "arti*") == []
    # a kind added later needs its token listed for queries that could match it
    assert {kind.value[:3] for kind in SearchType} == {token[:3] for token in service._KIND_TOKENS}
    said = story(session, "An event at the table", "The article says so", days=60)
    assert found(client, "table") == found(client, "event") == [("article", said.id)]
    assert found(client, "table", type="table") == found(client, "event", type="event") == []
    assert found(client, "article", type="article") == [("article", said.id)]


def test_category_and_date_filters(client: TestClient, zoo: dict[str, Any]) -> None:
    assert sorted(found(client, "zebra", category="africa")) == [
        ("article", zoo["article"]),
        ("event", zoo["event"]),
    ]
    assert found(client, "zebra", category="europe") == [("table", zoo["table"])]
    assert found(client, "zebra", category="nowhere") == []
    after = (BASE + timedelta(days=5)).isoformat()
    before = (BASE + timedelta(days=20)).isoformat()
    assert found(client, "zebra", published_after=after, published_before=before) == [("event", zoo["event"])]
    assert found(client, "zebra", published_before=BASE.isoformat()) == []  # strictly before
    assert_problem(client.get("/v1/search", params={"q": "zebra", "published_after": "2025-12-01"}), 400)


# --- pages ---------------------------------------------------------------------------------------------


def test_cursor_walk_visits_every_match_once(client: TestClient, session: Session) -> None:
    for n in range(7):
        story(session, f"Harbour report {n}", " ".join(["harbour"] * (n % 3 + 1)) + " boats")
    everything = found(client, "harbour")
    assert len(everything) == 7
    walked: list[tuple[str, int]] = []
    cursor = None
    while True:
        response = client.get(
            "/v1/search", params={"q": "harbour", "limit": 2, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        walked += [(hit["type"], hit["id"]) for hit in body["items"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            assert "link" not in response.headers
            break
        assert response.headers["link"].endswith('rel="next"')
    assert walked == everything


def test_a_cursor_belongs_to_its_query(client: TestClient, session: Session) -> None:
    for n in range(3):
        story(session, f"Harbour boats {n}", "harbour boats")
    cursor = search(client, "harbour", limit=1)["meta"]["next_cursor"]
    assert cursor is not None
    assert search(client, "harbour", limit=1, cursor=cursor)["items"]
    assert_problem(client.get("/v1/search", params={"q": "boats", "limit": 1, "cursor": cursor}), 400)
    assert_problem(client.get("/v1/search", params={"q": "harbour", "type": "table", "cursor": cursor}), 400)
    foreign = encode_cursor("articles:newest", (BASE, 1))
    assert_problem(client.get("/v1/search", params={"q": "harbour", "cursor": foreign}), 400)
    assert_problem(client.get("/v1/search", params={"q": "harbour", "cursor": "!!"}), 400)


# --- snippets ------------------------------------------------------------------------------------------


def test_snippet_marks_matches(client: TestClient, session: Session) -> None:
    story(session, "Coastal life", "Seals rest on the warm rocks while gulls circle above the bay")
    [hit] = search(client, "gulls")["items"]
    assert "<mark>gulls</mark> circle above the bay" in hit["snippet"]
    assert hit["snippet"].count("<mark>") == 1


def test_snippet_of_a_match_deep_in_a_long_body(client: TestClient, session: Session) -> None:
    filler = " ".join(f"word{n}" for n in range(300))
    story(session, "Birds", f"{filler} the kestrel hovered over the field {filler}")
    [hit] = search(client, "kestrels")["items"]
    assert "<mark>kestrel</mark> hovered over the field" in hit["snippet"]


def test_snippet_when_an_earlier_word_starts_alike(client: TestClient, session: Session) -> None:
    filler = " ".join(f"word{n}" for n in range(300))
    story(session, "Birds", f"Kestor Hall opened. {filler} a kestrel nested there")
    [hit] = search(client, "kestrel")["items"]
    assert "<mark>kestrel</mark> nested there" in hit["snippet"]


def test_snippet_escapes_the_text_around_the_marks(client: TestClient, session: Session) -> None:
    article = story(session, "Markup in cells", "")
    make_table(
        session,
        article,
        title="Payloads",
        rows=[["<img src=x onerror=alert(1)> tiger & <script>alert(2)</script> \"q\" 'a'", 1]],
    )
    [hit] = search(client, "tiger", type="table")["items"]
    snippet = hit["snippet"]
    assert "<mark>tiger</mark> &amp;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0
    assert ">" not in re.sub(r"</?mark>", "", snippet)


# --- hostile input -------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    '"""',
    "AND",
    "OR NOT",
    "a AND (b OR",
    "NEAR(",
    "NEAR(a b, 2)",
    "*",
    "**",
    "a**",
    "-",
    "-harbour",
    "'",
    "''",
    "\\",
    "\\\\'",
    "()",
    "title:harbour",
    "^harbour",
    "{harbour boats}",
    "harbour:*",
    "harbour & !boats | x <-> y",
    "'; DROP TABLE article; --",
    "%_%",
    "😀",
    "harbour 😀",
    "\u200b",
    "東京",
    "مرحبا",
    "e\u0301te\u0301",
    "\x01\x02\x03",
    "\x7f",
    "a" * 500,
    "é" * 500,
    "harbour* " * 50,
    " ".join(["x"] * 17),
    '"' * 250,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_are_answered_or_refused_never_failed(
    client: TestClient, session: Session, q: str
) -> None:
    story(session, "Harbour boats", "harbour boats tiger")
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert_problem(response, 400)


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 501}, {"q": "a\x00b"}, {"q": ["a", "b"]}])
def test_missing_empty_long_nul_and_repeated_q_are_400(client: TestClient, params: dict[str, Any]) -> None:
    assert_problem(client.get("/v1/search", params=params), 400)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.text(min_size=1, max_size=120))
def test_any_text_is_answered_or_refused(client: TestClient, q: str) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code in (200, 400), (q, response.text)


# --- visibility and caching ----------------------------------------------------------------------------


def test_only_public_articles_and_their_tables_and_events_are_found(
    client: TestClient, session: Session
) -> None:
    hidden = make_hidden_articles(session, slug_prefix="secret-")
    for article in hidden.values():
        make_table(session, article, title="Secret pangolin table")
        make_timeline(session, article, [event("2025-01-01", milestone="Secret pangolin event")])
    shown = story(session, "Pangolin rescue", "A pangolin was freed")
    assert found(client, "pangolin") == [("article", shown.id)]
    assert found(client, "secret") == []


def test_caching_headers(client: TestClient, zoo: dict[str, Any]) -> None:
    response = client.get("/v1/search", params={"q": "zebra"})
    keys = set(response.headers["surrogate-key"].split())
    assert {"search", "articles:list", "tables:list", "timelines:list"} <= keys
    assert f"table:{zoo['table']}" in keys
    assert f"article:{zoo['article']}" in keys
    assert f"timeline:{zoo['timeline'].id}" in keys
    assert response.headers["cache-control"].startswith("public, max-age=30, s-maxage=120")
    again = client.get(
        "/v1/search", params={"q": "zebra"}, headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
