"""What a person types in the search box, read into a query both full-text engines can run safely.

Pure: no Flask, no database. The syntax is small and the same on SQLite and PostgreSQL:

- words: every one must match (``casualties russia``);
- ``"a quoted phrase"``: the words next to each other, in that order (an unclosed quote runs
  to the end);
- ``word*``: words starting with ``word`` (the last word of a phrase may end with ``*`` too);
- ``-word`` or ``-"a phrase"``: leave out what matches;
- ``OR`` (in capitals) between two terms: either may match (``troops OR soldiers``);
- anything else (punctuation, brackets, ``AND``, ``NEAR``, ``:``, ``^``) is ordinary text: a term
  is cut into words at every character that is not a letter or a digit, as the engines cut the
  documents, and a term left without words is dropped.

The engines never see the person's text as syntax: :func:`fts5_match` quotes every word for
SQLite FTS5, and the PostgreSQL side passes the words as bound values to
``phraseto_tsquery``/``to_tsquery`` (see ``search_index``), whose inputs hold letters and digits only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The characters SQLite's unicode61 tokenizer keeps in words by default: letters, numbers, private use.
_WORD_CATEGORIES = ("L", "N")


def _is_word_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in _WORD_CATEGORIES or category == "Co"


def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words at every character that is not a letter, digit or private-use character."""
    found, current = [], []
    for char in text:
        if _is_word_char(char):
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return tuple(found)


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of words in order; ``prefix``: its last word may be the start of a longer one."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """Every clause must match (a clause: any one of its terms); no excluded term may match."""

    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing constrains the text (then the search is a filtered listing)."""
        return not self.clauses and not self.excluded

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for clause in self.clauses for term in clause)


# A token: an optional minus, then a quoted phrase (closed or running to the end) or a run of non-space.
_TOKEN = re.compile(r'(-?)(?:"([^"]*)(?:"|$)|(\S+))')
MAX_TERMS = 32  # more words than anyone types: a pasted paragraph is cut here, not sent whole


@dataclass
class _Builder:
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    join_next: bool = False  # the previous token was OR

    def add(self, term: Term, negated: bool) -> None:
        if negated:
            self.excluded.append(term)
        elif self.join_next and self.clauses:
            self.clauses[-1].append(term)
        else:
            self.clauses.append([term])
        self.join_next = False


def parse(text: str | None) -> SearchQuery:
    """Read a search box's text into a :class:`SearchQuery` (never fails: odd input is plain text)."""
    text = unicodedata.normalize("NFC", text or "")
    built = _Builder()
    count = 0
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if phrase is None and not minus and bare == "OR":
            built.join_next = bool(built.clauses)
            continue
        if phrase is None and not minus and bare == "AND":
            continue  # the default anyway
        raw = phrase if phrase is not None else bare
        prefix = raw.rstrip().endswith("*")
        found = words(raw)
        if not found:
            continue
        count += 1
        if count > MAX_TERMS:
            break
        built.add(Term(found, prefix), negated=bool(minus))
    return SearchQuery(tuple(tuple(c) for c in built.clauses), tuple(built.excluded))


def fts5_term(term: Term) -> str:
    """One term as an FTS5 string: its words in double quotes (a phrase), ``*`` for a prefix."""
    # Words hold letters and digits only, so no double quote needs doubling; done anyway for safety.
    quoted = '"' + " ".join(word.replace('"', '""') for word in term.words) + '"'
    return quoted + ("*" if term.prefix else "")


def fts5_match(clauses: Sequence[Sequence[Term]]) -> str | None:
    """An FTS5 MATCH expression requiring every clause (each an OR of terms); None when there are none."""
    if not clauses:
        return None
    parts = []
    for clause in clauses:
        alternatives = " OR ".join(fts5_term(term) for term in clause)
        parts.append(f"({alternatives})" if len(clause) > 1 else alternatives)
    return " AND ".join(parts)


def fts5_any(terms: Iterable[Term]) -> str | None:
    """An FTS5 MATCH expression matching any of ``terms`` (for the excluded ones); None when none."""
    return " OR ".join(fts5_term(term) for term in terms) or None


def describe(query: SearchQuery) -> str:
    """The query as the engines read it, for people: ``"a b" (c OR d*) -e``."""

    def show(term: Term) -> str:
        text = " ".join(term.words) + ("*" if term.prefix else "")
        return f'"{text}"' if len(term.words) > 1 else text

    parts = [("(" + " OR ".join(map(show, c)) + ")") if len(c) > 1 else show(c[0]) for c in query.clauses]
    parts += ["-" + show(t) for t in query.excluded]
    return " ".join(parts)
