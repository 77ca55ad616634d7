"""The lead dashboard and the review queue: figures across all articles, and the claims awaiting a ruling.

Each page loads its rows in bulk (a fixed handful of queries, however many
articles there are) into plain records, and pure functions compute the figures
from them. Leads see every submitted verdict, so no visibility filtering is
needed here beyond leaving out drafts and deleted annotations.

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

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple
from datetime import datetime, timezone

from flask import Blueprint, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from sqlalchemy import BigInteger, and_, case, cast, distinct, func, literal, or_, type_coerce
from sqlmodel import Session, select
from wtforms import Form, SelectField

from annotator.domain import agreement, confusion, verdicts
from annotator.extensions import db
from annotator.db import sql
from annotator.formats.exports import csv_text, iso
from annotator.db.models import DRAFT, ORPHANED, RETURNED, SUBMITTED, Annotation, Article, Event, FinalVerdict, Span, User, UTCDateTime, utcnow
from annotator.services.spans import not_deleted
from annotator.web.helpers import attachment, htmx_request, lead_required

bp = Blueprint("dashboard", __name__)

IOU_THRESHOLD = agreement.DEFAULT_THRESHOLD
ORPHAN_OFFSETS = 1 << 40  # beyond any article's length (see load_dashboard)


# --- CSV ------------------------------------------------------------------------------------------

def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


# --- Dashboard: loading ---------------------------------------------------------------------------

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


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector held off while tens of thousands of plain rows are built.

    The rows hold no cycles, yet each burst of allocations sets off collections that walk the
    whole heap (a third of the dashboard's time, measured); reference counting still frees them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_dashboard(*, session: Session) -> DashboardData:
    """Everything the dashboard needs, in five queries whatever the number of articles.

    The verdicts come as plain rows, for grouping into claims (which only Python can do);
    the reviewers' counts are added up by the database, events and all.
    """
    articles = [(a_id, title) for a_id, title in session.exec(
        select(Article.id, Article.title).order_by(Article.created_at.desc(), Article.id.desc()))]
    # An orphan's range is in an older text: it gets a place of its own past any text, so that
    # grouping by overlap never merges it with a current claim (64-bit: past PostgreSQL's integer).
    orphaned = Span.anchor_state == ORPHANED
    own_place = literal(ORPHAN_OFFSETS, BigInteger) + 2 * cast(Span.id, BigInteger)
    statement = (
        select(Annotation.span_id, Span.article_id, case((orphaned, own_place), else_=cast(Span.start, BigInteger)),
               case((orphaned, own_place + 1), else_=cast(Span.end, BigInteger)), Annotation.user_id,
               Annotation.verdict)
        .join(Span, Span.id == Annotation.span_id)
        .where(not_deleted(), Annotation.status == SUBMITTED)
    )
    annotations = list(map(AnnotationRow._make, sql.rows(session, statement).all()))
    finals = {span_id: (article_id, verdict) for span_id, article_id, verdict in sql.rows(session,
        select(FinalVerdict.span_id, Span.article_id, FinalVerdict.verdict).join(Span, Span.id == FinalVerdict.span_id))}
    reviewers: dict[int, ReviewerRow] = {}
    for statement in reviewers_statements():
        for row in map(ReviewerRow._make, sql.rows(session, statement)):
            known = reviewers.get(row.user_id)
            reviewers[row.user_id] = row if known is None else known._replace(
                submitted=known.submitted + row.submitted, returned=known.returned + row.returned)
    return DashboardData(articles, annotations, finals, list(reviewers.values()))


def reviewers_statements():
    """Per reviewer, annotations ever submitted and ever returned: two counts to add up, the
    annotations out of draft, then the drafts submitted before (returned, or taken back).

    The few returned annotations are found once and joined; only drafts look up their history.
    One query with per-annotation lookups would be priced by PostgreSQL so high that it compiles
    it first (JIT), which costs more than running it.
    """
    returned = select(Event.annotation_id).where(Event.action == "returned").distinct().subquery()
    submitted_before = (select(Event.id).where(Event.annotation_id == Annotation.id,
                                               Event.action.in_(("submitted", "returned")))
                        .correlate(Annotation).exists())

    def counts(*conditions):
        return (select(User.id, User.display_name, User.username, func.count(), func.count(returned.c.annotation_id))
                .join(Annotation, Annotation.user_id == User.id)
                .outerjoin(returned, returned.c.annotation_id == Annotation.id)
                .where(not_deleted(), *conditions)
                .group_by(User.id, User.display_name, User.username))

    return counts(Annotation.status != DRAFT), counts(Annotation.status == DRAFT, submitted_before)


# --- Dashboard: figures (pure) --------------------------------------------------------------------

@dataclass
class Segment:
    """A piece of a stacked bar, in percent of the bar's length."""

    key: str
    label: str
    count: int
    x: float
    width: float


def stack(counts: Counter) -> list[Segment]:
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
    reviewer_verdicts: Counter = field(default_factory=Counter)  # submitted verdicts
    final_verdicts: Counter = field(default_factory=Counter)
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


def judged_spans(rows: Iterable[AnnotationRow]) -> list[agreement.JudgedSpan]:
    """The spans with their submitted verdicts, as the agreement module takes them."""
    by_span: dict[int, list[AnnotationRow]] = defaultdict(list)
    for row in rows:
        by_span[row.span_id].append(row)
    # The database holds one annotation per reviewer and span: the rows need no further checks.
    return [agreement.JudgedSpan.checked(span_id, group[0].start, group[0].end,
                                         tuple(sorted((r.user_id, r.verdict) for r in group)))
            for span_id, group in by_span.items()]


def article_figures(article_id: int, title: str, rows: list[AnnotationRow], finals: dict[int, str],
                    report: agreement.AgreementReport) -> ArticleFigures:
    """Counts of one article from its live submitted verdicts and final verdicts."""
    verdicts_by_span: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        verdicts_by_span[row.span_id].add(row.verdict)
    awaiting = [s for s in verdicts_by_span if s not in finals]
    return ArticleFigures(
        id=article_id, title=title,
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


def reviewer_figures(rows: Iterable[ReviewerRow], annotations: Iterable[AnnotationRow],
                     finals: dict[int, tuple[int, str]]) -> list[ReviewerFigures]:
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


def distribution(reviewer_counts: Counter, final_counts: Counter) -> list[VerdictRow]:
    """The chart's rows in scale order; bars scaled to the largest count of either kind."""
    largest = max([*reviewer_counts.values(), *final_counts.values(), 1])
    return [VerdictRow(v.key, v.label, reviewer_counts.get(v.key, 0), final_counts.get(v.key, 0),
                       reviewer_counts.get(v.key, 0) / largest, final_counts.get(v.key, 0) / largest)
            for v in verdicts.SCALE]


def verdict_pairs(annotations: Iterable[AnnotationRow], finals: dict[int, tuple[int, str]],
                  article_id: int | None = None) -> list[tuple[str, str]]:
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
        tally = agreement.tally_of(agreement.group_claims(judged_spans(rows), IOU_THRESHOLD))
        tallies.append(tally)
        articles.append(article_figures(article_id, title, rows, finals_by_article.get(article_id, {}),
                                        tally.report(IOU_THRESHOLD)))
    pooled = sum(tallies, agreement.Tally())  # alphas do not average: the units are pooled
    total = totals(articles, pooled.report(IOU_THRESHOLD))
    if matrix_article not in {a_id for a_id, _ in data.articles}:
        matrix_article = None  # an unknown article means all of them
    return Dashboard(articles, total, reviewer_figures(data.reviewers, data.annotations, data.finals),
                     distribution(total.reviewer_verdicts, total.final_verdicts),
                     confusion.matrix(verdict_pairs(data.annotations, data.finals, matrix_article)), matrix_article)


def alpha_gap(report: agreement.AgreementReport) -> str:
    """Why alpha is undefined for this report, in a few words."""
    if report.claims_compared == 0:
        return "no claim with two reviewers"
    return "all verdicts alike"


# --- Dashboard: views -----------------------------------------------------------------------------

def board(matrix_article: int | None = None) -> Dashboard:
    """The dashboard's figures, from the database as it is now."""
    with collector_paused():
        return dashboard(load_dashboard(session=db.session()), matrix_article)


class MatrixFilterForm(Form):
    """Which article's confusion matrix to show (a GET form: no CSRF)."""

    article = SelectField("Matrix for", validate_choice=False)


@bp.get("/review")
@lead_required
def index():
    """The lead dashboard: per article and per reviewer, across all articles; htmx asking for another
    article's confusion matrix gets the matrix alone."""
    figures = board(request.args.get("article", type=int))
    form = MatrixFilterForm(request.args)
    form.article.choices = [("", "All articles"), *((str(a.id), a.title) for a in figures.articles)]
    form.article.data = "" if figures.matrix_article is None else str(figures.matrix_article)
    context = {"board": figures, "threshold": IOU_THRESHOLD, "alpha_gap": alpha_gap, "matrix_form": form}
    if htmx_request() and "article" in request.args:
        return htmx_response(render_template("review/_confusion.html", **context),
                             push_url=url_for("dashboard.index", article=figures.matrix_article))
    return render_template("review/dashboard.html", **context)


ARTICLES_CSV_HEADER = (
    "article_id", "article", "claims_annotated", "settled", "awaiting_review", "in_disagreement",
    "claims", "claims_compared", "full_agreement_share", "krippendorff_alpha",
    *(f"submitted_{v.key}" for v in verdicts.SCALE), *(f"final_{v.key}" for v in verdicts.SCALE),
    "ordinal_claims_compared", "krippendorff_alpha_ordinal", "unverifiable_left_out", "disagreeing_pairs",
    "near_misses", "near_miss_share",
)


def articles_csv_rows(board: Dashboard) -> list[list]:
    """One row per article and a last row for all articles, as the dashboard's table and chart show them."""
    rows = []
    for a in [*board.articles, board.total]:
        report = a.agreement
        rows.append([
            a.id if a.id is not None else "", a.title, a.annotated, a.settled, a.awaiting, a.disputed,
            report.claims, report.claims_compared, rounded(report.full_agreement_share), rounded(report.alpha),
            *(a.reviewer_verdicts.get(v.key, 0) for v in verdicts.SCALE),
            *(a.final_verdicts.get(v.key, 0) for v in verdicts.SCALE),
            report.ordinal_compared, rounded(report.ordinal_alpha), report.unranked, report.disagreeing_pairs,
            report.near_misses, rounded(report.near_miss_share),
        ])
    return rows


REVIEWERS_CSV_HEADER = ("reviewer", "username", "submitted", "returned", "returned_share",
                        "submitted_on_settled", "matching_final", "final_agreement_share")


def reviewers_csv_rows(board: Dashboard) -> list[list]:
    return [[r.name, r.username, r.submitted, r.returned, rounded(r.returned_share), r.on_settled,
             r.matching_final, rounded(r.final_agreement)] for r in board.reviewers]


@bp.get("/review/articles.csv")
@lead_required
def articles_csv():
    """The dashboard's per-article table (with agreement and verdict counts) as CSV."""
    return attachment(csv_text(ARTICLES_CSV_HEADER, articles_csv_rows(board())), "review-articles.csv")


@bp.get("/review/reviewers.csv")
@lead_required
def reviewers_csv():
    """The dashboard's per-reviewer table as CSV."""
    return attachment(csv_text(REVIEWERS_CSV_HEADER, reviewers_csv_rows(board())), "review-reviewers.csv")


# --- Queue ----------------------------------------------------------------------------------------

QUEUE_STATUSES = {"disagreement": "Disagreement", "agreed": "Agreed", "single": "Single reviewer"}


@dataclass
class QueueJudgement:
    user_id: int
    reviewer: str
    verdict: str
    status: str  # submitted, or returned (shown, but not counted)


@dataclass
class QueueItem:
    """A claim awaiting a ruling."""

    span_id: int
    article_id: int
    article_title: str
    start: int
    quote: str
    judgements: list[QueueJudgement] = field(default_factory=list)
    first_submitted_at: datetime | None = None

    @property
    def submitted(self) -> list[QueueJudgement]:
        return [j for j in self.judgements if j.status == SUBMITTED]

    @property
    def verdict_keys(self) -> set[str]:
        return {j.verdict for j in self.submitted}

    @property
    def status(self) -> str:
        if len(self.verdict_keys) > 1:
            return "disagreement"
        return "single" if len(self.submitted) == 1 else "agreed"

    @property
    def status_label(self) -> str:
        return QUEUE_STATUSES[self.status]


@dataclass(frozen=True)
class QueueFilters:
    article: int | None = None
    verdict: str | None = None
    reviewer: int | None = None
    status: str | None = None

    def args(self) -> dict:
        """The filters as query arguments (unset ones left out)."""
        return {k: v for k, v in vars(self).items() if v is not None}


class QueueCursor(NamedTuple):
    """A claim's place in queue order: where a page of the queue ended, so that the next page
    starts after it even when claims before it were settled (or came in) in the meantime."""

    rank: int  # 0 for a disagreement, 1 otherwise
    waiting_since: datetime
    span_id: int

    def token(self) -> str:
        return f"{self.rank}-{self.span_id}-{self.waiting_since.isoformat()}"

    @classmethod
    def parse(cls, token: str | None) -> QueueCursor | None:
        """The cursor a token names; None for a missing or malformed one."""
        try:
            rank, span_id, moment = (token or "").split("-", 2)
            waiting_since = datetime.fromisoformat(moment)
            if waiting_since.tzinfo is None:
                return None
            # In UTC here, as the database compares it: a moment at the ends of the calendar overflows.
            cursor = cls(int(rank), waiting_since.astimezone(timezone.utc), int(span_id))
        except (ValueError, OverflowError):
            return None
        if cursor.rank not in (0, 1) or not 0 < cursor.span_id < 2**63:
            return None
        return cursor


def queue_statement(filters: QueueFilters, after: QueueCursor | None = None):
    """One row per claim in the queue, filtered and in queue order (from after ``after``), with the
    number of rows the query matches on every row.

    Claims are unsettled spans with a submitted live annotation; disagreements
    (two or more submitted verdicts) come first, then the longest waiting. A claim
    waits from the first time one of its annotations was submitted (its creation for
    imported ones, which have no "submitted" event). The database groups and orders,
    so a page of the queue costs the same however long the queue is.
    """
    # Grouped once and joined rather than looked up per annotation (see reviewers_statements).
    first_submissions = (select(Event.annotation_id, func.min(Event.at).label("at"))
                         .where(Event.action == "submitted").group_by(Event.annotation_id).subquery())
    first_submission = first_submissions.c.at
    submitted = Annotation.status == SUBMITTED
    submitted_count = func.sum(case((submitted, 1), else_=0))
    verdict_kinds = func.count(distinct(case((submitted, Annotation.verdict))))
    waiting_since = type_coerce(func.min(case((submitted, func.coalesce(first_submission, Annotation.created_at)))),
                                UTCDateTime())
    rank = case((verdict_kinds > 1, 0), else_=1)
    statement = (
        select(Span.id, Span.article_id, Article.title, Span.start, Span.quote, waiting_since.label("waiting"),
               rank.label("rank"), func.count().over().label("total"))
        .join(Annotation, Annotation.span_id == Span.id)
        .join(Article, Article.id == Span.article_id)
        .outerjoin(first_submissions, first_submissions.c.annotation_id == Annotation.id)
        # NOT EXISTS, not an outer join: PostgreSQL then estimates the unsettled claims right
        .where(~select(FinalVerdict.id).where(FinalVerdict.span_id == Span.id).exists(),
               not_deleted(), Annotation.status.in_((SUBMITTED, RETURNED)))
        .group_by(Span.id, Span.article_id, Article.title, Span.start, Span.quote)
        .having(submitted_count > 0)
        .order_by(rank, waiting_since, Span.id)
    )
    if after is not None:
        statement = statement.having(or_(
            rank > after.rank,
            and_(rank == after.rank, or_(waiting_since > after.waiting_since,
                                         and_(waiting_since == after.waiting_since, Span.id > after.span_id)))))
    if filters.article is not None:
        statement = statement.where(Span.article_id == filters.article)
    if filters.verdict is not None:
        statement = statement.having(func.sum(case((submitted & (Annotation.verdict == filters.verdict), 1), else_=0)) > 0)
    if filters.reviewer is not None:
        statement = statement.having(func.sum(case((submitted & (Annotation.user_id == filters.reviewer), 1), else_=0)) > 0)
    if filters.status == "disagreement":
        statement = statement.having(verdict_kinds > 1)
    elif filters.status == "agreed":
        statement = statement.having(verdict_kinds == 1, submitted_count > 1)
    elif filters.status == "single":
        statement = statement.having(submitted_count == 1)
    return statement


class QueuePage(NamedTuple):
    items: list[QueueItem]
    matched: int  # the claims the query matched: the whole queue, or those from the cursor on
    end: QueueCursor | None  # the last item's place, for the next page


def load_queue(*, session: Session, filters: QueueFilters, after: QueueCursor | None = None, offset: int = 0,
               limit: int | None = None) -> QueuePage:
    """The claims of the queue after ``after`` (or from ``offset``), ``limit`` of them or all.

    Two queries: the claims, then their reviewers' judgements (submitted and returned).
    """
    rows = list(sql.rows(session, queue_statement(filters, after).offset(offset).limit(limit)))
    if not rows and offset:
        matched = session.exec(select(func.count()).select_from(queue_statement(filters, after).subquery())).one()
        return QueuePage([], matched, None)
    items = {row.id: QueueItem(row.id, row.article_id, row.title, row.start, row.quote, first_submitted_at=row.waiting)
             for row in rows}
    ids = list(items)
    for chunk in (ids[i:i + 1000] for i in range(0, len(ids), 1000)):
        judgements = (
            select(Annotation.span_id, Annotation.user_id, User.display_name, Annotation.verdict, Annotation.status)
            .join(User, User.id == Annotation.user_id)
            .where(Annotation.span_id.in_(chunk), not_deleted(), Annotation.status.in_((SUBMITTED, RETURNED)))
            .order_by(Annotation.span_id, User.display_name, Annotation.user_id)
        )
        for span_id, user_id, reviewer, verdict, status in sql.rows(session, judgements):
            items[span_id].judgements.append(QueueJudgement(user_id, reviewer, verdict, status))
    end = QueueCursor(rows[-1].rank, rows[-1].waiting, rows[-1].id) if rows else None
    return QueuePage(list(items.values()), rows[0].total if rows else 0, end)


def age(moment: datetime, now: datetime) -> str:
    """How long ago, roughly: "just now", "5 minutes", "3 hours", "2 days"."""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return "just now"


class QueueFilterForm(Form):
    """The queue's filters: a GET form, so no CSRF token. Choices are set from the database."""

    article = SelectField("Article")
    verdict = SelectField("Verdict")
    reviewer = SelectField("Reviewer")
    status = SelectField("Status")


def filter_form(*, session: Session, args) -> tuple[QueueFilterForm, QueueFilters]:
    """The filter form bound to the query string, and the filters it selects (unknown values mean "any")."""
    form = QueueFilterForm(args)
    article_choices = [(str(i), title) for i, title in session.exec(
        select(Article.id, Article.title).order_by(Article.title, Article.id))]
    reviewer_choices = [(str(i), name) for i, name in session.exec(
        select(User.id, User.display_name)
        .where(User.id.in_(select(Annotation.user_id).where(Annotation.status != DRAFT, not_deleted())))
        .order_by(User.display_name, User.id))]
    form.article.choices = [("", "Any article"), *article_choices]
    form.verdict.choices = [("", "Any verdict"), *verdicts.choices()]
    form.reviewer.choices = [("", "Any reviewer"), *reviewer_choices]
    form.status.choices = [("", "Any status"), *QUEUE_STATUSES.items()]
    for f in form:
        if f.data not in {value for value, _ in f.choices}:
            f.data = ""
    return form, QueueFilters(
        article=int(form.article.data) if form.article.data else None,
        verdict=form.verdict.data or None,
        reviewer=int(form.reviewer.data) if form.reviewer.data else None,
        status=form.status.data or None,
    )


QUEUE_PAGE_SIZE = 100
MAX_QUEUE_PAGE = 100_000  # keeps LIMIT within what every database accepts


def queue_context(*, whole: bool = False) -> dict:
    """The queue as the request asks for it: the first ``page`` pages, the next page alone for
    htmx's "Show more" (``only_page``: the claims after the cursor ``after``), or every claim
    (``whole``, for the CSV). ``left`` counts the claims after the shown ones."""
    session = db.session()
    form, filters = filter_form(session=session, args=request.args)
    page = min(max(1, request.args.get("page", 1, type=int)), MAX_QUEUE_PAGE)
    only_page = htmx_request() and "page" in request.args
    after = QueueCursor.parse(request.args.get("after")) if only_page else None
    if whole:
        shown, total, end = load_queue(session=session, filters=filters)
        left = 0
    elif after is not None:
        shown, remaining, end = load_queue(session=session, filters=filters, after=after, limit=QUEUE_PAGE_SIZE)
        total, left = None, max(0, remaining - len(shown))
    else:  # the first pages, or (a link from before cursors) one page by its position
        first = (page - 1) * QUEUE_PAGE_SIZE if only_page else 0
        shown, total, end = load_queue(session=session, filters=filters, offset=first,
                                       limit=page * QUEUE_PAGE_SIZE - first)
        left = max(0, total - first - len(shown))
    return {"form": form, "filters": filters, "shown": shown, "total": total, "now": utcnow(), "age": age,
            "filtered": bool(filters.args()), "page": page, "page_size": QUEUE_PAGE_SIZE, "left": left,
            "more": left > 0, "after": end.token() if end else None, "only_page": only_page}


@bp.get("/review/queue")
@lead_required
def queue_page():
    """Claims awaiting a ruling, filterable, a page of rows at a time; htmx gets the rows only.

    ``page=N`` shows the first N pages; with htmx, "Show more" asks for page N alone and
    appends it. The header counts the whole queue, and the CSV holds all of it.
    """
    context = queue_context()
    if context["only_page"]:
        return render_template("review/_queue_more.html", **context)
    if htmx_request():
        # The form sends its empty selects too; the location bar gets the tidy address of the same filters.
        return htmx_response(render_template("review/_queue_rows.html", **context),
                             push_url=url_for("dashboard.queue_page", **context["filters"].args()))
    return render_template("review/queue.html", **context)


QUEUE_CSV_HEADER = ("span_id", "article_id", "article", "quote", "status", "reviewers", "verdicts",
                    "first_submitted", "url")


@bp.get("/review/queue.csv")
@lead_required
def queue_csv():
    """The queue as filtered, one row per claim."""
    context = queue_context(whole=True)
    rows = [[
        item.span_id, item.article_id, item.article_title, item.quote, item.status_label, len(item.submitted),
        "; ".join(f"{j.reviewer}: {verdicts.label(j.verdict)}{' (returned)' if j.status == RETURNED else ''}"
                  for j in item.judgements),
        iso(item.first_submitted_at),
        url_for("articles.show", article_id=item.article_id, span=item.span_id, _external=True),
    ] for item in context["shown"]]
    return attachment(csv_text(QUEUE_CSV_HEADER, rows), "review-queue.csv")
