"""Importing annotations from the browser: upload a W3C or Hypothesis JSON file, see what became of each item.

Leads import for anyone (each item's author as the file names it, or one reviewer), with
the file's times; a reviewer imports their own annotations, as themselves whatever the file
says, dated now (file times would let them move their claims up the lead's queue). A file of more than
``IMPORT_MAX_ITEMS`` items is refused with 413 (``flask import-annotations`` takes any number).
Hypothesis highlights without a verdict tag become the author's drafts awaiting a verdict.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlmodel import col, select

from annotator.db.models import Article, User
from annotator.domain.text import NotText, loads_json
from annotator.extensions import db
from annotator.formats.interchange import HYPOTHESIS, Rejected, read_items
from annotator.services.imports import import_items, shown_outcomes
from annotator.web.forms import ImportForm
from annotator.web.helpers import over_upload_cap

bp = Blueprint("imports", __name__)

FROM_THE_FILE = 0  # the choice that leaves the article (by source URL) or the author to the file


def import_form(session) -> ImportForm:
    form = ImportForm()
    form.article.choices = [
        (FROM_THE_FILE, "The article whose source URL the file names"),
        *(
            (article_id, title)
            for article_id, title in session.exec(
                select(Article.id, Article.title).order_by(Article.title, col(Article.id))
            )
        ),
    ]
    if current_user.is_lead:
        form.author.choices = [
            (FROM_THE_FILE, "The creator each item names (new ones become reviewers)"),
            *(
                (user_id, name)
                for user_id, name in session.exec(
                    select(User.id, User.display_name).order_by(User.display_name, col(User.id))
                )
            ),
        ]
    else:
        form.author.choices = [(current_user.id, f"{current_user.display_name} (you)")]
    return form


@bp.route("/import", methods=["GET", "POST"])
def import_annotations():
    """The upload form; on a valid file, the report of every item (imported, re-anchored or rejected)."""
    session = db.session()
    form = import_form(session)
    if form.validate_on_submit():
        document = read_json(form)
        if document is not None:
            article = session.get(Article, form.article.data) if form.article.data != FROM_THE_FILE else None
            author = session.get(User, form.author.data) if form.author.data != FROM_THE_FILE else None
            try:
                file_format, items = read_items(document)
                too_many = over_upload_cap(len(items), what="annotations", command="import-annotations")
                if too_many:  # refused before anything is stored (the command line takes any number)
                    form.file.errors.append(too_many)
                    return render_template("imports/form.html", form=form), 413
                reports = list(
                    import_items(
                        session=session,
                        file_format=file_format,
                        items=items,
                        article=article,
                        reviewer=author,
                        keep_times=current_user.is_lead,
                    )
                )
            except Rejected as error:
                form.file.errors.append(str(error))
            else:
                totals = Counter(report.outcome for report in reports)
                return render_template(
                    "imports/report.html",
                    reports=reports,
                    totals=totals,
                    outcomes=shown_outcomes(totals),
                    filename=form.file.data.filename,
                    file_format=file_format,
                    hypothesis=file_format == HYPOTHESIS,
                )
    status = 422 if request.method == "POST" else 200
    return render_template("imports/form.html", form=form), status


def read_json(form: ImportForm):
    """The uploaded file as JSON; None, with the reason on the form, when it is not."""
    try:
        return loads_json(form.file.data.read().decode("utf-8-sig"))
    except NotText as error:
        form.file.errors.append(f"The file is not JSON text: {error}")
        return None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # ValueError: NaN, a 5,000-digit number
        form.file.errors.append(f"The file is not JSON ({error.__class__.__name__}: {str(error)[:200]}).")
        return None
