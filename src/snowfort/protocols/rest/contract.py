"""Response contract checks against Snowflake's own OpenAPI files (a test aid).

With SNOWFORT_REST_CONTRACT=<folder of the *.yaml specs>, every REST answer is validated
against the schema of its operation and status; a violation is logged and the answer becomes a
500 naming the field, so the tests that drive snowflake.core fail on any drift from the spec.
OpenAPI 3.0 schemas are turned into JSON Schema (nullable, date-time) and checked with jsonschema.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("snowfort.rest.contract")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]
    document: str


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: `nullable` becomes a null type; the rest carries over."""
    if isinstance(node, list):
        return [_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _to_json_schema(v) for k, v in node.items() if k not in ("nullable", "discriminator", "example")}
    if out.get("type") == "string" and isinstance(out.get("enum"), list):
        # YAML reads `enum: [true, false]` as booleans; the spec (and the client) mean the strings.
        out["enum"] = [("true" if v else "false") if isinstance(v, bool) else v for v in out["enum"]]
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        elif "$ref" in out or "allOf" in out or "oneOf" in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


class Contract:
    def __init__(self, folder: Path) -> None:
        from jsonschema import Draft7Validator, FormatChecker
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7

        self._validator_cls = Draft7Validator
        self._formats = FormatChecker()
        self._formats.checks("date-time")(_is_datetime)
        resources = []
        self.operations: list[Operation] = []
        for path in sorted(folder.glob("*.yaml")):
            doc = yaml.safe_load(path.read_text())
            resources.append((path.name, Resource(contents=_to_json_schema(doc), specification=DRAFT7)))
            for template, item in (doc.get("paths") or {}).items():
                for method, op in item.items():
                    if method.lower() in ("get", "post", "put", "delete", "patch"):
                        self.operations.append(
                            Operation(method.upper(), template, _template_regex(template), op.get("responses", {}),
                                      path.name)
                        )
        # Literal segments win over parameters (/compute-pools/instance-families before /{name}).
        self.operations.sort(key=lambda o: (o.template.count("{"), -len(o.template)))
        self.registry = Registry().with_resources(resources)

    def operation(self, method: str, path: str) -> Operation | None:
        for op in self.operations:
            if op.method == method and op.pattern.match(path):
                return op
        return None

    def check(self, method: str, path: str, status: int, body: Any) -> list[str]:
        op = self.operation(method, path)
        if op is None:
            return [f"no operation {method} {path} in the specs"]
        response = op.responses.get(str(status)) or op.responses.get("default")
        if response is None:
            return [f"status {status} is not listed for {method} {op.template}"]
        if "$ref" in response:
            return []  # shared responses (errors, SuccessResponse) are checked by their own tests
        if (response.get("content") or {}).get("application/json", {}).get("schema") is None:
            return []
        # Point into the registered document, so its relative $refs resolve against it.
        pointer = "/".join(p.replace("~", "~0").replace("/", "~1") for p in (
            "paths", op.template, op.method.lower(), "responses", str(status) if str(status) in op.responses
            else "default", "content", "application/json", "schema"))
        schema = {"$ref": f"{op.document}#/{pointer}"}
        validator = self._validator_cls(schema, registry=self.registry, format_checker=self._formats)
        return [
            f"{'/'.join(str(p) for p in err.absolute_path) or '<body>'}: {err.message}"
            for err in validator.iter_errors(body)
        ][:5]


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@cache
def load(folder: str) -> Contract:
    return Contract(Path(folder))
