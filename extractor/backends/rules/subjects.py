"""Subjects: the actor of a sentence, which the claim is about.

The sentence's leading noun phrase when it looks like an actor, else the attributed source,
else the first name-like run in the sentence, else "the article".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .lexicon import (
    ACTOR_WORDS,
    DETERMINERS,
    FUNCTION,
    NUMBER_WORDS,
    PRONOUN_STARTS,
    TIME_WORDS,
    VAGUE,
)
from .tokens import WINDOW, Token, is_attributive, tokenize, verb_like

if TYPE_CHECKING:
    from .attribution import Cue

_COUNT_WORDS = frozenset(NUMBER_WORDS) | frozenset(VAGUE) | {"tens", "one", "scores"}

_NAME_RUN_RE = re.compile(
    r"\b(?P<name>[A-Z][\w’'.-]+(?:\s+(?:of\s+)?[A-Z][\w’'.-]+)*)"
    r"(?P<actor>\s+(?:administration|government|authorities|forces|officials|police|army|"
    r"military|regime|ministry)\b)?"
)


def subject_of(sentence: str, cue: Cue | None) -> str:
    """The actor, without its article: the sentence's leading noun phrase, else the source."""
    return _bare(_subject_as_written(sentence, cue))


def _subject_as_written(sentence: str, cue: Cue | None) -> str:
    leading = _leading_noun_phrase(sentence)
    if cue and leading and (leading in cue.name or cue.name in leading):
        return cue.name  # "Human rights group Foro Penal said" -> "Foro Penal"
    if leading and any(w[:1].isupper() or w.lower() in ACTOR_WORDS for w in leading.split()):
        return _strip_possessive(leading)
    if cue:
        return cue.name
    if leading:
        return _strip_possessive(leading)
    for run in _NAME_RUN_RE.finditer(sentence):
        if run.start() == 0 and not run.group("actor"):
            continue  # a capitalised first word is not evidence of a name
        name = run.group("name").rstrip(".")
        if name.split()[0].lower() in TIME_WORDS or name.lower() in PRONOUN_STARTS:
            continue
        if not run.group("actor") and is_attributive(sentence, run.end("name")):
            continue  # "Venezuelan prisons": an adjective
        return _strip_possessive(run.group().rstrip("."))
    return "the article"


def _strip_possessive(name: str) -> str:
    return re.sub(r"[’']s?$", "", name)


def _bare(name: str) -> str:
    """A subject without its article: "the Venezuelan government" -> "Venezuelan government"."""
    if name == "the article":
        return name
    return re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I) or name


def _leading_noun_phrase(sentence: str) -> str | None:
    words = leading_words(sentence)
    if words and words[0].low in DETERMINERS:
        words = words[1:]
    if not words:
        return None
    return sentence[words[0].start : words[-1].end]


def leading_words(sentence: str) -> list[Token]:
    """The grammatical subject, roughly: words from the start up to the first verb-like word.

    An opening adverbial ("In the aftermath, authorities detained …") is skipped.
    """
    tokens = tokenize(sentence[: 2 * WINDOW])
    while tokens and not tokens[0].is_word and not tokens[0].text[0].isdigit():
        tokens = tokens[1:]  # opening quotes
    if tokens and tokens[0].low in PRONOUN_STARTS - {"this", "that", "it", "they", "he", "she"}:
        comma = next((k for k, t in enumerate(tokens[:12]) if t.text == ","), None)
        tokens = tokens[comma + 1 :] if comma is not None else []
    if not tokens or not tokens[0].is_word or tokens[0].low in PRONOUN_STARTS | _COUNT_WORDS:
        return []
    words: list[Token] = []
    for index, token in enumerate(tokens):
        if not token.is_word or len(words) >= 6:
            break
        if token.low in FUNCTION and not (index == 0 and token.low in DETERMINERS):
            break
        if len(token.low) > 4 and token.low.endswith(("ed", "ing")) and token.text.islower():
            break
        if words and verb_like(tokens, index):
            break
        words.append(token)
    return words
