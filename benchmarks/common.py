"""Shared helpers for the benchmarks: a fake endpoint in its own process and synthetic input."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def endpoint(latency: float = 0.0, capacity: int | None = None) -> Iterator[str]:
    """The project's fake OpenAI endpoint in a separate process (so it does not share our GIL)."""
    port = free_port()
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "endpoint.py"),
        "--port",
        str(port),
        "--latency",
        str(latency),
    ]
    if capacity:
        command += ["--capacity", str(capacity)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        process.stdout.readline()  # "fake OpenAI endpoint at ..."
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in SEEDS]


def write_jsonl(path: Path, count: int) -> Path:
    """`count` articles built from the seeds, each unique (so no two share a cache key)."""
    texts = seed_texts()
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f"{texts[i % len(texts)]}\n[copy {i}]"
            handle.write(json.dumps({"id": f"a{i:06d}", "text": text}) + "\n")
    return path


def cli_env(url: str, cache_dir: Path) -> dict[str, str]:
    """The environment an `extractor` process needs to talk to a benchmark endpoint."""
    return {
        **os.environ,
        "OPENAI_BASE_URL": url,
        "OPENAI_API_KEY": "sk-bench",
        "EXTRACTOR_MODEL": "bench",
        "EXTRACTOR_CACHE_DIR": str(cache_dir),
    }


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started
