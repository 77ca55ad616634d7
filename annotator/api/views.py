"""The JSON API, ``/api/v1/``: articles, annotations as W3C Web Annotations, claims with final verdicts.

Requests authenticate with a personal API token (``Authorization: Bearer fca_…``; see
``tokens``) and only with it: the API ignores session cookies, so a page of another site
can never make a signed-in browser write through it, and needs no CSRF token. The token's
user has the same rights as in the app, through the same service functions (``spans``),
the same form validation and the same visibility rules (drafts, blind review). Every
error is RFC 9457 ``application/problem+json``. The OpenAPI document (``openapi``)
describes all of it.
"""
from __future__ import annotations

import json
from typing import Any, Iterator, NoReturn

from flask import Blueprint, Response, abort, g, request, stream_with_context, url_for
from sqlalchemy import func
from sqlmodel import Session, select
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from annotator.extensions import csrf, db
from annotator.web import downloads
from annotator.formats import exports
from annotator.api import openapi
from annotator.services import spans, tokens, versioning
from annotator.domain import verdicts
from annotator.domain.anchoring import AnchorError, Target, resolve_target
from annotator.domain.text import NotText, canonicalize_fragment, loads_json
from annotator.web.forms import annotation_content_form
from annotator.formats.interchange import Rejected, w3c_content, w3c_target
from annotator.db.models import Annotation, Article, ArticleVersion, FinalVerdict, Span, User
from annotator.db.models import MAX_ID

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"
W3C_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
JSON_MEDIA_TYPES = ("application/json", "application/ld+json")
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
DEFAULT_PER_PAGE, MAX_PER_PAGE = 20, 100
SETTLED_DETAIL = "A lead has settled this claim; its annotations can no longer be changed."
PUBLIC_ENDPOINTS = {"api.openapi_document"}


# --- Problems (RFC 9457) ------------------------------------------------------------------------------

def problem(status: int, detail: str, *, kind: str | None = None, errors: list[dict] | None = None,
            headers: dict | None = None, **extra: Any) -> Response:
    """An ``application/problem+json`` response: ``type``, ``title``, ``status``, ``detail`` (and ``errors``)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + kind if kind else "about:blank",
        "title": PROBLEM_TITLES.get(kind or "", HTTP_STATUS_CODES.get(status, "Error")),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON,
                        headers=headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def fail(status: int, detail: str, **kwargs: Any) -> NoReturn:
    """Stop the request with a problem response."""
    abort(problem(status, detail, **kwargs))


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


DETAILS = {
    400: "The request could not be understood.",
    401: "Send a personal API token: Authorization: Bearer <token>.",
    403: "You do not have permission to do that.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request is larger than this server accepts.",
    500: "The server hit an error; nothing was changed.",
}


def error_problem(status: int, error: BaseException | None = None) -> Response:
    """An HTTP error of an API request (raised by a view, or by routing) as a problem."""
    detail = DETAILS.get(status, HTTP_STATUS_CODES.get(status, "The request failed."))
    if isinstance(error, HTTPException) and error.description and error.description != type(error).description:
        detail = error.description  # a view's own explanation, e.g. abort(404, "…")
    headers = {}
    if status == 405 and isinstance(error, HTTPException) and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(status, detail, headers=headers)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """abort(404) and the like in an API view (``fail`` raises its problem response as it is)."""
    return error_problem(error.code, error)


# --- Authentication -----------------------------------------------------------------------------------

def unauthorized(detail: str, *, invalid: bool = False) -> NoReturn:
    challenge = 'Bearer realm="api"' + (', error="invalid_token"' if invalid else "")
    fail(401, detail, kind="invalid-token" if invalid else "unauthorized", headers={"WWW-Authenticate": challenge})


@bp.before_request
def _authenticate():
    """Every API request but the OpenAPI document's carries a personal API token; cookies count for nothing."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        unauthorized("This API takes a personal API token: send Authorization: Bearer <token>. "
                     "Make one on your settings page (/settings/tokens) or with `flask create-token`.")
    user = tokens.authenticate(session=db.session(), token=token.strip())
    if user is None:
        unauthorized("The API token is unknown, revoked, or belongs to an account that cannot sign in.",
                     invalid=True)
    g.api_user = user


def api_user() -> User:
    return g.api_user


# --- Reading requests ---------------------------------------------------------------------------------

def get_or_404(model, ident: int):
    if not 0 < ident <= MAX_ID:
        abort(404)
    row = db.session().get(model, ident)
    if row is None:
        abort(404)
    return row


def query_int(name: str, default: int, lowest: int, highest: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < lowest or (highest is not None and value > highest):
        bounds = f"from {lowest} to {highest}" if highest is not None else f"of {lowest} or more"
        fail(400, f"{name} must be a whole number {bounds}.", kind="bad-query",
             errors=[{"field": name, "detail": f"A whole number {bounds}."}])
    return value


def query_flag(name: str) -> bool:
    raw = request.args.get(name, "").lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    fail(400, f"{name} must be true or false.", kind="bad-query", errors=[{"field": name, "detail": "true or false."}])


def query_version() -> int | None:
    """The ``article_version`` a client anchored on (optional): a positive integer."""
    raw = request.args.get("article_version")
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2 ** 31:
        fail(400, "article_version must be a version number.", kind="bad-query",
             errors=[{"field": "article_version", "detail": "A version number, such as 2."}])
    return int(raw)


def json_body() -> Any:
    """The request's JSON document: 415 unless sent as JSON, 400 when it does not parse."""
    if request.mimetype not in JSON_MEDIA_TYPES:
        fail(415, "Send the annotation as JSON (Content-Type: application/ld+json or application/json).",
             kind="unsupported-media-type")
    try:
        return loads_json(request.get_data(cache=False) or b"")
    except NotText as error:
        fail(422, f"The body is not Unicode text: {error}", kind="validation",
             errors=[{"field": "", "detail": str(error)}])
    except (ValueError, RecursionError):
        fail(400, "The body is not valid JSON.", kind="malformed-json")


def if_match_version(annotation: Annotation, *, required: bool) -> int | None:
    """The version the client last saw, from If-Match (``"3"`` or ``*``): 428 when required and absent,
    409 when it is not the current one."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            fail(428, "Send If-Match with the annotation's ETag (from GET), so that a change made in the "
                      "meantime is not overwritten.", kind="precondition-required")
        return None
    if header.strip() == "*":
        return None
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag(annotation) not in wanted:
        stale(annotation)
    return annotation.version


def stale(annotation: Annotation) -> NoReturn:
    fail(409, "The annotation changed since you read it: GET it again, re-apply your change and send the new ETag.",
         kind="stale-edit", headers={"ETag": etag(annotation)}, current_version=annotation.version)


def etag(annotation: Annotation) -> str:
    return f'"{annotation.version}"'


class Invalid(Exception):
    """A request body that does not make a valid annotation: ``errors`` is a list of {field, detail}."""

    def __init__(self, errors: list[dict]):
        super().__init__("invalid annotation")
        self.errors = errors


def invalid(errors: list[dict]) -> NoReturn:
    detail = " ".join(f"{e['field'] or 'body'}: {e['detail']}" for e in errors)
    fail(422, detail, kind="validation", errors=errors)


def form_errors(errors: dict) -> list[dict]:
    """The annotation form's errors, by the W3C member each comes from."""
    found = []
    for name, messages in errors.items():
        field = {"verdict": "body.verdict", "note": "body.note"}.get(name, f"body.{name}")
        for index, message in enumerate(messages):
            if isinstance(message, dict):  # one source row's errors
                found += [{"field": f"body.sources[{index}].{key}", "detail": m}
                          for key, ms in message.items() for m in ms]
            else:
                found.append({"field": field, "detail": str(message)})
    return found


def read_annotation(document: Any, article: Article, *, span: Span | None = None) -> tuple[Target, str, str, list]:
    """Target, verdict, note and sources of a W3C annotation sent to the API, checked as the app's form
    checks them (anchored with the same rules: the quote must match the offsets, or occur once).

    ``span`` (an update): the target may be left out; when given it must be the annotation's own.
    """
    if not isinstance(document, dict):
        invalid([{"field": "", "detail": "Send one W3C Annotation: a JSON object."}])
    if document.get("type", "Annotation") != "Annotation":
        invalid([{"field": "type", "detail": "The type must be Annotation."}])
    errors: list[dict] = []
    target = None
    if span is None or document.get("target") is not None:
        try:
            place = w3c_target(document)
            if (span is not None and span.orphaned and place["start"] is None
                    and canonicalize_fragment(place["quote"] or "") == span.quote):
                # An orphan's target as GET gives it: its quote alone, in no current text.
                target = Target(span.start, span.end, span.quote, span.prefix, span.suffix)
            else:
                target = resolve_target(article.text, start=place["start"], end=place["end"],
                                        quote=place["quote"], prefix=place["prefix"], suffix=place["suffix"])
        except Rejected as error:
            errors.append({"field": error.field, "detail": str(error)})
        except AnchorError as error:
            errors.append({"field": f"target.selector.{error.selector}", "detail": str(error)})
        if target is not None and span is not None and (target.start, target.end) != (span.start, span.end):
            errors.append({"field": "target", "detail": "An annotation's target cannot change: delete it and "
                                                        "annotate the other words."})
    verdict, note, sources = "", "", []
    try:
        verdict, note, incoming_sources = w3c_content(document)
        form = annotation_content_form(verdict=verdict, note=note, sources=incoming_sources)
        errors += form_errors(form.errors)
        verdict, note, sources = form.verdict.data, form.note.data or "", form.source_rows()
    except Rejected as error:
        errors.append({"field": error.field, "detail": str(error)})
    if errors:
        invalid(errors)
    return target or Target(span.start, span.end, span.quote, span.prefix, span.suffix), verdict, note, sources


# --- Representations ----------------------------------------------------------------------------------

def iso_or_none(moment) -> str | None:
    return exports.iso(moment) if moment is not None else None


def article_links(article: Article) -> dict:
    return {
        "self": url_for("api.article", article_id=article.id, _external=True),
        "html": url_for("articles.show", article_id=article.id, _external=True),
        "annotations": url_for("api.article_annotations", article_id=article.id, _external=True),
        "claims": url_for("api.article_claims", article_id=article.id, _external=True),
    }


def article_json(article: Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "author": article.author,
        "publisher": article.publisher,
        "source_url": article.source_url,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "created_at": exports.iso(article.created_at),
        "blind_review": article.blind_review,
        "links": article_links(article),
    }


def version_json(article: Article, version: ArticleVersion) -> dict:
    return {
        "number": version.number,
        "created_at": exports.iso(version.created_at),
        "origin": version.origin,
        "source": version.source,
        "text_length": len(version.text),
        "current": version.number == article.current_version,
        "links": {"self": url_for("api.article_version", article_id=article.id, number=version.number,
                                  _external=True),
                  "html": url_for("articles.show", article_id=article.id, version=version.number, _external=True)},
    }


def article_versions_json(article: Article) -> list[dict]:
    """The article's text versions, oldest first (each version's text is at its own address)."""
    return [version_json(article, v) for v in versioning.versions_of(session=db.session(), article=article)]


def annotation_record(annotation: Annotation) -> exports.AnnotationRecord:
    span = annotation.span
    return exports.AnnotationRecord(
        id=annotation.id, iri=url_for("annotations.show", annotation_id=annotation.id, _external=True),
        creator_name=annotation.user.display_name, creator_username=annotation.user.username,
        created=annotation.created_at, modified=annotation.updated_at, verdict=annotation.verdict,
        note=annotation.note, start=None if span.orphaned else span.start, end=None if span.orphaned else span.end,
        quote=span.quote, prefix=span.prefix,
        suffix=span.suffix,
        sources=tuple(exports.SourceRecord(s.url, s.title, s.excerpt) for s in annotation.sources),
    )


def annotation_json(annotation: Annotation) -> dict:
    """One annotation as the W3C export writes it, with its own @context, plus ``status`` and ``version``
    (members of this API outside the W3C vocabulary) and its API address in ``links``."""
    article = annotation.span.article
    item = exports.w3c_annotation(annotation_record(annotation), target_source=downloads.article_iri(article))
    return {"@context": exports.W3C_CONTEXT, **item, "status": annotation.status, "version": annotation.version,
            "links": {"self": url_for("api.annotation", annotation_id=annotation.id, _external=True),
                      "article": url_for("api.article", article_id=article.id, _external=True)}}


def annotation_response(annotation: Annotation, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(annotation_json(annotation), ensure_ascii=False), status=status,
                        mimetype="application/ld+json", headers=headers or {})
    response.headers["Content-Type"] = W3C_MEDIA_TYPE
    response.headers["ETag"] = etag(annotation)
    return response


def json_response(document: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(document, ensure_ascii=False), status=status, mimetype="application/json",
                    headers=headers or {})


# --- Endpoints ----------------------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of this API (no token needed)."""
    return json_response(openapi.document())


@bp.get("/articles")
def articles():
    """Articles, oldest first, a page at a time (``page``, ``per_page``)."""
    page = query_int("page", 1, 1, MAX_ID)
    per_page = query_int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    session = db.session()
    total = session.exec(select(func.count()).select_from(Article)).one()
    rows = session.exec(select(Article).order_by(Article.id).offset((page - 1) * per_page).limit(per_page)).all()
    pages = max(1, -(-total // per_page))

    def link(number: int) -> str:
        return url_for("api.articles", page=number, per_page=per_page, _external=True)

    links = {"self": link(page), "first": link(1), "last": link(pages),
             "next": link(page + 1) if page < pages else None, "prev": link(min(page - 1, pages)) if page > 1 else None}
    link_header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url and rel != "self")
    return json_response({"items": [article_json(a) for a in rows], "page": page, "per_page": per_page,
                          "total": total, "pages": pages, "links": links}, headers={"Link": link_header})


@bp.get("/articles/<int:article_id>")
def article(article_id: int):
    """One article with its text and its versions."""
    found = get_or_404(Article, article_id)
    return json_response({**article_json(found), "text": found.text, "versions": article_versions_json(found)})


@bp.get("/articles/<int:article_id>/versions/<int:number>")
def article_version(article_id: int, number: int):
    """One version of the article, with its text."""
    found = get_or_404(Article, article_id)
    version = versioning.version_of(session=db.session(), article=found, number=number)
    if version is None:
        abort(404)
    return json_response({**version_json(found, version), "text": version.text})


@bp.get("/articles/<int:article_id>/annotations")
def article_annotations(article_id: int):
    """The article's annotations that the token's user may read, as a W3C AnnotationCollection (streamed)."""
    found = get_or_404(Article, article_id)
    viewer, engine = api_user(), db.engine()
    collection_id = url_for("api.article_annotations", article_id=found.id, _external=True)

    def chunks() -> Iterator[str]:
        # A session of its own: the request's is closed when the view returns, before the body is sent.
        with Session(engine, expire_on_commit=False) as session:
            streamed = session.get(Article, found.id)
            yield from downloads.in_pieces(exports.w3c_collection_json(
                downloads.records(session, streamed, viewer), collection_id=collection_id,
                label=f"Fact-check annotations on “{streamed.title}”", target_source=downloads.article_iri(streamed)))

    response = Response(stream_with_context(chunks()), mimetype="application/ld+json")
    response.headers["Content-Type"] = W3C_MEDIA_TYPE
    return response


@bp.post("/articles/<int:article_id>/annotations")
def create_annotation(article_id: int):
    """Annotate words of the article with a W3C annotation: a draft, or submitted with ``?submit=true``."""
    found = get_or_404(Article, article_id)
    submit = query_flag("submit")
    anchored_on = query_version()
    if anchored_on is not None and anchored_on != found.current_version:
        fail(409, f"The article is at version {found.current_version} now; anchor on its text and retry.",
             kind="text-changed")
    target, verdict, note, sources = read_annotation(json_body(), found)
    session, user = db.session(), api_user()
    span = spans.find_span(session=session, article_id=found.id, start=target.start, end=target.end)
    existing = spans.own_annotation(session=session, span=span, user=user)
    if existing is not None:
        location = url_for("api.annotation", annotation_id=existing.id, _external=True)
        fail(409, f"You already annotated these words (annotation {existing.id}): PUT to {location} to change it.",
             kind="already-annotated", headers={"Location": location})
    try:
        annotation = spans.save_annotation(session=session, user=user, article=found, target=target, verdict=verdict,
                                           note=note, sources=sources, submit=submit)
    except spans.Locked:
        session.rollback()
        fail(409, SETTLED_DETAIL, kind="settled")
    except spans.TextChanged:
        session.rollback()
        fail(409, "A new version of the article arrived while this was sent; anchor on its text and retry.",
             kind="text-changed")
    location = url_for("api.annotation", annotation_id=annotation.id, _external=True)
    return annotation_response(annotation, 201, headers={"Location": location})


def load_annotation(annotation_id: int, *, write: bool) -> Annotation:
    """An annotation the token's user may know of (404 otherwise); for ``write``, one of their own (403)."""
    annotation = get_or_404(Annotation, annotation_id)
    user = api_user()
    if annotation.deleted_at is not None or not spans.is_listed(user, author_id=annotation.user_id,
                                                                 status=annotation.status):
        abort(404)
    if write and not annotation.is_owned_by(user):
        fail(403, "Only its author can change an annotation.", kind="forbidden")
    return annotation


@bp.get("/annotations/<int:annotation_id>")
def annotation(annotation_id: int):
    """One annotation, with its ETag (the version to send back in If-Match)."""
    found = load_annotation(annotation_id, write=False)
    if not spans.may_read(session=db.session(), annotation=found, viewer=api_user()):
        detail = ("A draft is seen by its author only." if found.status == "draft" else
                  "Blind review: submit your own annotation on this claim to see the others'.")
        fail(403, detail, kind="hidden-by-blind-review" if found.status != "draft" else "forbidden")
    return annotation_response(found)


@bp.put("/annotations/<int:annotation_id>")
def update_annotation(annotation_id: int):
    """Replace one's annotation's verdict, note and sources (If-Match required); ``?submit=true`` submits too."""
    found = load_annotation(annotation_id, write=True)
    version = if_match_version(found, required=True)
    submit = query_flag("submit")
    _, verdict, note, sources = read_annotation(json_body(), found.span.article, span=found.span)
    return change(found, spans.update_annotation, verdict=verdict, note=note, sources=sources,
                  expected_version=version, submit=submit)


@bp.delete("/annotations/<int:annotation_id>")
def delete_annotation(annotation_id: int):
    """Delete (hide) one's annotation (If-Match required); it stays in the database, a lead can restore it."""
    found = load_annotation(annotation_id, write=True)
    version = if_match_version(found, required=True)
    change(found, spans.delete_annotation, expected_version=version)
    return Response(status=204)


@bp.post("/annotations/<int:annotation_id>/submit")
def submit_annotation(annotation_id: int):
    """Submit one's draft or returned annotation (If-Match optional)."""
    found = load_annotation(annotation_id, write=True)
    version = if_match_version(found, required=False)
    return change(found, spans.submit_annotation, expected_version=version)


def change(annotation: Annotation, action, **kwargs) -> Response:
    """Run a reviewer's action on their annotation: 409 when settled or changed in the meantime."""
    session = db.session()
    try:
        action(session=session, annotation=annotation, user=api_user(), **kwargs)
    except spans.Locked:
        session.rollback()
        fail(409, SETTLED_DETAIL, kind="settled")
    except spans.StaleEdit as error:
        session.rollback()
        stale(error.current)
    except spans.NoVerdict as refused:
        session.rollback()
        fail(422, refused.message, kind="no-verdict",
             errors=[{"field": "body.verdict", "detail": refused.message}])
    return annotation_response(annotation)


@bp.get("/articles/<int:article_id>/claims")
def article_claims(article_id: int):
    """The article's claims the token's user knows of, in text order, each with its final verdict (or null)."""
    found = get_or_404(Article, article_id)
    session = db.session()
    summaries = spans.span_summaries(session=session, article=found, viewer=api_user())
    finals = {f.span_id: f for f in session.exec(
        select(FinalVerdict).join(Span, Span.id == FinalVerdict.span_id).where(Span.article_id == found.id))}
    claims = []
    for summary in summaries:
        final = finals.get(summary.id)
        claims.append({
            "id": summary.id,
            "start": None if summary.orphaned else summary.start,
            "end": None if summary.orphaned else summary.end,
            "quote": summary.quote,
            "anchor": summary.state,
            "final": None if final is None else {
                "verdict": final.verdict,
                "label": verdicts.label(final.verdict),
                "rationale": final.rationale,
                "cited_sources": [{"url": c["url"], "title": c.get("title", ""), "excerpt": c.get("excerpt", "")}
                                  for c in final.cited_sources],
                "settled_at": exports.iso(final.created_at),
                "updated_at": exports.iso(final.updated_at),
            },
            # null when hidden from the user, or when their draft awaits a verdict ("" stored)
            "annotations": [{"id": j.annotation_id, "reviewer": j.reviewer, "status": j.status,
                             "verdict": j.verdict or None,
                             "links": {"self": url_for("api.annotation", annotation_id=j.annotation_id,
                                                       _external=True)}}
                            for j in summary.judgements],
            "links": {"html": url_for("articles.show", article_id=found.id, span=summary.id, _external=True)},
        })
    return json_response({"article": found.id, "items": claims, "total": len(claims)})
