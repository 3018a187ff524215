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
   sentence furniture, nor words the article itself writes in lower case: "Police said …" names
   no one where the article speaks of "the police") are not disjoint when both name someone;
4. text similarity of the statements clears its own bar (TEXT_MIN);
5. the evidence is the same place: intersection over union of the spans >= EVIDENCE_MIN (a
   quote that spans the whole article overlaps every gold span but by little).

Among the pairs allowed, the matcher takes the one-to-one assignment that maximises
WEIGHT_TEXT * text + (1 - WEIGHT_TEXT) * evidence, plus QUANTITY_TIE_BREAK when the two
quantities are equal (or both absent). That small term only settles near-ties: two counts of
one sentence whose statements read almost alike go to the gold claims of the same counts, not
crosswise. Which pairs may match never depends on metadata (quantity, source, date, ...); the
fields are scored separately, over all gold claims.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ..schemas import Claim

TEXT_MIN = 0.60
EVIDENCE_MIN = 0.10
WEIGHT_TEXT = 0.7
QUANTITY_TIE_BREAK = 0.02  # a text similarity 0.03 apart still decides

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
_FURNITURE = frozenset(
    """a an the in on at it its this that these those there their they he she we our his her
    according after before despite since during some many more most about over nearly almost
    as by for of with while but and or if when what who which where why how is are was were
    be been has have had all any each both other such than then also only just so yet still
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december christmas new year
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands dozen dozens several few fewer among others another
    el la los las lo un una unos unas del al de y o pero en con por para sin sobre entre desde
    hasta durante tras según ante este esta estos estas ese esa esos esas su sus se que como
    cuando donde también ya casi más menos muy solo uno dos tres cuatro cinco seis siete ocho
    nueve diez once doce cientos miles decenas varios varias otros otras lunes martes miércoles
    jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre
    octubre noviembre diciembre navidad""".split()  # noqa: SIM905
)  # sentence furniture: capitalised at a sentence's start, never a name (English and Spanish)


def fold(text: str) -> str:
    """Case and accents folded ("Nicolás" = "nicolas")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


NOT_ACTORS = _FURNITURE | {fold(w) for w in _FURNITURE}  # "Según" is folded to "segun"


class Features(NamedTuple):
    """What the rule reads from one statement, computed once per statement."""

    text: str  # folded words, sorted (token_sort / token_set compare these)
    numbers: frozenset[float]  # counts: every number that is not a year
    all_numbers: frozenset[float]  # counts and years
    negations: int
    actors: frozenset[str]


_NEGATIONS = frozenset(
    ("not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot")
)


_WORD = re.compile(r"(?<![\w’'-])[^\W\d_][\w’'-]*")


def common_words(text: str) -> frozenset[str]:
    """The words an article writes in lower case (folded): "police", "taken", "alrededor". A
    statement that starts with one of them capitalised names no one by it; a name ("Foro",
    "Maduro", "Venezuela") is never written so."""
    return frozenset(fold(w) for w in _WORD.findall(text) if w[0].islower())


def features(statement: str, common: frozenset[str] = frozenset()) -> Features:
    """What rules 1–4 read from one statement; a capitalised word in `common` (the article's
    lower-case words) is no actor."""
    # rapidfuzz's default_process: lower-cased, punctuation to spaces; accents folded first
    words = default_process(statement if statement.isascii() else fold(statement)).split()
    numbers = {
        float(m.group(1).replace(",", "") + (f".{m.group(2)}" if m.group(2) else ""))
        for m in _NUMBER.finditer(statement)
    }
    unique = set(words)
    if not unique.isdisjoint(_NUMBER_WORDS):
        numbers.update(_NUMBER_WORDS[w] for w in unique & _NUMBER_WORDS.keys())
    negations = sum(map(_NEGATIONS.__contains__, words))
    if "n't" in statement or "n’t" in statement:
        negations += statement.count("n't") + statement.count("n’t")
    names = _CAPITALISED.findall(statement)
    folded = set(map(str.lower, names)) if statement.isascii() else {fold(w) for w in names}
    actors = {w[:5] for w in folded - NOT_ACTORS - common}  # "Venezuelan" = "Venezuela"
    if not numbers:
        return Features(" ".join(sorted(words)), _EMPTY, _EMPTY, negations, frozenset(actors))
    counts = frozenset(n for n in numbers if not (n.is_integer() and 1900 <= n <= 2100))
    return Features(
        " ".join(sorted(words)), counts, frozenset(numbers), negations, frozenset(actors)
    )


_EMPTY: frozenset[float] = frozenset()


def rules_agree(a: Features, b: Features) -> bool:
    """Rules 1–3: numbers, polarity, actors."""
    na, nb = a.all_numbers, b.all_numbers
    return (
        (na <= nb or nb <= na)
        and bool(a.numbers) == bool(b.numbers)
        and a.negations % 2 == b.negations % 2
        and (not a.actors or not b.actors or not a.actors.isdisjoint(b.actors))
    )


def text_similarity(a: Features, b: Features) -> float:
    """Mean of token_sort_ratio (word order free) and token_set_ratio (one side may add
    context) on folded words, 0..1."""
    if a.text == b.text:
        return 1.0
    return (fuzz.ratio(a.text, b.text) + fuzz.token_set_ratio(a.text, b.text)) / 200.0


Span = tuple[int | None, int | None]


def _span_array(spans: Sequence[Span]) -> np.ndarray:
    return np.array(
        [(s, e) if s is not None and e is not None else (-1, -1) for s, e in spans],
        dtype=np.float64,
    ).reshape(-1, 2)


def iou_matrix(p: Sequence[Span], g: Sequence[Span]) -> np.ndarray:
    """Intersection over union of character spans; 0 where a span is missing."""
    pa, ga = _span_array(p), _span_array(g)
    ps, pe, gs, ge = pa[:, :1], pa[:, 1:], ga[:, 0], ga[:, 1]
    inter = np.clip(np.minimum(pe, ge) - np.maximum(ps, gs), 0, None)
    union = (pe - ps) + (ge - gs) - inter
    valid = (ps >= 0) & (gs >= 0) & (union > 0)
    return np.where(valid, inter / np.where(union > 0, union, 1), 0.0)


def spans(claims: Sequence[Claim]) -> list[Span]:
    return [(c.evidence.start, c.evidence.end) for c in claims]


@dataclass(slots=True)
class PairScores:
    """Per-pair matrices of one article, shape (len(preds), len(golds)); `rules` and `text`
    are False / 0 where they were not computed (see `pair_scores`)."""

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
    p: Sequence[str],
    g: Sequence[str],
    p_spans: Sequence[Span],
    g_spans: Sequence[Span],
    *,
    any_overlap: bool = False,
    common: frozenset[str] = frozenset(),
) -> PairScores:
    """Scores of every pair of statements. Rules and text are computed only where the spans
    overlap enough to allow a match (the other pairs can never match), or with `any_overlap`
    wherever they overlap at all (the judge's candidates). Statements equal but for case agree
    on every rule (the capitalised names of one are among the other's) and have text
    similarity 1, without being read."""
    evidence = iou_matrix(p_spans, g_spans)
    where = evidence > 0 if any_overlap else evidence >= EVIDENCE_MIN
    rows, cols = where.nonzero()
    agrees, texts = [], []
    read: dict[str, Features] = {}  # each statement read once per article (no global cache:
    # at 10,000 articles it would only grow and evict)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        a, b = p[i], g[j]
        if a == b or a.casefold() == b.casefold():  # every rule reads case-folded words
            agrees.append(True)
            texts.append(1.0)
            continue
        fa = read.get(a) or read.setdefault(a, features(a, common))
        fb = read.get(b) or read.setdefault(b, features(b, common))
        agree = rules_agree(fa, fb)
        agrees.append(agree)
        texts.append(text_similarity(fa, fb) if agree or any_overlap else 0.0)
    text = np.zeros(evidence.shape)
    rules = np.zeros(evidence.shape, dtype=bool)
    text[rows, cols] = texts
    rules[rows, cols] = agrees
    return PairScores(text=text, evidence=evidence, rules=rules)


def quantity_key(claim: Claim) -> tuple[float | None, float | None, float | None] | None:
    q = claim.quantity
    return None if q is None else (q.value, q.lower, q.upper)
