"""The search box's language: terms, "phrases" and prefix*, rendered as quoted FTS5 and bound tsquery."""

import pytest
from sqlalchemy.dialects import postgresql

from app.errors import BadRequest
from app.search.query import MAX_PARTS, ParsedQuery, Phrase, Term, fts5_match, parse, pg_tsquery


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Russia", (Term("russia"),)),
        ("new  year", (Term("new"), Term("year"))),
        ('"New Year" greetings', (Phrase(("new", "year")), Term("greetings"))),
        ("milit*", (Term("milit", prefix=True),)),
        ("a* b", (Term("a"), Term("b"))),  # a one-letter prefix is the plain word
        ('"unclosed phrase here', (Phrase(("unclosed", "phrase", "here")),)),
        ('"single"', (Term("single"),)),
        ("DPRK–Russia ties", (Term("dprk"), Term("russia"), Term("ties"))),
        (
            "snake_case AND (x OR y)",
            (Term("snake"), Term("case"), Term("and"), Term("x"), Term("or"), Term("y")),
        ),
        ("Kursk kursk KURSK", (Term("kursk"),)),
        ("Straße", (Term("strasse"),)),
        ("ｆｕｌｌｗｉｄｔｈ", (Term("fullwidth"),)),
        ("東京 2024", (Term("東京"), Term("2024"))),
        ("NEAR(a b, 2)", (Term("near"), Term("a"), Term("b"), Term("2"))),
    ],
)
def test_parse(text: str, parts: tuple[Term | Phrase, ...]) -> None:
    assert parse(text).parts == parts


@pytest.mark.parametrize("text", ['"', '""', "*", "-", "()", "😀🎉", "'", "\\", ":*", " ", "&|!<->"])
def test_nothing_to_search_is_a_400(text: str) -> None:
    with pytest.raises(BadRequest):
        parse(text)


def test_too_many_parts_is_a_400() -> None:
    parse(" ".join(f"w{i}" for i in range(MAX_PARTS)))
    with pytest.raises(BadRequest):
        parse(" ".join(f"w{i}" for i in range(MAX_PARTS + 1)))


def test_fts5_rendering_quotes_every_part() -> None:
    query = parse('"New Year" milit* AND near')
    assert fts5_match(query) == '"new year" AND "milit"* AND "and" AND "near"'
    assert fts5_match(ParsedQuery((Term('say "hi"'),))) == '"say ""hi"""'


def test_tsquery_is_built_from_bound_parameters() -> None:
    compiled = pg_tsquery(parse('"new year" milit* kursk')).compile(dialect=postgresql.dialect())
    sql = str(compiled)
    assert "phraseto_tsquery" in sql
    assert "to_tsquery" in sql
    assert "plainto_tsquery" in sql
    assert "&&" in sql
    assert sorted(str(v) for v in compiled.params.values()) == [
        "'milit':*",
        "english",
        "english",
        "english",
        "kursk",
        "new year",
    ]


def test_canonical_form_ignores_case_spacing_and_repeats() -> None:
    assert parse('  Kim "NEW   year" kim ').canonical() == parse('kim "new year"').canonical()


def test_words_only_turns_phrases_into_required_words() -> None:
    query = parse('"new year" milit* "year of" greetings')
    assert query.words_only().parts == (
        Term("milit", prefix=True),
        Term("greetings"),
        Term("new"),
        Term("year"),
        Term("of"),
    )
    assert parse("plain words").words_only() == parse("plain words")
    assert parse('"new year" eve').has_phrase
    assert not parse('"new" year eve').has_phrase
