"""The article page and its side panel: what they render, and page versus fragment.

Every panel view (claims list, claim, annotation form) answers an htmx request
with the panel fragment, and a normal request with the whole article page with
that panel open, so each panel has a real address.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user
from markupsafe import Markup, escape
from sqlmodel import Session

from annotator.db import live_marker
from annotator.db.models import DRAFT, MAX_ID, Annotation, Article, ArticleVersion, FinalVerdict, Source, Span, User
from annotator.db.sql import stored_id
from annotator.domain import text
from annotator.domain.claim_record import attributed_claimant
from annotator.extensions import db
from annotator.services import claims, discussion, highlights, saving, spans, suggestions, versioning
from annotator.services.page_claims import ListedClaim, listed_claims
from annotator.web.forms import CommentForm, FinalVerdictForm, ReturnForm
from annotator.web.helpers import htmx_request

# The claims list shows the first 20 claims (like the suggestions below it: two screenfuls of the
# panel), and each "Show more" 100 more: a long article has thousands, which the page would not
# need to render and send on every load.
CLAIMS_FIRST = 20
CLAIMS_MORE = 100


def claims_shown(total: int) -> int:
    """How many claims the list shows: ``?claims_shown=N`` (the article page's address after "Show more",
    and the live poll, which sends it back), else the first ones."""
    wanted = request.args.get("claims_shown", CLAIMS_FIRST, type=int)
    return min(max(wanted, CLAIMS_FIRST), total)


def article_context(
    *, session: Session, article: Article, viewer: User, every_claim: bool = False, text_too: bool = True
) -> dict:
    """What the article text, its counters, the claims list and the orphans render for this user.

    The highlights and counters come a row per claim (``highlights.whole_article``: tones and counts
    kept on the spans), the lines of the claims list (each reviewer's verdict, hidden and draft
    counts) only for the claims it shows and the orphans (``listed_claims``), so an article with
    thousands of annotations reads them once per claim shown, not for every claim. ``every_claim``:
    the list's lines for every claim (the live poll reads which annotations the viewer may read).
    ``text_too=False``: without the text's paragraphs and tones (the claims panel alone).
    """
    read = highlights.whole_article(session=session, article=article, viewer=viewer)
    shown = claims_shown(len(read.claims))
    placed: list[ListedClaim] = []
    orphans: list[ListedClaim] = []
    only = None if every_claim else read.claims[:shown]
    for claim in listed_claims(session=session, article=article, viewer=viewer, only=only):
        (orphans if claim.orphaned else placed).append(claim)
    suggested = suggestions.suggestion_list(
        threshold=current_app.config["SUGGESTION_THRESHOLD"], session=session, article=article, claims=read.claims
    )
    context = {
        "article": article,
        "suggested": suggested,
        "claims": placed,
        "claims_total": len(read.claims),
        "claims_shown": shown,
        "claims_more": CLAIMS_MORE,
        "claims_paged": len(read.claims) > CLAIMS_FIRST,
        "orphans": orphans,
        "claim_count": read.claim_count,
        "annotation_count": read.annotation_count,
    }
    if text_too:
        context["paragraphs"] = text.paragraphs(article.text, read.claims, [s.ref() for s in suggested.listed])
        context["tones"] = {c.id: c.tone for c in read.claims}
    return context


def highlighted(paragraph: text.Paragraph, tones: dict[int, str], tips: dict[int, str]) -> Markup:
    """A paragraph's text with its highlights, as ``articles/_paragraph.html`` puts it inside its ``<p>``:
    each highlighted segment a ``<mark>`` with its span ids (``data-span-ids``) and classes (``hl``, the
    innermost claim's tone, ``depth-1`` to ``depth-3``); each run of a suggested sentence inside one
    ``<span class="suggestion">`` with its tooltip (``tips``) and no other text, so that the selection's
    offsets stay right. The template filter ``highlighted``: written here in one loop, because it runs
    once per segment, tens of thousands of times on a long article, where a template loop costs more."""
    out: list[str] = []
    run: int | None = None
    for _, _, words, ids, suggestion in paragraph.segments:
        if suggestion != run:
            if run is not None:
                out.append("</span>")
            if suggestion is not None:
                tip = escape(tips.get(suggestion, "Suggested claim"))
                out.append(f'<span class="suggestion" data-suggestion-id="{suggestion}" title="{tip}">')
            run = suggestion
        if not ids:
            out.append(escape(words))
        else:
            depth = 3 if len(ids) > 2 else len(ids)
            span_ids = " ".join(map(str, ids)) if depth > 1 else str(ids[0])
            tone = escape(tones[ids[0]])
            out.append(f'<mark class="hl {tone} depth-{depth}" data-span-ids="{span_ids}">{escape(words)}</mark>')
    if run is not None:
        out.append("</span>")
    return Markup("".join(out))


def version_context(*, session: Session, article: Article, viewer: User, version: ArticleVersion) -> dict:
    """The article page for an older version: its text, with the claims placed in it and the
    annotations made on it or before (read only)."""
    places = versioning.placed_in_version(session=session, article=article, number=version.number)
    claims = []
    for summary in spans.span_summaries(session=session, article=article, viewer=viewer):
        if summary.id not in places:
            continue
        summary.start, summary.end, _ = places[summary.id]
        summary.quote = version.text[summary.start : summary.end]
        summary.state = ""  # how later versions moved it does not concern this one
        summary.judgements = [j for j in summary.judgements if j.made_on_version <= version.number]
        if summary.judgements or summary.settled:
            claims.append(summary)
    claims.sort(key=lambda s: (s.start, s.end, s.id))
    return {
        "article": article,
        "version": version,
        "paragraphs": text.paragraphs(version.text, [s.ref() for s in claims]),
        "tones": {s.id: s.tone for s in claims},
        "claims": claims,
        "orphans": [],
        "claim_count": len(claims),
        "annotation_count": sum(len(s.judgements) for s in claims),
        "settled_count": sum(1 for s in claims if s.settled),
    }


def changed_text_context(*, session: Session, article: Article, viewer: User, span: Span) -> dict:
    """What changes on the article page when ``span`` does: its paragraphs' highlights and the counters.

    One read (``highlights.paragraphs``) of only the claims that reach into those paragraphs, beside
    the counters and the suggested sentences, so a save costs the same in an article with ten
    annotations or ten thousand but for the counting itself. ``nearby`` holds those claims.
    """
    bounds = text.touched_bounds(article.text, span.start, span.end) or (span.start, span.start)
    threshold = current_app.config["SUGGESTION_THRESHOLD"]
    read = highlights.paragraphs(session=session, article=article, viewer=viewer, within=bounds, threshold=threshold)
    suggested = suggestions.nearby_list(read.suggested, claims=read.claims, within=bounds, threshold=threshold)
    return {
        "paragraphs": text.paragraphs_touching(
            article.text, read.claims, span.start, span.end, [s.ref() for s in suggested.listed]
        ),
        "tones": {s.id: s.tone for s in read.claims},
        "suggested": suggested,
        "claim_count": read.claim_count,
        "annotation_count": read.annotation_count,
        "nearby": read.claims,
    }


def overlapping_of(span: Span, nearby: list[highlights.Highlight]) -> list[highlights.Highlight]:
    """The claims of ``nearby`` that share words with ``span`` and have an annotation listed to the viewer
    (``spans.overlapping_spans``, from the touched paragraphs' read)."""
    span_id, start, end = span.id, span.start, span.end  # read once: ORM attributes cost more than locals
    return [s for s in nearby if s.id != span_id and s.listed and s.start < end and s.end > start]


def changed_panel_context(*, session: Session, claim: claims.Claim, user: User) -> dict:
    """The claim panel and the changed paragraphs after an edit, a submission or a deletion (the general
    way, which has committed), from the claim's read (``claims.claim_of_span``: article, span, ruling,
    thread): the touched paragraphs' read (highlights, counters, suggestions, the overlapping claims)
    and the annotations."""
    span = claim.span
    changed = changed_text_context(session=session, article=claim.article, viewer=user, span=span)
    overlapping = overlapping_of(span, changed.pop("nearby"))
    context = span_panel_context(session=session, span=span, user=user, claim=claim, overlapping=overlapping)
    return context | {"text_context": changed}


def saved_panel_context(*, session: Session, found: saving.Found, saved: saving.Saved, user: User) -> dict:
    """The claim panel and the changed paragraphs after a fast save (``services.saving``).

    On new words, all of it comes from the values just written and the touched paragraphs' read:
    nobody else has judged or discussed them. On a claim someone else judged, its annotations are
    read (one statement), and its thread when it has one.
    """
    span = saved.span
    changed = changed_text_context(session=session, article=found.article, viewer=user, span=span)
    overlapping = overlapping_of(span, changed.pop("nearby"))
    context: dict[str, Any]
    if saved.new_span:
        context = {
            "annotations": [saved.annotation],
            "hidden_count": 0,
            "draft_count": 0,
            "deleted": [],
            "comments": [],
            "previous_wording": None,
        }
    else:
        found_annotations = spans.span_annotations(
            session=session, span=span, viewer=user, settled=False, blind=found.article.blind_review
        )
        context = {
            "annotations": found_annotations.visible,
            "hidden_count": found_annotations.hidden_count,
            "draft_count": found_annotations.draft_count,
            "deleted": found_annotations.deleted,
            "comments": discussion.span_comments(session=session, span_id=stored_id(span))
            if found.has_comments
            else [],
            "previous_wording": versioning.previous_wording(session=session, span=span),
        }
    context |= {
        "span": span,
        "final": None,
        "own": next((a for a in context["annotations"] if a.user_id == user.id), None),
        "overlapping": overlapping,
        "comment_form": CommentForm(formdata=None),
        "known": True,
        "text_context": changed,
    }
    if user.is_lead:
        context["final_form"] = final_verdict_form(
            None, context["annotations"], article_text=found.article.text, span=span
        )
        context["return_form"] = ReturnForm(formdata=None)
    return context


def citable(annotations: list[Annotation]) -> list[tuple[Annotation, Source]]:
    """The sources of submitted annotations, which a final verdict may cite."""
    return [(a, s) for a in annotations if a.status != DRAFT for s in a.sources]


def final_verdict_form(
    final: FinalVerdict | None,
    annotations: list[Annotation],
    formdata=None,
    *,
    article_text: str | None = None,
    span: Span | None = None,
) -> FinalVerdictForm:
    """The lead's form, prefilled from the current ruling (sources matched by URL, the claim on
    record); on a claim not settled yet, the claimant is the one ``article_text`` names
    around the ``span`` ("X said", "according to X"), when it names one."""
    form = FinalVerdictForm(formdata=formdata, obj=final)
    sources = citable(annotations)
    form.cite.choices = [(s.id, s.title or s.url) for _, s in sources]
    if formdata is None and final is not None:
        cited = {c["url"] for c in final.cited_sources}
        form.cite.data = [s.id for _, s in sources if s.url in cited]
        form.tags.data = ", ".join(final.tags)
    elif formdata is None and article_text is not None and span is not None and not span.orphaned:
        form.claimant.data = attributed_claimant(article_text, span.start, span.end) or ""
    return form


def span_panel_context(
    *,
    session: Session,
    span: Span,
    user: User,
    final_form=None,
    return_form=None,
    comment_form=None,
    claim: claims.Claim | None = None,
    overlapping: list | None = None,
) -> dict:
    """What the claim panel renders for this user: ruling, annotations, discussion, overlaps.
    ``claim`` (from :func:`load_claim`) holds what is known already: the ruling, and whether there is a thread."""
    assert span.id is not None  # a stored span
    if claim is None:
        final = spans.final_verdict_of(session, span.id)
        found = spans.span_annotations(session=session, span=span, viewer=user, settled=final is not None)
    else:
        final = claim.final
        found = spans.span_annotations(
            session=session, span=span, viewer=user, settled=final is not None, blind=claim.article.blind_review
        )
    context = {
        "span": span,
        "final": final,
        "annotations": found.visible,
        "hidden_count": found.hidden_count,
        "draft_count": found.draft_count,
        "deleted": found.deleted,
        "own": next((a for a in found.visible if a.user_id == user.id), None),
        # An orphan's range is in an older text: nothing in the latest one overlaps it.
        "overlapping": []
        if span.orphaned
        else overlapping
        if overlapping is not None
        else spans.overlapping_spans(session=session, span=span, viewer=user),
        "comments": discussion.span_comments(session=session, span_id=span.id)
        if claim is None or claim.has_comments
        else [],
        "previous_wording": versioning.previous_wording(session=session, span=span),
        "comment_form": comment_form or CommentForm(formdata=None),
        # Whether the claim's own addresses answer this user (``visibility.knows_span``): after a reviewer
        # deletes their only annotation, the panel they get back must not load a section that 404s.
        "known": bool(user.is_lead or final or found.visible or found.hidden_count or found.draft_count),
    }
    if user.is_lead:
        context["final_form"] = final_form or final_verdict_form(
            final, found.visible, article_text=claim.article.text if claim else None, span=span
        )
        context["return_form"] = return_form or ReturnForm(formdata=None)
    return context


def load_claim(article_id: int, span_id: int) -> claims.Claim:
    """The claim (article, span, ruling) the signed-in user may know of, in one read; or 404."""
    if not (0 < article_id <= MAX_ID and 0 < span_id <= MAX_ID):
        abort(404)
    claim = claims.open_claim(session=db.session(), article_id=article_id, span_id=span_id, viewer=current_user)
    if claim is None or not claim.known:
        abort(404)
    return claim


def load_span(article_id: int, span_id: int) -> tuple[Article, Span]:
    """The article and one of its spans the signed-in user may know of, or 404."""
    claim = load_claim(article_id, span_id)
    return claim.article, claim.span


def claim_address(span: Span) -> str:
    """The article page with this claim open in the panel."""
    return url_for("articles.show", article_id=span.article_id, span=span.id)


def render_panel(
    panel: str,
    status: int = 200,
    *,
    article: Article,
    refresh_text: bool = False,
    address: str | None = None,
    **context,
):
    """The panel fragment for htmx, or the article page with that panel open.

    ``refresh_text`` adds out-of-band swaps of the paragraphs under the panel's
    span and of the counters, so that highlights change in place after a save or
    delete (whatever the article's size, the response stays small). ``address`` is
    the page URL that shows this panel; htmx puts it in the location bar, so a
    claim can be bookmarked, shared and reloaded.
    """
    if htmx_request():
        if refresh_text:
            text_context = context.pop("text_context", None) or changed_text_context(
                session=db.session(), article=article, viewer=current_user, span=context["span"]
            )
            context.update(text_context)
        body = render_template(
            "annotations/_panel_response.html",
            panel=panel,
            refresh_text=refresh_text,
            **(context | {"article": article}),
        )
        return htmx_response(body, status, push_url=address)
    return render_article_page(panel, status, article=article, **context)


def render_article_page(panel: str, status: int = 200, *, article: Article, **context):
    """The whole article page with ``panel`` open in its side panel."""
    assert article.id is not None  # a stored article
    # The counter first: a change landing while the page is read is then sent again by the first poll, never lost.
    revision = live_marker.revision_of(db.session(), article.id)
    page = article_context(session=db.session(), article=article, viewer=current_user) | context
    page["live_revision"] = revision
    return render_template("articles/show.html", panel=panel, **page), status


def render_claims_page(article: Article):
    """The claims list's next page, for its "Show more" (``?claims_from=N&claims_shown=M`` with htmx):
    claims N to M, the next "Show more", and M out of band for the live poll. The text is not read: the
    claims come a row each (``highlights.whole_article``), and the lines of N to M alone."""
    session = db.session()
    read = highlights.whole_article(session=session, article=article, viewer=current_user)
    shown = claims_shown(len(read.claims))
    first = min(max(request.args.get("claims_from", 0, type=int), 0), shown)
    wanted = read.claims[first:shown]
    lines = listed_claims(session=session, article=article, viewer=current_user, only=wanted)
    return render_template(
        "annotations/_claim_items.html",
        article=article,
        items=[c for c in lines if not c.orphaned],
        shown=shown,
        total=len(read.claims),
        claims_more=CLAIMS_MORE,
        fragment=True,
    )
