"""The search box's syntax, and the FTS5 queries made from it: any text at all is safe."""

import sqlite3
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.search_syntax import (
    SearchQuery,
    Term,
    describe,
    fts5_any,
    fts5_match,
    fts5_term,
    parse,
    words,
)


def test_words_are_runs_of_letters_and_digits():
    assert words("600,000 Russian soldiers' (killed)") == ("600", "000", "Russian", "soldiers", "killed")
    assert words("https://www.nato.int/a_b") == ("https", "www", "nato", "int", "a", "b")
    assert words('… — !!! "') == ()
    assert words("naïve Vučić ÉTÉ 日本語") == ("naïve", "Vučić", "ÉTÉ", "日本語")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", SearchQuery()),
        ("   ", SearchQuery()),
        ("putin", SearchQuery(((Term(("putin",)),),))),
        ("putin soldiers", SearchQuery(((Term(("putin",)),), (Term(("soldiers",)),)))),
        ('"russian soldiers"', SearchQuery(((Term(("russian", "soldiers")),),))),
        ('"unclosed phrase', SearchQuery(((Term(("unclosed", "phrase")),),))),
        ("casualt*", SearchQuery(((Term(("casualt",), prefix=True),),))),
        ('"high casualt*"', SearchQuery(((Term(("high", "casualt"), prefix=True),),))),
        ("putin -talks", SearchQuery(((Term(("putin",)),),), (Term(("talks",)),))),
        ('-"peace talks"', SearchQuery((), (Term(("peace", "talks")),))),
        ("troops OR soldiers killed", SearchQuery(((Term(("troops",)), Term(("soldiers",))), (Term(("killed",)),)))),
        ("a OR b OR c", SearchQuery(((Term(("a",)), Term(("b",)), Term(("c",))),))),
        ("OR a", SearchQuery(((Term(("a",)),),))),
        ("a OR", SearchQuery(((Term(("a",)),),))),
        ("a AND b", SearchQuery(((Term(("a",)),), (Term(("b",)),)))),
        ("or and", SearchQuery(((Term(("or",)),), (Term(("and",)),)))),  # only capitals are operators
        ("NEAR(a b)", SearchQuery(((Term(("NEAR", "a")),), (Term(("b",)),)))),
        ("quote:soldiers", SearchQuery(((Term(("quote", "soldiers")),),))),
        ('- * " ^ :', SearchQuery()),
    ],
)
def test_parse(text, expected):
    assert parse(text) == expected


def test_private_use_characters_are_word_characters_as_in_sqlite():
    assert words("a\ue000b \U000f0001") == ("a\ue000b", "\U000f0001")


def test_a_term_without_words_is_dropped_and_the_terms_after_it_still_count():
    assert parse('!!! putin "..." -?? soldiers') == SearchQuery(((Term(("putin",)),), (Term(("soldiers",)),)))


def test_a_phrase_ending_in_a_star_and_spaces_is_still_a_prefix():
    assert parse('"high casualt* "') == SearchQuery(((Term(("high", "casualt"), prefix=True),),))
    assert parse('"* high casualties"') == SearchQuery(((Term(("high", "casualties")),),))


def test_text_is_normalised_to_nfc():
    assert parse("Vuc\u030ci\u0107") == parse("Vučić")


def test_a_pasted_paragraph_is_cut_at_the_term_limit():
    assert len(parse(" ".join(f"w{i}" for i in range(100))).clauses) == 32


def test_fts5_queries_quote_every_word():
    query = parse('putin "high casualt*" troops OR soldiers -talks')
    assert fts5_match(query.clauses) == '"putin" AND "high casualt"* AND ("troops" OR "soldiers")'
    assert fts5_any(query.excluded) == '"talks"'
    assert fts5_match(()) is None and fts5_any(()) is None
    assert describe(query) == 'putin "high casualt*" (troops OR soldiers) -talks'
    assert fts5_any(parse('-talks -ceasefire* -"peace deal"').excluded) == '"talks" OR "ceasefire"* OR "peace deal"'


def test_a_double_quote_in_a_word_is_doubled_for_fts5():
    # parse() never makes such a word; a Term built by hand is still quoted safely.
    assert fts5_term(Term(('say"hi', "x"), prefix=True)) == '"say""hi x"*'


@pytest.fixture(scope="module")
def fts():
    """An FTS5 table made as migration 0005 makes it, holding a few documents."""
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(quote, note, sources, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO search_fts VALUES (?, ?, ?)",
        [
            ("more than 600,000 Russian soldiers", "Ministry of Defence figure", "NATO https://www.nato.int/x"),
            ("Putin rules out negotiations", "Vučić paraphrase", ""),
            ("日本語の文章 ÉTÉ", "", ""),
        ],
    )
    yield connection
    connection.close()


def run(connection, text):
    query = parse(text)
    found = set()
    if query.clauses:
        found = {
            r[0]
            for r in connection.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (fts5_match(query.clauses),)
            )
        }
    if query.excluded:
        connection.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (fts5_any(query.excluded),))
    return found


@pytest.mark.parametrize(
    "text, rows",
    [
        ("soldier", {1}),
        ("SOLDIERS russian", {1}),
        ('"600 000"', {1}),
        ("600,000", {1}),
        ("nato.int", {1}),
        ("vucic", {2}),
        ("negot*", {2}),
        ("putin OR defence", {1, 2}),
        ("été", {3}),
        ("Ete", {3}),
    ],
)
def test_fts5_finds_what_people_type(fts, text, rows):
    assert run(fts, text) == rows


@settings(max_examples=500, deadline=None)
@given(
    st.text(max_size=80)
    | st.lists(
        st.sampled_from(
            [
                '"',
                "*",
                "-",
                "OR",
                "AND",
                "NOT",
                "NEAR",
                "(",
                ")",
                ":",
                "^",
                "+",
                "'",
                "soldier",
                "putin",
                " ",
                "\x00",
                "é",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_no_text_makes_an_fts5_query_fail_and_each_finds_what_its_terms_find(fts, text):
    """No text is an FTS5 syntax error (sqlite3.OperationalError), and what a query finds is what its parts find:
    every clause (the documents any of its terms finds); the exclusion, what any excluded term finds; a phrase,
    only documents holding each of its words."""
    run(fts, text)
    query = parse(text)

    def found(expression):
        return {r[0] for r in fts.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (expression,))}

    by_term = {term: found(fts5_term(term)) for term in (*query.terms, *query.excluded)}
    if query.clauses:
        clauses = [set().union(*(by_term[term] for term in clause)) for clause in query.clauses]
        assert found(fts5_match(query.clauses)) == set.intersection(*clauses) <= {1, 2, 3}
    if query.excluded:
        assert found(fts5_any(query.excluded)) == set().union(*(by_term[term] for term in query.excluded))
    for term, rows in by_term.items():
        for n, word in enumerate(term.words):
            last = n == len(term.words) - 1
            assert rows <= found(fts5_term(Term((word,), prefix=term.prefix and last))), (term, word)


@given(
    st.text(alphabet=st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12).filter(
        lambda word: word not in ("OR", "AND")
    )
)  # the two operator words
@settings(max_examples=300, deadline=None)
def test_a_word_of_a_document_finds_it(text):
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(quote, note, sources, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    stored = unicodedata.normalize("NFC", f"before {text} after")  # the app stores canonical (NFC) text
    connection.execute("INSERT INTO search_fts VALUES (?, '', '')", (stored,))
    assert run(connection, text) == {1}
    connection.close()
