"""The eval report (machine-readable JSON) and the comparison of two reports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from ..errors import ConfigError
from ..schemas import Claim


class PRF(BaseModel):
    precision: float
    recall: float
    f1: float


class FieldScore(BaseModel):
    """A field as F1 over all claims: `n_gold` gold claims have it, `n_pred` predictions have
    it, `tp` matched pairs agree on it (a missed gold claim counts against recall)."""

    tp: int
    n_pred: int
    n_gold: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.n_pred, self.n_gold)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.n_gold, self.n_pred)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return round(2 * p * r / (p + r), 6) if p + r else 0.0


def _ratio(tp: int, n: int, other: int) -> float:
    """tp / n; with nothing to count, 1.0 when the other side is empty too, else 0.0."""
    return round(tp / n, 6) if n else (1.0 if not other else 0.0)


class Counts(TypedDict):
    """Per article: true positives and the two denominators of one metric."""

    tp: int
    n_pred: int
    n_gold: int


class Match(TypedDict):
    """A matched pair: indexes into the predicted and gold claims, and their statements."""

    pred: int
    gold: int
    score: float
    gold_statement: str
    pred_statement: str


class ArticleScore(BaseModel):
    id: str
    status: str
    n_pred: int
    n_gold: int
    matched: int
    claims: PRF
    fields: dict[str, Counts]  # value, qualifier, unit, source, date, location, disputed,
    # plus "quantity" (value + qualifier) and "attributed_quantity" (+ source)
    context_sum: float  # sum over matched pairs of the share of the gold's added context kept
    context_pairs: int  # matched pairs whose gold statement adds context to its quote
    unresolved: int  # predicted statements with a pronoun or "the group" left unresolved
    iou_sum: float  # sum of evidence IoU over matched pairs
    hallucinated: int  # predicted quotes that do not ground in the article (re-grounded)
    compound: int  # predictions that would match two or more distinct gold claims
    matches: list[Match]
    misses: list[Claim]
    extras: list[Claim]
    alignment: dict[str, int]  # re-grounded alignment of the predicted quotes


class RunInfo(BaseModel):
    """Which prompt and model produced the predictions (from their provenance)."""

    prompt: str | None = None
    prompt_version: str | None = None
    prompt_sha256: str | None = None
    model: str | None = None
    base_url: str | None = None
    predictions: str | None = None
    gold: str | None = None
    usage: dict[str, int] = Field(default_factory=dict)


class ThresholdResult(BaseModel):
    name: str
    metric: str
    limit: float
    actual: float
    passed: bool
    message: str


class JudgeInfo(BaseModel):
    """How the optional judge decided the candidate pairs, and how often the rule agreed."""

    model: str
    prompt_version: str
    candidates: int
    judged_same: int
    rule_same: int
    agree_with_rule: int


QUALITIES = ("decontextualisation", "evidence", "hallucinations", "compound")


class EvalReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    run: RunInfo = Field(default_factory=RunInfo)
    micro: PRF
    macro: PRF
    quantity: PRF  # value + qualifier, over claims that carry a quantity
    attributed_quantity: PRF  # value + qualifier + source
    fields: dict[str, FieldScore]
    decontextualisation: dict[str, float | None]  # context_kept (higher better), unresolved
    evidence: dict[str, float | None]  # iou over matched pairs
    hallucinations: dict[str, float]  # count, share of predicted claims
    compound: dict[str, float]  # count, share of predicted claims
    grounding: dict[str, float]
    counts: dict[str, int]
    judge: JudgeInfo | None = None
    articles: list[ArticleScore]
    thresholds: list[ThresholdResult] = Field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        """Every scalar metric by a dotted name (what thresholds and comparisons refer to)."""
        flat: dict[str, float] = {}
        for group in ("micro", "macro", "quantity", "attributed_quantity"):
            for key, value in getattr(self, group).model_dump().items():
                flat[f"{group}.{key}"] = value
        for name, field in self.fields.items():
            flat[f"fields.{name}"] = field.f1
            flat[f"fields.{name}.precision"] = field.precision
            flat[f"fields.{name}.recall"] = field.recall
        for group in QUALITIES:
            for key, value in getattr(self, group).items():
                if value is not None and key != "count":
                    flat[f"{group}.{key}"] = value
        for name, value in self.grounding.items():
            flat[f"grounding.{name}"] = value
        return flat


def load_report(path: Path) -> EvalReport:
    """A JSON report written by `extractor eval --report`, or a ConfigError that says why not."""
    try:
        return EvalReport.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read report {path}: {exc}") from None
    except ValidationError:
        raise ConfigError(
            f"{path} is not a report of this scorer (an older version wrote it?); re-create it "
            "with `extractor eval --report` before comparing"
        ) from None


def score_rows(report: EvalReport) -> list[tuple[str, PRF]]:
    """(label, P/R/F1) rows, in the order every view shows them."""
    rows = [
        ("claims (micro)", report.micro),
        ("claims (macro)", report.macro),
        ("quantities (value + qualifier)", report.quantity),
        ("attributed quantities (+ source)", report.attributed_quantity),
    ]
    for name, f in report.fields.items():
        label = "disputed = true" if name == "disputed" else name
        rows.append((f"field {label}", PRF(precision=f.precision, recall=f.recall, f1=f.f1)))
    return rows


def quality_rows(report: EvalReport) -> list[tuple[str, float | None, int | None, str]]:
    """(metric, value, count, what it measures) of the one-number qualities."""
    d, h, c = report.decontextualisation, report.hallucinations, report.compound
    return [
        (
            "decontextualisation.context_kept",
            d["context_kept"],
            None,
            "of the context gold statements add to their quotes, the share predictions have",
        ),
        (
            "decontextualisation.unresolved",
            d["unresolved"],
            int(d["count"] or 0),
            "predicted statements with an unresolved pronoun or 'the group'",
        ),
        ("evidence.iou", report.evidence["iou"], None, "span IoU over matched pairs"),
        (
            "hallucinations.share",
            h["share"],
            int(h["count"]),
            "predicted quotes not in the article (re-grounded by the scorer)",
        ),
        (
            "compound.share",
            c["share"],
            int(c["count"]),
            "predictions that would match two or more distinct gold claims",
        ),
    ]


class ArticleDelta(BaseModel):
    id: str
    f1_old: float | None
    f1_new: float | None
    gained: list[str]  # gold statements matched now but not before
    lost: list[str]  # gold statements matched before but not now


class Comparison(BaseModel):
    old: RunInfo
    new: RunInfo
    deltas: dict[str, tuple[float | None, float | None, float | None]]  # old, new, new-old
    articles: list[ArticleDelta]


#: metrics where a rise is worse (what [maximum] in the thresholds caps)
LOWER_IS_BETTER = frozenset(
    {
        "compound.share",
        "decontextualisation.unresolved",
        "grounding.fuzzy",
        "grounding.none",
        "hallucinations.share",
    }
)


def gain(metric: str, delta: float | None) -> float | None:
    """A metric's change as an improvement: positive is better, whichever way the metric runs."""
    if delta is None:
        return None
    return -delta if metric in LOWER_IS_BETTER else delta


def compare(old: EvalReport, new: EvalReport) -> Comparison:
    """Per-metric deltas, and per article which gold claims were gained or lost."""
    old_m, new_m = old.metrics(), new.metrics()
    deltas = {}
    for name in sorted(set(old_m) | set(new_m)):
        a, b = old_m.get(name), new_m.get(name)
        deltas[name] = (a, b, round(b - a, 6) if a is not None and b is not None else None)
    old_articles = {a.id: a for a in old.articles}
    articles = []
    for art in new.articles:
        before = old_articles.get(art.id)
        now = {m["gold_statement"] for m in art.matches}
        then = {m["gold_statement"] for m in before.matches} if before else set()
        articles.append(
            ArticleDelta(
                id=art.id,
                f1_old=before.claims.f1 if before else None,
                f1_new=art.claims.f1,
                gained=sorted(now - then),
                lost=sorted(then - now),
            )
        )
    return Comparison(old=old.run, new=new.run, deltas=deltas, articles=articles)
