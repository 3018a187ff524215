"""Decontextualisation: does a statement stand on its own, as the guideline asks?

Two measures. Over matched pairs: of the content words the gold statement adds beyond its own
quote (the context an annotator had to bring in: who, where, which election), the share the
predicted statement also has. Over predicted claims: the share whose statement still leans on
context, with a pronoun or "the group" a reader cannot resolve.
"""

from __future__ import annotations

import re

from rapidfuzz.utils import default_process

from .similarity import fold

STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but as is are was were be been being has
    have had that this these those it its which who whom whose what when where while than then
    there their they them he she his her we our you your i not no also after before since during
    about over under into out up down more most some any all each said says say according""".split()  # noqa: SIM905
)
_OPENING = ("he ", "she ", "they ", "this ", "these ", "those ")  # opens on a pronoun: who?
_FIRST_PERSON = frozenset(("we", "our", "ours", "me", "my"))  # the speaker is not named
_THE_GROUP = re.compile(
    r"\bthe (?:group|organi[sz]ation|ngo|committee|agency|body|movement|party)\b"
    r"(?!\s+(?:for|of|in|on|against|to)\b)"  # "the Committee for ..." is a name
)


def content_words(text: str) -> frozenset[str]:
    folded = text if text.isascii() else fold(text)  # "Nicolás" = "Nicolas"
    return frozenset(default_process(folded).split()) - STOPWORDS


def added_context(gold_statement: str, gold_quote: str) -> frozenset[str]:
    """Content words of the gold statement that its quote does not contain."""
    return content_words(gold_statement) - content_words(gold_quote)


def context_kept(pred_statement: str, gold_statement: str, gold_quote: str) -> float | None:
    """Share of the gold's added context the prediction has; None when the gold adds none."""
    if gold_statement == gold_quote:
        return None
    added = added_context(gold_statement, gold_quote)
    if not added:
        return None
    return len(added & content_words(pred_statement)) / len(added)


def unresolved(statement: str) -> bool:
    """A pronoun or "the group"-style reference: the statement needs its article to be read."""
    low = statement.lower()
    return (
        low.lstrip().startswith(_OPENING)
        or not _FIRST_PERSON.isdisjoint(default_process(low).split())
        or _THE_GROUP.search(low) is not None
    )
