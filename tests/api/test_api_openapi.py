"""The generated OpenAPI document against the code: every API route is in it, each documented request body
rejects what the API rejects, and the models check an annotation's content as the app's form does."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from annotator.api import openapi, schemas, standalone
from annotator.api.reading import content_errors
from annotator.domain import verdicts
from annotator.services.content import content_form
from tests.fixtures.api_helpers import bearer, make_token, w3c
from tests.fixtures.app import CLAIM

API = "/api/v1"
VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def served(client: FlaskClient) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def test_the_document_lists_every_api_route_with_its_methods_and_path_parameters(
    app: Flask, client: FlaskClient
) -> None:
    document = served(client)
    in_app: dict[tuple[str, str], set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            assert rule.endpoint.startswith("api."), rule  # the blueprint owns its prefix
            path = VARIABLE.sub(r"{\1}", rule.rule.removeprefix(API))
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                in_app[(path, method.lower())] = set(rule.arguments)
    documented = {
        (path, method): {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert documented == in_app
    assert len(documented) >= 11  # the operations of today


def test_a_route_without_a_declared_operation_stops_the_document() -> None:
    from annotator.api.views import bp

    app = Flask(__name__)
    app.register_blueprint(bp)
    assert openapi.build(app)["paths"]
    app.add_url_rule(f"{API}/undocumented", endpoint="api.undocumented", view_func=lambda: Response(status=204))
    with pytest.raises(LookupError, match="api.undocumented"):
        openapi.build(app)


def source(url: str = "https://example.org/a", title: str = "", excerpt: str = "") -> dict[str, str]:
    return {"url": url, "title": title, "excerpt": excerpt}


def without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != key}


# What the API refuses whatever the article says (anchoring against its text is left to the server).
REFUSED: list[tuple[str, Any, bool]] = [  # name, body, refused on update too
    ("unknown verdict", w3c(verdict="Pants on fire"), True),
    ("no verdict", {**w3c(), "body": [{"type": "TextualBody", "purpose": "commenting", "value": "x"}]}, True),
    ("two verdicts", {**w3c(), "body": w3c()["body"] * 2}, True),
    ("verdict not text", {**w3c(), "body": [{"type": "TextualBody", "purpose": "assessing", "value": 3}]}, True),
    ("no body", without(w3c(), "body"), True),
    ("note too long", w3c(note="x" * 10_001), True),
    ("source not http", w3c(sources=[source("javascript:alert(1)")]), True),
    ("second source relative", w3c(sources=[source(), source("/relative")]), True),
    ("source title without url", w3c(sources=[source(url="", title="A title")]), True),
    ("source address too long", w3c(sources=[source("https://example.org/" + "a" * 2000)]), True),
    ("source title too long", w3c(sources=[source(title="t" * 501)]), True),
    ("excerpt too long", w3c(sources=[source(excerpt="e" * 5001)]), True),
    ("too many sources", w3c(sources=[source()] * 21), True),
    ("blank quote", w3c("   "), True),
    ("negative offset", w3c("Putin", start=-1, end=4), True),
    ("start without end", w3c("Putin", start=0), True),
    ("no target", without(w3c(), "target"), False),
    ("not an annotation", {**w3c(), "type": "AnnotationCollection"}, True),
    ("not an object", [1, 2], True),
]


def body_validators(document: dict[str, Any], path: str, method: str) -> list[Draft202012Validator]:
    """A JSON Schema validator for each media type of the operation's documented request body."""
    content = document["paths"][path][method]["requestBody"]["content"]
    assert content, (path, method)
    return [
        Draft202012Validator({**media["schema"], "components": document["components"]}) for media in content.values()
    ]


@pytest.fixture
def token(app: Flask) -> str:
    return make_token(app, "reviewer")


def send(client: FlaskClient, token: str, method: str, path: str, body: Any) -> Any:
    return client.open(
        f"{API}{path}",
        method=method,
        data=json.dumps(body),
        content_type="application/ld+json",
        headers={**bearer(token), "If-Match": "*"},
    )


@pytest.mark.parametrize("body, on_update", [(b, u) for _, b, u in REFUSED], ids=[n for n, _, _ in REFUSED])
def test_each_documented_request_body_refuses_what_the_api_refuses(
    app: Flask, client: FlaskClient, demo_article: Any, token: str, body: Any, on_update: bool
) -> None:
    document = served(client)
    existing = send(client, token, "POST", f"/articles/{demo_article.id}/annotations", w3c("Putin is unlikely"))
    assert existing.status_code == 201
    annotation_path = f"/annotations/{existing.get_json()['links']['self'].rsplit('/', 1)[1]}"
    writes = [
        (
            "POST",
            f"/articles/{demo_article.id}/annotations",
            "/articles/{article_id}/annotations",
            schemas.AnnotationInput,
        )
    ]
    if on_update:
        writes.append(("PUT", annotation_path, "/annotations/{annotation_id}", schemas.AnnotationUpdate))
    for method, path, documented, model in writes:
        assert send(client, token, method, path, body).status_code == 422, (method, path)
        for validator in body_validators(document, documented, method.lower()):
            assert not validator.is_valid(body), (method, documented)
        with pytest.raises(ValidationError):
            model.model_validate(body)


def test_the_documented_example_is_valid_and_the_api_takes_it(
    app: Flask, client: FlaskClient, demo_article: Any, token: str
) -> None:
    document = served(client)
    operation = document["paths"]["/articles/{article_id}/annotations"]["post"]
    example = operation["requestBody"]["content"]["application/ld+json"]["example"]
    for method, path in (("post", "/articles/{article_id}/annotations"), ("put", "/annotations/{annotation_id}")):
        assert all(v.is_valid(example) for v in body_validators(document, path, method))
    for body in (example, w3c(CLAIM, note="n", sources=[source(title="T", excerpt="E")], start=None)):
        schemas.AnnotationInput.model_validate(body)
    response = send(client, token, "POST", f"/articles/{demo_article.id}/annotations", example)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_the_verdicts_a_body_may_name_are_the_scales() -> None:
    document = standalone.document()
    value = document["components"]["schemas"]["VerdictBody"]["properties"]["value"]
    assert set(value["enum"]) == {v.key for v in verdicts.SCALE} | {v.label for v in verdicts.SCALE}


# --- The models check content as the annotation form does ----------------------------------------------


def form_errors(errors: dict[str, Any]) -> list[dict[str, str]]:
    """The form's errors by W3C member, as the API named them when it validated with the form."""
    found = []
    for name, messages in errors.items():
        for index, message in enumerate(messages):
            if isinstance(message, dict):  # one source row's errors
                found += [
                    {"field": f"body.sources[{index}].{key}", "detail": m} for key, ms in message.items() for m in ms
                ]
            else:
                found.append({"field": f"body.{name}", "detail": str(message)})
    return found


def around(limit: int) -> st.SearchStrategy[str]:
    """Text just under, at and over ``limit`` once made canonical (control characters and combining marks
    change the length)."""
    return st.builds(
        lambda n, piece, tail: piece * n + tail,
        st.integers(limit - 3, limit + 2),
        st.sampled_from(["x", " ", "e\u0301", "\x00", "\r\n"]),
        st.sampled_from(["", " ", "\x07"]),
    )


ADDRESSES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "https://a.example/x",
            "  http://b.example ",
            "ftp://x",
            "/relative",
            "javascript:alert(1)",
            "http://[::1",
            "HTTPS://C.EXAMPLE",
            "http://",
            "\x00",
            "ht\ttp://d.example",
        ]
    ),
    st.builds(lambda n: "https://e.example/" + "a" * n, st.integers(1975, 1990)),
    st.text(max_size=8),
)
TEXTS = st.one_of(st.sampled_from(["", "   ", "A title", "\x01"]), st.text(max_size=8))
SOURCES = st.lists(
    st.fixed_dictionaries(
        {"url": ADDRESSES, "title": st.one_of(TEXTS, around(500)), "excerpt": st.one_of(TEXTS, around(5000))}
    ),
    max_size=22,
)
VERDICTS = st.sampled_from([*(v.key for v in verdicts.SCALE), "", "nope", "True"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(verdict=VERDICTS, note=st.one_of(st.text(max_size=20), around(10_000)), sources=SOURCES)
def test_the_models_check_content_with_the_forms_rules_and_messages(
    verdict: str, note: str, sources: list[dict[str, str]]
) -> None:
    form = content_form(verdict=verdict, note=note, sources=sources)
    try:
        content = schemas.AnnotationContent.model_validate({"verdict": verdict, "note": note, "sources": sources})
    except ValidationError as error:
        assert content_errors(error) == form_errors(form.errors)
        assert form.errors
    else:
        assert not form.errors, form.errors
        assert (content.verdict, content.note, content.source_rows()) == (
            form.verdict.data,
            form.note.data or "",
            form.source_rows(),
        )
