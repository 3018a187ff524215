"""The schema we send compiles in the grammar engines real servers use, and instances of it.

llguidance (vLLM's "guidance" backend, llama.cpp's optional one) and xgrammar (vLLM's and SGLang's
default) compile the schema; a schema they cannot compile makes these tests fail. Random instances
are sampled through llguidance's grammar for the schema alone, then checked with `jsonschema`.
"""

from __future__ import annotations

import jsonschema
import pytest
from grammar_engines import GrammarError, compile_llguidance, compile_xgrammar, random_instances

from extractor.contract import MODES, answer_schema, request_body
from extractor.schemas import ClaimSet
from extractor.testing import declared_schema

pytestmark = pytest.mark.slow

NOT_A_REGEX = {
    "type": "object",
    "properties": {"date": {"type": "string", "pattern": "[0-9"}},
    "required": ["date"],
}
ENGINES = [
    pytest.param(compile_llguidance, id="llguidance"),
    pytest.param(compile_xgrammar, id="xgrammar"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("strict", [False, True], ids=["schema", "strict"])
@pytest.mark.parametrize("compile_schema", ENGINES)
def test_the_schema_sent_in_every_mode_compiles(compile_schema, strict: bool, mode: str) -> None:
    body = request_body(
        [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
        ClaimSet,
        model="m",
        mode=mode,
        params={},
        strict=strict,
    )
    compile_schema(declared_schema(body))


@pytest.mark.parametrize("compile_schema", ENGINES)
def test_a_pattern_that_is_not_a_regex_makes_the_engine_raise(compile_schema) -> None:
    with pytest.raises(GrammarError):
        compile_schema(NOT_A_REGEX)


def test_llguidance_raises_on_a_keyword_it_would_ignore() -> None:
    with pytest.raises(GrammarError):
        compile_llguidance({"type": "string", "format": "no-such-format"})


@pytest.fixture(scope="module")
def claim_instances() -> list[dict]:
    return random_instances(answer_schema(ClaimSet), 300, seed=0)


def test_300_random_instances_of_the_claim_schema_all_validate_under_it(
    claim_instances: list[dict],
) -> None:
    schema = answer_schema(ClaimSet)
    instances = claim_instances
    assert len(instances) == 300
    validator = jsonschema.Draft202012Validator(schema)
    for instance in instances:
        errors = [e.message for e in validator.iter_errors(instance)]
        assert not errors, (instance, errors)
    claims = [c for i in instances for c in i.get("claims", [])]
    # the sampler reaches what the schema allows: empty and long lists, optional fields filled
    assert any(i.get("claims") == [] for i in instances)
    assert max(len(i.get("claims", [])) for i in instances) >= 5
    assert any(c.get("date") is not None for c in claims)
    assert any(c.get("quantity") is not None for c in claims)


def test_the_project_accepts_every_random_instance_of_the_schema_it_sends(
    claim_instances: list[dict],
) -> None:
    rejected = []
    for instance in claim_instances:
        try:
            ClaimSet.model_validate(instance)
        except ValueError as exc:
            rejected.append(str(exc).splitlines()[:3])
    assert not rejected, f"{len(rejected)} of {len(claim_instances)} rejected: {rejected[:3]}"


def test_random_instances_are_reproducible_from_the_seed() -> None:
    schema = answer_schema(ClaimSet)
    assert random_instances(schema, 5, seed=7) == random_instances(schema, 5, seed=7)
    assert random_instances(schema, 5, seed=7) != random_instances(schema, 5, seed=8)


def test_random_instances_follow_constraints_the_schema_declares() -> None:
    schema = {
        "type": "object",
        "properties": {
            "date": {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2})?$"},
            "kind": {"enum": ["a", "b"]},
            "n": {"type": "integer", "minimum": 3, "maximum": 9},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 2}, "maxItems": 3},
        },
        "required": ["date", "kind", "n", "tags"],
        "additionalProperties": False,
    }
    for instance in random_instances(schema, 50, seed=1):
        jsonschema.validate(instance, schema)
