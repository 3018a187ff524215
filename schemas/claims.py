"""The claim schema: what a model writes, and what a grounded claim looks like afterwards.

Two shapes on purpose. A model is asked only for what it can know (`DraftClaim`, whose evidence
is a bare `Quote`); offsets and alignment are computed by `extractor.grounding` and never trusted
from a model (`Claim`, whose evidence is an `Evidence`). `Quote` is the project's quote type: any
field of any schema typed `Quote` is grounded the same way.

The JSON Schema these models produce is the contract with the endpoint: a grammar-constrained
server guarantees that schema and nothing more, so every rule the validators enforce is written
into it (`pattern` for dates, enums, "a quantity has a number" as an `anyOf`). Validation stays
lax on scalar types ("25" is accepted for 25) because local models get those slightly wrong, and
strings are stripped of surrounding whitespace after validation (a repair, never a rejection).

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

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

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

#: YYYY, YYYY-MM or YYYY-MM-DD. `[0-9]`, not `\d`: llama.cpp's schema converter ignores `\d`.
ISO_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


def _strip(text: str) -> str:
    return text.strip() or text  # a blank string stays as sent: `minLength` already held


Text = Annotated[str, AfterValidator(_strip)]
"""A string kept as the model wrote it, minus surrounding whitespace (a repair, not a check)."""


class _Written(BaseModel):
    """Base for everything a model writes: unknown keys are an error, types are coerced."""

    model_config = ConfigDict(extra="forbid")


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
    unit: Text = Field(description="What is counted, e.g. 'political prisoners released'.")
    text: Text | None = Field(default=None, description="The quantity as written: 'at least 87'.")

    @model_validator(mode="after")
    def _has_a_number(self) -> Quantity:
        if self.value is None and self.lower is None and self.upper is None:
            raise ValueError("a quantity needs a value or a bound; omit the quantity otherwise")
        return self

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """`_has_a_number` in the schema itself: one of value, lower or upper is a number.

        Written as a choice between three whole objects, each making one of the three a required
        number, because grammar engines (llama.cpp, xgrammar) and OpenAI's strict mode handle an
        `anyOf` of complete objects but not an `anyOf` of bare `required` lists beside
        `properties`.
        """
        base = handler.resolve_ref_schema(handler(core_schema))
        variants = []
        for bound in ("value", "lower", "upper"):
            variant = {k: v for k, v in base.items() if k not in ("title", "description")}
            properties = dict(variant["properties"])
            number = {k: v for k, v in properties[bound].items() if k not in ("anyOf", "default")}
            properties[bound] = {**number, "type": "number"}
            variant["properties"] = properties
            variant["required"] = [*variant.get("required", []), bound]
            variants.append(variant)
        return {"title": base.get("title", "Quantity"), "anyOf": variants}


class Source(_Written):
    name: Text = Field(
        description="Who asserts the claim, as named: 'Foro Penal', 'Venezuelan government', "
        "'rights groups'; 'the article' when nobody is cited."
    )
    kind: SourceKind = Field(
        default="unattributed",
        description="government, ngo, media, person, unattributed (the article's own voice).",
    )


class Quote(_Written):
    """A verbatim span of the article. Every field typed `Quote`, in any schema, is grounded."""

    quote: str = Field(min_length=1, description="Verbatim span copied from the article.")


class Evidence(Quote):
    """A quote grounded in the article: `text[start:end] == quote` when alignment is exact."""

    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    alignment: Alignment = "none"


class DraftClaim(_Written):
    """One atomic claim as a model writes it (evidence not yet grounded)."""

    statement: Text = Field(min_length=1, description="Standalone, decontextualised sentence.")
    subject: Text = Field(description="Main actor of the claim.")
    quantity: Quantity | None = Field(default=None, description="At most one quantity per claim.")
    time_text: Text | None = Field(default=None, description="Time as written in the article.")
    date: str | None = Field(
        default=None,
        pattern=ISO_DATE_PATTERN,
        description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD) only when the text alone fixes it.",
    )
    location: Text | None = Field(default=None, description="Place as written.")
    source: Source
    disputed: bool = Field(
        default=False, description="True when the article presents it as disputed/unverified."
    )
    evidence: Quote


class Claim(DraftClaim):
    """A claim after grounding; this is the shape of every claim in output and gold files."""

    evidence: Evidence


class ClaimSet(_Written):
    """What the model returns for one article."""

    claims: list[DraftClaim] = Field(default_factory=list)
