"""`extractor eval` in a real subprocess: scores, reports, comparisons, thresholds."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conftest import ROOT, cli_env, run_cli

from extractor.testing.server import FakeOpenAI


def _eval(*args: str | Path, tmp_path: Path, server: FakeOpenAI | None = None):
    return run_cli("eval", *args, env=cli_env(server, tmp_path / "cache"), cwd=ROOT)


def test_gold_scored_against_itself_prints_f1_of_one(tmp_path: Path) -> None:
    report = tmp_path / "gold.json"
    result = _eval("--predictions", "evals/gold", "--report", report, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"claims \(micro\)\s+│\s+1\.000 │\s+1\.000 │ 1\.000", result.stdout)
    data = json.loads(report.read_text())
    assert data["micro"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert data["quantity"]["f1"] == data["attributed_quantity"]["f1"] == 1.0
    assert data["hallucinations"] == {"share": 0.0, "count": 0}


def test_annotator_agreement_is_computed_with_the_same_scorer(tmp_path: Path) -> None:
    report = tmp_path / "a.json"
    result = _eval("--predictions", "evals/annotations/a", "--report", report, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text())
    assert 0.5 < data["micro"]["f1"] < 1.0
    assert set(data["fields"]) == {
        "value",
        "qualifier",
        "unit",
        "source",
        "date",
        "location",
        "disputed",
    }
    assert [a["id"] for a in data["articles"]] == sorted(
        p.stem for p in (ROOT / "seeds").glob("*.txt")
    )


def test_compare_shows_deltas_and_the_gold_claims_gained_and_lost(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    _eval("--predictions", "evals/annotations/a", "--report", old, tmp_path=tmp_path)
    result = _eval("--predictions", "evals/gold", "--compare", old, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Compared with the old report" in result.stdout
    assert "micro.f1" in result.stdout
    assert "+ gained" in result.stdout


def test_missed_threshold_exits_1_and_names_the_metric(tmp_path: Path) -> None:
    rules = tmp_path / "thresholds.toml"
    rules.write_text('[minimum]\n"micro.f1" = 0.99\n"quantity.f1" = 0.1\n')
    result = _eval(
        "--predictions",
        "evals/annotations/b",
        "--thresholds",
        rules,
        "--no-details",
        tmp_path=tmp_path,
    )
    assert result.returncode == 1
    assert "micro.f1" in result.stderr and "below the minimum" in result.stderr
    assert "quantity.f1" not in result.stderr


def test_max_drop_versus_a_baseline_report_fails_a_regression(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    _eval("--predictions", "evals/gold", "--report", baseline, tmp_path=tmp_path)
    weaker = tmp_path / "weaker"
    shutil.copytree(ROOT / "evals/gold", weaker)
    record_path = next(weaker.glob("*.json"))
    record = json.loads(record_path.read_text())
    record["claims"] = record["claims"][: len(record["claims"]) // 2]
    record_path.write_text(json.dumps(record))
    rules = tmp_path / "thresholds.toml"
    rules.write_text('[max_drop]\n"micro.recall" = 0.02\n')
    result = _eval(
        "--predictions", weaker, "--compare", baseline, "--thresholds", rules, tmp_path=tmp_path
    )
    assert result.returncode == 1
    assert "micro.recall dropped by" in result.stderr
    assert "- lost" in result.stdout


def test_max_drop_of_a_metric_where_lower_is_better_fails_when_it_rises() -> None:
    from extractor.evaluation.report import EvalReport
    from extractor.evaluation.thresholds import check

    before = EvalReport.model_validate_json((ROOT / "evals/reports/rules.json").read_bytes())
    after = before.model_copy(update={"hallucinations": {"share": 0.3, "count": 9.0}})
    rules = {"max_drop": {"hallucinations.share": 0.05, "micro.f1": 0.02}}
    results = {r.metric: r for r in check(after, rules, baseline=before)}
    assert not results["hallucinations.share"].passed
    assert results["hallucinations.share"].message.startswith("hallucinations.share rose by 0.300")
    assert results["micro.f1"].passed
    better = {r.metric: r for r in check(before, rules, baseline=after)}
    assert all(r.passed for r in better.values())  # falling is better
    assert better["hallucinations.share"].message.startswith("hallucinations.share fell by 0.300")


def test_eval_extracts_the_gold_articles_through_the_endpoint_and_caches(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    report = tmp_path / "r.json"
    first = _eval("--report", report, "--no-details", tmp_path=tmp_path, server=server)
    assert first.returncode in (0, 1), first.stderr
    data = json.loads(report.read_text())
    assert data["run"]["model"] == "fake-model"
    assert data["run"]["prompt"] == "claims" and len(data["run"]["prompt_sha256"]) == 64
    assert server.request_count == 5
    _eval("--no-details", tmp_path=tmp_path, server=server)
    assert server.request_count == 5  # second eval is answered from the cache


def test_bad_predictions_path_is_a_usage_error(tmp_path: Path) -> None:
    result = _eval("--predictions", tmp_path / "missing.jsonl", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "not found" in result.stderr and "Traceback" not in result.stderr


def test_comparing_with_a_report_of_another_scorer_says_to_re_create_it(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    prf = {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    old.write_text(json.dumps({"micro": prf, "macro": prf, "strict_quantity": prf}))
    result = _eval("--predictions", "evals/gold", "--compare", old, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "is not a report of this scorer" in result.stderr and "Traceback" not in result.stderr


def test_summary_lists_every_quality_metric(tmp_path: Path) -> None:
    result = _eval("--predictions", "evals/annotations/b", "--no-details", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in (
        "quantities (value + qualifier)",
        "attributed quantities (+ source)",
        "field disputed = true",
        "decontextualisation.context_kept",
        "decontextualisation.unresolved",
        "evidence.iou",
        "hallucinations.share",
        "compound.share",
        "re-grounded",
    ):
        assert name in result.stdout, name


def test_eval_saving_predictions_takes_the_output_lock_and_keeps_the_old_file_if_refused(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    from extractor.lock import OutputLock

    predictions = tmp_path / "pred.jsonl"
    first = _eval("-o", predictions, "--no-details", tmp_path=tmp_path, server=server)
    assert first.returncode in (0, 1), first.stderr
    saved = predictions.read_bytes()
    assert len(saved.splitlines()) == 5
    with OutputLock(predictions):  # another run writes this file right now
        second = _eval("-o", predictions, "--no-details", tmp_path=tmp_path, server=server)
    assert second.returncode == 2 and "being written by another extractor run" in second.stderr
    assert predictions.read_bytes() == saved
    third = _eval("-o", predictions, "--no-details", tmp_path=tmp_path, server=server)
    assert third.returncode in (0, 1)
    claims = [json.loads(line)["claims"] for line in predictions.read_text().splitlines()]
    assert claims == [json.loads(line)["claims"] for line in saved.decode().splitlines()]
    assert not list(tmp_path.glob("pred.jsonl.*"))  # no lock or partial file left behind
