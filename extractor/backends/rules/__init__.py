"""The offline rules baseline: deterministic claim extraction without any model.

It runs when no LLM endpoint is configured (`--model rules`) and is the floor every model has to
beat in evaluation. It only finds *counted* claims: every number in a body sentence becomes one
claim with its hedge (qualifier), what is counted (unit), who asserts it (source), when (time and
an ISO date only when the text gives the year), whether the article presents it as disputed, and
the sentence itself as verbatim evidence. Everything is regular expressions and small word lists
of generic news English; nothing here knows any particular article, so it runs unchanged on
articles it has never seen. Claims without a number (events, statements, accusations) are out of
its reach, and statements are the article's own sentences, not decontextualised rewrites.

The modules follow the steps: `sentences` finds the body sentences, `quantities` the counts in
each, `units`, `attribution`, `subjects`, `dates`, `places` and `disputes` describe them, and
`claims` assembles and merges the DraftClaims.
"""

from __future__ import annotations

from ...articles import Article
from ...prompt import Message, Prompt
from ...schemas import Usage
from ..base import Answer
from .claims import extract_claims

#: bump when the rules change what they extract (goes into provenance next to the model name)
VERSION = "1"


class RulesBackend:
    """Deterministic, offline: no endpoint, no tokens, no randomness, nothing worth caching."""

    base_url: str | None = None
    cacheable = False

    async def extract(
        self, messages: list[Message], article: Article, prompt: Prompt | None
    ) -> Answer:
        """Claims for one article; `messages` and `prompt` are ignored (no model to ask)."""
        return Answer(claims=extract_claims(article.text), usage=Usage(), attempts=0)

    async def aclose(self) -> None:
        """Nothing to close: the baseline holds no connections."""


__all__ = ["VERSION", "RulesBackend", "extract_claims"]
