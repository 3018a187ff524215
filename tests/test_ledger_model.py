"""`extractor ledger --model M`: the plumbing to the endpoint, the cache, and fallbacks.

The endpoint is the project's real HTTP test server (`FakeOpenAI`) with a responder that
answers the ledger prompt the way a model would: it reads the claims from the request and
dates both releases to 3 April. The rules alone keep the two claims apart (one has no date,
and 50 vs 80 is neither close nor an announced-vs-verified pair).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.ledger import Ledger, build_ledger
from extractor.schemas import ArticleResult
from extractor.templates import load_prompt
from extractor.testing import FakeOpenAI, Reply
from extractor.testing.server import ChatRequest


def claim(statement: str, value: float, time_text: str | None) -> dict:
    return {
        "statement": statement,
        "subject": "authorities",
        "quantity": {"value": value, "qualifier": "exact", "unit": "detainees released"},
        "time_text": time_text,
        "source": {"name": "officials", "kind": "government"},
        "evidence": {"quote": statement},
    }


RECORDS = [
    {"id": "a", "status": "ok",
     "claims": [claim("Authorities in Caracas freed 50 detainees on the holiday.", 50, None)]},
    {"id": "b", "status": "ok",
     "claims": [claim("On 3 April, 80 detainees were released in Caracas.", 80, "3 April")]},
]  # fmt: skip


def hints_for(request: ChatRequest) -> Reply:
    claims = json.loads(request.messages[-1]["content"].split("(JSON):\n", 1)[1])
    return Reply.json(
        {"claims": [{"index": c["index"], "measure": "released", "kind": "event",
                     "stance": "reported", "part": None, "event_date": "04-03"} for c in claims]}
    )  # fmt: skip


@pytest.fixture
def records_file(tmp_path: Path) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def ledger_cli(records: Path, server: FakeOpenAI, cache: Path) -> tuple[Ledger, str]:
    result = CliRunner().invoke(
        app,
        ["ledger", str(records), "--json", "--model", "fake-model", "--base-url", server.url,
         "--api-key", "sk-test", "--cache-dir", str(cache)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return Ledger.model_validate_json(result.stdout), result.stderr


def grouped(ledger: Ledger) -> bool:
    return any({v.value for v in g.values} == {50.0, 80.0} for g in ledger.groups)


def test_rules_alone_keep_the_two_releases_apart() -> None:
    records = [ArticleResult.model_validate(r) for r in RECORDS]
    assert not grouped(build_ledger(records))


def test_model_hints_date_both_releases_and_a_second_run_is_served_from_the_cache(
    records_file: Path, tmp_path: Path
) -> None:
    with FakeOpenAI(responder=hints_for) as server:
        ledger, note = ledger_cli(records_file, server, tmp_path / "cache")
        assert grouped(ledger)
        [group] = [g for g in ledger.groups if len(g.values) == 2]
        assert group.anchor == "3 Apr" and group.status == "conflict"
        assert server.request_count == 2 and "2 of 2 articles (0 from cache" in note
        request = server.requests[0]
        assert request.messages[0]["content"] == load_prompt("ledger").system  # versioned prompt
        assert request.body["response_format"]["type"] == "json_schema"
        assert request.body["model"] == "fake-model"

        again, note = ledger_cli(records_file, server, tmp_path / "cache")
        assert server.request_count == 2 and "(2 from cache" in note
        assert again == ledger


def test_answers_that_do_not_validate_keep_the_rules_reading(
    records_file: Path, tmp_path: Path
) -> None:
    with FakeOpenAI(responder=lambda request: Reply.json({"claims": [{"index": "x"}]})) as server:
        ledger, note = ledger_cli(records_file, server, tmp_path / "cache")
    assert not grouped(ledger) and "2 kept the rules' reading" in note
