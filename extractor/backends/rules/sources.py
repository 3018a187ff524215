"""Sources as a reader names them: canonical names from `sources.toml`, and pointers resolved.

"The group said", "esa organización", "the court" point back to the last named source of that
kind (or whose name has that word); "the government" / "el Gobierno cubano" become "Cuban
government"; an organisation's translation becomes its own name ("Amnistía Internacional" ->
"Amnesty International"). The table is data, so a new recurring actor is one line.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from .lexicon import ANAPHORA

_LEADING_ARTICLE = re.compile(r"^(?:the|el|la|los|las|a|an)\s+", re.I)
_POINTER_DETERMINERS = re.compile(
    r"^(?:the|this|that|its|their|esa|ese|esta|este|dicha|dicho|el|la|su)\s+", re.I
)


@cache
def _table() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "sources.toml").read_text(encoding="utf-8"))


def _key(name: str) -> str:
    return _LEADING_ARTICLE.sub("", name.strip()).casefold()


class SourceNames:
    """Canonical source names for one article; remembers the sources named so far."""

    def __init__(self, place: str | None) -> None:
        self.place = place
        self.named: list[tuple[str, str]] = []  # (name, kind), in article order

    def canonical(self, name: str, kind: str) -> tuple[str, str]:
        resolved = self._resolve_pointer(name, kind)
        if resolved:
            return resolved
        key = _key(name)
        alias = _table()["aliases"].get(key)
        if alias:
            name = alias
        else:
            government = self._government(key)
            if government:
                name, kind = government, "government"
            elif re.match(r"^(?:el|la|los|las)\s+[A-ZÁÉÍÓÚÑ]", name):
                name = _LEADING_ARTICLE.sub("", name)  # "el Ministerio del Interior"
        if kind != "other" or name[:1].isupper():
            self.named.append((name, kind))
        return name, kind

    def _resolve_pointer(self, name: str, kind: str) -> tuple[str, str] | None:
        """"the group", "esa organización", "el fiscal general", "the court": the last named
        source of that kind, or whose name has that word."""
        bare = _POINTER_DETERMINERS.sub("", name.strip())
        if bare == name.strip() and name.strip().lower() not in ("it", "they"):
            return None
        words = bare.lower().split()
        if not words or len(words) > 2 or any(w[:1].isupper() for w in bare.split()):
            return None
        head = words[0]
        for known, known_kind in reversed(self.named):
            if head[:5] in known.lower():
                return known, known_kind  # "the court" -> "Supreme Court"; fiscal -> Fiscalía
        wanted = ANAPHORA.get(head)
        if wanted:
            for known, known_kind in reversed(self.named):
                if wanted in ("any", known_kind):
                    return known, known_kind
        return None

    def _government(self, key: str) -> str | None:
        heads = _table()["government"]["heads"]
        words = key.replace("’s", "").replace("'s", "").split()
        if not words or not any(w in heads for w in words) or len(words) > 5:
            return None
        countries: dict[str, str] = _table()["countries"]
        adjectives: dict[str, str] = _table()["adjectives"]
        country = next((c for c in countries if c.casefold() in key), None)
        if country is None:
            country = next((adjectives[w] for w in words if w in adjectives), None)
        if country is None and len(words) <= 3:
            country = self.place  # "the government", "las autoridades de la isla"
        if country is None or country not in countries:
            return None
        return f"{countries[country]} government"
