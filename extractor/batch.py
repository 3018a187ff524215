"""Batch extraction: inputs -> Extractor -> JSONL sink, resumable, with a progress callback."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .articles import JSONL_SUFFIXES, InputProblem, Item, check_paths, input_files, iter_items
from .pipeline import Extractor
from .schemas import Record, RecordView, Usage
from .sink import JsonlSink


class Progress(Protocol):
    def start(self, total: int | None, skipped: int) -> None: ...
    def advance(self, result: Record | RecordView, summary: BatchSummary) -> None: ...


@dataclass
class BatchSummary:
    output: Path
    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    cached: int = 0
    attempts: int = 0
    repairs: int = 0  # fields nulled/defaulted/removed and items dropped by salvage
    ungrounded: int = 0  # quotes not found in their article
    usage: Usage = field(default_factory=Usage)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, result: Record | RecordView) -> None:
        self.total += 1
        if result.status == "ok":
            self.ok += 1
        else:
            self.failed += 1
            kind = result.error.type if result.error else "error"
            self.errors[kind] = self.errors.get(kind, 0) + 1
        for warning in result.warnings:
            if warning.action == "kept":
                self.ungrounded += 1
            else:
                self.repairs += 1
        if result.provenance:
            self.cached += result.provenance.cached
            self.attempts += result.provenance.attempts
            self.usage = self.usage + result.provenance.usage


def count_items(paths: Sequence[Path]) -> int:
    """Cheap count for the progress bar: files, and non-blank lines of JSONL files."""
    total = 0
    for file in input_files(paths):
        if file.suffix.lower() not in JSONL_SUFFIXES:
            total += 1
            continue
        try:
            with file.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            total += 1  # an unreadable file becomes one error record
    return total


def _pending(items: Iterator[Item], done: set[str], summary: BatchSummary) -> Iterator[Item]:
    """Skip ids finished ok by an earlier run; turn repeated ids into error records."""
    seen: set[str] = set()
    for item in items:
        if item.id in done:
            summary.skipped += 1
            continue
        if item.id in seen:
            source = item.source or ""
            yield InputProblem(
                item.id,
                source,
                "duplicate_id",
                f"id {item.id!r} appears more than once in the input",
            )
            continue
        seen.add(item.id)
        yield item


async def run_batch(
    extractor: Extractor,
    inputs: Sequence[str | Path],
    output: Path,
    *,
    progress: Progress | None = None,
    include_text: bool = False,
) -> BatchSummary:
    paths = check_paths(inputs)
    sink = JsonlSink(output, include_text=include_text)
    done = sink.prepare()
    errors_path = errors_file(output)
    errors_path.unlink(missing_ok=True)
    errors = JsonlSink(errors_path)
    summary = BatchSummary(output=Path(output))
    if progress:
        progress.start(max(count_items(paths) - len(done), 0), len(done))
    try:
        items = _pending(iter_items(paths), done, summary)
        async for result in extractor.amap(items):
            sink.write(result)
            if result.status == "error":
                errors.write(result)
            summary.add(result)
            if progress:
                progress.advance(result, summary)
    finally:
        sink.close()
        errors.close()
        await extractor.aclose()
    return summary


def errors_file(output: Path) -> Path:
    """Where this run's error records are copied: claims.jsonl -> claims.errors.jsonl."""
    output = Path(output)
    return output.with_name(f"{output.stem}.errors{output.suffix or '.jsonl'}")
