"""The schema we send is the contract: whatever it allows is accepted, or salvaged claim by claim.

The answers here are generated from the JSON Schema the request declares, never from the
pydantic models, so they are what a grammar-constrained server may legally send.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import jsonschema
import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from extractor.cli import app
from extractor.contract import MODES, answer_schema, request_body, strict_schema, strict_violations
from extractor.pipeline import Extractor
from extractor.salvage import salvage
from extractor.schemas import ClaimSet
from extractor.settings import Settings
from extractor.testing import FakeOpenAI, Reply, random_instance, schema_responder

ARTICLE = "Officials said at least 87 prisoners were released on Thursday, 1 January 2026."
QUOTE = "at least 87 prisoners were released"


def _claim(**overrides: object) -> dict[str, object]:
    claim: dict[str, object] = {
        "statement": "Officials said at least 87 prisoners were released.",
        "subject": "officials",
        "quantity": {"value": 87, "qualifier": "at_least", "unit": "prisoners released"},
        "source": {"name": "officials", "kind": "government"},
        "evidence": {"quote": QUOTE},
    }
    claim.update(overrides)
    return claim


@pytest.mark.parametrize("strict", [False, True], ids=["schema", "strict-schema"])
def test_every_random_instance_of_the_schema_sent_validates(strict: bool) -> None:
    schema = answer_schema(ClaimSet, strict=strict)
    rng = random.Random(20261201)
    rejected = []
    for _ in range(300):
        instance = random_instance(schema, rng)
        jsonschema.validate(instance, schema)  # the generator only makes legal answers
        result = salvage(instance, ClaimSet)
        if result.warnings or result.answer is None:
            rejected.append((instance, result.warnings, result.problems))
    assert not rejected, f"{len(rejected)} of 300 rejected, e.g. {rejected[0]}"


def test_the_strict_form_follows_openais_strict_rules_and_the_plain_form_would_not() -> None:
    assert strict_violations(answer_schema(ClaimSet, strict=True)) == []
    plain = strict_violations(answer_schema(ClaimSet))
    assert any("not required" in p for p in plain)
    assert any("'default'" in p for p in plain)


def test_the_strict_form_accepts_the_same_answers_when_every_key_is_present() -> None:
    strict = answer_schema(ClaimSet, strict=True)
    full = ClaimSet.model_validate({"claims": [_claim()]}).model_dump(mode="json")
    jsonschema.validate(full, strict)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"claims": [{**full["claims"][0], "extra": 1}]}, strict)


def test_a_quantity_without_a_number_is_outside_the_schema_sent() -> None:
    schema = answer_schema(ClaimSet)
    bad = {"claims": [_claim(quantity={"qualifier": "vague", "unit": "prisoners"})]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    assert "\\d" not in json.dumps(schema)  # llama.cpp's converter ignores \d


@pytest.mark.parametrize("mode", MODES)
def test_the_same_schema_is_declared_in_every_mode(mode: str) -> None:
    body = request_body(
        [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
        ClaimSet,
        model="m",
        mode=mode,  # type: ignore[arg-type]
        params={"temperature": 0},
    )
    from extractor.testing import declared_schema

    assert declared_schema(body) == answer_schema(ClaimSet)


def test_strict_mode_sends_the_strict_schema_with_strict_true() -> None:
    body = request_body([{"role": "system", "content": "s"}], ClaimSet, model="m",
                        mode="json_schema", params={}, strict=True)  # fmt: skip
    sent = body["response_format"]["json_schema"]
    assert sent["strict"] is True
    assert sent["schema"] == strict_schema(ClaimSet.model_json_schema())


def test_openai_gets_strict_schemas_by_default_and_other_endpoints_do_not() -> None:
    from extractor.backends.openai_compat import OpenAIOptions

    assert OpenAIOptions(api_key="k").strict_on
    assert not OpenAIOptions(base_url="http://localhost:8080/v1").strict_on
    assert OpenAIOptions(base_url="http://localhost:8080/v1", strict=True).strict_on


@pytest.mark.parametrize("mode", MODES)
def test_hostile_but_valid_answers_in_every_mode_give_ok_records_through_the_cli(
    mode: str, tmp_path: Path
) -> None:
    """Property test of the whole path: 200 random answers per mode, over real HTTP."""
    source = tmp_path / "articles.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with source.open("w", encoding="utf-8") as handle:
        for i in range(200):
            handle.write(json.dumps({"id": f"a{i}", "text": texts[i % len(texts)]}) + "\n")
    out = tmp_path / "out.jsonl"
    with FakeOpenAI(schema_responder(seed=hash(mode) % 1000)) as server:
        result = CliRunner().invoke(
            app,
            ["run", str(source), "-o", str(out), "--quiet", "--no-cache", "--mode", mode,
             "--base-url", server.url, "--model", "hostile", "--concurrency", "16"],
        )  # fmt: skip
        requests = server.request_count
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 200 and {r["status"] for r in records} == {"ok"}
    assert requests == 200  # nothing was re-asked: every answer was usable as sent
    for record in records:
        assert record["warnings"] is not None
        for warning in record["warnings"]:
            assert warning["action"] == "kept"  # only invented quotes, nothing repaired


def test_one_bad_field_costs_that_field_and_one_bad_claim_costs_that_claim(
    server: FakeOpenAI, settings: Settings
) -> None:
    good = _claim()
    bad_date = _claim(date="Venezuela", statement="Another claim.")
    no_source = {k: v for k, v in _claim(statement="Third claim.").items() if k != "source"}
    server.script(Reply.claims([good, bad_date, no_source]))
    result = Extractor(settings.replace(mode="json")).extract(ARTICLE)
    assert result.status == "ok", result.error
    assert [c.statement for c in result.claims] == [good["statement"], "Another claim."]
    assert result.claims[1].date is None
    warnings = {(w.path, w.action) for w in result.warnings}
    assert ("claims.1.date", "nulled") in warnings
    assert ("claims.2", "dropped") in warnings
    dated = next(w for w in result.warnings if w.path == "claims.1.date")
    assert dated.value == "Venezuela" and "pattern" in dated.problem
    assert server.request_count == 1  # salvaged, not re-asked


def test_an_answer_that_loses_most_claims_is_reasked_and_errors_name_field_reason_and_value(
    server: FakeOpenAI, settings: Settings
) -> None:
    broken = {k: v for k, v in _claim().items() if k != "source"}
    server.responder = lambda request: Reply.claims([broken, broken])
    result = Extractor(settings.replace(mode="json", max_reasks=1)).extract(ARTICLE)
    assert result.status == "error" and result.error.type == "invalid_output"
    assert "claims.0.source: Field required" in result.error.message
    assert server.request_count == 2
    assert "claims.0.source" in server.requests[1].messages[-1]["content"]


def test_max_attempts_is_a_plain_cap_on_requests_per_article(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply.malformed()
    result = Extractor(settings.replace(max_attempts=2, max_reasks=5)).extract(ARTICLE)
    assert result.status == "error"
    assert server.request_count == 2 == result.provenance.attempts
    server.requests.clear()
    server.responder = lambda request: Reply.truncated()
    Extractor(settings.replace(max_attempts=3, max_reasks=5, use_cache=False)).extract(ARTICLE)
    assert server.request_count <= 3


def test_invented_quotes_are_counted_and_reasked_once_when_asked_to(
    server: FakeOpenAI, settings: Settings
) -> None:
    invented = _claim(evidence={"quote": "The moon landing happened in 1969."})
    server.script(Reply.claims([invented]), Reply.claims([_claim()]))
    result = Extractor(settings.replace(reask_ungrounded=True)).extract(ARTICLE)
    assert result.status == "ok"
    assert server.request_count == 2
    assert "The moon landing" in server.requests[1].messages[-1]["content"]
    assert result.claims[0].evidence.alignment == "exact"
    server.requests.clear()
    server.script(Reply.claims([invented]))
    kept = Extractor(settings.replace(use_cache=False)).extract(ARTICLE)
    assert server.request_count == 1  # off by default
    assert [(w.path, w.action) for w in kept.warnings] == [("claims.0.evidence", "kept")]


def test_the_pattern_generator_still_has_the_private_stdlib_regex_parser_it_wraps() -> None:
    """`extractor.testing.regex_strings` wraps `re._parser`; a Python upgrade that moves it
    fails here, loudly, rather than as odd answers elsewhere."""
    import re

    from extractor.schemas.claims import ISO_DATE_PATTERN
    from extractor.testing.regex_strings import random_match

    rng = random.Random(7)
    for pattern in (ISO_DATE_PATTERN, r"^[a-c]{2,4}(x|yz)?$", r"^[^ \t]+$"):
        for _ in range(50):
            assert re.fullmatch(pattern, random_match(pattern, rng)), pattern


def test_salvage_follows_unions_and_nested_lists_of_any_schema() -> None:
    """Union member tags in pydantic's error locations are not keys of the answer."""
    from typing import Literal

    from pydantic import BaseModel

    class Released(BaseModel):
        kind: Literal["released"]
        count: int

    class Said(BaseModel):
        kind: Literal["said"]
        words: str

    class Item(BaseModel):
        what: Released | Said
        note: str | None = None

    class Items(BaseModel):
        items: list[Item] = []

    answer = {
        "items": [
            {"what": {"kind": "released", "count": "many"}},
            {"what": {"kind": "said", "words": "ok"}},
            {"what": {"kind": "released", "count": 3}, "note": 5},
        ]
    }
    result = salvage(answer, Items)
    assert result.answer is not None and len(result.answer.items) == 2  # type: ignore[attr-defined]
    assert {(w.path, w.action) for w in result.warnings} == {
        ("items.0", "dropped"),
        ("items.2.note", "nulled"),
    }


def test_the_strict_form_keeps_length_limits_and_refuses_what_it_cannot_express() -> None:
    from pydantic import BaseModel, Field

    from extractor.contract import StrictSchemaError

    class Short(BaseModel):
        name: str = Field(max_length=5)

    strict = answer_schema(Short, strict=True)
    jsonschema.validate({"name": "abcde"}, strict)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "abcdefgh"}, strict)  # as the validator says

    class Pair(BaseModel):
        pair: tuple[int, str]

    with pytest.raises(StrictSchemaError, match="prefixItems"):
        answer_schema(Pair, strict=True)


@pytest.mark.parametrize(
    "body",
    [
        b'{"choices":[{"message":"hi","finish_reason":"stop"}]}',
        b'{"choices":[{"message":{"role":"assistant","tool_calls":["x"]},"finish_reason":"stop"}]}',
        b'{"claims":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["message-a-string", "tool-calls-junk", "nested-too-deep"],
)
def test_malformed_completions_are_named_errors_not_internal_ones(
    server: FakeOpenAI, settings: Settings, body: bytes
) -> None:
    content = body.decode()
    reply = (
        Reply(content=content)
        if content.startswith('{"claims"')
        else Reply(raw_body=body, headers={"content-type": "application/json"})
    )
    server.responder = lambda request: reply
    result = Extractor(settings.replace(mode="json", max_attempts=2)).extract(ARTICLE)
    assert result.status == "error"
    assert result.error.type != "internal_error", result.error


def test_random_instances_of_recursive_schemas_and_bounded_numbers_stay_legal() -> None:
    from pydantic import BaseModel, Field

    class Tree(BaseModel):
        v: float = Field(default=0.5, gt=0, lt=1)
        n: int = Field(default=1, gt=0, lt=2)
        big: float = Field(default=1e300, ge=1e300)
        kids: list[Tree] = []

    schema = answer_schema(Tree)
    rng = random.Random(1)
    for _ in range(50):
        jsonschema.validate(random_instance(schema, rng), schema)
