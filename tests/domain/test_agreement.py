"""Tests for annotator.domain.agreement: grouping spans into claims and Krippendorff's alpha.

Every expected figure is worked by hand in a comment. Notation for alpha
(nominal): n = pairable values, n_c = pairable values of category c,
D = sum_{c != k} o_ck = n - sum_c o_cc, E = n^2 - sum_c n_c^2,
alpha = 1 - (n - 1) * D / E.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from annotator.domain.agreement import (
    AgreementReport,
    Tally,
    agreement,
    agreement_overall,
    krippendorff_alpha_nominal,
    pooled_agreement,
    tally_of,
)
from annotator.domain.grouping import Claim, JudgedSpan, group_claims, iou


def claim_ids(claims: list[Claim]) -> list[tuple[int, ...]]:
    return [c.span_ids for c in claims]


def unit_spans(units: list[dict[int, str]], first_id: int = 1) -> list[JudgedSpan]:
    """One disjoint span per unit (10 code points each, gaps between), so each is its own claim."""
    return [JudgedSpan(first_id + i, 20 * i, 20 * i + 10, u) for i, u in enumerate(units)]


# --------------------------------------------------------------------------
# iou
# --------------------------------------------------------------------------


def test_iou_identical_ranges_is_one():
    assert iou(3, 9, 3, 9) == 1.0  # 6 / 6


def test_iou_disjoint_ranges_is_zero():
    assert iou(0, 5, 8, 12) == 0.0


def test_iou_touching_ranges_are_disjoint():
    assert iou(0, 5, 5, 10) == 0.0  # [0,5) and [5,10) share no code point
    assert iou(5, 10, 0, 5) == 0.0


def test_iou_nested():
    assert iou(0, 10, 0, 5) == 0.5  # inter 5, union 10
    assert iou(2, 4, 0, 8) == 0.25  # inter 2, union 8


def test_iou_partial_overlap():
    assert iou(0, 6, 4, 10) == pytest.approx(0.2)  # inter [4,6) = 2, union [0,10) = 10
    assert iou(4, 10, 0, 6) == iou(0, 6, 4, 10)  # symmetric


# --------------------------------------------------------------------------
# JudgedSpan
# --------------------------------------------------------------------------


def test_judged_span_normalises_judgements_to_sorted_pairs():
    span = JudgedSpan(1, 0, 5, {9: "false", 2: "true"})
    assert span.judgements == ((2, "true"), (9, "false"))
    assert span == JudgedSpan(1, 0, 5, [(9, "false"), (2, "true")])
    assert span.verdicts == {2: "true", 9: "false"}
    hash(span)  # frozen and hashable


@pytest.mark.parametrize("start,end", [(5, 5), (6, 5), (-1, 3)])
def test_judged_span_rejects_empty_or_negative_ranges(start, end):
    with pytest.raises(ValueError):
        JudgedSpan(1, start, end, {})


def test_judged_span_rejects_a_reviewer_twice():
    with pytest.raises(ValueError):
        JudgedSpan(1, 0, 5, [(2, "true"), (2, "false")])


# --------------------------------------------------------------------------
# group_claims
# --------------------------------------------------------------------------


def test_iou_exactly_at_threshold_is_grouped():
    # [0,10) vs [0,5): inter 5, union 10 -> 0.5 >= 0.5
    claims = group_claims([JudgedSpan(1, 0, 10, {}), JudgedSpan(2, 0, 5, {})], threshold=0.5)
    assert claim_ids(claims) == [(1, 2)]
    assert (claims[0].start, claims[0].end) == (0, 10)


def test_iou_just_below_threshold_is_not_grouped():
    # [0,100) vs [0,49): inter 49, union 100 -> 0.49 < 0.5
    claims = group_claims([JudgedSpan(1, 0, 100, {}), JudgedSpan(2, 0, 49, {})], threshold=0.5)
    assert claim_ids(claims) == [(2,), (1,)]  # ordered by (start, end): [0,49) first


def test_chains_form_one_claim():
    # A=[0,10) ~ B=[3,13): inter 7, union 13 -> 0.54; B ~ C=[6,16): 7/13 -> 0.54;
    # A vs C: inter 4, union 16 -> 0.25, yet A, B, C are one claim through B.
    spans = [JudgedSpan(3, 6, 16, {}), JudgedSpan(1, 0, 10, {}), JudgedSpan(2, 3, 13, {})]
    assert iou(0, 10, 6, 16) < 0.5
    claims = group_claims(spans)
    assert claim_ids(claims) == [(1, 2, 3)]
    assert (claims[0].start, claims[0].end) == (0, 16)


def test_claims_are_ordered_by_position_and_touching_spans_stay_apart():
    spans = [JudgedSpan(7, 30, 40, {}), JudgedSpan(8, 10, 20, {}), JudgedSpan(9, 20, 30, {})]
    assert claim_ids(group_claims(spans)) == [(8,), (9,), (7,)]


def test_duplicate_verdicts_of_a_reviewer_take_the_highest_span_id():
    # Spans 5 and 9 are one claim ([0,10) vs [0,8): 8/10). Reviewer 7 said "true"
    # on span 5 and "false" on span 9: span 9 has the higher id, so "false".
    # Reviewer 3 judged only span 5 and keeps "mixed". Input order does not matter.
    a = JudgedSpan(5, 0, 10, {7: "true", 3: "mixed"})
    b = JudgedSpan(9, 0, 8, {7: "false"})
    for spans in ([a, b], [b, a]):
        (claim,) = group_claims(spans)
        assert claim.span_ids == (5, 9)
        assert claim.judgements == ((3, "mixed"), (7, "false"))
        assert claim.verdicts == {3: "mixed", 7: "false"}


def test_group_claims_rejects_duplicate_span_ids_and_bad_thresholds():
    with pytest.raises(ValueError):
        group_claims([JudgedSpan(1, 0, 5, {}), JudgedSpan(1, 6, 9, {})])
    for threshold in (0, -0.1, 1.5):
        with pytest.raises(ValueError):
            group_claims([], threshold=threshold)


def test_group_claims_of_nothing_is_empty():
    assert group_claims([]) == []


@st.composite
def random_spans(draw):
    ranges = draw(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 15)), max_size=25))
    return [JudgedSpan(i, s, s + length, {}) for i, (s, length) in enumerate(ranges)]


def brute_force_partition(spans, threshold):
    """Components of iou >= threshold by comparing every pair (O(n^2))."""
    parent = {s.span_id: s.span_id for s in spans}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a in spans:
        for b in spans:
            if iou(a.start, a.end, b.start, b.end) >= threshold:
                parent[find(a.span_id)] = find(b.span_id)
    groups = {}
    for s in spans:
        groups.setdefault(find(s.span_id), set()).add(s.span_id)
    return sorted(tuple(sorted(g)) for g in groups.values())


@given(random_spans(), st.sampled_from([0.1, 0.3, 0.5, 0.75, 1.0]), st.randoms())
def test_sweep_matches_all_pairs_and_ignores_input_order(spans, threshold, rnd):
    claims = group_claims(spans, threshold)
    assert sorted(claim_ids(claims)) == brute_force_partition(spans, threshold)
    shuffled = list(spans)
    rnd.shuffle(shuffled)
    assert group_claims(shuffled, threshold) == claims


# --------------------------------------------------------------------------
# krippendorff_alpha_nominal
# --------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal
# data with missing values: coders A-D (rows), units 1-12 (columns), None = missing.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def textbook_units() -> list[dict[str, int]]:
    return [
        {coder: values[u] for coder, values in KRIPPENDORFF_2011.items() if values[u] is not None} for u in range(12)
    ]


def test_alpha_reproduces_krippendorff_2011_nominal_example():
    # Pairable units (unit 12 has one value and is dropped):
    #   1: 1 1 1 (m=3)   2: 2 2 3 2 (m=4)   3: 3 3 3 3   4: 3 3 3 3   5: 2 2 2 2
    #   6: 1 2 3 4       7: 4 4 4 4         8: 1 1 2 1   9: 2 2 2 2
    #  10: 5 5 5 (m=3)  11: 1 1 (m=2)
    # n = 3 + 8*4 + 3 + 2 = 40.
    # D = sum_{c!=k} o_ck: unit 2: m - sum o_cc = 4 - 3*2/3 = 2; unit 6: 4 - 0 = 4;
    #     unit 8: 4 - 3*2/3 = 2; unanimous units 0  -> D = 8.
    # n_1 = 3+1+3+2 = 9, n_2 = 3+4+1+1+4 = 13, n_3 = 1+4+4+1 = 10, n_4 = 1+4 = 5, n_5 = 3.
    # E = 40^2 - (81 + 169 + 100 + 25 + 9) = 1600 - 384 = 1216.
    # alpha = 1 - 39 * 8 / 1216 = 1 - 312/1216 = 0.7434...
    alpha = krippendorff_alpha_nominal(textbook_units())
    assert alpha == pytest.approx(1 - 312 / 1216)
    assert round(alpha, 3) == 0.743


def test_alpha_two_coders_by_hand():
    # Units (coder 1, coder 2): (a,a) (a,b) (b,b) (b,b). n = 8.
    # D: only unit 2 disagrees, o_ab = o_ba = 1/(2-1) -> D = 2.
    # n_a = 2 + 1 = 3, n_b = 1 + 4 = 5; E = 64 - 9 - 25 = 30.
    # alpha = 1 - 7 * 2 / 30 = 16/30 = 8/15 = 0.5333...
    units = [{1: "a", 2: "a"}, {1: "a", 2: "b"}, {1: "b", 2: "b"}, {1: "b", 2: "b"}]
    assert krippendorff_alpha_nominal(units) == pytest.approx(8 / 15)


def test_alpha_perfect_agreement_with_two_categories_is_one():
    # D = 0 and E = 16 - 4 - 4 = 8 > 0 -> alpha = 1 - 0 = 1.
    assert krippendorff_alpha_nominal([{1: "true", 2: "true"}, {1: "false", 2: "false"}]) == 1.0


def test_alpha_systematic_disagreement_is_negative():
    # (a,b) (b,a): n = 4, D = 2 + 2 = 4, n_a = n_b = 2, E = 16 - 8 = 8.
    # alpha = 1 - 3 * 4 / 8 = -0.5.
    assert krippendorff_alpha_nominal([{1: "a", 2: "b"}, {1: "b", 2: "a"}]) == -0.5


def test_alpha_is_undefined_with_one_category_only():
    # n = 4, n_true = 4: E = 16 - 16 = 0 -> no variation, alpha undefined.
    assert krippendorff_alpha_nominal([{1: "true", 2: "true"}, {1: "true", 3: "true"}]) is None


def test_alpha_is_undefined_without_pairable_units():
    assert krippendorff_alpha_nominal([]) is None
    assert krippendorff_alpha_nominal([{1: "true"}, {2: "false"}, {}]) is None


def test_units_with_a_single_value_are_dropped():
    # The lone "c" must not count towards n or n_c: same as the 2-coder example.
    units = [{1: "a", 2: "a"}, {1: "a", 2: "b"}, {1: "b", 2: "b"}, {1: "b", 2: "b"}, {3: "c"}]
    assert krippendorff_alpha_nominal(units) == pytest.approx(8 / 15)


# Properties -----------------------------------------------------------------

CATEGORIES = ["true", "mostly-false", "unverifiable", "mixed"]
units_strategy = st.lists(st.dictionaries(st.integers(0, 5), st.sampled_from(CATEGORIES), max_size=5), max_size=12)


@given(units_strategy, st.permutations(CATEGORIES))
def test_alpha_is_invariant_to_relabelling_categories(units, permuted):
    relabel = dict(zip(CATEGORIES, permuted, strict=True))
    relabelled = [{coder: relabel[v] for coder, v in u.items()} for u in units]
    assert krippendorff_alpha_nominal(relabelled) == krippendorff_alpha_nominal(units)


@given(units_strategy, st.permutations(range(6)), st.randoms())
def test_alpha_is_invariant_to_reordering_units_and_reviewers(units, coder_perm, rnd):
    renamed = [{coder_perm[c]: v for c, v in reversed(list(u.items()))} for u in units]
    rnd.shuffle(renamed)
    assert krippendorff_alpha_nominal(renamed) == krippendorff_alpha_nominal(units)


@given(st.lists(st.tuples(st.sampled_from(CATEGORIES), st.integers(1, 5)), max_size=12))
def test_alpha_is_one_when_every_pairable_unit_is_unanimous(spec):
    units = [{coder: category for coder in range(m)} for category, m in spec]
    assume(len({category for category, m in spec if m >= 2}) >= 2)
    assert krippendorff_alpha_nominal(units) == 1.0


@given(units_strategy)
def test_alpha_is_at_most_one_and_defined_iff_two_categories_are_paired(units):
    alpha = krippendorff_alpha_nominal(units)
    paired = {v for u in units if len(u) >= 2 for v in u.values()}
    assert (alpha is None) == (len(paired) < 2)
    if alpha is not None:
        assert alpha <= 1.0


# --------------------------------------------------------------------------
# agreement / agreement_overall
# --------------------------------------------------------------------------


def test_agreement_report_on_one_article():
    # Claim 1: spans 1 [0,10) and 2 [1,10) (IoU 0.9), reviewers 1,2 agree on "true".
    # Claim 2: span 3 [20,30), reviewers 1,2 disagree.
    # Claim 3: span 4 [40,50), reviewer 1 only -> not compared.
    spans = [
        JudgedSpan(1, 0, 10, {1: "true"}),
        JudgedSpan(2, 1, 10, {2: "true"}),
        JudgedSpan(3, 20, 30, {1: "true", 2: "false"}),
        JudgedSpan(4, 40, 50, {1: "false"}),
    ]
    # Units (true,true) (true,false): n = 4, D = 2, n_true = 3, n_false = 1,
    # E = 16 - 9 - 1 = 6, alpha = 1 - 3 * 2 / 6 = 0.
    # Ordinally the same two ranks (1 and 6): alpha 0 too; one disagreeing pair, not a near miss.
    assert agreement(spans) == AgreementReport(
        claims=3,
        claims_compared=2,
        full_agreement_share=0.5,
        alpha=0.0,
        near_threshold=0.5,
        ordinal_alpha=0.0,
        ordinal_compared=2,
        unranked=0,
        disagreeing_pairs=1,
        near_misses=0,
    )


def test_agreement_with_one_category_only_has_full_agreement_but_no_alpha():
    spans = unit_spans([{1: "true", 2: "true"}, {1: "true", 2: "true", 3: "true"}])
    report = agreement(spans)
    assert report.claims_compared == 2
    assert report.full_agreement_share == 1.0
    assert report.alpha is None


def test_agreement_with_one_reviewer_only_compares_nothing():
    report = agreement(unit_spans([{1: "true"}, {1: "false"}]))
    assert (report.claims, report.claims_compared) == (2, 0)
    assert report.full_agreement_share is None
    assert report.alpha is None


def test_agreement_of_empty_input():
    assert agreement([], threshold=0.6) == AgreementReport(
        claims=0, claims_compared=0, full_agreement_share=None, alpha=None, near_threshold=0.6
    )


def test_agreement_overall_pools_units_instead_of_averaging_alphas():
    # Article 1: (a,a) (b,b) -> alpha 1.
    # Article 2: (a,b) (b,a) -> alpha -0.5 (see the systematic-disagreement test).
    # Mean of the two alphas = 0.25.
    # Pooled: 4 units, n = 8, D = 4, n_a = n_b = 4, E = 64 - 32 = 32,
    # alpha = 1 - 7 * 4 / 32 = 0.125.
    article_1 = unit_spans([{1: "a", 2: "a"}, {1: "b", 2: "b"}], first_id=1)
    article_2 = unit_spans([{1: "a", 2: "b"}, {1: "b", 2: "a"}], first_id=1)  # ids/offsets may repeat across articles
    alphas = [agreement(article_1).alpha, agreement(article_2).alpha]
    assert alphas == [1.0, -0.5]
    overall = agreement_overall([article_1, article_2])
    assert overall.alpha == 0.125
    assert overall.alpha != sum(alphas) / 2
    assert (overall.claims, overall.claims_compared, overall.full_agreement_share) == (4, 4, 0.5)


def test_agreement_overall_groups_claims_within_each_article_only():
    # The same range in two articles is two claims, not one.
    a = [JudgedSpan(1, 0, 10, {1: "true", 2: "true"})]
    b = [JudgedSpan(2, 0, 10, {1: "false", 2: "false"})]
    overall = agreement_overall([a, b])
    assert (overall.claims, overall.claims_compared, overall.alpha) == (2, 2, 1.0)


@given(st.lists(units_strategy, max_size=5))
def test_tallies_of_articles_add_up_to_the_tally_of_all_their_claims(units_by_article):
    """The dashboard pools articles by adding their tallies: the same report as one pass over every claim."""
    claims_by_article = [group_claims(unit_spans(units, first_id=100 * n)) for n, units in enumerate(units_by_article)]
    added = sum((tally_of(claims) for claims in claims_by_article), Tally())
    assert added.report(0.5) == tally_of([c for claims in claims_by_article for c in claims]).report(0.5)
    assert pooled_agreement(claims_by_article) == agreement_overall(
        [unit_spans(units, first_id=100 * n) for n, units in enumerate(units_by_article)]
    )


@given(st.integers(0, 50), st.integers(1, 50), st.dictionaries(st.integers(1, 9), st.sampled_from(CATEGORIES)))
def test_a_span_built_from_checked_rows_equals_one_built_with_the_checks(start, length, verdicts):
    judgements = tuple(sorted(verdicts.items()))
    assert JudgedSpan.checked(7, start, start + length, judgements) == JudgedSpan(7, start, start + length, verdicts)


# --------------------------------------------------------------------------
# The threshold is passed on: to grouping and to the report


def _two_overlapping_claims() -> list[JudgedSpan]:
    # [0,10) and [4,14): inter 6, union 14, IoU 0.43: one claim at 0.4, two at 0.5 (the default).
    return [JudgedSpan(1, 0, 10, {1: "true", 2: "true"}), JudgedSpan(2, 4, 14, {1: "false", 2: "false"})]


def test_agreement_groups_with_the_threshold_it_is_given():
    assert agreement(_two_overlapping_claims(), threshold=0.4).claims == 1
    assert agreement(_two_overlapping_claims()).claims == 2


def test_agreement_overall_groups_with_and_reports_the_threshold_it_is_given():
    report = agreement_overall([_two_overlapping_claims(), _two_overlapping_claims()], threshold=0.4)
    assert (report.claims, report.near_threshold) == (2, 0.4)
    assert agreement_overall([_two_overlapping_claims()]).claims == 2


def test_pooled_agreement_reports_the_threshold_it_is_given():
    claims = group_claims(_two_overlapping_claims(), 0.8)
    assert pooled_agreement([claims], threshold=0.8).near_threshold == 0.8
