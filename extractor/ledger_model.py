"""Optional model help for the ledger: a model names what each quantity claim counts.

`extractor ledger --model M` sends each article's quantity claims (statement, figure, unit,
time, place, source; never the article text) to the same OpenAI-compatible endpoint `run`
uses, with the versioned prompt `prompts/ledger.toml`, and reads back one hint per claim:
measure, kind, stance, part and the event's day. Hints replace the rules' reading of those
facets claim by claim (`extractor.ledger.Hint`); grouping and judging stay the rules'. Answers
are cached in the answer cache under the endpoint, model, prompt version and hash and the exact
messages, so a second run costs no request. An article whose answer fails or does not validate
keeps the rules' reading, and is counted in the result.

The request goes through the extraction pipeline itself (`prompts/ledger.toml` names the
`ArticleHints` schema): what `run` does for claims, this does for hints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .ledger import _GROUPS, Hint, _place_words
from .schemas import ArticleResult
from .settings import Settings

_DAY = re.compile(r"^(?:(?P<y>\d{4})-)?(?P<m>\d{2})-(?P<d>\d{2})$")


class ClaimHint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    measure: Literal["released", "held", "arrested", "killed", "injured", "missing", "other"]
    kind: Literal["event", "cumulative", "stock", "measure"]
    stance: Literal["announced", "verified", "estimated", "reported"]
    part: str | None = None
    event_date: str | None = Field(default=None, pattern=r"^([0-9]{4}-)?[0-9]{2}-[0-9]{2}$")


class ArticleHints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claims: list[ClaimHint] = Field(default_factory=list)


@dataclass
class HintResult:
    hints: dict[tuple[str, int], Hint]
    articles: int  # articles with quantity claims
    failed: int  # answers that failed or did not validate (those keep the rules' reading)
    cached: int


def _claims_json(record: ArticleResult) -> str | None:
    """The article's quantity claims as the JSON the prompt receives (never the article text)."""
    rows = []
    for i, c in enumerate(record.claims):
        if c.quantity is None:
            continue
        q = c.quantity
        rows.append({"index": i, "statement": c.statement, "figure": q.text, "value": q.value,
                     "qualifier": q.qualifier, "unit": q.unit, "time": c.time_text,
                     "date": c.date, "location": c.location,
                     "source": f"{c.source.name} ({c.source.kind})"})  # fmt: skip
    return json.dumps(rows, ensure_ascii=False, indent=1) if rows else None


def _hint(h: ClaimHint) -> Hint:
    part = None
    if h.part:
        folded = h.part.casefold()
        group = next((name for name, p in _GROUPS if p.search(folded)), None)
        part = group or "facility:" + " ".join(sorted(_place_words(h.part)))
    day = None
    if h.event_date and (m := _DAY.match(h.event_date)):
        day = (int(m["y"]) if m["y"] else None, int(m["m"]), int(m["d"]))
    measure = None if h.measure == "other" else h.measure
    return Hint(measure=measure, kind=h.kind, stance=h.stance, part=part, day=day)


def ask_hints(records: Iterable[ArticleResult], settings: Settings) -> HintResult:
    """One request per article with quantity claims, read back as hints.

    Goes through the same pipeline as extraction (`Extractor` with the `ledger` prompt and the
    `ArticleHints` schema): same backend, request budget, salvage, re-asks and answer cache.
    """
    from .articles import Article
    from .pipeline import Extractor

    by_id = {r.id: r for r in records}
    todo = [Article(id=r.id, text=text) for r in by_id.values() if (text := _claims_json(r))]
    result = HintResult(hints={}, articles=len(todo), failed=0, cached=0)
    if not todo:
        return result
    extractor = Extractor(settings, prompt="ledger")
    for answer in extractor.extract_many(todo):
        hints = answer.answer
        if answer.status != "ok" or not isinstance(hints, ArticleHints):
            result.failed += 1  # this article keeps the rules' reading
            continue
        result.cached += bool(answer.provenance and answer.provenance.cached)
        record = by_id[answer.id]
        for h in hints.claims:
            if 0 <= h.index < len(record.claims) and record.claims[h.index].quantity:
                result.hints[(record.id, h.index)] = _hint(h)
    return result
