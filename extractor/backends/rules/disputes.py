"""Disputes: whether the article presents a sentence's claim as contested or unverified.

Cue words ("alleged", "could not be independently verified", "denied") mark the claim disputed;
"disputed"/"contested" only count as verbs, since "the disputed election" disputes no count.
"""

from __future__ import annotations

import re

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


def is_disputed(sentence: str) -> bool:
    """Dispute cues; "disputed"/"contested" only as verbs ("have disputed the count")."""
    for m in _DISPUTE_RE.finditer(sentence):
        if not m.group("adj"):
            return True
        nxt = re.match(r"\s*(\S+)", ahead(sentence, m.end()))
        if not nxt or not nxt.group(1)[:1].isalnum() or nxt.group(1).lower() in VERB_OBJECT:
            return True
    return False
