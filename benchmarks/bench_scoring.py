"""Scoring speed: 10,000 articles of ~15 claims each, predictions perturbed from gold.

    python benchmarks/bench_scoring.py [--articles 10000] [--claims 15] [--reword]

Prints the seconds spent loading (pydantic validation from JSONL) and scoring (scipy's import,
done on the first match, included), and the process's CPU seconds. Figures are in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from extractor.evaluation import load_records, score

WORDS = [
    "prisoners",
    "protesters",
    "journalists",
    "students",
    "workers",
    "farmers",
    "doctors",
    "soldiers",
    "released",
    "arrested",
    "detained",
    "freed",
    "pardoned",
    "counted",
    "reported",
    "Caracas",
    "Aragua",
    "Valencia",
    "Merida",
    "government",
    "rights",
    "groups",
    "officials",
    "monitors",
    "relatives",
    "election",
    "protest",
    "prison",
]


def make_claim(rng: random.Random, text_offset: int) -> tuple[dict, str]:
    sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))) + "."
    value = rng.randint(1, 3000) if rng.random() < 0.5 else None
    claim = {
        "statement": sentence,
        "subject": "officials",
        "quantity": {"value": value, "qualifier": "at_least", "unit": "people"} if value else None,
        "date": rng.choice([None, "2024-07"]),
        "location": rng.choice([None, "Caracas"]),
        "source": {"name": rng.choice(["Foro Penal", "rights groups", "the article"])},
        "disputed": rng.random() < 0.2,
        "evidence": {
            "quote": sentence,
            "start": text_offset,
            "end": text_offset + len(sentence),
            "alignment": "exact",
        },
    }
    return claim, sentence


def write_files(
    folder: Path, articles: int, claims: int, seed: int = 7, reword: bool = False
) -> tuple[Path, Path]:
    rng = random.Random(seed)
    gold_path, pred_path = folder / "gold.jsonl", folder / "pred.jsonl"
    with gold_path.open("w") as gold_out, pred_path.open("w") as pred_out:
        for index in range(articles):
            text, gold_claims = "", []
            for _ in range(claims):
                claim, sentence = make_claim(rng, len(text))
                text += sentence + " "
                gold_claims.append(claim)
            pred_claims = [dict(c) for c in gold_claims if rng.random() > 0.2]
            for claim in pred_claims[:3]:
                statement = claim["statement"]
                # upper-cased (the scorer sees through case without reading), or reworded: a
                # word dropped, so both statements must be read and compared
                claim["statement"] = (
                    statement.rsplit(" ", 1)[0] + "." if reword else statement.upper()
                )
            record = {"id": f"a{index}", "status": "ok", "text": text}
            gold_out.write(json.dumps({**record, "claims": gold_claims}) + "\n")
            pred_out.write(json.dumps({**record, "claims": pred_claims}) + "\n")
    return gold_path, pred_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=15)
    parser.add_argument(
        "--reword", action="store_true", help="drop a word from 3 statements per article"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = write_files(
            Path(tmp), args.articles, args.claims, reword=args.reword
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        gold, pred = load_records(gold_path), load_records(pred_path)
        loaded = time.perf_counter()
        report = score(pred, gold)
        scored, cpu_scored = time.perf_counter(), time.process_time()
    print(
        json.dumps(
            {
                "articles": args.articles,
                "claims_per_article": args.claims,
                "load_s": round(loaded - started, 2),
                "score_s": round(scored - loaded, 2),
                "total_s": round(scored - started, 2),
                # CPU seconds of this process: what the work costs when the machine is shared
                "cpu_s": round(cpu_scored - cpu_started, 2),
                "micro_f1": report.micro.f1,
            }
        )
    )


if __name__ == "__main__":
    main()
