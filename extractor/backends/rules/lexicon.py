"""Word lists and patterns that several of the rules share.

The language-dependent lists come from the language data files (`languages/*.toml`), merged
over all languages; what is left in code here is shared structure. A list or pattern that only
one rule uses lives next to that rule instead; what is here is here because more than one module
needs it.
"""

from __future__ import annotations

import re

from .languages import union_list, union_table, union_words


def word_set(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string (easier to read and extend)."""
    return frozenset(text.split())


# months and weekdays: for date patterns, and words that are never a name or a place
_MONTH_NAMES = union_list("dates", "months")
# written as in the data file and capitalised ("julio", "Julio"; "July")
MONTHS = "|".join(dict.fromkeys([*_MONTH_NAMES, *(m.capitalize() for m in _MONTH_NAMES)]))
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
MONTH = rf"(?:(?:{MONTHS})\b|(?:{_MONTH_ABBR})\b\.?)"
_WEEKDAY_NAMES = union_list("dates", "weekdays")
WEEKDAYS = "|".join(dict.fromkeys([*_WEEKDAY_NAMES, *(d.capitalize() for d in _WEEKDAY_NAMES)]))

TIME_WORDS = frozenset(
    (MONTHS + "|" + WEEKDAYS + "|" + _MONTH_ABBR + "|Christmas|Easter").lower().split("|")
)

# counts written in words, hedges and vague counts: from every language's data file
NUMBER_WORDS: dict[str, int] = union_table("numbers", "words")
HEDGES: dict[str, str] = union_table("hedges")
VAGUE: dict[str, tuple[float, float]] = {
    phrase: (float(lo), float(hi)) for phrase, (lo, hi) in union_table("vague").items()
}
SCALES: dict[str, int] = union_table("numbers", "scales")
CURRENCY_WORDS = union_words("numbers", "currencies")
PERCENT_WORDS = union_list("numbers", "percent")
DURATION_WORDS = union_words("numbers", "durations")
SPEECH_VERBS = union_words("attribution", "strong_verbs")
WEAK_SPEECH_VERBS = union_words("attribution", "weak_verbs")
ACCORDING_TO = union_list("attribution", "according_to")
ANAPHORA: dict[str, str] = union_table("attribution", "anaphora")

# words that end a noun phrase: determiners, prepositions, conjunctions, auxiliaries, pronouns
FUNCTION = union_words("words", "function_words")

DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"}) | union_words(
    "attribution", "determiners"
) - {"its", "their", "his", "her", "su", "sus"}

# words that name an actor, by the kind of source it is
GOVERNMENT = union_words("words", "government")
NGO = union_words("words", "ngo")
MEDIA = union_words("words", "media")

ACTOR_WORDS = GOVERNMENT | NGO | MEDIA

# sentence openers that are not a subject (adverbials, pronouns, conjunctions)
PRONOUN_STARTS = word_set(
    "in at on despite during after since before while although though as if when for from "
    "with over under about nearly more less around some almost roughly approximately only "
    "this that it they he she we there however but and also one what how why according"
)

WS = re.compile(r"\s+")
INITIALISM = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
# words that follow a verb, not a noun: "shows that", "echo the"
VERB_OBJECT = word_set("the a an this that these those by it its their his her them whether any")
