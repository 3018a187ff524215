"""The one small interface every backend implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..articles import Article
from ..prompt import Message, Prompt
from ..schemas import DraftClaim, Usage


@dataclass
class Answer:
    """A backend's reply for one article (or one chunk of it), before grounding."""

    claims: list[DraftClaim]
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1


class Backend(Protocol):
    #: goes into provenance.base_url; None for offline backends
    base_url: str | None
    #: cache answers from this backend (pointless for a fast deterministic one)
    cacheable: bool
    #: (name, version, sha256) recorded in provenance in place of the prompt's, for a backend
    #: that uses no prompt; None means "the prompt"
    identity: tuple[str, str, str] | None

    async def extract(self, messages: list[Message], article: Article, prompt: Prompt) -> Answer:
        """Claims for one article. Raises `ExtractionError` when it cannot."""
        ...

    async def aclose(self) -> None: ...
