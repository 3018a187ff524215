"""A disk cache of model answers, shared safely by every process that points at the same folder.

The key covers everything that can change an answer (endpoint URL, model, mode, the fully
rendered messages, the schema, sampling parameters, prompt name/version/hash) and never the API
key, so a cached answer is found again from any process and credentials never reach the disk.
Only successful answers are stored. An entry that cannot be decoded counts as a miss.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from .prompt import sha256_json

log = logging.getLogger(__name__)


def cache_key(
    *,
    endpoint: str,
    model: str,
    mode: str,
    messages: list[dict[str, str]],
    schema_sha256: str,
    params: dict[str, Any],
    prompt: str,
    prompt_version: str,
    prompt_sha256: str,
) -> str:
    return sha256_json(
        {
            "endpoint": endpoint,
            "model": model,
            "mode": mode,
            "messages": messages,
            "schema": schema_sha256,
            "params": params,
            "prompt": [prompt, prompt_version, prompt_sha256],
        }
    )


class AnswerCache:
    """JSON answers in a `diskcache.Cache` (SQLite + files: safe across threads and processes)."""

    def __init__(self, directory: Path) -> None:
        import diskcache

        self.directory = Path(directory)
        self._cache = diskcache.Cache(str(self.directory), timeout=60, size_limit=2**34)

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._cache.get(key)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
            if not isinstance(value, dict):
                raise ValueError("not a JSON object")
            return value
        except (TypeError, ValueError) as exc:
            log.warning("ignoring corrupted cache entry %s… (%s)", key[:12], exc)
            return None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._cache.set(key, json.dumps(value, ensure_ascii=False))

    def stats(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "entries": len(self._cache),
            "size_bytes": self._cache.volume(),
        }

    def clear(self) -> int:
        return self._cache.clear()

    def close(self) -> None:
        self._cache.close()
