"""A cross-article claims ledger: which figures count the same thing, and which of them disagree.

Why: articles about one story rarely agree on their numbers. The government announced 99
releases on 25 December, Foro Penal could verify 61; one outlet says more than 700 are still
held, another at least 902, a third about 1,800. Read one article at a time, those disagreements
are invisible. The ledger lines up every quantity claim about the same count, with its
qualifier, source and article, and says which of them cannot all be true.

## What is counted: the model

Every quantity claim is described by five facets, read from its fields first and its statement
second (English and Spanish cue words):

- **measure**: what is counted. `released`, `held`, `arrested`, `killed`, `injured`, `missing`
  (from the quantity's unit, else the cue word nearest the number), or a unit of measure
  (`unit:km`). "detainees still held" is held, "detainees released" is released; a unit that
  counts other people or things ("relatives waiting", "families", "boats", "votes") is its own
  measure, whatever the statement's cue words.
- **kind** of number: an `event` count (the 99 released on 25 December), a `cumulative` running
  total ("nearly 2,000 released since", "so far", "desde", "hasta ahora", a count "between 25
  December and 3 January", dated by its first day; but a verification
  "so far" of a release, "has so far been able to verify 61 of the 99", is that release's
  event count, and "since dawn" one day's count as it goes), a `stock` that is still
  held at one time (held, missing: "more than 700 remain"), or a `measure` (134 km). Numbers of
  different kinds are never compared: 87 released on 1 January and 2,000 released since the
  protests are both true.
- **unconfirmed** counts ("38 of the 99 releases could not be confirmed", "sin confirmar") are a
  measure of their own: compared with other such counts, never with the releases. So are counts
  of **some of them** by what else was done to them ("interviewed 104 of the prisoners
  released", "14 de las personas excarceladas fueron obligadas a firmar"): the cue of what is
  counted comes only after the number, in "of the ...", no check comes before the number
  ("could confirm only 61 of the 99 releases" is the check of that release), and no place or
  group makes it a part. A verb after "of the ..." says what is counted when it names
  something else: "nearly 2,000 of the people arrested have been released" is a release
  count.
- **stance**: `announced` (an authority says it did it), `verified` (someone checked: confirm,
  verify, corroborate, document), `estimated`, or `reported`. The source's kind (government,
  ngo, media...) travels with it.
- **scope**: where and who. A named facility ("Tocorón prison", "la cárcel de Yare") or a
  sub-group of people (women, minors, foreigners, journalists, students, military, an age
  group: "over 70 years old", "mayores de 60 años") makes the claim a **part**; the place
  (`location`) must agree for two claims to count the same thing (places are compared as
  words: "Caracas" and "Venezuela" do not match, see Limits).
- **time**: the event's time, not the reporting time. A day ("December 25", "Dec. 25",
  "Christmas Day", "25 de diciembre", "Navidad", an ISO date) and a year ("in 2023", `date`).
  A verified count dated to one day is dated by its verification: it may count any event of the
  14 days before ("On March 9 the group verified 74 of the releases" counts the release of
  March 3). For stocks and totals the date is "as of".

## Which claims count the same thing (blocking, then union-find: no all-pairs)

1. Claims are blocked by (measure, kind, part label). Nothing is ever compared across blocks.
2. Dated claims of one block and day are one event, unless their places disagree or their
   statements share no topic word (the content-word stems of the statement, so "a fire in Lagos
   killed 40 on December 25" and "police killed 3 protesters in Caracas on December 25" stay
   apart). Running totals and stocks of one day need no shared word when both name the same
   place: "187 excarcelaciones desde el 25 de diciembre" and "114 releases since Dec. 25", both
   in Venezuela, are one running total.
3. Undated claims are swept in order of their figure: event counts join when their figures are
   within 10% (87 and 88), stocks and totals when within 3x (one number at a time: the
   differing counts are what the ledger exists to show). A cluster never spans more than 3x:
   100, 108, 117, ... 1,000, each a tenth above the one before, are not one count.
4. Each undated (or verification-dated) cluster then joins the dated event it fits best, looked
   up among the nearest figures of its block: every member must be either close (within 10%) to
   a figure of the event (from another article, sharing a topic word or a place with it: an
   equal figure alone is no evidence across stories), or be the other side of an
   announced-vs-verified pair ("N released" from an official and "at least M verified" by an
   NGO, M <= N <= 3M) with no announced figure of that event contradicting it. Topic words are
   not needed for the pair: an official's "150 have been freed" and an NGO's "at least 112
   releases verified on June 14" share none. Except for vague
   counts: "hundreds" fits any figure from 200 to 999, so it joins an event only from one of its
   articles or sharing a topic word with it (Lahore's "hundreds released" is not Venezuela's 187).
5. Parts join the total they are part of. A part within 10% of a total of its day (or a part
   that says no time) is that total's count told with its place: "at least 87 released from
   Tocorón on Thursday" is the 87 of 1 January, not a part of the same article's 99 of 25
   December. Otherwise the same article's total of the same time first, else the nearest total
   that is at least as large and of a compatible time. A facility's 2023 count never joins a
   nationwide 2025 total. An undated part of an article that counts a running total of the
   measure and no event of it is a part of that total: an NGO's "37 of the prisoners whose
   release it verified were held at Rodeo I", in its tally since 25 December.

All of this runs in sorted order of the claims' contents, so the result does not depend on the
order of articles or claims. It costs O(n log n): blocks, one sort per block and bounded look-
ups (at most 32 candidates per undated claim or cluster); conflicts are listed for every pair
in groups of up to 16 values and between the 8 lowest and 8 highest values above that, and a
group lists at most 128 conflicts of each kind, the widest (a total with 200 prisons' counts
above it lists the 128 largest).

## How a group is judged

Each value is an interval from its qualifier: exact [v, v]; at_least [v, inf); more_than (v,
inf); at_most [0, v]; less_than [0, v); about [0.9v, 1.1v]; nearly [0.9v, v); range and vague
[lower, upper]. Two values of the same thing (or of the same part) whose intervals do not
overlap cannot both be true:

- a **discrepancy between sources** when one is verified and lower than the other, announced or
  reported, figure: 99 announced vs 61 confirmed on 25 December. This is what a reader wants to
  see first: the sources do not disagree about the facts they saw, one could check fewer.
- a **conflict** otherwise ("nearly 2,000" vs "more than 2,000", which touch at 2,000 without
  sharing it).
- a part whose lowest value is above its total's highest is a conflict too (`part_exceeds_total`);
  a part at or below its total is compatible (12 women among 80 released).

A group's status is `conflict` if any pair conflicts, else `discrepancy`, else `divergent` when
the stated figures of the whole differ by more than 20% although all intervals overlap ("more
than 700", "at least 902" and "more than 900" still held are all true if 950 are held, yet a
reader takes "more than 700" to mean a little over 700), else `compatible`. The default view
shows groups with values from two or more articles or two or more distinct values.

The seeds, read this way: on 25 December the government announced 99 releases and Foro Penal
could confirm 61 (two articles say "61 of the 99 ... announced on December 25": a verification
dated by the event it counts); "at least 60" and "more than 60", undated, join that event
because 60 is within 10% of 61; 99 vs 61 is a discrepancy between sources. "More than 700",
"more than 900", "at least 902" and "hundreds" still held are one stock, divergent, not a
conflict. The "approximately 1,800" of article 003 is, by hand (evals/ledger), another count:
that article reports the November 2024 Tocorón release, a year before the others.

Limits: places are matched as words, without a gazetteer (a city and its country do not match);
an undated stock is one number at a time, so the rules put that 1,800 with the 700-902 and flag
"hundreds" vs "about 1,800" (nothing in the claims dates it); an undated figure equal to
another event's figure joins that event; no synonyms beyond the cue words. Cost: blocks, one
sort per block and bounded look-ups. Reading the claims (extractor/ledger_read.py) is the largest
part: each cue pattern runs only where a plain literal gate says it can match, and beyond the
first 20,000 claims of a stream the claims are read in forked worker processes, in order; from
20,000 claims the blocks are clustered and the groups judged in forked workers too
(extractor/forked.py), which return roots and plain judgements, never the claims: the ledger is
the same either way. Each claim's value is built once, as it is read (benchmarks/README.md).
`extractor ledger --model M` lets a model name what each claim counts and when
(extractor/ledger_model.py), over these same rules.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import gc
import heapq
import itertools
import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date as Date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from .forked import cpus, forked_map, may_fork
from .ledger_read import _GROUPS as _GROUPS  # re-exported: extractor.ledger_model reads them
from .ledger_read import ClaimText, Facets, read_stream
from .ledger_read import _place_words as _place_words
from .schemas import ArticleResult, Claim

_M = TypeVar("_M", bound=BaseModel)
Status = Literal["discrepancy", "conflict", "divergent", "compatible"]
PairKind = Literal["sources", "conflict", "part_exceeds_total"]

CLOSE_FIGURES = 0.10  # event counts within 10% count as the same figure
MAX_RATIO = 3.0  # never group figures further apart than this (stocks, announced vs verified)
DIVERGENCE = 0.20  # compatible intervals whose figures differ by more are "divergent"
MIN_TOPIC = 0.2  # shared topic words for two claims of the same day
VERIFY_WINDOW = 14  # days a verification may come after the event it counts
CANDIDATES = 32  # dated events looked at per undated cluster (nearest figures first)
EXACT_PAIRS = 16  # groups up to this size compare every pair of values for conflicts
PAIR_EXTREMES = 8  # larger groups: the pairs between this many lowest and highest values
LISTED_CONFLICTS = 128  # conflicts of one kind a group lists at most (the widest): see _widest
FORKED_ITEMS = 20_000  # from this many claims, blocks are clustered and groups judged in workers


CATEGORY_LABELS = {
    "held": "still held",
    "released": "released",
    "killed": "killed / dead",
    "injured": "injured",
    "arrested": "arrested / detained",
    "missing": "missing / disappeared",
}
_MONTH_ABBR = list(calendar.month_abbr)
_SEVERITY = {"discrepancy": 0, "conflict": 1, "divergent": 2, "compatible": 3}


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
    kind: str = "event"  # event, cumulative, stock, measure
    stance: str = "reported"  # announced, verified, estimated, reported
    part: str | None = None  # the facility or group this value counts a part of the total for
    when: str | None = None  # the event day (or "as of" day) the ledger read, e.g. "25 Dec"


class ConflictPair(BaseModel):
    """Two values (indices into the group's values) that cannot both be true."""

    a: int
    b: int
    gap: float  # distance between the two intervals over the larger figure; 0 when they touch
    kind: PairKind = "conflict"


class LedgerGroup(BaseModel):
    category: str
    label: str
    anchor: str | None
    status: Status
    summary: str  # one line for people: which figures clash, or how far apart they are
    interesting: bool
    spread: float  # how far apart the stated figures of the whole are (max low / min high - 1)
    articles: list[str]
    values: list[LedgerValue]
    conflicts: list[ConflictPair] = Field(default_factory=list)
    kind: str = "event"

    @property
    def clashing(self) -> set[int]:
        """The values (indices) that cannot be true together with another of the group."""
        return {i for c in self.conflicts for i in (c.a, c.b)}


class Ledger(BaseModel):
    groups: list[LedgerGroup]

    def view(self, *, show_all: bool = False) -> Ledger:
        """The groups worth reading (values from 2+ articles or 2+ distinct values), or all."""
        return Ledger(groups=[g for g in self.groups if show_all or g.interesting])


@dataclass(frozen=True, slots=True)
class Hint:
    """What a model says a claim counts (extractor.ledger_model); None leaves the rules' reading."""

    measure: str | None = None
    kind: str | None = None
    stance: str | None = None
    part: str | None = None
    day: tuple[int | None, int, int] | None = None  # (year, month, day) of the event


@dataclass(frozen=True, slots=True)
class _When:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    window: bool = False  # a verification date: the event is this day or up to 14 days before

    def compatible(self, other: _When) -> bool:
        years = self.year is not None and other.year is not None and self.year != other.year
        if years and not (self.window or other.window):
            return False
        if self.window or other.window:
            if self.day is None or other.day is None:
                return True
            late, early = (self, other) if self.window else (other, self)
            return 0 <= _days_between(early, late) <= VERIFY_WINDOW
        if self.month is not None and other.month is not None and self.month != other.month:
            return False
        return self.day is None or other.day is None or self.day == other.day

    def label(self) -> str | None:
        if self in _LABELS:
            return _LABELS[self]
        _LABELS[self] = label = self._label()
        return label

    def _label(self) -> str | None:
        month = _MONTH_ABBR[self.month] if self.month else None
        if self.day is not None and month:
            return f"{self.day} {month}" + (f" {self.year}" if self.year else "")
        parts = [p for p in (month, str(self.year) if self.year else None) if p]
        return " ".join(parts) or None


_LABELS: dict[_When, str | None] = {}  # a few thousand distinct days at most
_UNDATED = _When()


@functools.lru_cache(maxsize=65536)
def _time(
    year: int | None, month: int | None, day: int | None, window: bool
) -> tuple[_When, str | None]:
    """One object per distinct time (they are never mutated), with its label."""
    when = _When(year, month, day, window)
    return when, when.label()


def _days_between(early: _When, late: _When) -> int:
    """Days from `early` to `late` (a year boundary counts: 25 Dec to 1 Jan is 7)."""
    year = late.year or early.year or 2001
    try:
        end = Date(year, late.month or 1, late.day or 1)
        start = Date(early.year or year, early.month or 1, early.day or 1)
    except ValueError:
        return -1
    days = (end - start).days
    if days < 0 and early.year is None:
        days += 365 + calendar.isleap(year - 1)
    return days


@dataclass(slots=True)
class _Item:
    """A quantity claim prepared for grouping: its facets, and its value as the ledger returns it.

    Compact: references to the claim's strings, no copies; `value` is built once, here.
    """

    article_id: str
    statement: str
    quote: str  # with the statement, what orders claims (ties only: see _sort_items)
    value: LedgerValue
    measure: str
    kind: str
    stance: str
    part: str | None
    when: _When
    places: frozenset[str]
    figures: tuple[float, float]  # the stated figure(s): (v, v), or (lower, upper)
    interval: Interval
    words: frozenset[str]


def build_ledger(
    records: Iterable[ArticleResult],
    hints: Mapping[tuple[str, int], Hint] | None = None,
    *,
    workers: int | None = None,
) -> Ledger:
    """Group the quantity claims of many articles by what they count, and judge each group.

    `hints` (article id, claim index) -> Hint override the rules' reading of single claims.
    `workers`: processes that read the claims of a long stream (beyond the first 20,000;
    default one a CPU, 0 reads all here); the ledger is the same whatever their number.
    """
    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic objects: the cyclic collector's passes only cost time
    try:
        return _build(records, hints or {}, workers)
    finally:
        if collecting:
            gc.enable()


def _build(
    records: Iterable[ArticleResult],
    hints: Mapping[tuple[str, int], Hint],
    workers: int | None,
) -> Ledger:
    claims = (
        ((r.id, i, c), _text(c)) for r in records for i, c in enumerate(r.claims) if c.quantity
    )
    items = [
        _item(article_id, i, c, facets, hints.get((article_id, i)))
        for (article_id, i, c), facets in read_stream(claims, workers)
    ]
    _sort_items(items)
    workers = cpus() if workers is None else workers
    forked = workers >= 2 and len(items) >= FORKED_ITEMS and may_fork()
    forest = _Forest(len(items))
    blocks: dict[tuple[str, str, str | None], list[int]] = {}
    for n, item in enumerate(items):
        blocks.setdefault((item.measure, item.kind, item.part), []).append(n)
    _cluster_blocks(items, list(blocks.values()), forest, workers if forked else 0)
    _attach_all_parts(items, blocks, forest)
    for item in items:
        item.words = frozenset()  # only grouping reads them
    groups = _judge(items, forest.groups(), workers if forked else 0)
    _sort_ties(groups, _group_rank, _group_contents)
    return Ledger(groups=groups)


def _cluster_blocks(
    items: list[_Item], blocks: list[list[int]], forest: _Forest, workers: int
) -> None:
    """Cluster each block (blocks share no claim): here, or in `workers` forked processes, each
    returning its block's roots (the largest blocks first, so no worker is left with one)."""
    if workers < 2:
        for members in blocks:
            _cluster_block(items, members, forest)
        return

    def roots(k: int) -> list[int]:  # in a worker: the blocks and forest it was forked with
        _cluster_block(items, blocks[k], forest)
        return [forest.find(n) for n in blocks[k]]

    blocks = sorted(blocks, key=len, reverse=True)
    for k, found in enumerate(forked_map(roots, range(len(blocks)), workers)):
        for n, root in zip(blocks[k], found, strict=True):
            forest.parent[n] = root


def _attach_all_parts(
    items: list[_Item], blocks: dict[tuple[str, str, str | None], list[int]], forest: _Forest
) -> None:
    """Every block of parts to the totals of its measure and kind (looked up once a block); an
    event's parts also to their own article's running total of the measure."""
    totals: dict[tuple[str, str], _Totals | None] = {}

    def of(measure: str, kind: str) -> _Totals | None:
        if (measure, kind) not in totals:
            wholes = blocks.get((measure, kind, None))
            totals[measure, kind] = _Totals.of(items, wholes, forest) if wholes else None
        return totals[measure, kind]

    for (measure, kind, part), members in blocks.items():
        if part is not None and (whole := of(measure, kind)):
            running = of(measure, "cumulative") if kind == "event" else None
            _attach_parts(items, members, whole, forest, running)


def _judge(items: list[_Item], clusters: list[list[int]], workers: int) -> list[LedgerGroup]:
    """Each cluster judged as a group, its wholes first: here, or in `workers` forked processes.

    A worker reads the clusters and claims it was forked with, and returns each group's order
    and judgement: plain data, never the claims' values, which stay this process's objects.
    """

    def judged(span: tuple[int, int]) -> list[tuple[list[int], dict[str, Any]]]:
        out = []
        for members in clusters[span[0] : span[1]]:
            order = sorted(members, key=lambda n: _part_first(items[n]))  # stable: key order
            out.append((order, _judge_group([items[n] for n in order])))
        return out

    if workers < 2:
        groups = []
        for k in range(len(clusters)):
            [(order, judgement)] = judged((k, k + 1))
            groups.append(_as_group(judgement, [items[n].value for n in order]))
            for n in order:  # what a group holds is in its values now: keep memory flat
                items[n] = None  # type: ignore[call-overload]
        return groups
    groups = []
    for done in forked_map(judged, _spans(clusters, len(items) // (workers * 8) + 1), workers):
        groups += [
            _as_group(judgement, [items[n].value for n in order]) for order, judgement in done
        ]
    return groups


def _spans(clusters: list[list[int]], size: int) -> Iterator[tuple[int, int]]:
    """Runs of consecutive clusters (start, end), about `size` claims a run."""
    start, held = 0, 0
    for end, members in enumerate(clusters, 1):
        held += len(members)
        if held >= size or end == len(clusters):
            yield start, end
            start, held = end, 0


def _group_rank(g: LedgerGroup) -> tuple[bool, int, float, int, str]:
    """Groups worth reading first, then the worst conflicts, the most articles, by label."""
    gap = max((c.gap for c in g.conflicts), default=0.0)
    return not g.interesting, _SEVERITY[g.status], -gap, -len(g.articles), g.label


def _group_contents(g: LedgerGroup) -> list[tuple[str, str]]:
    """What orders groups of equal rank: their values' articles and statements."""
    return [(v.article_id, v.statement) for v in g.values]


_T = TypeVar("_T")


def _sort_ties(xs: list[_T], first: Callable[[_T], Any], rest: Callable[[_T], Any]) -> None:
    """Sort `xs` by (first(x), rest(x)), computing `rest` only within runs of equal `first`.

    The same order as one sort by the whole key (both sorts are stable).
    """
    xs.sort(key=first)
    start = 0
    for end in range(1, len(xs) + 1):
        if end == len(xs) or first(xs[end]) != first(xs[start]):
            if end - start > 1:
                xs[start:end] = sorted(xs[start:end], key=rest)
            start = end


# --- preparing one claim -----------------------------------------------------------------------


def _text(claim: Claim) -> ClaimText:
    """The texts reading a quantity claim looks at."""
    q = claim.quantity
    assert q is not None
    return ClaimText(claim.statement, q.unit, q.text, q.value, claim.time_text, claim.date,
                     claim.location, claim.source.name)  # fmt: skip


def _item(article_id: str, index: int, claim: Claim, facets: Facets, hint: Hint | None) -> _Item:
    """A claim ready for grouping: its facets (a model's hint overrides them) and its value."""
    q = claim.quantity
    assert q is not None
    statement = claim.statement
    value = q.value if q.value is not None else q.lower if q.lower is not None else q.upper
    v = float(value or 0.0)
    low = q.lower if q.lower is not None else v
    high = q.upper if q.upper is not None else v
    figures = (low, high) if q.qualifier in ("range", "vague") else (v, v)
    measure, kind, stance, part, day, window, words = facets
    when, label = _time(*day, window)
    if hint is not None:
        measure = hint.measure or measure
        kind = hint.kind or kind
        stance = hint.stance or stance
        part = hint.part if hint.part is not None else part
        if hint.day is not None:
            when, label = _time(*hint.day, False)
    bounds = _shared_interval(q.qualifier, q.value, q.lower, q.upper)
    source = claim.source
    shown = _fast(
        LedgerValue,
        article_id=article_id,
        claim_index=index,
        figure=q.text or _shared_figure(q.qualifier, q.value, q.lower, q.upper),
        value=q.value,
        lower=q.lower,
        upper=q.upper,
        qualifier=q.qualifier,
        unit=q.unit,
        interval=bounds,
        source_name=source.name,
        source_kind=source.kind,
        statement=statement,
        time_text=claim.time_text,
        date=claim.date,
        disputed=claim.disputed,
        kind=kind,
        stance=stance,
        part=part.removeprefix("facility:") if part else None,
        when=label,
    )
    return _Item(
        article_id=article_id,
        statement=statement,
        quote=claim.evidence.quote,
        value=shown,
        measure=measure,
        kind=kind,
        stance=stance,
        part=part,
        when=when,
        places=_place_words(claim.location),
        figures=figures,
        interval=bounds,
        words=words,
    )


def _sort_items(items: list[_Item]) -> None:
    """Items in order of their contents: article, statement, then (ties only) the rest.

    The same order as sorting by the whole 9-string key, without building it for every claim.
    """
    _sort_ties(items, _first_key, _rest_key)


def _first_key(item: _Item) -> tuple[str, str]:
    return item.article_id, item.statement


def _rest_key(item: _Item) -> tuple[str, ...]:
    v = item.value
    return (v.unit, v.qualifier, str(v.value), str(v.lower), str(v.upper), v.source_name,
            item.quote)  # fmt: skip


def interval(
    qualifier: str, value: float | None, lower: float | None = None, upper: float | None = None
) -> Interval:
    """The values a qualified number allows (see the module docstring for the table)."""
    v = value if value is not None else lower if lower is not None else upper
    v = float(v or 0.0)

    if qualifier == "exact":
        return _fast(Interval, low=v, high=v, low_open=False, high_open=False)
    if qualifier == "at_least":
        return _fast(Interval, low=v, high=None, low_open=False, high_open=False)
    if qualifier == "more_than":
        return _fast(Interval, low=v, high=None, low_open=True, high_open=False)
    if qualifier == "at_most":
        return _fast(Interval, low=0.0, high=v, low_open=False, high_open=False)
    if qualifier == "less_than":
        return _fast(Interval, low=0.0, high=v, low_open=False, high_open=True)
    if qualifier == "about":
        return _fast(Interval, low=0.9 * v, high=1.1 * v, low_open=False, high_open=False)
    if qualifier == "nearly":
        return _fast(Interval, low=0.9 * v, high=v, low_open=False, high_open=True)
    low = float(lower) if lower is not None else v
    high = float(upper) if upper is not None else v
    return _fast(Interval, low=low, high=high, low_open=False, high_open=False)


#: one Interval object for each qualified figure (equal figures are common; nothing mutates them)
_shared_interval = functools.lru_cache(maxsize=65536)(interval)


# --- grouping ----------------------------------------------------------------------------------


class _Forest:
    """Union-find over item numbers, with per-root summaries used to refuse bad merges."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.places: dict[int, frozenset[str]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        root, child = min(ra, rb), max(ra, rb)  # the smaller index: deterministic
        self.parent[child] = root
        merged = self.places.get(root, frozenset()) | self.places.pop(child, frozenset())
        if merged:
            self.places[root] = merged
        return root

    def places_agree(self, a: int, places: frozenset[str]) -> bool:
        mine = self.places.get(self.find(a), frozenset())
        return not mine or not places or bool(mine & places)

    def shares_place(self, a: int, places: frozenset[str]) -> bool:
        """Both say where, and a place word is the same."""
        return bool(self.places.get(self.find(a), frozenset()) & places)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for n in range(len(self.parent)):
            out.setdefault(self.find(n), []).append(n)
        return list(out.values())


def _ratio(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far apart two stated figures are: 1 when they overlap, else larger / smaller."""
    low, high = max(a[0], b[0]), min(a[1], b[1])
    if low <= high:
        return 1.0
    return math.inf if high <= 0 else low / high


def _cluster_block(items: list[_Item], members: list[int], forest: _Forest) -> None:
    """Dated claims by day; verifications dated by their report to the event they fit; undated
    ones by a sweep over their figures, then to the dated cluster they fit best."""
    by_day: dict[tuple[int, int], list[int]] = {}  # (month, day): years are told apart below
    windowed: list[int] = []
    undated: list[int] = []
    for n in members:
        w = items[n].when
        if w.day is not None and w.month is not None:
            (windowed if w.window else by_day.setdefault((w.month, w.day), [])).append(n)
        else:
            undated.append(n)
        if items[n].places:
            forest.places[n] = items[n].places
    stock = items[members[0]].kind in ("stock", "cumulative")
    cores: dict[int, list[int]] = {}  # dated cluster root -> its members
    for day_members in by_day.values():
        for cluster in _same_day(items, day_members, forest):
            cores[forest.find(cluster[0])] = cluster
    index = _FigureIndex(items, cores)
    unattached: dict[tuple[int, int], list[int]] = {}
    for n in windowed:
        target = index.best([n], forest, stock)
        if target is None:
            w = items[n].when
            unattached.setdefault((w.month or 0, w.day or 0), []).append(n)
        else:
            forest.union(target, n)
            cores[target].append(n)  # keyed by the root the index knows
            index.about.pop(target, None)
    for day_members in unattached.values():  # verifications of events nobody else dated
        for cluster in _same_day(items, day_members, forest):
            cores[forest.find(cluster[0])] = cluster
    cores = {forest.find(root): ms for root, ms in cores.items()}
    index = _FigureIndex(items, cores)
    tolerance = MAX_RATIO if stock else 1 + CLOSE_FIGURES
    for cluster in _sweep(items, undated, forest, tolerance):
        target = index.best(cluster, forest, stock) if cores else None
        if target is not None:
            forest.union(target, cluster[0])


def _same_day(items: list[_Item], members: list[int], forest: _Forest) -> list[list[int]]:
    """Claims of one day of the year: one event, unless their years, places or topics tell them
    apart ("25 December" joins "25 December 2025"; 25 December 2024 stays apart)."""
    clusters: list[tuple[list[int], set[str], set[int]]] = []  # members, topic words, years
    for n in members:
        item = items[n]
        year = item.when.year
        for cluster, words, years in clusters:
            first = items[cluster[0]]
            if (
                (year is None or not years or years == {year})
                and forest.places_agree(cluster[0], item.places)
                and (
                    _shares_topic(item.words, words)
                    or _ratio(item.figures, first.figures) == 1
                    or (item.kind != "event" and forest.shares_place(cluster[0], item.places))
                )
            ):
                forest.union(cluster[0], n)
                cluster.append(n)
                words |= item.words
                years |= {year} if year is not None else set()
                break
        else:
            clusters.append(([n], set(item.words), {year} if year is not None else set()))
    return [cluster for cluster, _, _ in clusters]


def _shares_topic(a: frozenset[str], b: set[str]) -> bool:
    return len(a & b) / max(2, min(len(a), len(b))) >= MIN_TOPIC


@dataclass(slots=True)
class _Open:
    """A cluster of the sweep, still open to figures within reach of its highest one."""

    members: list[int]
    high: float
    low: float  # the lowest upper end of its figures
    words: set[str]
    articles: set[str]

    def reach(self, tolerance: float) -> float:
        """The highest figure that may still join: within `tolerance` of the highest, and the
        cluster never spanning more than MAX_RATIO."""
        return min(self.high * tolerance, self.low * MAX_RATIO)


def _sweep(
    items: list[_Item], members: list[int], forest: _Forest, tolerance: float
) -> list[list[int]]:
    """Undated claims in order of their figure, each joining an open cluster within reach that
    is of the same article or shares a topic word with it.

    A cluster never spans more than MAX_RATIO: figures 10% apart one after the other (100, 108,
    117, 127...) would otherwise chain into one cluster of every figure of a large archive.

    Open clusters are kept per place word (and one pool for clusters with no place); a claim
    looks at the most recent CANDIDATES of the pools its places can join, and a claim with no
    place also at the CANDIDATES clusters touched last: bounded work per claim, whatever the
    number of stories of one kind.
    """
    order = sorted(members, key=lambda n: items[n].figures)  # members are in key order
    clusters: list[_Open] = []
    pools: dict[str, deque[_Open]] = {}
    recent: deque[_Open] = deque(maxlen=CANDIDATES)
    for n in order:
        item = items[n]
        low = item.figures[0]
        looked: list[deque[_Open]] = [pools.setdefault(k, deque()) for k in sorted(item.places)]
        looked.append(pools.setdefault("", deque()))
        if not item.places:
            looked.append(recent)
        joined = None
        for pool in looked:
            while pool and pool[0].reach(tolerance) < low:  # the oldest are the lowest
                pool.popleft()
            for entry in itertools.islice(reversed(pool), CANDIDATES):
                if entry.reach(tolerance) < low:
                    continue
                related = item.article_id in entry.articles or _shares_topic(
                    item.words, entry.words
                )
                if related and forest.places_agree(entry.members[0], item.places):
                    joined = entry
                    break
            if joined:
                break
        if joined is None:
            high = item.figures[1]
            joined = _Open([n], high, high, set(item.words), {item.article_id})
            clusters.append(joined)
            for k in sorted(item.places) or [""]:
                pools.setdefault(k, deque()).append(joined)
        else:
            forest.union(joined.members[0], n)
            joined.members.append(n)
            joined.high = max(joined.high, item.figures[1])
            joined.low = min(joined.low, item.figures[1])
            joined.words |= item.words
            joined.articles.add(item.article_id)
        recent.append(joined)
    return [c.members for c in clusters]


@dataclass(slots=True)
class _Side:
    """The extremes of a set of stated figures: enough to compare two sets without all pairs."""

    max_low: float = -math.inf
    min_low: float = math.inf
    min_high: float = math.inf
    max_high: float = -math.inf

    def add(self, figures: tuple[float, float]) -> None:
        low, high = figures
        self.max_low, self.min_low = max(self.max_low, low), min(self.min_low, low)
        self.min_high, self.max_high = min(self.min_high, high), max(self.max_high, high)

    @property
    def empty(self) -> bool:
        return self.min_low == math.inf

    def farthest(self, other: _Side) -> float:
        """The largest ratio between a figure here and one there (1 when all overlap)."""
        worst = 1.0
        for low, high in ((self.max_low, other.min_high), (other.max_low, self.min_high)):
            worst = max(worst, math.inf if high <= 0 else low / high)
        return worst


@dataclass(slots=True)
class _Core:
    """A dated cluster as the undated ones see it."""

    when: _When
    figures: list[tuple[float, float]]  # sorted
    verified: _Side
    others: _Side
    members: list[int]


class _FigureIndex:
    """Dated clusters of one block, looked up by their nearest figures (bounded, no all-pairs)."""

    def __init__(self, items: list[_Item], cores: dict[int, list[int]]) -> None:
        self.items = items
        self.cores: dict[int, _Core] = {}
        self.about: dict[int, _About] = {}  # a core's articles and words, once looked at
        entries = set()
        for root, ms in cores.items():
            core = _Core(
                items[ms[0]].when, sorted({items[n].figures for n in ms}), _Side(), _Side(), ms
            )
            for n in ms:
                (core.verified if items[n].stance == "verified" else core.others).add(
                    items[n].figures
                )
            self.cores[root] = core
            entries |= {(math.log(max(f[0], 1e-9)), root) for f in core.figures}
        ordered = sorted(entries)
        self.logs = [e[0] for e in ordered]
        self.roots = [e[1] for e in ordered]

    def candidates(self, figure: float) -> list[int]:
        """Up to CANDIDATES distinct clusters whose figures are nearest `figure`, within 3x."""
        at = math.log(max(figure, 1e-9))
        reach = math.log(MAX_RATIO)
        left = bisect.bisect_left(self.logs, at) - 1
        right = left + 1
        found: list[int] = []
        while len(found) < CANDIDATES:
            dl = at - self.logs[left] if left >= 0 else math.inf
            dr = self.logs[right] - at if right < len(self.logs) else math.inf
            if min(dl, dr) > reach:
                break
            if dl <= dr:
                root, left = self.roots[left], left - 1
            else:
                root, right = self.roots[right], right + 1
            if root not in found:
                found.append(root)
        return found

    def best(self, cluster: list[int], forest: _Forest, stock: bool) -> int | None:
        if not self.logs:
            return None
        loose = _Loose.of([self.items[n] for n in cluster])
        places = frozenset().union(*(self.items[n].places for n in cluster))
        # "hundreds" fits any figure from 200 to 999: it needs more than that to join an event
        vague = all(high > 2 * max(low, 1.0) for low, high in loose.figures)
        claims = [self.items[n] for n in cluster]
        scored = []
        for root in self.candidates(loose.figures[len(loose.figures) // 2][0]):
            if vague and not self.related(claims, root):
                continue
            if forest.places_agree(root, places):
                fit = _fit(loose, self.cores[root], stock)
                if fit is None:
                    continue
                score, close = fit
                # the same figure alone is no evidence across stories: from another article it
                # needs a shared topic word or place (an announced-vs-verified pair needs neither)
                if close and not (forest.shares_place(root, places) or self.related(claims, root)):
                    continue
                scored.append((score, root))
        return min(scored)[1] if scored else None

    def related(self, claims: list[_Item], root: int) -> bool:
        if root not in self.about:
            self.about[root] = _about(self.items, self.cores[root].members)
        return _related(claims, self.about[root])


def _related(claims: list[_Item], others: _About) -> bool:
    """Of an article of the others, or sharing a topic word with them."""
    articles, words = others
    if any(m.article_id in articles for m in claims):
        return True
    return any(_shares_topic(m.words, words) for m in claims)


_About = tuple[set[str], set[str]]  # a cluster's articles and topic words


def _about(items: list[_Item], members: list[int]) -> _About:
    return {items[n].article_id for n in members}, set().union(*(items[n].words for n in members))


def _nearest(figures: tuple[float, float], sorted_figures: list[tuple[float, float]]) -> float:
    """The smallest ratio between `figures` and a figure of the sorted list (its neighbours)."""
    at = bisect.bisect_left(sorted_figures, figures)
    near = sorted_figures[max(0, at - 2) : at + 2]
    return min(_ratio(figures, other) for other in near)


@dataclass(slots=True)
class _Loose:
    """An undated cluster as the dated ones see it: distinct figures, times and both sides."""

    figures: list[tuple[float, float]]
    whens: set[_When]
    verified: _Side
    others: _Side

    @classmethod
    def of(cls, items: list[_Item]) -> _Loose:
        loose = cls(sorted({m.figures for m in items}), {m.when for m in items}, _Side(), _Side())
        for m in items:
            (loose.verified if m.stance == "verified" else loose.others).add(m.figures)
        return loose


def _fit(loose: _Loose, core: _Core, stock: bool) -> tuple[float, bool] | None:
    """How well an undated cluster fits a dated one (lower is better) and whether by a close
    figure (else as the other side of an announced-vs-verified pair), or None if it does not.

    A cluster fits when one of its figures is within 10% of one of the event's, or when it is
    the other side of the event's announced-vs-verified pair: verified figures at most the
    announced ones and within 3x, and no figure on its own side that it contradicts.
    """
    if not all(w.compatible(core.when) for w in loose.whens):
        return None
    small, large = sorted((loose.figures, core.figures), key=len)
    ratio = min(_nearest(f, large) for f in small)
    if ratio <= 1 + CLOSE_FIGURES:
        return ratio, True
    if stock or ratio > MAX_RATIO:
        return None
    mine, theirs = loose.verified, loose.others
    if not mine.empty and not theirs.empty:  # the cluster holds both sides: no pair to explain
        return None
    cluster = mine if not mine.empty else theirs
    if not mine.empty:
        verified, announced, same_side = mine, core.others, core.verified
    else:
        verified, announced, same_side = core.verified, theirs, core.others
    if verified.empty or announced.empty or verified.max_high > announced.min_low:
        return None
    if not same_side.empty and cluster.farthest(same_side) > 1 + CLOSE_FIGURES:
        return None
    return ratio, False


@dataclass(slots=True)
class _Totals:
    """The clusters of whole counts of one (measure, kind), as parts look them up.

    Each cluster is known by its first member (its root before any part joins it), so which
    total a part joins does not depend on the order the blocks of parts are attached in.
    """

    members: dict[int, list[int]]  # cluster -> its whole counts
    by_article: dict[str, list[int]]  # article -> the clusters holding its whole counts
    tops: list[tuple[float, int]]  # (the cluster's highest figure, cluster), sorted
    top_figures: list[float]
    about: dict[int, _About]  # cluster -> its articles and topic words, once looked at

    @classmethod
    def of(cls, items: list[_Item], wholes: list[int], forest: _Forest) -> _Totals:
        members: dict[int, list[int]] = {}
        for n in wholes:
            members.setdefault(forest.find(n), []).append(n)
        members = {ms[0]: ms for ms in members.values()}
        by_article: dict[str, list[int]] = {}
        for root, ms in members.items():
            for n in ms:
                by_article.setdefault(items[n].article_id, []).append(root)
        tops = sorted((max(items[n].figures[1] for n in ms), root) for root, ms in members.items())
        return cls(members, by_article, tops, [t[0] for t in tops], {})

    def about_cluster(self, cluster: int, items: list[_Item]) -> _About:
        """Its articles and topic words, worked out once: a total may have thousands of claims."""
        if cluster not in self.about:
            self.about[cluster] = _about(items, self.members[cluster])
        return self.about[cluster]


def _attach_parts(
    items: list[_Item],
    parts: list[int],
    totals: _Totals,
    forest: _Forest,
    running: _Totals | None = None,
) -> None:
    """Each cluster of parts joins its total: the same article's first, else the nearest larger.

    An undated part whose article counts a running total of the measure (`running`) and no
    event of it is a part of that total ("37 of the prisoners whose release the group verified
    were held at Rodeo I", in the group's tally since 25 December), not another article's
    event of about its figure."""
    clusters: dict[int, list[int]] = {}
    for n in parts:
        clusters.setdefault(forest.find(n), []).append(n)
    for root in sorted(clusters):
        ms = [items[n] for n in clusters[root]]
        whens = list(dict.fromkeys(m.when for m in ms))  # the distinct times: few
        high = max(m.figures[1] for m in ms)
        own = sorted({r for m in ms for r in totals.by_article.get(m.article_id, [])})
        tally = (
            []
            if running is None or own or whens != [_UNDATED]
            else sorted({r for m in ms for r in running.by_article.get(m.article_id, [])})
        )
        target = tally[0] if tally else _same_count(ms, whens, high, totals, items)
        if target is None:
            target = next(
                (r for r in own if _part_fits(whens, items[totals.members[r][0]].when, True)),
                None,
            )
        if target is None:
            tops = totals.tops
            start = bisect.bisect_left(totals.top_figures, high)
            nearest = (tops[k][1] for k in range(start, min(start + CANDIDATES, len(tops))))
            target = next(
                (r for r in nearest if _part_fits(whens, items[totals.members[r][0]].when, False)),
                None,
            )
        if target is not None:
            forest.union(target, root)


def _same_count(
    parts: list[_Item],
    whens: list[_When],
    high: float,
    totals: _Totals,
    items: list[_Item],
) -> int | None:
    """A total within 10% of the part's figure and of the same time (or the part says none):
    the part is that count told with its place ("87 released from Tocorón" is the day's 87,
    not a part of the article's 99), if it is of an article of that count or shares a topic
    word with it. A part dated 2022 never joins an undated total."""
    undated = whens == [_UNDATED]
    tops = totals.tops
    low_end = bisect.bisect_left(tops, (high / (1 + CLOSE_FIGURES), -1))
    best: tuple[float, int] | None = None
    for top, r in tops[low_end : low_end + CANDIDATES]:
        if top > high * (1 + CLOSE_FIGURES):
            break
        when = items[totals.members[r][0]].when
        if (
            all(w.compatible(when) for w in whens)
            and (undated or any(_shared_time(w, when) for w in whens))
            and _related(parts, totals.about_cluster(r, items))
        ):
            best = min(best or (abs(top - high), r), (abs(top - high), r))
    return best[1] if best else None


def _part_fits(whens: list[_When], when: _When, same_article: bool) -> bool:
    """Parts (of these times) fit a total of a compatible time; from another article, of a time
    both state. Places are not compared: a prison is in its country.
    """
    if not same_article and not any(_shared_time(w, when) for w in whens):
        return False
    return all(w.compatible(when) for w in whens)


def _shared_time(a: _When, b: _When) -> bool:
    """Both say when, and agree on it (a day, or a year)."""
    if a.day is not None and b.day is not None:
        return a.compatible(b)
    return a.year is not None and a.year == b.year


# --- judging a group ---------------------------------------------------------------------------


_Pair = tuple[int, int, float, PairKind]  # a conflict before it is listed: a, b, gap, kind


def _pairs(items: list[_Item], indices: list[int]) -> list[_Pair]:
    """Pairs among `indices` whose intervals do not overlap.

    Up to EXACT_PAIRS values every pair is compared; in larger groups, the pairs between the
    PAIR_EXTREMES values with the lowest upper ends and those with the highest lower ends (the
    pairs with the largest gaps), so a group of 10,000 figures costs no 50 million comparisons.
    """
    if len(indices) > EXACT_PAIRS:

        def high(i: int) -> float:
            h = items[i].interval.high
            return math.inf if h is None else h

        lows = sorted(indices, key=high)[:PAIR_EXTREMES]
        highs = sorted(indices, key=lambda i: -items[i].interval.low)[:PAIR_EXTREMES]
        pairs = {(min(i, j), max(i, j)) for i in lows for j in highs if i != j}
    else:
        pairs = {(i, j) for x, i in enumerate(indices) for j in indices[x + 1 :]}
    out = []
    for i, j in sorted(pairs):
        a, b = items[i], items[j]
        if a.interval.overlaps(b.interval):
            continue
        lower, upper = (a, b) if a.interval.below(b.interval) else (b, a)
        gap = (upper.interval.low - (lower.interval.high or 0.0)) / max(upper.interval.low, 1)
        sources = lower.stance == "verified" and upper.stance != "verified"
        kind: PairKind = "sources" if sources else "conflict"
        out.append((i, j, round(gap, 4), kind))
    return out


def _widest(found: list[_Pair]) -> list[_Pair]:
    """At most LISTED_CONFLICTS of each kind, the widest, in their order: a group with a
    thousand parts would otherwise list (and summarise) over a hundred thousand pairs."""
    counts = Counter(kind for *_, kind in found)
    if max(counts.values(), default=0) <= LISTED_CONFLICTS:
        return found
    keep: set[int] = set()
    for kind in counts:
        at = [x for x, pair in enumerate(found) if pair[3] == kind]
        keep.update(heapq.nlargest(LISTED_CONFLICTS, at, key=lambda x: (found[x][2], -x)))
    return [pair for x, pair in enumerate(found) if x in keep]


def _as_group(judged: dict[str, Any], values: list[LedgerValue]) -> LedgerGroup:
    """The group a judgement describes, with its values (typed fields: nothing to validate)."""
    conflicts = [_fast(ConflictPair, a=a, b=b, gap=gap, kind=k) for a, b, gap, k in judged["pairs"]]
    given = {**judged, "values": values, "conflicts": conflicts}
    return _fast(LedgerGroup, **{name: given[name] for name in LedgerGroup.model_fields})


def _judge_group(items: list[_Item]) -> dict[str, Any]:
    """The fields of the group of these claims but its values, conflicts as plain `pairs`: what
    a worker returns (plain data pickles ~10x faster than pydantic objects)."""
    values = [item.value for item in items]
    whole = [i for i, item in enumerate(items) if item.part is None]
    by_part: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        if item.part is not None:
            by_part.setdefault(item.part, []).append(i)
    found = _pairs(items, whole)
    by_high = sorted(whole, key=lambda j: math.inf if (h := items[j].interval.high) is None else h)
    for indices in by_part.values():
        found += _pairs(items, indices)
        highest = sorted(indices, key=lambda i: -items[i].interval.low)[:PAIR_EXTREMES]
        for i in sorted(highest):
            for j in by_high[:PAIR_EXTREMES]:  # the totals with the lowest upper ends
                if not items[j].interval.below(items[i].interval):
                    break
                part = items[i].interval.low
                gap = (part - (items[j].interval.high or 0.0)) / max(part, 1)
                found.append((j, i, round(gap, 4), "part_exceeds_total"))
    conflicts = _widest(found)
    core = [items[i] for i in whole] or items
    low = max(item.figures[0] for item in core)
    high = min(item.figures[1] for item in core)
    spread = 0.0 if low <= high else (math.inf if high <= 0 else low / high - 1)
    status: Status = (
        "conflict" if any(c[3] != "sources" for c in conflicts)
        else "discrepancy" if conflicts
        else "divergent" if spread > DIVERGENCE
        else "compatible"
    )  # fmt: skip
    articles = sorted({item.article_id for item in items})
    distinct = {(v.qualifier, v.value, v.lower, v.upper) for v in values}
    whens = [item.when for item in core]
    when = next((w for w in whens if w.day is not None and not w.window), None) or next(
        (w for w in whens if w.day is not None or w.month or w.year), None
    )
    first = core[0]
    anchor = when.label() if when else None
    if first.kind == "cumulative":
        anchor = "cumulative" + (f" as of {anchor}" if anchor else "")
    elif first.kind == "stock" and anchor:
        anchor = f"as of {anchor}"
    counts = Counter(v.unit for v in values)
    units = sorted(counts, key=lambda u: (-counts[u], u))
    return {
        "category": first.measure,
        "label": CATEGORY_LABELS.get(first.measure, units[0]),
        "anchor": anchor,
        "status": status,
        "summary": _summary(values, conflicts, spread),
        "interesting": len(articles) >= 2 or len(distinct) >= 2,
        "spread": round(spread, 4) if math.isfinite(spread) else 1e9,
        "articles": articles,
        "pairs": conflicts,
        "kind": first.kind,
    }


def _part_first(item: _Item) -> tuple[bool, str]:
    """The whole first, then each part (by label)."""
    return item.part is not None, item.part or ""


def _summary(values: list[LedgerValue], conflicts: list[_Pair], spread: float) -> str:
    """One line for people: which figures clash (sources first, largest gap first)."""
    parts = []
    texts: dict[int, str] = {}  # id of an Interval -> its text: values share a few intervals

    def text_of(interval: Interval) -> str:
        if (text := texts.get(id(interval))) is None:
            text = texts[id(interval)] = str(interval)
        return text

    for kind, lead in (
        ("sources", "the sources disagree: "),
        ("conflict", "cannot all be true: "),
        ("part_exceeds_total", "a part exceeds its total: "),
    ):
        seen: dict[tuple[str, str], str] = {}
        for i, j, gap, _ in sorted((c for c in conflicts if c[3] == kind), key=lambda c: -c[2]):
            a, b = sorted((values[i], values[j]), key=lambda v: v.interval.low)
            key = (text_of(a.interval), text_of(b.interval))
            if key in seen:
                continue
            if kind == "sources":
                text = f"{b.stance} {b.figure} ({b.source_name}) vs "
                text += f"verified {a.figure} ({a.source_name})"
            else:
                text = f"{a.figure} vs {b.figure}"
            seen[key] = f"{text} (gap {gap:.0%})"
        if seen:
            shown = list(seen.values())
            more = f"; and {len(shown) - 3} more" if len(shown) > 3 else ""
            parts.append(lead + "; ".join(shown[:3]) + more)
    if spread > DIVERGENCE:

        def nominal(v: LedgerValue) -> tuple[float, float]:
            if v.value is not None:
                return v.value, v.value
            return v.lower or 0.0, v.upper if v.upper is not None else math.inf

        whole = [v for v in values if v.part is None] or values
        low = min(whole, key=lambda v: nominal(v)[1])  # the pair that sets the spread
        high = max(whole, key=lambda v: nominal(v)[0])
        lead = "" if conflicts else "compatible as bounds, but "
        parts.append(f"{lead}the stated figures run from {low.figure} to {high.figure}")
    if not parts:
        parts.append("the figures agree" if len(values) > 1 else "one figure")
    return "; ".join(parts)


def _fast(cls: type[_M], **fields: object) -> _M:
    """`cls.model_construct` without its per-field loop: these fields are typed.

    When every field is given, the objects of a class share one "fields set" (a set of 19 names
    is 2.3 KB, more than the rest of a LedgerValue): pydantic only ever adds to it the name of an
    assigned field, which a complete set already holds.
    """
    obj = cls.__new__(cls)
    shared = _FIELDS_SET.get(cls)
    if shared is None:
        shared = _FIELDS_SET[cls] = set(cls.model_fields)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(
        obj, "__pydantic_fields_set__", shared if len(fields) == len(shared) else set(fields)
    )
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


_FIELDS_SET: dict[type[BaseModel], set[str]] = {}  # class -> all its field names (shared)


def _figure(qualifier: str, value: float | None, lower: float | None, upper: float | None) -> str:
    words = {"at_least": "at least", "more_than": "more than", "at_most": "at most",
             "less_than": "less than", "about": "about", "nearly": "nearly"}  # fmt: skip
    if value is None:
        return f"{_num(lower or 0)}–{_num(upper) if upper is not None else '?'}"
    return f"{words[qualifier]} {_num(value)}" if qualifier in words else _num(value)


_shared_figure = functools.lru_cache(maxsize=65536)(_figure)  # figures repeat: format each once


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")
