"""When a predicted claim states the same fact as a gold claim: the match rule.

The statement carries the match. A (prediction, gold) pair of one article may match only when
all of these hold:

1. numbers agree: every number in one statement also occurs in the other ("at least 60" and
   "60 prisoners" agree; a statement that adds "the July 2024 election" as context agrees;
   60 and 82 do not), and either both state a count (a number that is not a year, 1900–2100)
   or neither does;
2. polarity agrees: both statements negate, or neither ("not", "no", "never", "n't", ...;
   counted, so "It is not true that X" never matches X);
3. the main actors agree: the names in the statements (capitalised words that are not
   sentence furniture) are not disjoint when both name someone;
4. text similarity of the statements clears its own bar (TEXT_MIN);
5. the evidence is the same place: intersection over union of the spans >= EVIDENCE_MIN (a
   quote that spans the whole article overlaps every gold span but by little).

Among the pairs allowed, the matcher takes the one-to-one assignment that maximises
WEIGHT_TEXT * text + (1 - WEIGHT_TEXT) * evidence. Metadata (quantity, source, date, ...) plays
no part in matching: it is scored separately, over all gold claims.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ..schemas import Claim

TEXT_MIN = 0.60
EVIDENCE_MIN = 0.10
WEIGHT_TEXT = 0.7

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_NUMBER_WORDS = {
    w: float(i)
    for i, w in enumerate(
        re.findall(
            r"\w+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty",
        )
    )
    if i >= 2  # "one" is mostly a pronoun ("one of the ..."); zero never a count here
}
_CAPITALISED = re.compile(r"\b[A-Z]\w*")  # "Venezuela's" -> "Venezuela"
NOT_ACTORS = set(
    """a an the in on at it its this that these those there their they he she we our his her
    according after before despite since during some many more most about over nearly almost
    as by for of with while but and or if when what who which where why how is are was were
    be been has have had all any each both other such than then also only just so yet still
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december christmas new year""".split()  # noqa: SIM905
)


def _fold(text: str) -> str:
    """Case and accents folded ("Nicolás" = "nicolas")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Features(NamedTuple):
    """What the rule reads from one statement, computed once per statement."""

    text: str  # folded words, sorted (token_sort / token_set compare these)
    numbers: frozenset[float]  # counts: every number that is not a year
    years: frozenset[float]
    negations: int
    actors: frozenset[str]


_NEGATIONS = frozenset(
    ("not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot")
)
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=262144)
def features(statement: str) -> Features:
    words = default_process(statement).split()  # rapidfuzz: lower-cased, punctuation to spaces
    numbers = (
        {
            float(m.group(1).replace(",", "") + (f".{m.group(2)}" if m.group(2) else ""))
            for m in _NUMBER.finditer(statement)
        }
        if _DIGIT.search(statement)
        else set()
    )
    unique = set(words)
    if not unique.isdisjoint(_NUMBER_WORDS):
        numbers.update(_NUMBER_WORDS[w] for w in unique & _NUMBER_WORDS.keys())
    negations = sum(map(_NEGATIONS.__contains__, words))
    if "n't" in statement or "n’t" in statement:
        negations += statement.count("n't") + statement.count("n’t")
    actors = set()
    for word in _CAPITALISED.findall(statement):
        folded = word.lower() if word.isascii() else _fold(word)
        if folded not in NOT_ACTORS:
            actors.add(folded[:5])  # "Venezuela" and "Venezuelan" are one actor
    years = {n for n in numbers if n.is_integer() and 1900 <= n <= 2100}
    return Features(
        " ".join(sorted(words)),
        frozenset(numbers - years) if numbers else _EMPTY,
        frozenset(years) if years else _EMPTY,
        negations,
        frozenset(actors),
    )


_EMPTY: frozenset = frozenset()


def _bits(sets: list[frozenset], table: dict) -> np.ndarray:
    """Each set as a bitmask over the values seen in this article (object ints if > 63)."""
    masks = []
    for values in sets:
        mask = 0
        for v in values:
            mask |= 1 << table.setdefault(v, len(table))
        masks.append(mask)
    dtype = np.int64 if len(table) < 63 else object
    return np.array(masks, dtype=dtype)


def text_similarity(a: Features, b: Features) -> float:
    """Mean of token_sort_ratio (word order free) and token_set_ratio (one side may add
    context) on folded words, 0..1."""
    if a.text == b.text:
        return 1.0
    return (fuzz.ratio(a.text, b.text) + fuzz.token_set_ratio(a.text, b.text)) / 200.0


def text_matrix(p: Sequence[Features], g: Sequence[Features], where: np.ndarray) -> np.ndarray:
    """Text similarity of the pairs in `where` (0 elsewhere): the costly part of the rule, so
    it is only computed for pairs that already pass the cheap ones."""
    out = np.zeros(where.shape, dtype=np.float64)
    for i, j in zip(*np.nonzero(where), strict=True):
        out[i, j] = text_similarity(p[i], g[j])
    return out


def rule_matrix(p: Sequence[Features], g: Sequence[Features]) -> np.ndarray:
    """Rules 1–3 for every pair: numbers, polarity, actors."""
    numbers: dict = {}
    pn = _bits([f.numbers | f.years for f in p], numbers)[:, None]
    gn = _bits([f.numbers | f.years for f in g], numbers)[None, :]
    subset = ((pn & ~gn) == 0) | ((gn & ~pn) == 0)
    p_counts = np.array([bool(f.numbers) for f in p])[:, None]
    g_counts = np.array([bool(f.numbers) for f in g])[None, :]
    number_ok = subset & (p_counts == g_counts)
    polarity_ok = (
        (np.array([f.negations % 2 for f in p])[:, None])
        == (np.array([f.negations % 2 for f in g])[None, :])
    )
    actors: dict = {}
    pa, ga = _bits([f.actors for f in p], actors), _bits([f.actors for f in g], actors)
    pa, ga = pa[:, None], ga[None, :]
    actors_ok = (pa == 0) | (ga == 0) | ((pa & ga) != 0)
    return np.asarray(number_ok & polarity_ok & actors_ok, dtype=bool)


Span = tuple[int | None, int | None]


def iou_matrix(p: Sequence[Span], g: Sequence[Span]) -> np.ndarray:
    """Intersection over union of character spans; 0 where a span is missing."""
    ps = np.array([s if s is not None and e is not None else -1 for s, e in p], dtype=np.float64)
    pe = np.array([e if s is not None and e is not None else -1 for s, e in p], dtype=np.float64)
    gs = np.array([s if s is not None and e is not None else -1 for s, e in g], dtype=np.float64)
    ge = np.array([e if s is not None and e is not None else -1 for s, e in g], dtype=np.float64)
    inter = np.minimum(pe[:, None], ge[None, :]) - np.maximum(ps[:, None], gs[None, :])
    inter = np.clip(inter, 0, None)
    union = (pe - ps)[:, None] + (ge - gs)[None, :] - inter
    valid = (ps >= 0)[:, None] & (gs >= 0)[None, :] & (union > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(valid, inter / np.where(union > 0, union, 1), 0.0)


def spans(claims: Sequence[Claim]) -> list[Span]:
    return [(c.evidence.start, c.evidence.end) for c in claims]


@dataclass(slots=True)
class PairScores:
    """Per-pair matrices of one article, shape (len(preds), len(golds)). `text` is computed
    only where the other rules pass (and, for a judge, wherever the spans overlap)."""

    text: np.ndarray
    evidence: np.ndarray
    rules: np.ndarray

    @property
    def allowed(self) -> np.ndarray:
        return self.rules & (self.text >= TEXT_MIN) & (self.evidence >= EVIDENCE_MIN)

    @property
    def weight(self) -> np.ndarray:
        return WEIGHT_TEXT * self.text + (1 - WEIGHT_TEXT) * self.evidence


def pair_scores(
    p: Sequence[Features],
    g: Sequence[Features],
    p_spans: Sequence[Span],
    g_spans: Sequence[Span],
    *,
    any_overlap: bool = False,
) -> PairScores:
    """Scores of every pair; `any_overlap` computes text for every pair whose spans overlap
    at all (the judge's candidates), not only for those the rule could allow."""
    evidence = iou_matrix(p_spans, g_spans)
    rules = rule_matrix(p, g)
    where = evidence > 0 if any_overlap else rules & (evidence >= EVIDENCE_MIN)
    return PairScores(text=text_matrix(p, g, where), evidence=evidence, rules=rules)


def quantity_key(claim: Claim) -> tuple[float | None, float | None, float | None] | None:
    q = claim.quantity
    return None if q is None else (q.value, q.lower, q.upper)
