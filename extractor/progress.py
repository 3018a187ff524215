"""Terminal display for batches: a progress bar (or periodic lines) and the closing summary.

On a terminal, a rich progress bar whose last frame shows the same numbers as the summary. When
stderr is not a terminal (CI, nohup, a log file), one plain line every `EXTRACTOR_PROGRESS_EVERY`
seconds (default 10) and a last one at the end. Everything from articles or models is escaped.
"""

from __future__ import annotations

import os
import time
from types import TracebackType
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

from .runner import BatchSummary, errors_file
from .schemas import Record, RecordView
from .terminal import safe

console = Console(stderr=True, soft_wrap=True)


def _every() -> float:
    try:
        return max(float(os.environ.get("EXTRACTOR_PROGRESS_EVERY", "10")), 0.0)
    except ValueError:
        return 10.0


def _bar_console() -> Console:
    """The stderr console, 3 columns narrower: a `^C` echoed after the bar must not wrap the
    line (a wrapped line is not erased by the next frame and leaves a second bar behind)."""
    return Console(
        file=console.file,
        force_terminal=True,
        # rich types the property as str | None; its values are the parameter's literals
        color_system=console.color_system,  # type: ignore[arg-type]
        width=max(console.width - 3, 20),
        soft_wrap=True,
    )


def _stats(summary: BatchSummary) -> str:
    tokens = summary.usage.prompt_tokens + summary.usage.completion_tokens
    repaired = f" · repaired {summary.repairs}" if summary.repairs else ""
    return f"cached {summary.cached} · failed {summary.failed}{repaired} · tokens {tokens:,}"


class BatchProgress:
    """done/total, rate, cache hits, failures and tokens, updated as articles finish."""

    REFRESH_S = 0.25  # the text fields are rebuilt at most this often (rich's speed is costly)

    def __init__(self, *, enabled: bool = True, label: str = "extract") -> None:
        self.enabled = enabled
        self.label = label
        self.live = enabled and console.is_terminal
        self._progress = Progress(
            TextColumn(f"[bold]{label}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=_bar_console() if self.live else console,
            disable=not self.live,
            refresh_per_second=4,
        )
        self._task: Any = None
        self._next_refresh = 0.0
        self._total: int | None = None
        self._done = 0
        self._summary: BatchSummary | None = None
        self._started = time.monotonic()
        self._next_line = 0.0

    def __enter__(self) -> BatchProgress:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._summary is not None:
            self._render_final()
        self._progress.__exit__(exc_type, exc, tb)

    def start(self, total: int | None, skipped: int) -> None:
        self._total = total
        self._started = time.monotonic()
        self._next_line = self._started + _every()
        if skipped and self.enabled:
            console.print(f"resuming: {skipped} articles already done are skipped")
        self._task = self._progress.add_task(self.label, total=total, rate="", stats="")

    def advance(self, result: Record | RecordView, summary: BatchSummary) -> None:
        self._done += 1
        self._summary = summary
        if not self.enabled:
            return
        now = time.monotonic()
        if not self.live:
            if now >= self._next_line:
                self._next_line = now + _every()
                console.print(self._line(), highlight=False)
            return
        if now < self._next_refresh:
            self._progress.advance(self._task)
            return
        self._next_refresh = now + self.REFRESH_S
        speed = self._progress.tasks[0].speed
        self._progress.update(
            self._task,
            advance=1,
            rate=f"{speed:.1f}/s" if speed else "",
            stats=_stats(summary),
        )

    def _line(self) -> str:
        elapsed = time.monotonic() - self._started
        total = "?" if self._total is None else str(self._total)
        rate = self._done / elapsed if elapsed > 0 else 0.0
        assert self._summary is not None
        return (
            f"{self.label} {self._done}/{total} · {rate:.1f}/s · {_stats(self._summary)} · "
            f"{elapsed:.0f} s"
        )

    def _render_final(self) -> None:
        """The last frame carries the summary's numbers, not those of the last refresh."""
        if not self.enabled or self._summary is None:
            return
        if self.live:
            self._progress.update(
                self._task, completed=self._done, stats=_stats(self._summary), rate=""
            )
        else:
            console.print(self._line(), highlight=False)


def print_summary(summary: BatchSummary, settings: Any) -> None:
    tokens = summary.usage.prompt_tokens + summary.usage.completion_tokens
    redone = f"{summary.redone} redone, " if summary.redone else ""
    console.print(
        f"{summary.ok} ok, {summary.failed} failed, {summary.skipped} skipped (already done), "
        f"{redone}{summary.cached} from cache; {summary.attempts} requests, {tokens:,} tokens "
        f"(model {safe(settings.model)}) -> {safe(summary.output)}",
        highlight=False,
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
            f"[yellow]{summary.failed} articles failed ({safe(kinds)}); their records have "
            f'"status": "error" in {safe(summary.output)} (copied to '
            f"{safe(errors_file(summary.output))}). "
            "Run the same command again to retry only those.[/yellow]",
            highlight=False,
        )
