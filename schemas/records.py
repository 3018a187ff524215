"""The output record: one JSON line per article, shared by `extractor run`, gold files and evals.

A record is `id, source, status`, then the answer's own fields (for the bundled claim schema:
`claims`), then `warnings, error, provenance, text`. `Record` is the generic record the pipeline
makes for any answer schema; `ArticleResult` is the same record read back with the claim schema,
which is what the scorer, the ledger and the reports use (they know the claim schema, and only
they do).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

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


class RecordWarning(BaseModel):
    """One repair made to the model's answer, or one quote not found in the article."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Where in the answer, as sent: 'claims.3.date'.")
    problem: str
    action: Literal["nulled", "defaulted", "removed", "dropped", "kept"]
    value: str | None = Field(default=None, description="The offending value, truncated.")


class ArticleResult(BaseModel):
    """A record of the bundled claim schema, as read back by the scorer, ledger and reports."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str | None = None
    status: Literal["ok", "error"]
    claims: list[Claim] = Field(default_factory=list)
    warnings: list[RecordWarning] = Field(default_factory=list)
    error: RecordError | None = None
    provenance: Provenance | None = None
    text: str | None = Field(
        default=None,
        description="The article text the offsets index into; written only with --include-text "
        "and always in gold files, so a record can be checked without its input.",
    )


class Record(BaseModel):
    """One article's result for any answer schema.

    The answer's fields read as attributes of the record (`record.claims`), and are written
    between `status` and `warnings`; an error record carries the fields' empty defaults.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    id: str
    source: str | None = None
    status: Literal["ok", "error"]
    answer: BaseModel | None = None
    warnings: list[RecordWarning] = Field(default_factory=list)
    error: RecordError | None = None
    provenance: Provenance | None = None
    text: str | None = None
    _schema: type[BaseModel] | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, schema: type[BaseModel], **fields: Any) -> Record:
        record = cls(**fields)
        record._schema = schema
        return record

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)  # type: ignore[misc]
        except AttributeError:
            answer = self.__dict__.get("answer")
            if answer is not None and name in type(answer).model_fields:
                return getattr(answer, name)
            schema = self.__pydantic_private__.get("_schema") if self.__pydantic_private__ else None
            if schema is not None and name in schema.model_fields:
                return empty_fields(schema).get(name)
            raise

    def answer_fields(self) -> dict[str, Any]:
        """The answer as JSON data, grounded quotes with their offsets."""
        if self.answer is not None:
            return self.answer.model_dump(mode="json", serialize_as_any=True)
        return empty_fields(self._schema) if self._schema is not None else {}

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "source": self.source, "status": self.status}
        data.update(self.answer_fields())
        data["warnings"] = [w.model_dump(mode="json") for w in self.warnings]
        data["error"] = self.error.model_dump(mode="json") if self.error else None
        data["provenance"] = self.provenance.model_dump(mode="json") if self.provenance else None
        data["text"] = self.text if include_text else None
        return data

    def to_json(self, *, include_text: bool = True) -> str:
        """The record as one JSON line (no newline), keys in the documented order."""
        return json.dumps(
            self.to_dict(include_text=include_text), ensure_ascii=False, separators=(",", ":")
        )


class RecordView(BaseModel):
    """The schema-independent part of any record (what run summaries count)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    status: Literal["ok", "error"]
    warnings: list[RecordWarning] = Field(default_factory=list)
    error: RecordError | None = None
    provenance: Provenance | None = None


def empty_fields(schema: type[BaseModel]) -> dict[str, Any]:
    """The answer fields an error record carries: those with a default, at their default."""
    empty: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if not info.is_required():
            value = info.get_default(call_default_factory=True)
            empty[name] = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return empty
