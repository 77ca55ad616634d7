"""The difference between two versions of an article (annotator.domain.diffing): whole words in and out,
paragraph breaks as marks, the counts and the one-line summary a reader sees."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.domain.diffing import (
    ADDED,
    PRIVATE_CODES,
    REMOVED,
    SAME,
    Piece,
    TextDiff,
    as_text,
    compare,
    readable_diff,
    summary,
)
from annotator.domain.reanchoring import DELETE, EQUAL, INSERT

TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def old_side(diff: list[tuple[int, str]]) -> str:
    return "".join(chunk for op, chunk in diff if op != INSERT)


def new_side(diff: list[tuple[int, str]]) -> str:
    return "".join(chunk for op, chunk in diff if op != DELETE)


def token_bounds(text: str) -> set[int]:
    """Where the text's words, spaces and punctuation marks start and end."""
    return {0, len(text)} | {m.end() for m in TOKEN.finditer(text)}


# --- readable_diff: by whole words ---


def test_a_changed_figure_is_one_word_out_and_one_in():
    assert readable_diff("Russia lost 600,000 soldiers.", "Russia lost 700,000 soldiers.") == [
        (EQUAL, "Russia lost "),
        (DELETE, "600"),
        (INSERT, "700"),
        (EQUAL, ",000 soldiers."),
    ]


def test_a_changed_word_is_replaced_whole_not_letter_by_letter():
    assert readable_diff("the cat sat", "the cut sat") == [
        (EQUAL, "the "),
        (DELETE, "cat"),
        (INSERT, "cut"),
        (EQUAL, " sat"),
    ]


def test_identical_texts_are_one_stretch_of_the_same_and_empty_texts_none():
    assert readable_diff("a b, c", "a b, c") == [(EQUAL, "a b, c")]
    assert readable_diff("", "") == []
    assert readable_diff("", "new words") == [(INSERT, "new words")]
    assert readable_diff("old words", "") == [(DELETE, "old words")]


def test_small_coincidences_between_edits_are_folded_into_one_phrase():
    # Token by token only "the" is common; the semantic clean-up reads the edit as one phrase.
    assert readable_diff("go to the big red house", "stay at the small blue flat") == [
        (DELETE, "go to the big red house"),
        (INSERT, "stay at the small blue flat"),
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["the", "cat", "dog", "600", ",", "000", " ", "\n", ".", "a", "Ünïcode"]), max_size=12),
    st.lists(st.sampled_from(["the", "cat", "cut", "600", ",", "700", " ", "\n", "!", "a", "Ünïcode"]), max_size=12),
)
@example(["the", " ", "cat"], ["the", " ", "cut"])
def test_the_diff_spells_out_both_texts_and_cuts_only_between_words(old_tokens, new_tokens):
    old, new = "".join(old_tokens), "".join(new_tokens)
    diff = readable_diff(old, new)
    assert old_side(diff) == old and new_side(diff) == new
    assert all(chunk for _, chunk in diff)
    offset = 0
    old_bounds = token_bounds(old)
    for op, chunk in diff:
        if op != INSERT:
            assert offset in old_bounds and offset + len(chunk) in old_bounds, (diff, offset)
            offset += len(chunk)


def private_use(count: int) -> str:
    """``count`` distinct private-use characters: each one a token of its own."""
    return "".join(chr(0xF0000 + n) for n in range(count))


def test_up_to_as_many_distinct_tokens_as_private_characters_the_diff_is_by_words():
    # PRIVATE_CODES - 3 characters, the space, "cat" and "cut": exactly PRIVATE_CODES distinct tokens.
    common = private_use(PRIVATE_CODES - 3)
    old, new = common + " cat cut", common + " cut cut"
    diff = readable_diff(old, new)
    assert (DELETE, "cat") in diff and (INSERT, "cut") in diff
    assert old_side(diff) == old and new_side(diff) == new


def test_with_more_distinct_tokens_than_private_characters_the_diff_is_by_characters():
    common = private_use(PRIVATE_CODES - 2)
    old, new = common + " cat cut", common + " cut cut"
    diff = readable_diff(old, new)
    assert [(op, chunk) for op, chunk in diff if op != EQUAL] == [(DELETE, "a"), (INSERT, "u")]
    assert old_side(diff) == old and new_side(diff) == new


# --- compare: paragraphs of pieces, and counts ---


def test_compare_counts_stretches_and_words_changed():
    comparison = compare("The cat sat on the mat", "The dog sat on a mat")
    assert comparison == TextDiff(
        paragraphs=[
            [
                Piece(SAME, "The "),
                Piece(REMOVED, "cat"),
                Piece(ADDED, "dog"),
                Piece(SAME, " sat on "),
                Piece(REMOVED, "the"),
                Piece(ADDED, "a"),
                Piece(SAME, " mat"),
            ]
        ],
        added_words=2,
        removed_words=2,
        changes=4,
    )
    assert not comparison.identical


def test_words_are_counted_on_their_own_side():
    inserted = compare("one", "one two three four")
    assert (inserted.added_words, inserted.removed_words, inserted.changes) == (3, 0, 1)
    deleted = compare("one two three four", "one")
    assert (deleted.added_words, deleted.removed_words, deleted.changes) == (0, 3, 1)


def test_the_same_text_is_identical_with_nothing_counted():
    comparison = compare("one\ntwo", "one\ntwo")
    assert comparison.identical
    assert comparison == TextDiff([[Piece(SAME, "one")], [Piece(SAME, "two")]], 0, 0, 0)


def test_a_new_paragraph_break_is_a_mark_ending_the_paragraph():
    comparison = compare("one two", "one\nthree two")
    assert comparison.paragraphs == [
        [Piece(SAME, "one"), Piece(ADDED, "", breaks=True)],
        [Piece(ADDED, "three"), Piece(SAME, " two")],
    ]
    assert (comparison.added_words, comparison.removed_words, comparison.changes) == (1, 0, 1)


def test_a_removed_paragraph_break_is_a_removed_mark():
    comparison = compare("one\n\ntwo", "one\ntwo")
    assert comparison.paragraphs == [
        [Piece(SAME, "one"), Piece(REMOVED, "", breaks=True)],
        [Piece(REMOVED, "", breaks=True)],
        [Piece(ADDED, "", breaks=True)],
        [Piece(SAME, "two")],
    ]
    assert (comparison.added_words, comparison.removed_words, comparison.changes) == (0, 0, 2)


def side(comparison: TextDiff, hidden: str) -> str:
    """One version rebuilt from the pieces: a paragraph ends with the newline of its break mark's kind."""
    lines = []
    for paragraph in comparison.paragraphs:
        text = "".join(p.text for p in paragraph if p.kind != hidden)
        lines.append((text, paragraph[-1].kind if paragraph and paragraph[-1].breaks else SAME))
    rebuilt = ""
    for index, (text, ended_by) in enumerate(lines):
        rebuilt += text
        if index < len(lines) - 1 and ended_by != hidden:
            rebuilt += "\n"
    return rebuilt


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="ab \n.", max_size=20),
    st.text(alphabet="abc \n,", max_size=20),
)
@example("a\n\nb", "a\nb")
@example("a b", "a\nc b")
def test_the_pieces_rebuild_both_versions_and_the_counts_add_up(old, new):
    comparison = compare(old, new)
    assert side(comparison, ADDED) == old
    assert side(comparison, REMOVED) == new
    diff = readable_diff(old, new)
    assert comparison.changes == sum(op != EQUAL for op, _ in diff)
    assert comparison.added_words == sum(len(c.split()) for op, c in diff if op == INSERT)
    assert comparison.removed_words == sum(len(c.split()) for op, c in diff if op == DELETE)
    assert comparison.identical == (old == new)
    for paragraph in comparison.paragraphs:
        assert all(p.text or p.breaks for p in paragraph)
        assert all(p.kind != SAME for p in paragraph if p.breaks)
        assert all("\n" not in p.text for p in paragraph)


# --- as_text and summary: what the command line prints ---


def test_as_text_marks_deletions_and_insertions_wdiffs_way():
    assert as_text(compare("The cat sat on the mat", "The dog sat on a mat")) == (
        "The [-cat-]{+dog+} sat on [-the-]{+a+} mat"
    )


def test_as_text_shows_a_changed_paragraph_break_as_a_pilcrow_a_paragraph_a_line():
    assert as_text(compare("one two", "one\nthree two")) == "one{+¶+}\n{+three+} two"
    assert as_text(compare("one\n\ntwo", "one\ntwo")) == "one[-¶-]\n[-¶-]\n{+¶+}\ntwo"


def test_as_text_of_the_same_text_is_that_text():
    assert as_text(compare("one\n\ntwo {x}", "one\n\ntwo {x}")) == "one\n\ntwo {x}"


def test_summary_of_the_same_text():
    assert summary(compare("a b", "a b")) == "the same text"


def test_summary_counts_changes_and_words_in_the_singular_and_plural():
    assert summary(compare("one", "one two")) == "1 change: 1 word inserted, 0 deleted"
    assert summary(compare("The cat sat on the mat", "The dog sat on a mat")) == (
        "4 changes: 2 words inserted, 2 deleted"
    )
    assert summary(compare("one two three", "one")) == "1 change: 0 words inserted, 2 deleted"
    # A run of white space is one token: one more newline is the run out and a longer run in.
    assert summary(compare("a\nb", "a\n\nb")) == "2 changes: 0 words inserted, 0 deleted"
