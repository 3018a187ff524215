"""Places: where a claim happened, from the sentence or else from the whole article.

A place is a capitalised name after "in/at/across/…" that is not a month, an actor or part of a
longer name; the place the article is about fills in for sentences that name none.
"""

from __future__ import annotations

import re

from .languages import union_list, union_words
from .lexicon import ACTOR_WORDS, INITIALISM, TIME_WORDS
from .sentences import Sentence
from .tokens import behind, flat, is_attributive

_PREPOSITIONS = "|".join(
    re.escape(p) for p in sorted(union_list("connectives", "places"), key=len, reverse=True)
)
_ARTICLES = "|".join(re.escape(a) for a in sorted(union_words("attribution", "articles")))
_LOCATION_RE = re.compile(
    rf"\b(?:{_PREPOSITIONS})\s+(?:(?:{_ARTICLES})\s+)?"
    r"(?P<loc>[A-Z][\w’'.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'.-]*)*)"
    r"(?P<tail>\s+(?:state|province|region|prison|city|county|district|area|camp|village|town|"
    r"island|islands|coast|border|harbour|harbor|port|airport|valley|river|bay|base)\b)?"
)


def location_of(sentence: str) -> str | None:
    """The first place named after "in/at/across/…": a capitalised name, not a month."""
    return next(iter(_places(sentence)), None)


def _places(sentence: str) -> list[str]:
    out: list[str] = []
    for m in _LOCATION_RE.finditer(sentence):
        loc = m.group("loc")
        previous = behind(sentence, m.start()).split()
        if len(previous) > 1 and previous[-1][:1].isupper():
            continue  # "Committee of Mothers in Defense of the Truth": part of a name
        first = loc.split()[0].rstrip(".").lower()
        if first in TIME_WORDS or first in ACTOR_WORDS:
            continue
        tail = m.group("tail") or ""
        possessive = re.search(r"[’']s$", loc)
        if possessive:
            loc, tail = loc[: possessive.start()], ""  # "off Arvandia’s coast": Arvandia
        elif not tail and is_attributive(sentence, m.end("loc")):
            continue  # "in Venezuelan prisons": an adjective, not the place
        place = flat(loc + tail)
        if place.endswith(".") and not INITIALISM.fullmatch(place.split()[-1][:-1]):
            place = place[:-1]
        out.append(place)
    return out


def main_place(sentences: list[Sentence]) -> str | None:
    """The place the article is about: of the names it uses as places ("in X", "across X"),
    the one its body mentions most often in any role ("X's government", "X released"), if
    at least twice. Claims whose sentence names no place inherit it, as an annotator would."""
    body = "\n".join(sentence.text for sentence in sentences)
    candidates = dict.fromkeys(place for s in sentences for place in _places(s.text))
    counts = {
        place: len(re.findall(rf"(?<!\w){re.escape(place)}(?!\w)", body)) for place in candidates
    }
    best = max(counts.items(), key=lambda item: item[1], default=None)  # first of the most
    return best[0] if best and best[1] >= 2 else None
