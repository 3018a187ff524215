"""One typed settings object, built from flags, environment and defaults in one place.

These are the settings every backend shares. A backend's own settings (the OpenAI-compatible
backend's endpoint, key, mode, ...) travel in `options` and are validated by that backend, which
also reads its own environment variables: `Settings.from_env(base_url=...)` puts `base_url` there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError, validation_problems

RULES_MODEL = "rules"

# Environment variable for each shared setting that can come from the environment.
ENV = {
    "backend": "EXTRACTOR_BACKEND",
    "model": "EXTRACTOR_MODEL",
    "cache_dir": "EXTRACTOR_CACHE_DIR",
}


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("extractor"))


class Settings(BaseModel):
    """Everything one extraction run needs to know. Immutable; derive a copy with `replace`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: str | None = Field(
        default=None, description="Backend name (entry point); default from the model."
    )
    model: str | None = Field(
        default=None, description="Model name; 'rules' is the offline baseline."
    )
    prompt: str = "claims"
    concurrency: int = Field(default=8, ge=1, le=1024)
    max_attempts: int = Field(
        default=6,
        ge=1,
        le=50,
        description="HTTP requests per article (or chunk), all included: retries, re-asks.",
    )
    max_reasks: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Re-asks (within max_attempts) after an unusable answer.",
    )
    max_dropped_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Re-ask when salvage had to drop more than this share of the claims.",
    )
    reask_ungrounded: bool = Field(
        default=False, description="Re-ask once with the quotes not found in the article."
    )
    token_budget: int | None = Field(
        default=None, ge=1, description="Cap on total tokens per article across all attempts."
    )
    backoff_initial: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=30.0, ge=0)
    chunk_chars: int = Field(
        default=24_000, ge=1_000, description="Articles longer than this are split into chunks."
    )
    cache_dir: Path = Field(default_factory=default_cache_dir)
    use_cache: bool = True
    options: dict[str, Any] = Field(
        default_factory=dict, repr=False, description="The backend's own settings, checked by it."
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults < environment < explicit overrides (None means 'not given').

        Overrides that are not shared settings are the backend's options.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {
            key: env[var] for key, var in ENV.items() if env.get(var, "").strip()
        }
        return cls._build(values, overrides)

    def replace(self, **changes: object) -> Settings:
        return self._build(self.model_dump(), changes)

    @classmethod
    def _build(cls, values: dict[str, Any], changes: Mapping[str, object]) -> Settings:
        values = {**values, "options": dict(values.get("options") or {})}
        for key, value in changes.items():
            if value is None:
                continue
            if key in cls.model_fields:
                values[key] = value
            else:
                values["options"][key] = value
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = validation_problems(exc, "settings")
            raise ConfigError(f"invalid settings: {problems}") from None

    @property
    def is_offline(self) -> bool:
        return self.backend == "rules"
