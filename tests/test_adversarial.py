"""Adversarial cases (issue 13): nothing lost, nothing misleading, no secret leaked, no markup.

Each test is named after the behaviour it pins and failed on the code before the fix. CLI tests
run in-process (typer's CliRunner) unless they need a real process (locks between processes,
file-size limits, a mount, a pipe that must not hang).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import API_KEY, ROOT, SEEDS, cli_env
from typer.testing import CliRunner

from extractor.cli import app
from extractor.pipeline import Extractor
from extractor.settings import Settings
from extractor.testing.server import FakeOpenAI, Reply, default_responder

GOLD = ROOT / "evals" / "gold"
ARTICLE = "Officials said at least 87 prisoners were released on Thursday."


def cli(*args: object, env: dict[str, str] | None = None, input: str | bytes | None = None):
    """`extractor ...` in-process; the environment is exactly `env` for OPENAI_/EXTRACTOR_ keys."""
    full: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("OPENAI_", "EXTRACTOR_"))
    }
    full.update(env or {})
    return CliRunner().invoke(app, [str(a) for a in args], env=full, input=input)


def server_env(server: FakeOpenAI, cache: Path, **extra: str) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": server.url,
        "OPENAI_API_KEY": API_KEY,
        "EXTRACTOR_MODEL": "fake-model",
        "EXTRACTOR_CACHE_DIR": str(cache),
        **extra,
    }


def rules_env(cache: Path, **extra: str) -> dict[str, str]:
    return {"EXTRACTOR_MODEL": "rules", "EXTRACTOR_CACHE_DIR": str(cache), **extra}


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def jsonl(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f"Report {i}: officials said {i + 3} people were freed on Monday."
            handle.write(json.dumps({"id": f"a{i:04d}", "text": text}) + "\n")
    return path


def one_line_error(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- 1. data loss: -o onto a file that is not a run's output ---------------------------------


@pytest.mark.parametrize("victim", ["README.md", "the input article"])
def test_run_refuses_to_rewrite_an_output_that_holds_no_records(
    tmp_path: Path, victim: str
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Officials said 12 people were freed.")  # one line, no newline
    target = article if victim == "the input article" else tmp_path / "README.md"
    if victim == "README.md":
        shutil.copy(ROOT / "README.md", target)
    before = target.read_bytes()
    result = cli("run", article, "-o", target, env=rules_env(tmp_path / "c"))
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    assert target.read_bytes() == before


# -- 2. two writers on one output -------------------------------------------------------------


def test_a_second_writer_on_the_same_output_is_refused_naming_the_holders_pid(
    tmp_path: Path,
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 60)
    out = tmp_path / "out.jsonl"
    with FakeOpenAI(latency=0.05, record=False) as server:
        env = cli_env(server, tmp_path / "cache")
        first = subprocess.Popen(
            [sys.executable, "-m", "extractor.cli", "run", source, "-o", out, "-q"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = cli("run", source, "-o", out, "-q", env=server_env(server, tmp_path / "c2"))
        _, first_err = first.communicate(timeout=120)
    assert second.exit_code == 2, second.output
    one_line_error(second.stderr)
    assert f"PID {first.pid}" in second.stderr
    assert first.returncode == 0, first_err
    ids = [r["id"] for r in records(out)]
    assert len(ids) == len(set(ids)) == 60
    assert not (tmp_path / "out.jsonl.lock").exists()


# -- 3. resume only what the same model, prompt and schema made -------------------------------


def test_resume_skips_only_records_made_with_the_same_model_prompt_and_schema(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    assert cli("run", SEEDS, "-o", out, "-q", env=rules_env(tmp_path / "c")).exit_code == 0
    before = out.read_bytes()
    env = server_env(server, tmp_path / "c")
    refused = cli("run", SEEDS, "-o", out, "-q", env=env)
    assert refused.exit_code == 2, refused.output
    one_line_error(refused.stderr)
    assert "model 'rules' (this run: 'fake-model')" in refused.stderr
    assert "--redo" in refused.stderr
    assert out.read_bytes() == before and server.request_count == 0
    redone = cli("run", SEEDS, "-o", out, "-q", "--redo", env=env)
    assert redone.exit_code == 0, redone.output
    assert server.request_count == 5
    assert sorted(r["provenance"]["model"] for r in records(out)) == ["fake-model"] * 5


# -- 4. full disks and unwritable places ------------------------------------------------------


def _limited_run(args: list[object], limit: int, env: dict[str, str]) -> subprocess.Popen:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "extractor.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
    )


def _assert_whole_and_clean(folder: Path, out: Path) -> list[dict]:
    written = records(out) if out.exists() else []  # every line parses: nothing torn
    leftovers = [p.name for p in folder.iterdir() if p.suffix in (".tmp", ".lock")]
    assert leftovers == []
    return written


def test_a_file_size_limit_mid_run_gives_one_line_exit_2_and_only_whole_records(
    tmp_path: Path,
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 40)
    out = tmp_path / "out" / "claims.jsonl"
    env = cli_env(None, tmp_path / "cache", EXTRACTOR_MODEL="rules")
    result = _limited_run(["run", source, "-o", out, "-q"], 4000 + source.stat().st_size, env)
    assert result.returncode == 2, result.stderr
    one_line_error(result.stderr)
    written = _assert_whole_and_clean(out.parent, out)
    assert 0 < len(written) < 40
    assert f"the {len(written)} records written before are intact" in result.stderr


def test_a_full_tmpfs_gives_one_line_exit_2_whole_records_and_the_rerun_resumes(
    tmp_path: Path,
) -> None:
    source = jsonl(tmp_path / "in.jsonl", 400)
    with tmpfs(tmp_path / "small", "64k") as disk:
        out = disk / "claims.jsonl"
        args = ("run", source, "-o", out, "-q", "--include-text")
        result = cli(*args, env=rules_env(tmp_path / "c"))
        assert result.exit_code == 2, result.output
        one_line_error(result.stderr)
        assert "No space left on device" in result.stderr
        written = _assert_whole_and_clean(disk, out)
        assert 0 < len(written) < 400
        (disk / "claims.jsonl").write_bytes(out.read_bytes())  # still whole
        subprocess.run(["mount", "-o", "remount,size=4m", str(disk)], check=True)
        again = cli(*args, env=rules_env(tmp_path / "c"))
        assert again.exit_code == 0, again.output
        assert len({r["id"] for r in records(out)}) == 400


def test_a_read_only_output_folder_gives_one_line_exit_2(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "1m") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = cli("run", SEEDS, "-o", disk / "out.jsonl", env=rules_env(tmp_path / "c"))
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    assert "Read-only file system" in result.stderr


@pytest.mark.parametrize("target", ["/dev/full", "a folder"])
def test_output_to_a_full_device_or_a_folder_is_one_line_exit_2(
    tmp_path: Path, target: str
) -> None:
    out = tmp_path if target == "a folder" else Path(target)
    result = cli("run", SEEDS, "-o", out, "-q", env=rules_env(tmp_path / "c"))
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)


def test_output_to_dev_null_runs_and_leaves_nothing_behind(tmp_path: Path) -> None:
    result = cli("run", SEEDS, "-o", "/dev/null", "-q", env=rules_env(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    assert not Path("/dev/null.lock").exists() and not Path("/dev/null.errors").exists()


def test_an_unwritable_cache_degrades_to_no_cache_with_one_warning(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    result = cli("run", SEEDS, "-o", tmp_path / "out.jsonl", "-q", env=server_env(server, blocker))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "cache disabled" in warnings[0], result.stderr
    assert len(records(tmp_path / "out.jsonl")) == 5


# -- 5. a torn last line ----------------------------------------------------------------------


def _torn_copy_of_gold(tmp_path: Path) -> Path:
    lines = [p.read_text(encoding="utf-8").replace("\n", " ") for p in sorted(GOLD.glob("*.json"))]
    torn = tmp_path / "torn.jsonl"
    torn.write_text("\n".join(lines) + '\n{"id": "cut-off", "status": "o', encoding="utf-8")
    return torn


def test_report_ledger_and_eval_read_every_whole_line_of_a_torn_file_and_warn(
    tmp_path: Path,
) -> None:
    torn = _torn_copy_of_gold(tmp_path)
    count = len(list(GOLD.glob("*.json")))
    env = rules_env(tmp_path / "c")
    report = cli("report", torn, "-o", tmp_path / "r.html", env=env)
    assert report.exit_code == 0, report.output
    assert f"({count} articles" in report.stdout
    ledger = cli("ledger", torn, "--json", env=env)
    assert ledger.exit_code == 0, ledger.output
    evaluation = cli("eval", "--predictions", torn, "--gold", GOLD, "--json", env=env)
    assert evaluation.exit_code in (0, 1), evaluation.output
    assert json.loads(evaluation.stdout)["micro"]["f1"] == 1.0
    for result in (report, ledger, evaluation):
        assert "torn last line" in result.stderr and "warning:" in result.stderr


# -- 6. fail fast on configuration errors -----------------------------------------------------


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_batch_whose_first_requests_get_the_same_4xx_stops_with_exit_2_and_the_hint(
    server: FakeOpenAI, tmp_path: Path, status: int
) -> None:
    server.responder = lambda request: Reply(status=status, error="nope")
    source = jsonl(tmp_path / "in.jsonl", 50)
    out = tmp_path / "out.jsonl"
    result = cli(
        "run", source, "-o", out, "-q", "--concurrency", "2", env=server_env(server, tmp_path)
    )
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    hint = "check --base-url" if status == 404 else "check OPENAI_API_KEY / --api-key"
    assert hint in result.stderr
    assert server.request_count <= 5  # not 50 articles x retries
    written = records(out)
    assert len(written) >= 3 and all(r["error"]["type"] == f"http_{status}" for r in written)


@pytest.mark.parametrize("http_client", ["aiohttp", "httpx"])
def test_connection_refused_stops_the_batch_at_once_with_exit_2(
    tmp_path: Path, http_client: str
) -> None:
    # aiohttp's transport reports a refused connection as a timeout; the cause decides
    source = jsonl(tmp_path / "in.jsonl", 50)
    env = {
        "OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
        "EXTRACTOR_MODEL": "m",
        "EXTRACTOR_CACHE_DIR": str(tmp_path / "c"),
        "EXTRACTOR_HTTP_CLIENT": http_client,
    }
    started = time.monotonic()
    result = cli("run", source, "-o", tmp_path / "out.jsonl", "-q", env=env)
    assert time.monotonic() - started < 10
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    assert "refused" in result.stderr and "--base-url" in result.stderr


def test_an_unknown_http_client_is_a_one_line_usage_error(tmp_path: Path) -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "EXTRACTOR_MODEL": "m",
           "EXTRACTOR_HTTP_CLIENT": "curl"}  # fmt: skip
    result = cli("run", jsonl(tmp_path / "in.jsonl", 1), "-o", tmp_path / "o.jsonl", env=env)
    assert result.exit_code == 2
    one_line_error(result.stderr)
    assert "http_client" in result.stderr and "aiohttp" in result.stderr


def test_a_501_is_not_retried_as_transient(server: FakeOpenAI, settings: Settings) -> None:
    server.responder = lambda request: Reply.server_error(501)
    result = Extractor(settings).extract(ARTICLE)
    assert result.error.type == "http_501" and server.request_count == 1


# -- 7. say what the endpoint did -------------------------------------------------------------


def test_a_200_html_page_is_reported_as_not_an_openai_endpoint_and_not_retried(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply(raw_body=b"<!DOCTYPE html><html>Welcome</html>")
    result = Extractor(settings).extract(ARTICLE)
    assert result.error.type == "not_openai"
    assert "not an OpenAI-compatible endpoint (got text/html from" in result.error.message
    assert server.request_count == 1


def test_a_body_that_claims_json_but_is_not_is_a_bad_response_error(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply(
        raw_body=b'{"id": "x", "choi', headers={"content-type": "application/json"}
    )
    result = Extractor(settings.replace(max_attempts=2)).extract(ARTICLE)
    assert result.error.type == "bad_response", result.error
    assert "not valid JSON" in result.error.message


def test_a_base_url_without_a_scheme_is_a_usage_error_that_says_so(tmp_path: Path) -> None:
    env = {"OPENAI_BASE_URL": "localhost:8000/v1", "EXTRACTOR_MODEL": "m"}
    result = cli("run", SEEDS, "-o", tmp_path / "o.jsonl", env=env)
    assert result.exit_code == 2
    one_line_error(result.stderr)
    assert "no scheme" in result.stderr and "http://localhost:8000/v1" in result.stderr


# -- 8. no tracebacks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'name = "p"\nversion = "1"\nmessages = "oops"\n',
        b'name = "p"\nversion = "1"\n[messages]\nsystem = "s"\nuser = 5\n',
        b'name = "p\xe9"\nversion = "1"\n[messages]\nsystem = "s"\nuser = "{article}"\n',
    ],
    ids=["messages-string", "user-int", "latin-1"],
)
def test_a_prompt_file_of_the_wrong_shape_is_one_line_exit_2(tmp_path: Path, body: bytes) -> None:
    prompt = tmp_path / "bad.toml"
    prompt.write_bytes(body)
    result = cli(
        "run", SEEDS, "-o", tmp_path / "o.jsonl", "--prompt", prompt, env=rules_env(tmp_path)
    )
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_eval_report_into_an_unwritable_place_is_one_line_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli(
        "eval", "--predictions", GOLD, "--gold", GOLD, "--report", blocker / "r.json",
        env=rules_env(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)


# -- 9. stdin and stdout ----------------------------------------------------------------------


def test_dash_output_writes_records_to_stdout_and_the_summary_to_stderr(tmp_path: Path) -> None:
    result = cli("run", SEEDS, "-o", "-", env=rules_env(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["id"] for r in written) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert "5 ok" in result.stderr


def test_dev_stdout_as_output_does_not_hang(tmp_path: Path) -> None:
    env = cli_env(None, tmp_path / "cache", EXTRACTOR_MODEL="rules")
    result = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "run", SEEDS, "-o", "/dev/stdout", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5


@pytest.mark.parametrize("kind", ["jsonl", "text"])
def test_dash_input_reads_jsonl_or_one_text_article_from_stdin(tmp_path: Path, kind: str) -> None:
    data = (
        '{"id": "s1", "text": "5 people were freed."}\n{"id": "s2", "text": "7 were freed."}\n'
        if kind == "jsonl"
        else "Officials said 9 people were freed.\n"
    )
    out = tmp_path / "out.jsonl"
    result = cli("run", "-", "-o", out, "-q", env=rules_env(tmp_path / "c"), input=data)
    assert result.exit_code == 0, result.output
    expected = ["s1", "s2"] if kind == "jsonl" else ["stdin"]
    assert sorted(r["id"] for r in records(out)) == expected


# -- 10. input rules --------------------------------------------------------------------------


def test_jsonl_input_rules_for_ids_bom_latin1_and_nul(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        b'\xef\xbb\xbf{"id": 0, "text": "Officials said 5 people were freed."}',
        b'{"id": {"x": 1}, "text": "Officials said 6 people were freed."}',
        '{"id": "latin", "text": "Caf\xe9 owners said 7 people were freed."}'.encode("latin-1"),
        b'{"id": "nul", "text": "Officials said 8 \\u0000 people were freed."}',
    ]
    source.write_bytes(b"\n".join(rows) + b"\n")
    out = tmp_path / "out.jsonl"
    result = cli("run", source, "-o", out, "-q", "--include-text", env=rules_env(tmp_path / "c"))
    assert result.exit_code == 1, result.output
    by_id = {r["id"]: r for r in records(out)}
    assert by_id["0"]["status"] == "ok"
    assert by_id["in:2"]["error"]["type"] == "bad_jsonl"
    assert by_id["latin"]["text"].startswith("Café")
    assert by_id["nul"]["error"]["type"] == "binary"


def test_a_jsonl_line_over_the_size_limit_is_too_large_like_a_text_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extractor.articles as articles

    monkeypatch.setattr(articles, "MAX_ARTICLE_BYTES", 1_000_000)
    source = tmp_path / "in.jsonl"
    big = json.dumps({"id": "big", "text": "Officials said 5 people were freed. " * 40_000})
    source.write_text(big + "\n" + json.dumps({"id": "small", "text": ARTICLE}) + "\n")
    out = tmp_path / "out.jsonl"
    result = cli("run", source, "-o", out, "-q", env=rules_env(tmp_path / "c"))
    assert result.exit_code == 1, result.output
    by_id = {r["id"]: r for r in records(out)}
    assert by_id["in:1"]["error"]["type"] == "too_large"
    assert by_id["small"]["status"] == "ok"


def test_a_folder_with_no_article_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.pdf").write_bytes(b"%PDF")
    result = cli("run", folder, "-o", tmp_path / "out.jsonl", env=rules_env(tmp_path / "c"))
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    assert "no articles in folder" in result.stderr


def test_the_output_inside_the_input_folder_is_not_read_back_as_input(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE)
    out = folder / "claims.jsonl"
    env = rules_env(tmp_path / "c")
    assert cli("run", folder, "-o", out, "-q", env=env).exit_code == 0
    again = cli("run", folder, "-o", out, "-q", env=env)
    assert again.exit_code == 0, again.output
    assert "0 ok, 0 failed, 1 skipped" in again.stderr  # a.txt only: claims.jsonl is no input
    assert [r["id"] for r in records(out)] == ["a"]


# -- 11. prompt params ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "message"),
    [('model = "gpt-evil"', "may not set model"), ('temperature = "hot"', "params.temperature")],
)
def test_prompt_params_may_not_override_the_request_and_are_validated(
    tmp_path: Path, param: str, message: str
) -> None:
    bundled = (ROOT / "prompts" / "claims.toml").read_text(encoding="utf-8")
    prompt = tmp_path / "p.toml"
    key = param.split(" ")[0]
    kept = [line for line in bundled.splitlines() if not line.startswith(f"{key} =")]
    text = "\n".join(kept).replace("[params]\n", f"[params]\n{param}\n")
    prompt.write_text(text, encoding="utf-8")
    result = cli(
        "run", SEEDS, "-o", tmp_path / "o.jsonl", "--prompt", prompt, env=rules_env(tmp_path)
    )
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    assert message in result.stderr


# -- 12. secrets ------------------------------------------------------------------------------


def test_key_and_url_credentials_echoed_by_the_endpoint_reach_no_file_or_output(
    tmp_path: Path,
) -> None:
    def echo(request):  # type: ignore[no-untyped-def]
        if "people were freed" in request.article:
            return Reply(status=400, error=f"bad credentials {request.headers}")
        return default_responder(request)

    with FakeOpenAI(echo) as server:
        password, query_secret = "hunter2-pw-77", "QSECRET-9911"
        url = server.url.replace("http://", f"http://alice:{password}@")
        url += f"?api_key={query_secret}"
        env = {
            "OPENAI_BASE_URL": url,
            "OPENAI_API_KEY": API_KEY,
            "EXTRACTOR_MODEL": "fake-model",
            "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
        }
        source = tmp_path / "in"
        shutil.copytree(SEEDS, source)
        (source / "z.txt").write_text("Officials said 9 people were freed.")
        out = tmp_path / "out.jsonl"
        (tmp_path / "none.toml").write_text("")
        run = cli("run", source, "-o", out, env=env)
        report = cli("report", out, "-o", tmp_path / "r.html", env=env)
        evaluation = cli(
            "eval", "--gold", GOLD, "--report", tmp_path / "e.json", "-o", tmp_path / "p.jsonl",
            "--thresholds", tmp_path / "none.toml", env=env,
        )  # fmt: skip
    assert run.exit_code == 1, run.output
    assert report.exit_code == 0 and (tmp_path / "e.json").exists(), evaluation.output
    assert any(r["status"] == "error" for r in records(out))
    secrets = (API_KEY, password, query_secret, "YWxpY2U6aHVudGVyMi1wdy03Nw")
    for result in (run, report, evaluation):
        for secret in secrets:
            assert secret not in result.output
    files = [p for p in tmp_path.rglob("*") if p.is_file() and "in" not in p.parts[-2:-1]]
    assert len(files) >= 5
    for path in files:
        for secret in secrets:
            assert secret.encode() not in path.read_bytes(), (path, secret)


# -- 13. text from articles and models is data ------------------------------------------------

HOSTILE = ["[sic]", "[/]", "[link=https://evil.example]click[/link]", "\x1b]0;pwned\x07",
           "\u202e61"]  # fmt: skip


def _hostile_records(path: Path, ids: list[str]) -> Path:
    text = " ".join(
        f"Officials {h} said {i + 40} people were freed." for i, h in enumerate(HOSTILE)
    )
    claims = []
    for i, hostile in enumerate(HOSTILE):
        quote = f"Officials {hostile} said {i + 40} people were freed."
        claims.append(
            {
                "statement": quote,
                "subject": f"people {hostile}",
                "quantity": {"value": i + 40, "qualifier": "exact", "unit": "people freed"},
                "source": {"name": f"officials {hostile}", "kind": "government"},
                "evidence": {"quote": quote},
            }
        )
    rows = [{"id": i, "status": "ok", "claims": claims, "text": text} for i in ids]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_brackets_and_escape_codes_from_records_are_printed_as_text_in_ledger_and_eval(
    tmp_path: Path,
) -> None:
    gold_id = sorted(GOLD.glob("*.json"))[0].stem
    env = rules_env(tmp_path / "c", FORCE_COLOR="1", COLUMNS="400")
    path = _hostile_records(tmp_path / "ledger.jsonl", ["[b]0", "[b]1"])
    ledger = cli("ledger", path, "--all", env=env)
    assert ledger.exit_code == 0, ledger.output
    assert "[sic]" in ledger.stdout and "[/]" in ledger.stdout and "[b]0" in ledger.stdout
    path = _hostile_records(tmp_path / "eval.jsonl", [gold_id])
    evaluation = cli("eval", "--predictions", path, "--gold", GOLD, env=env)
    assert evaluation.exit_code in (0, 1), evaluation.output
    assert "[sic]" in evaluation.stdout and "[link=https://evil.example]" in evaluation.stdout
    for result in (ledger, evaluation):
        assert "\x1b]0;" not in result.output and "\x1b]8;" not in result.output
        assert "\\x1b]0;pwned" in result.stdout
        assert "\u202e" not in result.output and "\\u202e61" in result.stdout  # no reordering


def test_separators_and_direction_marks_never_reach_a_terminal_or_split_a_line() -> None:
    from extractor.terminal import plain

    shown = plain("61\u2028released\u2029\u061c\u200f\u2066x\u2069")
    assert shown.splitlines() == [shown] and shown.isascii()
    assert "\\u2028" in shown and "\\u061c" in shown


def test_json_printed_by_ledger_and_eval_carries_no_reordering_characters(tmp_path: Path) -> None:
    from extractor.terminal import json_safe

    tricky = "61\u202e released\u2028\u061c\x9b\U000e0041"
    assert json.loads(json_safe(json.dumps(tricky, ensure_ascii=False))) == tricky
    env = rules_env(tmp_path / "c")
    path = _hostile_records(tmp_path / "ledger.jsonl", ["a", "b"])
    ledger = cli("ledger", path, "--all", "--json", env=env)
    evaluation = cli("eval", "--predictions", path, "--gold", GOLD, "--json", env=env)
    for result in (ledger, evaluation):
        assert result.exit_code in (0, 1), result.output
        assert "\u202e" not in result.stdout and json.loads(result.stdout)


def test_markup_in_the_output_path_and_model_is_printed_as_text_by_run(tmp_path: Path) -> None:
    out = tmp_path / "[sic]" / "[/]claims.jsonl"
    result = cli("run", SEEDS, "-o", out, env=rules_env(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    assert "[sic]/[/]claims.jsonl" in result.stderr


# -- 14. piped output -------------------------------------------------------------------------


def test_piped_ledger_is_one_tab_separated_line_per_value(tmp_path: Path) -> None:
    result = cli("ledger", GOLD, env=rules_env(tmp_path / "c", COLUMNS="80"))
    assert result.exit_code == 0, result.output
    from extractor.ledger_render import TSV_COLUMNS

    lines = result.stdout.splitlines()
    assert all(line.count("\t") == len(TSV_COLUMNS) - 1 for line in lines), lines[:3]
    assert any("\tCONFLICT\t" in line for line in lines)
    rows = [dict(zip(TSV_COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]]
    first = [r for r in rows if r["group"] == "1"]  # the discrepancy first, readable as such
    assert first[0]["status"] == "DISCREPANCY"
    clashing = {(r["stance"], r["interval"]) for r in first if r["clash"]}
    assert {("announced", "[99, 99]"), ("verified", "[61, 61]")} <= clashing


def test_run_and_eval_print_a_json_summary_on_stdout(tmp_path: Path) -> None:
    env = rules_env(tmp_path / "c")
    run = cli("run", SEEDS, "-o", tmp_path / "o.jsonl", "-q", "--json", env=env)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["ok"] == 5
    evaluation = cli("eval", "--predictions", GOLD, "--gold", GOLD, "--json", env=env)
    assert json.loads(evaluation.stdout)["micro"]["f1"] == 1.0


# -- 15. the progress display tells the truth -------------------------------------------------


def test_without_a_terminal_progress_is_printed_as_lines_ending_with_the_summary_numbers(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    env = server_env(server, tmp_path / "cache", EXTRACTOR_PROGRESS_EVERY="0")
    cli("run", SEEDS, "-o", tmp_path / "first.jsonl", "-q", env=env)  # fill the cache
    result = cli("run", SEEDS, "-o", tmp_path / "out.jsonl", env=env)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("extract ")]
    assert len(lines) >= 5
    assert lines[-1].startswith("extract 5/5") and "cached 5 · failed 0" in lines[-1]
    assert "5 from cache" in result.stderr


def test_eval_shows_progress_while_it_extracts(server: FakeOpenAI, tmp_path: Path) -> None:
    env = server_env(server, tmp_path / "cache", EXTRACTOR_PROGRESS_EVERY="0")
    (tmp_path / "none.toml").write_text("")
    result = cli("eval", "--gold", GOLD, "--thresholds", tmp_path / "none.toml", env=env)
    count = len(list(GOLD.glob("*.json")))
    assert result.exit_code == 0, result.output
    assert f"eval {count}/{count}" in result.stderr


# -- 16. the Python API -----------------------------------------------------------------------


def test_extract_and_extract_many_work_inside_a_running_event_loop() -> None:
    import extractor

    async def notebook_cell() -> tuple:
        one = extractor.extract(ARTICLE, model="rules")
        many = extractor.extract_many([ARTICLE, "No numbers here."], model="rules")
        return one, many

    one, many = asyncio.run(notebook_cell())
    assert one.status == "ok" and one.claims
    assert [r.id for r in many] == ["0", "1"]


def test_empty_text_is_an_empty_error_in_the_api_as_in_the_cli() -> None:
    import extractor

    result = extractor.extract("   ", model="rules")
    assert result.status == "error" and result.error.type == "empty"


def test_an_answer_that_fails_validation_names_the_field_and_the_reason(
    server: FakeOpenAI, settings: Settings
) -> None:
    server.responder = lambda request: Reply.schema_invalid()
    result = Extractor(settings.replace(max_reasks=0)).extract(ARTICLE)
    assert result.error.type == "invalid_output"
    assert "claims.0.source: Field required" in result.error.message
    assert "claims.0.evidence: Field required" in result.error.message


def test_the_last_frame_of_the_progress_bar_shows_the_summary_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rich.console import Console

    import extractor.progress as progress_module
    from extractor.runner import run_batch

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=200, color_system=None)
    monkeypatch.setattr(progress_module, "console", terminal)
    monkeypatch.setattr(progress_module.BatchProgress, "REFRESH_S", 3600.0)  # one refresh only
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text("")  # three `empty` failures
    (folder / "d.txt").write_text(ARTICLE)
    extractor = Extractor(Settings.from_env(env={}, model="rules"))
    with progress_module.BatchProgress() as progress:
        summary = asyncio.run(
            run_batch(extractor, [folder], tmp_path / "o.jsonl", progress=progress)
        )
    assert summary.failed == 3
    last_frame = screen.getvalue().rstrip().rsplit("\r", 1)[-1]
    assert "4/4" in last_frame and "failed 3" in last_frame, last_frame


def test_a_full_cache_disk_degrades_to_no_cache_with_one_warning(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    from extractor.cache import AnswerCache

    with tmpfs(tmp_path / "disk", "2m") as disk:
        AnswerCache(disk / "cache").close()  # the database exists ...
        filler = disk / "filler"
        with filler.open("wb") as handle, contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 65536)  # ... and then the disk fills up
        source = jsonl(tmp_path / "in.jsonl", 30)
        out = tmp_path / "out.jsonl"
        result = cli("run", source, "-o", out, "-q", env=server_env(server, disk / "cache"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "cache disabled" in warnings[0], result.stderr
    assert len(records(out)) == 30


def _screen(data: bytes, width: int) -> list[str]:
    """What a terminal shows for `data`: text, CR, LF, line wrap, cursor up, erase line."""
    import re

    lines, row, col = [""], 0, 0
    text = data.decode(errors="replace")
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\x1b":
            match = re.match(r"\x1b\[([0-9;?]*)([A-Za-z])", text[i:])
            if match:
                arg, command = match.groups()
                if command == "A":
                    row = max(0, row - int(arg or 1))
                elif command == "K" and arg == "2":
                    lines[row] = ""
                i += match.end()
                continue
        elif char == "\r":
            col = 0
        elif char == "\n" or col >= width:
            row, col = row + 1, 0
            lines.extend([""] * (row + 1 - len(lines)))
            if char != "\n":
                continue  # wrap, then print the character on the new line
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + char + line[col + 1 :]
            col += 1
        i += 1
    return lines


def test_ctrl_c_in_a_terminal_leaves_one_progress_bar_line(tmp_path: Path) -> None:
    import fcntl
    import pty
    import select
    import struct
    import termios

    source = jsonl(tmp_path / "in.jsonl", 3000)
    with FakeOpenAI(latency=0.05, record=False) as server:
        env = cli_env(server, tmp_path / "cache", COLUMNS="100", LINES="30", TERM="xterm")
        command = [sys.executable, "-m", "extractor.cli", "run", str(source), "-o"]
        command += [str(tmp_path / "out.jsonl"), "--no-cache"]
        pid, master = pty.fork()
        if pid == 0:  # the child: a real terminal, so ^C is echoed as a terminal echoes it
            os.execve(sys.executable, command, env)
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        data, started, sent = b"", time.monotonic(), False
        while time.monotonic() - started < 60:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
            if not sent and data.count(b"/3000") > 20:
                os.write(master, b"\x03")  # the user presses Ctrl-C
                sent = True
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 130
    shown = [line for line in _screen(data, 100) if line.strip()]
    bars = [line for line in shown if line.startswith("extract ")]
    assert len(bars) == 1, shown
    assert any(line.startswith("interrupted:") for line in shown), shown
