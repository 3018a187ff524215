"""Scoring a ledger against hand-labelled conflict groups (evals/ledger/gold.json).

The gold names, for a set of articles, which quantity claims count the same thing (a group),
which pairs of them cannot both be true (conflicts), and which groups are parts of another
(`part_of`: the El Rodeo I releases of a day are part of that day's total). A claim is
"article id#claim index"; a quantity claim in no group counts something nobody else counts.

Three pairwise scores, each precision / recall / F1 over unordered pairs of claims:
- links: pairs that count the same thing (both in one group, or both in one part of a group);
- conflicts: pairs flagged as unable to both be true (any kind: sources, conflict, part);
- parts: (part, total) pairs.
Pairwise scores are the usual measure for clusterings: a claim put in the wrong group costs one
false link per member it wrongly joined and one missed link per member it left.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .ledger import Ledger
from .schemas import ArticleResult

Pair = tuple[str, str]


class GoldGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    what: str
    claims: list[str]
    conflicts: list[Pair] = Field(default_factory=list)
    part_of: str | None = None


class LedgerGold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    inputs: list[str]  # folders or files of records, relative to the gold file
    note: str | None = None
    groups: list[GoldGroup]


class PRF(BaseModel):
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


class LedgerScore(BaseModel):
    links: PRF
    conflicts: PRF
    parts: PRF
    claims: int  # quantity claims in the scored articles
    false_links: list[Pair]
    missed_links: list[Pair]
    false_conflicts: list[Pair]
    missed_conflicts: list[Pair]


class Pairs(BaseModel):
    links: set[Pair]
    conflicts: set[Pair]
    parts: set[Pair]


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def load_gold(path: Path) -> tuple[LedgerGold, list[ArticleResult]]:
    """The gold and the records of its inputs; every claim it names must be a quantity claim."""
    from .evaluation import load_records

    gold = LedgerGold.model_validate_json(path.read_bytes())
    records: dict[str, ArticleResult] = {}
    for entry in gold.inputs:
        records.update(load_records(path.parent / entry))
    known = {f"{r.id}#{i}" for r in records.values() for i, c in enumerate(r.claims) if c.quantity}
    named = [c for g in gold.groups for c in g.claims]
    named += [c for g in gold.groups for pair in g.conflicts for c in pair]
    unknown = sorted(set(named) - known)
    if unknown:
        raise ValueError(f"{path}: not quantity claims of its inputs: {', '.join(unknown[:5])}")
    ids = [g.id for g in gold.groups]
    if missing := {g.part_of for g in gold.groups if g.part_of} - set(ids):
        raise ValueError(f"{path}: part_of names no group: {', '.join(sorted(missing))}")
    return gold, list(records.values())


def gold_pairs(gold: LedgerGold) -> Pairs:
    by_id = {g.id: g for g in gold.groups}
    links = {_pair(a, b) for g in gold.groups for a, b in itertools.combinations(g.claims, 2)}
    conflicts = {_pair(a, b) for g in gold.groups for a, b in g.conflicts}
    parts = {
        _pair(p, w)
        for g in gold.groups
        if g.part_of
        for p in g.claims
        for w in by_id[g.part_of].claims
    }
    return Pairs(links=links, conflicts=conflicts, parts=parts)


def ledger_pairs(ledger: Ledger) -> Pairs:
    """The same three kinds of pairs, read from a ledger (its `part` field, when it has one)."""
    links: set[Pair] = set()
    conflicts: set[Pair] = set()
    parts: set[Pair] = set()
    for group in ledger.groups:
        refs = [f"{v.article_id}#{v.claim_index}" for v in group.values]
        sets: dict[str | None, list[str]] = {}
        for ref, value in zip(refs, group.values, strict=True):
            sets.setdefault(value.part, []).append(ref)
        for members in sets.values():
            links |= {_pair(a, b) for a, b in itertools.combinations(members, 2)}
        for label, members in sets.items():
            if label is not None:
                parts |= {_pair(p, w) for p in members for w in sets.get(None, [])}
        conflicts |= {_pair(refs[c.a], refs[c.b]) for c in group.conflicts}
    return Pairs(links=links, conflicts=conflicts, parts=parts)


def _prf(predicted: set[Pair], expected: set[Pair]) -> PRF:
    tp = len(predicted & expected)
    fp, fn = len(predicted - expected), len(expected - predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision=round(precision, 4), recall=round(recall, 4), f1=round(f1, 4),
               true_positives=tp, false_positives=fp, false_negatives=fn)  # fmt: skip


def score_ledger(ledger: Ledger, gold: LedgerGold, records: Iterable[ArticleResult]) -> LedgerScore:
    """Scores over the claims of `records` (gold pairs naming other articles are left out)."""
    records = list(records)
    ids = {r.id for r in records}
    expected, predicted = gold_pairs(gold), ledger_pairs(ledger)
    for name in ("links", "conflicts", "parts"):
        kept = {p for p in getattr(expected, name) if all(c.rsplit("#", 1)[0] in ids for c in p)}
        setattr(expected, name, kept)
    return LedgerScore(
        links=_prf(predicted.links, expected.links),
        conflicts=_prf(predicted.conflicts, expected.conflicts),
        parts=_prf(predicted.parts, expected.parts),
        claims=sum(1 for r in records for c in r.claims if c.quantity),
        false_links=sorted(predicted.links - expected.links),
        missed_links=sorted(expected.links - predicted.links),
        false_conflicts=sorted(predicted.conflicts - expected.conflicts),
        missed_conflicts=sorted(expected.conflicts - predicted.conflicts),
    )


def evaluate_ledger(path: Path) -> LedgerScore:
    """Build the ledger of the gold's articles with the rules and score it."""
    from .ledger import build_ledger

    gold, records = load_gold(path)
    return score_ledger(build_ledger(records).view(show_all=True), gold, records)
