"""Split articles that are too long for one request on paragraph, then sentence, boundaries."""

from __future__ import annotations

import re

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


def split_text(text: str, max_chars: int) -> list[str]:
    """Consecutive pieces of `text`, each at most `max_chars` long where boundaries allow.

    Joined back together the pieces give `text` exactly (no character is lost or added), so a
    quote found in a piece is also found in the article.
    """
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current = ""
    for unit in _units(text, max_chars):
        if current and len(current) + len(unit) > max_chars:
            pieces.append(current)
            current = ""
        current += unit
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, max_chars: int) -> list[str]:
    """Paragraphs (with their trailing blank lines); oversized ones as sentences, then hard cuts."""
    units: list[str] = []
    for paragraph in _split_keep(_PARAGRAPH, text):
        if len(paragraph) <= max_chars:
            units.append(paragraph)
            continue
        for sentence in _split_keep(_SENTENCE, paragraph):
            units.extend(sentence[i : i + max_chars] for i in range(0, len(sentence), max_chars))
    return units


def _split_keep(pattern: re.Pattern[str], text: str) -> list[str]:
    """Split after each match, keeping the separator with the piece before it."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]
