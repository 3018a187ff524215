"""The OpenAI-compatible backend, exercised through the real openai client over HTTP."""

from __future__ import annotations

import json

import pytest

from extractor.pipeline import Extractor
from extractor.settings import Settings
from extractor.testing.server import FakeOpenAI, Reply

ARTICLE = "Officials said at least 87 prisoners were released on Thursday in Caracas."
QUOTE = "at least 87 prisoners were released on Thursday"


def _claim(**overrides: object) -> dict:
    claim = {
        "statement": "Officials said at least 87 prisoners were released on Thursday.",
        "subject": "Venezuelan government",
        "quantity": {"value": 87, "qualifier": "at_least", "unit": "prisoners released"},
        "time_text": "Thursday",
        "source": {"name": "officials", "kind": "government"},
        "evidence": {"quote": QUOTE},
    }
    claim.update(overrides)
    return claim


@pytest.mark.parametrize("mode", ["json_schema", "tools", "json", "md_json"])
def test_every_output_mode_extracts_grounded_claims(
    server: FakeOpenAI, settings: Settings, mode: str
) -> None:
    server.script(Reply.claims([_claim()]))
    result = Extractor(settings.replace(mode=mode)).extract(ARTICLE)
    assert result.status == "ok", result.error
    (claim,) = result.claims
    assert claim.quantity and claim.quantity.qualifier == "at_least"
    assert ARTICLE[claim.evidence.start : claim.evidence.end] == QUOTE
    body = server.requests[0].body
    if mode == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
        assert "claims" in json.dumps(body["response_format"]["json_schema"]["schema"])
    elif mode == "tools":
        assert body["tools"][0]["function"]["name"]
        assert body["tool_choice"] == "required"  # llama.cpp refuses the object form
    elif mode == "json":
        assert body["response_format"] == {"type": "json_object"}
    else:
        assert "response_format" not in body and "tools" not in body


@pytest.mark.parametrize("mode", ["json_schema", "tools", "json", "md_json"])
def test_article_with_template_syntax_reaches_the_endpoint_byte_for_byte(
    server: FakeOpenAI, settings: Settings, mode: str
) -> None:
    article = "Leak {{ secret }} and {% raw %}x{% endraw %} {article} {0} ${HOME} 87 freed."
    Extractor(settings.replace(mode=mode)).extract(article)
    assert server.requests[0].article == article
    assert article in server.requests[0].raw.decode()  # what went over the wire


def test_lax_validation_accepts_numbers_written_as_strings(
    server: FakeOpenAI, settings: Settings
) -> None:
    claim = _claim(quantity={"value": "87", "qualifier": "at_least", "unit": "prisoners"})
    claim["disputed"] = "false"
    server.script(Reply.claims([claim]))
    result = Extractor(settings).extract(ARTICLE)
    assert result.status == "ok", result.error
    assert result.claims[0].quantity.value == 87.0


def test_schema_invalid_answer_is_reasked_with_the_error_and_tokens_add_up(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.script(Reply.schema_invalid(), Reply.malformed(), Reply.claims([_claim()]))
    result = Extractor(settings.replace(max_reasks=2)).extract(ARTICLE)
    assert result.status == "ok"
    assert result.provenance.attempts == 3
    assert server.requests[1].is_reask
    assert "source" in json.dumps(server.requests[1].messages[-1])  # the validation error
    per_request = [len(r.raw) // 4 for r in server.requests]
    assert result.provenance.usage.prompt_tokens == sum(per_request)


def test_reasks_are_bounded_and_end_in_an_error_record(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply.schema_invalid()
    result = Extractor(settings.replace(max_reasks=1)).extract(ARTICLE)
    assert result.status == "error"
    assert result.error.type == "invalid_output"
    assert result.provenance.attempts == 2 == server.request_count
    assert result.provenance.usage.prompt_tokens > 0


def test_rate_limit_is_retried_after_the_servers_retry_after(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.script(Reply.rate_limited(retry_after=0.2), Reply.claims([_claim()]))
    result = Extractor(settings.replace(backoff_max=1.0)).extract(ARTICLE)
    assert result.status == "ok"
    assert result.provenance.attempts == 2
    assert result.provenance.latency_s >= 0.2


def test_unauthorised_is_not_retried_and_tells_what_to_check(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.script(Reply(status=401, error="bad key"))
    result = Extractor(settings).extract(ARTICLE)
    assert result.error.type == "http_401"
    assert "OPENAI_API_KEY" in result.error.message
    assert server.request_count == 1


def test_api_key_is_sent_to_the_endpoint_but_never_into_the_record(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.script(Reply(status=400, error="bad request"))
    result = Extractor(settings).extract(ARTICLE)
    key = settings.options["api_key"]
    assert server.requests[0].headers["authorization"] == f"Bearer {key}"
    assert key not in result.model_dump_json()
