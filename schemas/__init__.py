"""Pydantic schemas shipped with extractor: the claim schema and the output record.

This folder is the package `extractor.schemas` (setuptools maps it there); it has no other name.
"""

if __name__ != "extractor.schemas":  # pragma: no cover - guards the one import name
    raise ImportError(f"import extractor.schemas, not {__name__}: one module, one name")

from .claims import Claim, ClaimSet, DraftClaim, Evidence, Quantity, Quote, Source
from .records import (
    ArticleResult,
    Provenance,
    Record,
    RecordError,
    RecordView,
    RecordWarning,
    Usage,
    empty_fields,
)

#: bundled answer schemas, by the name a prompt file may use instead of an import path
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
    "Record",
    "RecordError",
    "RecordView",
    "RecordWarning",
    "Source",
    "Usage",
    "empty_fields",
]
