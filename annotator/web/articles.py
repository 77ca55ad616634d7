"""Articles: the list, the article page with its highlights, and adding articles."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.db.models import Article
from annotator.extensions import db
from annotator.net.extraction import article_of_file
from annotator.services import versioning
from annotator.services.articles import article_list, create_article, fetch_article
from annotator.web.forms import ArticleForm, FetchForm
from annotator.web.helpers import claim_scorer, get_or_404, htmx_request
from annotator.web.panel import (
    highlighted,
    load_claim,
    render_article_page,
    render_claims_page,
    span_panel_context,
    version_context,
)

bp = Blueprint("articles", __name__)
bp.add_app_template_filter(highlighted, "highlighted")


@bp.get("/")
def index():
    """The list of articles."""
    return render_template("articles/index.html", rows=article_list(session=db.session()))


@bp.route("/articles/new", methods=["GET", "POST"])
def new():
    """Add an article by pasting its text."""
    form = ArticleForm()
    if form.validate_on_submit():
        try:
            article = create_article(
                scorer=claim_scorer(),
                session=db.session(),
                title=form.title.data,
                raw_text=form.text.data,
                created_by=current_user,
                author=form.author.data,
                publisher=form.publisher.data,
                source_url=form.source_url.data,
                published_on=form.published_on.data,
            )
        except ValueError:  # only invisible characters (e.g. a byte-order mark): nothing to annotate
            form.text.errors = [*form.text.errors, "The article text is empty."]
        else:
            return redirect(url_for("articles.show", article_id=article.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("articles/new.html", form=form, fetch_form=FetchForm(formdata=None)), status


@bp.post("/articles/fetch")
def fetch_page():
    """Fill the new-article form from a web page (fetched, or uploaded as .html) for the user to
    check and add; nothing is stored yet."""
    fetch_form = FetchForm()
    if fetch_form.validate_on_submit():
        upload = fetch_form.page.data
        try:
            if upload:  # by its content: a saved page, a text (no metadata), or refused (a PDF, an image…)
                found, where = article_of_file(upload.filename or "The file", upload.read()), None
            else:
                found, where = fetch_article((fetch_form.url.data or "").strip(), current_app.config)
        except ValueError as error:  # FetchError, ExtractionError, NotArticleFile, text that is not UTF-8
            field = fetch_form.page if upload else fetch_form.url
            field.errors = [*field.errors, str(error)]
        else:
            form = ArticleForm(
                formdata=None,
                data={
                    "title": found.title,
                    "author": found.author or "",
                    "publisher": found.publisher or "",
                    "source_url": found.canonical_url or where or "",
                    "published_on": found.published_on,
                    "text": found.text,
                },
            )
            return render_template("articles/new.html", form=form, fetch_form=fetch_form, fetched=found)
    return render_template("articles/new.html", form=ArticleForm(formdata=None), fetch_form=fetch_form), 422


@bp.get("/articles/<int:article_id>")
def show(article_id: int):
    """The article with its highlights; ``?span=ID`` opens that claim in the panel, ``?version=N``
    shows an older version (read only), ``?claims_shown=N`` lists N claims in the panel (with htmx and
    ``claims_from``, only the claims list's next page)."""
    span_id = request.args.get("span", type=int)
    number = request.args.get("version", type=int)
    if number is not None:
        article = get_or_404(Article, article_id)
        if number != article.current_version:
            version = versioning.version_of(session=db.session(), article=article, number=number)
            if version is None:
                abort(404)
            context = version_context(session=db.session(), article=article, viewer=current_user, version=version)
            return render_template("articles/show.html", panel="annotations/_claims.html", **context)
    if span_id is None:
        article = get_or_404(Article, article_id)
        if htmx_request() and "claims_from" in request.args:
            return render_claims_page(article)
        return render_article_page("annotations/_claims.html", article=article)
    claim = load_claim(article_id, span_id)
    return render_article_page(
        "annotations/_span_panel.html",
        article=claim.article,
        **span_panel_context(session=db.session(), span=claim.span, user=current_user, claim=claim),
    )
