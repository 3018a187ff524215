"""The eval report (machine-readable JSON) and the comparison of two reports."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from ..schemas import Claim


class PRF(BaseModel):
    precision: float
    recall: float
    f1: float


class FieldScore(BaseModel):
    agree: int
    compared: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float | None:
        return round(self.agree / self.compared, 6) if self.compared else None


class FieldCount(TypedDict):
    """Per article: matched pairs that agree on a field, out of those where it was compared."""

    agree: int
    compared: int


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
    strict_quantity_tp: int
    n_pred_quantity: int
    n_gold_quantity: int
    fields: dict[str, FieldCount]
    matches: list[Match]
    misses: list[Claim]
    extras: list[Claim]
    alignment: dict[str, int]


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


class EvalReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    run: RunInfo = Field(default_factory=RunInfo)
    micro: PRF
    macro: PRF
    strict_quantity: PRF
    fields: dict[str, FieldScore]
    grounding: dict[str, float]
    counts: dict[str, int]
    articles: list[ArticleScore]
    thresholds: list[ThresholdResult] = Field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        """Every scalar metric by a dotted name (what thresholds and comparisons refer to)."""
        flat: dict[str, float] = {}
        for group in ("micro", "macro", "strict_quantity"):
            for key, value in getattr(self, group).model_dump().items():
                flat[f"{group}.{key}"] = value
        for name, field in self.fields.items():
            if field.accuracy is not None:
                flat[f"fields.{name}"] = field.accuracy
        for name, value in self.grounding.items():
            flat[f"grounding.{name}"] = value
        return flat


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
