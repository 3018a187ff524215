"""Dates: a claim's time as written, and an ISO date only when the text itself gives the year.

A yearless "March 3" or "Tuesday" keeps its text but no date: the rules never guess a year.
dateparser only checks that a written date is real, and is imported on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .languages import union_list
from .lexicon import MONTH, MONTHS, WEEKDAYS
from .tokens import flat, is_attributive

_YEAR = r"(?:1[89]|20)\d{2}"


def _alternatives(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _after(words: list[str]) -> str:
    """A lookbehind per word: "(?<=\\bin )|(?<=\\ben )" (each of fixed width)."""
    return "|".join(rf"(?<=\b{re.escape(w)} )" for w in words)


_C = "connectives"
_JOIN_DM = _alternatives(union_list(_C, "day_month"))
_JOIN_MY = _alternatives(union_list(_C, "month_year"))
_YEAR_JOIN = rf"(?:,?\s+|\s+(?:{_JOIN_MY})\s+)" if _JOIN_MY else r",?\s+"
_SINCE = _alternatives([w.capitalize() for w in union_list(_C, "since")] + union_list(_C, "since"))
_DATE_RE = re.compile(
    rf"(?P<since>\b(?:{_SINCE})\s+)?(?:"
    rf"(?P<md>\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_y>{_YEAR})\b)?)"
    rf"|(?P<dm>\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:(?:{_JOIN_DM})\s+)?{MONTH}"
    rf"(?:{_YEAR_JOIN}(?P<dm_y>{_YEAR})\b)?)"
    rf"|(?P<my>\b{MONTH}{_YEAR_JOIN}(?P<my_y>{_YEAR})\b)"
    rf"|(?P<wd>\b(?:{WEEKDAYS})\b(?:\s+(?:morning|afternoon|evening|night))?)"
    rf"|(?P<hol>\b(?:{_alternatives(union_list(_C, 'holidays'))})\b)"
    rf"|(?:{_after(union_list(_C, 'before_month'))})"
    rf"(?P<mo>(?:early |late |mid-)?(?:{MONTHS})\b)"
    rf"|(?:{_after(union_list(_C, 'before_year'))})(?P<yr>{_YEAR})\b"
    rf"|(?P<rel>\b(?:{_alternatives(union_list(_C, 'relative'))})\b)"
    rf")"
)
_SINCE_ONLY_RE = re.compile(rf"\b[Ss]ince\s+(?P<mo>(?:{MONTHS})|(?P<yr>{_YEAR}))\b")


def time_of(sentence: str, language: str = "en") -> tuple[str | None, str | None]:
    """The claim's time as written, and an ISO date only when the text itself gives the year."""
    specific: list[re.Match[str]] = []
    years: list[re.Match[str]] = []
    relative: list[re.Match[str]] = []
    for m in _DATE_RE.finditer(sentence):
        bare = m.group("my") or m.group("mo") or m.group("yr")
        if bare and is_attributive(sentence, m.end()):
            continue  # "the July 2024 election": names the event, not the claim's time
        if m.group("yr"):
            years.append(m)
        elif m.group("rel"):
            relative.append(m)
        else:
            specific.append(m)
    for group in (specific, years, relative):
        if group:
            m = group[0]
            since = m.group("since") or ""
            core = flat(m.group()[len(since) :])
            return m.group(), _iso(m, core, language)
    since = _SINCE_ONLY_RE.search(sentence)
    if since:
        return since.group(), since.group("yr")
    return None, None


def _iso(m: re.Match[str], core: str, language: str = "en") -> str | None:
    if m.group("yr"):
        return m.group("yr")
    if m.group("my"):
        parsed = _parse_date(core, ("month", "year"), language)
        return f"{parsed[0]:04d}-{parsed[1]:02d}" if parsed else None
    if m.group("md_y") or m.group("dm_y"):
        parsed = _parse_date(core, ("day", "month", "year"), language)
        return f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}" if parsed else None
    return None  # no year written: never guess one


@lru_cache(maxsize=512)
def _parse_date(
    expression: str, parts: tuple[str, ...], language: str = "en"
) -> tuple[int, int, int] | None:
    """dateparser checks the date is real ("February 30, 2024" is not); imported on first use."""
    import dateparser

    parsed = dateparser.parse(
        re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", expression),
        languages=[language],
        settings={"REQUIRE_PARTS": list(parts), "STRICT_PARSING": "day" in parts},
    )
    return (parsed.year, parsed.month, parsed.day) if parsed else None


_WEEKDAY_DATE_RE = re.compile(
    rf"\b(?P<wd>{WEEKDAYS}),?\s+\(?(?:the\s+)?"
    rf"(?P<date>{MONTH}\s+\d{{1,2}}\b|\d{{1,2}}\s+(?:de\s+|of\s+)?{MONTH})"
)


def weekday_dates(text: str) -> dict[str, str]:
    """Weekdays the article pins to a date ("Thursday, January 1", "el jueves 25 de
    diciembre"), so that a later bare "on Thursday" can say which Thursday."""
    return {m.group("wd").lower(): flat(m.group("date")) for m in _WEEKDAY_DATE_RE.finditer(text)}


def with_dates(statement: str, pinned: dict[str, str]) -> str:
    """ "… on Thursday" -> "… on Thursday, January 1" when the article pins that Thursday."""
    if not pinned:
        return statement

    def pin(m: re.Match[str]) -> str:
        date = pinned.get(m.group().lower())
        following = statement[m.end() : m.end() + 20]
        if not date or following.lstrip(" ,(").startswith(date.split()[0]):
            return m.group()
        return f"{m.group()}, {date},"

    return re.sub(rf"\b(?:{WEEKDAYS})\b", pin, statement).replace(",,", ",").replace(",.", ".")
