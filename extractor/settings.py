"""One typed settings object, built from flags, environment and defaults in one place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from .errors import ConfigError

Mode = Literal["json_schema", "tools", "json", "md_json"]
RULES_MODEL = "rules"
OPENAI_BASE_URL = "https://api.openai.com/v1"

# Environment variable for each setting that can come from the environment.
ENV = {
    "base_url": "OPENAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "model": "EXTRACTOR_MODEL",
    "cache_dir": "EXTRACTOR_CACHE_DIR",
}


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("extractor"))


class Settings(BaseModel):
    """Everything one extraction run needs to know. Immutable; derive a copy with `replace`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = Field(
        default=None, description="Model name; 'rules' is the offline baseline."
    )
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint URL.")
    api_key: SecretStr | None = Field(default=None, repr=False)
    mode: Mode = "json_schema"
    prompt: str = "claims"
    concurrency: int = Field(default=8, ge=1, le=1024)
    max_reasks: int = Field(
        default=2, ge=0, le=10, description="Re-asks after a reply that fails validation."
    )
    max_attempts: int = Field(
        default=6, ge=1, le=50, description="HTTP attempts per request (429, 5xx, timeouts)."
    )
    token_budget: int | None = Field(
        default=None, ge=1, description="Cap on total tokens per article across all attempts."
    )
    timeout: float = Field(default=120.0, gt=0, description="Seconds per HTTP request.")
    backoff_initial: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=30.0, ge=0)
    chunk_chars: int = Field(
        default=24_000, ge=1_000, description="Articles longer than this are split into chunks."
    )
    cache_dir: Path = Field(default_factory=default_cache_dir)
    use_cache: bool = True

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults < environment < explicit overrides (None means 'not given')."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            key: env[var] for key, var in ENV.items() if env.get(var, "").strip()
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"invalid settings: {problems}") from None

    def replace(self, **changes: object) -> Settings:
        return self.model_validate({**self.model_dump(), **changes})

    @property
    def has_endpoint(self) -> bool:
        return bool(self.base_url or self.api_key)

    @property
    def endpoint(self) -> str:
        return (self.base_url or OPENAI_BASE_URL).rstrip("/")

    @property
    def is_offline(self) -> bool:
        return self.model == RULES_MODEL

    def resolved(self) -> Settings:
        """Settings ready to run: a model is chosen and an endpoint exists for it.

        No model and no endpoint means the offline baseline; a model named without an endpoint is
        an error rather than a silent fallback.
        """
        if self.model is None:
            if self.has_endpoint:
                raise ConfigError(
                    "an endpoint is configured but no model: pass --model NAME "
                    "or set EXTRACTOR_MODEL"
                )
            return self.replace(model=RULES_MODEL)
        if not self.is_offline and not self.has_endpoint:
            raise ConfigError(
                f"model {self.model!r} needs an endpoint: set OPENAI_BASE_URL (or --base-url) "
                "for a local server, OPENAI_API_KEY for OpenAI, or use --model rules"
            )
        return self
