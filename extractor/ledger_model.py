"""Optional model help for the ledger: a model names what each quantity claim counts.

`extractor ledger --model M` sends each article's quantity claims (statement, figure, unit,
time, place, source; never the article text) to the same OpenAI-compatible endpoint `run`
uses, with the versioned prompt `prompts/ledger.toml`, and reads back one hint per claim:
measure, kind, stance, part and the event's day. Hints replace the rules' reading of those
facets claim by claim (`extractor.ledger.Hint`); grouping and judging stay the rules'. Answers
are cached in the answer cache under the endpoint, model, prompt version and hash and the exact
messages, so a second run costs no request. An article whose answer fails or does not validate
keeps the rules' reading, and is counted in the result.

Kept to one module calling the `openai` SDK directly (imported inside the function that calls
it): the extraction backends are being reworked, and this needs one JSON answer per article.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .cache import AnswerCache, cache_key
from .ledger import _GROUPS, Hint, _place_words
from .prompt import sha256_json
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

    claims: list[ClaimHint]


@dataclass(frozen=True)
class LedgerPrompt:
    name: str
    version: str
    system: str
    user: str
    params: dict[str, Any]

    @property
    def sha256(self) -> str:
        return sha256_json([self.name, self.version, self.system, self.user, self.params])


@dataclass
class HintResult:
    hints: dict[tuple[str, int], Hint]
    articles: int  # articles with quantity claims
    failed: int  # answers that failed or did not validate (those keep the rules' reading)
    cached: int


def load_prompt() -> LedgerPrompt:
    data = tomllib.loads(files("extractor.prompts").joinpath("ledger.toml").read_text("utf-8"))
    return LedgerPrompt(
        name=data["name"],
        version=str(data["version"]),
        system=data["messages"]["system"],
        user=data["messages"]["user"],
        params=dict(data.get("params", {})),
    )


def _messages(prompt: LedgerPrompt, record: ArticleResult) -> list[dict[str, str]] | None:
    rows = []
    for i, c in enumerate(record.claims):
        if c.quantity is None:
            continue
        q = c.quantity
        rows.append({"index": i, "statement": c.statement, "figure": q.text, "value": q.value,
                     "qualifier": q.qualifier, "unit": q.unit, "time": c.time_text,
                     "date": c.date, "location": c.location,
                     "source": f"{c.source.name} ({c.source.kind})"})  # fmt: skip
    if not rows:
        return None
    claims = json.dumps(rows, ensure_ascii=False, indent=1)
    return [
        {"role": "system", "content": prompt.system},
        {"role": "user", "content": prompt.user.replace("{claims}", claims)},
    ]


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
    """One request per article with quantity claims (cached), read back as hints."""
    from openai import OpenAI

    prompt = load_prompt()
    schema = ArticleHints.model_json_schema()
    schema_sha = sha256_json(schema)
    client = OpenAI(
        base_url=settings.endpoint,
        api_key=settings.api_key.get_secret_value() if settings.api_key else "not-needed",
        timeout=settings.timeout,
        max_retries=max(0, settings.max_attempts - 1),
    )
    cache = AnswerCache(settings.cache_dir) if settings.use_cache else None
    result = HintResult(hints={}, articles=0, failed=0, cached=0)

    def one(record: ArticleResult) -> tuple[ArticleResult, str | None, bool]:
        messages = _messages(prompt, record)
        assert messages is not None
        key = cache_key(endpoint=settings.endpoint, model=settings.model or "", mode="json_schema",
                        messages=messages, schema_sha256=schema_sha, params=prompt.params,
                        prompt=prompt.name, prompt_version=prompt.version,
                        prompt_sha256=prompt.sha256)  # fmt: skip
        if cache is not None and (hit := cache.get(key)) is not None:
            return record, hit, True
        try:
            response = client.chat.completions.create(
                model=settings.model or "",
                messages=messages,  # type: ignore[arg-type]
                response_format={"type": "json_schema",
                                 "json_schema": {"name": "ledger_hints", "schema": schema}},
                **prompt.params,
            )  # fmt: skip
            answer = response.choices[0].message.content if response.choices else None
        except Exception:  # any failure keeps the rules' reading of this article
            return record, None, False
        if answer and cache is not None and _valid(answer) is not None:
            cache.set(key, answer)
        return record, answer, False

    todo = [r for r in records if any(c.quantity for c in r.claims)]
    result.articles = len(todo)
    try:
        with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
            for record, answer, cached in pool.map(one, todo):
                parsed = _valid(answer) if answer else None
                if parsed is None:
                    result.failed += 1
                    continue
                result.cached += cached
                for h in parsed.claims:
                    ok = 0 <= h.index < len(record.claims) and record.claims[h.index].quantity
                    if ok:
                        result.hints[(record.id, h.index)] = _hint(h)
    finally:
        if cache is not None:
            cache.close()
        client.close()
    return result


def _valid(answer: str) -> ArticleHints | None:
    try:
        return ArticleHints.model_validate_json(answer)
    except ValidationError:
        return None
