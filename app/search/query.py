"""The search box's little language, parsed here and never handed to a database as written.

Words are ANDed; `"several words"` is a phrase; `word*` matches words starting with it. Everything else
(operators, brackets, punctuation, emoji) separates words. What comes out is rendered as an FTS5 MATCH
string of quoted tokens, or as a PostgreSQL tsquery built by its own functions from bound parameters, so no
input can reach either query syntax."""

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, func, literal
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY

from app.errors import BadRequest
from app.search.models import TEXT_CONFIG

MAX_PARTS = 16
MIN_PREFIX = 2
MAX_WORD = 100
# letters and digits: the characters FTS5's unicode61 tokenizer and PostgreSQL's parser keep in words
_WORD = re.compile(r"[^\W_]+")
_WORD_OR_PREFIX = re.compile(r"([^\W_]+)(\*?)")


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


Part = Term | Phrase


@dataclass(frozen=True)
class ParsedQuery:
    parts: tuple[Part, ...]

    @property
    def has_phrase(self) -> bool:
        return any(isinstance(part, Phrase) for part in self.parts)

    def words_only(self) -> "ParsedQuery":
        """The same query with each phrase's words required anywhere, in any order."""
        terms = (
            Term(word) for part in self.parts for word in (part.words if isinstance(part, Phrase) else ())
        )
        kept = (part for part in self.parts if isinstance(part, Term))
        return ParsedQuery(tuple(dict.fromkeys([*kept, *terms])))

    def canonical(self) -> str:
        """A normal form of the query: equal for queries that search the same thing."""
        return " ".join(
            f'"{" ".join(p.words)}"' if isinstance(p, Phrase) else p.word + ("*" if p.prefix else "")
            for p in self.parts
        )


def _words(text: str) -> list[str]:
    return [w[:MAX_WORD] for w in _WORD.findall(text)]


def parse(text: str) -> ParsedQuery:
    """The terms, phrases and prefixes of `text`; a 400 when nothing searchable is left."""
    text = unicodedata.normalize("NFKC", text).casefold()
    parts: list[Part] = []
    # outside quotes at even indices, inside at odd ones; an unclosed quote runs to the end
    for index, piece in enumerate(text.split('"')):
        if index % 2:
            words = _words(piece)
            if len(words) == 1:
                parts.append(Term(words[0]))
            elif words:
                parts.append(Phrase(tuple(words)))
            continue
        for match in _WORD_OR_PREFIX.finditer(piece):
            word = match.group(1)[:MAX_WORD]
            parts.append(Term(word, prefix=bool(match.group(2)) and len(word) >= MIN_PREFIX))
    unique = tuple(dict.fromkeys(parts))
    if not unique:
        raise BadRequest("`q` has no words to search for (letters or digits).")
    if len(unique) > MAX_PARTS:
        raise BadRequest(f"`q` has {len(unique)} words and phrases; at most {MAX_PARTS} are searched.")
    return ParsedQuery(unique)


def _fts5_quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_match(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every part quoted (so it is only ever text), all of them required."""
    rendered = []
    for part in query.parts:
        if isinstance(part, Phrase):
            rendered.append(_fts5_quoted(" ".join(part.words)))
        else:
            rendered.append(_fts5_quoted(part.word) + ("*" if part.prefix else ""))
    return " AND ".join(rendered)


def _config() -> Any:
    return literal(TEXT_CONFIG, type_=REGCONFIG)


def pg_tsquery(query: ParsedQuery) -> ColumnElement[Any]:
    """A PostgreSQL tsquery made by its own parsing functions from bound parameters, all parts required."""
    rendered: list[ColumnElement[Any]] = []
    for part in query.parts:
        if isinstance(part, Phrase):
            rendered.append(func.phraseto_tsquery(_config(), " ".join(part.words), type_=TSQUERY))
        elif part.prefix:
            # the word holds letters and digits only, so quoting it makes it one lexeme to_tsquery reads
            rendered.append(func.to_tsquery(_config(), f"'{part.word}':*", type_=TSQUERY))
        else:
            rendered.append(func.plainto_tsquery(_config(), part.word, type_=TSQUERY))
    return reduce(lambda left, right: left.op("&&", return_type=TSQUERY)(right), rendered)
