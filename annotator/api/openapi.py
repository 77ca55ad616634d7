"""The OpenAPI 3.1 description of the JSON API (``GET /api/v1/openapi.json``), written by hand as data.

Kept beside ``api.py``: a test validates it against the OpenAPI 3.1 schema, and a
schemathesis run in the suite checks every response of the API against it.
"""
from __future__ import annotations

from copy import deepcopy

from annotator.domain import verdicts
from annotator.services.content import MAX_SOURCES, NOTE_MAX_LENGTH


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
DATE_TIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
VERDICT_VALUES = [v.label for v in verdicts.SCALE] + [v.key for v in verdicts.SCALE]

SCHEMAS: dict = {
    "Problem": {
        "type": "object",
        "description": "An RFC 9457 problem. Validation problems list each fault in errors.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "about:blank, or urn:fact-check-annotator:problem:NAME"},
            "title": STRING,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": STRING,
            "errors": {"type": "array", "items": ref("FieldError")},
            "current_version": {"type": "integer", "description": "stale-edit: the annotation's version now"},
        },
    },
    "FieldError": {
        "type": "object",
        "required": ["field", "detail"],
        "properties": {
            "field": {"type": "string", "description": "The member at fault, e.g. body.verdict, "
                                                       "target.selector.exact, body.sources[0].url; "
                                                       "a query parameter's name; \"\" for the whole body."},
            "detail": STRING,
        },
    },
    "ArticleLinks": {
        "type": "object",
        "required": ["self", "html", "annotations", "claims"],
        "properties": {"self": URL, "html": URL, "annotations": URL, "claims": URL},
    },
    "Article": {
        "type": "object",
        "required": ["id", "title", "author", "publisher", "source_url", "published_on", "created_at",
                     "blind_review", "links"],
        "properties": {
            "id": {"type": "integer"},
            "title": STRING,
            "author": nullable(STRING),
            "publisher": nullable(STRING),
            "source_url": nullable(STRING),
            "published_on": nullable({"type": "string", "format": "date"}),
            "created_at": DATE_TIME,
            "blind_review": {"type": "boolean", "description": "Reviewers see others' verdicts on a claim only "
                                                              "after submitting their own."},
            "links": ref("ArticleLinks"),
        },
    },
    "ArticleVersion": {
        "type": "object",
        "required": ["number", "created_at", "origin", "source", "text_length", "current", "links"],
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "created_at": DATE_TIME,
            "origin": {"enum": ["created", "pasted", "file", "web"]},
            "source": nullable({"type": "string", "description": "The file's name or the web address."}),
            "text_length": {"type": "integer", "minimum": 0, "description": "In Unicode code points."},
            "current": {"type": "boolean", "description": "The latest version, which annotations anchor on."},
            "links": {"type": "object", "required": ["self", "html"], "properties": {"self": URL, "html": URL}},
        },
    },
    "ArticleVersionText": {
        "allOf": [ref("ArticleVersion"), {"type": "object", "required": ["text"], "properties": {"text": STRING}}],
    },
    "ArticleDetail": {
        "allOf": [ref("Article"), {
            "type": "object",
            "required": ["text", "versions"],
            "properties": {
                "text": {"type": "string", "description": "The canonical text (NFC, \\n line endings); offsets "
                                                          "count its Unicode code points."},
                "versions": {"type": "array", "items": ref("ArticleVersion")},
            },
        }],
    },
    "ArticlePage": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages", "links"],
        "properties": {
            "items": {"type": "array", "items": ref("Article")},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
            "links": {
                "type": "object",
                "required": ["self", "first", "last", "next", "prev"],
                "properties": {"self": URL, "first": URL, "last": URL, "next": nullable(URL), "prev": nullable(URL)},
            },
        },
    },
    "TextQuoteSelector": {
        "type": "object",
        "required": ["type", "exact"],
        "properties": {
            "type": {"const": "TextQuoteSelector"},
            "exact": {"type": "string", "description": "The quoted words, exactly as in the article."},
            "prefix": STRING,
            "suffix": STRING,
        },
    },
    "TextPositionSelector": {
        "type": "object",
        "required": ["type", "start", "end"],
        "properties": {
            "type": {"const": "TextPositionSelector"},
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
        },
    },
    "Target": {
        "type": "object",
        "required": ["selector"],
        "properties": {
            "source": STRING,
            "selector": {"type": "array", "minItems": 1, "maxItems": 2,
                         "items": {"anyOf": [ref("TextQuoteSelector"), ref("TextPositionSelector")]}},
        },
    },
    "VerdictBody": {
        "type": "object",
        "description": "The verdict: its label or its key.",
        "required": ["type", "purpose", "value"],
        "properties": {
            "type": {"const": "TextualBody"},
            "purpose": {"const": "assessing"},
            "value": {"type": "string", "enum": VERDICT_VALUES},
            "format": STRING,
        },
    },
    "NoteBody": {
        "type": "object",
        "required": ["type", "purpose", "value"],
        "properties": {
            "type": {"const": "TextualBody"},
            "purpose": {"const": "commenting"},
            "value": {"type": "string", "maxLength": NOTE_MAX_LENGTH},
            "format": STRING,
        },
    },
    "SourceBody": {
        "type": "object",
        "description": "A cited source: its http(s) address, title (label) and an excerpt.",
        "required": ["type", "purpose", "source"],
        "properties": {
            "type": {"const": "SpecificResource"},
            "purpose": {"const": "linking"},
            "source": {"type": "string", "maxLength": 2000},
            "label": {"type": "string", "maxLength": 500},
            "selector": {
                "type": "object",
                "required": ["type", "exact"],
                "properties": {"type": {"const": "TextQuoteSelector"}, "exact": {"type": "string", "maxLength": 5000}},
            },
        },
    },
    "Creator": {
        "type": "object",
        "required": ["type", "name", "nickname"],
        "properties": {"type": {"const": "Person"}, "name": STRING, "nickname": STRING},
    },
    "W3CAnnotation": {
        "type": "object",
        "description": "A W3C Web Annotation as the export writes it. A draft with no verdict yet (a highlight "
                       "imported without one) has no assessing body, and no body at all when it has no note "
                       "or sources either.",
        "required": ["id", "type", "motivation", "creator", "created", "modified", "target"],
        "properties": {
            "id": URL,
            "type": {"const": "Annotation"},
            "motivation": {"const": "assessing"},
            "creator": ref("Creator"),
            "created": DATE_TIME,
            "modified": DATE_TIME,
            "body": {"type": "array", "minItems": 1,
                     "items": {"anyOf": [ref("VerdictBody"), ref("NoteBody"), ref("SourceBody")]}},
            "target": ref("Target"),
        },
    },
    "Annotation": {
        "allOf": [ref("W3CAnnotation"), {
            "type": "object",
            "required": ["@context", "status", "version", "links"],
            "properties": {
                "@context": {"const": "http://www.w3.org/ns/anno.jsonld"},
                "status": {"enum": ["draft", "submitted", "returned"]},
                "version": {"type": "integer", "minimum": 1,
                            "description": "Also the ETag; send it back as If-Match: \"N\"."},
                "links": {"type": "object", "required": ["self", "article"],
                          "properties": {"self": URL, "article": URL}},
            },
        }],
    },
    "AnnotationCollection": {
        "type": "object",
        "required": ["@context", "id", "type", "label", "first", "total"],
        "properties": {
            "@context": {"const": "http://www.w3.org/ns/anno.jsonld"},
            "id": URL,
            "type": {"const": "AnnotationCollection"},
            "label": STRING,
            "total": {"type": "integer", "minimum": 0},
            "first": {
                "type": "object",
                "required": ["id", "type", "startIndex", "items"],
                "properties": {
                    "id": STRING,
                    "type": {"const": "AnnotationPage"},
                    "startIndex": {"type": "integer"},
                    "items": {"type": "array", "items": ref("W3CAnnotation")},
                },
            },
        },
    },
    "AnnotationInput": {
        "type": "object",
        "description": "A W3C Annotation as the export writes it (id, creator and times are ignored). One body "
                       "with purpose assessing gives the verdict; commenting bodies the note; linking "
                       f"SpecificResources the sources (at most {MAX_SOURCES}). The target's TextQuoteSelector "
                       "must match its TextPositionSelector, or occur once in the article (a prefix and suffix "
                       "may single it out).",
        "required": ["body", "target"],
        "properties": {
            "@context": {},
            "type": {"const": "Annotation"},
            "motivation": STRING,
            "body": {"type": "array", "minItems": 1,
                     "items": {"anyOf": [ref("VerdictBody"), ref("NoteBody"), ref("SourceBody")]}},
            "target": ref("Target"),
        },
    },
    "FinalVerdict": {
        "type": "object",
        "required": ["verdict", "label", "rationale", "cited_sources", "settled_at", "updated_at"],
        "properties": {
            "verdict": {"enum": [v.key for v in verdicts.SCALE]},
            "label": STRING,
            "rationale": STRING,
            "cited_sources": {"type": "array", "items": {
                "type": "object", "required": ["url", "title", "excerpt"],
                "properties": {"url": STRING, "title": STRING, "excerpt": STRING}}},
            "settled_at": DATE_TIME,
            "updated_at": DATE_TIME,
        },
    },
    "ClaimAnnotation": {
        "type": "object",
        "required": ["id", "reviewer", "status", "verdict", "links"],
        "properties": {
            "id": {"type": "integer"},
            "reviewer": STRING,
            "status": {"enum": ["draft", "submitted", "returned"]},
            "verdict": {"anyOf": [{"enum": [v.key for v in verdicts.SCALE]}, {"type": "null"}],
                        "description": "null when hidden from you (someone else's draft, or blind review), "
                                       "or when your draft has no verdict yet (a highlight imported without one)."},
            "links": {"type": "object", "required": ["self"], "properties": {"self": URL}},
        },
    },
    "Claim": {
        "type": "object",
        "required": ["id", "start", "end", "quote", "anchor", "final", "annotations", "links"],
        "properties": {
            "id": {"type": "integer"},
            "start": nullable({"type": "integer", "minimum": 0}),
            "end": nullable({"type": "integer", "minimum": 1}),
            "quote": STRING,
            "anchor": {"enum": ["original", "kept", "moved", "changed", "orphaned", "reattached"],
                       "description": "How the latest version placed the claim; an orphan's words are not in it "
                                      "(start and end are null)."},
            "final": {"anyOf": [ref("FinalVerdict"), {"type": "null"}], "description": "null until a lead settles it."},
            "annotations": {"type": "array", "items": ref("ClaimAnnotation")},
            "links": {"type": "object", "required": ["html"], "properties": {"html": URL}},
        },
    },
    "ClaimList": {
        "type": "object",
        "required": ["article", "items", "total"],
        "properties": {
            "article": {"type": "integer"},
            "items": {"type": "array", "items": ref("Claim")},
            "total": {"type": "integer", "minimum": 0},
        },
    },
}

PROBLEM_CONTENT = {"application/problem+json": {"schema": ref("Problem")}}
RESPONSES = {
    str(status): {"description": description, "content": PROBLEM_CONTENT}
    for status, description in {
        400: "Bad request: a malformed query parameter or JSON body.",
        401: "No token, or an unknown or revoked one (WWW-Authenticate: Bearer).",
        403: "Not allowed: someone else's annotation, or one blind review hides from you.",
        404: "No such resource, or none you may know of.",
        409: "Conflict: the claim is settled, the annotation changed since your ETag (stale-edit), you "
             "annotated these words already, or a new version of the article arrived (text-changed).",
        413: "The body is larger than the server accepts (8 MB).",
        415: "The body is not JSON.",
        422: "The annotation is not valid; errors lists each fault by field (on submit: a draft with no "
             "verdict yet, no-verdict).",
        428: "If-Match is required.",
    }.items()
}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"schema": STRING, "description": "Bearer realm=\"api\"…"}}
RESPONSES["401"] = {**RESPONSES["401"], "headers": WWW_AUTHENTICATE}
ETAG = {"ETag": {"schema": STRING, "description": "The annotation's version, quoted: send it as If-Match."}}


def errors(*statuses: int) -> dict:
    return {str(s): {"$ref": f"#/components/responses/{s}"} for s in (401, 404, *statuses)}


def path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1}, "example": 1}


ARTICLE_ID = path_id("article_id", "The article's id.")
ANNOTATION_ID = path_id("annotation_id", "The annotation's id.")
ARTICLE_VERSION = {"name": "article_version", "in": "query", "required": False,
                   "description": "The article version whose text the target was anchored on (the `number` of "
                                  "its current version); 409 text-changed when a newer one has arrived since.",
                   "schema": {"type": "integer", "minimum": 1, "maximum": 2 ** 31 - 1}}
SUBMIT = {"name": "submit", "in": "query", "required": False,
          "description": "true: submit the annotation too (leads, and reviewers as blind review allows, see it); "
                         "otherwise it stays a draft (or keeps its status, on an update).",
          "schema": {"type": "boolean"}}


def if_match(required: bool) -> dict:
    return {"name": "If-Match", "in": "header", "required": required,
            "description": "The ETag of the version you read (\"N\"), or *. A stale one answers 409.",
            "schema": {"type": "string"}}


ANNOTATION_CONTENT = {"application/ld+json": {"schema": ref("Annotation")}}
# The demo article's claim, as `make run` loads it.
EXAMPLE_INPUT = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "type": "Annotation",
    "body": [
        {"type": "TextualBody", "purpose": "assessing", "value": "Mostly true"},
        {"type": "TextualBody", "purpose": "commenting", "value": "NATO's estimate; Russia publishes none."},
        {"type": "SpecificResource", "purpose": "linking", "source": "https://www.nato.int/",
         "label": "NATO briefing"},
    ],
    "target": {"selector": [
        {"type": "TextQuoteSelector", "exact": "more than 600,000 Russian soldiers have been killed or wounded"},
    ]},
}
INPUT_BODY = {"required": True, "content": {
    "application/ld+json": {"schema": ref("AnnotationInput"), "example": EXAMPLE_INPUT},
    "application/json": {"schema": ref("AnnotationInput")}}}
UPDATE_SCHEMA = deepcopy(SCHEMAS["AnnotationInput"]) | {
    "required": ["body"],
    "description": "As for a new annotation; the target may be left out (it cannot change).",
}
SCHEMAS["AnnotationUpdate"] = UPDATE_SCHEMA
UPDATE_BODY = {"required": True, "content": {"application/ld+json": {"schema": ref("AnnotationUpdate"),
                                                                     "example": EXAMPLE_INPUT},
                                             "application/json": {"schema": ref("AnnotationUpdate")}}}

PATHS = {
    "/articles": {"get": {
        "operationId": "listArticles",
        "summary": "Articles, oldest first, a page at a time",
        "parameters": [
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1,
                                                                           "maximum": 2**31 - 1, "default": 1}},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
        ],
        "responses": {"200": {"description": "One page of articles; Link has first, last, next and prev.",
                              "headers": {"Link": {"schema": STRING}},
                              "content": {"application/json": {"schema": ref("ArticlePage")}}},
                      **errors(400)},
    }},
    "/articles/{article_id}": {"get": {
        "operationId": "getArticle",
        "summary": "One article with its text and versions",
        "parameters": [ARTICLE_ID],
        "responses": {"200": {"description": "The article.",
                              "content": {"application/json": {"schema": ref("ArticleDetail")}}}, **errors()},
    }},
    "/articles/{article_id}/versions/{number}": {"get": {
        "operationId": "getArticleVersion",
        "summary": "One version of the article, with its text",
        "parameters": [ARTICLE_ID, path_id("number", "The version's number (1 is the text the article was added with).")],
        "responses": {"200": {"description": "The version.",
                              "content": {"application/json": {"schema": ref("ArticleVersionText")}}}, **errors()},
    }},
    "/articles/{article_id}/annotations": {
        "get": {
            "operationId": "listAnnotations",
            "summary": "The article's annotations you may read, as a W3C AnnotationCollection",
            "description": "Your own (drafts too); others' submitted ones as blind review allows (a lead sees "
                           "every submitted one).",
            "parameters": [ARTICLE_ID],
            "responses": {"200": {"description": "The collection, every item on its first page.",
                                  "content": {"application/ld+json": {"schema": ref("AnnotationCollection")}}},
                          **errors()},
        },
        "post": {
            "operationId": "createAnnotation",
            "summary": "Annotate words of the article",
            "parameters": [ARTICLE_ID, SUBMIT, ARTICLE_VERSION],
            "requestBody": INPUT_BODY,
            "responses": {"201": {"description": "Created (a draft unless submit=true).",
                                  "headers": {"Location": {"schema": STRING}, **ETAG},
                                  "content": ANNOTATION_CONTENT},
                          **errors(400, 409, 413, 415, 422)},
        },
    },
    "/annotations/{annotation_id}": {
        "get": {
            "operationId": "getAnnotation",
            "summary": "One annotation, with its ETag",
            "parameters": [ANNOTATION_ID],
            "responses": {"200": {"description": "The annotation.", "headers": ETAG, "content": ANNOTATION_CONTENT},
                          **errors(403)},
        },
        "put": {
            "operationId": "updateAnnotation",
            "summary": "Replace your annotation's verdict, note and sources",
            "parameters": [ANNOTATION_ID, if_match(True), SUBMIT],
            "requestBody": UPDATE_BODY,
            "responses": {"200": {"description": "The annotation as saved.", "headers": ETAG,
                                  "content": ANNOTATION_CONTENT},
                          **errors(400, 403, 409, 413, 415, 422, 428)},
        },
        "delete": {
            "operationId": "deleteAnnotation",
            "summary": "Delete your annotation (hidden; a lead can restore it)",
            "parameters": [ANNOTATION_ID, if_match(True)],
            "responses": {"204": {"description": "Deleted."}, **errors(403, 409, 428)},
        },
    },
    "/annotations/{annotation_id}/submit": {"post": {
        "operationId": "submitAnnotation",
        "summary": "Submit your draft or returned annotation",
        "parameters": [ANNOTATION_ID, if_match(False)],
        "responses": {"200": {"description": "The annotation, submitted.", "headers": ETAG,
                              "content": ANNOTATION_CONTENT}, **errors(403, 409, 422)},
    }},
    "/articles/{article_id}/claims": {"get": {
        "operationId": "listClaims",
        "summary": "The article's claims you know of, with their final verdicts",
        "description": "Every claim with an annotation you may know of, or with a final verdict, in text "
                       "order; final is null until a lead settles the claim.",
        "parameters": [ARTICLE_ID],
        "responses": {"200": {"description": "The claims.",
                              "content": {"application/json": {"schema": ref("ClaimList")}}}, **errors()},
    }},
    "/openapi.json": {"get": {
        "operationId": "getOpenAPI",
        "summary": "This document",
        "security": [],
        "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
}


def document() -> dict:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return deepcopy({
        "openapi": "3.1.0",
        "info": {
            "title": "Fact-check annotator API",
            "version": "1.0.0",
            "description": "Articles, annotations as W3C Web Annotations, and claims with their final verdicts. "
                           "Authenticate with a personal API token (settings page /settings/tokens, or "
                           "`flask create-token USER`): Authorization: Bearer <token>. Session cookies are not "
                           "accepted. Errors are RFC 9457 application/problem+json.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A personal API token, fca_…"}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    })
