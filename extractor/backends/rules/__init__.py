"""The offline rules baseline: deterministic claim extraction without any model.

It runs when no LLM endpoint is configured (`--model rules`) and is the floor every model has to
beat in evaluation. Every number in a body sentence becomes one claim
with its hedge (qualifier), what is counted (unit), who asserts it (source), when (time and an ISO
date only when the text gives the year), whether the article presents it as disputed, and the
sentence itself as verbatim evidence; every body sentence without a number becomes one claim too.
Everything is regular expressions and small word lists; the language-dependent cues live in one
data file per language (`languages/en.toml`, `languages/es.toml`), the article's language is
detected per article (`languages.detect`), and recurring sources get canonical names from
`sources.toml`. Statements are the article's own sentences or clauses, not decontextualised
rewrites; what rules can resolve is resolved in them: a leading pointer ("The group") or a
pronoun after the words it attributes becomes who it points to, the article's acronyms are
written out, a weekday the article pins becomes its date, and a clause the sentence's source
asserts gets ", according to <source>".

The modules follow the steps: `sentences` finds the body sentences, `quantities` the counts in
each, `units`, `attribution`, `subjects`, `dates`, `places` and `disputes` describe them, and
`claims` assembles and merges the DraftClaims.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ...errors import ConfigError
from ...schemas import ClaimSet
from ...settings import Settings
from ..base import Answer, Identity, Request
from .claims import extract_claims

#: bump when the rules change what they extract (goes into provenance next to the model name)
VERSION = "3"


def _source_sha256() -> str:
    """Hash of the rules' own source: provenance changes whenever the rules do."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *here.glob("*.toml"), *here.glob("languages/*")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class RulesBackend:
    """The `rules` backend: deterministic, offline, no tokens, nothing worth caching.

    It extracts the bundled claim schema only, and takes no options.
    """

    cacheable = False

    def __init__(self) -> None:
        #: recorded in provenance instead of the prompt: the rules use no prompt
        self.identity = Identity(
            base_url=None, mode="rules", prompt=("rules", VERSION, _source_sha256())
        )

    @classmethod
    def create(cls, settings: Settings) -> RulesBackend:
        if settings.options:
            names = ", ".join(f"--{k.replace('_', '-')}" for k in sorted(settings.options))
            raise ConfigError(f"the rules backend takes no endpoint options ({names}); drop them")
        return cls()

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return False

    def supports(self, schema: type[BaseModel]) -> bool:
        return schema is ClaimSet

    def plan(self, messages: Any, schema: type[BaseModel], params: Any) -> None:
        return None

    async def answer(self, request: Request) -> Answer:
        """Claims for one piece; the prompt is ignored (no model to ask)."""
        return Answer(answer=ClaimSet(claims=extract_claims(request.piece.text)), attempts=0)

    async def aclose(self) -> None:
        """Nothing to close: the baseline holds no connections."""


__all__ = ["VERSION", "RulesBackend", "extract_claims"]
