"""The offline rules baseline: deterministic claim extraction without any model.

It runs when no LLM endpoint is configured (`--model rules`) and is the floor every model has to
beat in evaluation. Every number in a body sentence becomes one claim
with its hedge (qualifier), what is counted (unit), who asserts it (source), when (time and an ISO
date only when the text gives the year), whether the article presents it as disputed, and the
sentence itself as verbatim evidence; every body sentence without a number becomes one claim too.
Everything is regular expressions and small word lists; the language-dependent cues live in one
data file per language (`languages/en.toml`, `languages/es.toml`), the article's language is
detected per article (`languages.detect`), and recurring sources get canonical names from
`sources.toml`. Statements are the article's own sentences (a leading pointer such as "The
group" replaced by who it points to), not decontextualised rewrites.

The modules follow the steps: `sentences` finds the body sentences, `quantities` the counts in
each, `units`, `attribution`, `subjects`, `dates`, `places` and `disputes` describe them, and
`claims` assembles and merges the DraftClaims.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...articles import Article
from ...prompt import Message, Prompt
from ...schemas import Usage
from ..base import Answer
from .claims import extract_claims

#: bump when the rules change what they extract (goes into provenance next to the model name)
VERSION = "2"


def _source_sha256() -> str:
    """Hash of the rules' own source: provenance changes whenever the rules do."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *here.glob("*.toml"), *here.glob("languages/*")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class RulesBackend:
    """Deterministic, offline: no endpoint, no tokens, no randomness, nothing worth caching."""

    base_url: str | None = None
    cacheable = False

    def __init__(self) -> None:
        #: recorded in provenance instead of the prompt: the rules use no prompt
        self.identity = ("rules", VERSION, _source_sha256())

    async def extract(
        self, messages: list[Message], article: Article, prompt: Prompt | None
    ) -> Answer:
        """Claims for one article; `messages` and `prompt` are ignored (no model to ask)."""
        return Answer(claims=extract_claims(article.text), usage=Usage(), attempts=0)

    async def aclose(self) -> None:
        """Nothing to close: the baseline holds no connections."""


__all__ = ["VERSION", "RulesBackend", "extract_claims"]
