"""Pydantic schemas shipped with extractor: the claim schema and the output record."""

from .claims import Claim, ClaimSet, DraftClaim, Evidence, Quantity, Quote, Source
from .records import ArticleResult, Provenance, RecordError, Usage

SCHEMAS = {"claims": ClaimSet}

__all__ = [
    "SCHEMAS",
    "ArticleResult",
    "Claim",
    "ClaimSet",
    "DraftClaim",
    "Evidence",
    "Provenance",
    "Quantity",
    "Quote",
    "RecordError",
    "Source",
    "Usage",
]
