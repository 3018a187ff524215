"""Per-language cues, one TOML data file per language (`en.toml`, `es.toml`, …).

The rules match the union of every language's cues (a Spanish article quoting "at least 87" is
still read right), and the article's detected language picks what differs between languages:
the number format ("1.553" is 1553 in Spanish, 1.553 in English) and the date parser's language.
Adding a language is one more data file: nothing in the rules names a language.

Detection is a documented heuristic, not a model: the language whose commonest short words
(`stopwords` in its file) make up the largest share of the article's words wins, English on a
tie. On news text of a paragraph or more the two languages here are never close (English
articles score ~0.3 on English stopwords and <0.05 on Spanish ones, and vice versa), so a
trained detector (py3langid, lingua) would add a dependency and a model file for no gain; it
would matter for short or mixed texts and many languages.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Language:
    """One language's data file, as loaded."""

    code: str
    stopwords: frozenset[str]
    decimal: str
    thousands: str
    data: dict[str, Any]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@cache
def languages() -> dict[str, Language]:
    """Every language data file next to this module, by language code."""
    out: dict[str, Language] = {}
    for path in sorted(_HERE.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out[data["code"]] = Language(
            code=data["code"],
            stopwords=_words(data["stopwords"]),
            decimal=data["numbers"]["decimal"],
            thousands=data["numbers"]["thousands"],
            data=data,
        )
    return out


def detect(text: str) -> str:
    """The article's language code: the largest share of its words among a language's
    stopwords; "en" when nothing is recognised or on a tie."""
    words = [w.lower() for w in _WORD.findall(text[:20_000])]
    if not words:
        return "en"
    shares = {
        code: sum(w in lang.stopwords for w in words) / len(words)
        for code, lang in languages().items()
    }
    best = max(shares.values())
    if best == 0 or shares.get("en") == best:
        return "en"
    return max(shares, key=lambda code: shares[code])


def union_table(*keys: str) -> dict[str, Any]:
    """One table (e.g. ("hedges",)) merged over all languages; later files add, never remove."""
    merged: dict[str, Any] = {}
    for lang in languages().values():
        node: Any = lang.data
        for key in keys:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        merged.update(node)
    return merged


def union_words(*keys: str) -> frozenset[str]:
    """A whitespace-separated word list (e.g. ("attribution", "strong_verbs")) over all
    languages, lower-cased."""
    out: set[str] = set()
    for lang in languages().values():
        node: Any = lang.data
        for key in keys:
            node = node.get(key, "") if isinstance(node, dict) else ""
        out.update(w.lower() for w in (node.split() if isinstance(node, str) else node))
    return frozenset(out)


def union_list(*keys: str) -> list[str]:
    """A list of phrases over all languages, in file order, duplicates dropped."""
    out: list[str] = []
    for lang in languages().values():
        node: Any = lang.data
        for key in keys:
            node = node.get(key, []) if isinstance(node, dict) else []
        out.extend(p for p in node if p not in out)
    return out
