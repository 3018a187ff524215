"""Past one process: the Ray runner against the asyncio runner, and the Batch API path.

One run, one endpoint (the project's fake OpenAI server in its own process: 250 ms per request,
capacity 64), the same 2,000 articles for every runner:

1. the asyncio runner (`run_batch`) with 32 and 64 articles in flight;
2. the Ray runner (`run_ray`) with 1 actor × 32, 2 actors × 16 and 2 actors × 32 in flight
   (`ray.init` once, timed separately; each run includes starting its actor pool);
3. the Batch API path for 10,000 articles, each step a whole `extractor batch …` process timed
   with /usr/bin/time (wall seconds, peak RSS): build, submit (upload + create), collect
   (download, join, validate, ground, write, fill the cache). The fake server runs the batch
   itself as fast as it can; that wait is not a client cost and is reported apart.

    .venv/bin/python benchmarks/scale.py      # -> benchmarks/results/scale.json
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, cli_env, endpoint, write_jsonl

from extractor.pipeline import Extractor
from extractor.ray_runner import run_ray
from extractor.runner import run_batch
from extractor.settings import Settings

LATENCY, CAPACITY, ARTICLES, BATCH_ARTICLES = 0.25, 64, 2000, 10_000
RESULTS = ROOT / "benchmarks" / "results"


def _settings(url: str, tmp: Path, concurrency: int) -> Settings:
    return Settings.from_env(
        base_url=url,
        api_key="sk-bench",
        model="bench",
        concurrency=concurrency,
        use_cache=False,
        cache_dir=tmp / "cache",
    )


def _rate(seconds: float, in_flight: int, count: int = ARTICLES) -> dict:
    ideal = min(in_flight, CAPACITY) / LATENCY
    rate = count / seconds
    return {
        "seconds": round(seconds, 2),
        "articles_per_s": round(rate, 1),
        "ideal_per_s": ideal,
        "share_of_ideal": round(rate / ideal, 3),
    }


def runners(url: str, tmp: Path) -> dict:
    import ray

    source = write_jsonl(tmp / "in.jsonl", ARTICLES)
    results: dict = {}
    for in_flight in (32, 64):
        output = tmp / f"asyncio{in_flight}.jsonl"
        started = time.perf_counter()
        asyncio.run(run_batch(Extractor(_settings(url, tmp, in_flight)), [source], output))
        results[f"asyncio_{in_flight}"] = _rate(time.perf_counter() - started, in_flight)
    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    results["ray_init_s"] = round(time.perf_counter() - started, 2)
    for workers, per_actor in ((1, 32), (2, 16), (2, 32)):
        output = tmp / f"ray{workers}x{per_actor}.jsonl"
        started = time.perf_counter()
        summary = run_ray(_settings(url, tmp, per_actor), [source], output, workers=workers)
        assert summary.ok == ARTICLES, summary
        results[f"ray_{workers}x{per_actor}"] = _rate(
            time.perf_counter() - started, workers * per_actor
        )
    ray.shutdown()
    for name, base in (("ray_1x32", "asyncio_32"), ("ray_2x16", "asyncio_32")):
        extra = results[name]["seconds"] - results[base]["seconds"]
        results[f"{name}_vs_{base}"] = {
            "ratio": round(results[name]["articles_per_s"] / results[base]["articles_per_s"], 3),
            "extra_ms_per_article": round(1000 * extra / ARTICLES, 2),
        }
    return results


def _timed(command: list[str], env: dict[str, str]) -> dict:
    """Wall seconds and peak RSS of one whole process."""
    report = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds, kilobytes = report.stderr.strip().splitlines()[-1].split()
    return {"seconds": float(seconds), "peak_rss_mb": round(int(kilobytes) / 1024, 1)}


def batch_path(url: str, tmp: Path) -> dict:
    source = write_jsonl(tmp / "batch-in.jsonl", BATCH_ARTICLES)
    env = cli_env(url, tmp / "batch-cache")
    cli = [sys.executable, "-m", "extractor.cli", "batch"]
    job = str(tmp / "job")
    build = _timed([*cli, "build", str(source), "--dir", job], env)
    submit = _timed([*cli, "submit", str(source), "--dir", job], env)
    started = time.perf_counter()
    while True:
        status = subprocess.run(
            [*cli, "status", job, "--json"], env=env, capture_output=True, text=True, check=True
        )
        rows = json.loads(status.stdout)
        if all(r["status"].startswith("completed") for r in rows):
            break
        time.sleep(0.5)
    server_s = time.perf_counter() - started
    collect = _timed([*cli, "collect", job, "-o", str(tmp / "batch-out.jsonl")], env)
    lines = (tmp / "batch-out.jsonl").read_bytes().count(b"\n")
    assert lines == BATCH_ARTICLES, lines
    result = {"articles": BATCH_ARTICLES, "shards": len(rows), "server_batch_s": round(server_s, 1)}
    for name, step in (("build", build), ("submit", submit), ("collect", collect)):
        result[name] = {**step, "articles_per_s": round(BATCH_ARTICLES / step["seconds"], 1)}
    total = build["seconds"] + collect["seconds"]
    result["build_plus_collect_articles_per_s"] = round(BATCH_ARTICLES / total, 1)
    return result


def main() -> None:
    results: dict = {"latency_s": LATENCY, "capacity": CAPACITY, "articles": ARTICLES}
    with tempfile.TemporaryDirectory() as tmp, endpoint(LATENCY, CAPACITY) as url:
        results["runners"] = runners(url, Path(tmp))
    with tempfile.TemporaryDirectory() as tmp, endpoint(0.0, None) as url:
        results["batch"] = batch_path(url, Path(tmp))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
