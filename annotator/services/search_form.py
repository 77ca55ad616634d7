"""The search's words and filters as a form (WTForms, no Flask), shared by the search page and the
``search`` command so that both accept the same input and give the same messages."""

from __future__ import annotations

from sqlmodel import Session, col, select
from wtforms import DateField, Form, SelectField, StringField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms.validators import Length, Optional, ValidationError

from annotator.db.models import Article, User
from annotator.domain import verdicts
from annotator.services.content import CleanTextMeta
from annotator.services.search import SearchFilters

SEARCH_MAX_LENGTH = 500
SEARCH_STATUSES = (("draft", "Draft"), ("submitted", "Submitted"), ("returned", "Returned"))


def listed_choice(message: str):
    """A validator: the value is empty or one of the field's choices (set by the view)."""

    def check(form, field) -> None:
        if field.data and field.data not in {str(choice.value) for choice in field.choices}:
            raise ValidationError(message)

    return check


class SearchForm(Form):
    """The search page's words and filters: a GET form (no CSRF token); reviewer and article choices
    are filled in from the database by ``search_form``."""

    class Meta(CleanTextMeta):
        pass

    q = StringField(
        "Search",
        id="search-q",
        validators=[
            Optional(),
            Length(max=SEARCH_MAX_LENGTH, message=f"Keep the search under {SEARCH_MAX_LENGTH} characters."),
        ],
        render_kw={"type": "search", "placeholder": 'words, "a phrase", -left-out, this OR that'},
    )
    verdict = SelectField(
        "Verdict",
        id="search-verdict",
        choices=lambda: [SelectChoice("", "Any verdict"), *(SelectChoice(k, name) for k, name in verdicts.choices())],
        validate_choice=False,
        validators=[listed_choice("Choose a verdict from the scale.")],
    )
    reviewer = SelectField(
        "Reviewer",
        id="search-reviewer",
        choices=[],
        validate_choice=False,
        validators=[listed_choice("Choose a reviewer from the list.")],
    )
    status = SelectField(
        "Status",
        id="search-status",
        choices=[SelectChoice("", "Any status"), *(SelectChoice(k, name) for k, name in SEARCH_STATUSES)],
        validate_choice=False,
        validators=[listed_choice("Choose draft, submitted or returned.")],
    )
    article = SelectField(
        "Article",
        id="search-article",
        choices=[],
        validate_choice=False,
        validators=[listed_choice("Choose an article from the list.")],
    )
    date_from = DateField(
        "From",
        name="from",
        id="search-from",
        validators=[Optional()],
        render_kw={"type": "date"},
        description="Last changed on or after",
    )
    date_to = DateField(
        "To",
        name="to",
        id="search-to",
        validators=[Optional()],
        render_kw={"type": "date"},
        description="Last changed on or before",
    )

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date comes before the start date.")


def search_form(*, session: Session, args) -> SearchForm:
    """The search form bound to ``args``, with every reviewer and article to choose from (two queries)."""
    form = SearchForm(args)
    form.reviewer.choices = [
        SelectChoice("", "Any reviewer"),
        *(
            SelectChoice(username, name)
            for username, name in session.exec(
                select(User.username, User.display_name).order_by(User.display_name, User.username)
            )
        ),
    ]
    form.article.choices = [
        SelectChoice("", "Any article"),
        *(
            SelectChoice(str(i), title)
            for i, title in session.exec(select(Article.id, Article.title).order_by(Article.title, col(Article.id)))
        ),
    ]
    return form


def form_filters(form: SearchForm) -> SearchFilters:
    """The filters a validated form selects."""
    return SearchFilters(
        verdict=form.verdict.data or None,
        reviewer=form.reviewer.data or None,
        status=form.status.data or None,
        article=int(form.article.data) if form.article.data else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
