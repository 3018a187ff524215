"""The Ray Data runner: the same `Extractor`, the same records, spread over a pool of actors.

`map_batches` with an async actor class: each actor builds one `Extractor` (so one HTTP client,
one cache handle) and extracts a batch's articles concurrently on its own event loop; the pool
has `workers` actors, each reserving only `num_cpus` (the work is waiting on HTTP: actors that
reserve whole CPUs starve Ray's readers). Results stream back to the driver, which writes them
through the one JSONL sink `extractor run` uses: one output file, resumable (ids already ok are
skipped before anything is sent to Ray).

Not built on Ray's `HttpRequestProcessorConfig`: it skips validation, re-asks and grounding and
fails the job when its retries run out; here a failed article is an error record, as in a live
run. Laptop: plain `ray.init()` (done for you). Cluster: `ray job submit -- extractor run …
--engine ray` (Ray picks up RAY_ADDRESS). Install with `pip install 'extractor[ray]'`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .articles import Article, InputProblem, check_paths, iter_items
from .backends import choose
from .errors import ConfigError
from .runner import BatchSummary, Progress, _pending, count_items, errors_file
from .schemas import RecordView
from .settings import Settings
from .sink import JsonlSink

if TYPE_CHECKING:
    import ray.data

INSTALL_HINT = "--engine ray needs Ray: pip install 'extractor[ray]'"


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    return ray


class ExtractActor:
    """One per Ray actor: an Extractor that lives as long as the actor (and keeps its client)."""

    def __init__(self, settings: Settings) -> None:
        from .pipeline import Extractor

        self.extractor = Extractor(settings)
        self.limit = asyncio.Semaphore(settings.concurrency)

    async def _one(self, article: Article) -> str:
        async with self.limit:
            result = await self.extractor.aextract_article(article)
        return result.to_json()

    def _commit_cache(self) -> None:
        """Commit this batch's answers: Ray may end an idle actor without running any cleanup."""
        cache = self.extractor.cache
        if cache is not None:
            from .cache import AnswerCache

            cache.close()
            self.extractor.cache = AnswerCache(cache.directory)

    async def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        sources = batch.get("source")
        articles = [
            Article(id=str(i), text=str(t), source=None if sources is None else _opt(sources[n]))
            for n, (i, t) in enumerate(zip(batch["id"], batch["text"], strict=True))
        ]
        records = await asyncio.gather(*(self._one(a) for a in articles))
        self._commit_cache()
        return {"id": [a.id for a in articles], "record": list(records)}


def _opt(value: Any) -> str | None:
    return str(value) if value else None


def extract_dataset(
    dataset: ray.data.Dataset,
    settings: Settings,
    *,
    workers: int = 2,
    batch_size: int = 8,
    num_cpus: float = 0.25,
) -> ray.data.Dataset:
    """A dataset of {id, record} (record: the JSON line `extractor run` writes) from {id, text}.

    Lazy, like every Ray dataset: iterate it, write it (`write_json`) or pass it to
    `run_dataset`, which writes the records as `extractor run` does.
    """
    ray = _ray()
    # Several batches at once per actor, so a batch's slowest article does not idle the others:
    # the actor's semaphore keeps `settings.concurrency` articles in flight across them.
    calls = 2 * max(1, -(-settings.concurrency // batch_size))
    return dataset.map_batches(
        ExtractActor,
        fn_constructor_kwargs={"settings": settings},
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(
            size=workers, max_concurrent_calls_per_actor=calls, max_tasks_in_flight_per_actor=calls
        ),
        num_cpus=num_cpus,
        batch_format="numpy",
    )


def run_dataset(
    dataset: ray.data.Dataset,
    settings: Settings,
    output: Path,
    *,
    workers: int = 2,
    batch_size: int = 8,
    num_cpus: float = 0.25,
    include_text: bool = False,
    progress: Progress | None = None,
    done: set[str] | None = None,
    summary: BatchSummary | None = None,
) -> BatchSummary:
    """Extract a `ray.data.Dataset` of {id, text[, source]} into `output` (JSONL, resumable)."""
    sink = JsonlSink(output, include_text=include_text)
    done = sink.prepare() if done is None else done
    summary = summary or BatchSummary(output=Path(output))
    errors = JsonlSink(errors_file(output))
    if done:
        skip = frozenset(done)
        dataset = dataset.filter(lambda row: str(row["id"]) not in skip)
    results = extract_dataset(
        dataset, choose(settings), workers=workers, batch_size=batch_size, num_cpus=num_cpus
    )
    try:
        for batch in results.iter_batches(batch_format="numpy", batch_size=None):
            for line in batch["record"]:
                _write(RecordLine.read(line), sink, errors, summary, progress)
    finally:
        sink.close()
        errors.close()
    return summary


def run_ray(
    settings: Settings,
    inputs: Sequence[str | Path],
    output: Path,
    *,
    workers: int = 2,
    progress: Progress | None = None,
    include_text: bool = False,
) -> BatchSummary:
    """`extractor run … --engine ray`: the inputs read on the driver, extracted on Ray actors.

    The output and its errors file are locked for the whole run, as with the asyncio runner.
    """
    from .lock import OutputLock

    with OutputLock(Path(output)), OutputLock(errors_file(output)):
        return _run_ray(
            settings, inputs, output, workers=workers, progress=progress, include_text=include_text
        )


def _run_ray(
    settings: Settings,
    inputs: Sequence[str | Path],
    output: Path,
    *,
    workers: int,
    progress: Progress | None,
    include_text: bool,
) -> BatchSummary:
    ray = _ray()
    paths = check_paths(inputs)
    sink = JsonlSink(output, include_text=include_text)
    done = sink.prepare()
    errors_file(output).unlink(missing_ok=True)
    summary = BatchSummary(output=Path(output))
    if progress:
        total = count_items(paths)
        progress.start(None if total is None else max(total - len(done), 0), len(done))
    rows: list[dict[str, Any]] = []
    problems = JsonlSink(errors_file(output))
    from .pipeline import Extractor

    extractor_for_problems = Extractor(choose(settings))  # error records of bad inputs
    try:
        for item in _pending(iter_items(paths), done, summary):
            if isinstance(item, InputProblem):
                record = extractor_for_problems._problem(item)
                _write(RecordLine.read(record.to_json()), sink, problems, summary, progress)
            else:
                rows.append({"id": item.id, "text": item.text, "source": item.source or ""})
    # "" stands for no source: a column of str and None would not be one type
    finally:
        sink.close()
        problems.close()
    if not rows:
        return summary
    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    return run_dataset(
        ray.data.from_items(rows),
        settings,
        output,
        workers=workers,
        include_text=include_text,
        progress=progress,
        done=set(),
        summary=summary,
    )


class RecordLine:
    """A record as an actor wrote it: the line itself, and what the summary counts."""

    def __init__(self, line: str, view: RecordView) -> None:
        self.line = line
        self.view = view

    @classmethod
    def read(cls, line: str) -> RecordLine:
        return cls(line, RecordView.model_validate_json(line))


def _write(
    record: RecordLine,
    sink: JsonlSink,
    errors: JsonlSink,
    summary: BatchSummary,
    progress: Progress | None,
) -> None:
    line = record.line
    if not sink.include_text:
        data = json.loads(line)
        data["text"] = None
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    sink.write_line(line)
    if record.view.status == "error":
        errors.write_line(line)
    summary.add(record.view)
    if progress:
        progress.advance(record.view, summary)
