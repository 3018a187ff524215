"""Article texts for a report, read back from the inputs a run recorded in each `source`.

`extractor run` writes the article text into its records only with --include-text, but every
record says where its article came from (`seeds/001.txt`, `inputs.jsonl:12`). The report reads
those inputs the way `run` read them (same decoding, same HTML-to-text), and uses a text only
when it reproduces the record's evidence (every exactly aligned quote is found at its offsets,
and they hold at least MIN_CHECKED characters): an input edited since the run is never shown
with highlights in the wrong places, and a file that is no article is never copied into a
report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .articles import JSONL_SUFFIXES, TEXT_SUFFIXES, Article, read_text_file
from .schemas import ArticleResult

_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+)$")
# characters of exactly located quotes a text must reproduce before a report shows it: a record
# cannot make the report show a file it does not already know (a one-letter "quote" would do)
MIN_CHECKED = 32


def with_texts(records: Iterable[ArticleResult], base: Path | None = None) -> list[ArticleResult]:
    """The records, each with its article text when the record lacks it and its input has it.

    `base`: the records' folder. An article file (.txt, .md, .html, .jsonl ...; no ".." in
    its name) is looked for as named, then (a relative name) from `base` and every folder
    above it; the first text that reproduces the record's evidence is used. A record whose
    exactly located quotes hold fewer than MIN_CHECKED characters gets none: a records file
    cannot pull a file it does not already know into a report.
    """
    out = []
    for record in records:
        if record.text is None and record.source:
            quotes = _located(record)
            if sum(len(quote) for *_, quote in quotes) >= MIN_CHECKED and (
                text := _read(record.source, quotes, base)
            ):
                record = record.model_copy(update={"text": text})
        out.append(record)
    return out


def missing_texts(records: Iterable[ArticleResult]) -> tuple[int, int]:
    """(articles with claims but no text to highlight them in, articles with claims)."""
    with_claims = [r for r in records if r.claims]
    return sum(1 for r in with_claims if r.text is None), len(with_claims)


def _located(record: ArticleResult) -> list[tuple[int, int, str]]:
    """The record's exactly aligned quotes with their offsets: what a text must reproduce."""
    return [
        (ev.start, ev.end, ev.quote)
        for ev in (claim.evidence for claim in record.claims)
        if ev.alignment == "exact" and ev.start is not None and ev.end is not None
    ]


def _reproduces(quotes: list[tuple[int, int, str]], text: str) -> bool:
    return all(text[start:end] == quote for start, end, quote in quotes)


def _candidates(path: str, base: Path | None) -> Iterator[Path]:
    """The input as named (from here), else from the records' folder or any folder above it
    (`out/claims.jsonl` names `seeds/001.txt`, relative to where `run` ran: out/'s parent)."""
    named = Path(path)
    if _without_line(named).suffix.lower() not in TEXT_SUFFIXES | JSONL_SUFFIXES:
        return  # only article files: run with --include-text to keep any other input's text
    if ".." in named.parts:
        return  # `run` records the paths it was given; a climb out is no input of a run
    yield named
    if base is None or named.is_absolute():
        return
    here = base.absolute()
    for folder in (here, *here.parents):
        yield folder / named


def _read(source: str, quotes: list[tuple[int, int, str]], base: Path | None) -> str | None:
    """The first candidate's text that reproduces the quotes."""
    match = _LINE.match(source)
    for path in _candidates(source, base):
        if path.is_file():
            item = read_text_file(path)
            text = item.text if isinstance(item, Article) else None
        elif match is not None and (path := _without_line(path)).is_file():
            text = _jsonl_text(path, int(match["line"]))
        else:
            continue
        if text is not None and _reproduces(quotes, text):
            return text
    return None


def _without_line(path: Path) -> Path:
    """`inputs.jsonl:12` -> `inputs.jsonl`."""
    found = _LINE.match(str(path))
    return Path(found["path"]) if found else path


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
