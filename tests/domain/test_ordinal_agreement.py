"""Ordinal alpha, near misses and the ordinal ranks of the verdict scale (annotator.domain.agreement, verdicts).

Notation for ordinal alpha: n_g = pairable values of rank g, n = their sum,
delta2(c, k) = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 for c < k,
alpha = 1 - (n - 1) * sum_{c != k} o_ck delta2 / sum_{c != k} n_c n_k delta2.
"""

from __future__ import annotations

import math
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import verdicts
from annotator.domain.agreement import (
    Tally,
    agreement,
    agreement_overall,
    krippendorff_alpha_nominal,
    krippendorff_alpha_ordinal,
)
from annotator.domain.grouping import JudgedSpan

NAN = float("nan")
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the worked example:
# 4 coders (rows) x 12 units (columns), nan = missing. His figures: nominal .743, ordinal .815.
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def units_of(data) -> list[dict[int, int]]:
    """Coders x units (nan = missing) as one {coder: value} dict per unit."""
    return [
        {coder: int(row[u]) for coder, row in enumerate(data) if not math.isnan(row[u])} for u in range(len(data[0]))
    ]


def spans_of(units: list[dict[int, str]]) -> list[JudgedSpan]:
    return [JudgedSpan(i + 1, 20 * i, 20 * i + 10, u) for i, u in enumerate(units)]


# --- the ranks ------------------------------------------------------------------------------------


def test_ranks_follow_the_scale_order_and_leave_unverifiable_out():
    assert [verdicts.ordinal_rank(v.key) for v in verdicts.SCALE] == [1, 2, 3, 4, 5, 6, None]
    assert verdicts.ordinal_rank("nonsense") is None


def test_misleading_and_mostly_false_share_a_rating_but_not_a_rank():
    assert verdicts.get("misleading").rating == verdicts.get("mostly-false").rating == 2
    assert verdicts.ordinal_rank("misleading") < verdicts.ordinal_rank("mostly-false")


def test_adjacent_verdicts():
    assert verdicts.adjacent("true", "mostly-true")
    assert verdicts.adjacent("mostly-false", "misleading")
    assert not verdicts.adjacent("true", "mixed")
    assert not verdicts.adjacent("true", "true")
    assert not verdicts.adjacent("false", "unverifiable")


# --- hand-worked ordinal alpha --------------------------------------------------------------------


def test_krippendorffs_worked_example():
    units = units_of(RELIABILITY_DATA)
    assert krippendorff_alpha_ordinal(units) == pytest.approx(0.815, abs=5e-4)
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)


def test_small_example_by_hand():
    # Units (1,2) (3,3) (1,1): n = 6, n_1 = 3, n_2 = 1, n_3 = 2; o_12 = o_21 = 1.
    # delta2(1,2) = (4 - 2)^2 = 4, delta2(1,3) = (6 - 2.5)^2 = 12.25, delta2(2,3) = (3 - 1.5)^2 = 2.25.
    # Observed 2 * 4 = 8; expected 2 * (3*1*4 + 3*2*12.25 + 1*2*2.25) = 180; alpha = 1 - 5 * 8 / 180 = 7/9.
    units = [{1: 1, 2: 2}, {1: 3, 2: 3}, {1: 1, 2: 1}]
    assert krippendorff_alpha_ordinal(units) == 7 / 9
    # Nominally the same disagreement counts in full: n_c the same, D = 2, E = 36 - 9 - 1 - 4 = 22,
    # alpha = 1 - 5 * 2 / 22 = 6/11, lower than the ordinal 7/9 since 1 and 2 are near.
    assert krippendorff_alpha_nominal(units) == pytest.approx(6 / 11)


def test_distance_grows_with_the_gap():
    near = krippendorff_alpha_ordinal([{1: 1, 2: 2}, {1: 3, 2: 3}, {1: 1, 2: 1}, {1: 2, 2: 2}])
    far = krippendorff_alpha_ordinal([{1: 1, 2: 3}, {1: 3, 2: 3}, {1: 1, 2: 1}, {1: 2, 2: 2}])
    assert near > far


def test_undefined_without_two_ranks_or_two_ranked_values():
    assert krippendorff_alpha_ordinal([]) is None
    assert krippendorff_alpha_ordinal([{1: 2, 2: 2}, {1: 2, 2: 2}]) is None  # one rank: no variation
    assert krippendorff_alpha_ordinal([{1: 1, 2: None}, {1: 3}]) is None  # nothing pairable


def test_rank_gaps_do_not_matter():
    a = krippendorff_alpha_ordinal([{1: 1, 2: 2}, {1: 3, 2: 3}, {1: 1, 2: 1}])
    b = krippendorff_alpha_ordinal([{1: 10, 2: 20}, {1: 60, 2: 60}, {1: 10, 2: 10}])
    assert a == b


# --- against the krippendorff package -------------------------------------------------------------

coders = st.integers(min_value=2, max_value=5)


@st.composite
def reliability_data(draw, values: int):
    """Coders x units, each cell a value 1..values or missing, at least one unit with two values."""
    n_coders = draw(coders)
    n_units = draw(st.integers(min_value=1, max_value=12))
    cell = st.one_of(st.none(), st.integers(min_value=1, max_value=values))
    data = [[draw(cell) for _ in range(n_units)] for _ in range(n_coders)]
    return [[NAN if v is None else float(v) for v in row] for row in data]


def package_alpha(data, level: str) -> float | None:
    """The package's alpha, None where it is undefined: it raises when the data hold one value
    at most, and gives nan when the pairable values are of one kind (or none are pairable)."""
    try:
        with np.errstate(invalid="ignore", divide="ignore"):  # its 0/0 is our "undefined"
            found = krippendorff.alpha(reliability_data=np.array(data), level_of_measurement=level)
    except ValueError:
        return None
    return None if math.isnan(found) else float(found)


@settings(max_examples=300, deadline=None)
@given(reliability_data(values=6))
def test_ordinal_alpha_matches_the_krippendorff_package(data):
    expected = package_alpha(data, "ordinal")
    ours = krippendorff_alpha_ordinal(units_of(data))
    if expected is None:
        assert ours is None
    else:
        assert ours == pytest.approx(expected, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(reliability_data(values=7))
def test_nominal_alpha_matches_the_krippendorff_package(data):
    expected = package_alpha(data, "nominal")
    ours = krippendorff_alpha_nominal(units_of(data))
    if expected is None:
        assert ours is None
    else:
        assert ours == pytest.approx(expected, abs=1e-9)


# --- on claims: Unverifiable, near misses, pooling ------------------------------------------------


def test_unverifiable_is_a_missing_value_and_counted():
    report = agreement(
        spans_of(
            [
                {1: "true", 2: "mostly-true", 3: "unverifiable"},
                {1: "false", 2: "unverifiable"},  # one ranked value: no ordinal unit
                {1: "false", 2: "false"},
            ]
        )
    )
    assert report.claims_compared == 3
    assert report.ordinal_compared == 2
    assert report.unranked == 2
    assert report.ordinal_alpha == krippendorff_alpha_ordinal([{1: 1, 2: 2}, {1: 6, 2: 6}])


def test_near_misses_among_disagreeing_pairs():
    report = agreement(
        spans_of(
            [
                {1: "true", 2: "mostly-true", 3: "true"},  # pairs: 1-2 near, 1-3 same, 2-3 near
                {1: "true", 2: "false"},  # far
                {1: "mixed", 2: "unverifiable"},  # disagrees, never near
                {1: "misleading", 2: "mostly-false"},  # near: adjacent ranks though one ClaimReview rating
            ]
        )
    )
    assert (report.disagreeing_pairs, report.near_misses) == (5, 3)
    assert report.near_miss_share == 3 / 5


def test_no_disagreement_no_near_miss_share():
    report = agreement(spans_of([{1: "true", 2: "true"}]))
    assert report.disagreeing_pairs == 0 and report.near_miss_share is None


def test_pooled_ordinal_figures_pool_units():
    one = [{1: "true", 2: "mostly-true"}, {1: "false", 2: "false"}]
    two = [{1: "mixed", 2: "unverifiable", 3: "mixed"}, {1: "true", 2: "false"}]
    pooled = agreement_overall([spans_of(one), spans_of(two)])
    together = agreement(spans_of(one + two))
    for name in ("ordinal_alpha", "ordinal_compared", "unranked", "disagreeing_pairs", "near_misses"):
        assert getattr(pooled, name) == getattr(together, name)


def test_tallies_add_up():
    a, b = Tally(), Tally()
    a.add_ranked_unit([1, 2, None])
    b.add_ranked_unit([3, 3])
    both = Tally()
    both.add_ranked_unit([1, 2, None])
    both.add_ranked_unit([3, 3])
    assert (a + b).ordinal_alpha() == both.ordinal_alpha()
    assert (a + b).unranked == 1


# --- a tally's pair and missing-value counts, unit by unit ----------------------------------------
# (Called directly as well as through agreement(): the report works each combination of verdicts
# out once and reuses it, so these pin the counting itself.)


def test_pairs_of_a_unit_are_counted_once_each_and_near_misses_among_them():
    tally = Tally()
    tally.add_pairs(["true", "mostly-true", "true", "false"])
    # pairs: t-mt near, t-t same, t-f far, mt-t near, mt-f far, t-f far -> 5 disagree, 2 near
    assert (tally.disagreeing_pairs, tally.near_misses) == (5, 2)
    tally.add_pairs(["mixed", "misleading"])  # adjacent: one more disagreeing pair, a near miss
    assert (tally.disagreeing_pairs, tally.near_misses) == (6, 3)
    tally.add_pairs(["unverifiable", "false"])  # disagree, never near
    assert (tally.disagreeing_pairs, tally.near_misses) == (7, 3)


def test_pairs_of_a_unanimous_or_single_unit_are_none():
    tally = Tally()
    tally.add_pairs(["mixed", "mixed", "mixed"])
    tally.add_pairs(["false"])
    tally.add_pairs([])
    assert (tally.disagreeing_pairs, tally.near_misses) == (0, 0)


def test_unverifiable_is_counted_once_per_judgement_not_once_per_claim():
    tally = Tally()
    tally.add_ranked_unit([None, 2, None, None])
    assert (tally.unranked, tally.ranked_units) == (3, 0)
    tally.add_ranked_unit([1, None, 3])
    assert (tally.unranked, tally.ranked_units) == (4, 1)
    tally.add_ranked_unit([2, 2])
    assert (tally.unranked, tally.ranked_units) == (4, 2)
    report = agreement(spans_of([{1: "unverifiable", 2: "unverifiable", 3: "mixed"}, {1: "true", 2: "unverifiable"}]))
    assert report.unranked == 3


def test_ordinal_alpha_is_exact_even_when_every_unit_agrees():
    # Units (1, 1) and (2, 2): no disagreement, two ranks: alpha is exactly 1, as a Fraction.
    tally = Tally()
    tally.add_ranked_unit([1, 1])
    tally.add_ranked_unit([2, 2])
    alpha = tally.ordinal_alpha()
    assert isinstance(alpha, Fraction)
    assert alpha == 1
