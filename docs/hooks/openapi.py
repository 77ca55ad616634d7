"""MkDocs hook: the JSON API reference, rendered from the OpenAPI document the app serves.

At build time the app is created on a temporary SQLite database and asked for
``GET /api/v1/openapi.json`` with Flask's test client, as any client would ask the running
app, so the page always describes the code being built. The hook then:

- adds the document to the site as ``reference/openapi.json`` (offered for download), and
- replaces the line ``<!-- openapi -->`` in ``reference/api.md`` with Markdown: one section
  per operation (parameters, request body, responses), then one per schema.

Any OpenAPI 3.x document with ``$ref``s into ``components`` renders; a failure to build the
app or fetch the document fails the build.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

PAGE = "reference/api.md"
DOCUMENT_FILE = "reference/openapi.json"
MARKER = "<!-- openapi -->"
URL = "/api/v1/openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")

log = logging.getLogger("mkdocs.hooks.openapi")
_document: dict | None = None


def fetch_document() -> dict:
    """The OpenAPI document as the app serves it, from an app on a throwaway database."""
    from annotator import create_app

    logging.getLogger("annotator.requests").setLevel(logging.WARNING)  # no request line in the build's output
    with tempfile.TemporaryDirectory(prefix="annotator-docs-") as directory:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "docs-build", "DATABASE_URL": f"sqlite:///{directory}/docs.sqlite3"}
        )
        try:
            response = app.test_client().get(URL)
        finally:
            app.extensions["engine"].dispose()
    if response.status_code != 200 or not response.is_json:
        raise PluginError(f"GET {URL} answered {response.status_code} {response.content_type}")
    return response.get_json()


def on_config(config):
    global _document
    # The app (and the CLI that mkdocs-click reads) is imported from the repository, beside mkdocs.yml.
    root = str(Path(config.config_file_path).resolve().parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        _document = fetch_document()
    except PluginError:
        raise
    except Exception as error:  # an app that does not build is a failed docs build, with the reason
        raise PluginError(f"could not build the app to read {URL}: {error!r}") from error
    return config


def on_files(files, config):
    files.append(
        File.generated(config, DOCUMENT_FILE, content=json.dumps(_document, indent=2, ensure_ascii=False) + "\n")
    )
    return files


def on_page_markdown(markdown: str, page, config, files):
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise PluginError(f"{PAGE} has no {MARKER} line for the generated reference")
    return markdown.replace(MARKER, Renderer(_document).render())


# --- rendering ------------------------------------------------------------------------------------


def prose(text: Any) -> str:
    """A description as Markdown: its code spans kept, ``<`` and ``>`` elsewhere shown as written
    (``Bearer <token>`` is not an HTML tag)."""
    parts = str(text).split("`")
    for n in range(0, len(parts), 2):  # outside code spans
        parts[n] = parts[n].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


def cell(text: Any) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(prose(text).split()).replace("|", "\\|") if text not in (None, "") else ""


def code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"`{text}`"


def schema_anchor(name: str) -> str:
    return "schema-" + "".join(c if c.isalnum() else "-" for c in name.lower())


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


class Renderer:
    def __init__(self, document: dict):
        self.doc = document
        components = document.get("components", {})
        self.schemas: dict = components.get("schemas", {})
        self.responses: dict = components.get("responses", {})
        self.parameters: dict = components.get("parameters", {})

    # Resolving ---------------------------------------------------------------------------------
    def resolve(self, item: dict, table: dict) -> dict:
        while isinstance(item, dict) and "$ref" in item:
            item = table.get(ref_name(item["$ref"]), {})
        return item

    # Types ---------------------------------------------------------------------------------------
    def type_of(self, schema: dict | bool | None) -> str:
        """A schema in a few words of Markdown: links for references, `or` for alternatives."""
        if schema in (None, True, {}):
            return "any"
        if schema is False:
            return "nothing"
        if "$ref" in schema:
            name = ref_name(schema["$ref"])
            return f"[{name}](#{schema_anchor(name)})" if name in self.schemas else code(name)
        if "const" in schema:
            return code(schema["const"])
        if "enum" in schema:
            return "one of " + ", ".join(code(v) for v in schema["enum"])
        for combiner, word in (("anyOf", " or "), ("oneOf", " or "), ("allOf", " and ")):
            if combiner in schema:
                return word.join(self.type_of(part) for part in schema[combiner])
        kind = schema.get("type", "object" if "properties" in schema else "any")
        if isinstance(kind, list):
            return " or ".join(kind)
        if kind == "array":
            return f"array of {self.type_of(schema.get('items'))}"
        return f"{kind} ({schema['format']})" if "format" in schema else kind

    def constraints(self, schema: dict) -> str:
        said = []
        for key, template in (
            ("minimum", "at least {}"),
            ("maximum", "at most {}"),
            ("minLength", "at least {} characters"),
            ("maxLength", "at most {} characters"),
            ("minItems", "at least {} items"),
            ("maxItems", "at most {} items"),
        ):
            if key in schema:
                said.append(template.format(schema[key]))
        if "default" in schema:
            said.append(f"default {code(schema['default'])}")
        text = "; ".join(said)
        return text[:1].upper() + text[1:]

    def described(self, schema: dict, description: str | None = None) -> str:
        parts = [p.rstrip(".") for p in (description or schema.get("description") or "", self.constraints(schema)) if p]
        return cell(". ".join(parts) + "." if parts else "")

    # Properties --------------------------------------------------------------------------------
    def property_rows(self, schema: dict, prefix: str = "", depth: int = 0) -> list[str]:
        """Table rows for an object's properties; inline objects are unfolded as ``a.b``."""
        rows = []
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            prop = prop if isinstance(prop, dict) else {}
            full = f"{prefix}{name}"
            rows.append(
                f"| `{full}` | {cell(self.type_of(prop))} | {'yes' if name in required else ''} | "
                f"{self.described(prop)} |"
            )
            if "properties" in prop and depth < 3:
                rows.extend(self.property_rows(prop, f"{full}.", depth + 1))
            elif prop.get("type") == "array" and "properties" in prop.get("items", {}) and depth < 3:
                rows.extend(self.property_rows(prop["items"], f"{full}[].", depth + 1))
        return rows

    def schema_body(self, schema: dict) -> list[str]:
        lines = []
        if schema.get("description"):
            lines += [prose(schema["description"]), ""]
        parts = schema.get("allOf")
        if parts:
            bases = [p for p in parts if "$ref" in p]
            inline = [p for p in parts if "$ref" not in p]
            if bases:
                lines += [
                    "Everything in " + " and ".join(self.type_of(b) for b in bases) + (", plus:" if inline else "."),
                    "",
                ]
            for part in inline:
                lines += self.schema_body(part)
            return lines
        if "properties" in schema:
            lines += [
                "| member | type | required | description |",
                "|---|---|---|---|",
                *self.property_rows(schema),
                "",
            ]
        elif not schema.get("description"):
            lines += [f"{self.type_of(schema)}.", ""]
        return lines

    # Operations --------------------------------------------------------------------------------
    def parameter_rows(self, parameters: list[dict]) -> list[str]:
        rows = ["| name | in | type | required | description |", "|---|---|---|---|---|"]
        for parameter in parameters:
            parameter = self.resolve(parameter, self.parameters)
            schema = parameter.get("schema", {})
            rows.append(
                f"| `{parameter['name']}` | {parameter['in']} | {cell(self.type_of(schema))} | "
                f"{'yes' if parameter.get('required') else ''} | "
                f"{self.described(schema, parameter.get('description'))} |"
            )
        return rows

    def content_line(self, content: dict) -> str:
        kinds = [f"`{media}`: {self.type_of(body.get('schema'))}" for media, body in content.items()]
        return "; ".join(kinds)

    def example(self, content: dict) -> list[str]:
        for media, body in content.items():
            example = body.get("example")
            if example is None and body.get("examples"):
                example = next(iter(body["examples"].values())).get("value")
            if example is not None:
                return [
                    f"Example (`{media}`):",
                    "",
                    "```json",
                    json.dumps(example, indent=2, ensure_ascii=False),
                    "```",
                    "",
                ]
        return []

    def operation(self, path: str, method: str, op: dict, shared: list[dict]) -> list[str]:
        anchor = "op-" + (op.get("operationId") or f"{method}-{path}").lower()
        anchor = "".join(c if c.isalnum() or c == "-" else "-" for c in anchor)
        lines = [f"### `{method.upper()} {path}` {{#{anchor}}}", ""]
        if op.get("summary"):
            summary = prose(op["summary"])
            lines += [f"**{summary}**" if summary.endswith(".") else f"**{summary}.**", ""]
        if op.get("description"):
            lines += [prose(op["description"]), ""]
        security = op.get("security", self.doc.get("security"))
        lines += ["Needs a token (`Authorization: Bearer …`)." if security else "No token needed.", ""]
        parameters = shared + op.get("parameters", [])
        if parameters:
            lines += ["**Parameters**", "", *self.parameter_rows(parameters), ""]
        body = op.get("requestBody")
        if body:
            body = self.resolve(body, self.doc.get("components", {}).get("requestBodies", {}))
            required = " (required)" if body.get("required") else ""
            lines += [f"**Request body**{required}: {self.content_line(body.get('content', {}))}", ""]
            lines += self.example(body.get("content", {}))
        lines += ["**Responses**", "", "| status | meaning | body | headers |", "|---|---|---|---|"]
        for status, response in op.get("responses", {}).items():
            response = self.resolve(response, self.responses)
            headers = ", ".join(f"`{name}`" for name in response.get("headers", {}))
            lines.append(
                f"| {status} | {cell(response.get('description'))} | "
                f"{cell(self.content_line(response.get('content', {})))} | {headers} |"
            )
        return lines + [""]

    def render(self) -> str:
        info = self.doc.get("info", {})
        servers = ", ".join(f"`{s['url']}`" for s in self.doc.get("servers", [])) or "`/`"
        lines = [
            f"*Generated from the OpenAPI {self.doc.get('openapi', '')} document of "
            f"{info.get('title', 'the API')} {info.get('version', '')}: "
            f"[openapi.json](openapi.json). Paths are relative to {servers}.*",
            "",
        ]
        if info.get("description"):
            lines += [prose(info["description"]), ""]
        lines += ["## Operations", ""]
        for path, item in self.doc.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    lines += self.operation(path, method, item[method], item.get("parameters", []))
        if self.responses:
            lines += [
                "## Error responses",
                "",
                "Shared by the operations above; each body is a "
                + (f"[Problem](#{schema_anchor('Problem')})" if "Problem" in self.schemas else "problem")
                + ".",
                "",
                "| status | meaning |",
                "|---|---|",
            ]
            lines += [f"| {status} | {cell(r.get('description'))} |" for status, r in self.responses.items()]
            lines.append("")
        if self.schemas:
            lines += ["## Schemas", ""]
            for name, schema in self.schemas.items():
                lines += [f"### {name} {{#{schema_anchor(name)}}}", "", *self.schema_body(schema)]
        return "\n".join(lines)
