"""`extractor batch build|submit|status|collect|cancel`: a thin shell over `BatchJob`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import ConfigError

# The same options as `extractor run` (cli.py is not imported here: it imports this module).
Model = Annotated[
    str | None, typer.Option("--model", "-m", help="Model name. Env: EXTRACTOR_MODEL.")
]
BaseUrl = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint. Env: OPENAI_BASE_URL.")
]
ApiKey = Annotated[str | None, typer.Option(help="API key. Env: OPENAI_API_KEY.")]
ModeOpt = Annotated[
    str | None, typer.Option("--mode", help="json_schema (default), tools, json or md_json.")
]
PromptOpt = Annotated[
    str | None, typer.Option(help="Bundled prompt name or path to a .toml prompt file.")
]
Concurrency = Annotated[int | None, typer.Option(help="Articles in flight at once [default: 8].")]
CacheDir = Annotated[
    Path | None, typer.Option(help="Cache folder. Env: EXTRACTOR_CACHE_DIR [default: user cache].")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
MaxReasks = Annotated[int | None, typer.Option(help="Live re-asks after an invalid answer.")]
MaxAttempts = Annotated[int | None, typer.Option(help="HTTP attempts per live request.")]
Timeout = Annotated[float | None, typer.Option(help="Seconds per HTTP request [default: 120].")]
TokenBudget = Annotated[int | None, typer.Option(help="Max tokens per article, live attempts.")]
ChunkChars = Annotated[
    int | None, typer.Option(help="Split longer articles into chunks [default: 24000].")
]


def _settings(**flags: Any) -> Any:
    from .cli import _settings

    return _settings(**flags)


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """Usage errors and provider refusals in one line; the job folder stays as it was."""
    try:
        yield
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:
        if not type(exc).__module__.startswith("openai"):
            raise
        raise _fail(
            f"the provider said: {exc} (check --base-url and OPENAI_API_KEY; the job folder is "
            "intact, run the command again)"
        ) from None


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


batch_app = typer.Typer(
    help="The provider Batch API (half price, answers within 24 h): build request files, "
    "submit them, follow their status, collect the same records `extractor run` writes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Dir = Annotated[Path, typer.Option("--dir", "-d", help="The job folder (manifest, shards).")]
DirArg = Annotated[Path, typer.Argument(help="The job folder given to `batch submit --dir`.")]
Inputs = Annotated[
    list[Path], typer.Argument(help="Files (.txt, .md, .html), folders, or .jsonl files.")
]
Done = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Skip the ids this run output already has ok."),
]
MaxRequests = Annotated[int, typer.Option(help="Requests per shard file (≤ 50,000).")]
MaxBytes = Annotated[int, typer.Option(help="Bytes per shard file (≤ 200 MB).")]


def _job(directory: Path, flags: dict[str, Any]) -> Any:
    from .batch_api import BatchJob

    return BatchJob.create(directory, _settings(**flags))


def _open(directory: Path, **overrides: Any) -> Any:
    from .batch_api import BatchJob

    return BatchJob.open(directory, **{k: v for k, v in overrides.items() if v is not None})


def _print_shards(shards: list[Any], as_json: bool = False) -> None:
    from .batch_api import shard_table

    rows = shard_table(shards)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no shards (nothing left to ask)")
        return
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        typer.echo("  ".join(str(row[c]).ljust(widths[c]) for c in columns))


def _build_or_submit(submit: bool, inputs: list[Path], directory: Path, **options: Any) -> None:
    sizes = {k: options.pop(k) for k in ("max_requests", "max_bytes")}
    done = options.pop("output")
    with _guard():
        job = _job(directory, options)
        summary = job.build(inputs, done=done, **sizes)
        shards = job.submit() if submit else summary.shards
    typer.echo(
        f"{summary.articles} articles, {summary.requests} requests in {len(summary.shards)} new "
        f"shards; skipped {summary.skipped_done} done, {summary.skipped_pending} already in a "
        f"shard, {summary.cached} cached pieces, {summary.deduplicated} duplicate pieces"
    )
    _print_shards(shards)


@batch_app.command("build")
def build(
    inputs: Inputs,
    directory: Dir,
    output: Done = None,
    max_requests: MaxRequests = 50_000,
    max_bytes: MaxBytes = 200 * 1024 * 1024,
    model: Model = None,
    base_url: BaseUrl = None,
    api_key: ApiKey = None,
    mode: ModeOpt = None,
    prompt: PromptOpt = None,
    chunk_chars: ChunkChars = None,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
) -> None:
    """Write the request files only (for `vllm run-batch` or another tool)."""
    _build_or_submit(False, **locals())


@batch_app.command("submit")
def submit(
    inputs: Inputs,
    directory: Dir,
    output: Done = None,
    max_requests: MaxRequests = 50_000,
    max_bytes: MaxBytes = 200 * 1024 * 1024,
    model: Model = None,
    base_url: BaseUrl = None,
    api_key: ApiKey = None,
    mode: ModeOpt = None,
    prompt: PromptOpt = None,
    max_reasks: MaxReasks = None,
    max_attempts: MaxAttempts = None,
    timeout: Timeout = None,
    token_budget: TokenBudget = None,
    chunk_chars: ChunkChars = None,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
) -> None:
    """Build what the cache and OUTPUT lack, upload it, create the batches; re-runs resume."""
    _build_or_submit(True, **locals())


@batch_app.command("status")
def status(
    directory: DirArg,
    api_key: ApiKey = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each batch's state and request counts."""
    with _guard():
        shards = _open(directory, api_key=api_key).status()
    _print_shards(shards, as_json)


@batch_app.command("collect")
def collect(
    directory: DirArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL file to append to.")],
    max_live: Annotated[
        int, typer.Option(help="Articles that may be asked live (invalid or failed answers).")
    ] = 1000,
    wait: Annotated[bool, typer.Option(help="Wait until every batch has finished.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between polls with --wait.")] = 30.0,
    concurrency: Concurrency = None,
    api_key: ApiKey = None,
    cache_dir: CacheDir = None,
    include_text: Annotated[
        bool, typer.Option(help="Also write each article's text into its record.")
    ] = False,
) -> None:
    """Download finished batches, validate, ground and append the records; re-runs resume."""
    with _guard():
        job = _open(directory, api_key=api_key, cache_dir=cache_dir, concurrency=concurrency)
        summary = job.collect(
            output, max_live=max_live, include_text=include_text, wait=wait, poll_s=poll
        )
    typer.echo(
        f"{summary.ok} ok, {summary.failed} failed, {summary.skipped} already in {output}; "
        f"asked live: {summary.live_articles} articles ({summary.live_requests} requests); "
        f"{summary.shards_collected} shards collected"
    )
    if summary.errors:
        typer.echo("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.errors.items())))
    if summary.shards_pending:
        typer.echo(
            f"{len(summary.shards_pending)} shards not finished yet: run collect again later "
            "(or with --wait)"
        )
    raise typer.Exit(1 if summary.failed else 0)


@batch_app.command("cancel")
def cancel(directory: DirArg, api_key: ApiKey = None) -> None:
    """Cancel every unfinished batch (what finished is kept and can be collected)."""
    with _guard():
        shards = _open(directory, api_key=api_key).cancel()
    _print_shards(shards)
