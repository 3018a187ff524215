"""Versioned prompt templates: load a `.toml` prompt file, check it, render it into chat messages.

The article is inserted with one plain string replacement of `{article}`. Nothing in the article
is ever parsed as template syntax (no Jinja, no str.format), so an article that contains
`{{ secret }}` or `{% raw %}` reaches the endpoint byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ConfigError
from .schemas import SCHEMAS, ClaimSet

PLACEHOLDER = "{article}"
Message = dict[str, str]


@dataclass(frozen=True)
class Example:
    """A few-shot example: an article and the claims a perfect answer would give."""

    text: str
    answer: ClaimSet


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    schema_name: str
    system: str
    user: str
    params: dict[str, Any] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()

    @property
    def schema(self) -> type[BaseModel]:
        return SCHEMAS[self.schema_name]

    @cached_property
    def schema_sha256(self) -> str:
        return schema_sha256(self.schema)

    def render(self, article: str) -> list[Message]:
        """Chat messages for one article; few-shot examples become user/assistant turns."""
        messages: list[Message] = [{"role": "system", "content": self.system}]
        for example in self.examples:
            messages.append({"role": "user", "content": self._fill(example.text)})
            messages.append(
                {"role": "assistant", "content": example.answer.model_dump_json(exclude_none=True)}
            )
        messages.append({"role": "user", "content": self._fill(article)})
        return messages

    def _fill(self, article: str) -> str:
        head, _, tail = self.user.partition(PLACEHOLDER)
        return head + article + tail

    @cached_property
    def template_sha256(self) -> str:
        """Hash of everything that defines the prompt before an article is inserted."""
        payload = {
            "name": self.name,
            "version": self.version,
            "system": self.system,
            "user": self.user,
            "params": self.params,
            "examples": [[e.text, e.answer.model_dump(mode="json")] for e in self.examples],
        }
        return sha256_json(payload)


def sha256_json(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


@cache
def schema_sha256(schema: type[BaseModel]) -> str:
    return sha256_json(schema.model_json_schema())


def _prompt_file(name_or_path: str) -> tuple[str, str]:
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.is_file():
        try:
            return str(path), path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"prompt file {path} cannot be read as UTF-8 text: {exc}") from None
    bundled = resources.files("extractor.prompts").joinpath(f"{name_or_path}.toml")
    if bundled.is_file():
        return str(bundled), bundled.read_text(encoding="utf-8")
    available = ", ".join(sorted(available_prompts())) or "none"
    raise ConfigError(
        f"unknown prompt {name_or_path!r}: pass a bundled prompt name ({available}) "
        "or the path of a .toml prompt file"
    )


def available_prompts() -> list[str]:
    folder = resources.files("extractor.prompts")
    return [p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")]


@cache
def load_prompt(name_or_path: str = "claims") -> Prompt:
    """Load and check a prompt: bundled name (`claims`) or a path to a `.toml` file."""
    where, raw = _prompt_file(name_or_path)
    try:
        data = tomllib.loads(raw)
        _check_shape(data, where)
        messages = data["messages"]
        prompt = Prompt(
            name=str(data["name"]),
            version=str(data["version"]),
            schema_name=str(data.get("schema", "claims")),
            system=messages["system"],
            user=messages["user"],
            params=dict(data.get("params", {})),
            examples=tuple(
                Example(text=e["text"], answer=ClaimSet.model_validate({"claims": e["claims"]}))
                for e in data.get("examples", [])
            ),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValidationError) as exc:
        raise ConfigError(f"prompt file {where} is invalid: {exc}") from None
    check_params(prompt.params, where)
    if prompt.schema_name not in SCHEMAS:
        raise ConfigError(f"prompt file {where} names unknown schema {prompt.schema_name!r}")
    if prompt.user.count(PLACEHOLDER) != 1:
        raise ConfigError(f"prompt file {where}: messages.user must contain {PLACEHOLDER} once")
    for number, example in enumerate(prompt.examples, 1):
        for claim in example.answer.claims:
            if claim.evidence.quote not in example.text:
                raise ConfigError(
                    f"prompt file {where}: example {number} quotes text that is not in the "
                    f"example article: {claim.evidence.quote[:60]!r}"
                )
    return prompt


#: request fields the pipeline sets itself: a prompt's [params] may not change them
RESERVED_PARAMS = frozenset(
    {"model", "messages", "response_format", "tools", "tool_choice", "stream", "n", "functions"}
)
#: known sampling parameters: (allowed types, minimum, maximum)
_PARAM_RANGES: dict[str, tuple[tuple[type, ...], float, float]] = {
    "temperature": ((int, float), 0.0, 2.0),
    "top_p": ((int, float), 0.0, 1.0),
    "max_tokens": ((int,), 1, 1_000_000),
    "max_completion_tokens": ((int,), 1, 1_000_000),
    "presence_penalty": ((int, float), -2.0, 2.0),
    "frequency_penalty": ((int, float), -2.0, 2.0),
    "seed": ((int,), -(2**63), 2**63 - 1),
}


def _check_shape(data: dict[str, Any], where: str) -> None:
    """The prompt file's tables and strings have the types the loader expects."""
    for key in ("name", "version", "schema"):
        if key in data and not isinstance(data[key], str | int | float):
            raise ConfigError(f"prompt file {where}: {key} must be a string")
    messages = data.get("messages")
    if not isinstance(messages, dict):
        raise ConfigError(
            f"prompt file {where}: [messages] must be a table with system and user strings"
        )
    for role in ("system", "user"):
        if not isinstance(messages.get(role), str):
            raise ConfigError(f"prompt file {where}: messages.{role} must be a string")
    if not isinstance(data.get("params", {}), dict):
        raise ConfigError(f"prompt file {where}: [params] must be a table")
    examples = data.get("examples", [])
    if not isinstance(examples, list) or not all(
        isinstance(e, dict) and isinstance(e.get("text"), str) for e in examples
    ):
        raise ConfigError(f"prompt file {where}: [[examples]] must each have a text string")


def check_params(params: dict[str, Any], where: str) -> None:
    """[params] may not override what the pipeline sends, and known values must be in range."""
    reserved = sorted(RESERVED_PARAMS & params.keys())
    if reserved:
        raise ConfigError(
            f"prompt file {where}: [params] may not set {', '.join(reserved)} "
            "(the model comes from --model, the rest from the prompt and --mode)"
        )
    for name, value in params.items():
        if name not in _PARAM_RANGES:
            continue
        types, low, high = _PARAM_RANGES[name]
        if isinstance(value, bool) or not isinstance(value, types) or not low <= value <= high:
            kind = "an integer" if types == (int,) else "a number"
            raise ConfigError(
                f"prompt file {where}: params.{name} must be {kind} from {low:g} to {high:g}, "
                f"not {value!r}"
            )
    if "stop" in params and not (
        isinstance(params["stop"], str)
        or (isinstance(params["stop"], list) and all(isinstance(x, str) for x in params["stop"]))
    ):
        raise ConfigError(f"prompt file {where}: params.stop must be a string or list of strings")
