"""Random strings that fully match a regular expression (for schema `pattern`s).

Built on the standard library's regex parser, `re._parser` (private, so imported here only; a
test fails loudly if a Python upgrade moves it). Handles literals, classes, ranges, `.`, groups,
alternation, repeats and anchors — what JSON Schema patterns use.
"""

from __future__ import annotations

import random
import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # private, no typeshed stub
from re._constants import (  # type: ignore[import-not-found]  # private, no typeshed stub
    ANY,
    AT,
    BRANCH,
    CATEGORY,
    CATEGORY_DIGIT,
    CATEGORY_SPACE,
    CATEGORY_WORD,
    IN,
    LITERAL,
    MAX_REPEAT,
    MAXREPEAT,
    MIN_REPEAT,
    NEGATE,
    NOT_LITERAL,
    RANGE,
    SUBPATTERN,
)
from typing import Any

_PRINTABLE = [chr(c) for c in range(32, 127)] + list("áéíñüÉ中🙂")
_CATEGORIES = {
    CATEGORY_DIGIT: "0123456789",
    CATEGORY_SPACE: " \t",
    CATEGORY_WORD: "abcxyzABC019_",
}
_MAX_EXTRA = 6  # open-ended repeats (*, +, {n,}) add at most this many


def random_match(pattern: str, rng: random.Random) -> str:
    parsed = sre_parse.parse(pattern)
    for _ in range(50):
        text = "".join(_emit(parsed, rng))
        if re.fullmatch(pattern, text) or re.search(pattern, text):
            return text
    raise ValueError(f"could not generate a string matching {pattern!r}")


def _emit(items: Any, rng: random.Random) -> list[str]:
    out: list[str] = []
    for op, arg in items:
        if op == LITERAL:
            out.append(chr(arg))
        elif op == NOT_LITERAL:
            out.append(rng.choice([c for c in _PRINTABLE if ord(c) != arg]))
        elif op == ANY:
            out.append(rng.choice(_PRINTABLE))
        elif op == IN:
            out.append(_from_class(arg, rng))
        elif op == SUBPATTERN:
            out.extend(_emit(arg[-1], rng))
        elif op == BRANCH:
            out.extend(_emit(rng.choice(arg[1]), rng))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            low, high, sub = arg
            high = low + _MAX_EXTRA if high == MAXREPEAT else high
            for _ in range(rng.randint(low, high)):
                out.extend(_emit(sub, rng))
        elif op == AT:
            continue
        elif op == CATEGORY:
            out.append(rng.choice(_CATEGORIES.get(arg, "a")))
        else:
            raise ValueError(f"regex construct {op} is not supported")
    return out


def _from_class(items: Any, rng: random.Random) -> str:
    negate = bool(items) and items[0][0] == NEGATE
    allowed: set[str] = set()
    for op, arg in items[1:] if negate else items:
        if op == LITERAL:
            allowed.add(chr(arg))
        elif op == RANGE:
            allowed.update(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 200) + 1))
        elif op == CATEGORY:
            allowed.update(_CATEGORIES.get(arg, "a"))
    if negate:
        return rng.choice([c for c in _PRINTABLE if c not in allowed])
    return rng.choice(sorted(allowed))
