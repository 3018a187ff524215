"""The provider Batch API runner: build -> submit -> status -> collect (-> cancel), resumable.

A BATCHDIR holds everything a job needs, so any command can be killed and run again:

    manifest.json                 settings, inputs and every shard's state (replaced atomically)
    shard-00001.requests.jsonl    {"custom_id","method","url","body"} lines, the body exactly as a
                                  live run POSTs it (also what `vllm run-batch` reads)
    shard-00001.articles.jsonl    the articles of the shard (id, source, text), for grounding
    shard-00001.output.jsonl      the provider's output file, once downloaded (any order)
    shard-00001.errors.jsonl      the provider's error file, once downloaded

`custom_id` is the answer-cache key of the request, so collect fills the cache under the key a
live run reads (a later `extractor run` costs nothing) and identical pieces are asked once.
Collect appends the records `extractor run` writes, through the same sink: killed at any point,
the next collect skips the ids already written (and refills their cache entries from the
downloaded output, never by asking again). An answer that does not validate, or a request the
provider failed, is asked again through the live path, at most `max_live` times per collect.

Only `_plan` and `_finish` below know the Extractor's internals; everything else speaks of
planned requests, completions and records.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .articles import Article, InputProblem, check_paths, iter_items
from .backends import choose
from .backends.llm import usable
from .backends.openai_compat import OpenAIOptions
from .errors import ConfigError, ExtractionError
from .pipeline import Extractor, PlannedRequest
from .schemas import Record, Usage
from .settings import Settings
from .sink import JsonlSink

MAX_REQUESTS = 50_000  # per input file (OpenAI's limit)
MAX_BYTES = 200 * 1024 * 1024  # per input file (OpenAI's limit)
ENDPOINT = "/v1/chat/completions"
TERMINAL = ("completed", "failed", "expired", "cancelled")
#: settings a job keeps in its manifest (never the API key or the cache folder)
KEPT_SETTINGS = (
    "model",
    "base_url",
    "mode",
    "prompt",
    "max_reasks",
    "max_attempts",
    "token_budget",
    "timeout",
    "chunk_chars",
)


# -- the two places that speak to the Extractor ------------------------------------------------
# `Extractor.plan(article)` gives the requests a live run sends; `Extractor.finish(article,
# completions)` turns completions into the record a live run writes (salvage, live re-asks
# within the article's budget, cache fill, grounding). `LiveBudget` adds the per-collect bound on
# how many articles may go live at all.


@dataclass
class LiveBudget:
    """How many articles may still be asked live in one collect, and what that cost."""

    limit: int
    articles: int = 0
    requests: int = 0

    def take(self) -> bool:
        if self.articles >= self.limit:
            return False
        self.articles += 1
        return True


def _plan(ex: Extractor, article: Article) -> list[PlannedRequest]:
    planned = ex.plan(article)
    if any(p.body is None or p.cache_key is None for p in planned):
        raise ConfigError("the batch API needs a model endpoint, not an offline backend")
    return planned


async def _finish(
    ex: Extractor,
    article: Article,
    completions: dict[str, dict[str, Any]],
    live: LiveBudget,
    planned: list[PlannedRequest],
) -> Record:
    """The record a live run makes, from batch completions (piece_id -> chat completion dict)
    of the `planned` requests.

    A piece without a usable completion (and not in the cache) needs the live path, which
    `live` must allow; otherwise the article gets a `live_limit` error record to submit again.
    """
    needs_live = [
        p
        for p in planned
        if not (
            p.piece_id in completions and usable(completions[p.piece_id], ex.schema, ex.settings)
        )
        and not (ex.cache is not None and p.cache_key is not None and ex.cache.get(p.cache_key))
    ]
    if needs_live and not live.take():
        started = time.perf_counter()
        error = ExtractionError(
            "live_limit",
            "no valid batch answer and the live re-ask limit is spent; run "
            "`extractor batch submit` again (or collect with a higher --max-live)",
            attempts=len(completions),
            usage=sum((_usage(c) for c in completions.values()), Usage()),
        )
        return ex._failed(article, ex._provenance(), started, error)
    record = await ex.finish(article, completions)
    if needs_live and record.provenance is not None:
        live.requests += max(0, record.provenance.attempts - len(completions))
    return record


def _usage(completion: dict[str, Any] | None) -> Usage:
    usage = (completion or {}).get("usage") or {}
    return Usage(
        prompt_tokens=usage.get("prompt_tokens") or 0,
        completion_tokens=usage.get("completion_tokens") or 0,
    )


# -- the manifest ------------------------------------------------------------------------------


class Shard(BaseModel):
    """One input file of requests and, once submitted, its batch."""

    model_config = ConfigDict(extra="forbid")

    name: str
    articles: int
    requests: int
    bytes: int
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str = "built"  # built | local (nothing to ask) | the provider's batch status
    request_counts: dict[str, int] | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    collected: bool = False

    @property
    def ready(self) -> bool:
        """Its answers can be collected now."""
        return self.status == "local" or self.status in TERMINAL


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    job_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    settings: dict[str, Any]
    inputs: list[str]
    shards: list[Shard] = Field(default_factory=list)


@dataclass
class BuildSummary:
    shards: list[Shard]
    articles: int = 0
    requests: int = 0
    skipped_done: int = 0
    skipped_pending: int = 0
    cached: int = 0
    deduplicated: int = 0
    problems: int = 0


@dataclass
class CollectSummary:
    output: Path
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    live_articles: int = 0
    live_requests: int = 0
    shards_collected: int = 0
    shards_pending: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)


# -- the job -----------------------------------------------------------------------------------


class BatchJob:
    """One Batch API job in a folder. `BatchJob.create(dir, settings)` or `BatchJob.open(dir)`.

    >>> job = BatchJob.create(Path("batch"), Settings.from_env(model="gpt-4o-mini"))
    >>> job.submit(["articles.jsonl"])
    >>> job.status()
    >>> job.collect(Path("claims.jsonl"))
    """

    def __init__(self, directory: Path, manifest: Manifest, settings: Settings) -> None:
        self.directory = Path(directory)
        self.manifest = manifest
        self.settings = settings
        self._client: Any = None

    # opening --------------------------------------------------------------------------------

    @classmethod
    def create(cls, directory: Path, settings: Settings) -> BatchJob:
        """A job in `directory`; if one is already there it is reopened (with its settings)."""
        directory = Path(directory)
        settings = choose(settings)
        if (directory / "manifest.json").exists():
            job = cls.open(
                directory, api_key=settings.options.get("api_key"), cache_dir=settings.cache_dir
            )
            ours = _kept(settings)
            if job.manifest.settings != ours:
                raise ConfigError(
                    f"{directory} holds a job made with other settings "
                    f"({_diff(job.manifest.settings, ours)}); use another --dir"
                )
            return job
        if settings.is_offline:
            raise ConfigError("the batch API needs a model endpoint, not --model rules")
        directory.mkdir(parents=True, exist_ok=True)
        job = cls(directory, Manifest(settings=_kept(settings), inputs=[]), settings)
        job._save()
        return job

    @classmethod
    def open(cls, directory: Path, **overrides: Any) -> BatchJob:
        """The job in `directory`, with its own settings (API key and cache from the env)."""
        path = Path(directory) / "manifest.json"
        if not path.exists():
            raise ConfigError(f"no batch job in {directory} (run `extractor batch submit` first)")
        manifest = Manifest.model_validate_json(path.read_bytes())
        settings = choose(Settings.from_env(**manifest.settings, **overrides))
        return cls(Path(directory), manifest, settings)

    # build / submit ---------------------------------------------------------------------------

    def build(
        self,
        inputs: Sequence[str | Path],
        *,
        done: Path | None = None,
        max_requests: int = MAX_REQUESTS,
        max_bytes: int = MAX_BYTES,
    ) -> BuildSummary:
        """Shards for every article not already done (in `done`), cached, or in a pending shard."""
        if not 0 < max_requests <= MAX_REQUESTS or not 0 < max_bytes <= MAX_BYTES:
            raise ConfigError(f"shards hold 1..{MAX_REQUESTS} requests and 1..{MAX_BYTES} bytes")
        paths = check_paths(inputs)
        with self._locked():
            self.manifest.inputs = sorted({*self.manifest.inputs, *map(str, paths)})
            summary = BuildSummary(shards=[])
            skip_done = _ok_ids(done) if done else set()
            skip_pending = self._pending_ids()
            ex = Extractor(self.settings)
            writer = _ShardWriter(self, max_requests, max_bytes)
            seen_keys: set[str] = set()
            try:
                for item in iter_items(paths):
                    if isinstance(item, InputProblem):
                        summary.problems += 1
                        continue
                    if item.id in skip_done:
                        summary.skipped_done += 1
                        continue
                    if item.id in skip_pending:
                        summary.skipped_pending += 1
                        continue
                    skip_pending.add(item.id)
                    lines = []
                    for planned in _plan(ex, item):
                        assert planned.cache_key is not None  # _plan refuses a request without
                        if planned.cache_key in seen_keys:
                            summary.deduplicated += 1
                        elif ex.cache is not None and ex.cache.get(planned.cache_key):
                            summary.cached += 1
                        else:
                            seen_keys.add(planned.cache_key)
                            lines.append(_request_line(planned))
                    writer.add(item, lines)
                    summary.articles += 1
                    summary.requests += len(lines)
                writer.close()
            finally:
                asyncio.run(ex.aclose())
            summary.shards = writer.shards
        return summary

    def submit(self, inputs: Sequence[str | Path] = (), **build_options: Any) -> list[Shard]:
        """Build (when inputs are given), upload and create a batch for every built shard."""
        if inputs:
            self.build(inputs, **build_options)
        with self._locked():
            for shard in self.manifest.shards:
                if shard.status == "built" and not shard.collected:
                    self._submit(shard)
        return self.manifest.shards

    def _submit(self, shard: Shard) -> None:
        client = self._openai()
        if shard.input_file_id is None:
            path = self._path(shard, "requests")
            with path.open("rb") as handle:
                shard.input_file_id = client.files.create(
                    file=(path.name, handle), purpose="batch"
                ).id
            self._save()
        else:  # killed between create and save last time? adopt that batch, never make two
            found = self._find_batch(shard)
            if found is not None:
                self._update(shard, found)
                self._save()
                return
        batch = client.batches.create(
            input_file_id=shard.input_file_id,
            endpoint=ENDPOINT,
            completion_window="24h",
            metadata={"extractor_job": self.manifest.job_id, "extractor_shard": shard.name},
        )
        self._update(shard, batch)
        self._save()

    def _find_batch(self, shard: Shard) -> Any:
        for batch in self._openai().batches.list(limit=100):
            meta = batch.metadata or {}
            if (
                meta.get("extractor_job") == self.manifest.job_id
                and meta.get("extractor_shard") == shard.name
            ):
                return batch
        return None

    # status / cancel --------------------------------------------------------------------------

    def status(self) -> list[Shard]:
        """Refresh every submitted, unfinished batch from the provider."""
        with self._locked():
            for shard in self.manifest.shards:
                if shard.batch_id and shard.status not in TERMINAL:
                    self._update(shard, self._openai().batches.retrieve(shard.batch_id))
            self._save()
        return self.manifest.shards

    def cancel(self) -> list[Shard]:
        """Ask the provider to cancel every unfinished batch (their finished part is kept)."""
        import openai

        with self._locked():
            for shard in self.manifest.shards:
                if shard.batch_id and shard.status not in (*TERMINAL, "cancelling"):
                    try:
                        self._update(shard, self._openai().batches.cancel(shard.batch_id))
                    except openai.ConflictError:  # finished meanwhile
                        self._update(shard, self._openai().batches.retrieve(shard.batch_id))
            self._save()
        return self.manifest.shards

    # collect ----------------------------------------------------------------------------------

    def collect(
        self,
        output: Path,
        *,
        max_live: int = 1000,
        include_text: bool = False,
        wait: bool = False,
        poll_s: float = 30.0,
    ) -> CollectSummary:
        """Append the records of every finished shard to `output`; resumable at any point."""
        while True:
            shards = self.status()
            if not wait or all(s.ready for s in shards):
                break
            time.sleep(poll_s)
        from .runner import errors_file

        with self._locked():
            summary = CollectSummary(output=Path(output))
            sink = JsonlSink(output, include_text=include_text)
            done = sink.prepare()
            errors_path = errors_file(output)
            errors_path.unlink(missing_ok=True)
            errors = JsonlSink(errors_path)
            live = LiveBudget(max_live)
            try:
                asyncio.run(self._collect_all(sink, errors, done, live, summary))
            finally:
                sink.close()
                errors.close()
            summary.live_articles, summary.live_requests = live.articles, live.requests
        return summary

    async def _collect_all(
        self,
        sink: JsonlSink,
        errors: JsonlSink,
        done: set[str],
        live: LiveBudget,
        summary: CollectSummary,
    ) -> None:
        """Every finished shard, in one event loop (the live path's HTTP client lives in it)."""
        ex = Extractor(self.settings)
        try:
            for shard in self.manifest.shards:
                if shard.collected:
                    continue
                # a built shard whose output is already here came from another tool
                # (`vllm run-batch -i shard.requests.jsonl -o shard.output.jsonl`)
                offline = shard.status == "built" and self._path(shard, "output").exists()
                if not shard.ready and not offline:
                    summary.shards_pending.append(shard.name)
                    continue
                self._download(shard)
                await self._collect(ex, shard, sink, errors, done, live, summary)
                shard.collected = True
                summary.shards_collected += 1
                self._save()
        finally:
            await ex.aclose()

    async def _collect(
        self,
        ex: Extractor,
        shard: Shard,
        sink: JsonlSink,
        errors: JsonlSink,
        done: set[str],
        live: LiveBudget,
        summary: CollectSummary,
    ) -> None:
        answers = dict(self._answers(shard))
        refill = LiveBudget(0)  # records already written: refill the cache, never ask

        async def one(article: Article) -> None:
            planned = _plan(ex, article)
            completions = {
                p.piece_id: answers[p.cache_key] for p in planned if p.cache_key in answers
            }
            if article.id in done:
                summary.skipped += 1
                await _finish(ex, article, completions, refill, planned)
                return
            result = await _finish(ex, article, completions, live, planned)
            sink.write(result)
            done.add(article.id)
            if result.status == "ok":
                summary.ok += 1
            else:
                errors.write(result)
                summary.failed += 1
                kind = result.error.type if result.error else "error"
                summary.errors[kind] = summary.errors.get(kind, 0) + 1

        articles = self._articles(shard)
        limit = self.settings.concurrency

        async def worker() -> None:
            for article in articles:
                await one(article)

        await asyncio.gather(*(worker() for _ in range(limit)))

    def _answers(self, shard: Shard) -> Iterator[tuple[str, dict[str, Any]]]:
        """custom_id -> chat completion, for every request the provider answered with a 200."""
        path = self._path(shard, "output")
        if not path.exists():
            return
        with path.open("rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                response = row.get("response") or {}
                if response.get("status_code") == 200 and isinstance(response.get("body"), dict):
                    yield row["custom_id"], response["body"]

    def _articles(self, shard: Shard) -> Iterator[Article]:
        with self._path(shard, "articles").open("rb") as handle:
            for line in handle:
                row = json.loads(line)
                yield Article(id=row["id"], text=row["text"], source=row.get("source"))

    def _download(self, shard: Shard) -> None:
        for kind, file_id in (("output", shard.output_file_id), ("errors", shard.error_file_id)):
            path = self._path(shard, kind)
            if file_id is None or path.exists():
                continue
            tmp = path.with_name(path.name + ".part")
            self._openai().files.content(file_id).write_to_file(tmp)
            os.replace(tmp, path)

    # helpers ----------------------------------------------------------------------------------

    def _pending_ids(self) -> set[str]:
        """Ids in shards not yet collected: built again, they would be asked twice."""
        ids: set[str] = set()
        for shard in self.manifest.shards:
            if not shard.collected:
                ids.update(a.id for a in self._articles(shard))
        return ids

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            options = OpenAIOptions.read(self.settings.options)
            key = options.api_key.get_secret_value() if options.api_key else "none"
            self._client = openai.OpenAI(
                base_url=options.endpoint, api_key=key, timeout=options.timeout
            )
        return self._client

    def _update(self, shard: Shard, batch: Any) -> None:
        shard.batch_id = batch.id
        shard.status = batch.status
        counts = batch.request_counts
        shard.request_counts = counts.model_dump() if counts is not None else None
        shard.output_file_id = batch.output_file_id
        shard.error_file_id = batch.error_file_id

    def _path(self, shard: Shard, kind: str) -> Path:
        return self.directory / f"{shard.name}.{kind}.jsonl"

    def _save(self) -> None:
        path = self.directory / "manifest.json"
        tmp = path.with_name("manifest.json.tmp")
        tmp.write_text(self.manifest.model_dump_json(indent=2), encoding="utf-8")
        os.replace(tmp, path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One command at a time per BATCHDIR (a second one waits for the first)."""
        with (self.directory / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class _ShardWriter:
    """Writes shards under the request and byte limits; an article never spans two shards."""

    def __init__(self, job: BatchJob, max_requests: int, max_bytes: int) -> None:
        self.job = job
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self.shards: list[Shard] = []
        self._open: tuple[Shard, Any, Any] | None = None

    def add(self, article: Article, lines: list[bytes]) -> None:
        size = sum(map(len, lines))
        if size > self.max_bytes or len(lines) > self.max_requests:
            raise ConfigError(
                f"article {article.id!r} alone needs {len(lines)} requests / {size} bytes, over "
                "the per-file limit; lower --chunk-chars"
            )
        if self._open is not None:
            shard = self._open[0]
            full = shard.requests + len(lines) > self.max_requests
            if full or shard.bytes + size > self.max_bytes:
                self.close()
        if self._open is None:
            number = len(self.job.manifest.shards) + 1
            shard = Shard(name=f"shard-{number:05d}", articles=0, requests=0, bytes=0)
            requests = self._tmp(shard, "requests").open("wb")
            articles = self._tmp(shard, "articles").open("wb")
            self._open = (shard, requests, articles)
        shard, requests, articles = self._open
        requests.writelines(lines)
        row = {"id": article.id, "source": article.source, "text": article.text}
        articles.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
        shard.articles += 1
        shard.requests += len(lines)
        shard.bytes += size

    def close(self) -> None:
        """Finish the open shard: files renamed into place, then listed in the manifest."""
        if self._open is None:
            return
        shard, requests, articles = self._open
        self._open = None
        for handle in (requests, articles):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        for kind in ("requests", "articles"):
            os.replace(self._tmp(shard, kind), self.job._path(shard, kind))
        if shard.requests == 0:
            shard.status = "local"
        self.job.manifest.shards.append(shard)
        self.shards.append(shard)
        self.job._save()

    def _tmp(self, shard: Shard, kind: str) -> Path:
        return self.job._path(shard, kind).with_suffix(".jsonl.tmp")


def _request_line(planned: PlannedRequest) -> bytes:
    line = {"custom_id": planned.cache_key, "method": "POST", "url": ENDPOINT, "body": planned.body}
    return json.dumps(line, ensure_ascii=False).encode() + b"\n"


def _ok_ids(path: Path) -> set[str]:
    """Ids an output file already has as ok (read only; the sink rewrites it on collect)."""
    ids: set[str] = set()
    if not path.exists():
        return ids
    with path.open("rb") as handle:
        for line in handle:
            with contextlib.suppress(ValueError):
                row = json.loads(line)
                if isinstance(row, dict) and row.get("status") == "ok":
                    ids.add(str(row.get("id")))
    return ids


def _kept(settings: Settings) -> dict[str, Any]:
    """The settings a job keeps: shared ones and the backend's options, never the API key."""
    shared = settings.model_dump(mode="json", include=set(KEPT_SETTINGS))
    options = {k: v for k, v in settings.options.items() if k in KEPT_SETTINGS}
    return {**shared, **options}


def _diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {old.get(k)!r} != {new.get(k)!r}" for k in new if old.get(k) != new[k])


def shard_table(shards: Iterable[Shard]) -> list[dict[str, Any]]:
    """Rows for `extractor batch status`: name, state, counts."""
    return [
        {
            "shard": s.name,
            "batch": s.batch_id or "-",
            "status": s.status + (" (collected)" if s.collected else ""),
            "articles": s.articles,
            "requests": s.requests,
            **(s.request_counts or {"total": 0, "completed": 0, "failed": 0}),
        }
        for s in shards
    ]
