"""Re-runs from cache, memory on a huge input, start-up time, and prompt tokens per article.

    python benchmarks/cache_memory_startup.py   # -> benchmarks/results/cache_memory_startup.json

- cache: a 10,000-article batch is extracted once (zero-latency endpoint), then re-run into a
  new output file with every answer in the cache; we time the whole re-run process;
- memory: peak RSS (getrusage of the child) of `extractor run --model rules` on 10,000 and on
  100,000 one-sentence articles in JSONL: it must stay flat as the input grows;
- start-up: median wall time of `extractor --help` over 15 runs;
- tokens: prompt tokens per article (the fake endpoint counts request bytes / 4) for our default
  prompt, a plain instructor call, and LangExtract, on the same article.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, cli_env, endpoint, seed_texts, timed, write_jsonl

RESULTS = ROOT / "benchmarks" / "results"
EXTRACTOR = [sys.executable, "-m", "extractor.cli"]


def cache_rerun(tmp: Path, count: int = 10_000) -> dict:
    source = write_jsonl(tmp / "cache-in.jsonl", count)
    with endpoint() as url:
        env = cli_env(url, tmp / "cache")
        fill = timed(
            [
                *EXTRACTOR,
                "run",
                str(source),
                "-o",
                str(tmp / "fill.jsonl"),
                "-q",
                "--concurrency",
                "32",
            ],
            env,
        )
        rerun = timed(
            [
                *EXTRACTOR,
                "run",
                str(source),
                "-o",
                str(tmp / "rerun.jsonl"),
                "-q",
                "--concurrency",
                "32",
            ],
            env,
        )
    cached = sum(
        json.loads(line)["provenance"]["cached"]
        for line in (tmp / "rerun.jsonl").read_text().splitlines()
    )
    return {
        "articles": count,
        "first_run_s": round(fill, 2),
        "cached_rerun_s": round(rerun, 2),
        "cached": cached,
        "rerun_articles_per_s": round(count / rerun),
    }


def peak_rss_mb(command: list[str]) -> float:
    """Peak resident memory of one child process in MB (ru_maxrss, via a fresh parent)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
            *command,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return round(int(result.stdout) / 1024, 1)


def memory(tmp: Path) -> dict:
    figures = {}
    for count in (10_000, 100_000):
        source = tmp / f"mem{count}.jsonl"
        with source.open("w") as handle:
            for i in range(count):
                text = f"Officials said {i % 900 + 3} people were freed in town {i} on Monday."
                handle.write(json.dumps({"id": f"m{i}", "text": text}) + "\n")
        started = time.perf_counter()
        rss = peak_rss_mb(
            [
                *EXTRACTOR,
                "run",
                str(source),
                "-o",
                str(tmp / f"mem{count}.out"),
                "--model",
                "rules",
                "-q",
            ]
        )
        figures[str(count)] = {
            "peak_rss_mb": rss,
            "seconds": round(time.perf_counter() - started, 1),
        }
    return figures


def startup(runs: int = 15) -> dict:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "extractor"), "--help"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
    return {
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
    }


def tokens() -> dict:
    """Prompt tokens for one seed article as each tool sends it (all requests it makes)."""
    import instructor
    import langextract as lx
    import openai

    from extractor import Extractor, Settings
    from extractor.schemas import ClaimSet
    from extractor.testing import FakeOpenAI

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from endpoint import responder

    text = seed_texts()[1]
    figures = {}
    with FakeOpenAI(responder) as server:
        settings = Settings.from_env(
            env={}, base_url=server.url, api_key="sk", model="m", use_cache=False
        )
        ours = Extractor(settings).extract(text)
        figures["extractor"] = ours.provenance.usage.prompt_tokens
        client = instructor.from_openai(openai.OpenAI(base_url=server.url, api_key="sk"))
        _, completion = client.chat.completions.create_with_completion(
            model="m",
            response_model=ClaimSet,
            max_retries=0,
            messages=[
                {
                    "role": "user",
                    "content": f"Extract the factual claims.\n\n<article>\n{text}\n</article>",
                }
            ],
        )
        figures["instructor_loop"] = completion.usage.prompt_tokens
        before = len(server.requests)
        lx.extract(
            text,
            prompt_description="Extract the factual claims, each with its numbers, "
            "time, place and source.",
            examples=[
                lx.data.ExampleData(
                    text="Officials said at least 12 people were freed on Monday.",
                    extractions=[
                        lx.data.Extraction(
                            extraction_class="claim",
                            extraction_text="at least 12 people were freed on Monday",
                        )
                    ],
                )
            ],
            model_id="gpt-4o-mini",
            api_key="sk",
            language_model_params={"base_url": server.url},
            show_progress=False,
            fence_output=False,
            use_schema_constraints=False,
        )
        requests = server.requests[before:]
        figures["langextract"] = sum(max(1, len(r.raw) // 4) for r in requests)
        figures["langextract_requests"] = len(requests)
    return figures


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        results = {"startup": startup()}
        print(json.dumps(results), flush=True)
        results["tokens"] = tokens()
        print(json.dumps(results["tokens"]), flush=True)
        results["memory"] = memory(Path(tmp))
        print(json.dumps(results["memory"]), flush=True)
        results["cache"] = cache_rerun(Path(tmp))
        print(json.dumps(results["cache"]), flush=True)
    (RESULTS / "cache_memory_startup.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
