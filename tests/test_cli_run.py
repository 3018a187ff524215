"""`extractor run` in a real subprocess against the test endpoint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import API_KEY, SEEDS, cli_env, run_cli

from extractor.testing.server import FakeOpenAI, Reply


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_run_on_the_seeds_writes_five_ok_records_and_a_rerun_makes_no_request(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "claims.jsonl"
    env = cli_env(server, tmp_path / "cache")
    first = run_cli("run", SEEDS, "-o", out, "--quiet", env=env)
    assert first.returncode == 0, first.stderr
    records = _records(out)
    assert sorted(r["id"] for r in records) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for record in records:
        assert record["status"] == "ok"
        assert record["provenance"]["cached"] is False
        text = (SEEDS / f"{record['id']}.txt").read_text(encoding="utf-8")
        exact = [c for c in record["claims"] if c["evidence"]["alignment"] == "exact"]
        assert exact
        for claim in exact:
            evidence = claim["evidence"]
            assert text[evidence["start"] : evidence["end"]] == evidence["quote"]
    requests_after_first = server.request_count
    assert requests_after_first == 5

    out.unlink()  # a new output file: every article is asked again, answered from the cache
    second = run_cli("run", SEEDS, "-o", out, "--quiet", env=env)
    assert second.returncode == 0, second.stderr
    assert server.request_count == requests_after_first
    assert all(r["provenance"]["cached"] for r in _records(out))


def test_rerun_with_the_same_output_skips_done_articles_and_retries_failed_ones(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b", "c"):
        (inputs / f"{name}.txt").write_text(f"Article {name}: 12 people were freed.")
    server.responder = lambda request: (
        Reply.server_error(500) if "Article b" in request.article else Reply.claims([])
    )
    out = tmp_path / "claims.jsonl"
    env = cli_env(server, tmp_path / "cache")
    first = run_cli("run", inputs, "-o", out, "--quiet", "--max-attempts", "2", env=env)
    assert first.returncode == 1
    assert "Run the same command again" in first.stderr
    status = {r["id"]: r["status"] for r in _records(out)}
    assert status == {"a": "ok", "b": "error", "c": "ok"}
    ok_lines = [line for line in out.read_text().splitlines() if '"status":"ok"' in line]

    server.responder = lambda request: Reply.claims([])
    before = server.request_count
    second = run_cli("run", inputs, "-o", out, "--quiet", env=env)
    assert second.returncode == 0, second.stderr
    assert server.request_count == before + 1  # only "b" was asked again
    lines = out.read_text().splitlines()
    assert lines[:2] == ok_lines  # finished records untouched
    assert sorted(r["id"] for r in _records(out)) == ["a", "b", "c"]


def test_jsonl_input_uses_the_id_field(server: FakeOpenAI, tmp_path: Path) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_text(
        json.dumps({"id": "x1", "text": "5 people were freed."})
        + "\n"
        + json.dumps({"id": "x2", "text": "7 people were freed."})
        + "\n"
    )
    out = tmp_path / "claims.jsonl"
    result = run_cli("run", source, "-o", out, "-q", env=cli_env(server, tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    assert sorted(r["id"] for r in _records(out)) == ["x1", "x2"]
    assert {r["source"] for r in _records(out)} == {f"{source}:1", f"{source}:2"}


def test_usage_errors_exit_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    env = cli_env(None, tmp_path / "cache")
    missing = run_cli("run", tmp_path / "nope", "-o", tmp_path / "o.jsonl", env=env)
    assert missing.returncode == 2
    assert "input not found" in missing.stderr and "Traceback" not in missing.stderr
    bad_mode = run_cli(
        "run",
        SEEDS,
        "-o",
        tmp_path / "o.jsonl",
        "--model",
        "m",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--mode",
        "xml",
        env=env,
    )
    assert bad_mode.returncode == 2
    assert "mode" in bad_mode.stderr and "Traceback" not in bad_mode.stderr
    no_endpoint = run_cli("run", SEEDS, "-o", tmp_path / "o.jsonl", "--model", "gpt-4o", env=env)
    assert no_endpoint.returncode == 2
    assert "OPENAI_BASE_URL" in no_endpoint.stderr


def test_api_key_appears_in_no_file_the_run_writes(server: FakeOpenAI, tmp_path: Path) -> None:
    server.script(Reply(status=400, error="bad request"))
    out = tmp_path / "out" / "claims.jsonl"
    cache = tmp_path / "cache"
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    result = run_cli("run", seeds, "-o", out, "-q", env=cli_env(server, cache))
    assert result.returncode == 1  # one article got the 400
    assert API_KEY not in result.stdout + result.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.parent == cache for p in written)
    for path in written:
        assert API_KEY.encode() not in path.read_bytes(), path


def test_cache_stats_counts_answers_and_clear_removes_them(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    env = cli_env(server, tmp_path / "cache")
    assert run_cli("run", SEEDS, "-o", tmp_path / "out.jsonl", "-q", env=env).returncode == 0
    stats = json.loads(run_cli("cache", "stats", env=env).stdout)
    assert stats["entries"] == 5 and stats["directory"] == str(tmp_path / "cache")
    cleared = run_cli("cache", "clear", env=env)
    assert f"removed 5 cached answers from {tmp_path / 'cache'}" in cleared.stdout
    assert json.loads(run_cli("cache", "stats", env=env).stdout)["entries"] == 0
