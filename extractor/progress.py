"""Terminal display for batches: a rich progress bar and the closing summary (CLI only)."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .batch import BatchSummary, errors_file
from .schemas import Record, RecordView

console = Console(stderr=True, soft_wrap=True)


class BatchProgress:
    """done/total, rate, cache hits, failures and tokens, updated as articles finish."""

    REFRESH_S = 0.25  # the text fields are rebuilt at most this often (rich's speed is costly)

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._progress = Progress(
            TextColumn("[bold]extract"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
            refresh_per_second=4,
        )
        self._task: Any = None
        self._next_refresh = 0.0

    def __enter__(self) -> BatchProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def start(self, total: int | None, skipped: int) -> None:
        if skipped and self.enabled:
            console.print(f"resuming: {skipped} articles already done are skipped")
        self._task = self._progress.add_task("extract", total=total, rate="", stats="")

    def advance(self, result: Record | RecordView, summary: BatchSummary) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self._next_refresh:
            self._progress.advance(self._task)
            return
        self._next_refresh = now + self.REFRESH_S
        speed = self._progress.tasks[0].speed
        tokens = summary.usage.prompt_tokens + summary.usage.completion_tokens
        self._progress.update(
            self._task,
            advance=1,
            rate=f"{speed:.1f}/s" if speed else "",
            stats=f"cached {summary.cached} · failed {summary.failed} · repaired "
            f"{summary.repairs} · tokens {tokens:,}",
        )


def print_summary(summary: BatchSummary, settings: Any) -> None:
    tokens = summary.usage.prompt_tokens + summary.usage.completion_tokens
    console.print(
        f"{summary.ok} ok, {summary.failed} failed, {summary.skipped} skipped (already done), "
        f"{summary.cached} from cache; {summary.attempts} requests, {tokens:,} tokens "
        f"(model {settings.model}) -> {summary.output}"
    )
    if summary.repairs or summary.ungrounded:
        console.print(
            f"{summary.repairs} repairs to model answers (fields nulled, claims dropped) and "
            f"{summary.ungrounded} quotes not found in their article; each is listed in its "
            'record\'s "warnings"'
        )
    if summary.failed:
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(summary.errors.items()))
        console.print(
            f"[yellow]{summary.failed} articles failed ({kinds}); their records have "
            f'"status": "error" in {summary.output} (copied to {errors_file(summary.output)}). '
            "Run the same command again to retry only those.[/yellow]"
        )
