"""Score predicted claims against gold: one-to-one matching per article, then metrics.

Depends on the claim schema only (not on any extraction machinery): it scores records. Every
predicted quote is grounded again here against the gold article's text; what a file says about
its own alignment is never read.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz

from ..grounding import NormalizedText, align
from ..schemas import ArticleResult, Claim
from .decontext import context_kept, unresolved
from .report import PRF, ArticleScore, Counts, EvalReport, FieldScore, JudgeInfo, Match
from .similarity import (
    QUANTITY_TIE_BREAK,
    PairScores,
    Span,
    common_words,
    pair_scores,
    quantity_key,
    spans,
)
from .sources import DEFAULT, SourceNames, normalize_name

FIELDS = ("value", "qualifier", "unit", "source", "date", "location", "disputed")
QUANTITY_METRICS = ("quantity", "attributed_quantity")
RATIO_MIN = 90.0  # unit and location: fuzz.ratio of the normalised texts (never a token set)


class PairJudge(Protocol):
    """Decides for candidate pairs whether the two statements state the same fact."""

    model: str
    prompt_version: str

    def same_fact(self, pairs: Sequence[tuple[Claim, Claim]], text: str) -> list[bool]: ...


def reground(claims: Sequence[Claim], text: str | None) -> tuple[list[Span], list[str]]:
    """Offsets and alignment of each predicted quote, recomputed against the article text."""
    if text is None:  # nothing to check against: the file's offsets are all there is
        return spans(claims), [c.evidence.alignment for c in claims]
    out_spans: list[Span] = []
    kinds: list[str] = []
    normalized: NormalizedText | None = None
    for claim in claims:
        ev = claim.evidence
        if ev.start is not None and ev.end is not None and text[ev.start : ev.end] == ev.quote:
            out_spans.append((ev.start, ev.end))
            kinds.append("exact")
            continue
        if ev.quote and ev.quote not in text:
            normalized = normalized or NormalizedText(text)
        found = align(ev.quote, text, normalized)
        out_spans.append((found.start, found.end))
        kinds.append(found.alignment)
    return out_spans, kinds


def match_pairs(
    preds: Sequence[Claim],
    golds: Sequence[Claim],
    pred_spans: Sequence[Span] | None = None,
    judge_pairs: np.ndarray | None = None,
    common: frozenset[str] = frozenset(),
) -> tuple[list[tuple[int, int, float]], PairScores | None, np.ndarray | None]:
    """Optimal one-to-one assignment over the allowed pairs (see `similarity`); `common`
    holds the article's lower-case words, which are never actors.

    `judge_pairs` (a boolean matrix) replaces the rule's decision when given.
    """
    if not preds or not golds:
        return [], None, None
    from scipy.optimize import linear_sum_assignment  # only the scorer needs scipy

    scores = pair_scores(
        [c.statement for c in preds],
        [c.statement for c in golds],
        pred_spans if pred_spans is not None else spans(preds),
        spans(golds),
        common=common,
    )
    allowed = scores.allowed if judge_pairs is None else judge_pairs
    if not allowed.any():
        return [], scores, allowed
    keys = [quantity_key(g) for g in golds]
    agree = np.array([[mine == key for key in keys] for mine in map(quantity_key, preds)])
    weight = np.where(allowed, scores.weight + QUANTITY_TIE_BREAK * agree, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    pairs = [
        (int(i), int(j), round(float(scores.weight[i, j]), 4))
        for i, j in zip(rows, cols, strict=True)
        if allowed[i, j]
    ]
    return pairs, scores, allowed


def match_claims(preds: Sequence[Claim], golds: Sequence[Claim]) -> list[tuple[int, int, float]]:
    """(pred index, gold index, weight) of the matched pairs under the lexical rule."""
    return match_pairs(preds, golds)[0]


def _prf(tp: int, n_pred: int, n_gold: int) -> PRF:
    precision = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    recall = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF.model_construct(
        precision=round(precision, 6), recall=round(recall, 6), f1=round(f1, 6)
    )


def _same_text(a: str, b: str) -> bool:
    na, nb = normalize_name(a), normalize_name(b)
    return na == nb or fuzz.ratio(na, nb) >= RATIO_MIN


def has_field(field: str, claim: Claim) -> bool:
    """Whether a claim states `field` (for `disputed`: whether it says true)."""
    if field in ("value", "qualifier", "unit", *QUANTITY_METRICS):
        return claim.quantity is not None
    if field == "source":
        return True
    if field == "disputed":
        return claim.disputed
    return getattr(claim, field) is not None


def field_agreement(field: str, p: Claim, g: Claim, names: SourceNames = DEFAULT) -> bool | None:
    """Whether a matched pair agrees on `field`; None when neither side states it."""
    if not has_field(field, p) and not has_field(field, g):
        return None
    if not has_field(field, p) or not has_field(field, g):
        return False
    if field == "source":
        return names.same(p.source.name, g.source.name)
    if field == "disputed":
        return True
    if field in ("value", "qualifier", "unit", *QUANTITY_METRICS):
        pq, gq = p.quantity, g.quantity
        assert pq is not None and gq is not None
        value = quantity_key(p) == quantity_key(g)
        if field == "value":
            return value
        if field == "qualifier":
            return pq.qualifier == gq.qualifier
        if field == "unit":
            return _same_text(pq.unit, gq.unit)
        same = value and pq.qualifier == gq.qualifier
        if field == "quantity":
            return same
        return same and names.same(p.source.name, g.source.name)
    if field == "location":
        return _same_text(getattr(p, field), getattr(g, field))
    equal: bool = getattr(p, field) == getattr(g, field)
    return equal


# Which claims state a field: all quantity fields go with the quantity, every claim has a
# source, `disputed` counts only when true.
_PRESENCE_KEY = {
    "value": 0,
    "qualifier": 0,
    "unit": 0,
    "quantity": 0,
    "attributed_quantity": 0,
    "source": 1,
    "date": 2,
    "location": 3,
    "disputed": 4,
}


def _presence(claims: Sequence[Claim]) -> tuple[int, int, int, int, int]:
    quantity = date = location = disputed = 0
    for c in claims:
        quantity += c.quantity is not None
        date += c.date is not None
        location += c.location is not None
        disputed += c.disputed
    return quantity, len(claims), date, location, disputed


def _agreements(p: Claim, g: Claim, names: SourceNames) -> dict[str, bool]:
    """For a matched pair, every field both state and agree on (what `field_agreement` says,
    computed at once)."""
    out: dict[str, bool] = {}
    pq, gq = p.quantity, g.quantity
    same_source = names.same(p.source.name, g.source.name)
    out["source"] = same_source
    if pq is not None and gq is not None:
        value = quantity_key(p) == quantity_key(g)
        qualifier = pq.qualifier == gq.qualifier
        out["value"], out["qualifier"] = value, qualifier
        out["unit"] = _same_text(pq.unit, gq.unit)
        out["quantity"] = value and qualifier
        out["attributed_quantity"] = value and qualifier and same_source
    if p.date is not None and g.date is not None:
        out["date"] = p.date == g.date
    if p.location is not None and g.location is not None:
        out["location"] = _same_text(p.location, g.location)
    if p.disputed and g.disputed:
        out["disputed"] = True
    return out


def _compound(allowed: np.ndarray, golds: Sequence[Claim], common: frozenset[str]) -> int:
    """Predictions allowed to match two or more gold claims that do not match each other."""
    several = np.flatnonzero(allowed.sum(axis=1) >= 2)
    if not len(several):
        return 0
    among = match_pairs(golds, golds, common=common)[2]
    assert among is not None
    count = 0
    for i in several:
        js = np.flatnonzero(allowed[i])
        count += bool((~among[np.ix_(js, js)]).any())
    return count


def score_article(
    article_id: str,
    pred: ArticleResult | None,
    gold: ArticleResult,
    names: SourceNames = DEFAULT,
    judge: PairJudge | None = None,
    judge_log: list[tuple[int, int, int]] | None = None,
) -> ArticleScore:
    preds = pred.claims if pred is not None else []
    golds = gold.claims
    pred_spans, kinds = reground(preds, gold.text)
    common = common_words(gold.text) if gold.text else frozenset()
    judged = None
    if judge is not None and preds and golds:
        judged = _judge(judge, preds, golds, pred_spans, gold.text or "", judge_log, common)
    pairs, scores, allowed = match_pairs(preds, golds, pred_spans, judged, common)
    n_pred, n_gold = _presence(preds), _presence(golds)
    counts = {f: Counts(tp=0, n_pred=n_pred[k], n_gold=n_gold[k]) for f, k in _PRESENCE_KEY.items()}
    context_sum, context_pairs, iou_sum = 0.0, 0, 0.0
    for i, j, _ in pairs:
        p, g = preds[i], golds[j]
        for f, agree in _agreements(p, g, names).items():
            counts[f]["tp"] += agree
        kept = context_kept(p.statement, g.statement, g.evidence.quote)
        if kept is not None:
            context_sum += kept
            context_pairs += 1
        if scores is not None:
            iou_sum += float(scores.evidence[i, j])
    matched_pred = {i for i, _, _ in pairs}
    matched_gold = {j for _, j, _ in pairs}
    alignment = {kind: kinds.count(kind) for kind in ("exact", "fuzzy", "none")}
    # model_construct: these are built from already-validated data, in a hot loop
    return ArticleScore.model_construct(
        id=article_id,
        status=pred.status if pred is not None else "missing",
        n_pred=len(preds),
        n_gold=len(golds),
        matched=len(pairs),
        claims=_prf(len(pairs), len(preds), len(golds)),
        fields=counts,
        context_sum=round(context_sum, 6),
        context_pairs=context_pairs,
        unresolved=sum(unresolved(c.statement) for c in preds),
        iou_sum=round(iou_sum, 6),
        hallucinated=alignment["none"],
        compound=_compound(allowed, golds, common) if allowed is not None else 0,
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
        alignment=alignment,
    )


JUDGE_TEXT_MIN = 0.35  # candidate pairs for the judge: far looser than the rule's bar


def _judge(
    judge: PairJudge,
    preds: Sequence[Claim],
    golds: Sequence[Claim],
    pred_spans: Sequence[Span],
    text: str,
    log: list[tuple[int, int, int]] | None,
    common: frozenset[str],
) -> np.ndarray:
    """The judge's decision on candidate pairs (same place, loosely alike statements)."""
    scores = pair_scores(
        [c.statement for c in preds],
        [c.statement for c in golds],
        pred_spans,
        spans(golds),
        any_overlap=True,
        common=common,
    )
    candidates = np.argwhere((scores.evidence > 0) & (scores.text >= JUDGE_TEXT_MIN))
    decided = np.zeros_like(scores.rules)
    if len(candidates):
        verdicts = judge.same_fact([(preds[i], golds[j]) for i, j in candidates], text)
        rule = scores.allowed
        for (i, j), same in zip(candidates, verdicts, strict=True):
            decided[i, j] = same
            if log is not None:
                log.append((int(same), int(rule[i, j]), int(same == rule[i, j])))
    return decided


def _share(n: int, d: int) -> float:
    return round(n / d, 6) if d else 0.0


def score(
    predictions: Mapping[str, ArticleResult],
    gold: Mapping[str, ArticleResult],
    *,
    names: SourceNames = DEFAULT,
    judge: PairJudge | None = None,
) -> EvalReport:
    """Scores for every gold article (a missing prediction counts as no claims)."""
    log: list[tuple[int, int, int]] = []
    gc.disable()  # many small result objects; the cyclic GC would rescan all loaded records
    try:
        articles = [
            score_article(aid, predictions.get(aid), g, names, judge, log)
            for aid, g in sorted(gold.items())
        ]
    finally:
        gc.enable()
    tp = sum(a.matched for a in articles)
    n_pred = sum(a.n_pred for a in articles)
    n_gold = sum(a.n_gold for a in articles)
    macro = [a.claims for a in articles] or [_prf(0, 0, 0)]
    totals = {f: {"tp": 0, "n_pred": 0, "n_gold": 0} for f in (*FIELDS, *QUANTITY_METRICS)}
    for a in articles:
        for f, c in a.fields.items():
            total = totals[f]
            total["tp"] += c["tp"]
            total["n_pred"] += c["n_pred"]
            total["n_gold"] += c["n_gold"]
    alignment = {k: sum(a.alignment[k] for a in articles) for k in ("exact", "fuzzy", "none")}
    context_pairs = sum(a.context_pairs for a in articles)
    unresolved_n = sum(a.unresolved for a in articles)
    hallucinated = sum(a.hallucinated for a in articles)
    compound = sum(a.compound for a in articles)
    return EvalReport(
        micro=_prf(tp, n_pred, n_gold),
        macro=PRF(
            precision=round(float(np.mean([m.precision for m in macro])), 6),
            recall=round(float(np.mean([m.recall for m in macro])), 6),
            f1=round(float(np.mean([m.f1 for m in macro])), 6),
        ),
        quantity=_prf(**totals["quantity"]),
        attributed_quantity=_prf(**totals["attributed_quantity"]),
        fields={f: FieldScore(**totals[f]) for f in FIELDS},
        decontextualisation={
            "context_kept": round(sum(a.context_sum for a in articles) / context_pairs, 6)
            if context_pairs
            else None,
            "unresolved": _share(unresolved_n, n_pred),
            "count": unresolved_n,
        },
        evidence={"iou": round(sum(a.iou_sum for a in articles) / tp, 6) if tp else None},
        hallucinations={"share": _share(hallucinated, n_pred), "count": hallucinated},
        compound={"share": _share(compound, n_pred), "count": compound},
        grounding={k: _share(v, n_pred) for k, v in alignment.items()},
        counts={
            "articles": len(articles),
            "pred_claims": n_pred,
            "gold_claims": n_gold,
            "matched": tp,
            "errors": sum(a.status == "error" for a in articles),
            "missing": sum(a.status == "missing" for a in articles),
            "unscored_predictions": len(set(predictions) - set(gold)),
        },
        judge=JudgeInfo(
            model=judge.model,
            prompt_version=judge.prompt_version,
            candidates=len(log),
            judged_same=sum(x[0] for x in log),
            rule_same=sum(x[1] for x in log),
            agree_with_rule=sum(x[2] for x in log),
        )
        if judge is not None
        else None,
        articles=articles,
    )
