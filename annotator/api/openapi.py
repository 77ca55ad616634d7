"""The OpenAPI 3.1 document of the JSON API (``GET /api/v1/openapi.json``), generated from the code.

Each view declares its operation with ``@operation(...)``: its models (``schemas``, ``problems``)
for the path, query and header parameters, the request body and each response, and the errors
it can answer. ``document()`` walks the app's URL map for the blueprint's rules, so that every
route is in the document with its real path, path parameters and methods, and turns the models
into JSON Schema (2020-12, the dialect of OpenAPI 3.1) with pydantic's own generator.

Why no library generates it (flask-openapi3 4.3, spectree 3.0 and APIFlask 3.1 were tried):

- flask-openapi3 needs its own app class (``OpenAPI``) to hold the document and the validation
  error callback: on our Flask app a view without a ``path`` model loses its URL arguments, and
  any failed model validation becomes a 500. It would also validate bodies and queries itself,
  with its own 422 body, and documents request bodies as ``application/json`` only.
- spectree keeps our app, but wraps every view and rebuilds its response (reading a streamed
  body whole: the W3C collection would no longer stream), documents every body as
  ``application/json`` (ours are ``application/ld+json`` and ``application/problem+json``, which
  the schemathesis run checks), has no response headers (ETag, Location, Link) and adds its own
  422 model to each operation.
- APIFlask replaces the Flask app class and brings marshmallow, webargs, apispec and
  Flask-HTTPAuth, with its own error bodies and authentication.

All three would change the views' signatures or our problem bodies; the walker below is small,
and needs nothing beyond pydantic, which the app already has through SQLModel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from inspect import getdoc
from typing import Any, TypeVar

from flask import Flask, current_app
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema
from pydantic_core import core_schema
from werkzeug.routing import Rule

from annotator.api.problems import PROBLEM_JSON, STATUSES, Problem

BLUEPRINT, PREFIX = "api", "/api/v1"
REF = "#/components/schemas/{model}"
JSON, W3C_JSON = "application/json", "application/ld+json"
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {"schema": {"type": "string"}, "description": "The annotation's version, quoted: send it as If-Match."},
    "Location": {"schema": {"type": "string", "format": "uri"}, "description": "The new annotation's address."},
    "Link": {"schema": {"type": "string"}, "description": "RFC 8288 links: first, last, next and prev."},
    "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"…'},
}
CONVERTER_TYPES = {"int": "integer", "default": "string", "string": "string", "path": "string"}
INFO = {
    "title": "Fact-check annotator API",
    "version": "1.0.0",
    "description": "Articles, annotations as W3C Web Annotations, and claims with their final verdicts. "
    "Authenticate with a personal API token (settings page /settings/tokens, or "
    "`flask create-token USER`): Authorization: Bearer <token>. Session cookies are not "
    "accepted. Errors are RFC 9457 application/problem+json.",
}


@dataclass(frozen=True)
class Reply:
    """One documented answer: its model (or a bare JSON Schema), media type and headers."""

    description: str
    model: type[BaseModel] | None = None
    media_type: str = JSON
    headers: tuple[str, ...] = ()
    schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class Operation:
    """What a view takes and answers. ``errors``: problem statuses beyond 401 and 404 (none when ``public``)."""

    operation_id: str
    responses: dict[int, Reply]
    errors: tuple[int, ...] = ()
    path: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    headers: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_media_types: tuple[str, ...] = (W3C_JSON, JSON)
    description: str | None = None
    public: bool = False
    summary: str = field(default="", compare=False)


OPERATIONS: dict[Callable[..., Any], Operation] = {}
View = TypeVar("View", bound=Callable[..., Any])


def operation(operation_id: str, responses: dict[int, Reply], **options: Any) -> Callable[[View], View]:
    """Declare the view's operation for the document (the view itself is left as it is)."""

    def record(view: View) -> View:
        summary = (getdoc(view) or "").split("\n\n")[0].replace("\n", " ").removesuffix(".")
        OPERATIONS[view] = Operation(operation_id, responses, summary=summary, **options)
        return view

    return record


class OpenAPISchema(GenerateJsonSchema):
    """pydantic's JSON Schema, without a title on every property nor a null default on non-null ones."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> dict[str, Any]:
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema


def document(app: Flask | None = None) -> dict[str, Any]:
    """The OpenAPI document of ``app``'s API routes (by default the current app's), built once per app; a
    fresh copy, which callers may change. ``api.standalone.document()`` needs no app."""
    app = app or current_app
    if "api.openapi" not in app.extensions:
        app.extensions["api.openapi"] = build(app)
    return deepcopy(app.extensions["api.openapi"])


def api_rules(app: Flask) -> Iterator[Rule]:
    """The URL rules of the API blueprint."""
    return (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(BLUEPRINT + "."))


def openapi_path(rule: Rule) -> str:
    """``/api/v1/articles/<int:article_id>`` as OpenAPI writes it: ``/articles/{article_id}``."""
    path = rule.rule.removeprefix(PREFIX)
    for _, written, name in _variables(rule):
        path = path.replace(f"<{written}>", "{" + name + "}")
    return path


def _variables(rule: Rule) -> list[tuple[str, str, str]]:
    """(converter, written form, name) of each variable of the rule, in order."""
    found = []
    for part in rule.rule.split("<")[1:]:
        written = part.split(">")[0]
        converter, _, name = written.rpartition(":")
        found.append((converter.split("(")[0] or "default", written, name))
    return found


def build(app: Flask) -> dict[str, Any]:
    """The document: every API rule of ``app``, each view's declared operation, the models as components."""
    rules = [rule for rule in api_rules(app)]
    operations = []
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        if view not in OPERATIONS:
            raise LookupError(f"{rule.endpoint} ({rule.rule}) declares no @operation for the OpenAPI document")
        operations.append((rule, OPERATIONS[view]))
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Problem, "serialization")]
    for _, op in operations:
        wanted += [(op.body, "validation")] if op.body else []
        wanted += [(r.model, "serialization") for r in op.responses.values() if r.model]
    refs, definitions = models_json_schema(
        list(dict.fromkeys(wanted)), ref_template=REF, schema_generator=OpenAPISchema
    )
    schemas = definitions.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for rule, op in operations:
        item = _operation(rule, op, refs, schemas)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(openapi_path(rule), {})[method.lower()] = deepcopy(item)
    problem = refs[(Problem, "serialization")]
    responses = {
        str(status): {"description": text, "content": {PROBLEM_JSON: {"schema": problem}}}
        for status, text in STATUSES.items()
    }
    responses["401"]["headers"] = {"WWW-Authenticate": HEADERS["WWW-Authenticate"]}
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": PREFIX}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal API token, fca_…"}
            },
            "schemas": schemas,
            "responses": responses,
        },
    }


def _operation(rule: Rule, op: Operation, refs: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if op.description:
        found["description"] = op.description
    parameters = [*_path_parameters(rule, op.path), *_parameters(op.query, "query"), *_parameters(op.headers, "header")]
    if parameters:
        found["parameters"] = parameters
    if op.body:
        schema = refs[(op.body, "validation")]
        examples = schemas[schema["$ref"].rsplit("/", 1)[1]].get("examples", [])
        content = {media_type: {"schema": schema} for media_type in op.body_media_types}
        if examples:
            content[op.body_media_types[0]]["example"] = examples[0]
        found["requestBody"] = {"required": True, "content": content}
    responses: dict[str, Any] = {}
    for status, reply in op.responses.items():
        answer: dict[str, Any] = {"description": reply.description}
        if reply.headers:
            answer["headers"] = {name: HEADERS[name] for name in reply.headers}
        schema = refs[(reply.model, "serialization")] if reply.model else reply.schema
        if schema is not None:
            answer["content"] = {reply.media_type: {"schema": schema}}
        responses[str(status)] = answer
    if not op.public:
        responses |= {str(s): {"$ref": f"#/components/responses/{s}"} for s in (401, 404, *op.errors)}
    found["responses"] = responses
    if op.public:
        found["security"] = []
    return found


def _path_parameters(rule: Rule, model: type[BaseModel] | None) -> list[dict[str, Any]]:
    """The rule's variables, described by the view's path model (which must name exactly those)."""
    variables = _variables(rule)
    described = _parameters(model, "path") if model else []
    by_name = {p["name"]: p for p in described}
    if set(by_name) != {name for _, _, name in variables}:
        raise ValueError(f"{rule.rule}: the path model describes {sorted(by_name)}, not the rule's variables")
    for converter, _, name in variables:
        expected = CONVERTER_TYPES.get(converter, "string")
        if by_name[name]["schema"].get("type") != expected:
            raise ValueError(f"{rule.rule}: {name} is {expected} in the URL but not in the path model")
    return [by_name[name] for _, _, name in variables]


def _parameters(model: type[BaseModel] | None, where: str) -> list[dict[str, Any]]:
    """One parameter for each of the model's fields (by alias), its description and example lifted out."""
    if model is None:
        return []
    schema = model.model_json_schema(by_alias=True, ref_template=REF, schema_generator=OpenAPISchema)
    found = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        parameter: dict[str, Any] = {
            "name": name,
            "in": where,
            "required": where == "path" or name in schema.get("required", []),
        }
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        if prop.get("examples"):
            parameter["example"] = prop.pop("examples")[0]
        parameter["schema"] = prop
        found.append(parameter)
    return found
