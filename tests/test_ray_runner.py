"""`extractor run --engine ray`: the same records as the asyncio runner, faults and resume too."""

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

from extractor.cli import app
from extractor.testing import ChatRequest, FakeOpenAI, Reply, default_responder, flaky

_inputs, _env = seed_copies, fake_env


def _records(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "an id was written twice"
    return {r["id"]: r for r in rows}


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["run", *args, "-q"], env=env)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def _same_records(a: dict[str, dict], b: dict[str, dict]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert a[key]["status"] == b[key]["status"], key
        assert a[key]["claims"] == b[key]["claims"], key
        assert a[key]["error"] == b[key]["error"], key
        assert a[key]["source"] == b[key]["source"], key


def test_engine_ray_without_ray_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    source = _inputs(tmp_path, 2)
    with FakeOpenAI() as server:
        code, output = _run(_env(server, tmp_path), str(source), "-o", "x.jsonl", "--engine", "ray")
    assert code == 2
    assert output.strip() == "error: --engine ray needs Ray: pip install 'extractor[ray]'"


@pytest.mark.slow
def test_500_articles_through_two_ray_actors_match_the_asyncio_runner(tmp_path, ray_local):
    source = _inputs(tmp_path, 500)
    with FakeOpenAI() as server:
        env = _env(server, tmp_path)
        base = (str(source), "--no-cache")
        code, out = _run(env, *base, "-o", str(tmp_path / "ray.jsonl"), "--engine", "ray")
        assert code == 0, out
        assert len(server.requests) == 500
        code, out = _run(env, *base, "-o", str(tmp_path / "asyncio.jsonl"))
        assert code == 0, out
    ray, plain = _records(tmp_path / "ray.jsonl"), _records(tmp_path / "asyncio.jsonl")
    assert len(ray) == 500
    _same_records(ray, plain)
    assert sum(len(r["claims"]) for r in ray.values()) >= 500


@pytest.mark.slow
def test_a_fault_plan_behaves_under_ray_as_in_a_live_run(tmp_path, ray_local):
    """429s with Retry-After are retried; a permanent 400 costs one article, as live."""
    source = _inputs(tmp_path, 60)

    def permanent(request: ChatRequest) -> Reply:
        if request.article.endswith("[copy 13]"):
            return Reply(status=400, error="this model does not accept the request")
        return default_responder(request)

    plan = flaky(permanent, rate=0.4, faults=(lambda: Reply.rate_limited(retry_after=0.01),))
    outputs = {}
    for engine in ("ray", "asyncio"):
        with FakeOpenAI(plan) as server:
            env = _env(server, tmp_path)
            output = tmp_path / f"{engine}.jsonl"
            code, out = _run(env, str(source), "--no-cache", "-o", str(output), "--engine", engine)
            assert code == 1, out  # one article failed
            rate_limited = len(server.requests) - 60
            assert rate_limited > 10, "the plan injected no 429s"
        outputs[engine] = _records(output)
    _same_records(outputs["ray"], outputs["asyncio"])
    failed = {k: r for k, r in outputs["ray"].items() if r["status"] == "error"}
    assert list(failed) == ["a0013"]
    assert failed["a0013"]["error"]["type"] == "http_400"
    ok_attempts = [r["provenance"]["attempts"] for r in outputs["ray"].values()]
    assert max(ok_attempts) > 1, "no article needed a retry"


@pytest.mark.slow
def test_killing_the_ray_driver_midway_and_running_again_leaves_no_duplicate_ids(tmp_path):
    pytest.importorskip("ray")
    count = 300
    source = _inputs(tmp_path, count)
    output = tmp_path / "out.jsonl"
    with FakeOpenAI(latency=0.1, capacity=8) as server:
        env = {**os.environ, **_env(server, tmp_path)}
        command = [
            sys.executable,
            "-m",
            "extractor.cli",
            "run",
            str(source),
            "-o",
            str(output),
            "--engine",
            "ray",
            "--workers",
            "2",
            "--concurrency",
            "2",
            "-q",
        ]
        # its own session: the kill takes the driver and the Ray processes it started
        process = subprocess.Popen(
            command,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        try:
            while not output.exists() or len(output.read_bytes().splitlines()) < 20:
                assert process.poll() is None, "the run ended before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.05)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        written = len(_records(output))
        assert written < count
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
        assert done.returncode == 0
        records = _records(output)
        assert len(records) == count
        assert all(r["status"] == "ok" for r in records.values())
        # the second run asked only what the first had not written (plus what was in flight)
        assert len(server.requests) < count + 2 * 2 * 32


@pytest.mark.slow
def test_run_dataset_takes_any_ray_dataset_and_skips_ids_already_ok(tmp_path, ray_local):
    from extractor.ray_runner import run_dataset
    from extractor.settings import Settings

    rows = [json.loads(line) for line in _inputs(tmp_path, 40).open()]
    output = tmp_path / "out.jsonl"
    with FakeOpenAI() as server:
        settings = Settings.from_env(
            base_url=server.url, api_key="sk-test", model="fake", use_cache=False
        )
        first = run_dataset(ray_local.data.from_items(rows[:25]), settings, output, workers=1)
        assert first.ok == 25 and len(server.requests) == 25
        again = run_dataset(ray_local.data.from_items(rows), settings, output, workers=2)
        assert again.ok == 15 and len(server.requests) == 40
    records = _records(output)
    assert sorted(records) == sorted(r["id"] for r in rows)
    assert all(r["source"] is None for r in records.values())
