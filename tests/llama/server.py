"""A real llama.cpp `llama-server` serving the tiny random model, as a session fixture.

The binary comes from tests/llama/build_server.py (`make test` builds it once). Without it the
tests that need it skip, except in CI (`CI` set), where they fail: CI must not skip silently.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from llama.build_server import binary_path

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
CONVERSION_INCOMPLETE = "conversion was incomplete"


@dataclass(frozen=True)
class LlamaServer:
    url: str  # base URL, e.g. http://127.0.0.1:PORT (the OpenAI API is under /v1)
    log: Path  # the server's stdout + stderr

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, even if killed."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama-server exited ({proc.returncode}); log: {log}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"llama-server not healthy after {timeout:.0f} s; log: {log}")


def start(workdir: Path, binary: Path) -> tuple[subprocess.Popen[bytes], LlamaServer]:
    from llama.tiny_model import write_tiny_model  # gguf, tokenizers: the `test` extra

    model = write_tiny_model(
        workdir / "tiny.gguf", [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    )
    port = _free_port()
    log = workdir / "llama-server.log"
    cmd = [
        str(binary),
        "-m",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "-t",
        "1",
        "-c",
        "16384",
        "-np",
        "2",
        "--jinja",
        "--alias",
        "tiny",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log, timeout=60)
    except Exception:
        proc.kill()
        proc.wait()
        raise
    return proc, LlamaServer(url=url, log=log)


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    binary = binary_path()
    if not binary.exists():
        hint = f"llama-server not built at {binary}: run `make llama-server`"
        if os.environ.get("CI"):
            pytest.fail(f"{hint} (CI must run the llama.cpp tests)")
        pytest.skip(hint)
    proc, server = start(tmp_path_factory.mktemp("llama"), binary)
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
