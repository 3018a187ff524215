"""A cross-article claims ledger: what every article says about the same number, side by side.

Why: articles about one story rarely agree on their numbers. The government announced 99
releases on 25 December, Foro Penal verified 61; one outlet says more than 700 are still held,
another at least 902. Read one article at a time, those disagreements are invisible. The ledger
lines up every quantity claim about the same count of the same event, with its qualifier, source
and article, and flags the groups whose values cannot all be true.

How claims are grouped (structured fields first, text second):

1. What is counted (a hard bucket), from the quantity's unit, the model's own summary of what is
   counted: `missing`, `held` (still held, remain, behind bars, incarcerated), `released`
   (released, freed, pardoned), `killed`, `injured`, `arrested` (arrested, detained), tried in
   that order, so "detainees still held" is held and "detainees released" is released. Units of
   measure (km, %, dollars, years...) and units that name none of these are keyed by their own
   words. Only when the unit decides nothing is the statement read, and there the keyword
   nearest the number wins ("1,800 remain imprisoned after the release of 130" counts the held).
2. When (a hard split): an anchor from `date`, `time_text` and the statement, made of a day
   ("December 25", "Dec. 25", "Christmas Day", an ISO date) and a scope, `cumulative` for totals
   to date ("since", "so far", "over time"). The statement contributes day-precise dates only:
   a month or year there usually dates the background ("after the July 2024 election"), not the
   count. Claims whose anchors disagree are never grouped.
3. Evidence that two claims count the same thing, strongest first: the same day (one event by
   construction, so differing numbers are a real disagreement); the same stated figure (87 and
   "at least 87": a number is a fingerprint); close figures (within 10%, the closer the
   stronger, so 88 joins 87 before it could join 99); for stocks (`held`, `missing` and
   cumulative totals) any figure, because there is one such number at a time and the differing
   counts are what the ledger exists to show. Each kind also needs the statements to share
   topic words: the overlap of their content-word stems (numbers, dates, the source's name, stop
   words and the counting verbs that put them in the bucket removed) over the smaller set,
   counted as at least 2 words. This is what splits "a fire in Lagos killed 40" from "police
   killed 3 protesters in Caracas" on the same day. (A character-level rapidfuzz ratio of the
   statements was tried first and dropped: on the seeds it scored unrelated statements as high
   as paraphrases of one fact.) An event count with different figures and no shared date is
   left apart: "88 released" and "131 released" may be two releases, and a false conflict costs
   a journalist more than a missed one.
4. Links merge groups best-first (union-find). A merge is refused when it would put two claims
   with disagreeing anchors, or figures more than 3x apart without a shared day, in one group,
   so chains cannot drift. Claims are sorted by content and ties broken by content: the result
   does not depend on the order of articles or claims.

How a group is judged. Each value is an interval from its qualifier: exact [v, v]; at_least
[v, inf); more_than (v, inf); at_most [0, v]; less_than [0, v); about [0.9v, 1.1v]; nearly
[0.9v, v); range and vague [lower, upper]. A group is a `conflict` when two intervals do not
overlap: the values cannot both be true (99 vs 61; also "nearly 2,000" vs "more than 2,000",
which touch at 2,000 without sharing it). Each conflicting pair carries its gap (distance
between the intervals over the larger figure) so small ones can be triaged. A group is
`divergent` when every pair overlaps but the stated figures differ by more than 20%: "more than
700", "at least 902" and "about 1,800" are all true if 1,800 are held, yet a reader takes "more
than 700" to mean a little over 700, so a journalist wants them flagged, just not called a
contradiction. Otherwise it is `compatible` ("at least 60" and "61"). The default view shows
groups with values from two or more articles or two or more distinct values.

Limits: no synonyms (statements that share no word stem are never linked); all pairs of one
bucket are compared, which is fine for thousands of quantity claims, not millions; a stock
counted at different times ("still held" in November vs January) is one group unless dated.
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field
from rich.console import Console
from rich.table import Table

from .schemas import ArticleResult, Claim
from .terminal import plain, safe

Status = Literal["conflict", "divergent", "compatible"]

CLOSE_FIGURES = 0.10  # figures within 10% count as close
MAX_RATIO = 3.0  # never group figures further apart than this without a shared day
DIVERGENCE = 0.20  # compatible intervals whose figures differ by more are "divergent"
MIN_TOPIC = {"day": 0.2, "same": 0.25, "close": 0.25, "stock": 0.25}  # shared topic words

_CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    ("missing", re.compile(r"\bmissing\b|\bdisappear")),
    (
        "held",
        re.compile(
            r"\bstill\b|\bremain|\bcontinu\w* to be\b|behind bars|\bin (custody|prison|jail)\b"
        ),
    ),
    ("released", re.compile(r"\breleas|\bfreed\b|\bfrees?\b|\bpardon|\blet go\b")),
    ("killed", re.compile(r"\bkill|\bdead\b|\bdeaths?\b|\bdied\b|\blives\b|\bfatalit|\bmurder")),
    ("injured", re.compile(r"\binjur|\bwounded\b")),
    ("held", re.compile(r"\bheld\b|\bimprison|\bincarcerat")),
    ("arrested", re.compile(r"\barrest|\bdetain|\bdetention|\bcaptured\b|\brounded up\b")),
]
_MEASURE = re.compile(
    r"\b(km|kilomet\w*|miles?|met(er|re)s?|percent|per cent|dollars?|usd|euros?|bolivars?|"
    r"tonn?e?s|barrels?|years?|months?|weeks?|days?|hours?|kg|kilos?|litres?|liters?)\b|[%$€£]"
)
CATEGORY_LABELS = {
    "held": "still held",
    "released": "released",
    "killed": "killed / dead",
    "injured": "injured",
    "arrested": "arrested / detained",
    "missing": "missing / disappeared",
}
_STOCKS = {"held", "missing"}  # one number at a time: differing counts are the point

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH = rf"(?P<m>{_MONTH_NAMES})\b\.?"
_NOT_TOPIC = re.compile(rf"\b(?:{_MONTH_NAMES})\b|\d[\d,.]*", re.I)  # dates and numbers
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_DAY_DATES = [
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+(?P<y>\d{{4}}))?", re.I),  # December 25, 2025
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:\s+(?P<y>\d{{4}}))?", re.I),  # 25 December
]
_HOLIDAYS = [
    (re.compile(r"\bchristmas eve\b", re.I), 12, 24),
    (re.compile(r"\bchristmas\b", re.I), 12, 25),
    (re.compile(r"\bnew year'?s eve\b", re.I), 12, 31),
    (re.compile(r"\bnew year'?s( day)?\b", re.I), 1, 1),
]
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<y>\d{{4}})\b", re.I)
_YEAR = re.compile(r"\b(?P<y>(?:19|20)\d\d)\b")
_CUMULATIVE = re.compile(
    r"\bsince\b|\bso far\b|\bto date\b|\bin total\b|\bover time\b|\baltogether\b|\bcumulative",
    re.I,
)
_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")
_STOP_WORDS = (
    "a an the of in on at to for by from with and or but not no that this these those who whom "
    "which whose what when where was were is are be been being have has had it its their his "
    "her they them as after before during since despite while than more over least about nearly "
    "around roughly approximately some only almost under fewer up into out among between says "
    "said say saying note notes noted stress according reported reports report confirmed also "
    "still"
)
_STOP = frozenset(_STOP_WORDS.split())


class Interval(BaseModel):
    """What a stated value allows: [low, high], either end open; high None means no limit."""

    low: float
    high: float | None
    low_open: bool = False
    high_open: bool = False

    def below(self, other: Interval) -> bool:
        """Entirely below `other` (no shared point)."""
        if self.high is None:
            return False
        return self.high < other.low or (
            self.high == other.low and (self.high_open or other.low_open)
        )

    def overlaps(self, other: Interval) -> bool:
        return not (self.below(other) or other.below(self))

    def __str__(self) -> str:
        high = "∞" if self.high is None else _num(self.high)
        left, right = (
            "(" if self.low_open else "[",
            ")" if self.high_open or self.high is None else "]",
        )
        return f"{left}{_num(self.low)}, {high}{right}"


class LedgerValue(BaseModel):
    """One quantity claim in a group, with everything needed to check it at its source."""

    article_id: str
    claim_index: int
    figure: str  # the quantity as written, or rebuilt from qualifier and value
    value: float | None
    lower: float | None
    upper: float | None
    qualifier: str
    unit: str
    interval: Interval
    source_name: str
    source_kind: str
    statement: str
    time_text: str | None
    date: str | None
    disputed: bool


class ConflictPair(BaseModel):
    """Two values (indices into the group's values) that cannot both be true."""

    a: int
    b: int
    gap: float  # distance between the two intervals over the larger figure; 0 when they touch


class LedgerGroup(BaseModel):
    category: str
    label: str
    anchor: str | None
    status: Status
    summary: str  # one line for people: which figures clash, or how far apart they are
    interesting: bool
    spread: float  # how far apart the stated figures are (max low / min high - 1)
    articles: list[str]
    values: list[LedgerValue]
    conflicts: list[ConflictPair] = Field(default_factory=list)


class Ledger(BaseModel):
    groups: list[LedgerGroup]

    def view(self, *, show_all: bool = False) -> Ledger:
        """The groups worth reading (values from 2+ articles or 2+ distinct values), or all."""
        return Ledger(groups=[g for g in self.groups if show_all or g.interesting])


@dataclass(frozen=True)
class _Anchor:
    month: int | None = None
    day: int | None = None
    year: int | None = None
    scope: str | None = None  # "cumulative", "event" (dated to a day) or None (unknown)

    def clashes(self, other: _Anchor) -> bool:
        pairs = [(self.month, other.month), (self.day, other.day), (self.year, other.year)]
        pairs.append((self.scope, other.scope))  # type: ignore[arg-type]
        return any(a is not None and b is not None and a != b for a, b in pairs)

    def same_day(self, other: _Anchor) -> bool:
        return self.day is not None and (self.month, self.day) == (other.month, other.day)

    def label(self) -> str | None:
        month = _month_name(self.month)
        if self.day is not None and month:
            return f"{self.day} {month}" + (f" {self.year}" if self.year else "")
        if self.scope == "cumulative":
            return "cumulative"
        parts = [p for p in (month, str(self.year) if self.year else None) if p]
        return " ".join(parts) or None


@dataclass(frozen=True)
class _Item:
    """A quantity claim prepared for grouping."""

    key: tuple[str, ...]
    article_id: str
    index: int
    claim: Claim
    category: str
    anchor: _Anchor
    figures: tuple[float, float]  # the stated figure(s): (v, v), or (lower, upper) for ranges
    interval: Interval
    words: frozenset[str]


def build_ledger(records: Iterable[ArticleResult]) -> Ledger:
    """Group the quantity claims of many articles by what they count, and judge each group."""
    items = sorted(
        (_item(r.id, i, c) for r in records for i, c in enumerate(r.claims) if c.quantity),
        key=lambda item: item.key,
    )
    buckets: dict[str, list[_Item]] = {}
    for item in items:
        buckets.setdefault(item.category, []).append(item)
    groups = [_group(members) for bucket in buckets.values() for members in _cluster(bucket)]
    severity = {"conflict": 0, "divergent": 1, "compatible": 2}
    groups.sort(
        key=lambda g: (
            not g.interesting,
            severity[g.status],
            -max((c.gap for c in g.conflicts), default=0.0),
            -len(g.articles),
            g.label,
            [(v.article_id, v.statement) for v in g.values],
        )
    )
    return Ledger(groups=groups)


# --- preparing one claim -----------------------------------------------------------------------


def _item(article_id: str, index: int, claim: Claim) -> _Item:
    q = claim.quantity
    assert q is not None
    statement = claim.statement
    at = _quantity_position(statement, q.text, q.value)
    value = q.value if q.value is not None else q.lower if q.lower is not None else q.upper
    v = float(value or 0.0)
    low = q.lower if q.lower is not None else v
    high = q.upper if q.upper is not None else v
    figures = (low, high) if q.qualifier in ("range", "vague") else (v, v)
    key = (article_id, statement, q.unit, q.qualifier, str(q.value), str(q.lower), str(q.upper),
           claim.source.name, claim.evidence.quote)  # fmt: skip
    return _Item(
        key=key,
        article_id=article_id,
        index=index,
        claim=claim,
        category=_category(q.unit, statement, at),
        anchor=_anchor(claim, at),
        figures=figures,
        interval=interval(q.qualifier, q.value, q.lower, q.upper),
        words=_content_words(claim),
    )


def interval(
    qualifier: str, value: float | None, lower: float | None = None, upper: float | None = None
) -> Interval:
    """The values a qualified number allows (see the module docstring for the table)."""
    v = value if value is not None else lower if lower is not None else upper
    v = float(v or 0.0)
    table = {
        "exact": Interval(low=v, high=v),
        "at_least": Interval(low=v, high=None),
        "more_than": Interval(low=v, high=None, low_open=True),
        "at_most": Interval(low=0.0, high=v),
        "less_than": Interval(low=0.0, high=v, high_open=True),
        "about": Interval(low=0.9 * v, high=1.1 * v),
        "nearly": Interval(low=0.9 * v, high=v, high_open=True),
    }
    if qualifier in table:
        return table[qualifier]
    return Interval(low=lower if lower is not None else v, high=upper if upper is not None else v)


def _quantity_position(statement: str, text: str | None, value: float | None) -> int | None:
    folded = statement.casefold()
    candidates = [text.casefold()] if text else []
    if value is not None:
        number = int(value) if float(value).is_integer() else value
        candidates += [f"{number:,}", str(number)]
    for candidate in candidates:
        if candidate and (found := folded.find(candidate)) >= 0:
            return found
    return None


def _category(unit: str, statement: str, at: int | None) -> str:
    folded = unit.casefold()
    if _MEASURE.search(folded):
        return "unit:" + _normalise_unit(folded)
    for name, pattern in _CATEGORIES:
        if pattern.search(folded):
            return name
    best: tuple[int, int, str] | None = None  # (distance to the number, priority, category)
    text = statement.casefold()
    for priority, (name, pattern) in enumerate(_CATEGORIES):
        for match in pattern.finditer(text):
            distance = 0 if at is None else min(abs(match.start() - at), abs(match.end() - at))
            best = min(best or (distance, priority, name), (distance, priority, name))
    return best[2] if best else "unit:" + _normalise_unit(folded)


def _normalise_unit(unit: str) -> str:
    words = re.findall(r"[\w%$€£]+", _strip_accents(unit))
    return " ".join(sorted({w[:6] for w in words if w not in _STOP})) or unit


def _anchor(claim: Claim, at: int | None) -> _Anchor:
    fields = " ".join(t for t in (claim.time_text, claim.date) if t)
    month = day = year = None
    if claim.date and (iso := _ISO.match(claim.date)):
        year = int(iso["y"])
        month = int(iso["m"]) if iso["m"] else None
        day = int(iso["d"]) if iso["d"] else None
    if day is None and claim.time_text:
        found = _day_date(claim.time_text, None)
        if found:
            month, day, year = found[0], found[1], found[2] or year
        elif match := _MONTH_YEAR.search(claim.time_text):
            month, year = _MONTHS[match["m"][:3].casefold()], int(match["y"])
        elif match := _YEAR.search(claim.time_text):
            year = int(match["y"])
    found = _day_date(claim.statement, at) if day is None else None
    if found and month in (None, found[0]) and (year is None or found[2] in (None, year)):
        month, day, year = found[0], found[1], year or found[2]
    cumulative = bool(_CUMULATIVE.search(fields) or _CUMULATIVE.search(claim.statement))
    scope = "cumulative" if cumulative else "event" if day is not None else None
    return _Anchor(month=month, day=day, year=year, scope=scope)


def _day_date(text: str, at: int | None) -> tuple[int, int, int | None] | None:
    """The day-precise date in `text` nearest to position `at` (the number), if any."""
    found: list[tuple[int, int, int, int | None]] = []
    for pattern in _DAY_DATES:
        for match in pattern.finditer(text):
            if match["m"] in ("may", "march", "mar") or not 1 <= int(match["d"]) <= 31:
                continue  # lower-case "may 20", "a march 3 ..." are not dates; "May 20" is
            year = int(match["y"]) if match["y"] else None
            found.append((match.start(), _MONTHS[match["m"][:3].casefold()], int(match["d"]), year))
    starts = set()
    for pattern, month, day in _HOLIDAYS:  # "Christmas Eve" before "Christmas"
        for match in pattern.finditer(text):
            if match.start() not in starts:
                found.append((match.start(), month, day, None))
                starts.add(match.start())
    if not found:
        return None
    _, month, day, year = min(found, key=lambda f: (abs(f[0] - (at or 0)), f[0]))
    return month, day, year


def _content_words(claim: Claim) -> frozenset[str]:
    """Stems of what the statement is about: not its number, date, source or counting verb."""
    text = claim.statement.casefold()
    q = claim.quantity
    for noise in (q.text if q else None, claim.source.name, claim.time_text):
        if noise:
            text = text.replace(noise.casefold(), " ")
    text = _NOT_TOPIC.sub(" ", _strip_accents(text))
    words = re.findall(r"\w+", text)
    return frozenset(
        w[:6]
        for w in words
        if w not in _STOP and len(w) > 1 and not any(p.match(w) for _, p in _CATEGORIES)
    )


def _topic_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared stems over the smaller set (counted as at least 2, so one shared word is 0.5)."""
    return len(a & b) / max(2, min(len(a), len(b)))


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- grouping ----------------------------------------------------------------------------------


def _ratio(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far apart two stated figures are: 1 when they overlap, else larger / smaller."""
    low, high = max(a[0], b[0]), min(a[1], b[1])
    if low <= high:
        return 1.0
    return math.inf if high <= 0 else low / high


def _cannot_link(a: _Item, b: _Item) -> bool:
    if a.anchor.clashes(b.anchor):
        return True
    return not a.anchor.same_day(b.anchor) and _ratio(a.figures, b.figures) > MAX_RATIO


def _link(a: _Item, b: _Item, text: float) -> float | None:
    """How strongly two claims look like the same count (None: no evidence)."""
    if _cannot_link(a, b):
        return None
    if a.anchor.same_day(b.anchor):
        return 3.0 + text if text >= MIN_TOPIC["day"] else None
    ratio = _ratio(a.figures, b.figures)
    if a.figures == b.figures and text >= MIN_TOPIC["same"]:
        return 2.0 + text
    if ratio - 1 <= CLOSE_FIGURES and text >= MIN_TOPIC["close"]:
        return 1.0 + text + (1 - (ratio - 1) / CLOSE_FIGURES)  # the closer, the stronger
    stock = a.category in _STOCKS or a.anchor.scope == b.anchor.scope == "cumulative"
    if stock and text >= MIN_TOPIC["stock"]:
        return text
    return None


def _cluster(items: list[_Item]) -> list[list[_Item]]:
    """Best-first merging of linked claims, refusing merges that join incompatible claims."""
    n = len(items)
    if n == 1:
        return [items]
    links = [
        (-score, i, j)
        for i, j in itertools.combinations(range(n), 2)
        if (score := _link(items[i], items[j], _topic_overlap(items[i].words, items[j].words)))
        is not None
    ]
    members = {i: [i] for i in range(n)}
    root = list(range(n))
    for _, i, j in sorted(links):
        ri, rj = root[i], root[j]
        if ri == rj:
            continue
        if any(_cannot_link(items[x], items[y]) for x in members[ri] for y in members[rj]):
            continue
        members[ri] += members.pop(rj)
        for x in members[ri]:
            root[x] = ri
    return [[items[i] for i in sorted(group)] for group in members.values()]


# --- judging a group ---------------------------------------------------------------------------


def _group(items: list[_Item]) -> LedgerGroup:
    values = [_value(item) for item in items]
    conflicts = []
    for (i, a), (j, b) in itertools.combinations(enumerate(items), 2):
        if not a.interval.overlaps(b.interval):
            lower, upper = (a, b) if a.interval.below(b.interval) else (b, a)
            gap = (upper.interval.low - (lower.interval.high or 0.0)) / max(upper.interval.low, 1)
            conflicts.append(ConflictPair(a=i, b=j, gap=round(gap, 4)))
    low = max(item.figures[0] for item in items)
    high = min(item.figures[1] for item in items)
    spread = 0.0 if low <= high else (math.inf if high <= 0 else low / high - 1)
    status: Status = (
        "conflict" if conflicts else "divergent" if spread > DIVERGENCE else "compatible"
    )
    articles = sorted({item.article_id for item in items})
    distinct = {(v.qualifier, v.value, v.lower, v.upper) for v in values}
    anchors = [item.anchor for item in items]
    anchor = next((a for a in anchors if a.day is not None), None) or next(
        (a for a in anchors if a.scope or a.month or a.year), None
    )
    category = items[0].category
    units = sorted((v.unit for v in values), key=lambda u: (-[v.unit for v in values].count(u), u))
    return LedgerGroup(
        category=category,
        label=CATEGORY_LABELS.get(category, units[0]),
        anchor=anchor.label() if anchor else None,
        status=status,
        summary=_summary(values, conflicts, spread),
        interesting=len(articles) >= 2 or len(distinct) >= 2,
        spread=round(spread, 4) if math.isfinite(spread) else 1e9,
        articles=articles,
        values=values,
        conflicts=conflicts,
    )


def _summary(values: list[LedgerValue], conflicts: list[ConflictPair], spread: float) -> str:
    """One line for people: which figures clash (largest gap first), and how far apart they run."""
    parts = []
    if conflicts:
        seen: dict[tuple[str, str], str] = {}
        for c in sorted(conflicts, key=lambda c: -c.gap):
            a, b = sorted((values[c.a], values[c.b]), key=lambda v: v.interval.low)
            key = (str(a.interval), str(b.interval))
            seen.setdefault(key, f"{a.figure} vs {b.figure} (gap {c.gap:.0%})")
        shown = list(seen.values())
        more = f"; and {len(shown) - 3} more" if len(shown) > 3 else ""
        parts.append("cannot all be true: " + "; ".join(shown[:3]) + more)
    if spread > DIVERGENCE:

        def nominal(v: LedgerValue) -> tuple[float, float]:
            if v.value is not None:
                return v.value, v.value
            return v.lower or 0.0, v.upper if v.upper is not None else math.inf

        low = min(values, key=lambda v: nominal(v)[1])  # the pair that sets the spread
        high = max(values, key=lambda v: nominal(v)[0])
        lead = "" if conflicts else "compatible as bounds, but "
        parts.append(f"{lead}the stated figures run from {low.figure} to {high.figure}")
    if not parts:
        parts.append("the figures agree" if len(values) > 1 else "one figure")
    return "; ".join(parts)


def _value(item: _Item) -> LedgerValue:
    claim, q = item.claim, item.claim.quantity
    assert q is not None
    return LedgerValue(
        article_id=item.article_id,
        claim_index=item.index,
        figure=q.text or _figure(q.qualifier, q.value, q.lower, q.upper),
        value=q.value,
        lower=q.lower,
        upper=q.upper,
        qualifier=q.qualifier,
        unit=q.unit,
        interval=item.interval,
        source_name=claim.source.name,
        source_kind=claim.source.kind,
        statement=claim.statement,
        time_text=claim.time_text,
        date=claim.date,
        disputed=claim.disputed,
    )


def _figure(qualifier: str, value: float | None, lower: float | None, upper: float | None) -> str:
    words = {"at_least": "at least", "more_than": "more than", "at_most": "at most",
             "less_than": "less than", "about": "about", "nearly": "nearly"}  # fmt: skip
    if value is None:
        return f"{_num(lower or 0)}–{_num(upper) if upper is not None else '?'}"
    return f"{words[qualifier]} {_num(value)}" if qualifier in words else _num(value)


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _month_name(month: int | None) -> str | None:
    return calendar.month_abbr[month] if month else None


# --- terminal output ---------------------------------------------------------------------------

STATUS_STYLE = {"conflict": "bold red", "divergent": "yellow", "compatible": "green"}


def ledger_table(ledger: Ledger, console: Console) -> None:
    """One row per value; each group opens with what is counted, when, and the verdict."""
    if not ledger.groups:
        console.print("no quantity claims to line up")
        return
    table = Table(title="Claims ledger: the same count across articles", expand=True)
    widths = {"what · when": 3, "figure": 2, "source (kind)": 3, "statement": 7}
    for column in ("what · when", "figure", "interval", "source (kind)", "article", "statement"):
        flexible = column in widths
        table.add_column(column, ratio=widths.get(column), no_wrap=not flexible, overflow="fold")
    for group in ledger.groups:
        if table.rows:
            table.add_section()
        when = f" · {group.anchor}" if group.anchor else ""
        head = (
            f"[bold]{safe(group.label + when)}[/bold]\n"
            f"[{STATUS_STYLE[group.status]}]{group.status.upper()}[/]\n{safe(group.summary)}"
        )
        conflicted = {i for c in group.conflicts for i in (c.a, c.b)}
        for i, value in enumerate(group.values):
            table.add_row(
                head if i == 0 else "",
                ("[red]✗[/red] " if i in conflicted else "") + safe(value.figure),
                safe(value.interval),
                safe(f"{value.source_name} ({value.source_kind})"),
                safe(value.article_id),
                safe(value.statement),
            )
    console.print(table, highlight=False)


def ledger_tsv(ledger: Ledger) -> Iterator[str]:
    """The ledger for pipes and grep: one tab-separated line per value, a header first."""
    yield "\t".join(
        ("what", "when", "status", "figure", "interval", "source", "kind", "article", "statement")
    )
    for group in ledger.groups:
        for value in group.values:
            cells = (
                group.label,
                group.anchor or "",
                group.status.upper(),
                value.figure,
                str(value.interval),
                value.source_name,
                value.source_kind,
                value.article_id,
                value.statement,
            )
            yield "\t".join(plain(c).replace("\t", " ").replace("\n", " ") for c in cells)
