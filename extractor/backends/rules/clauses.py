"""Clauses: "X rejected … and denied …" is two claims, one per coordinated predicate.

A sentence is cut where a conjunction ("and", "but", "y", "pero") is followed by a verb (a
word from the language file's `verbs`, or one with a past-tense ending), optionally after a
clitic ("y los califican"). The cues are the language files' `[clauses]` tables.
"""

from __future__ import annotations

import re

from .languages import union_list, union_words

_CONJUNCTIONS = "|".join(map(re.escape, union_list("clauses", "conjunctions")))
_VERBS = "|".join(sorted(map(re.escape, union_words("clauses", "verbs")), key=len, reverse=True))
_ENDINGS = "|".join(map(re.escape, union_list("clauses", "verb_endings")))
_PRONOUNS = "|".join(map(re.escape, union_words("clauses", "pronouns")))
_GERUNDS = "|".join(map(re.escape, union_list("clauses", "gerund_endings")))
_VERB = rf"(?:(?:{_PRONOUNS})\s+)?(?:(?:{_VERBS})\b|\w{{3,}}(?:{_ENDINGS})\b)"
_VERB_WORD = re.compile(rf"(?:{_VERBS})|\w{{3,}}(?:{_ENDINGS})")
_COORDINATED = rf",?\s+(?:{_CONJUNCTIONS})\s+(?={_VERB})"
_CUT = re.compile(_COORDINATED)
# ", calling the move …", ", including a 71-year-old …": what follows adds to the clause before
_CUT_OR_GERUND = re.compile(rf"{_COORDINATED}|,\s+(?=[^\W\d_A-Z]{{3,}}(?:{_GERUNDS})\s)")


def clauses(sentence: str, gerunds: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each coordinated clause (and, with `gerunds`, of each gerund
    clause after a comma); the whole sentence when there is no cut."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in (_CUT_OR_GERUND if gerunds else _CUT).finditer(sentence):
        left = sentence[start : m.start()].split()
        if left and _VERB_WORD.fullmatch(left[-1]):
            continue  # "excarceló y expulsó a 20 personas", "were arrested and charged": one
            # predicate with two verbs, sharing what follows
        if len(left) >= 3 and len(sentence[m.end() :].split()) >= 2:
            spans.append((start, m.start()))
            start = m.end()
    spans.append((start, len(sentence)))
    return spans
