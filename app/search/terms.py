"""An article's weighted words, the vocabulary related articles compare: worked out when the article is
indexed and kept with its search document, so that comparing a hundred articles reads a hundred short
texts instead of cutting words out of a hundred bodies (out of the row, on PostgreSQL) on every request.

Documents stored before terms were kept have none (`''`) until `broadsheet search-terms` (or any write to
their article) works them out; related articles work those out per request meanwhile. Changing how words
become terms changes what should be stored: run `broadsheet search-terms --all` after such a change."""

import json
import re
from collections.abc import Mapping
from functools import lru_cache

TEXT_SOURCE = 600  # characters of each body counted, after the title and the lead
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


@lru_cache(maxsize=65_536)
def _term(word: str) -> str | None:
    """A word as a term: None for stopwords, numbers and short words, plurals folded into singulars."""
    if len(word) < 3 or word in STOPWORDS or word.isdigit():
        return None
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def terms(title: str, lead: str, body: str) -> dict[str, int]:
    """An article's words, weighted: a title word counts thrice, a lead word twice, a word of the first
    `TEXT_SOURCE` characters of the body once; stopwords left out and plurals folded into singulars."""
    counts: dict[str, int] = {}
    get = counts.get
    for weight, text in ((3, title), (2, lead), (1, body[:TEXT_SOURCE])):
        for term in map(_term, _WORD.findall(text.casefold())):
            if term is not None:
                counts[term] = get(term, 0) + weight
    return counts


def stored(title: str, lead: str, body: str) -> str:
    """`terms` as the text a search document keeps."""
    return json.dumps(terms(title, lead, body), ensure_ascii=False, separators=(",", ":"))


def read(text: str) -> Mapping[str, int]:
    """The terms a search document keeps."""
    return json.loads(text)
