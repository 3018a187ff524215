"""Tokens and bounded windows: how the rules look at the words around a position.

Every rule looks at most `WINDOW` characters away from a number or cue, which keeps a sentence
with thousands of numbers linear instead of quadratic. The two word-role tests shared by the
unit, subject, date and place rules (`verb_like`, `is_attributive`) live here for the same reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import FUNCTION, INITIALISM, VERB_OBJECT, WS, word_set

WINDOW = 160  # characters each side of a number or cue that the rules look at

_TOKEN = re.compile(r"[^\W\d_][\w’'-]*(?:\.[^\W\d_]+)*\.?|\d+[A-Z]{1,3}\b|\d[\d,.]*\d|\d|[^\w\s]")
_NAME_CODE = re.compile(r"\d+[A-Z]{1,3}")  # "Justicia 11J", "G20": part of a name

_TITLE_DOTS = word_set("mr mrs ms dr prof gen sen rep gov lt col capt sgt st jr sr")


@dataclass(frozen=True, slots=True)
class Token:
    """A word, number or punctuation mark with its offsets in the text it was cut from."""

    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha() or bool(_NAME_CODE.fullmatch(self.text))


def ahead(sentence: str, position: int) -> str:
    """The text after `position`, bounded: every rule looks a few words away, never further,
    which keeps a sentence with thousands of numbers linear instead of quadratic."""
    return sentence[position : position + WINDOW]


def behind(sentence: str, position: int) -> str:
    """The text before `position`, bounded like `ahead`."""
    return sentence[max(0, position - WINDOW) : position]


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words, numbers and punctuation; a sentence-final period is split off its word."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        word, start = m.group(), m.start() + offset
        keep_dot = INITIALISM.fullmatch(word[:-1]) or word[:-1].lower() in _TITLE_DOTS
        if len(word) > 1 and word.endswith(".") and not keep_dot:
            out.append(Token(word[:-1], start, start + len(word) - 1))
            out.append(Token(".", start + len(word) - 1, start + len(word)))
        else:
            out.append(Token(word, start, start + len(word)))
    return out


def flat(text: str) -> str:
    """Text as written, on one line: a hard-wrapped article breaks names across lines."""
    return WS.sub(" ", text).strip()


def verb_like(tokens: list[Token], index: int) -> bool:
    """A lowercase word followed by an object ("echo the", "shows that", "releases 88")."""
    token = tokens[index]
    if not token.text.islower() or index + 1 >= len(tokens):
        return False
    following = tokens[index + 1]
    return following.low in VERB_OBJECT | {"that"} or following.text[0].isdigit()


def is_attributive(sentence: str, end: int) -> bool:
    """Whether what ends at `end` modifies the lowercase noun that follows ("the July 2024
    election", "Venezuelan prisons") instead of standing on its own."""
    nxt = re.match(r"\s+([A-Za-z]+)", ahead(sentence, end))
    if not nxt:
        return False
    word = nxt.group(1)
    return word.islower() and word not in FUNCTION and not word.endswith("ed")
