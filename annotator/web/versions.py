"""Article versions in the browser: adding one (pasted, a file, or the web page again), the
version list and report, the diff between two versions, and re-attaching an orphaned claim."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from annotator.db.models import Article
from annotator.domain import diffing, reanchoring
from annotator.domain.anchoring import AnchorError, resolve_target
from annotator.extensions import db
from annotator.net.extraction import ExtractionError, text_of_file
from annotator.net.fetching import FetchError
from annotator.services import annotations as annotation_service
from annotator.services import reattaching, versioning, visibility
from annotator.services.articles import fetch_article
from annotator.web.forms import ReattachForm, VersionForm, add_error
from annotator.web.helpers import claim_scorer, get_or_404, htmx_request
from annotator.web.panel import claim_address, load_span

bp = Blueprint("versions", __name__)


@bp.context_processor
def _names() -> dict:
    return {"origins": versioning.ORIGINS, "outcomes": reanchoring.OUTCOMES, "diff_summary": diffing.summary}


@bp.get("/articles/<int:article_id>/versions")
def index(article_id: int):
    """Every version of the article, newest first, with what each did to the claims."""
    article = get_or_404(Article, article_id)
    session = db.session()
    versions = versioning.versions_of(session=session, article=article)
    counts = versioning.state_counts(
        session=session,
        article=article,
        known=visibility.known_span_ids(session=session, article=article, viewer=current_user),
    )
    return render_template("versions/index.html", article=article, versions=list(reversed(versions)), counts=counts)


def version_form(article: Article) -> VersionForm:
    """The new-version form holding the current text, to edit or replace."""
    return VersionForm(formdata=None, data={"text": article.text, "base_version": article.current_version})


@bp.get("/articles/<int:article_id>/versions/new")
def new(article_id: int):
    """The form for a new version."""
    article = get_or_404(Article, article_id)
    return render_template("versions/new.html", article=article, form=version_form(article))


@bp.post("/articles/<int:article_id>/versions")
def create(article_id: int):
    """Add the pasted text or the uploaded file as the article's new version."""
    article = get_or_404(Article, article_id)
    form = VersionForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            raw = text_of_file(upload.filename, upload.read()) if upload else form.text.data
            assert raw is not None  # validate_text asks for a text when no file is given
            report = versioning.add_version(
                scorer=claim_scorer(),
                session=db.session(),
                article=article,
                raw_text=raw,
                user=current_user,
                origin="file" if upload else "pasted",
                source=upload.filename if upload else None,
                base_version=form.base_version.data,
            )
        except versioning.NewerVersion as newer:
            # Someone added a version while this text was edited: keep the text, show what arrived.
            db.session().rollback()
            base = form.base_version.data
            # Sending it again now builds on the newer version (raw_data is what the field shows).
            form.base_version.data, form.base_version.raw_data = newer.current, None
            return render_template("versions/new.html", article=article, form=form, conflict=(base, newer.current)), 409
        except (ValueError, ExtractionError) as error:  # SameText, an empty text, an unreadable file
            db.session().rollback()
            add_error(form.file if upload else form.text, str(error))
        else:
            return redirect(url_for("versions.show", article_id=article.id, number=report.version.number), code=303)
    return render_template("versions/new.html", article=article, form=form), 422


@bp.post("/articles/<int:article_id>/versions/fetch")
def refetch(article_id: int):
    """Fetch the article's web page again and add its text as a new version when it changed."""
    article = get_or_404(Article, article_id)
    form = version_form(article)
    if not article.source_url:
        abort(404)
    try:
        found, where = fetch_article(article.source_url, current_app.config)
        report = versioning.add_version(
            scorer=claim_scorer(),
            session=db.session(),
            article=article,
            raw_text=found.text,
            user=current_user,
            origin="web",
            source=where,
        )
    except versioning.SameText:
        db.session().rollback()
        return render_template(
            "versions/new.html",
            article=article,
            form=form,
            notice=f"The web page's article text is the same as version "
            f"{article.current_version}: no new version was added.",
        )
    except (FetchError, ExtractionError, ValueError) as error:
        db.session().rollback()
        return render_template("versions/new.html", article=article, form=form, fetch_error=str(error)), 422
    return redirect(url_for("versions.show", article_id=article.id, number=report.version.number), code=303)


@bp.get("/articles/<int:article_id>/versions/<int:number>")
def show(article_id: int, number: int):
    """One version: where it came from and what became of each claim on it."""
    article = get_or_404(Article, article_id)
    session = db.session()
    version = versioning.version_of(session=session, article=article, number=number)
    if version is None:
        abort(404)
    changes = versioning.version_changes(
        session=session,
        article=article,
        number=number,
        known=visibility.known_span_ids(session=session, article=article, viewer=current_user),
    )
    return render_template("versions/show.html", article=article, version=version, changes=changes)


@bp.get("/articles/<int:article_id>/diff")
def diff(article_id: int):
    """Two versions side by side in one text: what was inserted and what was deleted."""
    article = get_or_404(Article, article_id)
    session = db.session()
    versions = versioning.versions_of(session=session, article=article)
    by_number = {v.number: v for v in versions}
    latest = versions[-1].number
    old_number = request.args.get("from", type=int, default=max(1, latest - 1))
    new_number = request.args.get("to", type=int, default=latest)
    if old_number not in by_number or new_number not in by_number:
        abort(404)
    comparison = diffing.compare(by_number[old_number].text, by_number[new_number].text)
    return render_template(
        "versions/diff.html",
        article=article,
        versions=versions,
        old=by_number[old_number],
        new=by_number[new_number],
        comparison=comparison,
    )


@bp.post("/articles/<int:article_id>/spans/<int:span_id>/reattach")
def reattach(article_id: int, span_id: int):
    """Put an orphaned claim on words the user selected in the latest version."""
    article, span = load_span(article_id, span_id)
    form = ReattachForm()
    if not form.validate():
        abort(422, "Select the claim's new wording in the article first.")
    assert form.article_version.data is not None  # InputRequired passed
    assert span.id is not None  # a stored span
    if visibility.is_settled(db.session(), span.id) and not current_user.is_lead:
        abort(403, "A lead has settled this claim; only a lead may re-attach it.")
    try:
        target = resolve_target(article.text, start=form.start.data, end=form.end.data, quote=form.quote.data)
        reattaching.reattach(
            session=db.session(), span=span, target=target, user=current_user, article_version=form.article_version.data
        )
    except AnchorError as error:
        abort(422, str(error))
    except annotation_service.TextChanged:
        db.session().rollback()
        abort(409, "A new version of the article arrived since you selected these words; reload and select again.")
    except reattaching.NotOrphaned:
        db.session().rollback()
        abort(409, "This claim is no longer orphaned: someone re-attached it already.")
    except reattaching.RangeTaken:
        db.session().rollback()
        abort(409, "Another claim already covers exactly these words; select the wording a little differently.")
    address = claim_address(span)
    if htmx_request():
        return htmx_response("", redirect=address)
    return redirect(address, code=303)
