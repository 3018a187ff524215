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
        return str(path), path.read_text(encoding="utf-8")
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
    except (tomllib.TOMLDecodeError, KeyError, ValidationError) as exc:
        raise ConfigError(f"prompt file {where} is invalid: {exc}") from exc
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
