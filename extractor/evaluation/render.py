"""Readable terminal output of eval reports and comparisons (rich tables)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..terminal import safe
from .report import Comparison, EvalReport

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
    for label, prf in (
        ("claims (micro)", report.micro),
        ("claims (macro)", report.macro),
        ("quantity claims, strict", report.strict_quantity),
    ):
        summary.add_row(label, _pct(prf.precision), _pct(prf.recall), _pct(prf.f1))
    console.print(summary)

    fields = Table(title="Field accuracy over matched pairs")
    fields.add_column("field")
    fields.add_column("accuracy", justify="right")
    fields.add_column("pairs compared", justify="right")
    for name, field in report.fields.items():
        fields.add_row(safe(name), _pct(field.accuracy), str(field.compared))
    console.print(fields)
    g = report.grounding
    console.print(
        f"grounding of predicted quotes: exact {g['exact']:.1%} · fuzzy {g['fuzzy']:.1%} · "
        f"none {g['none']:.1%}"
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
        colour = "" if not delta else ("green" if delta > 0 else "red")
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
