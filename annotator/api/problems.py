"""RFC 9457 problem details: every error of the API is ``application/problem+json``.

``Problem`` and ``FieldError`` are the body's models (the OpenAPI document is generated from
them); ``problem`` writes one, ``fail`` stops a request with one, and ``error_problem`` turns
the HTTP errors of routing and of ``abort`` into one. ``STATUSES`` describes each status the
API's operations document.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import Response, abort, request
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "urn:fact-check-annotator:problem:"  # + one of the names below; generic ones are about:blank
PROBLEM_TITLES = {
    "validation": "Invalid annotation",
    "bad-query": "Invalid query parameter",
    "unauthorized": "Authentication required",
    "invalid-token": "Invalid API token",
    "forbidden": "Forbidden",
    "hidden-by-blind-review": "Hidden by blind review",
    "stale-edit": "Edited in the meantime",
    "precondition-required": "If-Match required",
    "settled": "Claim settled",
    "already-annotated": "Already annotated",
    "unsupported-media-type": "Unsupported media type",
    "malformed-json": "Malformed JSON",
    "no-verdict": "No verdict yet",
}
DETAILS = {
    400: "The request could not be understood.",
    401: "Send a personal API token: Authorization: Bearer <token>.",
    403: "You do not have permission to do that.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request is larger than this server accepts.",
    500: "The server hit an error; nothing was changed.",
}
# What each status means, as the operations document it.
STATUSES = {
    400: "Bad request: a malformed query parameter or JSON body.",
    401: "No token, or an unknown or revoked one (WWW-Authenticate: Bearer).",
    403: "Not allowed: someone else's annotation, or one blind review hides from you.",
    404: "No such resource, or none you may know of.",
    409: "Conflict: the claim is settled, the annotation changed since your ETag (stale-edit), you annotated "
    "these words already, or a new version of the article arrived (text-changed).",
    413: "The body is larger than the server accepts (8 MB).",
    415: "The body is not JSON.",
    422: "The annotation is not valid; errors lists each fault by field (on submit: a draft with no verdict yet, "
    "no-verdict).",
    428: "If-Match is required.",
}


class FieldError(BaseModel):
    field: str = Field(
        description="The member at fault, e.g. body.verdict, target.selector.exact, "
        'body.sources[0].url; a query parameter\'s name; "" for the whole body.',
        examples=["body.verdict"],
    )
    detail: str = Field(examples=["Choose a verdict from the scale."])


class Problem(BaseModel):
    """An RFC 9457 problem. Validation problems list each fault in errors."""

    type: str = Field(
        description="about:blank, or urn:fact-check-annotator:problem:NAME",
        examples=["urn:fact-check-annotator:problem:validation"],
    )
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    errors: list[FieldError] | None = None
    current_version: int | None = Field(None, description="stale-edit: the annotation's version now")


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    current_version: int | None = None,
) -> Response:
    """An ``application/problem+json`` response: ``type``, ``title``, ``status``, ``detail`` (and ``errors``)."""
    body = Problem(
        type=PROBLEM_TYPE + kind if kind else "about:blank",
        title=PROBLEM_TITLES.get(kind or "", HTTP_STATUS_CODES.get(status, "Error")),
        status=status,
        detail=detail,
        errors=None if errors is None else [FieldError(**e) for e in errors],
        current_version=current_version,
    )
    response = Response(
        json.dumps(body.model_dump(exclude_none=True), ensure_ascii=False),
        status=status,
        mimetype=PROBLEM_JSON,
        headers=headers or {},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def fail(status: int, detail: str, **kwargs: Any) -> NoReturn:
    """Stop the request with a problem response."""
    abort(problem(status, detail, **kwargs))


def invalid(errors: list[dict[str, str]]) -> NoReturn:
    """Stop the request with a 422 validation problem listing ``errors`` ({field, detail})."""
    detail = " ".join(f"{e['field'] or 'body'}: {e['detail']}" for e in errors)
    fail(422, detail, kind="validation", errors=errors)


def unauthorized(detail: str, *, invalid: bool = False) -> NoReturn:
    """Stop the request with a 401 and its Bearer challenge."""
    challenge = 'Bearer realm="api"' + (', error="invalid_token"' if invalid else "")
    fail(401, detail, kind="invalid-token" if invalid else "unauthorized", headers={"WWW-Authenticate": challenge})


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def error_problem(status: int, error: BaseException | None = None) -> Response:
    """An HTTP error of an API request (raised by a view, or by routing) as a problem."""
    detail = DETAILS.get(status, HTTP_STATUS_CODES.get(status, "The request failed."))
    if isinstance(error, HTTPException) and error.description and error.description != type(error).description:
        detail = error.description  # a view's own explanation, e.g. abort(404, "…")
    headers = {}
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and isinstance(error, HTTPException) and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    return problem(status, detail, headers=headers)
