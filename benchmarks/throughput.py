"""Throughput at the endpoint's limit, side by side with what people would use instead.

One run, one endpoint (the project's fake OpenAI server in its own process: 250 ms per request,
capacity 64), the same articles:

1. `extractor run` on 2,000 articles with --concurrency 32, timed as a whole process
   (start-up included) against the ideal min(32, 64) / 0.25 s = 128 articles/s;
2. a plain sequential instructor loop (what most users write) on a subset;
3. LangExtract through its OpenAI provider, max_workers = batch_length = 32, on a subset;
4. our rate at concurrency 1, 4, 16, 32, 64, 128 (plot: benchmarks/scaling.png);

    python benchmarks/throughput.py            # writes benchmarks/results/throughput.json
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, cli_env, endpoint, seed_texts, timed, write_jsonl

from extractor.articles import Article
from extractor.pipeline import Extractor
from extractor.runner import run_batch
from extractor.settings import Settings

LATENCY, CAPACITY, CONCURRENCY, ARTICLES = 0.25, 64, 32, 2000
RESULTS = ROOT / "benchmarks" / "results"
INSTRUCTOR_PROMPT = "Extract the factual claims from this article.\n\n<article>\n{text}\n</article>"


def ours_cli(url: str, tmp: Path) -> dict:
    source = write_jsonl(tmp / "in.jsonl", ARTICLES)
    env = cli_env(url, tmp / "cache")
    command = [
        sys.executable,
        "-m",
        "extractor.cli",
        "run",
        str(source),
        "-o",
        str(tmp / "out.jsonl"),
        "--concurrency",
        str(CONCURRENCY),
        "--no-cache",
        "-q",
    ]
    seconds = timed(command, env)
    ideal = min(CONCURRENCY, CAPACITY) / LATENCY
    rate = ARTICLES / seconds
    return {
        "articles": ARTICLES,
        "seconds": round(seconds, 2),
        "articles_per_s": round(rate, 1),
        "ideal_per_s": ideal,
        "share_of_ideal": round(rate / ideal, 3),
    }


def instructor_loop(url: str, count: int = 80) -> dict:
    """The loop most users write: instructor.from_openai(OpenAI()), one article at a time."""
    import instructor
    import openai

    from extractor.schemas import ClaimSet

    texts = seed_texts()
    client = instructor.from_openai(openai.OpenAI(base_url=url, api_key="sk-bench"))
    started = time.perf_counter()
    for i in range(count):
        text = f"{texts[i % len(texts)]}\n[instructor {i}]"
        client.chat.completions.create(
            model="bench",
            response_model=ClaimSet,
            max_retries=2,
            messages=[{"role": "user", "content": INSTRUCTOR_PROMPT.format(text=text)}],
        )
    seconds = time.perf_counter() - started
    return {
        "articles": count,
        "seconds": round(seconds, 2),
        "articles_per_s": round(count / seconds, 2),
    }


def langextract_run(url: str, count: int = 320) -> dict:
    import langextract as lx

    texts = seed_texts()
    examples = [
        lx.data.ExampleData(
            text="Officials said at least 12 people were freed on Monday in the capital.",
            extractions=[
                lx.data.Extraction(
                    extraction_class="claim",
                    extraction_text="at least 12 people were freed on Monday",
                )
            ],
        )
    ]
    docs = [
        lx.data.Document(text=f"{texts[i % len(texts)]}\n[langextract {i}]", document_id=f"d{i}")
        for i in range(count)
    ]
    started = time.perf_counter()
    results = list(
        lx.extract(
            docs,
            prompt_description="Extract the factual claims, each with its numbers, time, place "
            "and source.",
            examples=examples,
            model_id="gpt-4o-mini",
            api_key="sk-bench",
            language_model_params={"base_url": url},
            max_workers=CONCURRENCY,
            batch_length=CONCURRENCY,
            show_progress=False,
            fence_output=False,
            use_schema_constraints=False,
        )
    )
    seconds = time.perf_counter() - started
    return {
        "articles": count,
        "seconds": round(seconds, 2),
        "articles_per_s": round(count / seconds, 1),
        "extractions": sum(len(r.extractions or []) for r in results),
    }


def scaling(url: str, tmp: Path) -> dict[int, float]:
    """Steady-state rate per concurrency (in-process, start-up excluded), ~8 s per point."""
    texts = seed_texts()
    rates = {}
    for concurrency in (1, 4, 16, 32, 64, 128):
        count = min(int(8 * min(concurrency, CAPACITY) / LATENCY), 2000)
        settings = Settings.from_env(
            env={},
            base_url=url,
            api_key="sk-bench",
            model="bench",
            use_cache=False,
            concurrency=concurrency,
        )
        source = tmp / f"scale{concurrency}.jsonl"
        source.write_text(
            "".join(
                json.dumps({"id": f"s{i}", "text": f"{texts[i % 5]}\n[scale {concurrency} {i}]"})
                + "\n"
                for i in range(count)
            )
        )
        extractor = Extractor(settings)
        asyncio.run(extractor.aextract_article(Article(id="warm", text=texts[0])))
        started = time.perf_counter()
        asyncio.run(run_batch(extractor, [source], tmp / f"scale{concurrency}.out.jsonl"))
        rates[concurrency] = round(count / (time.perf_counter() - started), 1)
    return rates


def plot(rates: dict[int, float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = list(rates)
    fig, ax = plt.subplots(figsize=(5.5, 3.5), dpi=120)
    ax.plot(xs, [rates[c] for c in xs], "o-", label="extractor run")
    ax.plot(xs, [min(c, CAPACITY) / LATENCY for c in xs], "--", color="grey", label="ideal")
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [str(c) for c in xs])
    ax.set_xlabel("--concurrency (endpoint capacity 64, 250 ms per request)")
    ax.set_ylabel("articles / s")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, endpoint(LATENCY, CAPACITY) as url:
        results = {"ours": ours_cli(url, Path(tmp))}
        print(json.dumps(results["ours"]), flush=True)
        results["instructor_loop"] = instructor_loop(url)
        print(json.dumps(results["instructor_loop"]), flush=True)
        results["langextract"] = langextract_run(url)
        print(json.dumps(results["langextract"]), flush=True)
        results["scaling"] = scaling(url, Path(tmp))
        print(json.dumps(results["scaling"]), flush=True)
    plot(results["scaling"], ROOT / "benchmarks" / "scaling.png")
    (RESULTS / "throughput.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
