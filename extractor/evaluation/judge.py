"""The optional judge of `extractor eval --judge MODEL`: a model decides whether two claims
state the same fact, for the candidate pairs the scorer offers it.

It calls any OpenAI-compatible endpoint through the `openai` SDK (imported inside the call: it
costs ~1.5 s) and keeps its answers in the same answer cache as extraction, keyed on the
endpoint, model, prompt version and hash, and the rendered messages. The lexical rule in
`similarity` stays the offline default.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..schemas import Claim


class Judge:
    """Same-fact decisions from a model; one cached request per candidate pair."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str,
        api_key: str | None,
        cache_dir: Path | None,
        timeout: float = 60.0,
    ) -> None:
        prompt = tomllib.loads(
            resources.files("extractor.evaluation").joinpath("judge.toml").read_text("utf-8")
        )
        self.model = model
        self.prompt_version = str(prompt["version"])
        self.base_url = base_url.rstrip("/")
        self._messages: dict[str, str] = prompt["messages"]
        self._params: dict[str, Any] = prompt.get("params", {})
        self._prompt_sha = hashlib.sha256(json.dumps(prompt, sort_keys=True).encode()).hexdigest()
        self._api_key = api_key or "not-needed"
        self._timeout = timeout
        self._cache_dir = cache_dir
        self._client: Any = None
        self._cache: Any = None

    def _render(self, pred: Claim, gold: Claim) -> list[dict[str, str]]:
        fill = {
            "{a}": pred.statement,
            "{b}": gold.statement,
            "{quote_a}": pred.evidence.quote,
            "{quote_b}": gold.evidence.quote,
        }
        user = self._messages["user"]
        for slot, value in fill.items():  # plain replacement: claim text is data, not template
            user = user.replace(slot, value)
        return [
            {"role": "system", "content": self._messages["system"]},
            {"role": "user", "content": user},
        ]

    def _key(self, messages: list[dict[str, str]]) -> str:
        head = [self.base_url, self.model, "judge", self.prompt_version, self._prompt_sha]
        digest = hashlib.sha256(json.dumps([head, self._params, messages]).encode())
        return "judge:" + digest.hexdigest()

    def same_fact(self, pairs: Sequence[tuple[Claim, Claim]], text: str) -> list[bool]:
        return [self._ask(self._render(pred, gold)) for pred, gold in pairs]

    def _ask(self, messages: list[dict[str, str]]) -> bool:
        key = self._key(messages)
        if self._cache_dir is not None and self._cache is None:
            from ..cache import AnswerCache

            self._cache = AnswerCache(self._cache_dir)
        cached = self._cache.get(key) if self._cache is not None else None
        if cached is not None:
            return _verdict(cached)
        if self._client is None:
            import openai  # here, not at import time: it costs ~1.5 s

            self._client = openai.OpenAI(
                base_url=self.base_url, api_key=self._api_key, timeout=self._timeout
            )
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=messages,
                response_format={"type": "json_object"},
                **self._params,
            )
        except Exception as exc:  # the SDK's errors: say which endpoint and stop the eval
            raise ConfigError(
                f"judge {self.model} at {self.base_url} failed: {exc}; "
                "check --base-url / OPENAI_API_KEY or drop --judge"
            ) from None
        answer = response.choices[0].message.content or ""
        same = _verdict(answer)
        if self._cache is not None:
            self._cache.set(key, json.dumps({"same": same}))
        return same

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def _verdict(answer: str) -> bool:
    """{"same": true|false}; anything else is read as "not the same" (the conservative side)."""
    try:
        data = json.loads(answer.strip().removeprefix("```json").removesuffix("```"))
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and data.get("same") is True
