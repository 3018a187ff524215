"""Quantities: the counts in a sentence, with their hedge (qualifier) and a unit written on them.

Every claim of the baseline is built around one of these. Numbers that are not counts — dates,
years, ordinals, durations, clock times, ages, labels ("Flight 370") — are left out here, so
the rest of the rules never see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...schemas.claims import Qualifier
from .lexicon import DETERMINERS, MONTH, NUMBER_WORDS, VAGUE, word_set
from .tokens import ahead, behind

_QUALIFIERS: dict[str, Qualifier] = {
    "at least": "at_least",
    "a minimum of": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "no more than": "at_most",
    "not more than": "at_most",
    "up to": "at_most",
    "at most": "at_most",
    "a maximum of": "at_most",
    "more than": "more_than",
    "over": "more_than",
    "upwards of": "more_than",
    "in excess of": "more_than",
    "fewer than": "less_than",
    "less than": "less_than",
    "under": "less_than",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "some": "about",
    "an estimated": "about",
    "circa": "about",
}

_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_CURRENCIES = {"$": "dollars", "€": "euros", "£": "pounds"}
_GLUED_UNITS = word_set("km kms m mi ft cm mm kg kgs g lb lbs t mph kph kmh mw gw kw bn ha")

_LABELS = word_set(
    "article section chapter flight route resolution room page part phase level category "
    "model no number highway grade stage volume vol"
)

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM_RE = re.compile(rf"(?<![\w.,:/$€£-])(?P<cur>[$€£])?(?P<num>{_NUMBER})(?P<att>[A-Za-z]+)?")
_WORD_NUM_RE = re.compile(rf"\b(?P<word>{'|'.join(NUMBER_WORDS)})\b(?!-)", re.I)
_VAGUE_RE = re.compile(rf"\b(?P<vague>{'|'.join(VAGUE)})\b", re.I)
_RANGE_RE = re.compile(rf"\bbetween\s+(?P<lo>{_NUMBER})\s+and\s+(?P<hi>{_NUMBER})\b", re.I)
_QUAL_RE = re.compile(
    rf"(?:^|(?<=[\s(“\"'—–-]))(?P<qual>{'|'.join(sorted(_QUALIFIERS, key=len, reverse=True))})"
    r"\s+$",
    re.I,
)
_SCALE_RE = re.compile(rf"^\s+(?P<scale>{'|'.join(_SCALES)})\b", re.I)
_PERCENT_RE = re.compile(r"^(?:\s?%|\s+per\s?cent\b|\s+percent\b)", re.I)
_COMPOUND_RE = re.compile(r"^(?:-[A-Za-z]|[-–]\s?\d|/\d)")
_CLOCK_RE = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|:\d)", re.I)
_DURATION_RE = re.compile(
    r"^\s+(?:(?:more|other|consecutive|straight|full|long)\s+)?"
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century"
    r"|nights?)\b",
    re.I,
)
_MONTH_BEFORE_RE = re.compile(rf"\b{MONTH}\s+$")
_MONTH_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}")
_CONVERSION_GAP = re.compile(r"^\s*\(\s*$")


@dataclass(frozen=True, slots=True)
class Hit:
    """One quantity found in a sentence; offsets are relative to the sentence."""

    start: int
    end: int
    qualifier: Qualifier
    value: float | None
    lower: float | None = None
    upper: float | None = None
    glued: str = ""  # a unit written with the number: "km", "percent", "dollars"


def find_quantities(sentence: str) -> list[Hit]:
    """Every count in the sentence, in order; dates, years, ordinals, durations left out."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE_RE.finditer(sentence):
        lo, hi = _to_float(m.group("lo")), _to_float(m.group("hi"))
        if _looks_like_year(m.group("lo")) and _looks_like_year(m.group("hi")):
            continue
        hits.append(Hit(m.start(), m.end(), "range", None, lower=lo, upper=hi))
        taken.append((m.start(), m.end()))
    for m in _VAGUE_RE.finditer(sentence):
        lower, upper = VAGUE[m.group("vague").lower()]
        hits.append(Hit(m.start(), m.end(), "vague", None, lower=lower, upper=upper))
        taken.append((m.start(), m.end()))
    for m in _NUM_RE.finditer(sentence):
        if not any(s <= m.start() < e for s, e in taken):
            hit = _number_hit(sentence, m)
            if hit is not None:
                hits.append(hit)
    for m in _WORD_NUM_RE.finditer(sentence):
        if not any(s <= m.start() < e for s, e in taken):
            hit = _word_hit(sentence, m)
            if hit is not None:
                hits.append(hit)
    hits.sort(key=lambda h: h.start)
    kept: list[Hit] = []
    for hit in hits:
        if kept and _CONVERSION_GAP.match(sentence[kept[-1].end : hit.start]):
            continue  # "134km (83 miles)": the same distance converted, not a new count
        kept.append(hit)
    return kept


def _number_hit(sentence: str, m: re.Match[str]) -> Hit | None:
    digits, glued_letters, currency = m.group("num"), m.group("att") or "", m.group("cur")
    value = _to_float(digits)
    end = m.end()
    glued = ""
    if glued_letters:
        if glued_letters.lower() not in _GLUED_UNITS:
            return None  # ordinals ("1st"), decades ("1990s"), times ("9am"), codes ("G20")
        glued = glued_letters
    after = ahead(sentence, end)
    if _COMPOUND_RE.match(after) or _CLOCK_RE.match(after) or _DURATION_RE.match(after):
        return None  # "six-year term", "2023-24", "10:30", "18 months"
    scale = _SCALE_RE.match(after)
    if scale:
        value *= _SCALES[scale.group("scale").lower()]
        end += scale.end()
        after = ahead(sentence, end)
    percent = _PERCENT_RE.match(after)
    if percent:
        end += percent.end()
        glued = "percent"
    if currency:
        glued = _CURRENCIES[currency]
    before = behind(sentence, m.start())
    qualifier_match = _QUAL_RE.search(before)
    is_day = value <= 31 and value == int(value)
    if is_day and (_MONTH_BEFORE_RE.search(before) or _MONTH_AFTER_RE.match(after)):
        return None  # "January 1", "Dec. 25", "25 December"
    if qualifier_match is None:
        if _looks_like_year(digits) and not glued:
            return None
        if _is_label(before) or _is_age(before, after):
            return None  # "Article 5", "Flight 370", "aged 18", "Jane Doe, 54,"
    start = qualifier_match.start("qual") if qualifier_match else m.start()
    qualifier = _QUALIFIERS[qualifier_match.group("qual").lower()] if qualifier_match else "exact"
    return Hit(start, end, qualifier, value, glued=glued)


def _word_hit(sentence: str, m: re.Match[str]) -> Hit | None:
    """Number words are counts only when they head a noun ("four experts"), not "the two"."""
    before, after = behind(sentence, m.start()), ahead(sentence, m.end())
    previous = [w.lower() for w in before.split()[-2:]]
    if set(previous) & (DETERMINERS | {"its", "their", "his", "her", "our", "all", "both"}):
        return None  # "the two countries", "the aforementioned two dismissals"
    if previous and previous[-1] == "of":
        return None
    if _DURATION_RE.match(after) or re.match(r"^\s+(?:of|or|to|and)\b", after, re.I):
        return None
    if not re.match(r"^\s+[a-z]", after):
        return None
    qualifier_match = _QUAL_RE.search(before)
    start = qualifier_match.start("qual") if qualifier_match else m.start()
    qualifier = _QUALIFIERS[qualifier_match.group("qual").lower()] if qualifier_match else "exact"
    return Hit(start, m.end(), qualifier, float(NUMBER_WORDS[m.group("word").lower()]))


def _to_float(digits: str) -> float:
    return float(digits.replace(",", ""))


def _looks_like_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1800 <= int(digits) <= 2100


def _is_age(before: str, after: str) -> bool:
    return bool(re.search(r"[A-Z][\w’'-]*,\s*$", before)) and after.startswith(",")


def _is_label(before: str) -> bool:
    words = before.split()
    if not words:
        return False
    previous = words[-1].strip("(\"'“‘")
    if previous.lower().rstrip(".") in _LABELS | {"aged", "age", "ages"} or previous == "#":
        return True
    return len(words) > 1 and previous[:1].isupper() and previous[-1:] not in ",;:"
