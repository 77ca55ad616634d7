"""The API's OpenAPI document: valid OpenAPI 3.1, complete, and true: a schemathesis run over every
operation finds no server error, and every response matches the document (status, media type, headers, body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotator.api import standalone
from annotator.extensions import db
from tests.fixtures.api_helpers import bearer, make_token, seed_api_world


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert document == standalone.document()


def test_every_api_route_is_in_the_document(app):
    documented = {(path, method) for path, item in standalone.document()["paths"].items() for method in item}
    in_app = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
            in_app |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert in_app == documented


def test_every_operation_documents_the_errors_it_can_answer():
    for path, item in standalone.document()["paths"].items():
        for method, operation in item.items():
            if path != "/openapi.json":
                assert {"401", "404"} <= set(operation["responses"]), (method, path)
            if method in ("post", "put") and "requestBody" in operation:
                assert {"400", "415", "422"} <= set(operation["responses"]), (method, path)


@pytest.fixture
def token(app):
    """A world with something in it to read and write, and a reviewer's token."""
    with app.app_context():
        seed_api_world(app)
        db.session().close()
    return make_token(app, "lead")  # a lead has annotated nothing: the example annotation is created (201)


# Loaded from the document as the app serves it; each test case is sent to that test's app (WSGI).
schema = schemathesis.openapi.from_dict(standalone.document())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_as_its_document_says(case, app, token):
    case.call_and_validate(app=app, headers=bearer(token), checks=CHECKS)
