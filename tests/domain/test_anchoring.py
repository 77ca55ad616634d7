"""Tests for annotator.domain.anchoring: checking targets and locating quotes.

A target is TextPositionSelector (start, end in code points of the canonical
text) + TextQuoteSelector (exact, prefix, suffix); see DESIGN.md section 2.
"""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.domain.anchoring import (
    CONTEXT_LENGTH,
    AnchorError,
    QuoteAbsent,
    Target,
    anchor,
    context_of,
    find_all,
    locate_quote,
    quote_at,
    resolve_target,
    target_at,
)
from annotator.domain.text import canonicalize

ARTICLE = "The minister said unemployment fell by 3% in 2023. Critics disagree."

# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------

SPECIAL_CHARS = [
    "a",
    "b",
    "c",
    " ",
    "\n",
    ".",
    "\U0001f600",
    "\U0001f44d",
    "\U0001f3fd",
    "\u200d",
    "\U0001d400",
    "e",
    "\u0301",
    "\u0327",
    "\u00e9",
    "q",
    "\u05e9",
    "\u05dc",
    "\u05b8",
    "\u0645",
    "\u0631",
    "\u064e",
    "\u200f",
    "\u1100",
    "\u1161",
]
chars = st.one_of(st.sampled_from(SPECIAL_CHARS), st.characters(codec="utf-8"))


@st.composite
def text_and_range(draw):
    """Canonical text (with astral characters) and a valid [start, end)."""
    text = canonicalize(draw(st.text(alphabet=chars, min_size=1, max_size=80)))
    assume(text)
    start = draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = draw(st.integers(min_value=start + 1, max_value=len(text)))
    return text, start, end


# --------------------------------------------------------------------------
# resolve_target with offsets
# --------------------------------------------------------------------------


def test_valid_offsets_with_matching_quote_give_the_full_target():
    start = ARTICLE.index("unemployment")
    end = start + len("unemployment fell by 3%")
    target = resolve_target(ARTICLE, start=start, end=end, quote="unemployment fell by 3%")
    assert target == Target(
        start=start,
        end=end,
        quote="unemployment fell by 3%",
        prefix="The minister said ",
        suffix=" in 2023. Critics disagree.",
    )


def test_offsets_covering_the_whole_text_are_valid():
    target = resolve_target("short", start=0, end=5, quote="short")
    assert (target.start, target.end, target.quote, target.prefix, target.suffix) == (0, 5, "short", "", "")


def test_offsets_count_code_points_after_emoji():
    text = "\U0001f389\U0001f389 Party! The claim is here."
    start = text.index("claim")
    assert start == 14  # 16 in UTF-16 units: the browser must convert
    target = resolve_target(text, start=14, end=19, quote="claim")
    assert target.quote == "claim"
    assert target.prefix == "\U0001f389\U0001f389 Party! The "


def test_offsets_given_in_utf16_units_are_rejected_after_emoji():
    text = "\U0001f389 The claim"
    # "claim" is 6..11 in code points but 7..12 in UTF-16 units.
    assert resolve_target(text, start=6, end=11, quote="claim").quote == "claim"
    with pytest.raises(AnchorError):
        resolve_target(text, start=7, end=12, quote="claim")


def test_offsets_accept_a_quote_in_nfd_for_nfc_text():
    text = canonicalize("Le caf\u00e9 est fermé.")
    start = text.index("caf")
    target = resolve_target(text, start=start, end=start + 4, quote="cafe\u0301")
    assert target.quote == "caf\u00e9"


def test_offsets_accept_a_quote_with_crlf_for_newline_text():
    text = "one\ntwo"
    assert resolve_target(text, start=0, end=7, quote="one\r\ntwo").quote == "one\ntwo"


@pytest.mark.parametrize(
    "start, end",
    [(-1, 3), (0, len(ARTICLE) + 1), (-5, -1), (len(ARTICLE), len(ARTICLE) + 4)],
)
def test_offsets_outside_the_text_are_rejected(start, end):
    with pytest.raises(AnchorError, match=rf"within the article \(0 to {len(ARTICLE)}\)"):
        resolve_target(ARTICLE, start=start, end=end, quote="x")


@pytest.mark.parametrize("start, end", [(5, 5), (0, 0), (9, 4)])
def test_empty_or_reversed_range_is_rejected(start, end):
    with pytest.raises(AnchorError, match="empty"):
        resolve_target(ARTICLE, start=start, end=end, quote=ARTICLE[start:end] or "x")


@pytest.mark.parametrize("quote", ["", None])
def test_offsets_without_a_quote_are_rejected(quote):
    with pytest.raises(AnchorError, match="quote is missing"):
        resolve_target(ARTICLE, start=0, end=3, quote=quote)


def test_quote_that_does_not_match_the_offsets_is_rejected():
    with pytest.raises(AnchorError, match="does not match"):
        resolve_target(ARTICLE, start=0, end=3, quote="She")


def test_quote_off_by_one_from_the_offsets_is_rejected():
    with pytest.raises(AnchorError, match="does not match"):
        resolve_target(ARTICLE, start=1, end=4, quote="The")


@pytest.mark.parametrize("start, end", [(0, None), (None, 3)])
def test_only_one_offset_is_rejected(start, end):
    with pytest.raises(AnchorError, match="both the start and the end"):
        resolve_target(ARTICLE, start=start, end=end, quote="The")


def test_anchor_error_is_a_value_error():
    assert issubclass(AnchorError, ValueError)


# --------------------------------------------------------------------------
# resolve_target with a quote only
# --------------------------------------------------------------------------


def test_quote_found_once_is_located():
    target = resolve_target(ARTICLE, start=None, end=None, quote="Critics")
    start = ARTICLE.index("Critics")
    assert (target.start, target.end, target.quote) == (start, start + 7, "Critics")
    assert target.suffix == " disagree."


def test_quote_absent_is_rejected():
    with pytest.raises(AnchorError, match="does not occur"):
        resolve_target(ARTICLE, start=None, end=None, quote="inflation")


@pytest.mark.parametrize("quote", ["", None])
def test_empty_quote_without_offsets_is_rejected(quote):
    with pytest.raises(AnchorError, match="empty"):
        resolve_target(ARTICLE, start=None, end=None, quote=quote)


def test_ambiguous_quote_message_says_how_many_times_it_occurs():
    text = "tax cuts. More tax cuts. Even more tax cuts."
    with pytest.raises(AnchorError, match="occurs 3 times"):
        resolve_target(text, start=None, end=None, quote="tax cuts")


def test_ambiguous_quote_is_disambiguated_by_prefix():
    text = "tax cuts. More tax cuts. Even more tax cuts."
    target = resolve_target(text, start=None, end=None, quote="tax cuts", prefix="Even more ")
    assert target.start == text.rindex("tax cuts")
    assert target.quote == "tax cuts"


def test_ambiguous_quote_is_disambiguated_by_suffix():
    text = "tax cuts now; tax cuts later; tax cuts never"
    target = resolve_target(text, start=None, end=None, quote="tax cuts", suffix=" later")
    assert target.start == text.index("tax cuts later")


def test_ambiguous_quote_is_disambiguated_by_prefix_and_suffix_together():
    text = "a X b. a X c. d X c."
    target = resolve_target(text, start=None, end=None, quote="X", prefix="a ", suffix=" c")
    assert target.start == 9


def test_prefix_that_still_leaves_several_occurrences_is_rejected():
    text = "a X b. a X c. d X c."
    # (The count in the message is currently that of the occurrences fitting
    # the prefix, 2, not of all 3 in the article; only "ambiguous" is pinned.)
    with pytest.raises(AnchorError, match=r"occurs \d+ times"):
        resolve_target(text, start=None, end=None, quote="X", prefix="a ")


def test_prefix_matching_no_occurrence_is_rejected():
    text = "tax cuts. More tax cuts."
    with pytest.raises(AnchorError, match="given prefix or suffix"):
        resolve_target(text, start=None, end=None, quote="tax cuts", prefix="Fewer ")


def test_prefix_can_reach_the_start_of_the_text():
    text = "spam and spam"
    assert resolve_target(text, start=None, end=None, quote="spam", suffix=" and").start == 0
    assert resolve_target(text, start=None, end=None, quote="spam", prefix="and ").start == 9


def test_quote_in_nfd_is_found_in_nfc_text():
    text = canonicalize("Der Bundesminister f\u00fcr Gesundheit sagte ...")
    nfd_quote = unicodedata.normalize("NFD", "f\u00fcr Gesundheit")
    assert nfd_quote != "f\u00fcr Gesundheit"
    target = resolve_target(text, start=None, end=None, quote=nfd_quote)
    assert target.start == text.index("f\u00fcr")
    assert target.quote == "f\u00fcr Gesundheit"
    assert target.end - target.start == len("fur Gesundheit")


def test_prefix_in_nfd_disambiguates_nfc_text():
    text = "caf\u00e9 X; bar X"
    target = resolve_target(text, start=None, end=None, quote="X", prefix="cafe\u0301 ")
    assert target.start == 5


def test_quote_located_after_emoji_has_code_point_offsets():
    text = "\U0001f600\U0001f600\U0001f600 the claim"
    target = resolve_target(text, start=None, end=None, quote="claim")
    assert (target.start, target.end) == (8, 13)
    assert text[target.start : target.end] == "claim"


def test_locate_quote_rejects_empty_quote():
    with pytest.raises(AnchorError):
        locate_quote("text", "")


# --------------------------------------------------------------------------
# find_all
# --------------------------------------------------------------------------


def test_find_all_finds_overlapping_occurrences():
    assert find_all("aaaa", "aa") == [0, 1, 2]
    assert find_all("abababa", "aba") == [0, 2, 4]


def test_find_all_returns_empty_list_when_absent():
    assert find_all("abc", "x") == []


def test_find_all_counts_code_points_with_emoji():
    assert find_all("\U0001f600x\U0001f600x", "x") == [1, 3]


def test_overlapping_occurrences_make_a_quote_ambiguous():
    with pytest.raises(AnchorError, match="occurs 2 times"):
        locate_quote("aaa", "aa")


# --------------------------------------------------------------------------
# target_at / context_of
# --------------------------------------------------------------------------


def test_context_length_is_32_code_points():
    assert CONTEXT_LENGTH == 32


def test_context_is_at_most_32_code_points_each_side():
    text = "x" * 50 + "CLAIM" + "y" * 50
    prefix, suffix = context_of(text, 50, 55)
    assert prefix == "x" * 32
    assert suffix == "y" * 32


def test_context_at_start_of_text_has_empty_prefix():
    assert context_of("Claim and more", 0, 5) == ("", " and more")


def test_context_at_end_of_text_has_empty_suffix():
    assert context_of("Some text Claim", 10, 15) == ("Some text ", "")


def test_context_near_edges_is_truncated_not_padded():
    text = "ab" + "C" + "d" * 40
    prefix, suffix = context_of(text, 2, 3)
    assert prefix == "ab"
    assert suffix == "d" * 32


def test_context_counts_emoji_as_one_code_point():
    text = "\U0001f600" * 40 + "C" + "\U0001f44d" * 40
    prefix, suffix = context_of(text, 40, 41)
    assert prefix == "\U0001f600" * 32
    assert suffix == "\U0001f44d" * 32


def test_context_length_can_be_chosen():
    assert context_of("abcdefgh", 3, 5, length=2) == ("bc", "fg")


def test_target_at_builds_quote_and_context_from_offsets():
    text = "p" * 40 + "quote" + "s" * 40
    target = target_at(text, 40, 45)
    assert target == Target(40, 45, "quote", "p" * 32, "s" * 32)


def test_target_is_immutable():
    target = target_at("abc", 0, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        target.start = 2  # type: ignore[misc]


# --------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------


@settings(deadline=None)
@given(text_and_range())
def test_valid_range_with_its_own_quote_resolves_to_exactly_that_range(case):
    text, start, end = case
    quote = text[start:end]
    assume(quote.strip())  # white-space-only selections are refused (see below)
    target = resolve_target(text, start=start, end=end, quote=quote)
    assert (target.start, target.end, target.quote) == (start, end, quote)
    assert target.prefix == text[max(0, start - CONTEXT_LENGTH) : start]
    assert target.suffix == text[end : end + CONTEXT_LENGTH]
    assert len(target.prefix) <= CONTEXT_LENGTH and len(target.suffix) <= CONTEXT_LENGTH
    assert text.endswith(target.prefix + target.quote + target.suffix, 0, end + len(target.suffix))


@settings(deadline=None)
@given(text_and_range())
def test_unique_quote_alone_resolves_to_its_only_occurrence(case):
    text, start, end = case
    quote = text[start:end]
    assume(quote.strip())
    assume(len(find_all(text, quote)) == 1)
    target = resolve_target(text, start=None, end=None, quote=quote)
    assert target.start == text.index(quote) == start
    assert (target.end, target.quote) == (end, quote)


@settings(deadline=None)
@given(text_and_range())
def test_quote_with_its_full_context_resolves_back_to_its_range(case):
    # Re-anchoring path: when quote + context is itself unique, prefix and
    # suffix single out the original occurrence.
    text, start, end = case
    original = target_at(text, start, end)
    assume(original.quote.strip())
    window = original.prefix + original.quote + original.suffix
    assume(len(find_all(text, window)) == 1)
    target = resolve_target(
        text,
        start=None,
        end=None,
        quote=original.quote,
        prefix=original.prefix,
        suffix=original.suffix,
    )
    assert target == original


@settings(deadline=None)
@given(st.text(alphabet=chars, max_size=40), st.text(alphabet=chars, min_size=1, max_size=3))
def test_find_all_matches_brute_force_including_overlaps(text, quote):
    expected = [i for i in range(len(text)) if text.startswith(quote, i)]
    assert find_all(text, quote) == expected


@pytest.mark.parametrize("quote", [" ", "\n", " \t\n "])
def test_white_space_only_selection_is_refused(quote):
    text = "alpha \t\n beta"
    start = text.index(quote)
    with pytest.raises(AnchorError, match="only white space"):
        resolve_target(text, start=start, end=start + len(quote), quote=quote)
    with pytest.raises(AnchorError, match="only white space"):
        resolve_target(text, start=None, end=None, quote=quote)


# --------------------------------------------------------------------------
# anchor(): a quote selector placed with a position selector as a hint (imports)

PLAIN = st.text(alphabet="ab cé\nxyz.", min_size=1, max_size=80)


@st.composite
def text_and_span(draw):
    text = draw(PLAIN)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    return text, start, end


@given(text_and_span())
@settings(max_examples=300)
def test_anchor_keeps_a_hint_that_holds_the_quote(case):
    text, start, end = case
    prefix, suffix = context_of(text, start, end)
    target, moved = anchor(text, quote=text[start:end], prefix=prefix, suffix=suffix, start=start)
    assert (target, moved) == (target_at(text, start, end), False)


@given(text_and_span(), st.integers(0, 100) | st.none())
@settings(max_examples=300)
def test_anchor_never_places_a_quote_where_the_text_differs(case, hint):
    text, start, end = case
    quote = text[start:end]
    prefix, suffix = context_of(text, start, end)
    target, moved = (
        anchor(text, quote=quote, prefix=prefix, suffix=suffix, start=hint)
        if hint is not None
        else _anchor_or_ambiguous(text, quote, prefix, suffix)
    )
    if target is None:
        return
    assert text[target.start : target.end] == quote
    assert target.start in find_all(text, quote)
    if len(find_all(text, quote)) == 1:
        assert target.start == start
    if hint == start:
        assert not moved


def _anchor_or_ambiguous(text, quote, prefix, suffix):
    try:
        return anchor(text, quote=quote, prefix=prefix, suffix=suffix)
    except AnchorError as error:
        assert "times" in str(error)
        return None, None


def test_anchor_moves_to_the_quote_when_the_hint_is_stale():
    target, moved = anchor(ARTICLE, quote="Critics disagree", start=3)
    assert (target.start, moved) == (ARTICLE.index("Critics disagree"), True)


def test_anchor_takes_the_occurrence_nearest_the_hint_when_context_does_not_decide():
    text = "rose rose rose"
    assert anchor(text, quote="rose", start=9)[0].start == 10
    assert anchor(text, quote="rose", prefix="rose ", suffix=" rose")[0].start == 5


@pytest.mark.parametrize("quote", ["", "   ", "absent words"])
def test_anchor_refuses_an_empty_or_absent_quote(quote):
    with pytest.raises(AnchorError):
        anchor(ARTICLE, quote=quote, start=0)


@pytest.mark.parametrize(
    "start, end, quote, selector",
    [
        (None, 3, "abc", "start"),
        (0, None, "abc", "end"),
        (-1, 3, "abc", "start"),
        (0, 99, "abc", "end"),
        (2, 2, "abc", "end"),
        (0, 3, "xyz", "exact"),
        (None, None, "zzz", "exact"),
        (None, None, " ", "exact"),
    ],
)
def test_an_anchor_error_names_the_selector_member_at_fault(start, end, quote, selector):
    with pytest.raises(AnchorError) as caught:
        resolve_target("abc abc def", start=start, end=end, quote=quote)
    assert caught.value.selector == selector


# --------------------------------------------------------------------------
# quote_at: the text a position selector points at, or nothing

QUOTE_TEXT = "abc def"


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (0, 3, "abc"),  # a range at the very start
        (4, 7, "def"),  # a range ending at the text's end is valid
        (0, 7, "abc def"),  # the whole text
        (6, 7, "f"),
    ],
)
def test_quote_at_gives_the_text_of_a_valid_range(start, end, expected):
    assert quote_at(QUOTE_TEXT, start, end) == expected


@pytest.mark.parametrize(
    "start, end",
    [
        (None, 3),
        (0, None),
        (None, None),
        (3, 3),  # empty
        (5, 2),  # reversed
        (-1, 3),  # before the text
        (4, 8),  # past the text's end
        (0, 99),
    ],
)
def test_quote_at_of_a_missing_or_invalid_range_is_empty(start, end):
    assert quote_at(QUOTE_TEXT, start, end) == ""


# --------------------------------------------------------------------------
# The messages a user sees when a target is refused


def _message(call) -> str:
    with pytest.raises(AnchorError) as caught:
        call()
    return str(caught.value)


def test_locate_quote_messages():
    assert _message(lambda: locate_quote("abc", "")) == "The quote is empty."
    assert _message(lambda: locate_quote("abc", "x")) == "This quote does not occur in the article text."
    assert _message(lambda: locate_quote("a X b a X c", "X", prefix="z ")) == (
        "This quote does not occur in the article with the given prefix or suffix."
    )
    assert _message(lambda: locate_quote("X X X", "X")) == (
        "This quote occurs 3 times in the article; select it in the text or give a prefix so that it is unambiguous."
    )


def test_resolve_target_messages():
    text = "abc abc def"
    assert _message(lambda: resolve_target(text, start=None, end=None, quote=" \n")) == (
        "The selection holds only white space; select words of the article."
    )
    assert _message(lambda: resolve_target(text, start=0, end=None, quote="abc")) == (
        "Give both the start and the end offset, or neither."
    )
    assert _message(lambda: resolve_target(text, start=0, end=12, quote="abc")) == (
        "The offsets must lie within the article (0 to 11)."
    )
    assert _message(lambda: resolve_target(text, start=3, end=3, quote="abc")) == (
        "The selection is empty: the start must come before the end."
    )
    assert _message(lambda: resolve_target(text, start=0, end=3, quote="")) == "The quote is missing."
    assert _message(lambda: resolve_target(text, start=0, end=3, quote="abd")) == (
        "The quote does not match the article text at these offsets; the article may have changed."
    )


def test_anchor_messages():
    assert _message(lambda: anchor("abc", quote=" \t")) == "The quote is empty."
    with pytest.raises(QuoteAbsent) as caught:
        anchor("abc", quote="xyz", start=0)
    assert str(caught.value) == "The quote does not occur in the article text."
    assert _message(lambda: anchor("rose rose", quote="rose")) == (
        "The quote occurs 2 times in the article and nothing says which."
    )


# --------------------------------------------------------------------------
# Edges of locating a quote (survivors of a mutation run, and an outside audit)


def test_a_unique_quote_is_found_even_when_its_prefix_and_suffix_are_stale():
    # One occurrence needs no context: a prefix or suffix that no longer fits does not refuse it.
    assert locate_quote("spam and eggs", "eggs", prefix="ham and ") == 9
    assert locate_quote("spam and eggs", "spam", suffix=" or") == 0
    assert resolve_target("spam and eggs", start=None, end=None, quote="eggs", prefix="ham and ").start == 9


def test_a_quote_with_extra_white_space_is_not_accepted():
    text = "The minister said unemployment fell."
    start = text.index("unemployment")
    end = start + len("unemployment")
    for quote in (" unemployment", "unemployment ", "unemployment\n", "unemployment  fell"):
        with pytest.raises(AnchorError, match="does not match"):
            resolve_target(text, start=start, end=end, quote=quote)
    with pytest.raises(AnchorError, match="does not occur"):
        resolve_target(text, start=None, end=None, quote="unemployment  fell")
    with pytest.raises(QuoteAbsent):
        anchor(text, quote="said  unemployment", start=13)


def test_anchor_with_a_quote_twice_and_no_hint_is_ambiguous():
    with pytest.raises(AnchorError, match="occurs 2 times"):
        anchor("rose and rose", quote="rose")


def test_anchor_takes_the_nearer_of_two_occurrences_to_a_stale_hint():
    target, moved = anchor("rose and rose", quote="rose", start=8)
    assert (target.start, moved) == (9, True)
    target, moved = anchor("rose and rose", quote="rose", start=3)
    assert (target.start, moved) == (0, True)


@pytest.mark.parametrize("text", ["XXXXrose rose", "rose roseXXXX", "rose XXXXroseXXXX"])
def test_anchor_without_prefix_or_suffix_prefers_no_occurrence(text):
    # No context given: nothing in the text around one occurrence may single it out.
    with pytest.raises(AnchorError, match="occurs 2 times"):
        anchor(text, quote="rose")


def test_anchor_canonicalises_prefix_and_suffix_before_comparing_them():
    # The text is NFC ("café"); the prefix and suffix come in NFD and with CRLF, as an import may give them.
    text = "caf\u00e9 X tea\nbar X tea\nbar X beer"
    target, moved = anchor(text, quote="X", prefix="cafe\u0301 ", start=20)
    assert (target.start, moved) == (5, True)
    target, moved = anchor(text, quote="X", suffix=" tea\r\nbar X b", start=0)
    assert (target.start, moved) == (15, True)
