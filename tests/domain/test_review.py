"""The figures of the leads' review dashboard (annotator.domain.review), from plain rows.

The expected values are worked out by hand from the definitions in the module's docstring (and on the
page): a claim is annotated, settled, awaiting review, in disagreement; a reviewer's share returned and
agreement with final verdicts; the verdict chart; the confusion matrix.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import agreement, verdicts
from annotator.domain.grouping import JudgedSpan
from annotator.domain.review import (
    IOU_THRESHOLD,
    AnnotationRow,
    ArticleFigures,
    DashboardData,
    ReviewerFigures,
    ReviewerRow,
    Segment,
    alpha_gap,
    article_figures,
    dashboard,
    distribution,
    judged_spans,
    ratio,
    reviewer_figures,
    rounded,
    stack,
    totals,
    verdict_pairs,
)

ANN, BOB, CARL, ANNA = 3, 2, 1, 4  # user ids; ANN and ANNA share the display name "Ann"

# Article 1 ("Older"): four claims.
#   span 10: Carl true, Bob true; final True (both match)
#   span 11: Carl false, Bob mostly-false; final False (a near miss for Bob)
#   span 12: Bob mixed; awaiting review, one verdict
#   span 13: Carl mixed, Bob misleading; awaiting review, in disagreement
# Article 2 ("Newer"): two claims.
#   span 20: Carl true, Ann false; awaiting review, in disagreement
#   span 21: Ann unverifiable; final False
ROWS = [
    AnnotationRow(10, 1, 0, 10, CARL, "true"),
    AnnotationRow(10, 1, 0, 10, BOB, "true"),
    AnnotationRow(11, 1, 20, 30, CARL, "false"),
    AnnotationRow(11, 1, 20, 30, BOB, "mostly-false"),
    AnnotationRow(12, 1, 40, 50, BOB, "mixed"),
    AnnotationRow(13, 1, 60, 70, CARL, "mixed"),
    AnnotationRow(13, 1, 60, 70, BOB, "misleading"),
    AnnotationRow(20, 2, 0, 5, CARL, "true"),
    AnnotationRow(20, 2, 0, 5, ANN, "false"),
    AnnotationRow(21, 2, 10, 20, ANN, "unverifiable"),
]
FINALS = {10: (1, "true"), 11: (1, "false"), 21: (2, "false")}
REVIEWERS = [
    ReviewerRow(CARL, "Carl", "carl", 5, 1),
    ReviewerRow(BOB, "bob", "bob", 4, 0),
    ReviewerRow(ANNA, "Ann", "anna", 0, 0),
    ReviewerRow(ANN, "Ann", "ann", 2, 2),
]
DATA = DashboardData(
    articles=[(2, "Newer"), (1, "Older"), (3, "Empty")], annotations=ROWS, finals=FINALS, reviewers=REVIEWERS
)


def counts(figures: ArticleFigures) -> tuple[int, int, int, int]:
    return figures.annotated, figures.settled, figures.awaiting, figures.disputed


def spans_of(article_id: int) -> list[JudgedSpan]:
    """The article's spans built the checked way, as an independent oracle for the agreement figures."""
    by_span: dict[int, dict] = {}
    for row in ROWS:
        if row.article_id == article_id:
            by_span.setdefault(row.span_id, {"range": (row.start, row.end), "verdicts": {}})
            by_span[row.span_id]["verdicts"][row.user_id] = row.verdict
    return [JudgedSpan(span_id, *s["range"], s["verdicts"]) for span_id, s in by_span.items()]


# --- small helpers the page uses ---


def test_ratio_is_none_without_a_whole():
    assert ratio(1, 4) == 0.25
    assert ratio(0, 3) == 0.0
    assert ratio(0, 0) is None


def test_rounded_to_four_digits_unless_told():
    assert rounded(2 / 7) == 0.2857
    assert rounded(2 / 7, 2) == 0.29
    assert rounded(None) is None
    assert rounded(0.0) == 0.0


def test_alpha_gap_says_why_alpha_is_undefined():
    nobody_compared = agreement.agreement([JudgedSpan(1, 0, 5, {1: "true"})])
    assert alpha_gap(nobody_compared) == "no claim with two reviewers"
    all_alike = agreement.agreement([JudgedSpan(1, 0, 5, {1: "true", 2: "true"})])
    assert all_alike.alpha is None
    assert alpha_gap(all_alike) == "all verdicts alike"


# --- stacked bars ---


def test_stack_lays_the_verdicts_end_to_end_in_scale_order():
    assert stack(Counter({"false": 1, "unverifiable": 0, "true": 3})) == [
        Segment("true", "True", 3, 0.0, 75.0),
        Segment("false", "False", 1, 75.0, 25.0),
    ]


def test_stack_of_three_verdicts_fills_the_bar():
    segments = stack(Counter({"mixed": 2, "true": 1, "unverifiable": 1}))
    assert [(s.key, s.label, s.count, s.x, s.width) for s in segments] == [
        ("true", "True", 1, 0.0, 25.0),
        ("mixed", "Mixed", 2, 25.0, 50.0),
        ("unverifiable", "Unverifiable", 1, 75.0, 25.0),
    ]


def test_stack_of_nothing_is_empty():
    assert stack(Counter()) == []


def test_an_articles_bars_are_its_reviewer_and_final_verdicts():
    figures = ArticleFigures(
        id=1, title="t", reviewer_verdicts=Counter({"true": 1, "false": 1}), final_verdicts=Counter({"false": 2})
    )
    assert figures.reviewer_stack == [Segment("true", "True", 1, 0.0, 50.0), Segment("false", "False", 1, 50.0, 50.0)]
    assert figures.final_stack == [Segment("false", "False", 2, 0.0, 100.0)]


# --- per reviewer ---


def test_reviewer_shares_are_none_without_annotations():
    figures = ReviewerFigures(1, "A", "a", submitted=4, returned=1, on_settled=3, matching_final=2)
    assert figures.returned_share == 0.25
    assert figures.final_agreement == 2 / 3
    empty = ReviewerFigures(1, "A", "a")
    assert (empty.submitted, empty.returned, empty.on_settled, empty.matching_final) == (0, 0, 0, 0)
    assert empty.returned_share is None and empty.final_agreement is None


def test_reviewer_figures_count_agreement_with_final_verdicts():
    found = reviewer_figures(REVIEWERS, ROWS, FINALS)
    assert [
        (r.user_id, r.name, r.username, r.submitted, r.returned, r.on_settled, r.matching_final) for r in found
    ] == [
        (ANN, "Ann", "ann", 2, 2, 1, 0),  # unverifiable where the final verdict is False
        (ANNA, "Ann", "anna", 0, 0, 0, 0),  # same name: by user id
        (BOB, "bob", "bob", 4, 0, 2, 1),  # by name regardless of case
        (CARL, "Carl", "carl", 5, 1, 2, 2),
    ]
    assert [r.final_agreement for r in found] == [0.0, None, 0.5, 1.0]
    assert [r.returned_share for r in found] == [1.0, None, 0.0, 0.2]


def test_reviewers_are_sorted_by_their_names_in_lower_case():
    rows = [
        ReviewerRow(1, "ANNA", "anna", 0, 0),
        ReviewerRow(2, "Ann_B", "annb", 0, 0),
        ReviewerRow(3, "ann", "a", 0, 0),
    ]
    assert [r.name for r in reviewer_figures(rows, [], {})] == ["ann", "Ann_B", "ANNA"]  # "_" sorts before "a"


def test_reviewer_figures_leave_out_annotations_of_users_not_listed():
    found = reviewer_figures([ReviewerRow(CARL, "Carl", "carl", 2, 0)], ROWS, FINALS)
    assert [(r.user_id, r.on_settled, r.matching_final) for r in found] == [(CARL, 2, 2)]


# --- the verdict chart and the confusion matrix's pairs ---


def test_distribution_scales_the_bars_to_the_longest_of_either_kind():
    rows = distribution(Counter({"true": 2, "false": 1}), Counter({"false": 4}))
    assert [(r.key, r.label, r.reviewers, r.finals, r.reviewers_width, r.finals_width) for r in rows] == [
        ("true", "True", 2, 0, 0.5, 0.0),
        ("mostly-true", "Mostly true", 0, 0, 0.0, 0.0),
        ("mixed", "Mixed", 0, 0, 0.0, 0.0),
        ("misleading", "Misleading", 0, 0, 0.0, 0.0),
        ("mostly-false", "Mostly false", 0, 0, 0.0, 0.0),
        ("false", "False", 1, 4, 0.25, 1.0),
        ("unverifiable", "Unverifiable", 0, 0, 0.0, 0.0),
    ]


def test_distribution_of_single_verdicts_has_full_bars():
    rows = distribution(Counter({"mixed": 1}), Counter({"false": 1}))
    assert [(r.key, r.reviewers_width, r.finals_width) for r in rows if r.reviewers or r.finals] == [
        ("mixed", 1.0, 0.0),
        ("false", 0.0, 1.0),
    ]


def test_distribution_of_no_verdicts_has_empty_bars():
    rows = distribution(Counter(), Counter())
    assert len(rows) == 7
    assert all((r.reviewers, r.finals, r.reviewers_width, r.finals_width) == (0, 0, 0.0, 0.0) for r in rows)


def test_verdict_pairs_of_settled_claims_of_one_article_or_all():
    everything = [("true", "true"), ("true", "true"), ("false", "false"), ("mostly-false", "false")]
    everything.append(("unverifiable", "false"))
    assert verdict_pairs(ROWS, FINALS) == everything
    assert verdict_pairs(ROWS, FINALS, 2) == [("unverifiable", "false")]
    assert verdict_pairs(ROWS, FINALS, 1) == everything[:4]
    assert verdict_pairs(ROWS, FINALS, 99) == []


# --- per article ---


def test_judged_spans_gather_each_spans_verdicts_by_reviewer():
    rows = [
        AnnotationRow(7, 1, 3, 9, 5, "false"),
        AnnotationRow(8, 1, 20, 25, 2, "true"),
        AnnotationRow(7, 1, 3, 9, 1, "mixed"),
    ]
    assert judged_spans(rows) == [JudgedSpan(7, 3, 9, {1: "mixed", 5: "false"}), JudgedSpan(8, 20, 25, {2: "true"})]
    assert judged_spans(rows)[0].judgements == ((1, "mixed"), (5, "false"))
    assert judged_spans([]) == []


def test_article_figures_count_annotated_settled_awaiting_and_disputed():
    rows = [r for r in ROWS if r.article_id == 1]
    report = agreement.agreement(spans_of(1))
    figures = article_figures(1, "Older", rows, {10: "true", 11: "false"}, report)
    assert (figures.id, figures.title, figures.agreement) == (1, "Older", report)
    assert counts(figures) == (4, 2, 2, 1)
    assert figures.reviewer_verdicts == Counter({"true": 2, "mixed": 2, "false": 1, "mostly-false": 1, "misleading": 1})
    assert figures.final_verdicts == Counter({"true": 1, "false": 1})


def test_a_settled_claim_is_not_awaiting_review_even_if_its_verdicts_differ():
    rows = [AnnotationRow(1, 1, 0, 5, 1, "true"), AnnotationRow(1, 1, 0, 5, 2, "false")]
    report = agreement.agreement([])
    assert counts(article_figures(1, "t", rows, {1: "false"}, report)) == (1, 1, 0, 0)
    assert counts(article_figures(1, "t", rows, {}, report)) == (1, 0, 1, 1)


def test_totals_add_up_the_articles():
    report = agreement.agreement([])
    a = ArticleFigures(1, "a", 4, 2, 2, 1, Counter({"true": 2, "mixed": 1}), Counter({"true": 1}))
    b = ArticleFigures(2, "b", 3, 1, 2, 2, Counter({"true": 1, "false": 1}), Counter({"false": 1}))
    total = totals([a, b], report)
    assert (total.id, total.title, total.agreement) == (None, "All articles", report)
    assert counts(total) == (7, 3, 4, 3)
    assert total.reviewer_verdicts == Counter({"true": 3, "mixed": 1, "false": 1})
    assert total.final_verdicts == Counter({"true": 1, "false": 1})
    assert a.reviewer_verdicts == Counter({"true": 2, "mixed": 1})  # the articles' own counts stay theirs


# --- the whole dashboard ---


def test_dashboard_articles_in_the_order_given_with_their_counts():
    board = dashboard(DATA)
    assert [(a.id, a.title, counts(a)) for a in board.articles] == [
        (2, "Newer", (2, 1, 1, 1)),
        (1, "Older", (4, 2, 2, 1)),
        (3, "Empty", (0, 0, 0, 0)),
    ]
    newer, older, empty = board.articles
    assert newer.reviewer_verdicts == Counter({"true": 1, "false": 1, "unverifiable": 1})
    assert newer.final_verdicts == Counter({"false": 1})
    assert older.final_verdicts == Counter({"true": 1, "false": 1})
    assert empty.reviewer_verdicts == Counter() and empty.final_verdicts == Counter()


def test_dashboard_total_row():
    total = dashboard(DATA).total
    assert (total.id, total.title, counts(total)) == (None, "All articles", (6, 3, 3, 2))
    assert total.reviewer_verdicts == Counter(
        {"true": 3, "false": 2, "mixed": 2, "mostly-false": 1, "misleading": 1, "unverifiable": 1}
    )
    assert total.final_verdicts == Counter({"true": 1, "false": 2})


def test_dashboard_agreement_per_article_and_pooled():
    board = dashboard(DATA)
    newer, older, empty = (a.agreement for a in board.articles)
    pooled = board.total.agreement
    assert older is not None and newer is not None and empty is not None and pooled is not None
    # Older: 3 claims compared (10, 11, 13), one unanimous; n = 6 values, 2 agreeing, 4 observed
    # disagreements; n_c = true 2 and four singles, expected 36 - 8 = 28: alpha = 1 - 5 * 4 / 28 = 2/7.
    assert (older.claims, older.claims_compared, older.full_agreement_share) == (4, 3, pytest.approx(1 / 3))
    assert older.alpha == pytest.approx(2 / 7)
    assert (older.disagreeing_pairs, older.near_misses) == (2, 2)
    # Newer: one claim compared, true against false: alpha = 1 - 1 * 2 / 2 = 0.
    assert (newer.claims, newer.claims_compared, newer.full_agreement_share, newer.alpha) == (2, 1, 0.0, 0.0)
    assert (empty.claims, empty.claims_compared, empty.alpha) == (0, 0, None)
    # Pooled, not averaged: n = 8, 2 agreeing, 6 observed; n_c = true 3, false 2, three singles:
    # expected 64 - 16 = 48; alpha = 1 - 7 * 6 / 48 = 1/8 (the mean of 2/7 and 0 would be 1/7).
    assert (pooled.claims, pooled.claims_compared, pooled.full_agreement_share) == (6, 4, 0.25)
    assert pooled.alpha == pytest.approx(1 / 8)
    assert (pooled.disagreeing_pairs, pooled.near_misses) == (3, 2)
    assert {r.near_threshold for r in (older, newer, empty, pooled)} == {IOU_THRESHOLD} == {0.5}
    assert older == agreement.agreement(spans_of(1))
    assert newer == agreement.agreement(spans_of(2))
    assert pooled == agreement.agreement_overall([spans_of(2), spans_of(1), []])


def test_reviewers_spans_that_overlap_enough_are_one_claim():
    def board_of(second_end: int):
        rows = [AnnotationRow(1, 1, 0, 10, 1, "true"), AnnotationRow(2, 1, 0, second_end, 2, "false")]
        return dashboard(DashboardData([(1, "a")], rows, {}, []))

    at_threshold = board_of(5)  # intersection 5 over union 10: the same claim
    assert at_threshold.articles[0].annotated == 2  # two spans, as the database counts claims
    assert (at_threshold.total.agreement.claims, at_threshold.total.agreement.claims_compared) == (1, 1)
    below = board_of(4)  # 4 over 10: two claims of one reviewer each
    assert (below.total.agreement.claims, below.total.agreement.claims_compared) == (2, 0)


def test_dashboard_reviewers_and_distribution():
    board = dashboard(DATA)
    assert [(r.user_id, r.on_settled, r.matching_final) for r in board.reviewers] == [
        (ANN, 1, 0),
        (ANNA, 0, 0),
        (BOB, 2, 1),
        (CARL, 2, 2),
    ]
    assert [(r.key, r.reviewers, r.finals, r.reviewers_width, r.finals_width) for r in board.distribution] == [
        ("true", 3, 1, 1.0, pytest.approx(1 / 3)),
        ("mostly-true", 0, 0, 0.0, 0.0),
        ("mixed", 2, 0, pytest.approx(2 / 3), 0.0),
        ("misleading", 1, 0, pytest.approx(1 / 3), 0.0),
        ("mostly-false", 1, 0, pytest.approx(1 / 3), 0.0),
        ("false", 2, 2, pytest.approx(2 / 3), pytest.approx(2 / 3)),
        ("unverifiable", 1, 0, pytest.approx(1 / 3), 0.0),
    ]


def matrix_figures(board) -> tuple[int, int, int]:
    return board.matrix.total, board.matrix.exact, board.matrix.near


def test_dashboard_confusion_matrix_of_all_articles_or_one():
    everything = dashboard(DATA)
    assert everything.matrix_article is None
    assert matrix_figures(everything) == (5, 3, 1)  # true/true twice, false/false; mostly-false next to false
    older = dashboard(DATA, 1)
    assert older.matrix_article == 1
    assert matrix_figures(older) == (4, 3, 1)
    newer = dashboard(DATA, 2)
    assert (newer.matrix_article, matrix_figures(newer)) == (2, (1, 0, 0))
    assert newer.matrix.rows[-1].cells[-2].count == 1  # Unverifiable against False
    # The matrix's choice does not change the other figures.
    assert newer.articles == everything.articles and newer.reviewers == everything.reviewers


def test_an_unknown_article_for_the_matrix_means_all_articles():
    board = dashboard(DATA, 99)
    assert board.matrix_article is None
    assert matrix_figures(board) == (5, 3, 1)


def test_dashboard_of_nothing():
    board = dashboard(DashboardData([], [], {}, []))
    assert board.articles == [] and board.reviewers == []
    assert counts(board.total) == (0, 0, 0, 0)
    assert board.total.agreement is not None and board.total.agreement.claims == 0
    assert alpha_gap(board.total.agreement) == "no claim with two reviewers"
    assert matrix_figures(board) == (0, 0, 0)


KEYS = [v.key for v in verdicts.SCALE]


@st.composite
def boards(draw):
    """Up to three articles, each span with verdicts of distinct reviewers, some spans settled."""
    rows, finals = [], {}
    span_id = 0
    for article_id in range(1, draw(st.integers(1, 3)) + 1):
        for place in range(draw(st.integers(0, 4))):
            span_id += 1
            users = draw(st.lists(st.integers(1, 4), unique=True, max_size=3))
            rows += [
                AnnotationRow(span_id, article_id, 10 * place, 10 * place + 5, u, draw(st.sampled_from(KEYS)))
                for u in users
            ]
            if draw(st.booleans()):
                finals[span_id] = (article_id, draw(st.sampled_from(KEYS)))
    articles = sorted({(r.article_id, "") for r in rows} | {(a, "") for a, _ in finals.values()}, reverse=True)
    reviewers = [ReviewerRow(u, f"user {u}", f"u{u}", 0, 0) for u in range(1, 5)]
    return DashboardData(articles, rows, finals, reviewers)


@settings(max_examples=60, deadline=None)
@given(boards())
def test_dashboard_counts_agree_with_counting_claim_by_claim(data):
    board = dashboard(data)
    for figures in board.articles:
        mine = [r for r in data.annotations if r.article_id == figures.id]
        spans = {r.span_id for r in mine}
        settled = {s for s, (a, _) in data.finals.items() if a == figures.id}
        awaiting = spans - settled
        disputed = {s for s in awaiting if len({r.verdict for r in mine if r.span_id == s}) > 1}
        assert counts(figures) == (len(spans), len(settled), len(awaiting), len(disputed))
    assert counts(board.total) == tuple(sum(counts(a)[i] for a in board.articles) for i in range(4))
    pairs = [(r.verdict, data.finals[r.span_id][1]) for r in data.annotations if r.span_id in data.finals]
    assert board.matrix.total == len(pairs) == sum(r.on_settled for r in board.reviewers)
    assert board.matrix.exact == sum(a == b for a, b in pairs) == sum(r.matching_final for r in board.reviewers)
    assert sum(r.reviewers for r in board.distribution) == len(data.annotations)
    assert sum(r.finals for r in board.distribution) == len(data.finals)
