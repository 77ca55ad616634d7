"""Tests for annotator.domain.grouping: the edges of iou and of the claims group_claims builds.

The main grouping tests (thresholds, chains, the sweep against all pairs) are in test_agreement.py;
these pin the boundaries a mutation run showed were loose.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.grouping import JudgedSpan, group_claims, iou


def test_iou_of_two_identical_one_character_ranges_is_one():
    # inter 1, union 1: the smallest possible overlap is still a full match.
    assert iou(7, 8, 7, 8) == 1.0


def test_iou_of_one_character_inside_a_longer_range():
    # inter 1, union 4
    assert iou(0, 4, 2, 3) == 0.25


def test_iou_of_empty_ranges_is_zero_not_an_error():
    # An empty range holds no code point, so it shares none, not even with itself (union 0).
    assert iou(4, 4, 4, 4) == 0.0
    assert iou(4, 4, 0, 9) == 0.0


@settings(max_examples=200)
@given(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12), st.integers(0, 12))
def test_iou_matches_counting_shared_code_points(a_start, a_len, b_start, b_len):
    a = set(range(a_start, a_start + a_len))
    b = set(range(b_start, b_start + b_len))
    expected = len(a & b) / len(a | b) if a & b else 0.0
    assert iou(a_start, a_start + a_len, b_start, b_start + b_len) == pytest.approx(expected)


def test_a_claim_of_one_span_has_that_span_s_range_and_verdicts():
    (claim,) = group_claims([JudgedSpan(4, 12, 30, {2: "true", 1: "false"})])
    assert claim.span_ids == (4,)
    assert (claim.start, claim.end) == (12, 30)
    assert claim.verdicts == {1: "false", 2: "true"}


def test_a_nested_claim_ends_where_its_longest_member_ends_not_its_last():
    # [0,10) and [2,8): IoU 6/10 = 0.6, one claim. Sorted by start, the inner span comes last, but the
    # claim covers the outer one: [0, 10), not [0, 8).
    (claim,) = group_claims([JudgedSpan(1, 0, 10, {}), JudgedSpan(2, 2, 8, {})])
    assert (claim.start, claim.end) == (0, 10)
    (claim,) = group_claims([JudgedSpan(1, 2, 8, {}), JudgedSpan(2, 0, 10, {})])
    assert (claim.start, claim.end) == (0, 10)


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5])
def test_a_threshold_outside_zero_to_one_is_refused_with_its_range(threshold):
    with pytest.raises(ValueError) as caught:
        group_claims([], threshold=threshold)
    assert str(caught.value) == "threshold must be in (0, 1]"


def test_a_threshold_of_one_groups_identical_ranges_only():
    spans = [JudgedSpan(1, 0, 10, {}), JudgedSpan(2, 0, 10, {}), JudgedSpan(3, 0, 9, {})]
    assert [c.span_ids for c in group_claims(spans, threshold=1)] == [(3,), (1, 2)]


def test_a_span_id_twice_is_refused_with_a_message_naming_it():
    with pytest.raises(ValueError) as caught:
        group_claims([JudgedSpan(1, 0, 5, {}), JudgedSpan(1, 6, 9, {})])
    assert str(caught.value) == "duplicate span_id"


def test_judged_span_messages_name_the_span_and_the_fault():
    with pytest.raises(ValueError, match=r"^span 3: need 0 <= start < end, got \[5, 5\)$"):
        JudgedSpan(3, 5, 5, {})
    with pytest.raises(ValueError, match=r"^span 4: a reviewer judged it more than once$"):
        JudgedSpan(4, 0, 5, [(2, "true"), (2, "false")])
