"""Input no browser sends but anyone can (outside test finding 5): a file where a form asks for text, a
lone surrogate in JSON, a date at the end of the calendar. Each is 400 or 422 with a message, never a
500, stores nothing, and every answer (errors too) carries the security headers. Where the sweeps' odd
value is taken, what was stored (or found) is what was sent (the oracles of ``tests.fixtures.oracles``)."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from sqlalchemy import func
from sqlmodel import select

from annotator.db.models import (
    Annotation,
    ApiToken,
    Article,
    Comment,
    Event,
    ExternalCheck,
    FinalVerdict,
    Source,
    Span,
    User,
)
from annotator.extensions import db
from annotator.web.forms import NOT_A_FILE_MESSAGE
from tests.fixtures.api_helpers import bearer, make_token, w3c
from tests.fixtures.app import CLAIM, HX, PASSWORD, annotation_data, csrf_token, post_annotation
from tests.fixtures.imports import SECOND
from tests.fixtures.nasty import (
    CLAIM_REVIEW,
    QUERIES,
    SAMPLE,
    SAMPLE_JSON,
    W3C_ITEM,
    FilePart,
    api_token,
    form_body,
    fresh_author,
    json_paths,
    poster_token,
    query_string,
    raw,
    replaced,
)
from tests.fixtures.oracles import (
    assert_api_write_stored,
    assert_claimreviews_stored,
    assert_form_post_stored,
    assert_import_stored,
    assert_only,
    assert_query_answer,
    assert_w3c_stored,
    changes,
    received_form,
    received_query,
    snapshot,
    w3c_expected,
)

TABLES = (Article, Span, Annotation, Source, FinalVerdict, Comment, Event, User, ApiToken, ExternalCheck)


def counts(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session().exec(select(func.count()).select_from(t)).one() for t in TABLES)


def assert_security_headers(response) -> None:
    assert "script-src 'self'" in response.headers.get("Content-Security-Policy", "")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"


@pytest.fixture
def world(app, reviewer_client, demo_article):
    """One submitted annotation (id 1 on span 1), for the forms that act on one."""
    assert post_annotation(reviewer_client, demo_article, annotation_data(demo_article.text)).status_code == 200
    return demo_article


# Every form that takes text, with its text fields and the other fields that make it otherwise valid.
TEXT_FORMS = [
    ("lead", "/articles/new", {"title": "T", "author": "", "publisher": "", "source_url": "", "text": "Some text."}),
    ("reviewer", "/articles/1/annotations", annotation_data(CLAIM + " x", CLAIM)),
    (
        "reviewer",
        "/annotations/1",
        {
            "verdict": "true",
            "note": "n",
            "sources-0-url": "https://a.example/",
            "sources-0-title": "t",
            "sources-0-excerpt": "e",
            "action": "save",
        },
    ),
    ("reviewer", "/articles/1/spans/1/comments", {"body": "A comment"}),
    ("lead", "/articles/1/spans/1/final-verdict", {"verdict": "true", "rationale": "Because."}),
    ("lead", "/annotations/1/return", {"note": "Fix it"}),
    ("reviewer", "/settings/tokens", {"name": "cms"}),
    ("reviewer", "/articles/fetch", {"url": "https://news.example/a"}),
    ("reviewer", "/articles/1/versions", {"text": "A new text.", "base_version": "1"}),
    ("reviewer", "/articles/1/spans/1/reattach", {"start": "0", "end": "5", "quote": "Putin", "article_version": "1"}),
    ("lead", "/articles/1/spans/1/same-claim", {"span": "1"}),
]


HIDDEN_FIELDS = {"base_version", "start", "end", "quote", "prefix", "suffix", "article_version", "version"}


@pytest.mark.parametrize("role, path, fields", TEXT_FORMS, ids=[p for _, p, _ in TEXT_FORMS])
def test_a_file_sent_for_a_text_field_is_refused_on_that_field(
    app, world, reviewer_client, lead_client, role, path, fields
):
    client = lead_client if role == "lead" else reviewer_client
    for name in fields:
        if name == "action":
            continue
        before = counts(app)
        for headers in ({}, HX):
            data = {k: v for k, v in fields.items() if k != name}
            data[name] = (io.BytesIO(b"text in a file"), "field.txt")
            data["csrf_token"] = csrf_token(client, "/articles/1")
            response = client.post(path, data=data, headers=headers, content_type="multipart/form-data")
            assert response.status_code in (400, 403, 409, 422), (path, name, response.status_code)
            assert counts(app) == before, (path, name)
            assert_security_headers(response)
            if response.status_code == 422 and name not in HIDDEN_FIELDS and path != "/articles/1/spans/1/reattach":
                assert NOT_A_FILE_MESSAGE in response.get_data(as_text=True), (path, name)


def test_a_username_sent_as_a_file_does_not_sign_in_and_says_why(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"username": (io.BytesIO(b"reviewer"), "u.txt"), "password": PASSWORD, "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert NOT_A_FILE_MESSAGE in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_password_sent_as_a_file_does_not_sign_in(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"username": "reviewer", "password": (io.BytesIO(PASSWORD.encode()), "p"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and client.get("/").status_code == 302


def test_a_json_body_is_no_form(app, reviewer_client, world):
    """A form endpoint reads form fields only: a JSON document (numbers, lists) is treated as an empty form."""
    token = csrf_token(reviewer_client, "/articles/1")
    before = counts(app)
    for body in ({"note": 5, "verdict": ["true"], "quote": {"a": 1}}, [1, 2], "text"):
        response = reviewer_client.post("/articles/1/annotations", json=body, headers={"X-CSRFToken": token})
        assert response.status_code == 422 and counts(app) == before


# --- Lone surrogates in JSON ---------------------------------------------------------------------------------

LONE = "\ud800"


@pytest.mark.parametrize("where", ["note", "source url", "source title", "quote", "verdict", "creator"])
def test_a_lone_surrogate_in_an_api_body_is_422_and_stores_nothing(app, world, where):
    token = make_token(app, "apiuser")
    item = w3c(CLAIM, note="fine", sources=[{"url": "https://a.example/", "title": "A"}])
    if where == "note":
        item["body"][1]["value"] = "before " + LONE + " after"
    elif where == "source url":
        item["body"][2]["source"] = "https://a.example/" + LONE
    elif where == "source title":
        item["body"][2]["label"] = LONE
    elif where == "quote":
        item["target"]["selector"][0]["exact"] = CLAIM + LONE
    elif where == "verdict":
        item["body"][0]["value"] = LONE
    else:
        item["creator"] = {"name": LONE}
    before = counts(app)
    client = app.test_client()
    response = client.post(
        "/api/v1/articles/1/annotations",
        data=raw(item),
        headers={**bearer(token), "Content-Type": "application/ld+json"},
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    problem = response.get_json()
    assert "surrogate" in problem["detail"] or "Unicode" in problem["detail"]
    assert counts(app) == before
    assert_security_headers(response)


def test_a_lone_surrogate_in_a_claimreview_upload_is_refused_with_the_reason(app, lead_client, world):
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example/1",
        "claimReviewed": "A claim " + LONE,
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "author": {"@type": "Organization", "name": "Checks"},
    }
    for field_value in (
        review,
        {**review, "claimReviewed": "ok", "url": "https://checks.example/" + LONE},
        {**review, "claimReviewed": "ok", "author": {"name": LONE}},
    ):
        token = csrf_token(lead_client, "/checks/import")
        before = counts(app)
        response = lead_client.post(
            "/checks/import",
            data={"csrf_token": token, "file": (io.BytesIO(raw(field_value)), "checks.json")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422, response.get_data(as_text=True)[:300]
        assert "surrogate" in response.get_data(as_text=True)
        assert counts(app) == before
        assert_security_headers(response)


def test_a_lone_surrogate_in_an_annotations_upload_is_refused_with_the_reason(app, reviewer_client, world):
    item = w3c(CLAIM, note="x" + LONE)
    token = csrf_token(reviewer_client, "/import")
    before = counts(app)
    response = reviewer_client.post(
        "/import",
        data={"csrf_token": token, "article": "1", "author": "1", "file": (io.BytesIO(raw([item])), "a.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "surrogate" in response.get_data(as_text=True)
    assert counts(app) == before


# --- Errors keep the security headers --------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_500_keeps_the_security_headers(tmp_path, signed_in):
    """Whatever fails, the answer carries the policy headers: here a view whose write the database
    refuses (a lone surrogate, as stored before it was checked), which leaves the session unusable for
    the hooks that run after it, and a view that simply raises."""
    from tests.fixtures.app import login, make_app

    app = make_app(tmp_path / "boom.sqlite3")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom/write")
    def boom_write():
        session = db.session()
        session.add(Comment(span_id=1, user_id=1, body="x\ud800"))
        session.flush()

    @app.get("/boom/raise")
    def boom_raise():
        raise RuntimeError("boom")

    client = app.test_client()
    if signed_in:
        assert login(client, "reviewer").status_code == 303
    for path in ("/boom/write", "/boom/raise", "/api/v1/articles/1"):
        for headers in ({}, HX):
            response = client.get(path, headers=headers)
            assert response.status_code in (302, 401, 500), (path, response.status_code)
            assert_security_headers(response)
            assert response.headers["Server-Timing"].startswith("app;dur=")
    assert client.get("/login").status_code == 200  # the next request is served as usual
    app.extensions["engine"].dispose()


# --- Queue cursors at the ends of the calendar ----------------------------------------------------------------


@pytest.mark.parametrize(
    "after",
    [
        "0-1-0001-01-01T00:00:00+14:00",
        "1-1-9999-12-31T23:59:59-14:00",
        "0-1-0001-01-01T00:00:00+23:59",
        "0-99999999999999999999-2024-01-01T00:00:00+00:00",
        "0--1-2024-01-01T00:00:00+00:00",
        "0-1-2024-01-01T00:00:00",
        "x",
        "0-1-%ED%A0%80",
        "0-1-%FF",
    ],
)
def test_a_queue_cursor_off_the_calendar_is_answered_not_a_500(lead_client, world, after):
    """A cursor that names no moment the database can compare is no cursor: the answer is page 2 by position, as
    without one (here empty: the queue's one claim is on page 1), where a readable cursor from before the claim
    gives the claim. (Bytes that are no UTF-8, such as an encoded lone surrogate, go in the URL already escaped.)"""

    def claims(query: str) -> list[str]:
        response = lead_client.get(f"/review/queue?page=2{query}", headers=HX)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return re.findall(r'<tr class="queue-row[^"]*" data-span-id="(\d+)"', response.get_data(as_text=True))

    assert claims("&after=0-1-2024-01-01T00:00:00%2B00:00") == ["1"]
    assert claims(f"&after={quote(after, safe='%')}") == claims("") == []


# --- Sweeps: every awkward value in every field, parameter and JSON member -----------------------------------
# The fuzz tests (test_fuzz_forms) mix values at random; these send each kind to each place once, so that a
# case such as a queue cursor at the end of the calendar cannot hide behind the odds.

SWEPT_FORMS = [
    *TEXT_FORMS,
    ("anonymous", "/login", {"username": "reviewer", "password": PASSWORD}),
    ("lead", "/articles/1/settings", {"blind_review": "y"}),
    ("reviewer", "/import", {"article": "1", "author": "1", "file": FilePart(raw([w3c(SECOND)]), "a.json")}),
    ("lead", "/checks/import", {"file": FilePart(raw(CLAIM_REVIEW), "c.json")}),
]


@pytest.mark.parametrize("role, path, fields", SWEPT_FORMS, ids=[f"{r}:{p}" for r, p, _ in SWEPT_FORMS])
def test_every_form_field_takes_every_awkward_value(
    app, world, client, reviewer_client, lead_client, role, path, fields
):
    """Each field of each form gets each kind of awkward value (and a file part): never a 500, a refused
    request changes nothing, and one taken stores what was sent (``oracles.assert_form_post_stored``: the
    value as the form reads it, in the rows the form writes, nothing else changed)."""
    browser = {"lead": lead_client, "reviewer": reviewer_client, "anonymous": client}[role]
    username = None if role == "anonymous" else role
    for name in [*fields, "unknown"]:
        for value in [*SAMPLE, FilePart(b"text in a file", "field.txt")]:
            data = {**fields, name: value, "csrf_token": csrf_token(browser, "/login")}
            body, content_type = form_body(list(data.items()))
            before = snapshot(app)
            response = browser.post(path, data=body, content_type=content_type, headers=HX)
            after = snapshot(app, since=before)
            assert response.status_code < 500, (path, name, value, response.get_data(as_text=True)[:300])
            if response.status_code >= 400:
                assert_only(changes(before, after))
            else:
                form, files = received_form(body, content_type)
                assert_form_post_stored(path, form, files, before, after, username)
                if path == "/import":
                    assert_import_stored(response, before, after)
                elif path == "/checks/import":
                    assert_claimreviews_stored(response, before, after)
            assert_security_headers(response)
            if path == "/login" and response.status_code == 303:
                browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_every_query_parameter_takes_every_awkward_value(app, world, reviewer_client, lead_client, path):
    """Each parameter a page or API list reads gets each kind of awkward value, as a lead and as a reviewer,
    from htmx and not (the queue's cursor is read on page 2 of an htmx request only); what a 200 lists is what
    the query asks for (``oracles.assert_query_answer``)."""
    token = api_token(app)
    base = {"/review/queue": [("page", "2")]}.get(path, [])
    for name in [*QUERIES[path], "unknown"]:
        for value in SAMPLE:
            for browser, headers in ((lead_client, HX), (lead_client, {}), (reviewer_client, HX)):
                if path.startswith("/api/"):
                    headers = {**headers, **bearer(token)}
                query = query_string([*[(k, v) for k, v in base if k != name], (name, value)])
                response = browser.get(f"{path}?{query}", headers=headers)
                assert response.status_code < 500, (path, name, value, response.get_data(as_text=True)[:300])
                assert_query_answer(app, browser, path, received_query(query), response, headers)
                assert_security_headers(response)


API_WRITES = [
    ("POST", "/api/v1/articles/1/annotations"),
    ("POST", "/api/v1/articles/1/annotations?submit=true"),
    ("PUT", "/api/v1/annotations/2"),
]


@pytest.mark.parametrize("method, path", API_WRITES, ids=[f"{m} {p}" for m, p in API_WRITES])
def test_every_json_member_of_an_api_body_takes_every_awkward_value(app, world, method, path):
    """POST by a user who had not annotated the claim (the first document taken stores their annotation; later
    ones, once read and found valid, are 409: one annotation per reviewer and claim); PUT with ``If-Match: *``
    on the token user's own annotation of the claim, so that every valid document is stored. A refused one
    changes nothing; one taken stores what the document says (``oracles.assert_api_write_stored``)."""
    token = api_token(app)
    client = app.test_client()
    json_headers = {"Content-Type": "application/ld+json"}
    draft = client.post(
        "/api/v1/articles/1/annotations", data=raw(w3c(CLAIM)), headers={**json_headers, **bearer(token)}
    )
    assert draft.status_code == 201  # the token user's draft on the claim, id 2, for PUT
    for where in json_paths(W3C_ITEM):
        for value in SAMPLE_JSON:
            if method == "PUT":
                username, writer = "fuzzer", {**bearer(token), "If-Match": "*"}
            else:
                username, poster = poster_token(app)
                writer = bearer(poster)
            before = snapshot(app)
            response = client.open(
                path, method=method, data=raw(replaced(W3C_ITEM, where, value)), headers={**json_headers, **writer}
            )
            after = snapshot(app, since=before)
            assert response.status_code < 500, (where, value, response.get_data(as_text=True)[:300])
            if response.status_code >= 400:
                assert_only(changes(before, after), change={"api_tokens": {"last_used_at"}})
                assert response.mimetype == "application/problem+json"
            else:
                assert_api_write_stored(method, response, before, after, W3C_ITEM, where, value, username)
            assert_security_headers(response)


UPLOADED = [
    ("lead", "/checks/import", CLAIM_REVIEW, {}),
    ("lead", "/import", [W3C_ITEM], {"article": "1"}),
]


@pytest.mark.parametrize("role, path, document, fields", UPLOADED, ids=[p for _, p, _, _ in UPLOADED])
def test_every_json_member_of_an_uploaded_file_takes_every_awkward_value(
    app, world, reviewer_client, lead_client, role, path, document, fields
):
    """A refused file changes nothing; a file taken stores what its report says, as the file says it (annotations
    are imported by a lead for an author who had imported nothing: the first good file stores its item, later
    ones report it rejected, as that author judged the words already)."""
    browser = lead_client if role == "lead" else reviewer_client
    for where in json_paths(document):
        for value in SAMPLE_JSON:
            author = {"author": str(fresh_author(app))} if path == "/import" else {}
            before = snapshot(app)
            response = browser.post(
                path,
                data={
                    **fields,
                    **author,
                    "csrf_token": csrf_token(browser, path),
                    "file": (io.BytesIO(raw(replaced(document, where, value))), "upload.json"),
                },
                content_type="multipart/form-data",
            )
            after = snapshot(app, since=before)
            assert response.status_code < 500, (where, value, response.get_data(as_text=True)[:300])
            if response.status_code >= 400:
                assert_only(changes(before, after))
            elif path == "/import":
                for annotation in assert_import_stored(response, before, after):
                    assert_w3c_stored(after, annotation, w3c_expected(W3C_ITEM, where[1:], value))
            else:
                assert_claimreviews_stored(response, before, after, CLAIM, where)
