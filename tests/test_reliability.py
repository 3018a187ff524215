"""Faults from the endpoint, bad input, interruption and concurrent caches: nothing is lost."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import API_KEY, ROOT, cli_env, run_cli

from extractor.backends import Answer, Identity
from extractor.cache import AnswerCache
from extractor.pipeline import Extractor
from extractor.schemas import ClaimSet
from extractor.settings import Settings
from extractor.testing.server import FakeOpenAI, Reply, flaky

ARTICLE = "Officials said at least 87 prisoners were released on Thursday."


def _records(path: Path) -> list[dict]:
    """Parse every line; a torn line fails the test here."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _jsonl(path: Path, count: int, *, broken: set[int] = frozenset()) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            marker = " BROKEN" if i in broken else ""
            text = f"Report {i}{marker}: officials said {i + 3} people were freed on Monday."
            handle.write(json.dumps({"id": f"art-{i:05d}", "text": text}) + "\n")
    return path


# -- faults from the endpoint, one by one ----------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Reply.server_error(500),
        Reply.server_error(502),
        Reply.server_error(503),
        Reply.rate_limited(retry_after=0.05),
        Reply.dropped(),
        Reply.malformed(),
        Reply.schema_invalid(),
        Reply.no_choices(),
        Reply(content=""),
        Reply.broken_http(),
    ],
    ids=[
        "500",
        "502",
        "503",
        "429",
        "reset",
        "malformed",
        "invalid",
        "no-choices",
        "empty",
        "not-json-200",
    ],
)
def test_a_transient_fault_is_retried_and_the_article_succeeds(
    server: FakeOpenAI, settings: Settings, fault: Reply
) -> None:
    server.script(fault, fault)
    result = Extractor(settings).extract(ARTICLE)
    assert result.status == "ok", result.error
    assert result.provenance.attempts == 3 == server.request_count


def test_a_hanging_server_times_out_and_is_retried(server: FakeOpenAI, settings: Settings) -> None:
    server.script(Reply.hang(seconds=5))
    started = time.monotonic()
    result = Extractor(settings.replace(timeout=0.5)).extract(ARTICLE)
    assert result.status == "ok"
    assert result.provenance.attempts == 2
    assert time.monotonic() - started < 4


def test_a_server_that_always_hangs_ends_in_a_timeout_error(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply.hang(seconds=5)
    result = Extractor(settings.replace(timeout=0.3, max_attempts=2)).extract(ARTICLE)
    assert result.status == "error"
    assert result.error.type == "timeout"
    assert "gave up after 2 requests" in result.error.message


def test_a_truncated_answer_is_asked_once_more_with_twice_the_room(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.script(Reply.truncated())
    result = Extractor(settings).extract(ARTICLE)
    assert result.status == "ok"
    first, second = (r.body["max_tokens"] for r in server.requests)
    assert second == 2 * first


def test_an_answer_truncated_twice_is_a_clear_error(server: FakeOpenAI, settings: Settings) -> None:
    server.responder = lambda request: Reply.truncated()
    result = Extractor(settings).extract(ARTICLE)
    assert result.error.type == "truncated"
    assert "max_tokens" in result.error.message
    assert server.request_count == 2


def test_a_model_that_ignores_the_schema_every_time_gets_an_error_record(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply.json({"answer": "I think there were 87."})
    result = Extractor(settings.replace(max_reasks=2)).extract(ARTICLE)
    assert result.error.type == "invalid_output"
    assert result.provenance.attempts == 3
    assert result.provenance.usage.completion_tokens > 0


def test_the_token_budget_stops_retries_and_reports_what_was_spent(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply.server_error(500)
    result = Extractor(settings.replace(token_budget=10, max_attempts=5)).extract(ARTICLE)
    assert result.status == "error"
    assert result.provenance.attempts == 5  # 500s cost no tokens: the attempt cap ends it
    server.requests.clear()
    server.responder = lambda request: Reply.schema_invalid()
    result = Extractor(settings.replace(token_budget=10, max_reasks=3)).extract(ARTICLE)
    assert result.error.type == "token_budget"
    assert "token budget of 10 spent" in result.error.message
    assert result.provenance.usage.prompt_tokens > 10
    assert result.provenance.attempts == 1 == server.request_count  # no re-ask past the budget


def test_reasoning_preamble_and_code_fence_are_tolerated(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.script(Reply(content='<think>87 or 60?</think>\n```json\n{"claims": []}\n```'))
    result = Extractor(settings).extract(ARTICLE)
    assert result.status == "ok" and result.provenance.attempts == 1


# -- batches: chaos, permanent failures, resume ----------------------------------------------


def test_chaos_run_of_1000_articles_with_30_percent_faults_ends_all_ok(tmp_path: Path) -> None:
    with FakeOpenAI(flaky(rate=0.3, seed=11), record=False) as server:
        source = _jsonl(tmp_path / "in.jsonl", 1000)
        out = tmp_path / "out.jsonl"
        result = run_cli(
            "run",
            source,
            "-o",
            out,
            "-q",
            "--concurrency",
            "32",
            env=cli_env(server, tmp_path / "cache"),
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    records = _records(out)
    assert len(records) == 1000 == len({r["id"] for r in records})
    assert all(r["status"] == "ok" for r in records)
    retried = sum(r["provenance"]["attempts"] > 1 for r in records)
    assert retried > 200  # the faults really happened


def test_permanently_broken_articles_fail_alone_and_a_rerun_retries_only_them(
    tmp_path: Path,
) -> None:
    broken = set(random.Random(3).sample(range(200), 10))  # 5 %
    source = _jsonl(tmp_path / "in.jsonl", 200, broken=broken)
    out = tmp_path / "out.jsonl"

    def responder(request):  # type: ignore[no-untyped-def]
        return Reply.server_error(500) if "BROKEN" in request.article else Reply.claims([])

    with FakeOpenAI(responder) as server:
        env = cli_env(server, tmp_path / "cache")
        args = ("run", source, "-o", out, "-q", "--concurrency", "16", "--max-attempts", "2")
        first = run_cli(*args, env=env)
        assert first.returncode == 1
        failed = {r["id"] for r in _records(out) if r["status"] == "error"}
        assert failed == {f"art-{i:05d}" for i in broken}
        errors = _records(tmp_path / "out.errors.jsonl")
        assert {r["id"] for r in errors} == failed
        assert {r["error"]["type"] for r in errors} == {"http_500"}
        ok_lines = [line for line in out.read_text().splitlines() if '"status":"ok"' in line]

        server.requests.clear()
        second = run_cli(*args, env=env)
        assert second.returncode == 1
        assert {r.article.split(":")[0] for r in server.requests} == {
            f"Report {i} BROKEN" for i in broken
        }
        assert len(server.requests) == 2 * len(broken)
        assert out.read_text().splitlines()[: len(ok_lines)] == ok_lines
        assert len(_records(out)) == 200


def test_kill_9_at_random_moments_never_tears_a_line_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    source = _jsonl(tmp_path / "in.jsonl", 400)
    out = tmp_path / "out.jsonl"
    rng = random.Random(5)
    with FakeOpenAI(latency=0.01, record=False) as server:
        env = cli_env(server, tmp_path / "cache")
        command = [
            sys.executable,
            "-m",
            "extractor.cli",
            "run",
            str(source),
            "-o",
            str(out),
            "-q",
            "--concurrency",
            "4",
            "--no-cache",
        ]
        for _ in range(20):
            process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 2.5))
            process.send_signal(signal.SIGKILL)
            process.wait()
            if out.exists():
                _records(out)  # every line parses
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr
    ids = [r["id"] for r in _records(out)]
    assert len(ids) == len(set(ids)) == 400


def test_ctrl_c_stops_promptly_flushes_and_says_how_to_resume(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", 2000)
    out = tmp_path / "out.jsonl"
    with FakeOpenAI(latency=0.05, record=False) as server:
        env = cli_env(server, tmp_path / "cache")
        process = subprocess.Popen(
            [sys.executable, "-m", "extractor.cli", "run", str(source), "-o", str(out), "-q"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while (not out.exists() or out.stat().st_size < 2000) and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, stderr = process.communicate(timeout=30)
        assert time.monotonic() - started < 5
    assert process.returncode == 130
    assert "run the same command" in stderr and "Traceback" not in stderr
    written = _records(out)
    assert 0 < len(written) < 2000


def test_two_processes_sharing_one_cache_neither_crash_nor_corrupt_it(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", 300)
    with FakeOpenAI(record=False) as server:
        env = cli_env(server, tmp_path / "cache")
        runs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "extractor.cli",
                    "run",
                    str(source),
                    "-o",
                    str(tmp_path / f"out{i}.jsonl"),
                    "-q",
                    "--concurrency",
                    "16",
                ],
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]
        for process in runs:
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr
        third = run_cli("run", source, "-o", tmp_path / "out3.jsonl", "-q", env=env)
        assert third.returncode == 0, third.stderr
    assert all(r["provenance"]["cached"] for r in _records(tmp_path / "out3.jsonl"))


def test_a_corrupted_cache_entry_counts_as_a_miss(
    server: FakeOpenAI, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    Extractor(settings).extract(ARTICLE)
    cache = AnswerCache(settings.cache_dir)
    for key in list(cache._cache):
        cache._cache.set(key, "{not json")
    cache.close()
    result = Extractor(settings).extract(ARTICLE)
    assert result.status == "ok" and not result.provenance.cached
    assert server.request_count == 2
    assert "corrupted cache entry" in caplog.text


# -- bad input -------------------------------------------------------------------------------


def test_every_kind_of_bad_input_gets_its_own_error_record(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "blank.txt").write_text("  \n\t \n")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (folder / "latin1.txt").write_bytes(
        "Caf\xe9 owners said 12 people were freed.".encode("latin-1")
    )
    (folder / "page.html").write_text(
        "<html><head><script>var x = 1;</script></head><body><h1>News</h1>"
        "<p>Officials said 40 people &amp; more were freed.</p></body></html>"
    )
    (folder / "gone.txt").symlink_to(folder / "missing-target.txt")
    (folder / "rows.jsonl").write_text(
        '{"id": "good", "text": "Officials said 9 people were freed."}\n'
        "this is not json\n"
        '{"id": "no-text"}\n'
        '{"id": "good", "text": "The same id again."}\n'
    )
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "run", folder, "-o", out, "-q", "--include-text", env=cli_env(server, tmp_path)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    by_kind = {}
    for record in _records(out):
        key = record["error"]["type"] if record["error"] else "ok"
        by_kind.setdefault(key, set()).add(record["id"])
    assert by_kind == {
        "ok": {"latin1", "page", "good"},
        "empty": {"empty", "blank"},
        "binary": {"binary"},
        "unreadable": {"gone"},
        "bad_jsonl": {"rows:2", "no-text"},
        "duplicate_id": {"good"},
    }
    page = next(r for r in _records(out) if r["id"] == "page")
    assert page["text"] == "News\nOfficials said 40 people & more were freed."
    latin1 = next(r for r in _records(out) if r["id"] == "latin1")
    assert latin1["text"].startswith("Café")


def test_a_5_mb_article_is_chunked_and_claims_map_back_to_whole_article_offsets(
    server: FakeOpenAI, settings: Settings
) -> None:
    paragraph = "Officials said {n} people were freed in the city.\n\n"
    text = "".join(paragraph.format(n=i) for i in range(110_000))
    assert len(text.encode()) > 5_000_000
    marker_quote = "Officials said 109999 people were freed in the city."
    repeated = "Officials said 5 people were freed in the city."

    def responder(request):  # type: ignore[no-untyped-def]
        claims = [
            {
                "statement": repeated,
                "subject": "officials",
                "source": {"name": "officials"},
                "evidence": {"quote": repeated},
            }
        ]
        if marker_quote in request.article:
            claims.append(
                {
                    "statement": marker_quote,
                    "subject": "officials",
                    "source": {"name": "officials"},
                    "evidence": {"quote": marker_quote},
                }
            )
        return Reply.claims(claims)

    server.responder = responder
    result = Extractor(settings.replace(chunk_chars=200_000, concurrency=8)).extract(text)
    assert result.status == "ok"
    assert server.request_count == len(text) // 200_000 + 1
    assert len(result.claims) == 2  # the claim every chunk repeats is merged
    last = result.claims[-1].evidence
    assert text[last.start : last.end] == marker_quote
    assert last.start > 5_000_000


def test_the_api_key_is_in_no_file_log_or_report_the_tools_write(tmp_path: Path) -> None:
    with FakeOpenAI(flaky(rate=0.5, seed=2)) as server:
        env = cli_env(server, tmp_path / "cache")
        out = tmp_path / "out" / "claims.jsonl"
        run = run_cli("run", ROOT / "seeds", "-o", out, env=env)
        server.script(Reply(status=401, error="invalid key"), *[Reply.server_error()] * 20)
        failing = run_cli(
            "run",
            ROOT / "seeds",
            "-o",
            tmp_path / "fail.jsonl",
            "--no-cache",
            "--max-attempts",
            "2",
            env=env,
        )
        report = tmp_path / "report.json"
        evaluation = run_cli(
            "eval", "--report", report, "--output", tmp_path / "pred.jsonl", env=env, cwd=ROOT
        )
    assert run.returncode == 0 and failing.returncode == 1 and report.exists()
    for process in (run, failing, evaluation):
        assert API_KEY not in process.stdout + process.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 6
    for path in files:
        assert API_KEY.encode() not in path.read_bytes(), path


def test_endpoint_errors_are_shown_without_request_headers(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.script(Reply(status=400, error="model not loaded"))
    result = Extractor(settings).extract(ARTICLE)
    assert result.error.message.startswith("HTTP 400 from endpoint: model not loaded")
    assert "authorization" not in result.error.message.lower()
    assert os.environ.get("OPENAI_API_KEY", "unset") not in result.error.message


def test_an_unexpected_failure_costs_one_article_not_the_batch(settings: Settings) -> None:
    class Exploding:
        cacheable, identity = False, Identity(base_url=None, mode="test")

        def plan(self, messages, schema, params):  # type: ignore[no-untyped-def]
            return None

        async def answer(self, request):  # type: ignore[no-untyped-def]
            if "boom" in request.piece.text:
                raise RuntimeError("boom")
            return Answer(answer=ClaimSet())

        async def aclose(self) -> None:
            pass

    extractor = Extractor(settings, backend=Exploding())
    results = {r.id: r for r in extractor.extract_many(["fine", "boom", "also fine"])}
    assert [results[i].status for i in ("0", "1", "2")] == ["ok", "error", "ok"]
    assert results["1"].error.type == "internal_error"
    assert "RuntimeError: boom" in results["1"].error.message


def test_a_web_page_instead_of_an_api_is_reported_once_not_retried(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply.html_page()
    result = Extractor(settings).extract(ARTICLE)
    assert result.error.type == "not_openai"
    assert "not an OpenAI-compatible endpoint (got text/html from" in result.error.message
    assert server.request_count == 1
