"""Article texts for a report, read back from the inputs a run recorded in each `source`.

`extractor run` writes the article text into its records only with --include-text, but every
record says where its article came from (`seeds/001.txt`, `inputs.jsonl:12`). The report reads
those inputs the way `run` read them (same decoding, same HTML-to-text), and uses a text only
when it reproduces the record's evidence (every exactly aligned quote is found at its offsets):
an input edited since the run is never shown with highlights in the wrong places.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from .articles import Article, read_text_file
from .schemas import ArticleResult

_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+)$")


def with_texts(records: Iterable[ArticleResult], base: Path | None = None) -> list[ArticleResult]:
    """The records, each with its article text when the record lacks it and its input has it.

    `base`: the records' folder; inputs are looked for from here, then from it and the folders
    above it."""
    out = []
    for record in records:
        if record.text is None and record.source:
            text = _read(record.source, base)
            if text is not None and _reproduces(record, text):
                record = record.model_copy(update={"text": text})
        out.append(record)
    return out


def _reproduces(record: ArticleResult, text: str) -> bool:
    for claim in record.claims:
        ev = claim.evidence
        located = ev.alignment == "exact" and ev.start is not None and ev.end is not None
        if located and text[ev.start : ev.end] != ev.quote:
            return False
    return True


def _candidates(path: str, base: Path | None) -> list[Path]:
    """The input as named (from here), else from the records' folder or any folder above it
    (`out/claims.jsonl` names `seeds/001.txt`, relative to where `run` ran: out/'s parent)."""
    found = [Path(path)]
    if base is not None and not Path(path).is_absolute():
        found += [folder / path for folder in (base.absolute(), *base.absolute().parents)]
    return [p for p in found if p.is_file()]


def _read(source: str, base: Path | None) -> str | None:
    for path in _candidates(source, base):
        item = read_text_file(path)
        return item.text if isinstance(item, Article) else None
    match = _LINE.match(source)
    if match is None:
        return None
    for path in _candidates(match["path"], base):
        return _jsonl_text(path, int(match["line"]))
    return None


def _jsonl_text(path: Path, number: int) -> str | None:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            for n, line in enumerate(handle, 1):
                if n == number:
                    row = json.loads(line)
                    text = row.get("text") if isinstance(row, dict) else None
                    return text if isinstance(text, str) else None
    except (OSError, json.JSONDecodeError):
        return None
    return None


def missing_texts(records: Iterable[ArticleResult]) -> int:
    """How many articles with claims have no text to highlight them in."""
    return sum(1 for r in records if r.text is None and r.claims)
