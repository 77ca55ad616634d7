"""Tests for annotator.domain.text: canonical text, paragraphs and highlight segments.

Offsets are Python str indices (Unicode code points) into canonical text
(``\\n`` line endings, NFC); see DESIGN.md section 2.
"""

from __future__ import annotations

import bisect
import json
import random
import re
import unicodedata
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.domain.text import (
    NotText,
    Paragraph,
    Segment,
    SpanRef,
    canonicalize,
    canonicalize_fragment,
    check_text,
    cut_at_suggestions,
    loads_json,
    one_line,
    paragraph_bounds,
    paragraphs,
    paragraphs_touching,
    segment,
    touched_bounds,
)

# --------------------------------------------------------------------------
# Helpers and strategies
# --------------------------------------------------------------------------

# Characters that make offset bugs visible: astral code points (emoji, which
# are two UTF-16 units but one code point), combining marks, RTL scripts and
# bidi controls, Hangul jamo that compose under NFC, line endings and a BOM.
SPECIAL_CHARS = [
    "a",
    "b",
    " ",
    "\n",
    "\n",
    "\r",
    "\t",
    ".",
    "\U0001f600",  # grinning face (astral)
    "\U0001f44d",
    "\U0001f3fd",  # thumbs up + skin tone modifier
    "\u200d",  # zero width joiner
    "\U0001d400",  # mathematical bold A (astral, NFC-stable)
    "e",
    "\u0301",
    "\u0308",
    "\u0327",  # base + combining marks
    "\u00e9",  # precomposed e-acute
    "\u05e9",
    "\u05dc",
    "\u05d5",
    "\u05dd",
    "\u05b8",  # Hebrew + point
    "\u0645",
    "\u0631",
    "\u062d",
    "\u0628",
    "\u064e",  # Arabic + fatha
    "\u200f",
    "\u202e",  # RLM, RLO
    "\u1100",
    "\u1161",
    "\u11a8",  # Hangul jamo L V T
    "\ufeff",
]

chars = st.one_of(
    st.sampled_from(SPECIAL_CHARS),
    st.characters(codec="utf-8"),  # any code point except surrogates
)
texts = st.text(alphabet=chars, max_size=60)


@st.composite
def text_and_spans(draw, allow_invalid: bool = False):
    """A text and a list of spans with unique ids, possibly overlapping/nested."""
    text = draw(texts)
    n = len(text)
    count = draw(st.integers(min_value=0, max_value=8))
    ids = draw(st.lists(st.integers(min_value=1, max_value=10_000), min_size=count, max_size=count, unique=True))
    spans = []
    for span_id in ids:
        if allow_invalid and draw(st.booleans()):
            start = draw(st.integers(min_value=-3, max_value=n + 3))
            end = draw(st.integers(min_value=-3, max_value=n + 3))
        elif n == 0:
            continue
        else:
            start = draw(st.integers(min_value=0, max_value=n - 1))
            end = draw(st.integers(min_value=start + 1, max_value=n))
        spans.append(SpanRef(span_id, start, end))
    return text, spans


def is_valid(span: SpanRef, text: str) -> bool:
    return 0 <= span.start < span.end <= len(text)


def covering(spans, seg_start: int, seg_end: int, text: str) -> set[int]:
    """Brute force: ids of the valid spans that cover [seg_start, seg_end)."""
    return {s.id for s in spans if is_valid(s, text) and s.start <= seg_start and seg_end <= s.end}


def summary(segments) -> list[tuple[int, int, str, tuple[int, ...]]]:
    return [(s.start, s.end, s.text, s.span_ids) for s in segments]


# --------------------------------------------------------------------------
# canonicalize
# --------------------------------------------------------------------------


def test_canonicalize_turns_crlf_into_newline():
    assert canonicalize("one\r\ntwo\r\nthree") == "one\ntwo\nthree"


def test_canonicalize_turns_lone_cr_into_newline():
    assert canonicalize("one\rtwo\rthree") == "one\ntwo\nthree"


def test_canonicalize_handles_mixed_line_endings_without_merging_breaks():
    # "\r\r\n" is a lone CR followed by a CRLF: two line breaks, not one.
    assert canonicalize("a\r\r\nb\n\rc\r\n\r\nd") == "a\n\nb\n\nc\n\nd"


def test_canonicalize_composes_nfd_into_nfc():
    nfd = "Cafe\u0301 cre\u0300me bru\u0302le\u0301e"
    out = canonicalize(nfd)
    assert out == "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e"
    assert len(out) == len("Cafe creme brulee")
    assert unicodedata.is_normalized("NFC", out)


def test_canonicalize_composes_hangul_jamo():
    assert canonicalize("\u1100\u1161\u11a8") == "\uac01"


def test_canonicalize_keeps_combining_marks_without_precomposed_form():
    # q + acute has no precomposed character: NFC keeps two code points.
    assert canonicalize("q\u0301") == "q\u0301"


def test_canonicalize_drops_leading_bom():
    assert canonicalize("\ufeffHello") == "Hello"


def test_canonicalize_drops_bom_before_crlf_text():
    assert canonicalize("\ufeffa\r\nb\r\n") == "a\nb"


def test_canonicalize_drops_repeated_leading_boms_so_that_it_is_idempotent():
    # Regression: only one BOM used to be dropped, so canonicalize("\ufeff\ufeffab")
    # was "\ufeffab" and canonicalizing that again gave "ab" (offsets shift by 1).
    assert canonicalize("\ufeff\ufeffab") == "ab"
    assert canonicalize("\ufeff\ufeff") == ""


def test_canonicalize_drops_only_boms_at_the_start_not_other_characters():
    assert canonicalize("XXL sizes run small") == "XXL sizes run small"
    assert canonicalize("\ufeffXX\ufeff") == "XX\ufeff"


def test_canonicalize_keeps_bom_that_is_not_leading():
    assert canonicalize("a\ufeffb") == "a\ufeffb"


def test_canonicalize_trims_trailing_whitespace_at_the_very_end():
    assert canonicalize("Last line.  \n\n\t \r\n") == "Last line."


def test_canonicalize_keeps_leading_whitespace():
    assert canonicalize("  \n indented") == "  \n indented"


def test_canonicalize_keeps_trailing_spaces_inside_the_text():
    assert canonicalize("line one   \nline two\t\n\n\nline five") == ("line one   \nline two\t\n\n\nline five")


def test_canonicalize_of_whitespace_only_is_empty():
    assert canonicalize(" \r\n\t\n ") == ""
    assert canonicalize("") == ""


def test_canonicalize_leaves_canonical_text_unchanged():
    text = "Ünïcödé \U0001f600 \u05e9\u05dc\u05d5\u05dd\nsecond paragraph"
    assert canonicalize(text) == text


def test_canonicalize_keeps_emoji_as_single_code_points():
    out = canonicalize("\U0001f600\U0001f44d\U0001f3fd ok\r\n")
    assert out == "\U0001f600\U0001f44d\U0001f3fd ok"
    assert len(out) == 6


def test_canonicalize_fragment_normalises_but_does_not_trim():
    assert canonicalize_fragment(" Cafe\u0301 \r\n") == " Caf\u00e9 \n"
    assert canonicalize_fragment("\rx\r") == "\nx\n"


@settings(deadline=None)
@given(st.text(alphabet=chars, max_size=80))
@example("\ufeff\ufeffab")
@example("\ufeff\r\n\ufeffx\r")
@example("a\r\r\nb \u2028\x85")
def test_canonicalize_is_idempotent_and_has_no_carriage_returns(raw):
    once = canonicalize(raw)
    assert "\r" not in once
    assert canonicalize(once) == once


@settings(deadline=None)
@given(st.text(alphabet=chars, max_size=80))
def test_canonicalize_output_is_nfc_without_trailing_whitespace_or_bom(raw):
    out = canonicalize(raw)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.rstrip()
    assert not out.startswith("\ufeff")


# --------------------------------------------------------------------------
# paragraph_bounds
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", [(0, 0)]),
        ("one", [(0, 3)]),
        ("one\ntwo", [(0, 3), (4, 7)]),
        ("a\n\nb", [(0, 1), (2, 2), (3, 4)]),
        ("\na", [(0, 0), (1, 2)]),
        ("a\n", [(0, 1), (2, 2)]),
        ("\n", [(0, 0), (1, 1)]),
        ("\U0001f600\nx", [(0, 1), (2, 3)]),
    ],
)
def test_paragraph_bounds_split_on_newline(text, expected):
    assert paragraph_bounds(text) == expected


@settings(deadline=None)
@given(texts)
def test_paragraph_bounds_match_str_split(text):
    bounds = paragraph_bounds(text)
    assert [text[a:b] for a, b in bounds] == text.split("\n")
    for (_, end), (next_start, _) in pairwise(bounds):
        assert text[end] == "\n"
        assert next_start == end + 1


# --------------------------------------------------------------------------
# segment(): hand-worked examples
# --------------------------------------------------------------------------


def test_span_ref_length_is_end_minus_start():
    assert SpanRef(1, 3, 10).length == 7


def test_segment_depth_is_number_of_covering_spans():
    assert Segment(0, 1, "x", (3, 1, 2)).depth == 3
    assert Segment(0, 1, "x").depth == 0


def test_text_without_spans_is_one_plain_segment():
    assert summary(segment("Hello world", [])) == [(0, 11, "Hello world", ())]


def test_empty_text_gives_a_single_empty_segment():
    assert summary(segment("", [])) == [(0, 0, "", ())]


def test_empty_text_ignores_all_spans():
    assert summary(segment("", [SpanRef(1, 0, 1), SpanRef(2, 0, 0)])) == [(0, 0, "", ())]


def test_single_span_splits_text_into_three_segments():
    text = "The sky is green today."
    assert summary(segment(text, [SpanRef(4, 4, 16)])) == [
        (0, 4, "The ", ()),
        (4, 16, "sky is green", (4,)),
        (16, 23, " today.", ()),
    ]


def test_span_at_start_and_end_of_text_leaves_no_empty_segment():
    text = "abcdef"
    assert summary(segment(text, [SpanRef(1, 0, 2), SpanRef(2, 4, 6)])) == [
        (0, 2, "ab", (1,)),
        (2, 4, "cd", ()),
        (4, 6, "ef", (2,)),
    ]


def test_span_covering_whole_text_is_one_segment():
    assert summary(segment("whole", [SpanRef(9, 0, 5)])) == [(0, 5, "whole", (9,))]


def test_nested_spans_list_innermost_first():
    text = "The quick brown fox jumps"
    # The outer span has the smaller id: order is by length, not by id.
    outer = SpanRef(1, 0, 25)
    inner = SpanRef(2, 4, 15)
    innermost = SpanRef(3, 10, 15)
    assert summary(segment(text, [outer, inner, innermost])) == [
        (0, 4, "The ", (1,)),
        (4, 10, "quick ", (2, 1)),
        (10, 15, "brown", (3, 2, 1)),
        (15, 25, " fox jumps", (1,)),
    ]


def test_nested_spans_order_does_not_depend_on_input_order():
    text = "The quick brown fox jumps"
    spans = [SpanRef(30, 0, 25), SpanRef(20, 4, 15), SpanRef(10, 10, 15)]
    expected = summary(segment(text, spans))
    assert summary(segment(text, list(reversed(spans)))) == expected
    assert expected[2] == (10, 15, "brown", (10, 20, 30))


def test_overlapping_spans_split_into_three_covered_segments():
    text = "0123456789abcdefghij"
    a = SpanRef(5, 0, 8)  # length 8
    b = SpanRef(3, 4, 16)  # length 12
    assert summary(segment(text, [b, a])) == [
        (0, 4, "0123", (5,)),
        (4, 8, "4567", (5, 3)),  # a is shorter, so it comes first
        (8, 16, "89abcdef", (3,)),
        (16, 20, "ghij", ()),
    ]


def test_overlapping_spans_of_equal_length_are_ordered_by_id():
    text = "0123456789abcde"
    assert summary(segment(text, [SpanRef(2, 5, 15), SpanRef(1, 0, 10)])) == [
        (0, 5, "01234", (1,)),
        (5, 10, "56789", (1, 2)),
        (10, 15, "abcde", (2,)),
    ]


def test_identical_ranges_share_one_segment_ordered_by_id():
    text = "abcdefghi"
    assert summary(segment(text, [SpanRef(7, 3, 6), SpanRef(2, 3, 6), SpanRef(5, 3, 6)])) == [
        (0, 3, "abc", ()),
        (3, 6, "def", (2, 5, 7)),
        (6, 9, "ghi", ()),
    ]


def test_adjacent_spans_meet_without_empty_or_shared_segment():
    text = "aaaaabbbbb"
    assert summary(segment(text, [SpanRef(1, 0, 5), SpanRef(2, 5, 10)])) == [
        (0, 5, "aaaaa", (1,)),
        (5, 10, "bbbbb", (2,)),
    ]


def test_span_starting_where_nested_span_ends_splits_correctly():
    text = "0123456789"
    spans = [SpanRef(1, 0, 10), SpanRef(2, 2, 5), SpanRef(3, 5, 7)]
    assert summary(segment(text, spans)) == [
        (0, 2, "01", (1,)),
        (2, 5, "234", (2, 1)),
        (5, 7, "56", (3, 1)),
        (7, 10, "789", (1,)),
    ]


def test_spans_sharing_a_start_split_where_the_shorter_ends():
    text = "0123456789"
    assert summary(segment(text, [SpanRef(1, 2, 9), SpanRef(2, 2, 4)])) == [
        (0, 2, "01", ()),
        (2, 4, "23", (2, 1)),
        (4, 9, "45678", (1,)),
        (9, 10, "9", ()),
    ]


def test_spans_sharing_an_end_split_where_the_shorter_starts():
    text = "0123456789"
    assert summary(segment(text, [SpanRef(1, 1, 8), SpanRef(2, 6, 8)])) == [
        (0, 1, "0", ()),
        (1, 6, "12345", (1,)),
        (6, 8, "67", (2, 1)),
        (8, 10, "89", ()),
    ]


def test_span_crossing_a_newline_is_one_segment_in_segment():
    text = "first line\nsecond line"
    assert summary(segment(text, [SpanRef(1, 6, 17)])) == [
        (0, 6, "first ", ()),
        (6, 17, "line\nsecond", (1,)),
        (17, 22, " line", ()),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        SpanRef(1, -1, 3),  # starts before the text
        SpanRef(1, 2, 99),  # ends after the text
        SpanRef(1, 3, 3),  # empty
        SpanRef(1, 4, 2),  # reversed
        SpanRef(1, 10, 11),  # entirely after the text
    ],
)
def test_spans_out_of_range_or_empty_are_ignored(bad):
    text = "0123456789"
    assert summary(segment(text, [bad, SpanRef(2, 5, 7)])) == [
        (0, 5, "01234", ()),
        (5, 7, "56", (2,)),
        (7, 10, "789", ()),
    ]


def test_span_ending_exactly_at_text_end_is_accepted():
    assert summary(segment("abc", [SpanRef(1, 1, 3)])) == [(0, 1, "a", ()), (1, 3, "bc", (1,))]


def test_segment_offsets_count_code_points_not_utf16_units():
    text = "\U0001f600\U0001f600 claim here"  # two emoji: 2 code points, 4 UTF-16 units
    segs = segment(text, [SpanRef(1, 3, 8)])
    assert summary(segs) == [
        (0, 3, "\U0001f600\U0001f600 ", ()),
        (3, 8, "claim", (1,)),
        (8, 13, " here", ()),
    ]


def test_segment_accepts_a_generator_of_spans():
    text = "abcdef"
    spans = (SpanRef(i, i, i + 2) for i in (0, 3))
    assert summary(segment(text, spans)) == [
        (0, 2, "ab", (0,)),
        (2, 3, "c", ()),
        (3, 5, "de", (3,)),
        (5, 6, "f", ()),
    ]


# --------------------------------------------------------------------------
# paragraphs(): hand-worked examples
# --------------------------------------------------------------------------


def para_summary(paras):
    return [(p.start, p.end, summary(p.segments)) for p in paras]


def test_paragraphs_of_text_without_spans():
    assert para_summary(paragraphs("one\ntwo", [])) == [
        (0, 3, [(0, 3, "one", ())]),
        (4, 7, [(4, 7, "two", ())]),
    ]


def test_paragraphs_of_empty_text_is_one_empty_paragraph():
    paras = paragraphs("", [])
    assert para_summary(paras) == [(0, 0, [])]
    assert paras[0].text == ""


def test_span_crossing_a_newline_is_cut_into_both_paragraphs():
    text = "first line\nsecond line"
    assert para_summary(paragraphs(text, [SpanRef(1, 6, 17)])) == [
        (0, 10, [(0, 6, "first ", ()), (6, 10, "line", (1,))]),
        (11, 22, [(11, 17, "second", (1,)), (17, 22, " line", ())]),
    ]


def test_span_crossing_several_newlines_and_an_empty_paragraph():
    text = "ab\n\ncd\nef"
    assert para_summary(paragraphs(text, [SpanRef(1, 1, 8)])) == [
        (0, 2, [(0, 1, "a", ()), (1, 2, "b", (1,))]),
        (3, 3, []),
        (4, 6, [(4, 6, "cd", (1,))]),
        (7, 9, [(7, 8, "e", (1,)), (8, 9, "f", ())]),
    ]


def test_span_ending_at_paragraph_end_stays_in_its_paragraph():
    text = "abc\ndef"
    # [0, 3) ends right before the newline.
    assert para_summary(paragraphs(text, [SpanRef(1, 0, 3)])) == [
        (0, 3, [(0, 3, "abc", (1,))]),
        (4, 7, [(4, 7, "def", ())]),
    ]


def test_span_starting_at_paragraph_start_stays_in_its_paragraph():
    text = "abc\ndef"
    assert para_summary(paragraphs(text, [SpanRef(1, 4, 6)])) == [
        (0, 3, [(0, 3, "abc", ())]),
        (4, 7, [(4, 6, "de", (1,)), (6, 7, "f", ())]),
    ]


def test_span_including_the_trailing_newline_does_not_leak_into_next_paragraph():
    text = "abc\ndef"
    assert para_summary(paragraphs(text, [SpanRef(1, 1, 4)])) == [
        (0, 3, [(0, 1, "a", ()), (1, 3, "bc", (1,))]),
        (4, 7, [(4, 7, "def", ())]),
    ]


def test_span_starting_on_the_newline_begins_in_next_paragraph():
    text = "abc\ndef"
    assert para_summary(paragraphs(text, [SpanRef(1, 3, 5)])) == [
        (0, 3, [(0, 3, "abc", ())]),
        (4, 7, [(4, 5, "d", (1,)), (5, 7, "ef", ())]),
    ]


def test_span_covering_only_newlines_appears_in_no_paragraph():
    text = "a\n\nb"
    paras = paragraphs(text, [SpanRef(1, 1, 3)])
    assert para_summary(paras) == [
        (0, 1, [(0, 1, "a", ())]),
        (2, 2, []),
        (3, 4, [(3, 4, "b", ())]),
    ]


def test_nested_spans_across_paragraphs_keep_innermost_first():
    text = "alpha beta\ngamma delta"
    spans = [SpanRef(1, 0, 22), SpanRef(2, 6, 16)]
    assert para_summary(paragraphs(text, spans)) == [
        (0, 10, [(0, 6, "alpha ", (1,)), (6, 10, "beta", (2, 1))]),
        (11, 22, [(11, 16, "gamma", (2, 1)), (16, 22, " delta", (1,))]),
    ]


def test_leading_and_trailing_newlines_give_empty_paragraphs():
    text = "\nmid\n"
    paras = paragraphs(text, [SpanRef(1, 1, 4)])
    assert para_summary(paras) == [
        (0, 0, []),
        (1, 4, [(1, 4, "mid", (1,))]),
        (5, 5, []),
    ]
    assert "\n".join(p.text for p in paras) == text


def test_paragraph_text_joins_its_segments():
    p = Paragraph(0, 5, [Segment(0, 2, "ab", (1,)), Segment(2, 5, "cde", ())])
    assert p.text == "abcde"


def test_paragraph_offsets_count_code_points_after_emoji():
    text = "\U0001f389 Party\nThe claim \U0001f600 here"
    start = text.index("claim")
    paras = paragraphs(text, [SpanRef(1, start, start + 5)])
    assert paras[1].start == 8
    claim = [s for s in paras[1].segments if s.span_ids == (1,)]
    assert [(s.start, s.end, s.text) for s in claim] == [(12, 17, "claim")]


# --------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True))
def test_segments_are_contiguous_and_join_back_to_the_text(case):
    text, spans = case
    segs = segment(text, spans)
    assert "".join(s.text for s in segs) == text
    assert segs[0].start == 0
    assert segs[-1].end == len(text)
    for a, b in pairwise(segs):
        assert a.end == b.start
    for s in segs:
        assert s.start <= s.end
        assert s.text == text[s.start : s.end]


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True))
def test_each_segment_lists_exactly_the_spans_covering_it(case):
    text, spans = case
    segs = segment(text, spans)
    if text:
        assert all(s.start < s.end for s in segs), "no empty segment in non-empty text"
    else:
        assert summary(segs) == [(0, 0, "", ())]
    for s in segs:
        assert len(s.span_ids) == len(set(s.span_ids))
        assert set(s.span_ids) == covering(spans, s.start, s.end, text)


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True))
def test_segment_span_ids_are_ordered_innermost_first_then_by_id(case):
    text, spans = case
    by_id = {s.id: s for s in spans}
    for seg in segment(text, spans):
        keys = [(by_id[i].length, i) for i in seg.span_ids]
        assert keys == sorted(keys)


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True))
def test_adjacent_segments_have_different_span_sets(case):
    # Guaranteed for spans with distinct ids: every cut is at a position where
    # some span starts or ends, and no span can both end and start at the same
    # position (start < end), so the covering set always changes at a cut.
    text, spans = case
    segs = segment(text, spans)
    for a, b in pairwise(segs):
        assert set(a.span_ids) != set(b.span_ids)


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True))
def test_segments_cut_only_at_span_boundaries(case):
    text, spans = case
    boundaries = {p for s in spans if is_valid(s, text) for p in (s.start, s.end)}
    for a in segment(text, spans)[:-1]:
        assert a.end in boundaries


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True), st.randoms(use_true_random=False))
def test_segmentation_does_not_depend_on_span_order(case, rnd: random.Random):
    text, spans = case
    shuffled = list(spans)
    rnd.shuffle(shuffled)
    assert summary(segment(text, shuffled)) == summary(segment(text, spans))


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True))
def test_paragraphs_join_back_to_the_text_and_hold_their_segments(case):
    text, spans = case
    paras = paragraphs(text, spans)
    assert "\n".join(p.text for p in paras) == text
    assert [(p.start, p.end) for p in paras] == paragraph_bounds(text)
    for p in paras:
        position = p.start
        for s in p.segments:
            assert p.start <= s.start < s.end <= p.end
            assert s.start == position, "segments are contiguous within a paragraph"
            position = s.end
            assert "\n" not in s.text
            assert s.text == text[s.start : s.end]
            assert set(s.span_ids) == covering(spans, s.start, s.end, text)
        assert position == p.end or (not p.segments and p.start == p.end)


@settings(deadline=None)
@given(text_and_spans(allow_invalid=True))
def test_paragraph_segments_are_the_text_segments_cut_at_newlines(case):
    text, spans = case
    whole = segment(text, spans)
    ids_at = {}
    for s in whole:
        for i in range(s.start, s.end):
            ids_at[i] = s.span_ids
    for p in paragraphs(text, spans):
        for s in p.segments:
            for i in range(s.start, s.end):
                assert ids_at[i] == s.span_ids  # same ids in the same order
        for a, b in pairwise(p.segments):
            assert set(a.span_ids) != set(b.span_ids)


# --------------------------------------------------------------------------
# paragraphs_touching: what a save swaps in place
# --------------------------------------------------------------------------


@given(text_and_spans(), st.data())
@settings(max_examples=400)
def test_paragraphs_touching_a_span_are_exactly_those_of_the_whole_rendering(case, data):
    """The paragraphs a span touches, rendered alone, equal the same paragraphs of the whole text."""
    text, spans = case
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    whole = paragraphs(text, spans)
    touched = paragraphs_touching(text, spans, start, end)
    expected = [p for p in whole if p.start < end and start < p.end or p.start <= start < p.end]
    assert touched == expected
    assert touched or not text[start:end].strip("\n"), "a span with any character but line breaks touches a paragraph"


def test_paragraphs_touching_ignores_spans_elsewhere():
    text = "first paragraph\nsecond one here\nthird"
    spans = [SpanRef(1, 0, 5), SpanRef(2, 16, 22), SpanRef(3, 10, 20)]
    touched = paragraphs_touching(text, spans, 16, 22)
    assert [p.start for p in touched] == [16]
    assert {i for seg in touched[0].segments for i in seg.span_ids} == {2, 3}


# --------------------------------------------------------------------------
# Suggested claims: runs of a suggestion around the highlights
# --------------------------------------------------------------------------


@st.composite
def text_spans_and_suggestions(draw):
    """A text, spans that may overlap, and suggestions that never overlap one another."""
    text, spans = draw(text_and_spans())
    cuts = sorted(set(draw(st.lists(st.integers(min_value=0, max_value=len(text)), max_size=10))))
    suggestions = [SpanRef(100_000 + i, a, b) for i, (a, b) in enumerate(pairwise(cuts)) if draw(st.booleans())]
    return text, spans, suggestions


@given(text_spans_and_suggestions())
@settings(max_examples=300)
def test_suggestions_cut_segments_without_changing_text_or_highlights(case):
    text, spans, suggestions = case
    result = paragraphs(text, spans, suggestions)
    assert "\n".join(p.text for p in result) == text
    for p in result:
        assert "".join(seg.text for _, segs in p.runs for seg in segs) == p.text
        for seg in p.segments:
            assert text[seg.start : seg.end] == seg.text
            assert set(seg.span_ids) == covering(spans, seg.start, seg.end, text)
            inside = [s.id for s in suggestions if s.start <= seg.start and seg.end <= s.end]
            assert [seg.suggestion_id] == (inside or [None])
            # A segment never straddles a suggestion's boundary.
            assert not any(seg.start < b < seg.end for s in suggestions for b in (s.start, s.end))
        ids = [sid for sid, _ in p.runs]
        assert all(a != b for a, b in pairwise(ids)), "neighbouring runs of one suggestion are merged"


def test_a_suggestion_run_wraps_the_highlights_it_crosses():
    text = "One two three four. Five six."
    spans = [SpanRef(1, 4, 13)]  # "two three"
    suggestions = [SpanRef(7, 0, 19), SpanRef(8, 20, 29)]
    (para,) = paragraphs(text, spans, suggestions)
    assert [(sid, [(s.text, s.span_ids) for s in segs]) for sid, segs in para.runs] == [
        (7, [("One ", ()), ("two three", (1,)), (" four.", ())]),
        (None, [(" ", ())]),
        (8, [("Five six.", ())]),
    ]


def test_a_highlight_crossing_a_suggestion_boundary_is_split_there():
    text = "Alpha beta. Gamma delta."
    (para,) = paragraphs(text, [SpanRef(1, 6, 17)], [SpanRef(9, 0, 11)])
    assert [(s.text, s.span_ids, s.suggestion_id) for s in para.segments] == [
        ("Alpha ", (), 9),
        ("beta.", (1,), 9),
        (" Gamma", (1,), None),
        (" delta.", (), None),
    ]


def test_overlapping_suggestions_keep_the_first_and_out_of_range_ones_are_ignored():
    text = "abcdefgh"
    (para,) = paragraphs(text, [], [SpanRef(1, 0, 4), SpanRef(2, 2, 6), SpanRef(3, 6, 99), SpanRef(4, 6, 8)])
    assert [(s.text, s.suggestion_id) for s in para.segments] == [("abcd", 1), ("ef", None), ("gh", 4)]


def test_paragraphs_touching_keep_the_suggestions_of_those_paragraphs():
    text = "First para.\nSecond para here."
    touched = paragraphs_touching(text, [SpanRef(1, 12, 18)], 12, 18, [SpanRef(5, 0, 11), SpanRef(6, 12, 29)])
    assert [p.start for p in touched] == [12]
    assert [sid for sid, _ in touched[0].runs] == [6]


# --------------------------------------------------------------------------
# JSON documents that are text (outside test finding 5c)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document, where",
    [
        ('"\\ud800"', "The document"),
        ('{"body": [{"value": "ok"}, {"value": "a\\udfffb"}]}', "body[1].value"),
        ('{"a\\ud800": 1}', "The name of a\ufffd"),
        ('[[["\\udbff\\udbff"]]]', "[0][0][0]"),
    ],
)
def test_a_lone_surrogate_anywhere_in_json_is_refused_with_its_place(document, where):
    with pytest.raises(NotText, match=r"^" + re.escape(where) + r" holds a lone surrogate \(\\u[0-9a-f]{4}\)"):
        loads_json(document)


def test_a_surrogate_pair_is_text():
    assert loads_json('"\\ud83d\\ude00"') == "\U0001f600"


@pytest.mark.parametrize(
    "document",
    ['"\\uD800"', '["\\uDbFf"]', '{"a": "x\\udc00"}', '"\ud800"', '{"\udfff": 1}'],
)
def test_a_lone_surrogate_escaped_in_any_case_or_written_out_is_refused(document):
    with pytest.raises(NotText):
        loads_json(document)
    with pytest.raises(NotText):
        loads_json(document.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("document", ['"\\\\ud800"', '"\\u00e9 \\ud7ff \\ue000"', '"plain"'])
def test_text_that_only_looks_like_a_surrogate_escape_is_text(document):
    assert loads_json(document) == json.loads(document)


SURROGATE_PIECES = st.sampled_from(["\ud800", "\udfff", "\ud83d", "\ude00", "\\", "u", "D", "8"])


@given(
    document=st.recursive(
        st.none() | st.integers() | st.text(st.characters() | SURROGATE_PIECES, max_size=6),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(st.characters() | SURROGATE_PIECES, max_size=3), inner, max_size=3)
        ),
        max_leaves=10,
    ),
    ensure_ascii=st.booleans(),
)
def test_loads_json_refuses_exactly_what_a_walk_of_the_values_refuses(document, ensure_ascii):
    """Skipping the walk when the text holds no surrogate and no escape of one changes nothing."""
    raw = json.dumps(document, ensure_ascii=ensure_ascii)

    def refusal(read):
        try:
            read()
        except NotText as error:
            return str(error)
        return None

    expected = refusal(lambda: check_text(json.loads(raw)))
    assert refusal(lambda: loads_json(raw)) == expected
    assert refusal(lambda: loads_json(raw.encode("utf-8", "surrogatepass"))) == expected


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", '{"start": NaN}'])
def test_nan_and_infinity_are_not_json(constant):
    with pytest.raises(ValueError, match="is not a JSON value"):
        loads_json(constant)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=20,
    )
)
def test_documents_of_text_pass_unchanged(document):
    check_text(document)


# --------------------------------------------------------------------------
# Control characters (an outside audit found DEL no longer stripped)


def test_every_c0_control_character_and_del_is_dropped_but_tab_and_newline_stay():
    controls = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F])
    assert canonicalize_fragment("a" + controls + "b") == "ab"
    assert canonicalize_fragment("a\x7fb") == "ab"  # DEL
    assert canonicalize_fragment("\x00x\x1f") == "x"
    assert canonicalize_fragment("a\tb\nc") == "a\tb\nc"
    assert canonicalize("\x00\x7fTitle\x1b[0m\x7f") == "Title[0m"


def test_c1_controls_and_unicode_line_separators_are_text_and_stay():
    assert canonicalize_fragment("a\x80\x85\x9f\u2028b") == "a\x80\x85\x9f\u2028b"


# --------------------------------------------------------------------------
# one_line: names and bylines


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, None),
        ("", None),
        (" \n\t\r\n ", None),
        ("\x00\x7f", None),  # only control characters: nothing is left
        ("Jane Doe", "Jane Doe"),
        ("  Jane \r\n  Doe\t", "Jane Doe"),
        ("Jane\x00 \x7fDoe", "Jane Doe"),
        ("Jose\u0301\nGarci\u0301a", "Jos\u00e9 Garc\u00eda"),  # NFC, one line
    ],
)
def test_one_line_cleans_a_name_onto_one_line_or_gives_none(raw, expected):
    assert one_line(raw) == expected


# --------------------------------------------------------------------------
# check_text: the whole message


def test_a_lone_surrogate_message_is_the_whole_sentence():
    with pytest.raises(NotText) as caught:
        check_text({"title": "x\ud800"})
    assert str(caught.value) == "title holds a lone surrogate (\\ud800), which is not Unicode text."


# --------------------------------------------------------------------------
# touched_bounds / paragraphs_touching: what a save refreshes
# (an outside audit found only the first touched paragraph refreshed)

THREE = "ab\ncd\nef"  # paragraphs (0, 2), (3, 5), (6, 8)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (0, 2, (0, 2)),
        (1, 4, (0, 5)),  # crosses one line break: both paragraphs
        (1, 7, (0, 8)),  # crosses two: all three
        (0, 8, (0, 8)),
        (0, 3, (0, 2)),  # ends just after the line break: the next paragraph is not touched
        (2, 4, (3, 5)),  # starts on the line break: the paragraph before is not touched
        (2, 3, None),  # only the line break
        (3, 3, (3, 5)),  # a caret at a paragraph's start is in it
        (4, 4, (3, 5)),
        (5, 5, None),  # a caret on the line break is in no paragraph
        (8, 8, None),  # nor one at the very end
    ],
)
def test_touched_bounds_run_from_the_first_to_the_last_paragraph_a_range_touches(start, end, expected):
    assert touched_bounds(THREE, start, end) == expected


def test_paragraphs_touching_a_range_across_paragraphs_returns_all_of_them():
    text = "one two\nthree\nfour five"
    spans = [SpanRef(1, 4, 17), SpanRef(2, 0, 3)]
    touched = paragraphs_touching(text, spans, 4, 17)
    assert [(p.start, p.end) for p in touched] == [(0, 7), (8, 13), (14, 23)]
    assert touched == paragraphs(text, spans)


def test_paragraphs_touching_only_line_breaks_is_nothing():
    assert paragraphs_touching("ab\ncd", [SpanRef(1, 2, 3)], 2, 3) == []
    assert paragraphs_touching("a\n\nb", [], 1, 2) == []
    # Across both line breaks, the empty paragraph between them is touched.
    assert [(p.start, p.end) for p in paragraphs_touching("a\n\nb", [], 1, 3)] == [(2, 2)]


# --------------------------------------------------------------------------
# cut_at_suggestions: the pieces themselves


def test_cut_at_suggestions_gives_pieces_with_their_text_and_no_empty_piece():
    text = "abcdefghij"
    segments = segment(text, [SpanRef(1, 6, 8)])
    pieces = cut_at_suggestions(text, segments, [SpanRef(9, 0, 2), SpanRef(10, 3, 5)])
    assert [(s.start, s.end, s.text, s.span_ids, s.suggestion_id) for s in pieces] == [
        (0, 2, "ab", (), 9),
        (2, 3, "c", (), None),
        (3, 5, "de", (), 10),
        (5, 6, "f", (), None),
        (6, 8, "gh", (1,), None),
        (8, 10, "ij", (), None),
    ]


def test_an_empty_suggestion_is_ignored():
    (para,) = paragraphs("abcdefgh", [], [SpanRef(1, 4, 4)])
    assert [(s.start, s.end, s.suggestion_id) for s in para.segments] == [(0, 8, None)]
    (para,) = paragraphs("abcdefgh", [], [SpanRef(1, 4, 4), SpanRef(2, 4, 6)])
    assert [(s.start, s.end, s.suggestion_id) for s in para.segments] == [(0, 4, None), (4, 6, 2), (6, 8, None)]


def test_cut_at_suggestions_cuts_a_run_of_segments_that_starts_inside_the_text():
    # paragraphs() hands over every segment of the text, but a run from later on cuts the same way.
    text = "abcdefghij"
    segments = segment(text, [SpanRef(1, 1, 2), SpanRef(2, 6, 8)])
    suggestions = [SpanRef(9, 0, 2), SpanRef(10, 3, 5), SpanRef(11, 7, 9)]
    whole = cut_at_suggestions(text, segments, suggestions)
    tail = cut_at_suggestions(text, segments[2:], suggestions)
    assert [(s.start, s.end, s.suggestion_id) for s in tail] == [
        (s.start, s.end, s.suggestion_id) for s in whole if s.start >= segments[2].start
    ]
    assert [(s.start, s.end) for s in tail][:2] == [(2, 3), (3, 5)]


# --------------------------------------------------------------------------
# paragraphs() in one sweep gives what the two passes gave
# --------------------------------------------------------------------------


def two_pass_paragraphs(text, spans, suggestions, window=None):
    """The segmentation before paragraphs() cut in one sweep: ``segment`` (in the window), then
    ``cut_at_suggestions``, then each piece cut at the paragraph boundaries (the reference the
    sweep must equal)."""
    lo, hi = window or (0, len(text))
    bounds = [(start + lo, end + lo) for start, end in paragraph_bounds(text[lo:hi])]
    result = [Paragraph(start, end) for start, end in bounds]
    starts = [start for start, _ in bounds]
    for seg in cut_at_suggestions(text, segment(text, spans, lo, hi), suggestions):
        index = bisect.bisect_right(starts, seg.start) - 1
        position = seg.start
        while position < seg.end:
            para = result[index]
            if position >= para.end:  # on the newline itself
                index += 1
                position = result[index].start
                continue
            stop = min(seg.end, para.end)
            para.segments.append(Segment(position, stop, text[position:stop], seg.span_ids, seg.suggestion_id))
            position = stop
    return result


@st.composite
def text_spans_and_any_suggestions(draw):
    """A text, spans (some out of range) and suggestions that may overlap or lie out of range."""
    text, spans = draw(text_and_spans(allow_invalid=True))
    ends = st.integers(min_value=-2, max_value=len(text) + 2)
    pairs = draw(st.lists(st.tuples(ends, ends), max_size=6))
    return text, spans, [SpanRef(100_000 + i, a, b) for i, (a, b) in enumerate(pairs)]


@settings(deadline=None, max_examples=400)
@given(st.one_of(text_spans_and_suggestions(), text_spans_and_any_suggestions()))
def test_paragraphs_in_one_sweep_equal_segments_cut_at_suggestions_and_newlines(case):
    text, spans, suggestions = case
    assert paragraphs(text, spans, suggestions) == two_pass_paragraphs(text, spans, suggestions)


@settings(deadline=None, max_examples=400)
@given(st.one_of(text_spans_and_suggestions(), text_spans_and_any_suggestions()), st.data())
def test_paragraphs_of_a_window_in_one_sweep_equal_the_two_passes(case, data):
    text, spans, suggestions = case
    bounds = paragraph_bounds(text)
    first = data.draw(st.integers(0, len(bounds) - 1))
    last = data.draw(st.integers(first, len(bounds) - 1))
    window = (bounds[first][0], bounds[last][1])
    assert paragraphs(text, spans, suggestions, window=window) == two_pass_paragraphs(text, spans, suggestions, window)
