"""Random answers valid under a JSON Schema, for any schema a request declares.

`random_instance(schema, rng)` draws one instance from the schema alone (never from a pydantic
model), with a "hostile but valid" profile by default: every optional property present, long
and non-ASCII strings, empty lists, extreme numbers — what a grammar-constrained server is free
to send. `schema_responder()` is a `FakeOpenAI` responder that answers every request with such an
instance of the schema the request itself declares, in any mode.

Supported: type (or a list of types), properties / required / additionalProperties, items,
minItems / maxItems, enum, const, anyOf / oneOf, $ref into $defs, minLength / maxLength, pattern
(through `extractor.testing.regex_strings`), minimum / maximum / exclusive bounds.
"""

from __future__ import annotations

import json
import math
import random
import re
from typing import Any

from .regex_strings import random_match

_ALPHABET = "abc xyz ÁÉñüß 中文 🙂 [sic] [/] {{x}} \"'\\ 0123456789.,-"
_SCHEMA_LINE = re.compile(r"JSON Schema:\s*(\{.*\})\s*$", re.DOTALL)


MAX_DEPTH = 6  # past this, optional properties are left out and lists are empty (recursion)


def random_instance(
    schema: dict[str, Any],
    rng: random.Random,
    *,
    hostile: bool = True,
    root: Any = None,
    depth: int = 0,
) -> Any:
    root = schema if root is None else root
    deep = depth >= MAX_DEPTH

    def sub(node: dict[str, Any]) -> Any:
        return random_instance(node, rng, hostile=hostile and not deep, root=root, depth=depth + 1)

    if "$ref" in schema:
        return random_instance(
            _resolve(schema["$ref"], root), rng, hostile=hostile, root=root, depth=depth
        )
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return rng.choice(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = schema[key]
            non_null = [o for o in options if o.get("type") != "null"]
            if deep and len(non_null) < len(options):
                return None
            pick = rng.choice(non_null if hostile and non_null and rng.random() < 0.9 else options)
            return sub(pick)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = rng.choice(kind)
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        out = {}
        required = set(schema.get("required", []))
        for name, node in schema.get("properties", {}).items():
            if name in required or (not deep and (hostile or rng.random() < 0.5)):
                out[name] = sub(node)
        return out
    if kind == "array":
        low = int(schema.get("minItems", 0))
        high = int(schema.get("maxItems", low + 4))
        count = (
            low if deep or (hostile and rng.random() < 0.15) else rng.randint(low, max(low, high))
        )
        item = schema.get("items", {})
        return [sub(item) for _ in range(count)]
    if kind == "string":
        return _string(schema, rng, hostile)
    if kind in ("number", "integer"):
        return _number(schema, rng, kind == "integer", hostile)
    if kind == "boolean":
        return rng.random() < 0.5
    return None


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


def _string(schema: dict[str, Any], rng: random.Random, hostile: bool) -> str:
    if "pattern" in schema:
        return random_match(schema["pattern"], rng)
    low = int(schema.get("minLength", 0))
    high = int(schema.get("maxLength", 300 if hostile else 30))
    length = rng.randint(low, max(low, high))
    if hostile and rng.random() < 0.1:
        length = max(low, min(high, 1))  # very short strings are legal too
    return "".join(rng.choice(_ALPHABET) for _ in range(length))


def _number(schema: dict[str, Any], rng: random.Random, integer: bool, hostile: bool) -> Any:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    span = 1e9 if hostile else 1000.0
    low = (-span if hostile else 0.0) if low is None else low
    high = max(low, 0.0) + span if high is None else high
    for _ in range(100):
        choices = [low, high, 0, 0.5, rng.uniform(low, high)]
        value = float(rng.choice(choices) if hostile else rng.uniform(low, high))
        if integer:
            value = float(round(value))
        step = schema.get("multipleOf")
        if step:
            value = round(value / step) * step
        if _within(value, schema):
            return int(value) if integer else value
    raise ValueError(f"cannot draw a number for {schema}")


def _within(value: float, schema: dict[str, Any]) -> bool:
    return bool(
        value >= schema.get("minimum", -math.inf)
        and value <= schema.get("maximum", math.inf)
        and value > schema.get("exclusiveMinimum", -math.inf)
        and value < schema.get("exclusiveMaximum", math.inf)
    )


def declared_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema a chat-completions request declares, in any mode (None if it has none)."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return response_format.get("json_schema", {}).get("schema")  # type: ignore[no-any-return]
    tools = body.get("tools") or []
    if tools:
        return tools[0].get("function", {}).get("parameters")  # type: ignore[no-any-return]
    for message in body.get("messages", []):
        content = message.get("content")
        if message.get("role") == "system" and isinstance(content, str):
            found = _SCHEMA_LINE.search(content)
            if found:
                try:
                    return json.loads(found.group(1))  # type: ignore[no-any-return]
                except ValueError:
                    return None
    return None


def schema_responder(seed: int = 0, *, hostile: bool = True) -> Any:
    """A `FakeOpenAI` responder: a random valid instance of each request's declared schema."""
    from .server import ChatRequest, Reply

    rng = random.Random(seed)

    def respond(request: ChatRequest) -> Reply:
        schema = declared_schema(request.body)
        if schema is None:
            return Reply(content="{}")
        return Reply.json(random_instance(schema, rng, hostile=hostile))

    return respond
