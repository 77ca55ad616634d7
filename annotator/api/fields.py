"""Field types of the API's models: each carries its rule and its JSON Schema from one declaration.

A rule checks a value as the app's annotation form checks it (``annotator.services.content``): text is
made canonical first, every rule runs, and each failing rule gives one message, the form's own.
The same rule writes its keyword (``maxLength``, ``pattern``, ``enum``…) into the OpenAPI document.
Query parameters are read from their raw strings with the API's rules and messages of old
(``page=5_0`` is 50, as ``int`` reads it; ``submit`` takes true/false/yes/no/1/0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import (
    AfterValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema
from wtforms.validators import Length
from wtforms.validators import ValidationError as FormValidationError

from annotator.db.models import DRAFT, RETURNED, SUBMITTED
from annotator.domain import verdicts
from annotator.domain.text import canonicalize_fragment
from annotator.formats.interchange import W3C_NO_QUOTE, Rejected, verdict_key
from annotator.services.content import NOTE_MAX_LENGTH, SourceForm, check_web_url


def _form_limit(field: Any) -> int:
    """The ``Length(max=…)`` of one of the forms' fields, so that the limit is written in one place."""
    return next(v.max for v in field.kwargs["validators"] if isinstance(v, Length))


SOURCE_URL_MAX, SOURCE_TITLE_MAX, SOURCE_EXCERPT_MAX = (
    _form_limit(f) for f in (SourceForm.url, SourceForm.title, SourceForm.excerpt)
)

# An absolute http(s) address, as ``check_web_url`` wants it (white space around it is dropped).
WEB_ADDRESS_PATTERN = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]"


def rule_error(message: str, kind: str = "rule", **context: Any) -> PydanticCustomError:
    """A validation error whose message is ``message`` as it is (braces and all)."""
    return PydanticCustomError(kind, "{message}", {"message": message, **context})


def raise_all(errors: Sequence[InitErrorDetails], title: str = "field") -> None:
    """Raise every error at once (pydantic places them under the field being validated)."""
    if errors:
        raise ValidationError.from_exception_data(title, list(errors))


def line_errors(error: ValidationError) -> list[InitErrorDetails]:
    """A caught ValidationError's errors, ready to raise again together with others."""
    return [
        InitErrorDetails(type=rule_error(e["msg"], e["type"]), loc=e["loc"], input=e.get("input"))
        for e in error.errors()
    ]


class Rule(Protocol):
    def check(self, value: str) -> str | None:
        """The message when ``value`` breaks the rule, else None."""

    def json_schema(self, mode: str) -> dict[str, Any]:
        """The JSON Schema keywords that say the rule (for requests: ``validation``; responses: ``serialization``)."""


@dataclass(frozen=True)
class MaxLength:
    """At most ``limit`` code points (WTForms ``Length(max=…)``, with its message unless given another)."""

    limit: int
    message: str = ""

    def check(self, value: str) -> str | None:
        if len(value) <= self.limit:
            return None
        return self.message or f"Field cannot be longer than {self.limit} characters."

    def json_schema(self, mode: str) -> dict[str, Any]:
        return {"maxLength": self.limit}


@dataclass(frozen=True)
class WebAddress:
    """An absolute http or https address when anything is given (``web_url`` of the forms)."""

    def check(self, value: str) -> str | None:
        if not value.strip():
            return None
        try:
            check_web_url(value)
        except FormValidationError as error:
            return str(error)
        return None

    def json_schema(self, mode: str) -> dict[str, Any]:
        # Requests only: the API writes back what it stored, which the pattern need not describe exactly.
        return {"pattern": WEB_ADDRESS_PATTERN} if mode == "validation" else {}


@dataclass(frozen=True)
class NotBlank:
    """Holds more than white space."""

    message: str

    def check(self, value: str) -> str | None:
        return None if value.strip() else self.message

    def json_schema(self, mode: str) -> dict[str, Any]:
        return {"pattern": r"\S"}


@dataclass(frozen=True)
class Checked:
    """Text checked by ``rules`` after canonicalisation (``clean_text`` of the forms); every failing rule
    adds its message. ``skip_blank``: blank input passes (WTForms ``Optional``); ``strip``: kept stripped."""

    rules: tuple[Rule, ...]
    skip_blank: bool = False
    strip: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        for rule in self.rules:
            json_schema.update(rule.json_schema(handler.mode))
        return json_schema

    def validate(self, raw: str) -> str:
        value = canonicalize_fragment(raw)
        if not (self.skip_blank and not raw.strip()):
            messages = [m for m in (rule.check(value) for rule in self.rules) if m]
            raise_all([InitErrorDetails(type=rule_error(m), loc=(), input=raw) for m in messages])
        return value.strip() if self.strip else value


@dataclass(frozen=True)
class AtMost:
    """A list of at most ``limit`` items, said with ``message`` after the items' own faults."""

    limit: int
    message: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "maxItems": self.limit}

    def validate(self, value: Any, handler: Callable[[Any], Any]) -> Any:
        errors: list[InitErrorDetails] = []
        result = None
        try:
            result = handler(value)
        except ValidationError as error:
            errors = line_errors(error)
        if isinstance(value, (list, tuple)) and len(value) > self.limit:
            errors.append(InitErrorDetails(type=rule_error(self.message), loc=(), input=value))
        raise_all(errors)
        return result


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes Annotated metadata
class FromQuery:
    """A query parameter read from its raw text by ``parse`` (None: not acceptable). A fault reads
    ``<name> must be <must>.``, and ``detail`` for the parameter."""

    parse: Callable[[str], Any]
    must: str
    detail: str
    schema: dict[str, Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(self.schema)

    def validate(self, raw: Any) -> Any:
        value = self.parse(raw) if isinstance(raw, str) else None
        if value is None:
            raise rule_error(self.detail, "bad_query", must=self.must)
        return value


def whole_number(lowest: int, highest: int) -> FromQuery:
    """An integer from ``lowest`` to ``highest``, written as ``int()`` reads it."""
    bounds = f"from {lowest} to {highest}"

    def parse(raw: str) -> int | None:
        try:
            value = int(raw)
        except ValueError:
            return None
        return value if lowest <= value <= highest else None

    return FromQuery(
        parse,
        f"a whole number {bounds}",
        f"A whole number {bounds}.",
        {"type": "integer", "minimum": lowest, "maximum": highest},
    )


FALSE_WORDS, TRUE_WORDS = ("", "0", "false", "no"), ("1", "true", "yes")


def _flag(raw: str) -> bool | None:
    word = raw.lower()
    return False if word in FALSE_WORDS else True if word in TRUE_WORDS else None


def _version_number(raw: str) -> int | None:
    try:
        value = int(raw) if raw.isdigit() else 0  # isdigit() holds for "²", which int() refuses
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


Flag = Annotated[bool, FromQuery(_flag, "true or false", "true or false.", {"type": "boolean"})]
VersionNumber = Annotated[
    int,
    FromQuery(
        _version_number,
        "a version number",
        "A version number, such as 2.",
        {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    ),
]


def _known_verdict(key: str) -> str:
    """``check_verdict`` of the forms: a key of the scale."""
    if not key:
        raise rule_error("Choose a verdict.")
    if verdicts.get(key) is None:
        raise rule_error("Choose a verdict from the scale.")
    return key


def _verdict_name(value: str) -> str:
    """A verdict's label or key, any case, as the W3C reader takes it (the value is kept as given)."""
    try:
        verdict_key(value)
    except Rejected as error:
        raise rule_error(str(error)) from None
    return value


def enum_of(values: Sequence[str], **extra: Any) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(values), **extra})


@dataclass(frozen=True)
class ScaleEnum:
    """JSON Schema of a verdict: a string among the keys (and with ``labels``, the labels) of the
    desk's scale in use when the schema is made (the app's OpenAPI document is made once, after the
    scale file is read), not when this module is imported."""

    labels: bool = False

    def __get_pydantic_json_schema__(self, _core_schema: Any, _handler: Any) -> dict[str, Any]:
        keys = [v.key for v in verdicts.SCALE]
        return {"type": "string", "enum": [v.label for v in verdicts.SCALE] + keys if self.labels else keys}


# A verdict as the API writes it: a key of the scale (annotator.domain.verdicts).
VerdictKey = Annotated[str, ScaleEnum()]
# A verdict as a request gives it to be saved: a key of the scale, checked.
CheckedVerdict = Annotated[str, AfterValidator(_known_verdict), ScaleEnum()]
# A verdict in a W3C body: its label or its key (any case is accepted; the schema lists the usual spellings).
VerdictName = Annotated[str, AfterValidator(_verdict_name), ScaleEnum(labels=True)]

NOTE_TOO_LONG = f"Keep the note under {NOTE_MAX_LENGTH:,} characters."
NoteText = Annotated[str, Checked((MaxLength(NOTE_MAX_LENGTH, NOTE_TOO_LONG),))]
SourceAddress = Annotated[str, Checked((MaxLength(SOURCE_URL_MAX), WebAddress()), strip=True)]
# A linking body's address, which it needs (a source row left empty is read as no source at all).
ADDRESS_MISSING = "Give the source's web address, or clear this row."
LinkedAddress = Annotated[
    str, Checked((MaxLength(SOURCE_URL_MAX), NotBlank(ADDRESS_MISSING), WebAddress()), strip=True)
]
SourceTitle = Annotated[str, Checked((MaxLength(SOURCE_TITLE_MAX),), skip_blank=True, strip=True)]
SourceExcerpt = Annotated[str, Checked((MaxLength(SOURCE_EXCERPT_MAX),), skip_blank=True, strip=True)]
Quote = Annotated[str, Checked((NotBlank(W3C_NO_QUOTE),))]


# Plain strings with a format, for the schemas.
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
DateTime = Annotated[
    str, WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2024-05-01T09:30:00Z"]})
]
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
# An annotation's status.
Status = Annotated[str, enum_of((DRAFT, SUBMITTED, RETURNED))]
