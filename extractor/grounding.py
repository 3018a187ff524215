"""Align evidence quotes to character offsets in the article.

Offsets are Python string indices into the text as read, end exclusive. Three tiers:
1. `exact`: the quote occurs verbatim, so `text[start:end] == quote`;
2. `fuzzy`: it occurs once whitespace, quote marks, dashes and case are normalised, or a
   near-identical span exists (rapidfuzz partial alignment, score >= FUZZY_MIN_SCORE);
   offsets cover the matching span of the original text;
3. `none`: the claim is kept, with null offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from .schemas import Claim, DraftClaim, Evidence

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


def ground(claims: Iterable[DraftClaim], text: str) -> list[Claim]:
    """Grounded copies of `claims`: every evidence quote aligned to offsets in `text`."""
    normalized: NormalizedText | None = None
    grounded: list[Claim] = []
    for claim in claims:
        quote = claim.evidence.quote
        if quote and quote in text:
            evidence = align(quote, text)
        else:
            normalized = normalized or NormalizedText(text)
            evidence = align(quote, text, normalized)
        # The draft is already validated: copy its fields without validating them again.
        fields = {name: getattr(claim, name) for name in _DRAFT_FIELDS}
        grounded.append(Claim.model_construct(**fields, evidence=evidence))
    return grounded


_DRAFT_FIELDS = [name for name in DraftClaim.model_fields if name != "evidence"]
