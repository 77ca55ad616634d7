"""Articles: the list, the article page with its highlights, and adding articles."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, func
from sqlmodel import Session, select

from annotator.extensions import db
from annotator.services import spans, versioning
from annotator.web import suggestions
from annotator.domain import text
from annotator.net.extraction import ExtractedArticle, article_of_file, decode, extract_article
from annotator.net.fetching import FetchRules, fetch
from annotator.web.forms import ArticleForm, FetchForm
from annotator.db.models import DRAFT, Annotation, Article, FinalVerdict, Span, User
from annotator.web.panel import load_span, render_article_page, span_panel_context, version_context
from annotator.web.helpers import get_or_404

bp = Blueprint("articles", __name__)


def slugify(title: str) -> str:
    """A URL-friendly slug from a title (ASCII letters, digits and hyphens)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-") or "article"


def unique_slug(session: Session, title: str) -> str:
    base = slugify(title)
    taken = set(session.exec(select(Article.slug).where(Article.slug.startswith(base))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_article(*, session: Session, title: str, raw_text: str, created_by: User | None = None,
                   author: str | None = None, publisher: str | None = None, source_url: str | None = None,
                   published_on: date | None = None, origin: str = "created") -> Article:
    """Store a new article with its text made canonical (NFC, ``\\n``) as its version 1, with its
    suggested claims."""
    canonical = text.canonicalize(raw_text)
    if not canonical.strip():
        raise ValueError("the article text is empty")
    article = Article(
        slug=unique_slug(session, title), title=title.strip(), text=canonical,
        author=(author or "").strip() or None, publisher=(publisher or "").strip() or None,
        source_url=(source_url or "").strip() or None,
        published_on=published_on, created_by_id=created_by.id if created_by else None,
    )
    session.add(article)
    session.flush()
    session.add(versioning.first_version(article, created_by, origin))
    suggestions.store(session=session, article_id=article.id, version=1, article_text=canonical)
    session.commit()
    return article


def fetch_article(url: str, config) -> tuple[ExtractedArticle, str]:
    """The article at ``url`` (fetched under the app's rules, then extracted) and the address
    that answered; FetchError or ExtractionError with the reason."""
    rules = FetchRules(allowed_hosts=config["FETCH_ALLOWED_HOSTS"], timeout=config["FETCH_TIMEOUT"],
                       max_bytes=config["FETCH_MAX_BYTES"])
    page = fetch(url, rules)
    return extract_article(decode(page.body, page.charset), page.url), page.url


def article_list(*, session: Session) -> list[tuple[Article, int, int, int]]:
    """Every article with its numbers of checked claims, submitted annotations and settled claims (one query).

    Drafts and deleted annotations do not count: the list says what was checked.
    """
    submitted = (Annotation.span_id == Span.id) & spans.not_deleted() & (Annotation.status != DRAFT)
    statement = (
        select(Article, func.count(func.distinct(case((Annotation.id.is_not(None), Span.id)))),
               func.count(func.distinct(Annotation.id)), func.count(func.distinct(FinalVerdict.id)))
        .outerjoin(Span, Span.article_id == Article.id)
        .outerjoin(Annotation, submitted)
        .outerjoin(FinalVerdict, FinalVerdict.span_id == Span.id)
        .group_by(Article.id)
        .order_by(Article.created_at.desc(), Article.id.desc())
    )
    return list(session.exec(statement))


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
                session=db.session(), title=form.title.data, raw_text=form.text.data, created_by=current_user,
                author=form.author.data, publisher=form.publisher.data, source_url=form.source_url.data,
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
            form = ArticleForm(formdata=None, data={
                "title": found.title, "author": found.author or "", "publisher": found.publisher or "",
                "source_url": found.canonical_url or where or "", "published_on": found.published_on,
                "text": found.text})
            return render_template("articles/new.html", form=form, fetch_form=fetch_form, fetched=found)
    return render_template("articles/new.html", form=ArticleForm(formdata=None), fetch_form=fetch_form), 422


@bp.get("/articles/<int:article_id>")
def show(article_id: int):
    """The article with its highlights; ``?span=ID`` opens that claim in the panel, ``?version=N``
    shows an older version (read only)."""
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
        return render_article_page("annotations/_claims.html", article=get_or_404(Article, article_id))
    article, span = load_span(article_id, span_id)
    return render_article_page("annotations/_span_panel.html", article=article,
                               **span_panel_context(session=db.session(), span=span, user=current_user))
