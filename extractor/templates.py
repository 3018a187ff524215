"""Versioned prompt templates: load a `.toml` prompt file, check it, render it into chat messages.

A prompt names its answer schema: a bundled name (`schema = "claims"`) or any pydantic model by
import path (`schema = "mypkg.models:EventSet"`). The article is inserted with one plain string
replacement of `{article}`. Nothing in the article is ever parsed as template syntax (no Jinja, no
str.format), so an article that contains `{{ secret }}` or `{% raw %}` reaches the endpoint byte
for byte.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import import_module, resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ConfigError
from .grounding import quotes
from .hashing import sha256_json

PLACEHOLDER = "{article}"
Message = dict[str, str]
DEFAULT_SYSTEM = (
    "You extract structured data from a news article as JSON. Copy every quote character for "
    "character from the article."
)


@dataclass(frozen=True)
class Example:
    """A few-shot example: an article and the answer a perfect model would give."""

    text: str
    answer: BaseModel


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    schema: type[BaseModel]
    system: str
    user: str
    params: dict[str, Any] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()

    @classmethod
    def from_template(
        cls, user: str, schema: type[BaseModel], *, system: str = DEFAULT_SYSTEM
    ) -> Prompt:
        """A prompt from a template string with one `{article}` (for calls from Python)."""
        prompt = cls(name="inline", version="1", schema=schema, system=system, user=user)
        _check(prompt, "the prompt template")
        return prompt

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


@cache
def schema_sha256(schema: type[BaseModel]) -> str:
    return sha256_json(schema.model_json_schema())


def load_schema(name: str) -> type[BaseModel]:
    """A bundled schema by name, or any pydantic model by import path `package.module:Class`."""
    from .schemas import SCHEMAS

    if name in SCHEMAS:
        return SCHEMAS[name]
    module_name, _, attribute = name.partition(":")
    if not attribute:
        raise ConfigError(
            f"unknown schema {name!r}: use a bundled name ({', '.join(sorted(SCHEMAS))}) or an "
            "import path such as 'mypkg.models:EventSet'"
        )
    try:
        found = getattr(import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot import schema {name!r}: {exc}") from None
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        raise ConfigError(f"schema {name!r} is not a pydantic model class")
    return found


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
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"prompt file {where} is not valid TOML: {exc}") from None
    _check_shape(data, where)
    schema = load_schema(str(data.get("schema", "claims")))
    try:
        messages = data["messages"]
        prompt = Prompt(
            name=str(data["name"]),
            version=str(data["version"]),
            schema=schema,
            system=messages["system"],
            user=messages["user"],
            params=dict(data.get("params", {})),
            examples=tuple(
                Example(
                    text=e["text"],
                    answer=schema.model_validate({k: v for k, v in e.items() if k != "text"}),
                )
                for e in data.get("examples", [])
            ),
        )
    except (KeyError, TypeError, ValidationError) as exc:
        raise ConfigError(f"prompt file {where} is invalid: {exc}") from None
    _check(prompt, f"prompt file {where}")
    return prompt


def _check(prompt: Prompt, where: str) -> None:
    for part in ("system", "user"):
        if not isinstance(getattr(prompt, part), str):
            raise ConfigError(f"{where}: messages.{part} must be a string")
    check_params(prompt.params, where)
    if prompt.user.count(PLACEHOLDER) != 1:
        raise ConfigError(f"{where}: messages.user must contain {PLACEHOLDER} once")
    for number, example in enumerate(prompt.examples, 1):
        for quote in quotes(example.answer):
            if quote.quote not in example.text:
                raise ConfigError(
                    f"{where}: example {number} quotes text that is not in the "
                    f"example article: {quote.quote[:60]!r}"
                )


#: request fields the pipeline sets itself: a prompt's [params] may not change them
RESERVED_PARAMS = frozenset(
    {"model", "messages", "response_format", "tools", "tool_choice", "stream", "n", "functions"}
)
#: known sampling parameters: (allowed types, minimum, maximum)
_PARAM_RANGES: dict[str, tuple[tuple[type[int] | type[float], ...], float, float]] = {
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
