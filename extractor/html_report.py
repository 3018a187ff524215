"""Self-contained HTML reports: a run's claims over their articles, and an eval against gold.

One file, no network: the stylesheet and script are inline and are the only ones the page's
Content-Security-Policy allows (by sha256), so a report can be mailed, archived or opened from
disk. Article text and every claim field are untrusted (they come from the web and from a
model): all of it reaches the page through `html.escape`, and the claim data the script needs
travels in a `<script type="application/json">` block with `<`, `>` and `&` escaped, read back
with `textContent` + `JSON.parse`. Even if escaping were missed somewhere, injected markup could
not run a script: the policy allows none but ours.

Highlights: an article's text is cut at every evidence start and end, so overlapping quotes need
no nesting; each piece is one `<mark>` listing every claim that covers it (innermost first), and
its shade deepens with the number of claims. Fuzzy alignments are drawn dashed; claims whose quote
was not found are listed apart.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit

from .evaluation.report import (
    ArticleDelta,
    ArticleScore,
    Comparison,
    EvalReport,
    RunInfo,
    gain,
    quality_rows,
    score_rows,
)
from .evaluation.scoring import FIELDS, field_agreement
from .html_assets import CONTENT_SECURITY_POLICY, CSS, JS
from .html_charts import delta_chart, legend, number_line, score_bars
from .ledger import Ledger, build_ledger
from .schemas import ArticleResult, Claim

CLASH = ' class="clash"'
_Data = list[tuple[str, dict[str, Any]]]  # (key, claim fields) for the script


def e(value: object) -> str:
    """Escape anything for HTML text and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def endpoint_host(base_url: str | None) -> str:
    """Only the host (and port) of an endpoint: never its path, query or credentials."""
    if not base_url:
        return "—"
    parts = urlsplit(base_url if "//" in base_url else f"//{base_url}")
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def json_for_script(data: object) -> str:
    """JSON that cannot end its `<script>` element or open a comment, whatever it contains."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _page(title: str, subtitle: str, body: str, data: _Data) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{e(CONTENT_SECURITY_POLICY)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header class="top"><h1>{e(title)}</h1><div class="sub">{subtitle}</div></header>
<main>
{body}
</main>
<aside id="detail" hidden aria-live="polite"><button id="detail-close" type="button"
 aria-label="close">×</button><div id="detail-body"><p class="meta">Hover or click a
 highlighted quote or a claim to see all its fields.</p></div></aside>
<script type="application/json" id="report-data">{json_for_script({"claims": data})}</script>
<script>{JS}</script>
</body>
</html>
"""


def _claim_data(claim: Claim, article: str, role: str | None = None) -> dict[str, Any]:
    fields = claim.model_dump(mode="json")
    fields["article"] = article
    if role:
        fields["role"] = role
    return fields


def _facts(rows: Iterable[tuple[str, object]]) -> str:
    items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows if v not in (None, ""))
    return f'<dl class="facts">{items}</dl>'


def _figure(claim: Claim) -> str:
    q = claim.quantity
    if q is None:
        return ""
    return q.text or f"{q.qualifier} {q.value if q.value is not None else (q.lower, q.upper)}"


def _claim_tags(claim: Claim) -> str:
    parts = [e(_figure(claim))] if claim.quantity else []
    parts.append(f"{e(claim.source.name)} ({e(claim.source.kind)})")
    if claim.disputed:
        parts.append("disputed")
    alignment = claim.evidence.alignment
    if alignment == "fuzzy":
        parts.append('<span class="tag-fuzzy">fuzzy match</span>')
    elif alignment == "none":
        parts.append('<span class="tag-none">quote not found</span>')
    return f'<span class="tags">{" · ".join(p for p in parts if p)}</span>'


# --- run report --------------------------------------------------------------------------------


def highlight(text: str, spans: list[tuple[int, int, str, bool]]) -> str:
    """Escaped text with `<mark>`s: cut at every span boundary, each piece listing its claims.

    `spans` are (start, end, key, fuzzy). A piece covered by several claims lists them
    innermost (shortest) first, which is the one a click on it shows first.
    """
    bounds = sorted({0, len(text), *(s for s, *_ in spans), *(end for _, end, *_ in spans)})
    out = []
    for a, b in itertools.pairwise(bounds):
        piece = escape(text[a:b], quote=False)
        covering = sorted((end - s, key, fz) for s, end, key, fz in spans if s <= a and end >= b)
        if not covering:
            out.append(piece)
            continue
        depth = f" d{min(len(covering), 3)}" if len(covering) > 1 else ""
        fuzzy = " fz" if any(fz for *_, fz in covering) else ""
        keys = " ".join(key for _, key, _ in covering)
        out.append(f'<mark class="hl{depth}{fuzzy}" data-claims="{e(keys)}">{piece}</mark>')
    return "".join(out)


def _located(claim: Claim, text: str | None) -> bool:
    ev = claim.evidence
    return (
        text is not None
        and ev.alignment != "none"
        and ev.start is not None
        and ev.end is not None
        and 0 <= ev.start < ev.end <= len(text)
        and (ev.alignment != "exact" or text[ev.start : ev.end] == ev.quote)  # as it says
    )


def _article(index: int, record: ArticleResult, data: _Data) -> str:
    text = record.text
    spans, listed, missing = [], [], []
    for i, claim in enumerate(record.claims):
        key = f"{index}:{i}"
        data.append((key, _claim_data(claim, record.id)))
        item = (
            f'<li class="claim" data-claim="{key}" tabindex="0">{e(claim.statement)}'
            f"{_claim_tags(claim)}</li>"
        )
        if _located(claim, text):
            ev = claim.evidence
            spans.append((ev.start or 0, ev.end or 0, key, ev.alignment == "fuzzy"))
            listed.append(item)
        else:
            missing.append(item)
    fuzzy = sum(fz for *_, fz in spans)  # counted as drawn, so the header and lists agree
    placed = (
        f"{len(spans) - fuzzy} exact, {fuzzy} fuzzy, {len(missing)} not found"
        if text is not None
        else "no text to place them in"
    )
    meta = f"{e(record.source or '')} · {e(record.status)} · {len(record.claims)} claims · {placed}"
    if record.error:
        meta += f' · <span class="error">{e(record.error.type)}: {e(record.error.message)}</span>'
    if text is None:
        body = (
            '<p class="meta">No article text: the record holds none and its input '
            f"({e(record.source or 'not recorded')}) could not be read as it was when the "
            "claims were made. Run the report where the inputs are, or run with --include-text."
            "</p>"
        )
    else:
        body = f'<div class="text">{highlight(text, spans)}</div>'
    not_found = ""
    if missing:
        heading = "Not found in the text" if text is not None else "Claims"
        not_found = f'<h3>{heading}</h3><ol class="claims">{"".join(missing)}</ol>'
    return (
        f'<section class="article" id="a{index}"><h2>{e(record.id)}</h2>'
        f'<p class="meta">{meta}</p><div class="cols">{body}'
        f'<div class="listing"><ol class="claims">{"".join(listed)}</ol>{not_found}</div>'
        "</div></section>"
    )


def _provenance(records: list[ArticleResult], source: str | None, modified: str | None) -> str:
    runs: dict[tuple[str, ...], int] = {}
    tokens = {"prompt_tokens": 0, "completion_tokens": 0, "requests": 0, "cached": 0}
    for record in records:
        p = record.provenance
        if p is None:
            continue
        combo = (p.prompt, p.prompt_version, p.prompt_sha256, p.model, endpoint_host(p.base_url))
        runs[combo] = runs.get(combo, 0) + 1
        tokens["prompt_tokens"] += p.usage.prompt_tokens
        tokens["completion_tokens"] += p.usage.completion_tokens
        tokens["requests"] += p.attempts
        tokens["cached"] += p.cached
    rows = "".join(
        f"<tr><td>{e(prompt)}</td><td>{e(version)}</td><td><code>{e(sha[:16])}</code></td>"
        f'<td>{e(model)}</td><td>{e(host)}</td><td class="num">{n}</td></tr>'
        for (prompt, version, sha, model, host), n in sorted(runs.items())
    )
    table = (
        "<table><tr><th>prompt</th><th>version</th><th>prompt sha256</th><th>model</th>"
        f'<th>endpoint</th><th class="num">articles</th></tr>{rows}</table>'
        if runs
        else '<p class="meta">No provenance in these records (gold or hand-made files).</p>'
    )
    ok = sum(r.status == "ok" for r in records)
    facts = _facts(
        [
            ("input", source),
            ("input modified", modified),
            ("articles", f"{len(records)} ({ok} ok, {len(records) - ok} failed)"),
            ("claims", sum(len(r.claims) for r in records)),
            ("tokens", f"{tokens['prompt_tokens']:,} prompt + {tokens['completion_tokens']:,} "
             f"completion" if runs else None),
            ("requests", f"{tokens['requests']:,} ({tokens['cached']} articles from cache)"
             if runs else None),
        ]
    )  # fmt: skip
    return f'<section id="provenance"><h2>Run</h2>{facts}{table}</section>'


def _ledger(ledger: Ledger, article_index: Mapping[str, int]) -> str:
    shown = ledger.view()
    hidden = len(ledger.groups) - len(shown.groups)
    parts = []
    for group in shown.groups:
        clash = group.clashing
        rows = []
        keys = []
        for i, v in enumerate(group.values):
            index = article_index.get(v.article_id)
            key = f"{index}:{v.claim_index}" if index is not None else None
            keys.append(key)
            attrs = f' class="claim" data-claim="{key}"' if key else ""
            article = (
                f'<a href="#a{index}">{e(v.article_id)}</a>'
                if index is not None
                else e(v.article_id)
            )
            part = f" · part: {e(v.part)}" if v.part else ""
            rows.append(
                f"<tr{CLASH if i in clash else ''}><td>{e(v.figure)}{part}</td>"
                f"<td>{e(v.interval)}</td><td>{e(v.source_name)} ({e(v.source_kind)}, "
                f"{e(v.stance)})</td><td>{article}</td><td{attrs}>{e(v.statement)}</td></tr>"
            )
        when = f" · {e(group.anchor)}" if group.anchor else ""
        parts.append(
            f'<div class="group {group.status}"><h3>{e(group.label)}{when} '
            f'<span class="badge {group.status}">{group.status}</span></h3>'
            f'<p class="meta">{e(group.summary)} · {len(group.articles)} articles</p>'
            f"{number_line(group, keys)}"
            "<table><tr><th>figure</th><th>interval</th><th>source (kind)</th><th>article</th>"
            f"<th>statement</th></tr>{''.join(rows)}</table></div>"
        )
    if not parts:
        parts.append('<p class="meta">No count is reported by more than one claim.</p>')
    note = f" {hidden} groups with a single value are not shown (extractor ledger --all)."
    return (
        '<section id="ledger"><h2>Ledger: the same count across articles</h2>'
        '<p class="meta">Values whose intervals do not overlap cannot all be true: a '
        "discrepancy between sources when the verified figure is the lower one, else a conflict; "
        "compatible bounds with figures more than 20% apart are divergent."
        f"{note if hidden else ''}</p>{legend()}{''.join(parts)}</section>"
    )


def render_run_report(
    records: Iterable[ArticleResult],
    *,
    ledger: Ledger | None = None,
    title: str = "Claims report",
    source: str | None = None,
    modified: str | None = None,
) -> str:
    """The whole run in one page: provenance, the ledger, every article with its claims."""
    records = list(records)
    ledger = ledger if ledger is not None else build_ledger(records)
    data: _Data = []
    articles = [_article(i, r, data) for i, r in enumerate(records)]
    toc = "".join(f'<a href="#a{i}">{e(r.id)}</a>' for i, r in enumerate(records))
    legend = (
        '<p class="legend meta"><mark class="hl">exact quote</mark> '
        '<mark class="hl d2">overlapping quotes</mark> <mark class="hl fz">fuzzy match</mark> '
        "— hover or click a highlight or a claim to see all its fields.</p>"
    )
    body = (
        _provenance(records, source, modified)
        + _ledger(ledger, {r.id: i for i, r in enumerate(records)})
        + f'<h2>Articles</h2><nav class="toc">{toc}</nav>{legend}'
        + "".join(articles)
    )
    subtitle = f"generated {e(datetime.now(UTC).isoformat(timespec='seconds'))}"
    return _page(title, subtitle, body, data)


# --- eval report -------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _delta(name: str, value: float | None) -> str:
    better = gain(name, value)
    if value is None or better is None:
        return '<td class="num">—</td>'
    cls = "up" if better > 0 else "down" if better < 0 else ""
    return f'<td class="num {cls}">{value:+.3f}</td>'


def _run_facts(run: RunInfo, created: str) -> str:
    usage = ", ".join(f"{k} {v:,}" for k, v in run.usage.items())
    return _facts(
        [
            ("prompt", f"{run.prompt or '?'} v{run.prompt_version or '?'}"),
            ("prompt sha256", run.prompt_sha256),
            ("model", run.model),
            ("endpoint", endpoint_host(run.base_url) if run.base_url else None),
            ("predictions", run.predictions),
            ("gold", run.gold),
            ("usage", usage),
            ("created", created),
        ]
    )


def _metrics(report: EvalReport, comparison: Comparison | None) -> str:
    rows = "".join(
        f'<tr><td>{e(label)}</td><td class="num">{_pct(prf.precision)}</td>'
        f'<td class="num">{_pct(prf.recall)}</td><td class="num">{_pct(prf.f1)}</td></tr>'
        for label, prf in score_rows(report)
    )
    scores = (
        '<table id="scores"><tr><th>metric</th><th class="num">precision</th>'
        f'<th class="num">recall</th><th class="num">F1</th></tr>{rows}</table>'
    )
    qualities = "".join(
        f'<tr><td>{e(name)}</td><td class="num">{_pct(value)}'
        f"{f' ({count})' if count is not None else ''}</td><td>{e(meaning)}</td></tr>"
        for name, value, count, meaning in quality_rows(report)
    )
    g = report.grounding
    grounding = " · ".join(f"{k} {v:.1%}" for k, v in g.items())
    thresholds = "".join(
        f'<li class="{"pass" if t.passed else "fail"}">'
        f"{'pass' if t.passed else 'FAIL'}: {e(t.message)}</li>"
        for t in report.thresholds
    )
    bars = score_bars(
        [(a.id, a.claims.precision, a.claims.recall, a.claims.f1) for a in report.articles]
    )
    out = (
        f'<h2>Scores</h2>{scores}<h3>Per article</h3><p class="meta">bars: precision '
        f"(blue), recall (green), F1 (black, value at the right)</p>{bars}<h3>Qualities</h3>"
        '<table id="qualities"><tr><th>metric</th><th class="num">value</th><th>what it measures'
        f"</th></tr>{qualities}</table><p>grounding of predicted quotes (re-grounded): "
        f"{e(grounding)}</p>" + (f"<ul>{thresholds}</ul>" if thresholds else "")
    )
    if comparison is not None:
        deltas = "".join(
            f'<tr><td>{e(name)}</td><td class="num">{_pct(old)}</td>'
            f'<td class="num">{_pct(new)}</td>{_delta(name, delta)}</tr>'
            for name, (old, new, delta) in comparison.deltas.items()
        )
        chart = delta_chart(
            [(name, d, gain(name, d)) for name, (_, _, d) in comparison.deltas.items()]
        )
        out += (
            f"<h2>Compared with the old report</h2>{chart}"
            '<table id="deltas"><tr><th>metric</th>'
            '<th class="num">old</th><th class="num">new</th><th class="num">delta</th></tr>'
            f"{deltas}</table>"
        )
    return out


def _claim_cell(claim: Claim | None, key: str | None, fallback: str = "") -> str:
    if claim is None:
        return (
            f'<td class="missing">{e(fallback)}</td>' if fallback else '<td class="missing">—</td>'
        )
    return f'<td class="claim" data-claim="{key}">{e(claim.statement)}{_claim_tags(claim)}</td>'


def _claims_list(claims: list[Claim], prefix: str, article: str, role: str, data: _Data) -> str:
    items = []
    for k, claim in enumerate(claims):
        key = f"{prefix}:{k}"
        data.append((key, _claim_data(claim, article, role)))
        items.append(
            f'<li class="claim" data-claim="{key}" tabindex="0">{e(claim.statement)}'
            f"{_claim_tags(claim)}</li>"
        )
    return f'<ol class="claims {role}">{"".join(items)}</ol>'


def _eval_article(
    n: int,
    art: ArticleScore,
    pred: ArticleResult | None,
    gold: ArticleResult | None,
    delta: ArticleDelta | None,
    data: _Data,
) -> str:
    rows = []
    for k, m in enumerate(art.matches):
        g = gold.claims[m["gold"]] if gold and m["gold"] < len(gold.claims) else None
        p = pred.claims[m["pred"]] if pred and m["pred"] < len(pred.claims) else None
        gk, pk = f"g{n}:{k}", f"p{n}:{k}"
        if g:
            data.append((gk, _claim_data(g, art.id, "gold")))
        if p:
            data.append((pk, _claim_data(p, art.id, "prediction")))
        differs = [f for f in FIELDS if p and g and field_agreement(f, p, g) is False]
        rows.append(
            "<tr>"
            + _claim_cell(g, gk, m["gold_statement"])
            + _claim_cell(p, pk, m["pred_statement"])
            + f'<td class="num">{m["score"]:.2f}</td><td>{e(", ".join(differs)) or "—"}</td></tr>'
        )
    matched = (
        '<table class="matches"><tr><th>gold</th><th>prediction</th><th class="num">score</th>'
        f"<th>fields that differ</th></tr>{''.join(rows)}</table>"
        if rows
        else '<p class="meta">No matches.</p>'
    )
    f1 = f"P {_pct(art.claims.precision)} · R {_pct(art.claims.recall)} · F1 {_pct(art.claims.f1)}"
    if delta is not None:
        f1 += f" (was {_pct(delta.f1_old)})"
    changes = ""
    if delta is not None and (delta.gained or delta.lost):
        items = [f'<li class="up">+ gained: {e(s)}</li>' for s in delta.gained]
        items += [f'<li class="down">− lost: {e(s)}</li>' for s in delta.lost]
        changes = (
            "<h3>Gained and lost since the old report</h3>"
            f'<ul class="changes">{"".join(items)}</ul>'
        )
    return (
        f'<section class="article" id="a{n}"><h2>{e(art.id)}</h2><p class="meta">{e(art.status)} · '
        f"{art.n_gold} gold · {art.n_pred} predicted · {art.matched} matched · {f1}</p>"
        f"<h3>Missed: in gold, not predicted ({len(art.misses)})</h3>"
        + _claims_list(art.misses, f"m{n}", art.id, "missed", data)
        + f"<h3>Extra: predicted, not in gold ({len(art.extras)})</h3>"
        + _claims_list(art.extras, f"x{n}", art.id, "extra", data)
        + changes
        + f"<h3>Matched ({len(art.matches)})</h3>{matched}</section>"
    )


def render_eval_report(
    report: EvalReport,
    predictions: Mapping[str, ArticleResult] | None,
    gold: Mapping[str, ArticleResult],
    comparison: Comparison | None = None,
) -> str:
    """Scores, then per article the matched pairs next to the gold, the misses and the extras.

    `predictions` may be None (predictions made and not saved): matched pairs then show the
    predicted statement only.
    """
    deltas = {d.id: d for d in comparison.articles} if comparison else {}
    data: _Data = []
    articles = [
        _eval_article(
            n, art, (predictions or {}).get(art.id), gold.get(art.id), deltas.get(art.id), data
        )
        for n, art in enumerate(report.articles)
    ]
    toc = "".join(f'<a href="#a{n}">{e(a.id)}</a>' for n, a in enumerate(report.articles))
    body = (
        f'<section id="run"><h2>Run</h2>{_run_facts(report.run, report.created)}</section>'
        + _metrics(report, comparison)
        + f'<h2>Articles</h2><nav class="toc">{toc}</nav>'
        + "".join(articles)
    )
    run = report.run
    said = [
        f"model {run.model}" if run.model else None,
        f"prompt {run.prompt}" if run.prompt else None,
    ]
    said.append(f"predictions {run.predictions}" if run.predictions else None)
    subtitle = e(" · ".join(s for s in said if s))
    return _page("Eval report", subtitle, body, data)
