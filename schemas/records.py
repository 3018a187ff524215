"""The output record: one JSON line per article, shared by `extractor run`, gold files and evals."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .claims import Claim


class Usage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Provenance(BaseModel):
    """Which prompt, schema, model and endpoint produced a record, and at what cost."""

    model_config = ConfigDict(extra="forbid")

    prompt: str
    prompt_version: str
    prompt_sha256: str
    schema_sha256: str
    model: str
    base_url: str | None = None
    mode: str
    cached: bool = False
    attempts: int = 0
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0


class RecordError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    message: str


class ArticleResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    source: str | None = None
    status: Literal["ok", "error"]
    claims: list[Claim] = Field(default_factory=list)
    error: RecordError | None = None
    provenance: Provenance | None = None
    text: str | None = Field(
        default=None,
        description="The article text the offsets index into; written only with --include-text "
        "and always in gold files, so a record can be checked without its input.",
    )
