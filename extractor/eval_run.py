"""`extractor eval`: extract the gold articles with the configured model (cached), then score."""

from __future__ import annotations

from pathlib import Path

from .articles import Article
from .errors import ConfigError
from .evaluation import EvalReport, check, load_records, load_thresholds, score
from .evaluation.report import RunInfo, load_report
from .evaluation.scoring import PairJudge
from .evaluation.sources import SourceNames
from .lock import OutputLock
from .pipeline import Extractor, run_sync
from .redact import Redactor, option_secrets
from .runner import BatchSummary, Progress
from .schemas import ArticleResult, ClaimSet
from .settings import Settings
from .sink import JsonlSink


def _redactor(settings: Settings) -> Redactor:
    return Redactor(option_secrets(settings.options))


def predict_gold(
    settings: Settings,
    gold: dict[str, ArticleResult],
    output: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, ArticleResult]:
    """Run extraction over the gold articles' own text; optionally save the predictions."""
    missing = [g.id for g in gold.values() if not g.text]
    if missing:
        raise ValueError(f"gold records without text cannot be extracted: {missing[:3]}")
    if output is None:
        return _predict(settings, gold, None, progress)
    JsonlSink(output).scan()  # refuses to replace a file that is not a run's output
    with OutputLock(output):  # one writer: another eval or run on this file is refused
        return _predict(settings, gold, output, progress)


def _predict(
    settings: Settings,
    gold: dict[str, ArticleResult],
    output: Path | None,
    progress: Progress | None,
) -> dict[str, ArticleResult]:
    extractor = Extractor(settings)
    if extractor.schema is not ClaimSet:
        raise ConfigError(
            f"eval scores the bundled claim schema only; prompt {extractor.prompt.name!r} "
            f"answers with {extractor.schema.__name__}"
        )
    articles = [Article(id=g.id, text=g.text or "", source=g.source) for g in gold.values()]
    results: dict[str, ArticleResult] = {}
    summary = BatchSummary(output=output or Path("(not saved)"))

    async def collect() -> None:
        try:
            async for result in extractor.amap(articles):
                results[result.id] = ArticleResult.model_validate(result.to_dict())
                summary.add(result)
                if progress is not None:
                    progress.advance(result, summary)
        finally:
            await extractor.aclose()

    if progress is not None:
        progress.start(len(articles), 0)
    run_sync(collect())
    if output is not None:  # written aside, then put in place: a crash keeps the old file
        partial = output.with_name(output.name + ".partial")
        partial.unlink(missing_ok=True)
        sink = JsonlSink(partial, redact=_redactor(settings))
        for article in articles:
            sink.write_line(results[article.id].model_dump_json(exclude={"text"}))
        sink.close()
        partial.replace(output)
    return results


def run_info(predictions: dict[str, ArticleResult], source: str, gold: str) -> RunInfo:
    provenance = [r.provenance for r in predictions.values() if r.provenance is not None]
    first = provenance[0] if provenance else None
    return RunInfo(
        prompt=first.prompt if first else None,
        prompt_version=first.prompt_version if first else None,
        prompt_sha256=first.prompt_sha256 if first else None,
        model=first.model if first else None,
        base_url=first.base_url if first else None,
        predictions=source,
        gold=gold,
        usage={
            "prompt_tokens": sum(p.usage.prompt_tokens for p in provenance),
            "completion_tokens": sum(p.usage.completion_tokens for p in provenance),
            "requests": sum(p.attempts for p in provenance),
            "cached": sum(p.cached for p in provenance),
        },
    )


def evaluate(
    *,
    gold_dir: Path,
    predictions: Path | None = None,
    settings: Settings | None = None,
    output: Path | None = None,
    thresholds: Path | None = None,
    baseline: Path | None = None,
    progress: Progress | None = None,
    aliases: Path | None = None,
    judge: PairJudge | None = None,
) -> EvalReport:
    gold = load_records(gold_dir)
    names = SourceNames.from_file(aliases) if aliases is not None else SourceNames()
    if predictions is not None:
        preds = load_records(predictions)
        source = str(predictions)
    else:
        preds = predict_gold(settings or Settings.from_env(), gold, output, progress)
        source = str(output) if output else "(extracted now)"
    report = score(preds, gold, names=names, judge=judge)
    report.run = run_info(preds, source, str(gold_dir))
    if thresholds is not None:
        base = load_report(baseline) if baseline else None
        report.thresholds = check(report, load_thresholds(thresholds), base)
    return report
