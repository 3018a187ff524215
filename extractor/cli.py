"""The `extractor` command: a thin shell over the library (every command is a library call).

Exit codes: 0 all good, 1 some articles failed or an eval threshold was missed, 2 usage or
configuration error (one line on stderr, no traceback), 130 interrupted.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import ConfigError

app = typer.Typer(
    help="Extract structured, source-grounded claims from news articles with any "
    "OpenAI-compatible endpoint (or the offline rules baseline), and score them against gold.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: importing typer's rich help costs ~0.2 s
)
cache_app = typer.Typer(
    help="Inspect or clear the answer cache.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(cache_app, name="cache")

# Options shared by the commands that extract (run, eval).
Model = Annotated[
    str | None,
    typer.Option(
        "--model", "-m", help="Model name ('rules' = offline baseline). Env: EXTRACTOR_MODEL."
    ),
]
BaseUrl = Annotated[
    str | None,
    typer.Option(
        help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1. Env: OPENAI_BASE_URL."
    ),
]
ApiKey = Annotated[str | None, typer.Option(help="API key. Env: OPENAI_API_KEY.")]
ModeOpt = Annotated[
    str | None, typer.Option("--mode", help="json_schema (default), tools, json or md_json.")
]
BackendOpt = Annotated[
    str | None,
    typer.Option(
        help="Backend (entry point in 'extractor.backends'): openai, rules, or a plugin's name "
        "[default: from --model]. Env: EXTRACTOR_BACKEND."
    ),
]
StrictOpt = Annotated[
    bool | None,
    typer.Option(
        "--strict/--no-strict",
        help="Send the schema in OpenAI's strict form [default: on for api.openai.com].",
    ),
]
DroppedShare = Annotated[
    float | None,
    typer.Option(help="Re-ask when salvage dropped more than this share of claims [default: 0.5]."),
]
ReaskUngrounded = Annotated[
    bool | None,
    typer.Option(
        "--reask-ungrounded", help="Re-ask once with the quotes not found in the article."
    ),
]
PromptOpt = Annotated[
    str | None, typer.Option(help="Bundled prompt name or path to a .toml prompt file.")
]
Concurrency = Annotated[int | None, typer.Option(help="Articles in flight at once [default: 8].")]
CacheDir = Annotated[
    Path | None, typer.Option(help="Cache folder. Env: EXTRACTOR_CACHE_DIR [default: user cache].")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
MaxReasks = Annotated[
    int | None, typer.Option(help="Re-asks after an answer that fails validation [default: 2].")
]
MaxAttempts = Annotated[
    int | None,
    typer.Option(
        help="HTTP requests per article (or chunk), retries and re-asks included [default: 6]."
    ),
]
Timeout = Annotated[float | None, typer.Option(help="Seconds per HTTP request [default: 120].")]
TokenBudget = Annotated[
    int | None, typer.Option(help="Max tokens per article over all attempts [default: none].")
]
ChunkChars = Annotated[
    int | None, typer.Option(help="Split longer articles into chunks [default: 24000].")
]


class _WarningsToStderr(logging.Handler):
    """The library's warnings (torn lines, a disabled cache) as one `warning:` line each."""

    def emit(self, record: logging.LogRecord) -> None:
        from .terminal import plain

        typer.echo(f"warning: {plain(record.getMessage())}", err=True)


@app.callback()
def _setup() -> None:
    logger = logging.getLogger("extractor")
    if not any(isinstance(h, _WarningsToStderr) for h in logger.handlers):
        logger.addHandler(_WarningsToStderr(logging.WARNING))
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)


def _settings(**flags: Any) -> Any:
    from .backends import choose
    from .settings import Settings

    no_cache = flags.pop("no_cache", False)
    settings = Settings.from_env(**flags, use_cache=False if no_cache else None)
    chosen = choose(settings)
    if settings.model is None and settings.backend is None and chosen.is_offline:
        typer.echo(
            "note: no endpoint configured (--base-url, OPENAI_BASE_URL or OPENAI_API_KEY); "
            "using the offline rules baseline (--model rules). See README 'Use a model'.",
            err=True,
        )
    return chosen


def _fail(message: str, code: int = 2, secrets: tuple[str | None, ...] = ()) -> typer.Exit:
    from .redact import Redactor
    from .terminal import plain

    typer.echo(f"error: {plain(Redactor(secrets)(message))}", err=True)
    return typer.Exit(code)


def _secrets(settings: Any) -> tuple[str | None, ...]:
    from .redact import option_secrets

    return () if settings is None else tuple(option_secrets(settings.options))


@app.command()
def run(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Files (.txt, .md, .html), folders, or .jsonl files; - reads stdin "
            "(JSONL when it starts with '{', else one text article)."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="JSONL file to append to; - writes the records to stdout."
        ),
    ],
    model: Model = None,
    backend: BackendOpt = None,
    base_url: BaseUrl = None,
    api_key: ApiKey = None,
    mode: ModeOpt = None,
    strict: StrictOpt = None,
    prompt: PromptOpt = None,
    concurrency: Concurrency = None,
    max_reasks: MaxReasks = None,
    max_attempts: MaxAttempts = None,
    max_dropped_share: DroppedShare = None,
    reask_ungrounded: ReaskUngrounded = None,
    timeout: Timeout = None,
    token_budget: TokenBudget = None,
    chunk_chars: ChunkChars = None,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    include_text: Annotated[
        bool, typer.Option(help="Also write each article's text into its record.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    engine: Annotated[
        str, typer.Option(help="asyncio (one process) or ray (Ray Data actors; extractor[ray]).")
    ] = "asyncio",
    workers: Annotated[int, typer.Option(help="Ray actors with --engine ray.")] = 2,
    redo: Annotated[
        bool,
        typer.Option(
            "--redo",
            help="Re-extract records in -o made with another model, prompt or schema "
            "(without it, such a file is refused).",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run's summary as JSON on stdout.")
    ] = False,
) -> None:
    """Extract claims from every article; one JSON line per article; re-runs resume."""
    from .articles import check_paths
    from .pipeline import Extractor
    from .runner import run_batch
    from .sink import STDOUT_NAMES

    settings = None
    try:
        if as_json and str(output) in STDOUT_NAMES:
            raise ConfigError("--json prints to stdout, where -o - writes the records: pick one")
        check_paths(inputs)
        settings = _settings(
            model=model,
            backend=backend,
            base_url=base_url,
            api_key=api_key,
            mode=mode,
            strict=strict,
            prompt=prompt,
            concurrency=concurrency,
            max_reasks=max_reasks,
            max_attempts=max_attempts,
            max_dropped_share=max_dropped_share,
            reask_ungrounded=reask_ungrounded,
            timeout=timeout,
            token_budget=token_budget,
            chunk_chars=chunk_chars,
            cache_dir=cache_dir,
            no_cache=no_cache,
        )
        if engine not in ("asyncio", "ray"):
            raise ConfigError(f"unknown --engine {engine!r}: use asyncio or ray")
        from .progress import BatchProgress

        if engine == "ray":
            from .ray_runner import run_ray

            with BatchProgress(enabled=not quiet) as progress:
                summary = run_ray(
                    settings,
                    inputs,
                    output,
                    workers=workers,
                    progress=progress,
                    include_text=include_text,
                )
        else:
            extractor = Extractor(settings)
            with BatchProgress(enabled=not quiet) as progress:
                summary = asyncio.run(
                    run_batch(
                        extractor,
                        inputs,
                        output,
                        progress=progress,
                        include_text=include_text,
                        redo=redo,
                    )
                )
    except ConfigError as exc:
        raise _fail(str(exc), secrets=_secrets(settings)) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise _fail(f"{exc.strerror or exc}{where}", secrets=_secrets(settings)) from None
    except KeyboardInterrupt:
        typer.echo(
            f"\ninterrupted: finished articles are saved in {output}; run the same command "
            "again to resume (done articles are skipped).",
            err=True,
        )
        raise typer.Exit(130) from None
    from .progress import print_summary

    print_summary(summary, settings)
    if as_json:
        import json

        typer.echo(json.dumps({**summary.as_dict(), "model": settings.model}, indent=2))
    raise typer.Exit(1 if summary.failed else 0)


@app.command("eval")
def eval_(
    predictions: Annotated[
        Path | None,
        typer.Option(
            help="Score this run output (.jsonl) or folder of gold-format .json files "
            "instead of extracting now."
        ),
    ] = None,
    gold: Annotated[Path, typer.Option(help="Folder of gold records.")] = Path("evals/gold"),
    report: Annotated[Path | None, typer.Option(help="Write the JSON report here.")] = None,
    html: Annotated[
        Path | None,
        typer.Option(help="Write a self-contained HTML report here (with --compare: the deltas)."),
    ] = None,
    compare_with: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="An older JSON report: show deltas, gained/lost claims, "
            "and check [max_drop] thresholds against it.",
        ),
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(help="Thresholds file [default: evals/thresholds.toml when it exists]."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Save the predictions made now (JSONL).")
    ] = None,
    details: Annotated[bool, typer.Option(help="List each article's misses and extras.")] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON report on stdout instead of tables.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    aliases: Annotated[
        Path | None,
        typer.Option(help="Source-name aliases [default: evals/aliases.toml when it exists]."),
    ] = None,
    judge: Annotated[
        str | None,
        typer.Option(
            help="Let this model decide which claims state the same fact (same endpoint and "
            "cache as extraction); the lexical rule is the default."
        ),
    ] = None,
    model: Model = None,
    backend: BackendOpt = None,
    base_url: BaseUrl = None,
    api_key: ApiKey = None,
    mode: ModeOpt = None,
    prompt: PromptOpt = None,
    concurrency: Concurrency = None,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    ledger: Annotated[
        bool,
        typer.Option("--ledger", help="Score the claims ledger against --ledger-gold instead."),
    ] = False,
    ledger_gold: Annotated[
        Path, typer.Option(help="Hand-labelled conflict groups for --ledger.")
    ] = Path("evals/ledger/gold.json"),
) -> None:
    """Score claims against the hand-labelled gold; exit 1 when a threshold is missed."""
    if ledger:
        _eval_ledger(ledger_gold, report)
        return
    from .eval_run import evaluate
    from .evaluation import compare
    from .evaluation.render import print_comparison, print_report
    from .evaluation.report import load_report

    default_thresholds = Path("evals/thresholds.toml")
    if thresholds is None and default_thresholds.is_file():
        thresholds = default_thresholds
    if aliases is None and Path("evals/aliases.toml").is_file():
        aliases = Path("evals/aliases.toml")
    pair_judge = None
    try:
        settings = None
        if predictions is None:
            settings = _settings(
                model=model,
                backend=backend,
                base_url=base_url,
                api_key=api_key,
                mode=mode,
                prompt=prompt,
                concurrency=concurrency,
                cache_dir=cache_dir,
                no_cache=no_cache,
            )
        if not gold.is_dir():
            raise ConfigError(
                f"gold folder not found: {gold} (run from the project root or pass --gold)"
            )
        from .progress import BatchProgress

        if judge is not None:
            pair_judge = _judge(judge, base_url, api_key, cache_dir, no_cache)
        with BatchProgress(enabled=not quiet and predictions is None, label="eval") as progress:
            result = evaluate(
                gold_dir=gold,
                predictions=predictions,
                settings=settings,
                output=output,
                thresholds=thresholds,
                baseline=compare_with,
                progress=progress,
                aliases=aliases,
                judge=pair_judge,
            )
        old = load_report(compare_with) if compare_with else None
    except (ConfigError, OSError, ValueError) as exc:
        raise _fail(str(exc), secrets=_secrets(settings)) from None
    finally:
        if pair_judge is not None:
            pair_judge.close()
    console = _stdout_console()
    if as_json:
        from .terminal import json_safe

        typer.echo(json_safe(result.model_dump_json(indent=2)))
    else:
        print_report(result, console, details=details)
        if old is not None:
            print_comparison(compare(old, result), console)
    done: Callable[[str], None] = (
        typer.echo if not as_json else (lambda line: typer.echo(line, err=True))
    )
    if report is not None:
        try:
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(result.model_dump_json(indent=2), encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write the report to {report}: {exc.strerror}") from None
        done(f"report written to {report}")
    if html is not None:
        _write_eval_html(html, result, old, predictions or output, gold)
        done(f"HTML report written to {html}")
    failed = [t for t in result.thresholds if not t.passed]
    if failed:
        typer.echo("error: thresholds missed: " + "; ".join(t.message for t in failed), err=True)
        raise typer.Exit(1)


def _stdout_console() -> Any:
    """Rich on a terminal; wide and colourless when piped, so no line is broken mid-word."""
    from rich.console import Console

    console = Console(soft_wrap=True)
    if not console.is_terminal:
        console = Console(soft_wrap=True, width=max(console.width, 200), no_color=True)
    return console


def _judge(
    model: str, base_url: str | None, api_key: str | None, cache_dir: Path | None, no_cache: bool
) -> Any:
    from .backends.openai_compat import OpenAIOptions
    from .evaluation.judge import Judge
    from .settings import Settings

    settings = Settings.from_env(cache_dir=cache_dir)
    options = OpenAIOptions.read({"base_url": base_url, "api_key": api_key})
    key = options.api_key.get_secret_value() if options.api_key else None
    return Judge(
        model,
        base_url=options.endpoint,
        api_key=key,
        cache_dir=None if no_cache or not settings.use_cache else settings.cache_dir,
    )


def _eval_ledger(gold: Path, report: Path | None) -> None:
    from .ledger_eval import evaluate_ledger

    try:
        score = evaluate_ledger(gold)
    except (OSError, ValueError) as exc:
        raise _fail(f"{exc} (run from the project root or pass --ledger-gold)") from None
    typer.echo(f"ledger on {gold} ({score.claims} quantity claims), pairwise:")
    for name in ("links", "conflicts", "parts"):
        prf = getattr(score, name)
        typer.echo(
            f"  {name:<9} P {prf.precision:.3f}  R {prf.recall:.3f}  F1 {prf.f1:.3f}  "
            f"({prf.true_positives} right, {prf.false_positives} wrong, "
            f"{prf.false_negatives} missed)"
        )
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(score.model_dump_json(indent=2), encoding="utf-8")
        typer.echo(f"report written to {report}")


def _open_cache(cache_dir: Path | None) -> Any:
    from .cache import AnswerCache
    from .settings import Settings

    return AnswerCache(Settings.from_env(cache_dir=cache_dir).cache_dir)


@cache_app.command("stats")
def cache_stats(cache_dir: CacheDir = None) -> None:
    """Where the cache is, how many answers it holds and how big it is."""
    import json

    cache = _open_cache(cache_dir)
    typer.echo(json.dumps(cache.stats(), indent=2))
    cache.close()


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDir = None) -> None:
    """Delete every cached answer."""
    cache = _open_cache(cache_dir)
    removed = cache.clear()
    cache.close()
    typer.echo(f"removed {removed} cached answers from {cache.directory}")


RecordsArg = Annotated[
    Path, typer.Argument(help="A run output (.jsonl) or a folder of gold-format .json files.")
]


def _load_run(path: Path) -> dict[str, Any]:
    from .evaluation import load_records

    records = load_records(path)
    if not records:
        raise ConfigError(f"no records in {path}")
    return records


@app.command("report")
def report_cmd(
    records: RecordsArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
) -> None:
    """One self-contained HTML page: provenance, the ledger, every article with its claims."""
    from datetime import UTC, datetime

    from .html_report import render_run_report
    from .report_texts import missing_texts, with_texts

    try:
        loaded = _load_run(records)
        modified = datetime.fromtimestamp(records.stat().st_mtime, UTC)
        texts = with_texts(loaded.values(), base=records.parent)
        page = render_run_report(
            texts,
            source=str(records),
            modified=modified.isoformat(timespec="seconds"),
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(page, encoding="utf-8")
    except (ConfigError, OSError) as exc:
        raise _fail(str(exc)) from None
    claims = sum(len(r.claims) for r in loaded.values())
    typer.echo(f"report written to {output} ({len(loaded)} articles, {claims} claims)")
    missing, with_claims = missing_texts(texts)
    if missing:
        typer.echo(
            f"warning: {missing} of {with_claims} articles with claims have no text, so their "
            "evidence is listed, not highlighted: the records hold none and their inputs "
            f"(`source`) are not found from here or above {records.parent.absolute()} (or "
            "changed since the run); run report where run ran, or run with --include-text",
            err=True,
        )


@app.command("ledger")
def ledger_cmd(
    records: RecordsArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ledger as JSON.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also the counts only one article reports, once.")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", "-m", help="Ask this model what each claim counts (default: rules only)."
        ),
    ] = None,
    base_url: BaseUrl = None,
    api_key: ApiKey = None,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
) -> None:
    """Line up what every article says about the same count; flag values that conflict.

    On a terminal a table; piped, one tab-separated line per value (with a header)."""
    from .ledger import build_ledger
    from .ledger_render import ledger_table, ledger_tsv

    try:
        loaded = list(_load_run(records).values())
        hints = None
        if model and model != "rules":
            from .ledger_model import ask_hints

            settings = _settings(
                model=model, base_url=base_url, api_key=api_key, cache_dir=cache_dir,
                no_cache=no_cache,
            )  # fmt: skip
            asked = ask_hints(loaded, settings)
            hints = asked.hints
            typer.echo(
                f"model hints for {asked.articles - asked.failed} of {asked.articles} articles "
                f"({asked.cached} from cache, {asked.failed} kept the rules' reading)",
                err=True,
            )
        ledger = build_ledger(loaded, hints).view(show_all=show_all)
    except (ConfigError, OSError) as exc:
        raise _fail(str(exc)) from None
    console = _stdout_console()
    if as_json:
        from .terminal import json_safe

        typer.echo(json_safe(ledger.model_dump_json(indent=2)))
    elif console.is_terminal:
        ledger_table(ledger, console)
    else:
        for line in ledger_tsv(ledger):
            typer.echo(line)


def _write_eval_html(
    path: Path, result: Any, old: Any, predictions: Path | None, gold: Path
) -> None:
    from .evaluation import compare, load_records
    from .html_report import render_eval_report

    try:
        preds = load_records(predictions) if predictions else None
        comparison = compare(old, result) if old is not None else None
        page = render_eval_report(result, preds, load_records(gold), comparison)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    except (ConfigError, OSError) as exc:
        raise _fail(str(exc)) from None


def _add_batch_commands() -> None:
    from .batch_cli import batch_app

    app.add_typer(batch_app, name="batch")


_add_batch_commands()


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
