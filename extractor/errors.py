"""Exceptions with messages that tell the user what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schemas import Usage


class ExtractorError(Exception):
    """Base class for every error extractor raises on purpose."""


class ConfigError(ExtractorError):
    """Bad settings, flags or files: the CLI prints it in one line and exits 2."""


class ExtractionError(ExtractorError):
    """One article could not be extracted; becomes an `error` record, the batch goes on."""

    def __init__(
        self, kind: str, message: str, *, attempts: int = 0, usage: Usage | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.attempts = attempts
        self.usage = usage


def validation_problems(exc: Any, what: str) -> str:
    """A pydantic ValidationError in one line: 'field: reason; other.field: reason'."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or what}: {e['msg']}" for e in exc.errors())
