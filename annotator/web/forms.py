"""WTForms forms. Cross-field and text-aware checks live in ``validate_*`` methods."""

from __future__ import annotations

from datetime import date, timedelta

from flask import has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from annotator.domain.claim_record import (
    CLAIMANT_KINDS,
    CLAIMANT_MAX,
    ORGANIZATION,
    PERSON,
    SUMMARY_MAX,
    ClaimRecord,
    read_tags,
)
from annotator.services.content import (
    NOTE_MAX_LENGTH,
    CleanTextMeta,
    ContentFields,
    ContentForm,
    check_verdict,
    content_form,
    verdict_field,
    web_url,
)
from annotator.services.users import login_name

NOT_A_FILE_MESSAGE = "Send this as text typed into the form, not as a file."


def add_error(field: Field, message: str) -> None:
    """Add a message to a validated field's errors, as a validator would (validation leaves them a
    list; the type stubs say only Sequence)."""
    assert isinstance(field.errors, list)
    field.errors.append(message)


def _fields_named(fields, names: set[str]):
    """The fields (nested ones of sub-forms and lists too) whose submitted names are in ``names``."""
    for field in fields:
        if isinstance(field, FieldList):
            yield from _fields_named(field.entries, names)
        elif isinstance(field, FormField):
            yield from _fields_named(field.form, names)
        elif field.name in names:
            yield field


class AppForm(FlaskForm):
    """Base of the app's forms: CSRF-protected, text fields cleaned.

    Only the form's file fields take file parts: a file sent where the form asks for text (a
    username, a note) is refused with a message on that field, and a JSON body is no form."""

    class Meta(CleanTextMeta):
        def wrap_formdata(self, form, formdata):
            given_request_form = has_request_context() and formdata is request.form
            if not (formdata is _Auto or given_request_form) or not _is_submitted():
                return super().wrap_formdata(form, formdata)
            file_fields = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict([(key, value) for key, value in request.files.items(multi=True) if key in file_fields])
            form.misplaced_files = {key for key in request.files if key not in file_fields}
            if files:
                return CombinedMultiDict((files, request.form))
            # As Flask-WTF: no fields at all is no form data, so that ``obj=``/``data=`` still fill the form.
            return request.form if request.form or given_request_form else None

    misplaced_files: set[str] = set()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        misplaced = list(_fields_named(self, self.misplaced_files)) if self.misplaced_files else []
        for field in misplaced:
            field.errors = [NOT_A_FILE_MESSAGE]
        return valid and not misplaced


def _login_name(value):
    """The one normalisation of sign-in names (``services.users.login_name``), as a field filter."""
    return login_name(value) if isinstance(value, str) else value


class LoginForm(AppForm):
    username = StringField("Username", filters=[_login_name], validators=[DataRequired(message="Enter your username.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])


class ArticleForm(AppForm):
    title = StringField("Title", validators=[DataRequired(message="Give the article its headline."), Length(max=300)])
    author = StringField("Author", validators=[Optional(), Length(max=200)])
    publisher = StringField("Publisher", validators=[Optional(), Length(max=200)])
    source_url = StringField("Source URL", validators=[Optional(), Length(max=2000), web_url])
    published_on = DateField("Published date", validators=[Optional()], render_kw={"type": "date"})
    text = TextAreaField("Text", validators=[DataRequired(message="Paste the article's text."), Length(max=2_000_000)])


class AnnotationForm(ContentFields, AppForm):
    """A reviewer's verdict, note and sources on a span."""

    # The version the form was opened on; saving over a newer one answers 409.
    version = IntegerField("Version", validators=[Optional()])


def annotation_content_form(*, verdict: str, note: str, sources) -> ContentForm:
    """The content rules applied to a verdict, note and sources from elsewhere (see ``services.content``)."""
    return content_form(verdict=verdict, note=note, sources=sources)


class NewAnnotationForm(AnnotationForm):
    """An annotation together with the span it targets.

    The target is checked against the article text by the view (see
    ``annotator.domain.anchoring``); here only its shape is checked.
    """

    start = IntegerField("Start", validators=[Optional()])
    end = IntegerField("End", validators=[Optional()])
    quote = HiddenField("Quote", validators=[InputRequired(message="Select the claim in the article first.")])
    prefix = HiddenField("Prefix")
    suffix = HiddenField("Suffix")
    # The article version the words were selected in (absent from older clients: then not checked).
    article_version = IntegerField("Article version", validators=[Optional()])


def checkbox_list(label: str) -> SelectMultipleField:
    """A list of checkboxes over ids (the view sets the choices); the service judges the ids chosen."""
    return SelectMultipleField(
        label,
        coerce=int,
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class FinalVerdictForm(AppForm):
    """A lead's ruling on a span: the verdict, the public rationale, the sources to cite."""

    verdict = verdict_field("Final verdict")
    rationale = TextAreaField(
        "Public rationale",
        validators=[
            DataRequired(message="Explain the verdict for readers."),
            Length(max=NOTE_MAX_LENGTH, message=f"Keep the rationale under {NOTE_MAX_LENGTH:,} characters."),
        ],
    )
    cite = checkbox_list("Cite sources")
    version = IntegerField("Version", validators=[Optional()])
    # The claim on record (``domain.claim_record``): all optional when settling; publishing shows them.
    claimant = StringField(
        "Claimant",
        validators=[Optional(), Length(max=CLAIMANT_MAX, message=f"Keep the name under {CLAIMANT_MAX} characters.")],
    )
    claimant_kind = SelectField(
        "Claimant is",
        choices=[SelectChoice(PERSON, "A person"), SelectChoice(ORGANIZATION, "An organisation")],
        default=PERSON,
    )
    claimant_url = StringField("Claimant's web page", validators=[Optional(), Length(max=2000), web_url])
    claim_date = DateField("Claim date", validators=[Optional()], render_kw={"type": "date"})
    first_appeared = StringField("First appeared at", validators=[Optional(), Length(max=2000), web_url])
    summary = StringField(
        "Claim summary",
        validators=[Optional(), Length(max=SUMMARY_MAX, message=f"Keep the summary under {SUMMARY_MAX} characters.")],
    )
    tags = StringField("Tags", validators=[Optional(), Length(max=2000)])
    validate_verdict = check_verdict

    def validate_claim_date(self, field) -> None:
        if field.data and field.data > date.today() + timedelta(days=1):  # a day's grace for time zones
            raise ValidationError("A claim date cannot be in the future.")

    def validate_tags(self, field) -> None:
        try:
            read_tags(field.data or "")
        except ValueError as reason:
            raise ValidationError(str(reason)) from None

    def claim_record(self) -> ClaimRecord:
        """The claim on record as the form gives it (valid)."""
        return ClaimRecord(
            claimant=" ".join((self.claimant.data or "").split()),
            claimant_kind=self.claimant_kind.data if self.claimant_kind.data in CLAIMANT_KINDS else PERSON,
            claimant_url=(self.claimant_url.data or "").strip(),
            claim_date=self.claim_date.data,
            first_appeared=(self.first_appeared.data or "").strip(),
            summary=" ".join((self.summary.data or "").split()),
            tags=read_tags(self.tags.data or ""),
        )


class ReturnForm(AppForm):
    """A lead's note when sending an annotation back to its reviewer."""

    note = TextAreaField(
        "What needs changing",
        validators=[DataRequired(message="Tell the reviewer what needs changing."), Length(max=5000)],
    )


class TokenForm(AppForm):
    """A new personal API token: only its name, to tell it apart later."""

    name = StringField(
        "Token name",
        validators=[
            DataRequired(message="Name the token (what or where it is for)."),
            Length(max=100, message="Keep the name under 100 characters."),
        ],
        render_kw={"placeholder": "e.g. newsroom CMS sync", "autocomplete": "off"},
    )


class CommentForm(AppForm):
    body = TextAreaField("Comment", validators=[DataRequired(message="Write a comment first."), Length(max=5000)])


class ArticleSettingsForm(AppForm):
    blind_review = BooleanField("Blind review: reviewers see others' verdicts only after submitting their own")


class ImportForm(AppForm):
    """An annotations file to import; the article and author choices are filled in by the view."""

    file = FileField("Annotations file (JSON)", validators=[FileRequired(message="Choose a JSON file to import.")])
    article = SelectField("Into the article", coerce=int, choices=[])
    author = SelectField("Author", coerce=int, choices=[])


class FetchForm(AppForm):
    """A web address to fetch an article from, or a saved page to read it from."""

    # No Optional(): it would stop validation of an empty address before validate_url.
    url = StringField(
        "Web address", validators=[Length(max=2000)], render_kw={"placeholder": "https://…", "inputmode": "url"}
    )
    # Read by its content, not its name (extraction.article_of_file): a PDF named .html is refused too.
    page = FileField("or a saved web page")

    def validate_url(self, field) -> None:
        if not (field.data or "").strip() and not self.page.data:
            raise ValidationError("Give the article's web address, or choose a saved page.")


class VersionForm(AppForm):
    """A new text for an article: pasted (or edited), or read from a file, on top of ``base_version``."""

    # The version the user was looking at: a newer one arriving meanwhile is not silently undone.
    base_version = IntegerField("Base version", validators=[Optional()])
    # No Optional(): it would stop validation of an empty text before validate_text, which asks
    # for the text or a file.
    text = TextAreaField("New text", validators=[Length(max=2_000_000)])
    # A text file or a saved web page, told apart (and binary files refused) by content, not by name.
    file = FileField("or a file")

    def validate_text(self, field) -> None:
        if not (field.data or "").strip() and not self.file.data:
            raise ValidationError("Paste the article's new text, or choose a file.")


class ReattachForm(AppForm):
    """New words of the latest version for an orphaned claim: offsets, the quote seen there, and
    the version they were selected in."""

    start = IntegerField("Start", validators=[InputRequired()])
    end = IntegerField("End", validators=[InputRequired()])
    quote = HiddenField("Quote", validators=[InputRequired()])
    article_version = IntegerField("Article version", validators=[InputRequired()])


class SameClaimForm(AppForm):
    """A lead's "same claim as": another article's claim (``span``) or an external check (``external``)."""

    span = IntegerField("Claim", validators=[Optional()])
    external = IntegerField("External check", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (self.span.data is None) == (self.external.data is None):
            self.span.errors = [*self.span.errors, "Choose one claim or one external check."]
            return False
        return True


class RemoveLinkForm(AppForm):
    """Remove a "same claim as" link (a CSRF token only)."""


class ClaimReviewImportForm(AppForm):
    """Other fact-checkers' ClaimReview JSON-LD (or a saved page holding it), for "Checked before"."""

    file = FileField(
        "ClaimReview file (JSON-LD or a saved HTML page)",
        validators=[FileRequired(message="Choose a JSON-LD or HTML file to import.")],
    )


class PublishForm(AppForm):
    """The lead's publish: which settled claims go public, and the desk's own address for the page."""

    claims = checkbox_list("Claims to publish")  # services.publishing says which is not settled (any more)
    canonical_url = StringField("Published at (your site)", validators=[Optional(), Length(max=2000), web_url])


class CorrectionForm(AppForm):
    """A dated correction to a published fact-check."""

    note = TextAreaField(
        "Correction",
        validators=[
            DataRequired(message="Write the correction readers will see."),
            Length(max=2000, message="Keep the correction under 2,000 characters."),
        ],
    )


class ConfirmForm(AppForm):
    """A button's form: the CSRF token alone (unpublishing)."""
