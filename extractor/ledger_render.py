"""The ledger in a terminal (rich): kept apart so building a ledger never imports rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .ledger import Ledger

STATUS_STYLE = {
    "discrepancy": "bold magenta",
    "conflict": "bold red",
    "divergent": "yellow",
    "compatible": "green",
}


def ledger_table(ledger: Ledger, console: Console) -> None:
    """One row per value; each group opens with what is counted, when, and the verdict."""
    if not ledger.groups:
        console.print("no quantity claims to line up")
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
            f"[bold]{escape(group.label + when)}[/bold]\n"
            f"[{STATUS_STYLE[group.status]}]{group.status.upper()}[/]\n{escape(group.summary)}"
        )
        conflicted = {i for c in group.conflicts for i in (c.a, c.b)}
        for i, value in enumerate(group.values):
            part = f" (part: {value.part})" if value.part else ""
            table.add_row(
                head if i == 0 else "",
                ("[red]✗[/red] " if i in conflicted else "") + escape(value.figure + part),
                str(value.interval),
                escape(f"{value.source_name} ({value.source_kind}, {value.stance})"),
                escape(value.article_id),
                escape(value.statement),
            )
    console.print(table, highlight=False)
