"""The one small interface every backend implements, and what flows through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from ..articles import Article
from ..schemas import RecordWarning, Usage
from ..settings import Settings

Message = dict[str, str]


@dataclass
class Request:
    """What the pipeline asks a backend for one article (or one chunk of it)."""

    piece: Article
    messages: list[Message]
    schema: type[BaseModel]
    params: dict[str, Any]
    #: the exact body an HTTP backend sends (from `Backend.plan`); None for offline backends
    body: dict[str, Any] | None = None
    #: problems with an otherwise valid answer worth one re-ask (quotes not in the article)
    check: Callable[[BaseModel], list[str]] | None = None


@dataclass
class Answer:
    """A backend's reply for one piece, validated (and salvaged) but not yet grounded."""

    answer: BaseModel
    warnings: list[RecordWarning] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1


@dataclass(frozen=True)
class Identity:
    """What provenance records about a backend."""

    base_url: str | None
    mode: str
    #: (name, version, sha256) recorded in place of the prompt's, for a backend that uses no
    #: prompt; None means "the prompt"
    prompt: tuple[str, str, str] | None = None


class Backend(Protocol):
    #: cache answers from this backend (pointless for a fast deterministic one)
    cacheable: bool
    identity: Identity

    def plan(
        self, messages: list[Message], schema: type[BaseModel], params: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The exact request body this backend would send (the cache key hashes it)."""
        ...

    async def answer(self, request: Request) -> Answer:
        """The answer for one piece. Raises `ExtractionError` when there is none."""
        ...

    async def aclose(self) -> None: ...


class BackendFactory(Protocol):
    """What an `extractor.backends` entry point names: usually the backend class itself."""

    @classmethod
    def create(cls, settings: Settings) -> Backend:
        """A backend for `settings` (its own options in `settings.options`); ConfigError if
        they do not fit."""
        ...

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """True when the environment or options point at this backend (used to pick a default)."""
        ...
