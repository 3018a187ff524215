"""Inline SVG pictures for the HTML reports, drawn from data (no script, no network, no style=).

- `number_line`: one ledger group as a number line. Each figure is drawn as the interval it
  allows: "61" a dot, "at least 60" an arrow from 60 to the right edge (open dot for "more
  than"), "at most 50" a bar from 0, "about 2,400" a band from 2,160 to 2,640 with a tick at
  2,400, a range a band. Coloured by the source's kind; a figure that conflicts with another is
  outlined red; hovering shows article, date, source and statement (an SVG <title>), and a click
  selects the claim like any other claim element. A reader sees at once that 61 sits far below 99.
- `score_bars`: per-article precision, recall and F1 as bars.
- `delta_chart`: the metric deltas against an older report, left (worse) or right (better) of 0.

Every string from an article or a model goes through `html.escape`; sizes and positions are
numbers computed here. The report's Content-Security-Policy forbids inline style attributes, so
only presentation attributes and classes (styled by the report's own stylesheet) are used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from .ledger import LedgerGroup, LedgerValue

WIDTH = 760
LEFT = 206  # room for the figure as written (up to 24 characters, bold capitals included)
RIGHT = 24
ROW = 20
KINDS = ("government", "ngo", "media", "person", "unattributed", "other")


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _label(x: float, step: float = 1.0) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{x:,.{decimals}f}"


def _ticks(low: float, high: float, count: int = 5, whole: bool = False) -> list[float]:
    """Round ticks over [low, high]; `whole`: counts of people or things, no tick between two
    whole numbers."""
    span = max(high - low, 1e-9)
    step = 10 ** math.floor(math.log10(span / count))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    step = max(step, 1.0) if whole else step
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) / step + 1e-9) + 1)]


def _whole(values: Sequence[LedgerValue]) -> bool:
    figures = [x for v in values for x in (v.value, v.lower, v.upper) if x is not None]
    return all(float(x).is_integer() for x in figures)


def _domain(values: Sequence[LedgerValue], whole: bool) -> tuple[float, float]:
    points = [v.interval.low for v in values]
    points += [v.interval.high for v in values if v.interval.high is not None]
    points += [x for v in values for x in (v.value, v.lower, v.upper) if x is not None]
    low, high = min(points), max(points)
    floor = 0.0 if low >= 0 else -math.inf  # a count's axis stops at 0
    if whole and high - low < 1:  # counts: at least one unit around them (0 and 0, 3 and 3)
        low, high = low - 0.5, high + 0.5
    pad = max(high - low, abs(high) * 0.2, 1e-9) * 0.15
    return max(floor, low - pad), high + pad


def number_line(group: LedgerGroup, keys: Sequence[str | None]) -> str:
    """The group's figures on one axis; `keys` are the claims' data keys (None: not clickable)."""
    values = group.values
    whole = _whole(values)
    low, high = _domain(values, whole)
    span = max(high - low, 1e-9)
    plot = WIDTH - LEFT - RIGHT

    def x(v: float) -> float:
        return LEFT + (min(max(v, low), high) - low) / span * plot

    clash = group.clashing
    order = sorted(range(len(values)), key=lambda i: (values[i].interval.low, i))
    height = 34 + ROW * len(values)
    axis = height - 22
    out = [
        f'<svg class="numberline" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(group.label)}: {len(values)} figures on one axis</title>",
        f'<line class="axis" x1="{LEFT}" y1="{axis}" x2="{WIDTH - RIGHT}" y2="{axis}"/>',
    ]
    ticks = _ticks(low, high, whole=whole)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for tick in ticks:
        tx = _n(x(tick))
        out.append(
            f'<line class="tick" x1="{tx}" y1="{axis}" x2="{tx}" y2="{axis + 4}"/>'
            f'<text class="ticklabel" x="{tx}" y="{axis + 16}" text-anchor="middle">'
            f"{_label(tick, step)}</text>"
        )
    for row, i in enumerate(order):
        v = values[i]
        y = 14 + row * ROW
        kind = v.source_kind if v.source_kind in KINDS else "other"
        key = keys[i] if i < len(keys) else None
        attrs = f' data-claim="{_e(key)}"' if key else ""
        classes = f"fig k-{kind}" + (" clash" if i in clash else "") + (" part" if v.part else "")
        when = (
            v.when
            or v.time_text
            or v.date
            or (f"{group.anchor} (the group's time)" if group.anchor else "no date")
        )
        tip = (
            f"{v.article_id} · {when} · {v.source_name} ({v.source_kind}, {v.stance})"
            f"{' · part: ' + v.part if v.part else ''} · {v.figure} → {v.interval}\n{v.statement}"
        )
        out.append(f'<g class="{classes}"{attrs}><title>{_e(tip)}</title>')
        out.append(
            f'<text class="figlabel" x="{LEFT - 8}" y="{y + 4}" text-anchor="end">'
            f"{_e(_short(v.figure))}</text>"
        )
        out.append(_mark(v, x, y, WIDTH - RIGHT))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mark(v: LedgerValue, x: Callable[[float], float], y: float, edge: float) -> str:
    interval, q = v.interval, v.qualifier
    stated = v.value  # a range or a vague count states no single figure: no tick
    if interval.high is None:  # at least / more than: an arrow to the edge
        start = _n(x(interval.low))
        dot = "open" if interval.low_open else "solid"
        return (
            f'<line class="span" x1="{start}" y1="{y}" x2="{_n(edge - 6)}" y2="{y}"/>'
            f'<polygon class="head" points="{_n(edge)},{y} {_n(edge - 8)},{y - 4} '
            f'{_n(edge - 8)},{y + 4}"/><circle class="dot {dot}" cx="{start}" cy="{y}" r="4"/>'
        )
    x0, x1 = x(interval.low), x(interval.high)
    if q == "exact" or x1 - x0 < 1:
        return f'<circle class="dot solid" cx="{_n(x0)}" cy="{y}" r="5"/>'
    if q in ("at_most", "less_than"):
        dot = "open" if interval.high_open else "solid"
        return (
            f'<line class="span" x1="{_n(x0)}" y1="{y}" x2="{_n(x1)}" y2="{y}"/>'
            f'<circle class="dot {dot}" cx="{_n(x1)}" cy="{y}" r="4"/>'
        )
    band = (  # about, nearly, range, vague: a band, with a tick at the stated figure if any
        f'<rect class="band" x="{_n(x0)}" y="{y - 5}" width="{_n(max(x1 - x0, 2))}" '
        f'height="10" rx="3"/>'
    )
    if stated is None:
        return band
    return band + (
        f'<line class="stated" x1="{_n(x(stated))}" y1="{y - 7}" '
        f'x2="{_n(x(stated))}" y2="{y + 7}"/>'
    )


def legend() -> str:
    """What the colours and shapes mean (HTML, styled by the report's stylesheet)."""
    kinds = "".join(f'<span class="swatch k-{k}"></span>{k} ' for k in KINDS)
    return (
        f'<p class="meta legend-kinds">{kinds}· dot: the figure · arrow: "at least" / "more '
        'than" (open dot: more than) · band: "about", "nearly", a range · red outline: conflicts '
        "with another figure · hover a figure for its article, date and statement</p>"
    )


def score_bars(rows: Sequence[tuple[str, float | None, float | None, float | None]]) -> str:
    """Per-article precision, recall and F1 (each 0..1) as three thin bars."""
    left, bar, row = 230, 420, 30
    height = 10 + row * len(rows)
    out = [
        f'<svg class="scorebars" role="img" viewBox="0 0 {left + bar + 60} {height}" '
        f'width="{left + bar + 60}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        "<title>Per-article precision, recall and F1</title>"
    ]
    for k, (label, *scores) in enumerate(rows):
        y = 6 + k * row
        out.append(
            f'<text class="barlabel" x="{left - 8}" y="{y + 14}" text-anchor="end">'
            f"{_e(_short(label, 30))}</text>"
        )
        for j, (name, score) in enumerate(zip(("p", "r", "f1"), scores, strict=True)):
            width = 0.0 if score is None else max(0.0, min(1.0, score)) * bar
            shown = "—" if score is None else f"{score:.2f}"
            out.append(
                f'<rect class="bar {name}" x="{left}" y="{y + j * 7}" width="{_n(width)}" '
                f'height="6"><title>{_e(label)} · {name.upper()} {shown}</title></rect>'
            )
        f1 = scores[2]
        out.append(
            f'<text class="barvalue" x="{left + bar + 6}" y="{y + 16}">'
            f"{'—' if f1 is None else f'{f1:.2f}'}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def delta_chart(deltas: Sequence[tuple[str, float | None, float | None]]) -> str:
    """Each metric's change against the old report, from (name, delta, gain) rows: right of 0
    better, left worse (a share of hallucinations that rises is worse: its gain is -delta)."""
    left, half, row = 230, 210, 20
    biggest = max((abs(d) for _, d, _ in deltas if d is not None), default=0.0) or 1.0
    height = 10 + row * len(deltas)
    zero = left + half
    out = [
        f'<svg class="deltachart" role="img" viewBox="0 0 {left + 2 * half + 70} {height}" '
        f'width="{left + 2 * half + 70}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        "<title>Metric deltas against the old report</title>"
        f'<line class="axis" x1="{zero}" y1="0" x2="{zero}" y2="{height}"/>'
    ]
    for k, (name, delta, better) in enumerate(deltas):
        y = 5 + k * row
        out.append(
            f'<text class="barlabel" x="{left - 8}" y="{y + 11}" text-anchor="end">'
            f"{_e(name)}</text>"
        )
        if delta is None or better is None:
            continue
        width = abs(delta) / biggest * half
        x0 = zero if better >= 0 else zero - width
        cls = "up" if better > 0 else "down" if better < 0 else "flat"
        out.append(
            f'<rect class="delta {cls}" x="{_n(x0)}" y="{y + 2}" width="{_n(max(width, 1))}" '
            f'height="12"><title>{_e(name)} {delta:+.3f}</title></rect>'
            f'<text class="barvalue" x="{left + 2 * half + 6}" y="{y + 12}">{delta:+.3f}</text>'
        )
    out.append("</svg>")
    return "".join(out)
