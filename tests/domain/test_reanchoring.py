"""Tests for annotator.domain.reanchoring: placing the spans of one version of an article in the next."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.domain.anchoring import context_of, find_all
from annotator.domain.reanchoring import (
    CHANGED,
    CHANGED_THRESHOLD,
    KEPT,
    MOVED,
    ORPHANED,
    OldSpan,
    Placement,
    reanchor,
    reanchor_groups,
)

OLD = (
    "Officials said more than 600,000 Russian soldiers have been killed or wounded. "
    "Other news followed.\nThe war began in 2022."
)


def span_of(text: str, quote: str, span_id: int = 1, occurrence: int = 0) -> OldSpan:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(quote, at + 1)
    prefix, suffix = context_of(text, at, at + len(quote))
    return OldSpan(span_id, at, at + len(quote), quote, prefix, suffix)


def place(old: str, new: str, span: OldSpan):
    (placement,) = reanchor(old, new, [span])
    return placement


CLAIM = "more than 600,000 Russian soldiers have been killed or wounded"


def test_unchanged_text_keeps_every_span():
    spans = [span_of(OLD, CLAIM, 1), span_of(OLD, "2022", 2)]
    assert [(p.state, p.start, p.end) for p in reanchor(OLD, OLD, spans)] == [(KEPT, s.start, s.end) for s in spans]


def test_an_edit_before_the_span_moves_it():
    new = "UPDATED: " + OLD
    placement = place(OLD, new, span_of(OLD, CLAIM))
    assert placement.state == MOVED
    assert new[placement.start : placement.end] == CLAIM == placement.quote
    assert placement.prefix == new[max(0, placement.start - 32) : placement.start]


def test_an_edit_after_the_span_keeps_it_in_place():
    new = OLD.replace("2022", "February 2022")
    assert place(OLD, new, span_of(OLD, CLAIM)).state == KEPT


def test_a_changed_figure_is_changed_with_the_new_wording():
    new = OLD.replace("600,000", "650,000")
    placement = place(OLD, new, span_of(OLD, CLAIM))
    assert placement.state == CHANGED
    assert placement.quote == CLAIM.replace("600,000", "650,000")
    assert CHANGED_THRESHOLD <= placement.similarity < 100


def test_rewritten_words_are_orphaned():
    new = OLD.replace(CLAIM, "casualty figures remain unclear")
    placement = place(OLD, new, span_of(OLD, CLAIM))
    assert placement.state == ORPHANED
    assert placement.start is None and placement.quote is None


def test_a_paragraph_cut_and_pasted_elsewhere_is_moved():
    first, second = OLD.split("\n")
    new = second + "\n" + first
    placement = place(OLD, new, span_of(OLD, CLAIM))
    assert placement.state == MOVED and new[placement.start : placement.end] == CLAIM


def test_a_moved_and_edited_paragraph_is_changed():
    first, second = OLD.split("\n")
    new = second + "\n" + first.replace("600,000", "620,000")
    placement = place(OLD, new, span_of(OLD, CLAIM))
    assert placement.state == CHANGED
    assert placement.quote == CLAIM.replace("600,000", "620,000")


def test_another_occurrence_of_deleted_words_is_not_adopted():
    """The annotated sentence is deleted; the same words elsewhere are a different claim."""
    old = "Prices rose 5% in April. Later: Prices rose 5% in May. End."
    span = span_of(old, "Prices rose 5% in May")
    new = "Prices rose 5% in April. End."
    assert place(old, new, span).state == ORPHANED


def test_astral_characters_count_as_one_offset():
    old = "\U0001f600 Emoji first. The claim 👍 stands."
    span = span_of(old, "The claim 👍")
    new = "\U0001f600\U0001f600 " + old
    placement = place(old, new, span)
    assert placement.state == MOVED and new[placement.start : placement.end] == "The claim 👍"


def test_two_spans_never_land_on_one_range():
    old = "They said the total was 12 units."
    a = OldSpan(1, 24, 26, "12", "", "")
    b = OldSpan(2, 24, 27, "12 ", "", "")
    results = reanchor(old, old.replace("12", "13"), [a, b])
    ranges = [(r.start, r.end) for r in results if r.state != ORPHANED]
    assert len(ranges) == len(set(ranges))


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

# A small alphabet makes repeated words and near-misses likely; the astral characters test offsets.
ALPHABET = st.sampled_from(list("ab c.\n") + ["\U0001f600", "é"])
WORDS = st.sampled_from(
    [
        "the",
        "army",
        "said",
        "600,000",
        "soldiers",
        "killed",
        "or",
        "wounded",
        "in",
        "2023",
        "officials",
        "more",
        "than",
        "\U0001f44d",
        ".",
    ]
)


def draw_span(draw, alphabet) -> tuple[str, int, int]:
    """A text and a span of it (at most 40 characters)."""
    text = draw(alphabet)
    assume(len(text) >= 2)
    start = draw(st.integers(0, len(text) - 1))
    return text, start, draw(st.integers(start + 1, min(len(text), start + 40)))


@st.composite
def text_span_and_outside_edits(draw, alphabet):
    text, start, end = draw_span(draw, alphabet)
    # Up to three edits, each wholly before or wholly after the span (touching its ends at most).
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        before = draw(st.booleans()) and start > 0 or end == len(text)
        lo, hi = (0, start) if before else (end, len(text))
        a = draw(st.integers(lo, hi))
        b = draw(st.integers(a, hi))
        edits.append((a, b, draw(st.text(ALPHABET, max_size=6))))
    return text, start, end, edits


def apply_disjoint(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int, str]]]:
    """Apply the edits that do not overlap an earlier one, from the end backwards."""
    kept: list[tuple[int, int, str]] = []
    for a, b, r in edits:
        if all(b < a2 or a > b2 for a2, b2, _ in kept):
            kept.append((a, b, r))
    for a, b, r in sorted(kept, reverse=True):
        text = text[:a] + r + text[b:]
    return text, kept


random_texts = st.text(ALPHABET, min_size=2, max_size=120)
worded_texts = st.lists(WORDS, min_size=2, max_size=60).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(text_span_and_outside_edits(random_texts), text_span_and_outside_edits(worded_texts)))
def test_edits_that_do_not_touch_a_span_re_anchor_it_exactly(case):
    text, start, end, edits = case
    new, applied = apply_disjoint(text, edits)
    shift = sum(len(r) - (b - a) for a, b, r in applied if b <= start)
    quote = text[start:end]
    # A quote that occurs twice is ambiguous when an edit removes text next to a copy: the texts
    # alone cannot tell which copy went (see reanchoring's docstring).
    assume(len(find_all(text, quote)) == 1)
    span = OldSpan(1, start, end, quote, *context_of(text, start, end))
    placement = place(text, new, span)
    assert placement.state in (KEPT, MOVED)
    assert new[placement.start : placement.end] == quote
    if len(find_all(new, quote)) == 1:  # else an edit beside it added a copy: either copy is the quote
        assert placement.start == start + shift
    assert (placement.state == KEPT) == (placement.start == start)


@settings(max_examples=200, deadline=None)
@given(worded_texts, st.data())
def test_a_unique_span_untouched_by_edits_lands_on_its_own_words(text, data):
    """With the claim's words unique in the article, the place is the true one, never a look-alike."""
    marker = "[claim]"
    at = data.draw(st.integers(0, len(text)))
    text = text[:at] + marker + text[at:]
    start, end = at, at + len(marker)
    a = data.draw(st.integers(0, len(text)))
    assume(a <= start or a >= end)
    b = data.draw(st.integers(a, end if a <= start else len(text)))
    b = min(b, start) if a <= start else b
    new = text[:a] + data.draw(st.text(ALPHABET, max_size=8)) + text[b:]
    placement = place(text, new, OldSpan(1, start, end, marker, *context_of(text, start, end)))
    assert placement.state in (KEPT, MOVED)
    assert placement.start == new.index(marker)


@st.composite
def text_span_and_inside_edit(draw, alphabet):
    text, start, end = draw_span(draw, alphabet)
    a = draw(st.integers(start, end))
    b = draw(st.integers(a, end))
    replacement = draw(st.text(ALPHABET, max_size=8))
    return text, start, end, (a, b, replacement)


@settings(max_examples=400, deadline=None)
@given(st.one_of(text_span_and_inside_edit(random_texts), text_span_and_inside_edit(worded_texts)))
def test_edits_inside_a_span_give_changed_or_orphaned_never_a_wrong_exact_match(case):
    text, start, end, (a, b, replacement) = case
    quote = text[start:end]
    new = text[:a] + replacement + text[b:]
    new_end = end - (b - a) + len(replacement)
    edited = new[start:new_end]  # the span's words after the edit
    assume(edited != quote)
    assume(len(find_all(text, quote)) == 1)  # a deleted copy of a repeated quote is ambiguous
    # Nor is it an edit inside when the same new text also comes from an edit beside the span
    # (deleting one of two equal letters at its edge, say).
    assume(not new.startswith(text[:end]) and not new.endswith(text[start:]))
    placement = place(text, new, OldSpan(1, start, end, quote, *context_of(text, start, end)))
    if placement.state in (KEPT, MOVED):
        # An exact match only on the edited words themselves, never on a copy elsewhere: in a run
        # of repeated letters, the edit can leave the quote's letters in place, partly beside it.
        assert new[placement.start : placement.end] == quote
        assert placement.start <= new_end and placement.end >= start
    else:
        assert placement.state in (CHANGED, ORPHANED)
        if placement.state == CHANGED:
            assert new[placement.start : placement.end] == placement.quote != quote
            assert placement.similarity >= CHANGED_THRESHOLD


def test_an_orphan_found_again_never_takes_the_words_of_a_placed_span():
    """Both spans sit on the same words of version 2 (one re-attached there, one retired from there): the one
    still placed keeps them in version 3, whichever comes first, as long as the other is an orphan."""
    old = "Talks remain out of reach, analysts say."
    new = "UPDATE.\n" + old
    words = "Talks remain out of reach"
    for first, second in ((1, 2), (2, 1)):
        spans = [OldSpan(first, 0, len(words), words), OldSpan(second, 0, len(words), words)]
        placements = {p.span_id: p.state for p in reanchor_groups(new, [(old, spans)], orphans={1})}
        assert placements == {2: MOVED, 1: ORPHANED}
    # Without orphans the first keeps them, as before.
    spans = [OldSpan(1, 0, len(words), words), OldSpan(2, 0, len(words), words)]
    assert [p.state for p in reanchor_groups(new, [(old, spans)])] == [MOVED, ORPHANED]


# --------------------------------------------------------------------------
# The parts, each at its edges
# --------------------------------------------------------------------------

from annotator.domain.reanchoring import DiffMap, _trimmed, describe  # noqa: E402


def test_a_versions_outcomes_are_described_in_report_order_with_zeros():
    assert describe({"moved": 40, "kept": 3, "reattached": 9}) == "3 kept, 40 moved, 0 changed, 0 orphaned"
    assert describe({}) == "0 kept, 0 moved, 0 changed, 0 orphaned"


def test_only_text_carried_over_unchanged_counts_as_unchanged():
    # "abc" kept, "XY" inserted, "def" kept: new text "abcXYdef"
    mapping = DiffMap([(0, "abc"), (1, "XY"), (0, "def")])
    inside = [(0, 3), (1, 2), (2, 3), (5, 8), (6, 8), (5, 7)]
    across = [(0, 4), (3, 5), (4, 6), (2, 6)]
    assert [mapping.in_unchanged(a, b) for a, b in inside] == [True] * len(inside)
    assert [mapping.in_unchanged(a, b) for a, b in across] == [False] * len(across)


@pytest.mark.parametrize(
    "text, start, end, trimmed",
    [
        ("  ab  ", 0, 6, (2, 4)),
        ("ab ", 0, 3, (0, 2)),
        (" a", 0, 2, (1, 2)),
        ("x  y z", 1, 5, (3, 4)),
        ("a   ", 0, 4, (0, 1)),
        ("   ", 0, 3, (3, 3)),
    ],
)
def test_a_found_range_never_starts_or_ends_with_white_space(text, start, end, trimmed):
    assert _trimmed(text, start, end) == trimmed


def test_moved_and_edited_words_are_found_among_other_new_paragraphs():
    old = "Intro line here.\nThe army said 600,000 soldiers were killed.\nOutro text follows."
    claim = "The army said 600,000 soldiers were killed"
    edited = "The army said 620,000 soldiers were killed"
    for new in (
        f"Intro line here.\nOutro text follows.\n{edited}.",
        f"Intro line here.\nBreaking: markets fell sharply today.\nOutro text follows.\n{edited}.",
        f"Intro line here.\nOK.\nOutro text follows.\n{edited}.",
        f"Intro line here.\nThe navy said 900 sailors were hurt.\nOutro text follows.\n{edited}.",
        f"Intro line here.\nOutro text follows.\n  {edited}  \nEnd.",
    ):
        placement = place(old, new, span_of(old, claim))
        assert (placement.state, placement.quote) == (CHANGED, edited), new
        assert new[placement.start : placement.end] == edited
        assert placement.similarity == 97.6  # one character of 42 replaced: 2 * 41 / 84


def test_an_orphan_reports_how_alike_the_closest_new_wording_was():
    """The version page shows it ("62% alike"): here "army", 4 of the 9 characters of "said army"."""
    old = "Officials: said army, in short."
    for new in ("Officials: in short. army", "Officials: in short. said"):
        placement = place(old, new, span_of(old, "said army"))
        assert (placement.state, placement.similarity) == (ORPHANED, 61.5)  # 2 * 4 / 13


def test_the_image_of_deleted_words_is_what_replaced_them():
    # old "abcdef" -> new "abXYef": "cd" deleted, "XY" put in their place
    mapping = DiffMap([(0, "ab"), (-1, "cd"), (1, "XY"), (0, "ef")])
    assert mapping.image(2, 4) == (2, 4)  # "cd" became "XY"
    assert mapping.image(3, 4) == (2, 4)  # part of a deleted stretch: its whole replacement
    assert mapping.image(2, 3) == (2, 4)
    assert mapping.image(1, 5) == (1, 5)  # "bcde" became "bXYe"
    assert mapping.image(5, 6) == (5, 6)  # "f", after the edit


def test_of_several_re_inserted_copies_the_one_in_the_old_context_is_taken():
    """With the whole text replaced (every copy newly inserted), the words before the quote pick the copy."""
    old = "Intro. Officials said the claim holds. End."
    new = "Readers wrote the claim holds. Officials said the claim holds."
    (placement,) = reanchor(old, new, [span_of(old, "the claim holds")], diff=[(-1, old), (1, new)])
    assert (placement.span_id, placement.state, placement.start) == (1, MOVED, new.rindex("the claim holds"))


CLAIM_43 = "The army said 600,000 soldiers were killed."  # 43 characters


def _deleted_then_inserted(*inserted: str, before: str = "Intro. ") -> Placement:
    """The claim deleted from "<before><claim> End. Fin.", and each of ``inserted`` put in after "End."
    and after "Fin." (so never where the claim was)."""
    old = before + CLAIM_43 + " End. Fin."
    diff = [(0, before), (-1, CLAIM_43 + " "), (0, "End.")]
    for text, equal in zip(inserted, [" Fin.", ""], strict=False):
        diff += [(1, " " + text)] + ([(0, equal)] if equal else [])
    new = "".join(text for op, text in diff if op != -1)
    (placement,) = reanchor(old, new, [OldSpan(1, len(before), len(before) + len(CLAIM_43), CLAIM_43)], diff=diff)
    return placement


def test_of_two_equally_close_new_wordings_the_first_is_taken():
    first, second = CLAIM_43.replace("600,000", "620,000"), CLAIM_43.replace("600,000", "600,001")
    placement = _deleted_then_inserted(first, second)
    assert (placement.state, placement.start, placement.quote) == (CHANGED, 12, first)
    assert placement.similarity == 97.7  # 2 * 42 / 86


def test_a_closer_new_wording_wins_wherever_the_first_one_lies():
    far = "Intro. " + "x" * 150 + " "
    edited = CLAIM_43.replace("600,000", "620,000")
    placement = _deleted_then_inserted("The navy said 9 sailors were hurt.", edited, before=far)
    assert (placement.state, placement.quote) == (CHANGED, edited)


def test_new_passages_shorter_than_half_the_quote_are_not_candidates():
    # 21 characters inserted (a space and 20 of the quote's): half of 43, rounded down, is enough
    assert _deleted_then_inserted("army said 600,000 so").similarity == 63.5  # 2 * 20 / 63
    # 16 are not
    assert _deleted_then_inserted("army said 600,0").similarity == 0.0


def _through(diff: list[tuple[int, str]], start: int, quote: str = CLAIM_43) -> Placement:
    """The span ``quote`` at ``start`` of the diff's old text, placed in its new text through that diff."""
    old = "".join(text for op, text in diff if op != 1)
    new = "".join(text for op, text in diff if op != -1)
    assert old[start : start + len(quote)] == quote
    (placement,) = reanchor(old, new, [OldSpan(7, start, start + len(quote), quote)], diff=diff)
    return placement


EDITED_43 = CLAIM_43.replace("600,000", "620,000")


def test_a_close_new_wording_elsewhere_beats_an_unlike_replacement_in_place():
    replaced = [(-1, CLAIM_43 + " "), (1, "Unrelated words here. ")]
    early = _through([(0, "Intro. "), (1, EDITED_43 + " "), (0, "Mid. "), *replaced, (0, "End.")], 12)
    far = "Intro. " + "x" * 150 + " "
    late = _through([(0, far), *replaced, (0, "End."), (1, " " + EDITED_43), (0, " Fin.")], len(far))
    for placement, at in ((early, 7), (late, len(far) + len("Unrelated words here. End. "))):
        assert (placement.span_id, placement.state, placement.start, placement.quote) == (7, CHANGED, at, EDITED_43)


def test_words_re_inserted_where_they_were_are_kept():
    placement = _through([(-1, "Intro. " + CLAIM_43), (1, "Intro. " + CLAIM_43)], 7)
    assert (placement.span_id, placement.state, placement.start) == (7, KEPT, 7)


def test_a_replacement_exactly_at_the_threshold_is_the_changed_claim():
    # "abcdefghij" -> "abcdefgxyz": 7 of 10 characters kept, 2 * 7 / 20 = 70 %
    at_threshold = [(0, "Intro. abcdefg"), (-1, "hij"), (1, "xyz"), (0, " End.")]
    placement = _through(at_threshold, 7, "abcdefghij")
    assert (placement.state, placement.quote, placement.similarity) == (CHANGED, "abcdefgxyz", CHANGED_THRESHOLD)
    # good enough in place: a closer passage inserted elsewhere is not looked for
    placement = _through([*at_threshold, (1, " abcdefghik")], 7, "abcdefghij")
    assert (placement.start, placement.quote) == (7, "abcdefgxyz")


def test_an_orphan_keeps_its_span_id():
    placement = _through([(0, "Intro. "), (-1, CLAIM_43), (1, "Nothing alike."), (0, " End.")], 7)
    assert (placement.span_id, placement.state, placement.start, placement.quote) == (7, ORPHANED, None, None)


def test_of_several_re_inserted_copies_the_earlier_one_in_the_old_context_is_taken():
    old = "Intro. Officials said the claim holds. End."
    new = "Officials said the claim holds. Readers wrote the claim holds."
    (placement,) = reanchor(old, new, [span_of(old, "the claim holds")], diff=[(-1, old), (1, new)])
    assert (placement.state, placement.start) == (MOVED, new.index("the claim holds"))


def test_a_span_that_does_not_fit_its_old_text_is_looked_for_in_the_new_one():
    old, new = "Intro. End.", "Intro. End. The claim holds."
    placements = reanchor(old, new, [OldSpan(3, 0, 15, "The claim holds"), OldSpan(4, 0, 5, "Gone words")])
    assert [(p.span_id, p.state, p.start, p.quote) for p in placements] == [
        (3, MOVED, 12, "The claim holds"),
        (4, ORPHANED, None, None),
    ]


def test_of_copies_in_like_contexts_the_one_nearest_the_old_place_is_taken():
    """No context to go by (none stored): the copy nearest where the span was wins, not the first or last."""
    old, new = "Intro. End.", "claim one. claim two. claim three."
    placement = place(old, new, OldSpan(3, 12, 17, "claim"))
    assert (placement.state, placement.start) == (MOVED, 11)


def test_an_overlapping_copy_in_the_old_context_is_found():
    """Copies of "xx" at 4 and 5 of "Say xxx now.": the second one is followed by " now." as before."""
    old, new = "Say xx now.", "Say xxx now."
    (placement,) = reanchor(old, new, [span_of(old, "xx")], diff=[(-1, old), (1, new)])
    assert (placement.state, placement.start) == (MOVED, 5)


def test_the_words_after_a_copy_count_as_much_as_the_words_before_it():
    old = "Officials said the claim holds today."
    new = "Officials said the claim holds yesterday. Officials said the claim holds today."
    (placement,) = reanchor(old, new, [span_of(old, "the claim holds")], diff=[(-1, old), (1, new)])
    assert (placement.state, placement.start, placement.suffix) == (MOVED, new.rindex("the claim holds"), " today.")


def test_a_kept_or_moved_span_is_wholly_alike_with_its_new_context():
    new = "UPDATED: " + OLD
    for text, state in ((OLD, KEPT), (new, MOVED)):
        placement = place(OLD, text, span_of(OLD, CLAIM))
        at = text.index(CLAIM)
        assert (placement.state, placement.similarity) == (state, 100.0)
        assert (placement.prefix, placement.suffix) == context_of(text, at, at + len(CLAIM))


def test_a_span_orphaned_by_a_collision_keeps_its_similarity():
    new = OLD.replace("600,000", "650,000")
    first, second = reanchor(OLD, new, [span_of(OLD, CLAIM, 1), span_of(OLD, CLAIM, 2)])
    assert (first.state, second.state) == (CHANGED, ORPHANED)
    assert second.similarity == first.similarity < 100


def test_collisions_after_an_orphan_are_still_settled():
    spans = [OldSpan(1, 0, 10, "Gone words"), span_of(OLD, CLAIM, 2), span_of(OLD, CLAIM, 3)]
    assert [p.state for p in reanchor(OLD, OLD, spans)] == [ORPHANED, KEPT, ORPHANED]


def test_of_three_spans_on_one_range_only_the_most_certain_keeps_it():
    old = "Talks remain out of reach, analysts say."
    new = "UPDATE.\n" + old
    words = "Talks remain out of reach"
    spans = [OldSpan(span_id, 0, len(words), words) for span_id in (1, 2, 3)]
    # 1 is an orphan found again: 2 takes the words from it, and 3 (as certain as 2, but later) does not
    placements = reanchor_groups(new, [(old, spans)], orphans={1})
    assert [p.state for p in placements] == [ORPHANED, MOVED, ORPHANED]
    # without orphans the first of three keeps them
    assert [p.state for p in reanchor_groups(new, [(old, spans)])] == [MOVED, ORPHANED, ORPHANED]


def test_deleted_words_at_the_end_have_an_empty_image_after_the_new_text():
    # old "abcd" -> new "Xab": "X" put in first, "cd" deleted at the end
    mapping = DiffMap([(1, "X"), (0, "ab"), (-1, "cd")])
    assert mapping.image(2, 4) == (3, 3)
    assert mapping.unchanged(0, 2) == 1
