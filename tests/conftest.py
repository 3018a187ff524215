"""Shared fixtures: the project's own OpenAI-compatible endpoint, settings and CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from llama.server import llama_server  # noqa: F401  (a real llama.cpp server, session-wide)

from extractor.settings import Settings
from extractor.testing.server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
API_KEY = "sk-test-DO-NOT-LEAK-4f9a1c"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def may_fork() -> None:
    """Skip unless worker processes may be forked here: no thread but this one. Threads a test
    before left ending (a browser's event loop) get a few seconds to end first."""
    from extractor import forked

    deadline = time.monotonic() + 5
    while not forked.may_fork() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not forked.may_fork():
        names = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
        pytest.skip(f"workers are forked only from a process with one thread; running: {names}")


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def settings(server: FakeOpenAI, cache_dir: Path) -> Settings:
    """Settings that point at the test endpoint, with fast backoff so fault tests stay quick."""
    return Settings.from_env(
        env={},
        base_url=server.url,
        api_key=API_KEY,
        model="fake-model",
        cache_dir=cache_dir,
        backoff_initial=0.01,
        backoff_max=0.05,
    )


def cli_env(server: FakeOpenAI | None, cache_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "EXTRACTOR_"))}
    env["EXTRACTOR_CACHE_DIR"] = str(cache_dir)
    if server is not None:
        env.update(OPENAI_BASE_URL=server.url, OPENAI_API_KEY=API_KEY, EXTRACTOR_MODEL="fake-model")
    env.update(extra)
    return env


def run_cli(
    *args: str | Path, env: dict[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The `extractor` command in-process (typer's CliRunner), `env` as its whole environment.

    A real process costs 3-4 s of start-up per call; use `run_process` where the test needs one
    (signals, two processes, imports of a fresh interpreter).
    """
    from typer.testing import CliRunner

    from extractor.cli import app
    from extractor.errors import ConfigError

    before = Path.cwd()
    environment: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    environment.update(env)
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(app, [str(a) for a in args], env=environment)
    finally:
        os.chdir(before)
    code, stderr = result.exit_code, result.stderr
    if isinstance(result.exception, ConfigError):  # what `extractor.cli.main` turns into exit 2
        code, stderr = 2, stderr + f"error: {result.exception}\n"
    elif result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess([str(a) for a in args], code, result.stdout, stderr)


def run_process(
    *args: str | Path, env: dict[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The installed `extractor` command in a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "extractor.cli", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def seed_copies(tmp: Path, count: int) -> Path:
    """A JSONL input of `count` articles: the seeds in turn, each copy marked so it is unique."""
    import json

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    path = tmp / "in.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            row = {"id": f"a{i:04d}", "text": f"{texts[i % len(texts)]}\n[copy {i}]"}
            handle.write(json.dumps(row) + "\n")
    return path


def fake_env(server: FakeOpenAI, tmp: Path) -> dict[str, str]:
    """The environment variables that point a run at the test server."""
    return {
        "OPENAI_BASE_URL": server.url,
        "OPENAI_API_KEY": "sk-test",
        "EXTRACTOR_MODEL": "fake",
        "EXTRACTOR_CACHE_DIR": str(tmp / "cache"),
    }
