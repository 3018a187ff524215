"""The reference point for claim F1: every line's sentences as claims, nothing else.

    python evals/sentence_splitter.py seeds/ > /tmp/splitter.jsonl
    extractor eval --predictions /tmp/splitter.jsonl

A plain splitter (". ", "! ", "? " followed by a capital, one claim per sentence, source "the
article", no quantities) with no furniture filter: what any extractor must clearly beat.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from extractor.schemas import ArticleResult, Claim, Evidence, Source

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|$)")


def split(text: str) -> list[Claim]:
    claims = []
    for m in _SENTENCE.finditer(text):
        quote = m.group().strip()
        if len(quote.split()) < 3:
            continue
        start = text.find(quote, m.start())
        claims.append(
            Claim(
                statement=quote,
                subject="the article",
                source=Source(name="the article"),
                evidence=Evidence(
                    quote=quote, start=start, end=start + len(quote), alignment="exact"
                ),
            )
        )
    return claims


def main(folders: list[str]) -> None:
    for folder in folders:
        for path in sorted(Path(folder).glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            record = ArticleResult(id=path.stem, source=str(path), status="ok", claims=split(text))
            print(record.model_dump_json())


if __name__ == "__main__":
    main(sys.argv[1:])
