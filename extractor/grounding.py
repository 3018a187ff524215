"""Align evidence quotes to character offsets in the article.

Offsets are Python string indices into the text as read, end exclusive. Three tiers:
1. `exact`: the quote occurs verbatim, so `text[start:end] == quote`;
2. `fuzzy`: it occurs once whitespace, quote marks, dashes and case are normalised, or a
   near-identical span exists (rapidfuzz partial alignment, score >= FUZZY_MIN_SCORE);
   offsets cover the matching span of the original text;
3. `none`: the claim is kept, with null offsets.

Grounding works on any answer schema: every field typed `Quote` (the project's quote type),
wherever it sits (nested models, lists, optional fields), gets its `Evidence` written back.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz

from .schemas import Evidence, Quote

FUZZY_MIN_SCORE = 90.0

_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)
_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return text.translate(_FOLD).casefold()


class NormalizedText:
    """The article folded for matching, with a map from folded index back to original index."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        in_space = False
        for index, char in enumerate(text):
            folded = _fold(char)
            if folded.isspace():
                if in_space:
                    continue
                in_space = True
                folded = " "
            else:
                in_space = False
            for piece in folded:
                chars.append(piece)
                origin.append(index)
        self.text = text
        self.folded = "".join(chars)
        self.origin = origin

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering folded [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def normalize_quote(quote: str) -> str:
    return _SPACE.sub(" ", _fold(quote)).strip()


def align(quote: str, text: str, normalized: NormalizedText | None = None) -> Evidence:
    """Ground one quote in `text`; pass a shared `NormalizedText` when aligning many quotes."""
    start = text.find(quote) if quote else -1
    if start >= 0:
        return Evidence(quote=quote, start=start, end=start + len(quote), alignment="exact")
    needle = normalize_quote(quote)
    if not needle:
        return Evidence(quote=quote, alignment="none")
    normalized = normalized or NormalizedText(text)
    found = normalized.folded.find(needle)
    if found >= 0:
        start, end = normalized.span(found, found + len(needle))
        return Evidence(quote=quote, start=start, end=end, alignment="fuzzy")
    hit = fuzz.partial_ratio_alignment(needle, normalized.folded, score_cutoff=FUZZY_MIN_SCORE)
    if hit is not None and hit.dest_end > hit.dest_start:
        start, end = normalized.span(hit.dest_start, hit.dest_end)
        return Evidence(quote=quote, start=start, end=end, alignment="fuzzy")
    return Evidence(quote=quote, alignment="none")


def ground(answer: BaseModel, text: str, *, copy: bool = True) -> tuple[BaseModel, list[str]]:
    """`answer` with every `Quote` in it (at any depth) replaced by its `Evidence`.

    Returns the grounded answer (a copy unless `copy=False`, for an answer the caller owns) and
    the paths ("claims.2.evidence") of quotes that were not found.
    """
    grounded = answer.model_copy(deep=True) if copy else answer
    normalized: list[NormalizedText] = []  # built once, on the first quote that needs it
    missing: list[str] = []

    def evidence(quote: Quote, path: str) -> Evidence:
        if quote.quote and quote.quote in text:
            found = align(quote.quote, text)
        else:
            if not normalized:
                normalized.append(NormalizedText(text))
            found = align(quote.quote, text, normalized[0])
        if found.alignment == "none":
            missing.append(path)
        return found

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, Quote) and not isinstance(node, Evidence):
            return evidence(node, path)
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                value = getattr(node, name)
                new = walk(value, f"{path}.{name}" if path else name)
                if new is not value:
                    object.__setattr__(node, name, new)
            return node
        if isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = walk(item, f"{path}.{i}")
            return node
        if isinstance(node, dict):
            for key, item in node.items():
                node[key] = walk(item, f"{path}.{key}")
            return node
        return node

    walk(grounded, "")
    return grounded, missing


def quotes(answer: BaseModel) -> list[Quote]:
    """Every `Quote` in an answer, in field order (used to check few-shot examples)."""
    found: list[Quote] = []

    def walk(node: Any) -> None:
        if isinstance(node, Quote):
            found.append(node)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(answer)
    return found
