"""How alike a predicted claim and a gold claim are: the similarity the matcher maximises.

For every (prediction, gold) pair of one article:

    score = 0.50 * statement   text similarity of the statements (rapidfuzz token_sort_ratio
                               on case-folded text, 0..1: word order does not matter)
          + 0.20 * evidence    overlap of the evidence spans (shared characters / shorter span;
                               text similarity of the quotes when a span has no offsets)
          + 0.15 * quantity    1 both without a quantity; 0.7 for the same number (+0.3 same
                               qualifier); 0 otherwise
          + 0.10 * source      1 same source after normalisation and aliases, else 0
          + 0.05 * date        1 same ISO date (or both none), else 0

A pair is a match when score >= MATCH_THRESHOLD and max(statement, evidence) >= ANCHOR_MIN: a
match must rest on what the claim says or where it comes from, never on agreeing metadata
alone, so an unrelated claim never matches while a reworded one (or one with a wrong number) still
does. Wrong numbers then show up in the strict quantity F1 and the value accuracy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ..schemas import Claim

WEIGHTS = {"statement": 0.50, "evidence": 0.20, "quantity": 0.15, "source": 0.10, "date": 0.05}
MATCH_THRESHOLD = 0.55
ANCHOR_MIN = 0.60

# Names that denote the same source. Keys and values are normalised (see `normalize_source`).
SOURCE_ALIASES = {
    "foro penal ngo": "foro penal",
    "penal forum": "foro penal",
    "venezuela government": "venezuelan government",
    "government of venezuela": "venezuelan government",
    "venezuelan authorities": "venezuelan government",
    "maduro government": "venezuelan government",
    "maduro administration": "venezuelan government",
    "human rights groups": "rights groups",
    "rights group": "rights groups",
    "human rights group": "rights groups",
    "article": "article",
    "": "article",
}
_STRIP = re.compile(r"^(the|a|an)\s+|[^\w\s]", re.UNICODE)


@lru_cache(maxsize=65536)
def normalize_source(name: str | None) -> str:
    """Case-fold, drop leading articles and punctuation, then map aliases."""
    text = _STRIP.sub("", (name or "").casefold()).strip()
    text = _STRIP.sub("", text).strip()
    text = re.sub(r"\s+", " ", text)
    return SOURCE_ALIASES.get(text, text)


def quantity_key(claim: Claim) -> tuple[float | None, float | None, float | None] | None:
    q = claim.quantity
    return None if q is None else (q.value, q.lower, q.upper)


def _sorted_tokens(text: str) -> str:
    return " ".join(sorted(text.casefold().split()))


def _statement_matrix(preds: Sequence[Claim], golds: Sequence[Claim]) -> np.ndarray:
    """token_sort_ratio (word order does not matter), computed as a plain ratio on pre-sorted
    tokens: the same number, several times faster inside `cdist`."""
    p = [_sorted_tokens(c.statement) for c in preds]
    g = [_sorted_tokens(c.statement) for c in golds]
    return process.cdist(p, g, scorer=fuzz.ratio, dtype=np.float32) / 100.0


def _codes(values: Sequence[object], table: dict[object, int]) -> np.ndarray:
    """Equal values get equal integer codes, so equality becomes an array comparison."""
    return np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64)


def _spans(claims: Sequence[Claim]) -> tuple[np.ndarray, np.ndarray]:
    starts = [c.evidence.start if c.evidence.end is not None else -1 for c in claims]
    ends = [c.evidence.end if c.evidence.start is not None else -1 for c in claims]
    return np.array(starts, dtype=np.float64), np.array(ends, dtype=np.float64)


def _evidence_matrix(preds: Sequence[Claim], golds: Sequence[Claim]) -> np.ndarray:
    ps, pe = _spans(preds)
    gs, ge = _spans(golds)
    shared = np.minimum(pe[:, None], ge[None, :]) - np.maximum(ps[:, None], gs[None, :])
    shorter = np.minimum((pe - ps)[:, None], (ge - gs)[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.where(shorter > 0, np.clip(shared, 0, None) / shorter, 0.0)
    ungrounded = (ps < 0)[:, None] | (gs < 0)[None, :]
    if ungrounded.any():
        quotes = process.cdist(
            [c.evidence.quote for c in preds],
            [c.evidence.quote for c in golds],
            scorer=fuzz.token_set_ratio,
            dtype=np.float32,
        )
        overlap = np.where(ungrounded, quotes / 100.0, overlap)
    return overlap.astype(np.float32)


def similarity_matrix(
    preds: Sequence[Claim], golds: Sequence[Claim]
) -> tuple[np.ndarray, np.ndarray]:
    """(score, anchor) matrices of shape (len(preds), len(golds))."""
    statement = _statement_matrix(preds, golds)
    evidence = _evidence_matrix(preds, golds)
    table: dict[object, int] = {}
    p_value = _codes([quantity_key(c) for c in preds], table)
    g_value = _codes([quantity_key(c) for c in golds], table)
    none_code = table.setdefault(None, len(table))
    p_qual = _codes([c.quantity and c.quantity.qualifier for c in preds], table)
    g_qual = _codes([c.quantity and c.quantity.qualifier for c in golds], table)
    same_value = p_value[:, None] == g_value[None, :]
    both_none = same_value & (p_value == none_code)[:, None]
    quantity = np.where(
        both_none,
        1.0,
        same_value * (0.7 + 0.3 * (p_qual[:, None] == g_qual[None, :])),
    )
    source = (
        _codes([normalize_source(c.source.name) for c in preds], table)[:, None]
        == _codes([normalize_source(c.source.name) for c in golds], table)[None, :]
    )
    date = (
        _codes([c.date for c in preds], table)[:, None]
        == _codes([c.date for c in golds], table)[None, :]
    )
    score = (
        WEIGHTS["statement"] * statement
        + WEIGHTS["evidence"] * evidence
        + WEIGHTS["quantity"] * quantity
        + WEIGHTS["source"] * source
        + WEIGHTS["date"] * date
    )
    return score, np.maximum(statement, evidence)
