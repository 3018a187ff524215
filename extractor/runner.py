"""Batch extraction: inputs -> Extractor -> JSONL sink, resumable, with a progress callback.

A run owns its output: it locks `<output>.lock` for its whole length (a second writer is refused
with the holder's PID), resumes only records made with the same model, prompt and schema (others
are refused unless `redo`), masks the API key and URL credentials in everything it writes, and
stops early (`FailFast`) when its first requests all fail with the same configuration error.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .articles import (
    JSONL_SUFFIXES,
    STDIN,
    InputProblem,
    Item,
    check_paths,
    input_files,
    iter_items,
)
from .errors import ConfigError
from .lock import OutputLock, lock_path
from .pipeline import Extractor
from .redact import Redactor, option_secrets
from .schemas import Record, RecordView, Usage
from .sink import JsonlSink, StreamSink, is_stream

#: error types that mean "the configuration is wrong", not "this article is hard"
FAIL_FAST_TYPES = frozenset(
    {"http_401", "http_403", "http_404", "http_501", "connection_refused", "dns", "not_openai"}
)
FAIL_FAST_AFTER = 3
#: the provenance fields a resumed record must share with this run
SAME_CONFIG = ("model", "prompt_sha256", "schema_sha256")


class FailFast(ConfigError):
    """The first requests all failed with the same configuration error: the batch stopped."""


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
    redone: int = 0
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

    def as_dict(self) -> dict[str, object]:
        return {
            "output": str(self.output),
            "total": self.total,
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "redone": self.redone,
            "cached": self.cached,
            "requests": self.attempts,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "errors": dict(sorted(self.errors.items())),
        }


def count_items(paths: Sequence[Path], exclude: frozenset[Path] = frozenset()) -> int | None:
    """Cheap count for the progress bar: files, and non-blank lines of JSONL files."""
    total = 0
    for file in input_files(paths, exclude):
        if str(file) == STDIN:
            return None  # stdin cannot be read twice
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


class _FailFastWatch:
    """Trips when the first answered articles all failed with the same configuration error."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.count = 0
        self.message = ""
        self.live = True

    def see(self, result: Record) -> bool:
        if not self.live or result.provenance is None or result.provenance.attempts == 0:
            return False  # input problems and cache hits say nothing about the endpoint
        kind = result.error.type if result.status == "error" and result.error else None
        if kind not in FAIL_FAST_TYPES or (self.kind is not None and kind != self.kind):
            self.live = False
            return False
        self.kind, self.message = kind, result.error.message if result.error else ""
        self.count += 1
        return self.count >= FAIL_FAST_AFTER

    def error(self) -> FailFast:
        return FailFast(
            f"stopped: the first {self.count} articles all failed with {self.kind}: {self.message}"
        )


def _describe(records: list[dict[str, Any]], expected: dict[str, str]) -> str:
    """What differs between the earlier records and this run, e.g. "model 'rules' (now 'm')"."""
    parts = []
    for name in SAME_CONFIG:
        theirs = sorted({str((r.get("provenance") or {}).get(name)) for r in records})
        mine = expected[name]
        if theirs != [mine]:
            shown = ", ".join(t[:12] if name != "model" else repr(t) for t in theirs[:3])
            now = mine[:12] if name != "model" else repr(mine)
            parts.append(f"{name} {shown} (this run: {now})")
    return "; ".join(parts)


def _resume(
    sink: JsonlSink, expected: dict[str, str], redo: bool, summary: BatchSummary
) -> set[str]:
    """Ids to skip; rewrites the output without error, torn and (with redo) stale records."""
    existing = sink.scan()
    kept: dict[str, bytes] = {}
    stale: list[dict[str, Any]] = []
    for line, record in existing.ok():
        provenance = record.get("provenance") or {}
        if any(str(provenance.get(k)) != expected[k] for k in SAME_CONFIG):
            stale.append(record)
        else:
            kept.setdefault(record["id"], line)
    if stale and not redo:
        raise ConfigError(
            f"{sink.path} holds {len(stale)} finished records made differently "
            f"({_describe(stale, expected)}); pass --redo to extract them again with this "
            "configuration (their records are replaced), or choose another -o"
        )
    summary.redone = len(stale)
    if existing.torn or len(kept) != len(existing.lines):
        sink.rewrite(list(kept.values()))
    return set(kept)


async def run_batch(
    extractor: Extractor,
    inputs: Sequence[str | Path],
    output: Path,
    *,
    progress: Progress | None = None,
    include_text: bool = False,
    redo: bool = False,
) -> BatchSummary:
    paths = check_paths(inputs)
    output = Path(output)
    redact = Redactor(option_secrets(extractor.settings.options))
    summary = BatchSummary(output=output)
    watch = _FailFastWatch()
    with ExitStack() as stack:
        done: set[str] = set()
        exclude: frozenset[Path] = frozenset()
        errors: JsonlSink | None = None
        if is_stream(output):
            sink: JsonlSink | StreamSink = StreamSink(
                output, include_text=include_text, redact=redact
            )
        else:
            errors_path = errors_file(output)
            _refuse_input_as_output(paths, (output, errors_path))
            stack.enter_context(OutputLock(output))
            stack.enter_context(OutputLock(errors_path))
            sink = JsonlSink(output, include_text=include_text, redact=redact)
            provenance = extractor._provenance()
            expected = {k: str(getattr(provenance, k)) for k in SAME_CONFIG}
            done = _resume(sink, expected, redo, summary)
            errors = JsonlSink(errors_path, redact=redact)
            errors.scan()  # refuses a file of the same name that is not ours
            errors_path.unlink(missing_ok=True)
            exclude = frozenset(
                p.resolve()
                for p in (output, errors_path, lock_path(output), lock_path(errors_path))
            )
        if progress:
            total = count_items(paths, exclude)
            progress.start(None if total is None else max(total - len(done), 0), len(done))
        try:
            items = _pending(iter_items(paths, exclude), done, summary)
            async for result in extractor.amap(items):
                sink.write(result)
                if result.status == "error" and errors is not None:
                    errors.write(result)
                summary.add(result)
                if progress:
                    progress.advance(result, summary)
                if watch.see(result):
                    raise watch.error()
        finally:
            try:
                sink.close()
                if errors is not None:
                    errors.close()
            finally:
                await extractor.aclose()
    if watch.live and watch.count and watch.count == summary.total - summary.skipped:
        raise watch.error()  # a batch too small to trip the watch, failing the same way
    if summary.total == 0 and summary.skipped == 0:
        raise ConfigError("no articles in the inputs (empty files or folders?)")
    return summary


def _refuse_input_as_output(paths: Sequence[Path], outputs: tuple[Path, ...]) -> None:
    targets = {p.resolve() for p in outputs}
    for path in paths:
        if str(path) != STDIN and path.is_file() and path.resolve() in targets:
            raise ConfigError(f"{path} is both an input and the output; choose another -o")


def errors_file(output: Path) -> Path:
    """Where this run's error records are copied: claims.jsonl -> claims.errors.jsonl."""
    output = Path(output)
    return output.with_name(f"{output.stem}.errors{output.suffix or '.jsonl'}")
