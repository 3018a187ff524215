"""When two source names denote the same source: normalisation, aliases (data), containment.

    "the NGO Foro Penal" = "Foro Penal" = "Foro Penal (Penal Forum)"     containment
    "U.S. administration" = "US administration"                          normalisation
    "Mothers' Committee for the Defense of Truth"
        = "Committee of Mothers in Defense of the Truth"                 same content words
    "Venezuelan authorities" = "Venezuelan government"                   alias (evals/aliases.toml)
    "rights groups" != "rights groups and relatives"                     a joint source is its parts

Aliases are corpus knowledge, so they live in a data file next to the gold (`evals/aliases.toml`),
never in code.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from ..errors import ConfigError

FUZZY_MIN = 90.0  # token_sort_ratio of the content words: spelling variants, not other names

_PAREN = re.compile(r"\(([^)]*)\)")
_NON_WORD = re.compile(r"[^\w\s]")
_LEADING = {"the", "a", "an"}
_FILLER = {"of", "for", "in", "the", "a", "an", "on", "to"}
# Words that describe a source rather than name it, dropped when they lead a name
# ("the NGO Foro Penal", "human rights group Foro Penal") and something is left.
_DESCRIPTORS = {"ngo", "human", "rights", "group", "organization", "organisation", "watchdog"}
_JOINT = re.compile(r"\s+(?:and|&)\s+|\s*,\s*")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalize_name(name: str | None) -> str:
    """Case, accents, punctuation ("U.S." = "US"), a leading article and spaces folded away."""
    text = _fold(name or "").replace("’", "'").replace("'s ", " ").replace("s' ", "s ")
    text = _NON_WORD.sub(lambda m: "" if m.group() in ".'" else " ", text)
    words = text.split()
    while words and words[0] in _LEADING:
        words = words[1:]
    return " ".join(words)


class SourceNames:
    """Decides whether two source names denote the same source; aliases come from data."""

    def __init__(self, aliases: dict[str, list[str]] | None = None) -> None:
        self._canonical: dict[str, str] = {}
        for name, others in (aliases or {}).items():
            for other in [name, *others]:
                self._canonical[normalize_name(other)] = normalize_name(name)
        self._same = lru_cache(maxsize=65536)(self._same_uncached)

    @classmethod
    def from_file(cls, path: Path) -> SourceNames:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read source aliases {path}: {exc}") from None
        sources = data.get("sources", {})
        if not isinstance(sources, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in sources.values()
        ):
            raise ConfigError(f'{path}: write [sources] as "Name" = ["other name", ...]')
        return cls(sources)

    def variants(self, name: str | None) -> list[str]:
        """The normalised name, its alias, and the name with and without a parenthetical."""
        folded = _fold(name or "")
        inner = [normalize_name(m) for m in _PAREN.findall(folded)]
        plain = normalize_name(_PAREN.sub(" ", folded))
        words = plain.split()
        while words and words[0] in _DESCRIPTORS:
            words = words[1:]
        named = " ".join(words)
        out = []
        for variant in [plain, *inner, *([named] if named else [])]:
            for v in (variant, self._canonical.get(variant, variant)):
                if v not in out:
                    out.append(v)
        return out

    def same(self, a: str | None, b: str | None) -> bool:
        return self._same(a or "", b or "")

    def _same_uncached(self, a: str, b: str) -> bool:
        va, vb = self.variants(a), self.variants(b)
        if set(va) & set(vb):
            return True
        parts_a, parts_b = _JOINT.split(va[0]), _JOINT.split(vb[0])
        if len(parts_a) > 1 or len(parts_b) > 1:  # a joint source is the same only part by part
            return len(parts_a) == len(parts_b) and all(
                any(self.same(x, y) for y in parts_b) for x in parts_a
            )
        return any(_alike(x, y) for x in va for y in vb)


def _alike(a: str, b: str) -> bool:
    if not a or not b:
        return False
    wa, wb = a.split(), b.split()
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    n = len(short)
    if any(long[i : i + n] == short for i in range(len(long) - n + 1)):
        return True
    ca = " ".join(w for w in wa if w not in _FILLER)
    cb = " ".join(w for w in wb if w not in _FILLER)
    return fuzz.token_sort_ratio(ca, cb) >= FUZZY_MIN


DEFAULT = SourceNames()
