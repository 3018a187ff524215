"""Disputes: whether the article presents a sentence's claim as contested or unverified.

Cue words ("alleged", "could not be independently verified", "denied") mark the claim disputed;
"disputed"/"contested" only count as verbs, since "the disputed election" disputes no count.
"""

from __future__ import annotations

import re

from .languages import union_list, union_words
from .lexicon import VERB_OBJECT
from .tokens import ahead

_DISPUTE_RE = re.compile(
    r"\b(?:alleged(?:ly)?|allegations?|unverified|unconfirmed|questioned|rejected|rejects|"
    r"rejecting|denied|denies|claims?|only able to (?:verify|confirm)|"
    r"(?:could|can)\s?not (?:be )?(?:independently )?(?:confirm|verif)\w*|"
    r"unable to (?:independently )?(?:confirm|verify)|"
    r"not (?:been |be )?independently (?:confirmed|verified)|"
    r"(?P<adj>disputed?|disputes|contested|contests))\b",
    re.I,
)


# the other languages' cues, from their data files ("negó", "no ha sido confirmada")
_OTHER_CUES = sorted(
    union_words("disputes", "cues") | set(union_list("disputes", "phrases")), key=len, reverse=True
)
_OTHER_RE = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, _OTHER_CUES))})(?!\w)", re.I)


def is_disputed(sentence: str) -> bool:
    """Dispute cues; "disputed"/"contested" only as verbs ("have disputed the count")."""
    if _OTHER_RE.search(sentence):
        return True
    for m in _DISPUTE_RE.finditer(sentence):
        if not m.group("adj"):
            return True
        nxt = re.match(r"\s*(\S+)", ahead(sentence, m.end()))
        if not nxt or not nxt.group(1)[:1].isalnum() or nxt.group(1).lower() in VERB_OBJECT:
            return True
    return False
