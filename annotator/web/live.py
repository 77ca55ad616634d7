"""Live updates: the article page asks every few seconds what changed, and gets 304 or the changed fragments.

``GET /articles/<id>/live?since=R&version=V`` with ``If-None-Match`` (the entity tag of revision R):

- nothing changed: **304** after one SQL statement, which reads the article's counter and checks
  the signed-in user in one go (:func:`answer_unchanged`, run before the user is loaded);
- something changed: the changes logged since R that this viewer may learn of (``live_rules``),
  as out-of-band swaps of the paragraphs under them, the counters, the claims list when it is
  open, the open claim's discussion, and a new poller carrying the new entity tag.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, g, render_template, request, session
from flask_login import current_user
from sqlalchemy import func, literal, select
from sqlmodel import col

from annotator.db import live_marker
from annotator.db.models import MAX_ID, Article, ArticleRevision, LiveChange, Span, User
from annotator.domain import text
from annotator.domain.live_rules import MAX_CHANGES, Change, Plan, candidate_spans, describe, etag, plan_for
from annotator.extensions import db
from annotator.services import discussion, visibility
from annotator.web import auth
from annotator.web.helpers import get_or_404
from annotator.web.panel import article_context

bp = Blueprint("live", __name__)


def _not_modified(article_id: int, revision: int) -> Response:
    response = Response(status=304)
    response.set_etag(etag(article_id, revision))
    return response


def answer_unchanged() -> Response | None:
    """304 when the poll's entity tag is current, in one statement and without loading the user.

    The statement reads the article's counter joined to the session's user (who must still be
    able to sign in, on a session of the user's current version that has not expired), so a signed-out or
    disabled account, a missing article or any change falls through to the full view (None), which checks
    everything the usual way.
    """
    article_id = (request.view_args or {}).get("article_id")
    assert isinstance(article_id, int)  # live.poll's <int:article_id>: the only endpoint this runs for
    user_id, version = session.get("_user_id"), session.get(auth.VERSION_KEY)
    if not request.if_none_match or not user_id or not str(user_id).isdigit() or not 0 < article_id <= MAX_ID:
        return None
    config = current_app.config
    if not isinstance(version, int) or auth.session_expired(
        started=session.get(auth.STARTED_KEY),
        seen=session.get(auth.SEEN_KEY),
        now=time.time(),
        idle=config["SESSION_IDLE_SECONDS"],
        lifetime=config["SESSION_LIFETIME_SECONDS"],
    ):
        return None
    statement = (
        select(func.coalesce(ArticleRevision.revision, 0))
        .select_from(User)
        .join(Article, col(Article.id) == literal(article_id))
        .outerjoin(ArticleRevision, col(ArticleRevision.article_id) == Article.id)
        .where(col(User.id) == int(user_id), col(User.password_hash).is_not(None), col(User.session_version) == version)
    )
    revision = db.session().execute(statement).scalar()
    if revision is None or not request.if_none_match.contains(etag(article_id, revision)):
        return None
    g.live_user_id = int(user_id)  # for the request log, which would otherwise load the user
    return _not_modified(article_id, revision)


def changes_since(article_id: int, since: int, revision: int) -> list[Change]:
    """The logged changes after revision ``since`` (up to one more than ``MAX_CHANGES``)."""
    statement = (
        select(
            col(LiveChange.kind),
            col(LiveChange.span_id),
            col(LiveChange.annotation_id),
            col(LiveChange.private_to),
            col(LiveChange.actor_id),
        )
        .where(
            col(LiveChange.article_id) == article_id,
            col(LiveChange.revision) > since,
            col(LiveChange.revision) <= revision,
        )
        .order_by(col(LiveChange.revision), col(LiveChange.id))
        .limit(MAX_CHANGES + 1)
    )
    return [Change(*row) for row in db.session().execute(statement)]


@bp.get("/articles/<int:article_id>/live")
def poll(article_id: int):
    """What changed on the article since the poller's revision, as this user may see it (or 304)."""
    article = get_or_404(Article, article_id)
    revision = live_marker.revision_of(db.session(), article.id)
    if request.if_none_match.contains(etag(article.id, revision)):
        return _not_modified(article.id, revision)
    since = request.args.get("since", type=int)
    if since is None or not 0 <= since <= revision:
        since = revision  # a poller that knows no revision of ours: from now on
    changes = changes_since(article.id, since, revision)
    open_span = request.args.get("open_span", type=int)
    # The poller keeps the version its page shows: after a new version, its offsets are not the text's.
    shown = request.args.get("version", type=int) or article.current_version
    context = {"article": article, "live_revision": revision, "live_version": shown, "oob": True}
    if shown != article.current_version:
        context["plan"] = Plan(new_version=True)  # the text changed under the page: offsets no longer match
    elif changes:
        context.update(_changed_fragments(article, changes, open_span, claims_open=request.args.get("claims") == "1"))
    context["updated_at"] = datetime.now(UTC)
    context["status"] = describe(context["plan"]) if "plan" in context else ""
    response = Response(render_template("articles/_live_response.html", **context))
    response.set_etag(etag(article.id, revision))
    return response


def _changed_fragments(article: Article, changes: list[Change], open_span: int | None, *, claims_open: bool) -> dict:
    """The fragments the viewer may see that ``changes`` touch (rendered from the viewer's own view)."""
    db_session = db.session()
    candidates = candidate_spans(changes)
    whole = any(c.kind == "article" for c in changes) or len(changes) > MAX_CHANGES
    page, places = None, {}
    if candidates or whole:
        # One query for the viewer's view of the whole article: what they may know and read decides
        # which changes they learn of, and the same view renders the paragraphs, counters and list.
        page = article_context(session=db_session, article=article, viewer=current_user, every_claim=True)
        places = {
            row.id: (row.start, row.end)
            for row in db_session.execute(
                select(col(Span.id), col(Span.start), col(Span.end)).where(
                    col(Span.id).in_(sorted(candidates)), visibility.placed()
                )
            )
        }
    known = {s.id for s in (*page["claims"], *page["orphans"])} if page else set()
    readable = {j.annotation_id for s in page["claims"] for j in s.shown} if page else set()
    if open_span is not None and any(c.kind == "comment" and c.span_id == open_span for c in changes):
        span = db_session.get(Span, open_span) if 0 < open_span <= MAX_ID else None
        if (
            span is not None
            and span.article_id == article.id
            and visibility.knows_span(session=db_session, span=span, viewer=current_user)
        ):
            known.add(span.id)
    plan = plan_for(
        changes, viewer_id=current_user.id, viewer_is_lead=current_user.is_lead, known=known, readable=readable
    )
    context: dict = {"plan": plan}
    wanted = plan.span_ids & set(places)
    if plan.whole_text or plan.span_ids:
        assert page is not None  # read above for every change that can put text or claims in the plan
        if plan.whole_text:
            context["whole_text"] = page
        else:
            ranges = [r for r in (text.touched_bounds(article.text, *places[i]) for i in wanted) if r is not None]
            context["paragraphs"] = [
                p for p in page["paragraphs"] if any(lo <= p.start and p.end <= hi for lo, hi in ranges)
            ]
            context["tones"], context["suggested"] = page["tones"], page["suggested"]
        context["claim_count"], context["annotation_count"] = page["claim_count"], page["annotation_count"]
        if claims_open:
            context["claims_page"] = page
    if open_span in plan.comment_span_ids:
        context["comment_span"] = db_session.get(Span, open_span)
        context["comments"] = discussion.span_comments(session=db_session, span_id=open_span)
    return context
