"""The claim schema: what a model writes, and what a grounded claim looks like afterwards.

Two shapes on purpose. A model is asked only for what it can know (`DraftClaim`, whose evidence
is a bare quote); offsets and alignment are computed by `extractor.grounding` and never trusted
from a model (`Claim`). Everything a model writes forbids extra keys, and validation stays lax
on scalar types ("25" is accepted for 25) because local models get those slightly wrong.

Field reference (also in README.md):

statement    decontextualised sentence that stands alone: who did what, to whom, when, where
subject      main actor of the claim ("Venezuelan government", "Foro Penal")
quantity     optional; value / lower / upper, qualifier, unit (what is counted), text as written
time_text    time expression as written ("Thursday", "January 1", "Dec. 25")
date         ISO 8601 date ("2024", "2024-07", "2024-07-28") only when the text alone fixes it
location     place as written ("Tocorón prison in Aragua state")
source       who asserts it (name) and its kind: government, ngo, media, person, unattributed
disputed     true when the article presents the claim as disputed, unverified or contested
evidence     verbatim quote from the article (+ start/end/alignment once grounded)
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Qualifier = Literal[
    "exact",  # "99 prisoners"
    "at_least",  # "at least 87", "a minimum of"
    "more_than",  # "more than 700", "over 900", "over 130"
    "at_most",  # "at most", "up to"
    "less_than",  # "fewer than", "under"
    "about",  # "about 2,400", "around", "roughly", "approximately", "some"
    "nearly",  # "nearly 2,000", "almost"
    "range",  # "between 50 and 60": lower and upper set
    "vague",  # "dozens", "hundreds", "thousands": bounds set, value null
]
SourceKind = Literal["government", "ngo", "media", "person", "unattributed", "other"]
Alignment = Literal["exact", "fuzzy", "none"]

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class _Written(BaseModel):
    """Base for everything a model writes: unknown keys are an error, types are coerced."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Quantity(_Written):
    value: float | None = Field(
        default=None, description="The number as stated (87 for 'at least 87'); null if vague."
    )
    lower: float | None = Field(default=None, description="Lower bound for ranges/vague counts.")
    upper: float | None = Field(default=None, description="Upper bound for ranges/vague counts.")
    qualifier: Qualifier = Field(
        default="exact",
        description="How the number is hedged: exact, at_least, more_than, at_most, less_than, "
        "about, nearly, range, vague.",
    )
    unit: str = Field(description="What is counted, e.g. 'political prisoners released'.")
    text: str | None = Field(default=None, description="The quantity as written: 'at least 87'.")

    @model_validator(mode="after")
    def _has_a_number(self) -> Quantity:
        if self.value is None and self.lower is None and self.upper is None:
            raise ValueError("a quantity needs a value or a bound; omit the quantity otherwise")
        return self


class Source(_Written):
    name: str = Field(
        description="Who asserts the claim, as named: 'Foro Penal', 'Venezuelan government', "
        "'rights groups'; 'the article' when nobody is cited."
    )
    kind: SourceKind = Field(
        default="unattributed",
        description="government, ngo, media, person, unattributed (the article's own voice).",
    )


class Quote(_Written):
    quote: str = Field(min_length=1, description="Verbatim span copied from the article.")


class Evidence(Quote):
    """A quote grounded in the article: `text[start:end] == quote` when alignment is exact."""

    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    alignment: Alignment = "none"


class DraftClaim(_Written):
    """One atomic claim as a model writes it (evidence not yet grounded)."""

    statement: str = Field(min_length=1, description="Standalone, decontextualised sentence.")
    subject: str = Field(description="Main actor of the claim.")
    quantity: Quantity | None = Field(default=None, description="At most one quantity per claim.")
    time_text: str | None = Field(default=None, description="Time as written in the article.")
    date: str | None = Field(
        default=None,
        description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD) only when the text alone fixes it.",
    )
    location: str | None = Field(default=None, description="Place as written.")
    source: Source
    disputed: bool = Field(
        default=False, description="True when the article presents it as disputed/unverified."
    )
    evidence: Quote

    @field_validator("date")
    @classmethod
    def _iso_or_null(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not _ISO_DATE.match(value):
            raise ValueError("date must be YYYY, YYYY-MM or YYYY-MM-DD, or null when unknown")
        return value


class Claim(DraftClaim):
    """A claim after grounding; this is the shape of every claim in output and gold files."""

    evidence: Evidence  # type: ignore[assignment]


_REASONING = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class ClaimSet(_Written):
    """What the model returns for one article."""

    claims: list[DraftClaim] = Field(default_factory=list)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> ClaimSet:
        """Also accept a reasoning model's `<think>…</think>` preamble and a ```json fence."""
        if isinstance(json_data, bytes | bytearray):
            json_data = json_data.decode("utf-8", errors="replace")
        json_data = _REASONING.sub("", json_data, count=1)
        if fenced := _FENCE.match(json_data):
            json_data = fenced.group(1)
        return super().model_validate_json(json_data, **kwargs)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Cached: clients ask for the schema on every request and building it costs ~3 ms."""
        key = (cls, args, tuple(sorted(kwargs.items())))
        cached = _SCHEMA_CACHE.get(key)
        if cached is None:
            cached = _SCHEMA_CACHE[key] = json.dumps(super().model_json_schema(*args, **kwargs))
        return json.loads(cached)  # a fresh copy: callers may edit what they get


_SCHEMA_CACHE: dict[Any, str] = {}
