"""Pass/fail rules for CI: minimum metric values and maximum drops versus a baseline report."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..errors import ConfigError
from .report import LOWER_IS_BETTER, EvalReport, ThresholdResult, gain

SECTIONS = ("minimum", "maximum", "max_drop")  # maximum: for metrics where lower is better


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds file {path}: {exc}") from None
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown sections {sorted(unknown)}; use [minimum], [maximum] and [max_drop]"
        )
    return {section: dict(data.get(section, {})) for section in SECTIONS}


def check(
    report: EvalReport, rules: dict[str, dict[str, float]], baseline: EvalReport | None = None
) -> list[ThresholdResult]:
    metrics = report.metrics()
    results: list[ThresholdResult] = []
    for metric, limit in rules.get("minimum", {}).items():
        actual = _metric(metrics, metric)
        passed = actual >= limit
        results.append(
            ThresholdResult(
                name=f"minimum {metric}",
                metric=metric,
                limit=limit,
                actual=actual,
                passed=passed,
                message=f"{metric} = {actual:.3f} "
                + (">=" if passed else "is below the minimum")
                + f" {limit:.3f}",
            )
        )
    for metric, limit in rules.get("maximum", {}).items():
        actual = _metric(metrics, metric)
        passed = actual <= limit
        results.append(
            ThresholdResult(
                name=f"maximum {metric}",
                metric=metric,
                limit=limit,
                actual=actual,
                passed=passed,
                message=f"{metric} = {actual:.3f} "
                + ("<=" if passed else "is above the maximum")
                + f" {limit:.3f}",
            )
        )
    if baseline is not None:
        before = baseline.metrics()
        for metric, limit in rules.get("max_drop", {}).items():
            # how much worse: a fall, or a rise of a metric where lower is better
            drop = -(gain(metric, _metric(metrics, metric) - _metric(before, metric)) or 0.0)
            passed = drop <= limit
            results.append(
                ThresholdResult(
                    name=f"max drop {metric}",
                    metric=metric,
                    limit=limit,
                    actual=round(drop, 6),
                    passed=passed,
                    message=f"{metric} {_moved(metric, drop)} by {abs(drop):.3f} versus the "
                    "baseline "
                    + ("(allowed " if passed else "(more than the allowed ")
                    + f"{limit:.3f})",
                )
            )
    return results


def _moved(metric: str, worse: float) -> str:
    """How a metric moved, from how much worse it got."""
    if metric in LOWER_IS_BETTER:
        return "rose" if worse > 0 else "fell"
    return "dropped" if worse > 0 else "rose"


def _metric(metrics: dict[str, float], name: str) -> float:
    if name not in metrics:
        known = ", ".join(sorted(metrics))
        raise ConfigError(f"unknown metric {name!r} in thresholds; known metrics: {known}")
    return metrics[name]
