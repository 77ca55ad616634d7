"""The rules an annotation's content meets (a verdict of the scale, a note, up to 20 sources with web
addresses), wherever it comes from: the reviewer's form, the API and imported files check it with
the same WTForms fields and give the same messages. No Flask: ``web.forms`` builds its forms on these.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms (3.2) lacks it
from wtforms.validators import Length, Optional, ValidationError

from annotator.domain import verdicts
from annotator.domain.text import canonicalize_fragment

NOTE_MAX_LENGTH = 10_000
MAX_SOURCES = 20


def check_web_url(value: str) -> None:
    """Raise ValidationError unless ``value`` is an absolute http(s) URL."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:  # e.g. "http://[::1": an unbalanced IPv6 bracket
        raise ValidationError("Enter a full web address starting with http:// or https://.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError("Enter a full web address starting with http:// or https://.")


def web_url(form, field) -> None:
    """WTForms validator form of ``check_web_url`` (empty or blank values pass)."""
    if field.data and field.data.strip():
        check_web_url(field.data)


def clean_text(value):
    """Canonical text in every text field: no control characters, NFC, ``\n`` line endings."""
    return canonicalize_fragment(value) if isinstance(value, str) else value


class CleanTextMeta:
    """Form Meta that adds ``clean_text`` to every text field except passwords."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            options["filters"] = [*unbound_field.kwargs.get("filters", ()), clean_text]
        return unbound_field.bind(form=form, **options)


class SubForm(Form):
    """Base of forms nested in others (no CSRF token of their own), text fields cleaned."""

    class Meta(CleanTextMeta):
        pass


class SourceForm(SubForm):
    """One cited source; a row left entirely empty is ignored."""

    # No Optional() here: it would stop validation of an empty URL before validate_url,
    # and a row with a title but no address would be stored with an empty URL.
    url = StringField("Source URL", validators=[Length(max=2000), web_url])
    title = StringField("Source title", validators=[Optional(), Length(max=500)])
    excerpt = TextAreaField("Excerpt", validators=[Optional(), Length(max=5000)])

    def validate_url(self, field) -> None:
        if not (field.data or "").strip() and ((self.title.data or "").strip() or (self.excerpt.data or "").strip()):
            raise ValidationError("Give the source's web address, or clear this row.")

    def is_empty(self) -> bool:
        return not any((f.data or "").strip() for f in (self.url, self.title, self.excerpt))


class RowList(FieldList):
    """A FieldList of numbered rows (``sources-0-url``) that reads only ASCII digits as a row number.

    WTForms takes any name part ``str.isdigit()`` accepts and hands it to ``int()``, which refuses some of
    them (a superscript: ``sources-²-url``), so that such a field name was a 500. Here it is an unknown field,
    ignored as ``sources-x-url`` is."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                number = key[offset:].split(self._field_separator, 1)[0]
                if number.isascii() and number.isdigit():
                    yield int(number)


def verdict_field(label: str = "Verdict") -> SelectField:
    """A select of the verdict scale with an empty first choice (validated by ``check_verdict``)."""
    return SelectField(
        label,
        # A callable: each form made takes the scale in use then (the desk's file, read at start-up).
        choices=lambda: (
            [SelectChoice("", "Choose a verdict…")] + [SelectChoice(k, name) for k, name in verdicts.choices()]
        ),
        validate_choice=False,  # check_verdict gives a clearer message
    )


def check_verdict(form, field) -> None:
    if not field.data:
        raise ValidationError("Choose a verdict.")
    if verdicts.get(field.data) is None:
        raise ValidationError("Choose a verdict from the scale.")


class ContentFields:
    """The fields and rules of an annotation's content: its verdict, note and sources."""

    verdict = verdict_field()
    note = TextAreaField(
        "Note", validators=[Length(max=NOTE_MAX_LENGTH, message=f"Keep the note under {NOTE_MAX_LENGTH:,} characters.")]
    )
    sources = RowList(FormField(SourceForm), min_entries=1)
    validate_verdict = check_verdict

    def validate_sources(self, field) -> None:
        if len(field.entries) > MAX_SOURCES:
            raise ValidationError(f"Cite at most {MAX_SOURCES} sources.")

    def source_rows(self) -> list[dict]:
        """The filled-in source rows, in order, as plain dicts."""
        rows = []
        for entry in self.sources.entries:
            if entry.form.is_empty():
                continue
            # None only for a row with no address field at all, which validate_url refused
            assert entry.form.url.data is not None
            rows.append(
                {
                    "url": entry.form.url.data.strip(),
                    "title": (entry.form.title.data or "").strip(),
                    "excerpt": (entry.form.excerpt.data or "").strip(),
                }
            )
        return rows


class ContentForm(ContentFields, Form):
    """An annotation's content sent from elsewhere (an imported file, the API); no CSRF token."""

    class Meta(CleanTextMeta):
        pass


def content_form(*, verdict: str, note: str, sources) -> ContentForm:
    """The reviewer's form filled in with a verdict key, a note and sources (``{"url", "title", "excerpt"}``)
    from elsewhere (an imported file, the API), validated: the same rules and messages as a save in the app."""
    data = MultiDict({"verdict": verdict, "note": note})
    for n, source in enumerate(sources):
        for key in ("url", "title", "excerpt"):
            data[f"sources-{n}-{key}"] = source.get(key, "")
    form = ContentForm(formdata=data)
    form.validate()
    return form
