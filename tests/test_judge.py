"""The optional judge (`extractor eval --judge MODEL`) against the project's test endpoint: real
HTTP through the openai SDK, answers cached, the rule's decisions left alone without it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import API_KEY, ROOT, cli_env, run_cli

from extractor.evaluation import load_records, score
from extractor.evaluation.judge import Judge
from extractor.testing import degrade
from extractor.testing.server import ChatRequest, FakeOpenAI, Reply

GOLD = load_records(ROOT / "evals/gold")
_CLAIMS = re.compile(r"Claim A: (.*)\nClaim B: (.*)\nEvidence quoted for A")


def same_text(request: ChatRequest) -> Reply:
    """A judge that calls two claims the same fact only when their statements are identical."""
    a, b = _CLAIMS.search(request.messages[-1]["content"]).groups()
    return Reply.json({"same": a == b})


def test_judge_decides_the_candidate_pairs_and_caches_its_answers(tmp_path: Path) -> None:
    with FakeOpenAI(same_text) as server:
        judge = Judge("judge-model", base_url=server.url, api_key=API_KEY, cache_dir=tmp_path)
        report = score(degrade.identity(GOLD), GOLD, judge=judge)
        asked = server.request_count
        again = score(degrade.identity(GOLD), GOLD, judge=judge)
        judge.close()
        assert server.request_count == asked  # every answer came from the cache
    assert report.micro.f1 == again.micro.f1 == 1.0
    info = report.judge
    assert info is not None and info.model == "judge-model" and info.prompt_version == "1"
    assert info.candidates == asked > sum(len(r.claims) for r in GOLD.values())
    assert info.rule_same >= info.judged_same == sum(len(r.claims) for r in GOLD.values())
    assert info.agree_with_rule == info.candidates - (info.rule_same - info.judged_same)
    body = server.requests[0].body
    assert body["model"] == "judge-model" and body["temperature"] == 0.0


def test_a_judge_that_says_no_unmatches_everything_and_the_rule_is_the_default(
    tmp_path: Path,
) -> None:
    with FakeOpenAI(lambda request: Reply.json({"same": False})) as server:
        judge = Judge("judge-model", base_url=server.url, api_key=API_KEY, cache_dir=None)
        assert score(degrade.identity(GOLD), GOLD, judge=judge).micro.f1 == 0.0
    without = score(degrade.identity(GOLD), GOLD)
    assert without.micro.f1 == 1.0 and without.judge is None


def test_an_unreadable_answer_counts_as_not_the_same(tmp_path: Path) -> None:
    with FakeOpenAI(lambda request: Reply(content="yes, I think so")) as server:
        judge = Judge("judge-model", base_url=server.url, api_key=API_KEY, cache_dir=None)
        assert score(degrade.identity(GOLD), GOLD, judge=judge).micro.f1 == 0.0


def test_eval_cli_with_judge_reports_how_often_judge_and_rule_agree(tmp_path: Path) -> None:
    with FakeOpenAI(same_text) as server:
        env = cli_env(server, tmp_path / "cache")
        report = tmp_path / "r.json"
        result = run_cli(
            "eval", "--predictions", "evals/annotations/b", "--judge", "judge-model",
            "--report", report, "--no-details", env=env, cwd=ROOT,
        )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(report.read_text())
    assert data["judge"]["model"] == "judge-model"
    assert data["judge"]["candidates"] == server.request_count > 0
    assert "judge and rule agree on" in result.stdout


def test_an_unreachable_judge_endpoint_is_a_usage_error_that_names_it(tmp_path: Path) -> None:
    env = cli_env(None, tmp_path / "cache", OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    result = run_cli(
        "eval", "--predictions", "evals/gold", "--judge", "judge-model", env=env, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    assert "judge judge-model at http://127.0.0.1:9/v1 failed" in result.stderr
    assert "Traceback" not in result.stderr
