"""The ledger in a terminal (rich) or a pipe (TSV): kept apart so building a ledger never imports
rich. Article and model text is data, never markup: everything shown goes through `safe`."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from rich.table import Table

from .ledger import Ledger
from .terminal import plain, safe

STATUS_STYLE = {
    "discrepancy": "bold magenta",
    "conflict": "bold red",
    "divergent": "yellow",
    "compatible": "green",
}


NARROW = 110  # below this many columns a table splits words: one block per group instead


def ledger_table(ledger: Ledger, console: Console) -> None:
    """One row per value; each group opens with what is counted, when, and the verdict. Under
    NARROW columns, one block per group instead (`ledger_blocks`)."""
    if not ledger.groups:
        console.print("no quantity claims to line up")
        return
    if console.width < NARROW:
        ledger_blocks(ledger, console)
        return
    table = Table(title="Claims ledger: the same count across articles", expand=True)
    widths = {"what · when": 3, "figure": 2, "source (kind)": 3, "statement": 7}
    for column in ("what · when", "figure", "interval", "source (kind)", "article", "statement"):
        flexible = column in widths
        table.add_column(column, ratio=widths.get(column), no_wrap=not flexible, overflow="fold")
    for group in ledger.groups:
        if table.rows:
            table.add_section()
        when = f" · {group.anchor}" if group.anchor else ""
        head = (
            f"[bold]{safe(group.label + when)}[/bold]\n"
            f"[{STATUS_STYLE[group.status]}]{group.status.upper()}[/]\n{safe(group.summary)}"
        )
        conflicted = group.clashing
        for i, value in enumerate(group.values):
            part = f" (part: {value.part})" if value.part else ""
            table.add_row(
                head if i == 0 else "",
                ("[red]✗[/red] " if i in conflicted else "") + safe(value.figure + part),
                safe(str(value.interval)),
                safe(f"{value.source_name} ({value.source_kind}, {value.stance})"),
                safe(value.article_id),
                safe(value.statement),
            )
    console.print(table, highlight=False)


TSV_COLUMNS = (
    "group", "what", "when", "status", "clash", "figure", "interval", "source", "kind", "stance",
    "article", "statement",
)  # fmt: skip


def ledger_tsv(ledger: Ledger) -> Iterator[str]:
    """The ledger for pipes and grep: one tab-separated line per value, a header first. `group`
    numbers the groups (two groups of one kind and day stay told apart); `clash` is ✗ for a
    value that cannot be true with another of its group; `stance` says announced or verified."""
    yield "\t".join(TSV_COLUMNS)
    for number, group in enumerate(ledger.groups, 1):
        conflicted = group.clashing
        for i, value in enumerate(group.values):
            cells = (
                str(number),
                group.label,
                group.anchor or "",
                group.status.upper(),
                "✗" if i in conflicted else "",
                value.figure,
                str(value.interval),
                value.source_name,
                value.source_kind,
                value.stance,
                value.article_id,
                value.statement,
            )
            yield "\t".join(plain(c).replace("\t", " ").replace("\n", " ") for c in cells)


def ledger_blocks(ledger: Ledger, console: Console) -> None:
    """The ledger for a narrow terminal: each group a heading and its verdict, then one line per
    value (figure, interval, source, stance, article) with its statement indented below."""
    for group in ledger.groups:
        when = f" · {group.anchor}" if group.anchor else ""
        console.print(
            f"\n[bold]{safe(group.label + when)}[/bold] "
            f"[{STATUS_STYLE[group.status]}]{group.status.upper()}[/]",
            highlight=False,
        )
        console.print(safe(group.summary), style="dim", highlight=False)
        conflicted = group.clashing
        for i, value in enumerate(group.values):
            part = f" (part: {value.part})" if value.part else ""
            mark = "[red]✗[/red]" if i in conflicted else " "
            console.print(
                f"{mark} [bold]{safe(value.figure + part)}[/bold] {safe(str(value.interval))} · "
                f"{safe(f'{value.source_name} ({value.source_kind}, {value.stance})')} · "
                f"{safe(value.article_id)}",
                highlight=False,
            )
            console.print(f"    {safe(value.statement)}", style="dim", highlight=False)
