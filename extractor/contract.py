"""What goes on the wire: the JSON Schema we send, the request body for each mode, the answer text.

The schema we send is the contract. A grammar-constrained server (vLLM/xgrammar, llama.cpp,
Ollama, OpenAI structured outputs) guarantees that schema and nothing more, so it is generated
from the answer model itself (every constraint the validators enforce is in it) and sent
unchanged in every mode: as `response_format` (json_schema), as the one tool's parameters
(tools), or in the system message (json, md_json).

OpenAI's `strict: true` accepts a subset of JSON Schema (rules from the Structured Outputs guide,
platform.openai.com/docs/guides/structured-outputs, "Supported schemas", read 2026-12): every
object lists every property in `required` and sets `additionalProperties: false`; optional
fields are nullable instead of absent; no `default`; the root is an object, not an `anyOf`; only
the keywords in `STRICT_KEYWORDS`. `strict_schema` rewrites a schema into that form without
changing what it accepts except that every key must be present (length limits become the
equivalent `pattern`); `strict_violations` checks a schema against the rules.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

Mode = Literal["json_schema", "tools", "json", "md_json"]
MODES: tuple[Mode, ...] = ("json_schema", "tools", "json", "md_json")

STRICT_KEYWORDS = frozenset(
    {
        "$defs", "$ref", "additionalProperties", "anyOf", "const", "description", "enum",
        "exclusiveMaximum", "exclusiveMinimum", "format", "items", "maxItems", "maximum",
        "minItems", "minimum", "multipleOf", "pattern", "properties", "required", "title", "type",
    }
)  # fmt: skip
#: keys whose value is a map of names to schemas (the names are not keywords)
_SCHEMA_MAPS = ("properties", "$defs")
#: annotations that constrain nothing: dropped from the strict form
_ANNOTATIONS = frozenset(
    {"default", "examples", "deprecated", "readOnly", "writeOnly", "$comment", "discriminator"}
)


class StrictSchemaError(ValueError):
    """The schema uses a constraint OpenAI's strict form cannot express."""


@cache
def _schema_json(model: type[BaseModel], strict: bool) -> str:
    schema = model.model_json_schema()
    return json.dumps(strict_schema(schema) if strict else schema, sort_keys=True)


def answer_schema(model: type[BaseModel], *, strict: bool = False) -> dict[str, Any]:
    """The JSON Schema sent for `model` (a fresh copy; built once per model and form)."""
    schema: dict[str, Any] = json.loads(_schema_json(model, strict))
    return schema


def schema_name(model: type[BaseModel]) -> str:
    """A name OpenAI accepts for a schema or function: [a-zA-Z0-9_-], at most 64 characters."""
    return re.sub(r"[^a-zA-Z0-9_-]", "_", model.__name__)[:64] or "answer"


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema in the form OpenAI's `strict: true` accepts (see the module docstring).

    Lengths become the equivalent `pattern`, `oneOf` becomes `anyOf` (pydantic's discriminated
    unions have disjoint branches), annotations are dropped; a constraint with no strict
    equivalent raises `StrictSchemaError` rather than being dropped silently, since the
    validators would still enforce it.
    """
    return _strict(copy.deepcopy(schema), "$")  # type: ignore[no-any-return]


def _strict(node: Any, where: str) -> Any:
    if isinstance(node, list):
        return [_strict(item, f"{where}[{i}]") for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS:
            out[key] = {name: _strict(sub, f"{where}.{name}") for name, sub in value.items()}
        elif key == "oneOf":
            out["anyOf"] = _strict(value, f"{where}.oneOf")
        elif key in _ANNOTATIONS or key in ("minLength", "maxLength"):
            continue
        elif key not in STRICT_KEYWORDS:
            raise StrictSchemaError(
                f"{where}: {key!r} has no equivalent in OpenAI's strict schema form; "
                "send the schema as it is with --no-strict"
            )
        else:
            out[key] = _strict(value, f"{where}.{key}")
    if "minLength" in node or "maxLength" in node:
        if "pattern" in node:
            raise StrictSchemaError(
                f"{where}: a length limit beside a pattern has no strict equivalent; put the "
                "length into the pattern or use --no-strict"
            )
        low, high = int(node.get("minLength", 0)), node.get("maxLength")
        upper = "" if high is None else str(int(high))
        out["pattern"] = "^[\\s\\S]{" + f"{low},{upper}" + "}$"
    if "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def strict_violations(schema: dict[str, Any]) -> list[str]:
    """Where `schema` breaks the strict-mode rules (empty when it follows them all)."""
    problems: list[str] = []
    if "anyOf" in schema or schema.get("type") != "object":
        problems.append("the root must be an object, not anyOf")

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in _SCHEMA_MAPS:
                for name, sub in value.items():
                    walk(sub, f"{where}.{key}.{name}")
            elif key not in STRICT_KEYWORDS:
                problems.append(f"{where}: keyword {key!r} is not supported")
            elif key in ("items", "anyOf"):
                walk(value, f"{where}.{key}")
        if "properties" in node:
            missing = set(node["properties"]) - set(node.get("required", []))
            if missing:
                problems.append(f"{where}: not required: {sorted(missing)}")
            if node.get("additionalProperties") is not False:
                problems.append(f"{where}: additionalProperties must be false")

    walk(schema, "$")
    return problems


def _schema_instruction(schema: dict[str, Any], fenced: bool) -> str:
    shape = "in one ```json code block" if fenced else "as one JSON object and nothing else"
    return f"\n\nAnswer {shape}, valid under this JSON Schema:\n" + json.dumps(
        schema, ensure_ascii=False, separators=(",", ":")
    )


def request_body(
    messages: list[dict[str, str]],
    answer: type[BaseModel],
    *,
    model: str,
    mode: Mode,
    params: dict[str, Any],
    strict: bool = False,
) -> dict[str, Any]:
    """The exact JSON body POSTed to /chat/completions for one article in `mode`.

    `tools` sends one function and `tool_choice: "required"`, which forces a call on OpenAI,
    vLLM and llama.cpp alike; the object form `{"type": "function", ...}` is refused by
    llama.cpp's server, which then falls back to `auto`.
    """
    schema = answer_schema(answer, strict=strict)
    name = schema_name(answer)
    body: dict[str, Any] = {"model": model, **params}
    if mode == "json_schema":
        body["messages"] = messages
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": strict},
        }
    elif mode == "tools":
        body["messages"] = messages
        function: dict[str, Any] = {
            "name": name,
            "description": f"Record the {name} found in the article.",
            "parameters": schema,
        }
        if strict:
            function["strict"] = True
        body["tools"] = [{"type": "function", "function": function}]
        body["tool_choice"] = "required"
    else:
        system, *rest = messages
        instruction = _schema_instruction(schema, fenced=mode == "md_json")
        body["messages"] = [{**system, "content": system["content"] + instruction}, *rest]
        if mode == "json":
            body["response_format"] = {"type": "json_object"}
    return body


class AnswerProblem(Exception):
    """A completion with no usable answer text; `kind` is the error type a record gets."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def answer_text(completion: Any) -> tuple[str, str | None]:
    """(the text that should hold the JSON, finish_reason) of a chat-completion response body."""
    if not isinstance(completion, dict):
        raise AnswerProblem("not_openai", "the response body is not a JSON object")
    choices = completion.get("choices")
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        raise AnswerProblem("empty_answer", "the endpoint returned no choices")
    choice = choices[0]
    message = choice.get("message") or {}
    if not isinstance(message, dict):
        raise AnswerProblem("not_openai", "the completion's message is not a JSON object")
    finish = choice.get("finish_reason")
    if message.get("refusal"):
        raise AnswerProblem("refused", f"the model refused: {str(message['refusal'])[:200]}")
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else []:
        function = call.get("function") if isinstance(call, dict) else None
        arguments = function.get("arguments") if isinstance(function, dict) else None
        if isinstance(arguments, str) and arguments.strip():
            return arguments, finish
    content = message.get("content")
    if isinstance(content, list):  # content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if not isinstance(content, str) or not content.strip():
        if finish == "length":
            return "", finish
        raise AnswerProblem("empty_answer", "the model's answer was empty")
    return content, finish


_REASONING = re.compile(r"<think>.*?</think>", re.DOTALL)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def parse_json(text: str) -> Any:
    """The JSON document in an answer: bare, after a `<think>` preamble, or in a ```json fence.

    Raises ValueError (with the parser's reason) when no JSON document can be found.
    """
    text = _REASONING.sub("", text).strip()
    candidates = [text]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    error: ValueError | None = None
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError as exc:
            error = error or exc
        except RecursionError:
            raise ValueError("the answer is nested too deeply to read") from None
    raise ValueError(f"the answer is not JSON ({error})")
