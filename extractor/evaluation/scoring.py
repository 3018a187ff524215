"""Score predicted claims against gold: one-to-one matching per article, then metrics.

Depends on the claim schema only (not on any extraction machinery): it scores records.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz

from ..schemas import ArticleResult, Claim
from .report import PRF, ArticleScore, EvalReport, FieldCount, FieldScore, Match
from .similarity import (
    ANCHOR_MIN,
    MATCH_THRESHOLD,
    normalize_source,
    quantity_key,
    similarity_matrix,
)

FIELDS = ("value", "qualifier", "unit", "source", "date", "location", "disputed")


def match_claims(preds: Sequence[Claim], golds: Sequence[Claim]) -> list[tuple[int, int, float]]:
    """Optimal one-to-one assignment (Hungarian algorithm) keeping only pairs that match."""
    if not preds or not golds:
        return []
    score, anchor = similarity_matrix(preds, golds)
    allowed = (score >= MATCH_THRESHOLD) & (anchor >= ANCHOR_MIN)
    weights = np.where(allowed, score, 0.0)
    from scipy.optimize import linear_sum_assignment  # ~0.3 s: only when scoring (not `report`)

    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [
        (int(i), int(j), round(float(score[i, j]), 4))
        for i, j in zip(rows, cols, strict=True)
        if allowed[i, j]
    ]


def _prf(tp: int, n_pred: int, n_gold: int) -> PRF:
    precision = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    recall = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF.model_construct(
        precision=round(precision, 6), recall=round(recall, 6), f1=round(f1, 6)
    )


def field_agreement(field: str, p: Claim, g: Claim) -> bool | None:
    """Whether a matched pair agrees on `field`; None when neither side has the field."""
    if field == "disputed":
        return p.disputed == g.disputed
    if field == "source":
        return normalize_source(p.source.name) == normalize_source(g.source.name)
    if field in ("value", "qualifier", "unit"):
        pq, gq = p.quantity, g.quantity
        if pq is None and gq is None:
            return None
        if pq is None or gq is None:
            return False
        if field == "value":
            return quantity_key(p) == quantity_key(g)
        if field == "qualifier":
            return pq.qualifier == gq.qualifier
        return fuzz.token_set_ratio(pq.unit.casefold(), gq.unit.casefold()) >= 80
    pv, gv = getattr(p, field), getattr(g, field)
    if pv is None and gv is None:
        return None
    if pv is None or gv is None:
        return False
    if field == "location":
        return fuzz.token_set_ratio(pv.casefold(), gv.casefold()) >= 80
    return pv == gv


def _strict_quantity_match(p: Claim, g: Claim) -> bool:
    return (
        p.quantity is not None
        and g.quantity is not None
        and field_agreement("value", p, g) is True
        and p.quantity.qualifier == g.quantity.qualifier
        and field_agreement("source", p, g) is True
    )


def score_article(article_id: str, pred: ArticleResult | None, gold: ArticleResult) -> ArticleScore:
    preds = pred.claims if pred is not None else []
    golds = gold.claims
    pairs = match_claims(preds, golds)
    field_counts = {f: [0, 0] for f in FIELDS}  # agree, compared
    strict = 0
    for i, j, _ in pairs:
        for field in FIELDS:
            agreement = field_agreement(field, preds[i], golds[j])
            if agreement is not None:
                field_counts[field][0] += agreement
                field_counts[field][1] += 1
        strict += _strict_quantity_match(preds[i], golds[j])
    matched_pred = {i for i, _, _ in pairs}
    matched_gold = {j for _, j, _ in pairs}
    # model_construct: these are built from already-validated data, in a hot loop
    return ArticleScore.model_construct(
        id=article_id,
        status=pred.status if pred is not None else "missing",
        n_pred=len(preds),
        n_gold=len(golds),
        matched=len(pairs),
        claims=_prf(len(pairs), len(preds), len(golds)),
        strict_quantity_tp=strict,
        n_pred_quantity=sum(c.quantity is not None for c in preds),
        n_gold_quantity=sum(c.quantity is not None for c in golds),
        fields={f: FieldCount(agree=a, compared=n) for f, (a, n) in field_counts.items()},
        matches=[
            Match(
                pred=i,
                gold=j,
                score=s,
                gold_statement=golds[j].statement,
                pred_statement=preds[i].statement,
            )
            for i, j, s in pairs
        ],
        misses=[c for j, c in enumerate(golds) if j not in matched_gold],
        extras=[c for i, c in enumerate(preds) if i not in matched_pred],
        alignment={
            kind: sum(c.evidence.alignment == kind for c in preds)
            for kind in ("exact", "fuzzy", "none")
        },
    )


def score(
    predictions: Mapping[str, ArticleResult], gold: Mapping[str, ArticleResult]
) -> EvalReport:
    """Scores for every gold article (a missing prediction counts as no claims)."""
    gc.disable()  # many small result objects; the cyclic GC would rescan all loaded records
    try:
        articles = [score_article(aid, predictions.get(aid), g) for aid, g in sorted(gold.items())]
    finally:
        gc.enable()
    tp = sum(a.matched for a in articles)
    n_pred = sum(a.n_pred for a in articles)
    n_gold = sum(a.n_gold for a in articles)
    macro = [a.claims for a in articles] or [_prf(0, 0, 0)]
    fields = {}
    for field in FIELDS:
        agree = sum(a.fields[field]["agree"] for a in articles)
        compared = sum(a.fields[field]["compared"] for a in articles)
        fields[field] = FieldScore(agree=agree, compared=compared)
    alignment = {k: sum(a.alignment[k] for a in articles) for k in ("exact", "fuzzy", "none")}
    return EvalReport(
        micro=_prf(tp, n_pred, n_gold),
        macro=PRF(
            precision=round(float(np.mean([m.precision for m in macro])), 6),
            recall=round(float(np.mean([m.recall for m in macro])), 6),
            f1=round(float(np.mean([m.f1 for m in macro])), 6),
        ),
        strict_quantity=_prf(
            sum(a.strict_quantity_tp for a in articles),
            sum(a.n_pred_quantity for a in articles),
            sum(a.n_gold_quantity for a in articles),
        ),
        fields=fields,
        grounding={k: round(v / n_pred, 6) if n_pred else 0.0 for k, v in alignment.items()},
        counts={
            "articles": len(articles),
            "pred_claims": n_pred,
            "gold_claims": n_gold,
            "matched": tp,
            "errors": sum(a.status == "error" for a in articles),
            "missing": sum(a.status == "missing" for a in articles),
            "unscored_predictions": len(set(predictions) - set(gold)),
        },
        articles=articles,
    )
