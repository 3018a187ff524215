"""Readable terminal output of eval reports and comparisons (rich tables)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..terminal import safe
from .report import Comparison, EvalReport, gain, quality_rows, score_rows

MAX_LISTED = 8


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_report(report: EvalReport, console: Console, *, details: bool = True) -> None:
    run = report.run
    console.print(
        f"[bold]eval[/bold] prompt {safe(run.prompt or '?')} v{safe(run.prompt_version or '?')} "
        f"({safe((run.prompt_sha256 or '')[:12])}) · model {safe(run.model or '?')} · "
        f"predictions {safe(run.predictions)} · gold {safe(run.gold)}",
        highlight=False,
    )
    summary = Table(title="Scores", show_lines=False)
    for column in ("metric", "precision", "recall", "F1"):
        summary.add_column(column, justify="right" if column != "metric" else "left")
    for label, prf in score_rows(report):
        summary.add_row(label, _pct(prf.precision), _pct(prf.recall), _pct(prf.f1))
    console.print(summary)
    qualities = Table(title="Qualities")
    qualities.add_column("metric")
    qualities.add_column("value", justify="right")
    qualities.add_column("count", justify="right")
    for name, value, count, _ in quality_rows(report):
        qualities.add_row(safe(name), _pct(value), "" if count is None else str(count))
    console.print(qualities)
    g = report.grounding
    console.print(
        f"grounding of predicted quotes (re-grounded): exact {g['exact']:.1%} · "
        f"fuzzy {g['fuzzy']:.1%} · none {g['none']:.1%}"
    )
    if report.judge is not None:
        j = report.judge
        console.print(
            f"judge {escape(j.model)} (prompt v{j.prompt_version}): {j.candidates} candidate "
            f"pairs, judged same {j.judged_same}, rule same {j.rule_same}, "
            f"judge and rule agree on {j.agree_with_rule}"
        )

    articles = Table(title="Per article")
    for column in ("article", "status", "gold", "pred", "matched", "P", "R", "F1"):
        articles.add_column(
            column,
            justify="left" if column in ("article", "status") else "right",
            no_wrap=column == "article",
        )
    for art in report.articles:
        articles.add_row(
            safe(art.id),
            safe(art.status),
            str(art.n_gold),
            str(art.n_pred),
            str(art.matched),
            _pct(art.claims.precision),
            _pct(art.claims.recall),
            _pct(art.claims.f1),
        )
    console.print(articles)
    if details:
        for art in report.articles:
            if not art.misses and not art.extras:
                continue
            console.print(f"[bold]{safe(art.id)}[/bold]", highlight=False)
            for label, claims in (("miss ", art.misses), ("extra", art.extras)):
                for claim in claims[:MAX_LISTED]:
                    console.print(f"  {label} {safe(claim.statement)}", highlight=False)
                if len(claims) > MAX_LISTED:
                    console.print(f"  {label} … and {len(claims) - MAX_LISTED} more")
    for result in report.thresholds:
        mark = "[green]pass[/green]" if result.passed else "[red]FAIL[/red]"
        console.print(f"{mark} {safe(result.message)}", highlight=False)


def print_comparison(comparison: Comparison, console: Console) -> None:
    table = Table(title="Compared with the old report")
    for column in ("metric", "old", "new", "delta"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name, (old, new, delta) in comparison.deltas.items():
        better = gain(name, delta)
        colour = "" if not better else ("green" if better > 0 else "red")
        shown = "—" if delta is None else f"{delta:+.3f}"
        table.add_row(
            safe(name), _pct(old), _pct(new), f"[{colour}]{shown}[/{colour}]" if colour else shown
        )
    console.print(table)
    for art in comparison.articles:
        if not art.gained and not art.lost:
            continue
        console.print(
            f"[bold]{safe(art.id)}[/bold] F1 {_pct(art.f1_old)} → {_pct(art.f1_new)}",
            highlight=False,
        )
        for statement in art.gained:
            console.print(f"  [green]+ gained[/green] {safe(statement)}", highlight=False)
        for statement in art.lost:
            console.print(f"  [red]- lost[/red]   {safe(statement)}", highlight=False)
