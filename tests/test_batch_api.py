"""`extractor batch …` against the test server's Batch API: same records, same cache, resumable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import fake_env, seed_copies
from typer.testing import CliRunner

from extractor.batch_api import BatchJob
from extractor.cli import app
from extractor.testing import BatchTiming, ChatRequest, FakeOpenAI, Reply, default_responder

_inputs, _env = seed_copies, fake_env


def _cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _records(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "an id was written twice"
    return {r["id"]: r for r in rows}


def _wait(server: FakeOpenAI, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while any(
        b.status not in ("completed", "expired", "cancelled", "failed")
        for b in server.batch.batches.values()
    ):
        assert time.monotonic() < deadline, "batches did not finish"
        time.sleep(0.02)


def test_request_bodies_are_exactly_what_a_live_run_posts(tmp_path):
    source = _inputs(tmp_path, 6)
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        for mode in ("json_schema", "tools"):
            job = tmp_path / mode
            _cli(env, "batch", "build", str(source), "--dir", str(job), "--mode", mode)
            _cli(
                env,
                "run",
                str(source),
                "-o",
                str(tmp_path / f"{mode}.jsonl"),
                "--mode",
                mode,
                "--no-cache",
                "-q",
            )
            lines = [json.loads(x) for x in (job / "shard-00001.requests.jsonl").open()]
            live = [r.body for r in server.requests[-6:]]
            assert {json.dumps(x["body"], sort_keys=True) for x in lines} == {
                json.dumps(b, sort_keys=True) for b in live
            }
            assert {(x["method"], x["url"]) for x in lines} == {("POST", "/v1/chat/completions")}
    assert "tools" in lines[0]["body"] and "response_format" not in lines[0]["body"]


def test_shards_stay_under_the_request_and_byte_limits_without_splitting_an_article(tmp_path):
    source = _inputs(tmp_path, 12)
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        _cli(
            env, "batch", "build", str(source), "--dir", str(tmp_path / "n"), "--max-requests", "5"
        )
        # chunks of 1,000 characters: every seed is several requests, kept in one shard
        _cli(
            env,
            "batch",
            "build",
            str(source),
            "--dir",
            str(tmp_path / "b"),
            "--max-bytes",
            "60000",
            "--chunk-chars",
            "1000",
        )
    by_count = BatchJob.open(tmp_path / "n").manifest.shards
    assert [s.requests for s in by_count] == [5, 5, 2]
    by_bytes = BatchJob.open(tmp_path / "b").manifest.shards
    assert len(by_bytes) > 2
    articles_seen = []
    for shard in by_bytes:
        path = tmp_path / "b" / f"{shard.name}.requests.jsonl"
        assert path.stat().st_size == shard.bytes <= 60000
        ids = [
            json.loads(x)["id"] for x in (tmp_path / "b" / f"{shard.name}.articles.jsonl").open()
        ]
        articles_seen += ids
    assert sorted(articles_seen) == sorted(f"a{i:04d}" for i in range(12))
    assert sum(s.requests for s in by_bytes) > 12


def test_collect_writes_the_records_of_a_live_run_and_a_later_live_run_costs_nothing(tmp_path):
    source = _inputs(tmp_path, 25)
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        _cli(
            env,
            "batch",
            "submit",
            str(source),
            "--dir",
            str(tmp_path / "job"),
            "--max-requests",
            "10",
        )
        assert "shard-00003" in _cli(env, "batch", "status", str(tmp_path / "job"))
        out = _cli(
            env,
            "batch",
            "collect",
            str(tmp_path / "job"),
            "-o",
            str(tmp_path / "batch.jsonl"),
            "--wait",
            "--poll",
            "0.05",
        )
        assert "25 ok" in out and "asked live: 0 articles" in out
        assert len(server.requests) == 0 and len(server.batch.requests) == 25
        _cli(env, "run", str(source), "-o", str(tmp_path / "cached.jsonl"), "-q")
        assert len(server.requests) == 0, "a live run after collect asked the endpoint"
        _cli(env, "run", str(source), "-o", str(tmp_path / "live.jsonl"), "--no-cache", "-q")
        assert len(server.requests) == 25
        status = json.loads(_cli(env, "batch", "status", str(tmp_path / "job"), "--json"))
    batch, live = _records(tmp_path / "batch.jsonl"), _records(tmp_path / "live.jsonl")
    assert batch.keys() == live.keys()
    for key in live:
        assert batch[key]["claims"] == live[key]["claims"]
        assert batch[key]["status"] == live[key]["status"] == "ok"
        assert batch[key]["provenance"]["attempts"] == 1
    assert sum(len(r["claims"]) for r in batch.values()) > 25
    assert {row["status"] for row in status} == {"completed (collected)"}


def _bad_in_batch(ids: set[str], reply: Reply):
    """A responder that answers these copies badly inside a batch and well when asked live."""

    def respond(request: ChatRequest) -> Reply:
        copy = request.article.rsplit("[copy ", 1)[-1].rstrip("]")
        if "x-batch-id" in request.headers and copy in ids:
            return reply
        return default_responder(request)

    return respond


def test_invalid_and_failed_batch_answers_are_asked_live_within_the_limit(tmp_path):
    source = _inputs(tmp_path, 12)
    bad = {"1", "4", "7"}
    failed = {"2", "9"}

    def respond(request: ChatRequest) -> Reply:
        copy = request.article.rsplit("[copy ", 1)[-1].rstrip("]")
        if "x-batch-id" in request.headers and copy in bad:
            return Reply.schema_invalid()
        if "x-batch-id" in request.headers and copy in failed:
            return Reply.server_error(500)
        return default_responder(request)

    with FakeOpenAI(respond) as server:
        env = _env(server, tmp_path)
        job, output = str(tmp_path / "job"), str(tmp_path / "out.jsonl")
        _cli(env, "batch", "submit", str(source), "--dir", job)
        _wait(server)
        result = CliRunner().invoke(
            app, ["batch", "collect", job, "-o", output, "--max-live", "3"], env=env
        )
        assert result.exit_code == 1, result.output
        assert "asked live: 3 articles (3 requests)" in result.output
        assert "live_limit 2" in result.output
        assert len(server.requests) == 3
        records = _records(tmp_path / "out.jsonl")
        assert sum(r["status"] == "ok" for r in records.values()) == 10
        # the two left over go into a new batch; the ten done are not asked again
        _cli(env, "batch", "submit", str(source), "--dir", job, "-o", output)
        _wait(server)
        assert len(server.batch.batches) == 2 and len(server.batch.requests) == 14
    manifest = BatchJob.open(tmp_path / "job").manifest
    assert manifest.shards[1].articles == 2


def test_submit_again_creates_no_second_batch_even_if_killed_before_saving(tmp_path, monkeypatch):
    source = _inputs(tmp_path, 8)
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        for var, value in env.items():
            monkeypatch.setenv(var, value)
        from extractor.settings import Settings

        job = BatchJob.create(tmp_path / "job", Settings.from_env())
        job.build([source], max_requests=4)
        real_update = BatchJob._update
        calls = {"n": 0}

        def killed_after_create(self, shard, batch):
            calls["n"] += 1
            if calls["n"] == 2:  # the second shard's batch exists, the manifest does not know
                raise KeyboardInterrupt
            real_update(self, shard, batch)

        monkeypatch.setattr(BatchJob, "_update", killed_after_create)
        with pytest.raises(KeyboardInterrupt):
            job.submit()
        monkeypatch.setattr(BatchJob, "_update", real_update)
        _cli(env, "batch", "submit", str(source), "--dir", str(tmp_path / "job"))
        _cli(env, "batch", "submit", str(source), "--dir", str(tmp_path / "job"))
        assert len(server.batch.batches) == 2
        uploads = [f for f in server.batch.files.values() if f.purpose == "batch"]
        assert len(uploads) == 2


def test_an_expired_batch_is_collected_in_part_and_the_rest_is_asked_live(tmp_path):
    source = _inputs(tmp_path, 20)
    with FakeOpenAI(batch_timing=BatchTiming(expire_after_requests=7)) as server:
        env = _env(server, tmp_path)
        _cli(env, "batch", "submit", str(source), "--dir", str(tmp_path / "job"))
        out = _cli(
            env,
            "batch",
            "collect",
            str(tmp_path / "job"),
            "-o",
            str(tmp_path / "out.jsonl"),
            "--wait",
            "--poll",
            "0.05",
        )
        (batch,) = server.batch.batches.values()
        assert batch.status == "expired" and batch.completed == 7
        assert len(server.requests) == 13
        assert "asked live: 13 articles" in out
    assert len(_records(tmp_path / "out.jsonl")) == 20


def test_cancel_stops_the_batch_and_collect_keeps_what_finished(tmp_path):
    source = _inputs(tmp_path, 30)
    with FakeOpenAI(batch_timing=BatchTiming(per_request=0.03)) as server:
        env = _env(server, tmp_path)
        job = str(tmp_path / "job")
        _cli(env, "batch", "submit", str(source), "--dir", job)
        (running,) = server.batch.batches.values()
        deadline = time.monotonic() + 10
        while running.completed < 3 and time.monotonic() < deadline:
            time.sleep(0.01)  # cancel once a part is done, however busy the machine is
        assert "cancel" in _cli(env, "batch", "cancel", job)
        _wait(server)
        assert "cancelled" in _cli(env, "batch", "status", job)
        (batch,) = server.batch.batches.values()
        result = CliRunner().invoke(
            app,
            ["batch", "collect", job, "-o", str(tmp_path / "o.jsonl"), "--max-live", "0"],
            env=env,
        )
        assert len(server.requests) == 0
    assert 0 < batch.completed < 30
    assert result.exit_code == 1
    assert f"{batch.completed} ok, {30 - batch.completed} failed" in result.output


def test_submit_skips_articles_the_cache_already_has(tmp_path):
    source = _inputs(tmp_path, 10)
    first = tmp_path / "first.jsonl"
    first.write_text("".join(list(source.open())[:4]))
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        _cli(env, "run", str(first), "-o", str(tmp_path / "live.jsonl"), "-q")
        out = _cli(env, "batch", "submit", str(source), "--dir", str(tmp_path / "job"))
        assert "10 articles, 6 requests" in out and "4 cached" in out
        _wait(server)
        _cli(env, "batch", "collect", str(tmp_path / "job"), "-o", str(tmp_path / "b.jsonl"))
        assert len(server.requests) == 4 and len(server.batch.requests) == 6
    assert len(_records(tmp_path / "b.jsonl")) == 10


@pytest.mark.slow
def test_collect_killed_midway_and_run_again_loses_nothing_and_asks_nothing_twice(tmp_path):
    """A real `extractor batch collect` process, SIGKILLed while it writes records."""
    count = 300
    source = _inputs(tmp_path, count)
    bad = {str(i) for i in range(0, count, 10)}  # 30 invalid batch answers, asked live
    with FakeOpenAI(_bad_in_batch(bad, Reply.schema_invalid()), latency=0.15) as server:
        env = {**os.environ, **_env(server, tmp_path)}
        job, output = tmp_path / "job", tmp_path / "out.jsonl"
        _cli(env, "batch", "submit", str(source), "--dir", str(job), "--max-requests", "100")
        _wait(server)
        command = [
            sys.executable,
            "-m",
            "extractor.cli",
            "batch",
            "collect",
            str(job),
            "-o",
            str(output),
            "--concurrency",
            "2",
        ]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not output.exists() or len(output.read_bytes().splitlines()) < count // 3:
            assert process.poll() is None, "collect ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()
        written = len(output.read_bytes().splitlines())
        assert written < count, "collect had finished before the kill"
        asked_before = len(server.requests)
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        records = _records(output)
        assert len(records) == count
        assert all(r["status"] == "ok" for r in records.values())
        # each invalid answer was asked live once, plus at most the 2 in flight at the kill
        assert len(bad) <= len(server.requests) <= len(bad) + 2
        assert asked_before <= len(bad)
        assert len(server.batch.requests) == count  # no batch re-submitted
        subprocess.run(
            [
                sys.executable,
                "-m",
                "extractor.cli",
                "run",
                str(source),
                "-o",
                str(tmp_path / "again.jsonl"),
                "-q",
            ],
            env=env,
            check=True,
        )
        assert len(server.requests) <= len(bad) + 2, "a live run after collect asked again"


def test_provider_errors_and_a_job_made_with_other_settings_are_one_line(tmp_path):
    source = _inputs(tmp_path, 3)
    job = str(tmp_path / "job")
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        _cli(env, "batch", "submit", str(source), "--dir", job)
        other = CliRunner().invoke(
            app, ["batch", "submit", str(source), "--dir", job, "-m", "another"], env=env
        )
    assert other.exit_code == 2
    assert other.output.startswith("error: ") and "'fake' != 'another'" in other.output
    down = CliRunner().invoke(app, ["batch", "status", job], env=env)
    assert down.exit_code == 2
    assert down.output.count("\n") == 1 and "job folder is intact" in down.output


def test_output_of_another_batch_tool_in_the_job_folder_is_collected_without_submitting(tmp_path):
    """What `vllm run-batch -i shard.requests.jsonl -o shard.output.jsonl` leaves behind."""
    import openai
    from openai.types.chat import ChatCompletion

    source = _inputs(tmp_path, 7)
    job = tmp_path / "job"
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        _cli(env, "batch", "build", str(source), "--dir", str(job))
        client = openai.OpenAI(base_url=server.url, api_key="sk-test")
        lines = [json.loads(x) for x in (job / "shard-00001.requests.jsonl").open()]
        with (job / "shard-00001.output.jsonl").open("w") as out:
            for line in reversed(lines):
                completion = client.post(
                    "/chat/completions", body=line["body"], cast_to=ChatCompletion
                )
                body = completion.model_dump(mode="json")
                response = {"status_code": 200, "request_id": "r", "body": body}
                out.write(json.dumps({"custom_id": line["custom_id"], "response": response}))
                out.write("\n")
        asked = len(server.requests)
        out = _cli(env, "batch", "collect", str(job), "-o", str(tmp_path / "o.jsonl"))
        _cli(env, "batch", "submit", str(source), "--dir", str(job))
        assert "7 ok" in out and len(server.requests) == asked
        assert len(server.batch.batches) == 0
    assert len(_records(tmp_path / "o.jsonl")) == 7
