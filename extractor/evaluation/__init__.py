"""Evaluation: score claim records against gold. Depends on the claim schema only."""

from .records import load_records
from .report import Comparison, EvalReport, compare
from .scoring import match_claims, score
from .thresholds import check, load_thresholds

__all__ = [
    "Comparison",
    "EvalReport",
    "check",
    "compare",
    "load_records",
    "load_thresholds",
    "match_claims",
    "score",
]
