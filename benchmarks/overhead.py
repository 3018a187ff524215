"""Client overhead per article against a zero-latency endpoint: ours vs a bare openai SDK call.

Both send the same request (our rendered messages, response_format with our JSON schema, the
prompt's parameters) one at a time; we count CPU seconds of this process per article. Ours
includes prompt rendering, validation, grounding and the cache write (a fresh cache).

    python benchmarks/overhead.py [--articles 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from common import endpoint, seed_texts

from extractor.articles import Article
from extractor.pipeline import Extractor
from extractor.settings import Settings
from extractor.templates import load_prompt


async def bare_sdk(url: str, texts: list[str]) -> float:
    import openai

    prompt = load_prompt("claims")
    client = openai.AsyncOpenAI(base_url=url, api_key="sk-bench", max_retries=0)
    schema = prompt.schema.model_json_schema()
    response_format = {"type": "json_schema", "json_schema": {"name": "ClaimSet", "schema": schema}}
    await client.chat.completions.create(
        model="m",
        messages=prompt.render(texts[0]),
        response_format=response_format,
        **prompt.params,
    )
    started = time.process_time()
    for text in texts:
        await client.chat.completions.create(
            model="m",
            messages=prompt.render(text),
            response_format=response_format,
            **prompt.params,
        )
    spent = time.process_time() - started
    await client.close()
    return spent / len(texts)


async def ours(url: str, texts: list[str], cache_dir: Path) -> float:
    settings = Settings.from_env(
        env={}, base_url=url, api_key="sk-bench", model="m", cache_dir=cache_dir
    )
    extractor = Extractor(settings)
    await extractor.aextract_article(Article(id="warm", text=texts[0] + " warm-up"))
    started = time.process_time()
    for i, text in enumerate(texts):
        result = await extractor.aextract_article(Article(id=str(i), text=text))
        assert result.status == "ok" and not result.provenance.cached
    spent = time.process_time() - started
    await extractor.aclose()
    return spent / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    seeds = seed_texts()
    texts = [f"{seeds[i % len(seeds)]}\n[copy {i}]" for i in range(args.articles)]
    with endpoint() as url, tempfile.TemporaryDirectory() as tmp:
        bare = asyncio.run(bare_sdk(url, texts))
        mine = asyncio.run(ours(url, texts, Path(tmp) / "cache"))
    print(
        json.dumps(
            {
                "articles": args.articles,
                "bare_sdk_cpu_ms": round(bare * 1000, 2),
                "extractor_cpu_ms": round(mine * 1000, 2),
                "ratio": round(mine / bare, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
