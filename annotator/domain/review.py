"""The figures of the leads' review dashboard, computed from plain rows (pure: no Flask, no database).

Definitions (shown on the pages too):

- a claim is *annotated* when it has a submitted, non-deleted annotation;
- *settled* when a lead gave it a final verdict; *awaiting review* when
  annotated and not settled; *in disagreement* when awaiting review and its
  submitted verdicts differ;
- a reviewer's *submitted* annotations are those they have ever submitted
  (also ones a lead has since returned), deleted ones left out; *share
  returned* is the part of those a lead has ever returned;
- *agreement with final verdicts*: of a reviewer's submitted annotations on
  settled claims, the share whose verdict equals the final verdict;
- the *confusion matrix* counts those same annotations by reviewer's verdict (row) and
  final verdict (column), for all articles or the one the lead picks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.domain import agreement, confusion, grouping, verdicts

IOU_THRESHOLD = grouping.DEFAULT_THRESHOLD


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


class AnnotationRow(NamedTuple):
    """A live submitted verdict, with its span's place in the text (a tuple: 50,000 are cheap)."""

    span_id: int
    article_id: int
    start: int
    end: int
    user_id: int
    verdict: str


class ReviewerRow(NamedTuple):
    """A reviewer's counts as the database adds them up: annotations ever submitted, ever returned."""

    user_id: int
    name: str
    username: str
    submitted: int
    returned: int


@dataclass
class DashboardData:
    articles: list[tuple[int, str]]  # (id, title), newest first
    annotations: list[AnnotationRow]  # submitted, not deleted
    finals: dict[int, tuple[int, str]]  # span id -> (article id, final verdict)
    reviewers: list[ReviewerRow]


@dataclass
class Segment:
    """A piece of a stacked bar, in percent of the bar's length."""

    key: str
    label: str
    count: int
    x: float
    width: float


def stack(counts: Counter[str]) -> list[Segment]:
    """Stacked-bar segments of verdict counts, in scale order (zero counts left out)."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for v in verdicts.SCALE:
        count = counts.get(v.key, 0)
        if count:
            width = 100 * count / total
            segments.append(Segment(v.key, v.label, count, x, width))
            x += width
    return segments


@dataclass
class ArticleFigures:
    id: int | None  # None for the totals row
    title: str
    annotated: int = 0
    settled: int = 0
    awaiting: int = 0
    disputed: int = 0
    reviewer_verdicts: Counter[str] = field(default_factory=Counter)  # submitted verdicts
    final_verdicts: Counter[str] = field(default_factory=Counter)
    agreement: agreement.AgreementReport | None = None

    @property
    def reviewer_stack(self) -> list[Segment]:
        return stack(self.reviewer_verdicts)

    @property
    def final_stack(self) -> list[Segment]:
        return stack(self.final_verdicts)


@dataclass
class ReviewerFigures:
    user_id: int
    name: str
    username: str
    submitted: int = 0
    returned: int = 0
    on_settled: int = 0  # submitted annotations on settled claims: the n of agreement with finals
    matching_final: int = 0

    @property
    def returned_share(self) -> float | None:
        return ratio(self.returned, self.submitted)

    @property
    def final_agreement(self) -> float | None:
        return ratio(self.matching_final, self.on_settled)


@dataclass
class VerdictRow:
    """One verdict of the distribution chart: how many reviewers' and final verdicts it got."""

    key: str
    label: str
    reviewers: int
    finals: int
    reviewers_width: float  # 0..1 of the longest bar
    finals_width: float


@dataclass
class Dashboard:
    articles: list[ArticleFigures]
    total: ArticleFigures
    reviewers: list[ReviewerFigures]
    distribution: list[VerdictRow]
    matrix: confusion.Matrix  # of all articles, or of ``matrix_article``
    matrix_article: int | None = None


def judged_spans(rows: Iterable[AnnotationRow]) -> list[grouping.JudgedSpan]:
    """The spans with their submitted verdicts, as the agreement module takes them."""
    by_span: dict[int, list[AnnotationRow]] = defaultdict(list)
    for row in rows:
        by_span[row.span_id].append(row)
    # The database holds one annotation per reviewer and span: the rows need no further checks.
    return [
        grouping.JudgedSpan.checked(
            span_id, group[0].start, group[0].end, tuple(sorted((r.user_id, r.verdict) for r in group))
        )
        for span_id, group in by_span.items()
    ]


def article_figures(
    article_id: int, title: str, rows: list[AnnotationRow], finals: dict[int, str], report: agreement.AgreementReport
) -> ArticleFigures:
    """Counts of one article from its live submitted verdicts and final verdicts."""
    verdicts_by_span: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        verdicts_by_span[row.span_id].add(row.verdict)
    awaiting = [s for s in verdicts_by_span if s not in finals]
    return ArticleFigures(
        id=article_id,
        title=title,
        annotated=len(verdicts_by_span),
        settled=len(finals),
        awaiting=len(awaiting),
        disputed=sum(1 for s in awaiting if len(verdicts_by_span[s]) > 1),
        reviewer_verdicts=Counter(r.verdict for r in rows),
        final_verdicts=Counter(finals.values()),
        agreement=report,
    )


def totals(articles: list[ArticleFigures], report: agreement.AgreementReport) -> ArticleFigures:
    """The "All articles" row: the articles' counts added up (a claim belongs to one article)."""
    total = ArticleFigures(id=None, title="All articles", agreement=report)
    for a in articles:
        total.annotated += a.annotated
        total.settled += a.settled
        total.awaiting += a.awaiting
        total.disputed += a.disputed
        total.reviewer_verdicts.update(a.reviewer_verdicts)
        total.final_verdicts.update(a.final_verdicts)
    return total


def reviewer_figures(
    rows: Iterable[ReviewerRow], annotations: Iterable[AnnotationRow], finals: dict[int, tuple[int, str]]
) -> list[ReviewerFigures]:
    """Per reviewer: submitted, returned, agreement with final verdicts (from the submitted
    verdicts on settled claims); by name."""
    found = {r.user_id: ReviewerFigures(r.user_id, r.name, r.username, r.submitted, r.returned) for r in rows}
    for row in annotations:
        final = finals.get(row.span_id)
        if final is not None and row.user_id in found:
            figures = found[row.user_id]
            figures.on_settled += 1
            figures.matching_final += row.verdict == final[1]
    return sorted(found.values(), key=lambda r: (r.name.lower(), r.user_id))


def distribution(reviewer_counts: Counter[str], final_counts: Counter[str]) -> list[VerdictRow]:
    """The chart's rows in scale order; bars scaled to the largest count of either kind."""
    largest = max([*reviewer_counts.values(), *final_counts.values(), 1])
    return [
        VerdictRow(
            v.key,
            v.label,
            reviewer_counts.get(v.key, 0),
            final_counts.get(v.key, 0),
            reviewer_counts.get(v.key, 0) / largest,
            final_counts.get(v.key, 0) / largest,
        )
        for v in verdicts.SCALE
    ]


def verdict_pairs(
    annotations: Iterable[AnnotationRow], finals: dict[int, tuple[int, str]], article_id: int | None = None
) -> list[tuple[str, str]]:
    """(reviewer's verdict, final verdict) of each submitted annotation on a settled claim, of one
    article or (``article_id`` None) of all: the confusion matrix's pairs."""
    pairs = []
    for row in annotations:
        final = finals.get(row.span_id)
        if final is not None and (article_id is None or final[0] == article_id):
            pairs.append((row.verdict, final[1]))
    return pairs


def dashboard(data: DashboardData, matrix_article: int | None = None) -> Dashboard:
    """Every figure of the dashboard from the loaded rows; the confusion matrix of ``matrix_article``
    (an article's id) or of all articles."""
    rows_by_article: dict[int, list[AnnotationRow]] = defaultdict(list)
    for row in data.annotations:
        rows_by_article[row.article_id].append(row)
    finals_by_article: dict[int, dict[int, str]] = defaultdict(dict)
    for span_id, (article_id, verdict) in data.finals.items():
        finals_by_article[article_id][span_id] = verdict
    articles, tallies = [], []
    for article_id, title in data.articles:
        rows = rows_by_article.get(article_id, [])
        tally = agreement.tally_of(grouping.group_claims(judged_spans(rows), IOU_THRESHOLD))
        tallies.append(tally)
        articles.append(
            article_figures(article_id, title, rows, finals_by_article.get(article_id, {}), tally.report(IOU_THRESHOLD))
        )
    pooled = sum(tallies, agreement.Tally())  # alphas do not average: the units are pooled
    total = totals(articles, pooled.report(IOU_THRESHOLD))
    if matrix_article not in {a_id for a_id, _ in data.articles}:
        matrix_article = None  # an unknown article means all of them
    return Dashboard(
        articles,
        total,
        reviewer_figures(data.reviewers, data.annotations, data.finals),
        distribution(total.reviewer_verdicts, total.final_verdicts),
        confusion.matrix(verdict_pairs(data.annotations, data.finals, matrix_article)),
        matrix_article,
    )


def alpha_gap(report: agreement.AgreementReport) -> str:
    """Why alpha is undefined for this report, in a few words."""
    if report.claims_compared == 0:
        return "no claim with two reviewers"
    return "all verdicts alike"
