"""Quantities: the counts in a sentence, with their hedge (qualifier) and a unit written on them.

Every claim of the baseline is built around one of these. Numbers that are not counts — dates,
years, ordinals, durations, clock times, ages, labels ("Flight 370") — are left out here, so
the rest of the rules never see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...schemas.claims import Qualifier
from .languages import languages, union_list, union_words
from .lexicon import (
    CURRENCY_WORDS,
    DURATION_WORDS,
    HEDGES,
    MONTH,
    NUMBER_WORDS,
    PERCENT_WORDS,
    SCALES,
    VAGUE,
    WEEKDAYS,
    word_set,
)
from .tokens import WINDOW, ahead, behind

_QUALIFIERS: dict[str, Qualifier] = HEDGES  # type: ignore[assignment]
_HEDGE_WORDS = "|".join(sorted(_QUALIFIERS, key=len, reverse=True))  # longest first

_SCALES = SCALES
_CURRENCIES = {
    "$": "dollars",
    "€": "euros",
    "£": "pounds",
    "us$": "dollars",
    "rs": "rupees",
    "rs.": "rupees",
    "r$": "reais",
    "c$": "córdobas",
}
# written before the number: "$5", "US$300", "Rs50,000", "R$ 200"
_CURRENCY_BEFORE = r"(?:US\$|R\$|C\$|Rs\.?\s?|[$€£])"
_GLUED_UNITS = word_set("km kms m mi ft cm mm kg kgs g lb lbs t mph kph kmh mw gw kw bn ha")

_LABELS = union_words("numbers", "labels")


def _number_pattern(decimal: str) -> str:
    """ "1,800" / "2.5" where the decimal mark is "."; "1.553" / "2,4" where it is ","."""
    d, t = re.escape(decimal), re.escape("," if decimal == "." else ".")
    return rf"\d{{1,3}}(?:{t}\d{{3}})+(?:{d}\d+)?|\d+(?:{d}\d+)?"


_NUM_RES = {
    decimal: re.compile(
        rf"(?<![\w.,:/$€£-])(?P<cur>{_CURRENCY_BEFORE})?(?P<num>{_number_pattern(decimal)})"
        r"(?P<att>[A-Za-z]+)?"
    )
    for decimal in (".", ",")
}


def _phrases(words: list[str]) -> str:
    return "|".join(
        re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


def _alternation(words: object) -> str:
    return "|".join(sorted(map(str, words), key=len, reverse=True))  # type: ignore[call-overload]


# number words and vague counts are read in the article's own language only: "once" is eleven
# in Spanish and "miles" thousands, but neither in English
_WORD_NUM_RES = {
    code: re.compile(rf"\b(?P<word>{_alternation(lang.data['numbers']['words'])})\b(?!-)", re.I)
    for code, lang in languages().items()
}
# "the two countries" is no count; Spanish "a" is a preposition ("liberó a seis personas")
_DETERMINERS = {
    code: frozenset(lang.data["attribution"]["determiners"].split())
    | ({"the", "a", "an"} if code == "en" else set())
    for code, lang in languages().items()
}
_VAGUE_RES = {
    code: re.compile(rf"\b(?P<vague>{_alternation(lang.data['vague'])})\b", re.I)
    for code, lang in languages().items()
}


def _range_re(data: dict[str, Any], decimal: str) -> re.Pattern[str]:
    """ "between 50 and 60", "entre 50 y 60", "between $200 and $500": the language's two range
    words around two numbers; "2,000 to 5,000" with its `range_joiner` (optional) between two."""
    numbers = data["numbers"]
    number = rf"{_CURRENCY_BEFORE}?(?:{_number_pattern(decimal)})"
    forms = []
    if numbers.get("range"):
        first, second = map(re.escape, numbers["range"])
        forms.append(rf"\b{first}\s+(?P<lo>{number})\s+{second}\s+(?P<hi>{number})")
    if numbers.get("range_joiner"):
        joiner = re.escape(numbers["range_joiner"])
        forms.append(rf"(?<![\w.,])(?P<lo2>{number})\s+{joiner}\s+(?P<hi2>{number})")
    if not forms:
        return re.compile(r"(?!)")  # a language file without range words reads no ranges
    return re.compile(rf"(?:{'|'.join(forms)})(?![\w.,]\d)(?!\w)", re.I)


def _dates_list(data: dict[str, Any], key: str) -> str:
    """One optional list of the language's [dates] table as an alternation (none: no match)."""
    return _phrases(data.get("dates", {}).get(key, [])) or r"(?!)"


_CURRENCY_PREFIX = re.compile(rf"^{_CURRENCY_BEFORE}")


def _currency(written: str) -> str:
    """The unit of a currency sign before a number ("US$300" -> "dollars"), else ""."""
    sign = _CURRENCY_PREFIX.match(written)
    return _CURRENCIES[sign.group().strip().lower()] if sign else ""


_RANGE_RES = {code: _range_re(lang.data, lang.decimal) for code, lang in languages().items()}


def _count_pattern(words: object) -> str:
    """Digits, or one of the language's number words."""
    return rf"(?:\d+|{_alternation(words)})"


def _ratio_re(data: dict[str, Any]) -> re.Pattern[str]:
    """ "one in five", "uno de cada cinco", "3 in 10": the language's `ratio` words (optional)
    between two counts; `one` names the words for 1, which count nowhere else."""
    numbers = data["numbers"]
    if not numbers.get("ratio"):
        return re.compile(r"(?!)")
    count = _count_pattern([*numbers["words"], *numbers.get("one", "").split()])
    joiner = _phrases([numbers["ratio"]])
    return re.compile(rf"\b(?P<part>{count})\s+(?:{joiner})\s+(?P<whole>{count})\b", re.I)


_RATIO_RES = {code: _ratio_re(lang.data) for code, lang in languages().items()}


def _alternative_re(data: dict[str, Any]) -> re.Pattern[str]:
    """ "three or four", "dos o tres", "10 or 12": two counts joined by the language's
    `range_alternative` (optional) are a range."""
    numbers = data["numbers"]
    if not numbers.get("range_alternative"):
        return re.compile(r"(?!)")
    count = _count_pattern(numbers["words"])
    joiner = _alternation(numbers["range_alternative"].split())
    return re.compile(rf"\b(?P<lo>{count})\s+(?:{joiner})\s+(?P<hi>{count})\b(?!\s*%)", re.I)


_ALTERNATIVE_RES = {code: _alternative_re(lang.data) for code, lang in languages().items()}
_FRACTION_RES = {
    code: re.compile(rf"\b(?P<fraction>{_phrases(list(lang.data.get('fractions', {})))})\b", re.I)
    if lang.data.get("fractions")
    else re.compile(r"(?!)")
    for code, lang in languages().items()
}
_SHARES = {  # "la mitad" -> 50.0, per language
    code: {k.casefold(): float(v) for k, v in lang.data.get("fractions", {}).items()}
    for code, lang in languages().items()
}
_OF_AFTER = re.compile(r"^\s+(?:of|de|del)\b", re.I)
# "26 dic", "27 mar (AIN)": a day before an abbreviated month, in that language only ("20 may
# have died" is English)
_MONTH_ABBR_AFTER_RES = {
    code: re.compile(rf"^\s+(?:{_dates_list(lang.data, 'month_abbreviations')})\b\.?", re.I)
    for code, lang in languages().items()
}
_MEASURE_AFTER_RES = {  # "134 km", "90 kilómetros"
    code: re.compile(
        rf"^\s(?P<unit>{_phrases(lang.data['numbers'].get('measures', '').split())})\b"
    )
    if lang.data["numbers"].get("measures")
    else re.compile(r"(?!)")
    for code, lang in languages().items()
}
_CLOCK_BEFORE_RES = {
    code: re.compile(rf"\b(?:{_dates_list(lang.data, 'clock_before')})\s+$", re.I)
    for code, lang in languages().items()
}
_CLOCK_AFTER_RES = {
    code: re.compile(rf"^\s+(?:{_dates_list(lang.data, 'clock_after')})", re.I)
    for code, lang in languages().items()
}
_WEEKDAY_BEFORE_RE = re.compile(rf"\b(?:{WEEKDAYS})\s+$")  # "el miércoles 19", "Wednesday 19"
_QUAL_RE = re.compile(
    rf"(?:^|(?<=[\s(“\"'—–-]))(?P<qual>{_HEDGE_WORDS})"
    r"\s+$",
    re.I,
)
_SCALE_RE = re.compile(
    rf"^\s+(?P<scale>{'|'.join(sorted(_SCALES, key=len, reverse=True))})\b", re.I
)
_PERCENT_WORDS = "|".join(re.escape(w).replace("\\ ", r"\s?") for w in PERCENT_WORDS)
_PERCENT_RE = re.compile(rf"^(?:\s?%|\s+(?:{_PERCENT_WORDS})\b)", re.I)
_CURRENCY_AFTER_RE = re.compile(
    rf"^\s+(?:(?:de|of)\s+)?(?P<cur>{'|'.join(sorted(CURRENCY_WORDS, key=len, reverse=True))})\b",
    re.I,
)
# "2,4 por cada 100.000 habitantes", "per 100,000": the base of a rate, not a count
_RATE_BEFORE_RE = re.compile(
    rf"\b(?:{'|'.join(map(re.escape, union_list('connectives', 'rate')))})\s+$", re.I
)
# "of the 31", "de los 31": a number already counted, pointed back at
# ("12 of the 31", "la mitad de los 90"); "the release of the 114 detained" is a count
_BACK_REFERENCE_RE = re.compile(
    rf"(?:\d|\b(?:{_phrases([*union_list('connectives', 'back_reference_heads'), *NUMBER_WORDS])}))"
    rf"\s+(?:{'|'.join(map(re.escape, union_list('connectives', 'back_reference')))})\s+$",
    re.I,
)
_COMPOUND_RE = re.compile(r"^(?:-[A-Za-z]|[-–]\s?\d|/\d)")
_CLOCK_RE = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|:\d)", re.I)
_DURATION_RE = re.compile(
    r"^\s+(?:(?:more|other|consecutive|straight|full|long|más)\s+)?"
    rf"(?:{'|'.join(sorted(DURATION_WORDS, key=len, reverse=True))})\b",
    re.I,
)
_MONTH_BEFORE_RE = re.compile(rf"\b{MONTH}\s+$")
_DAY_MONTH = "|".join(map(re.escape, union_list("connectives", "day_month")))
_MONTH_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:(?:{_DAY_MONTH})\s+)?{MONTH}")
_CONVERSION_GAP = re.compile(  # "134km (83 miles)", "5,000 lari (about £1,450)"
    rf"^\s*\(\s*(?:(?:{_HEDGE_WORDS})\s+)?$", re.I
)


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


def find_quantities(sentence: str, language: str = "en") -> list[Hit]:
    """Every count in the sentence, in order; dates, years, ordinals, durations left out.

    `language` is the article's: its decimal mark ("," in Spanish: "1.553" is 1553, "2,4" is
    2.4), number words and vague counts.
    """
    decimal = languages()[language].decimal
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE_RES[language].finditer(sentence):
        groups = m.groupdict()
        joined = groups.get("lo2") is not None  # "2,000 to 5,000"
        low, high = groups["lo2" if joined else "lo"], groups["hi2" if joined else "hi"]
        currency, low, high = (
            _currency(low),
            _CURRENCY_PREFIX.sub("", low),
            _CURRENCY_PREFIX.sub("", high),
        )
        if _looks_like_year(low) and _looks_like_year(high):
            continue
        if joined and not _range_joined(sentence, m, language):
            continue  # "rose from 20 to 35": two values, not a range
        end = m.end()
        money = _CURRENCY_AFTER_RE.match(ahead(sentence, end))
        if money:
            end += money.end()  # "2,000 to 5,000 lari"
        taken.append((m.start(), end))
        after = ahead(sentence, end)
        if _DURATION_RE.match(after) or _after_age_word(sentence, m.start()):
            continue  # "de entre 19 y 24 años", "aged between 18 and 26": ages, no count
        if _PERCENT_RE.match(after) or _CLOCK_RE.match(after):
            continue
        glued = currency or (money.group("cur").lower() if money else "")
        lo, hi = _to_float(low, decimal), _to_float(high, decimal)
        hits.append(Hit(m.start(), end, "range", None, lower=lo, upper=hi, glued=glued))
    for m in _RATIO_RES[language].finditer(sentence):
        part, whole = _count_of(m.group("part"), language), _count_of(m.group("whole"), language)
        if not 0 < part < whole:
            continue
        start, qualifier = _hedged(sentence, m.start())
        share = round(100 * part / whole, 1)  # "one in three" is 33.3 percent
        hits.append(Hit(start, m.end(), qualifier, share, glued="percent"))
        taken.append((start, m.end()))
    for m in _ALTERNATIVE_RES[language].finditer(sentence):
        lo, hi = _count_of(m.group("lo"), language), _count_of(m.group("hi"), language)
        after = ahead(sentence, m.end())
        if not lo < hi or _DURATION_RE.match(after) or not re.match(r"^\s+[^\W\d_]", after):
            continue  # "two or three days", "1 or 2." : no count of anyone
        start, qualifier = _hedged(sentence, m.start())
        hits.append(Hit(start, m.end(), "range", None, lower=lo, upper=hi))
        taken.append((start, m.end()))
    for m in _FRACTION_RES[language].finditer(sentence):
        start, qualifier = _hedged(sentence, m.start())
        if start == m.start() and not _OF_AFTER.match(ahead(sentence, m.end())):
            continue  # "half an hour", "a third term": no share of anyone
        share = _SHARES[language][" ".join(m.group().split()).casefold()]
        hits.append(Hit(start, m.end(), qualifier, share, glued="percent"))
        taken.append((start, m.end()))
    for m in _VAGUE_RES[language].finditer(sentence):
        lower, upper = VAGUE[m.group("vague").lower()]
        hits.append(Hit(m.start(), m.end(), "vague", None, lower=lower, upper=upper))
        taken.append((m.start(), m.end()))
    for m in _NUM_RES[decimal].finditer(sentence):
        if not any(s <= m.start() < e for s, e in taken):
            hit = _number_hit(sentence, m, language)
            if hit is not None:
                hits.append(hit)
    for m in _WORD_NUM_RES[language].finditer(sentence):
        if not any(s <= m.start() < e for s, e in taken):
            hit = _word_hit(sentence, m, language)
            if hit is not None:
                hits.append(hit)
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue  # "700 millones de dólares": "millones" is the number's scale
        if kept and _CONVERSION_GAP.match(sentence[kept[-1].end : hit.start]):
            continue  # "134km (83 miles)": the same distance converted, not a new count
        kept.append(hit)
    return kept


def _number_hit(sentence: str, m: re.Match[str], language: str = "en") -> Hit | None:
    decimal = languages()[language].decimal
    digits, glued_letters, currency = m.group("num"), m.group("att") or "", m.group("cur")
    value = _to_float(digits, decimal)
    end = m.end()
    glued = ""
    if glued_letters:
        if glued_letters.lower() not in _GLUED_UNITS:
            return None  # ordinals ("1st"), decades ("1990s"), times ("9am"), codes ("G20")
        glued = glued_letters
    after = ahead(sentence, end)
    if _COMPOUND_RE.match(after) or _CLOCK_RE.match(after) or _DURATION_RE.match(after):
        return None  # "six-year term", "2023-24", "10:30", "18 months"
    if _ORDINAL_MARK.match(after):
        return None  # "la comisaría 1.ª", "el 2º piso"
    scale = _SCALE_RE.match(after)
    if scale:
        value *= _SCALES[scale.group("scale").lower()]
        end += scale.end()
        after = ahead(sentence, end)
    measure = None if glued else _MEASURE_AFTER_RES[language].match(after)
    if measure:
        end += measure.end()
        glued = measure.group("unit")
        after = ahead(sentence, end)
    percent = _PERCENT_RE.match(after)
    if percent:
        end += percent.end()
        glued = "percent"
    money = _CURRENCY_AFTER_RE.match(ahead(sentence, end))
    if money and not glued:
        end += money.end()
        glued = money.group("cur").lower()  # "50.000 quetzales": money, not people
    if currency:
        glued = _currency(currency)
    before = behind(sentence, m.start())
    if _RATE_BEFORE_RE.search(before) or _BACK_REFERENCE_RE.search(before):
        return None
    start, qualifier = _hedged(sentence, m.start())
    is_day = value <= 31 and value == int(value)
    if is_day and (
        _MONTH_BEFORE_RE.search(before)
        or _MONTH_AFTER_RE.match(after)
        or _MONTH_ABBR_AFTER_RES[language].match(after)
        or _WEEKDAY_BEFORE_RE.search(before)
    ):
        return None  # "January 1", "Dec. 25", "25 December", "26 dic", "el miércoles 19"
    if value <= 24 and (
        _CLOCK_BEFORE_RES[language].search(before) or _CLOCK_AFTER_RES[language].match(after)
    ):
        return None  # "a las 17", "las 4 de la madrugada", "at 5 o'clock"
    if start == m.start():  # no hedge
        if _looks_like_year(digits) and not glued:
            return None
        if _is_label(before) or _is_age(before, after) or _after_age_word(sentence, m.start()):
            return None  # "Article 5", "Flight 370", "aged 18", "Jane Doe, 54,", "age of 18"
    if qualifier in ("less_than", "more_than") and value <= 21 and not re.match(r"^\s+\w", after):
        return None  # "about 30 of them under 18": an age limit, not a count
    return Hit(start, end, qualifier, value, glued=glued)


def _word_hit(sentence: str, m: re.Match[str], language: str = "en") -> Hit | None:
    """Number words are counts only when they head a noun ("four experts"), not "the two"."""
    before, after = behind(sentence, m.start()), ahead(sentence, m.end())
    previous = [w.lower() for w in before.split()[-2:]]
    determiners = _DETERMINERS[language] | {"its", "their", "his", "her", "our", "all", "both"}
    if set(previous) & determiners:
        return None  # "the two countries", "the aforementioned two dismissals"
    if (previous and previous[-1] == "of") or _RATE_BEFORE_RE.search(before):
        return None  # "for every ten who go out": the base of a rate
    value, end = float(NUMBER_WORDS[m.group("word").lower()]), m.end()
    if value <= 12 and _CLOCK_AFTER_RES[language].match(after):
        return None  # "at five in the morning"
    scale = _SCALE_RE.match(after)
    if scale:  # "dos mil", "two thousand"
        value *= _SCALES[scale.group("scale").lower()]
        end += scale.end()
        after = ahead(sentence, end)
    if _DURATION_RE.match(after) or re.match(r"^\s+(?:or|to|and|o|y|a)\b", after, re.I):
        return None
    if re.match(r"^\s+of\b", after, re.I) and not _PARTITIVE.match(after):
        return None  # "two of a kind"; "four of them", "Seventeen of those freed" are counts
    if not re.match(r"^\s+[^\W\d_]", after) or not after.strip()[:1].islower():
        return None
    start, qualifier = _hedged(sentence, m.start())
    return Hit(start, end, qualifier, value)


# per language: the words after which "20 to 35" is a change, and the words for 1 in a ratio
_NOT_AFTER = {
    code: frozenset(lang.data["numbers"].get("range_not_after", "").split())
    for code, lang in languages().items()
}
_ONE = {
    code: frozenset(lang.data["numbers"].get("one", "").split())
    for code, lang in languages().items()
}


def _range_joined(sentence: str, m: re.Match[str], language: str) -> bool:
    """ "2,000 to 5,000" is a range; after a word of the language's `range_not_after` ("from 20
    to 35", "rose 20 to 35") it is a change, and after a month ("June 5 to 9") two days."""
    before = behind(sentence, m.start())
    words = before.split()
    previous = words[-1].casefold().strip("(,") if words else ""
    return previous not in _NOT_AFTER[language] and not _MONTH_BEFORE_RE.search(before)


def _count_of(written: str, language: str) -> float:
    if written.isdigit():
        return float(written)
    return 1.0 if written.lower() in _ONE[language] else float(NUMBER_WORDS[written.lower()])


_ORDINAL_MARK = re.compile(r"^\.?[ªº°]")
_PARTITIVE = re.compile(r"^\s+of\s+(?:them|those|these|whom|the|us)\b", re.I)


def _hedged(sentence: str, start: int) -> tuple[int, Qualifier]:
    """Where a count starts with the hedge right before it ("at least 87"), and its qualifier."""
    hedge = _QUAL_RE.search(behind(sentence, start))
    if hedge is None:
        return start, "exact"
    window = max(0, start - WINDOW)  # `behind` is the window's text: its offsets start there
    return window + hedge.start("qual"), _QUALIFIERS[hedge.group("qual").lower()]


def _to_float(digits: str, decimal: str = ".") -> float:
    thousands = "," if decimal == "." else "."
    return float(digits.replace(thousands, "").replace(decimal, "."))


def _looks_like_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1800 <= int(digits) <= 2100


def _is_age(before: str, after: str) -> bool:
    """ "Jane Doe, 54, said", "said Yelitza Rondon, 52.", "su hijo Jhonny, de 27,": a number
    set off after a name."""
    name = re.search(r"[A-Z][\w’'-]*,\s*(?:de\s+)?$", before)
    return bool(name) and after.strip()[:1] in (",", ".", ";", "")


_AGE_WORDS = frozenset({"aged", "age", "ages", "edad", "edades"})


def _after_age_word(sentence: str, start: int) -> bool:
    words = behind(sentence, start).split()
    if len(words) >= 2 and words[-1].lower() in ("of", "de") and words[-2].lower() in _AGE_WORDS:
        return True  # "under the age of 18", "menores de edad de 16"
    return bool(words) and words[-1].lower().strip("(,") in _AGE_WORDS


def _is_label(before: str) -> bool:
    words = before.split()
    if not words:
        return False
    previous = words[-1].strip("(\"'“‘")
    if previous.lower().rstrip(".") in _LABELS | _AGE_WORDS or previous == "#":
        return True
    return len(words) > 1 and previous[:1].isupper() and previous[-1:] not in ",;:"
