"""Reading an API request: who asks, the row it names, its query (through the models of ``parameters``),
its JSON body, its If-Match, and the annotation it sends (anchored, and checked by ``schemas``)."""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from flask import abort, g, request
from pydantic import BaseModel, ValidationError

from annotator.api import schemas
from annotator.api.openapi import JSON, W3C_JSON
from annotator.api.problems import fail, invalid
from annotator.db.models import MAX_ID, Annotation, Article, Span, User
from annotator.domain.anchoring import AnchorError, Target, resolve_target
from annotator.domain.text import NotText, canonicalize_fragment, loads_json
from annotator.extensions import db
from annotator.formats.interchange import Rejected, w3c_content, w3c_target

JSON_MEDIA_TYPES = (JSON, W3C_JSON)
Model = TypeVar("Model", bound=BaseModel)


def api_user() -> User:
    user: User = g.api_user
    return user


def get_or_404(model: type[Any], ident: int) -> Any:
    if not 0 < ident <= MAX_ID:
        abort(404)
    row = db.session().get(model, ident)
    if row is None:
        abort(404)
    return row


def query(model: type[Model]) -> Model:
    """The query parameters read by ``model``: 400 naming the first one at fault."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0])
        fail(
            400,
            f"{name} must be {(first.get('ctx') or {}).get('must', 'valid')}.",
            kind="bad-query",
            errors=[{"field": name, "detail": first["msg"]}],
        )


def json_body() -> Any:
    """The request's JSON document: 415 unless sent as JSON, 400 when it does not parse."""
    if request.mimetype not in JSON_MEDIA_TYPES:
        fail(
            415,
            "Send the annotation as JSON (Content-Type: application/ld+json or application/json).",
            kind="unsupported-media-type",
        )
    try:
        return loads_json(request.get_data(cache=False) or b"")
    except NotText as error:
        fail(
            422,
            f"The body is not Unicode text: {error}",
            kind="validation",
            errors=[{"field": "", "detail": str(error)}],
        )
    except (ValueError, RecursionError):
        fail(400, "The body is not valid JSON.", kind="malformed-json")


def if_match_version(annotation: Annotation, *, required: bool) -> int | None:
    """The version the client last saw, from If-Match (``"3"`` or ``*``): 428 when required and absent,
    409 when it is not the current one."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            fail(
                428,
                "Send If-Match with the annotation's ETag (from GET), so that a change made in the "
                "meantime is not overwritten.",
                kind="precondition-required",
            )
        return None
    if header.strip() == "*":
        return None
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag(annotation) not in wanted:
        stale(annotation)
    return annotation.version


def stale(annotation: Annotation) -> NoReturn:
    fail(
        409,
        "The annotation changed since you read it: GET it again, re-apply your change and send the new ETag.",
        kind="stale-edit",
        headers={"ETag": etag(annotation)},
        current_version=annotation.version,
    )


def etag(annotation: Annotation) -> str:
    return f'"{annotation.version}"'


def content_errors(error: ValidationError) -> list[dict[str, str]]:
    """The faults ``AnnotationContent`` found, by the W3C member each comes from (``body.sources[0].url``)."""
    found = []
    for fault in error.errors():
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in fault["loc"])
        found.append({"field": "body" + where, "detail": fault["msg"]})
    return found


def read_annotation(
    document: Any, article: Article, *, span: Span | None = None
) -> tuple[Target, schemas.AnnotationContent]:
    """Target and content of a W3C annotation sent to the API: the target anchored with the app's rules (the
    quote must match the offsets, or occur once), the content checked by ``schemas.AnnotationContent``.

    ``span`` (an update): the target may be left out; when given it must be the annotation's own.
    """
    if not isinstance(document, dict):
        invalid([{"field": "", "detail": "Send one W3C Annotation: a JSON object."}])
    if document.get("type", "Annotation") != "Annotation":
        invalid([{"field": "type", "detail": "The type must be Annotation."}])
    errors: list[dict[str, str]] = []
    target = None
    if span is None or document.get("target") is not None:
        try:
            place = w3c_target(document)
            if (
                span is not None
                and span.orphaned
                and place["start"] is None
                and canonicalize_fragment(place["quote"] or "") == span.quote
            ):
                # An orphan's target as GET gives it: its quote alone, in no current text.
                target = Target(span.start, span.end, span.quote, span.prefix, span.suffix)
            else:
                target = resolve_target(
                    article.text,
                    start=place["start"],
                    end=place["end"],
                    quote=place["quote"],
                    prefix=place["prefix"],
                    suffix=place["suffix"],
                )
        except Rejected as error:
            errors.append({"field": error.field, "detail": str(error)})
        except AnchorError as error:
            errors.append({"field": f"target.selector.{error.selector}", "detail": str(error)})
        if target is not None and span is not None and (target.start, target.end) != (span.start, span.end):
            errors.append(
                {
                    "field": "target",
                    "detail": "An annotation's target cannot change: delete it and annotate the other words.",
                }
            )
    content = None
    try:
        verdict, note, sources = w3c_content(document)
        content = schemas.AnnotationContent.model_validate({"verdict": verdict, "note": note, "sources": list(sources)})
    except Rejected as error:
        errors.append({"field": error.field, "detail": str(error)})
    except ValidationError as error:
        errors += content_errors(error)
    if errors or content is None:
        invalid(errors)
    if target is None:
        assert span is not None
        target = Target(span.start, span.end, span.quote, span.prefix, span.suffix)
    return target, content
