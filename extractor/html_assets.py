"""The stylesheet and script inlined into every HTML report.

Kept apart from the rendering code so the two constants are easy to read and so their sha256
hashes (which the reports' Content-Security-Policy allows, and nothing else) are computed from
exactly what is inlined. The script never parses HTML: it reads the claim data with
`textContent` + `JSON.parse` and builds the detail panel with `textContent` only, so claim text
from a model or an article can never become markup.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa; --accent: #0969da;
  --hl: 255, 200, 0; --fz: 217, 72, 15; --bad: #cf222e; --warn: #9a6700; --good: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: #fff; }
header.top { padding: 20px 32px 12px; border-bottom: 1px solid var(--line); background: var(--bg); }
header.top h1 { margin: 0 0 4px; font-size: 22px; }
.sub, .meta { color: var(--muted); }
main { padding: 0 32px 120px; max-width: 1500px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px;
  font-weight: 600; border: 1px solid currentColor; }
.badge.conflict, .fail { color: var(--bad); } .badge.divergent { color: var(--warn); }
.badge.compatible, .pass { color: var(--good); }
.badge.discrepancy { color: #8250df; }
.group.discrepancy { border-left: 4px solid #8250df; }
.group.conflict { border-left: 4px solid var(--bad); }
.group.divergent { border-left: 4px solid #d4a72c; }
.group.compatible { border-left: 4px solid #4ac26b; }
.up { color: var(--good); } .down { color: var(--bad); }
nav.toc { margin: 12px 0; display: flex; flex-wrap: wrap; gap: 6px 14px; }
nav.toc a, a { color: var(--accent); text-decoration: none; }
.group { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; margin: 10px 0; }
.group h3 { margin: 4px 0; }
.group tr.clash td:first-child::before { content: "✗ "; color: var(--bad); font-weight: 700; }
.cols { display: grid; grid-template-columns: minmax(0, 3fr) minmax(300px, 2fr); gap: 24px; }
.listing { position: sticky; top: 8px; align-self: start; max-height: calc(100vh - 16px);
  overflow: auto; }
.text { white-space: pre-wrap; font: 15px/1.65 Georgia, "Times New Roman", serif;
  padding: 12px 16px; background: #fffdf7; border: 1px solid var(--line); border-radius: 6px; }
mark { background: rgba(var(--hl), .28); color: inherit; border-radius: 2px; cursor: pointer; }
mark.d2 { background: rgba(var(--hl), .5); }
mark.d3 { background: rgba(var(--hl), .75); }
mark.fz { background: rgba(var(--fz), .16); border-bottom: 2px dashed rgb(var(--fz)); }
mark.linked { background: rgba(9, 105, 218, .22); }
mark.active { background: rgba(9, 105, 218, .38); outline: 1px solid var(--accent); }
ol.claims { margin: 0; padding-left: 22px; font-size: 13px; }
ol.claims li { padding: 4px 6px; border-radius: 4px; cursor: pointer; margin-bottom: 2px; }
ol.claims li:hover, ol.claims li.linked { background: #ddf4ff; }
ol.claims li.active { background: #b6e3ff; }
li .tags, .claim .tags { display: block; color: var(--muted); font-size: 12px; }
.tag-fuzzy { color: rgb(var(--fz)); font-weight: 600; }
.tag-none { color: var(--bad); font-weight: 600; }
.legend mark { cursor: default; padding: 0 4px; }
.claim { cursor: pointer; }
.claim:hover, .claim.linked { background: #ddf4ff; }
td.missing { color: var(--muted); font-style: italic; }
.error { color: var(--bad); }
aside#detail { position: fixed; right: 16px; bottom: 16px; width: min(440px, 92vw);
  max-height: 72vh; overflow: auto; background: #fff; border: 1px solid var(--line);
  border-radius: 8px;
  box-shadow: 0 8px 28px rgba(0, 0, 0, .18); padding: 10px 14px; z-index: 10; }
aside#detail[hidden] { display: none; }
aside#detail button { float: right; border: 0; background: none; font-size: 20px; cursor: pointer; }
aside#detail section.card + section.card { border-top: 1px solid var(--line); margin-top: 8px; }
aside#detail h3 { margin: 6px 0; font-size: 14px; }
@media (min-width: 1200px) {  /* wide screens: the panel has its own column, never covers text */
  main { margin-right: 470px; }
  aside#detail { top: 96px; bottom: 16px; max-height: none; width: 440px; }
  aside#detail[hidden] { display: block; }
}
svg { display: block; max-width: 100%; height: auto; margin: 6px 0 10px;
  font: 11px system-ui, sans-serif; }
svg .axis, svg .tick { stroke: #8c959f; stroke-width: 1; }
svg .ticklabel, svg .barvalue { fill: var(--muted); }
svg .figlabel, svg .barlabel { fill: var(--ink); }
svg .fig { cursor: pointer; }
svg .fig .span { stroke-width: 3; stroke: currentColor; }
svg .fig .head, svg .fig .dot.solid { fill: currentColor; }
svg .fig .dot.open { fill: #fff; stroke: currentColor; stroke-width: 2; }
svg .fig .band { fill: currentColor; fill-opacity: .35; stroke: currentColor; }
svg .fig .stated { stroke: currentColor; stroke-width: 2; }
svg .fig.clash .dot, svg .fig.clash .band { stroke: var(--bad); stroke-width: 1.5; }
svg .fig.clash .figlabel { fill: var(--bad); font-weight: 700; }
svg .fig.part .figlabel { font-style: italic; }
svg .fig:hover .figlabel, svg .fig.linked .figlabel, svg .fig.active .figlabel { font-weight: 700; }
.k-government { color: #8250df; } .k-ngo { color: #1a7f37; } .k-media { color: #0969da; }
.k-person { color: #bf8700; } .k-unattributed { color: #6e7781; } .k-other { color: #bf3989; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 5px;
  background: currentColor; margin: 0 3px 0 8px; vertical-align: -1px; }
svg .bar.p { fill: #54aeff; } svg .bar.r { fill: #4ac26b; } svg .bar.f1 { fill: #1f2328; }
svg .delta.up { fill: var(--good); } svg .delta.down { fill: var(--bad); }
svg .delta.flat { fill: #8c959f; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } main { padding: 0 12px 120px; }
  .listing { position: static; max-height: none; }
  aside#detail { left: 8px; right: 8px; bottom: 8px; width: auto; max-height: 38vh; } }
"""

JS = """
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const claims = new Map(data.claims);
  const panel = document.getElementById("detail");
  const body = document.getElementById("detail-body");
  const hint = body.firstElementChild;
  let pinned = null;

  const keysOf = (el) => el.hasAttribute("data-claims")
    ? el.getAttribute("data-claims").split(" ").filter(Boolean)
    : [el.getAttribute("data-claim")];
  const targets = (key) => document.querySelectorAll(
    '[data-claim="' + CSS.escape(key) + '"], mark[data-claims~="' + CSS.escape(key) + '"]');

  function row(dl, label, value) {
    if (value === null || value === undefined || value === "") return;
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = String(value);
    dl.append(dt, dd);
  }

  function card(key) {
    const c = claims.get(key);
    const section = document.createElement("section");
    section.className = "card";
    const title = document.createElement("h3");
    title.textContent = c.statement;
    const dl = document.createElement("dl");
    dl.className = "facts";
    row(dl, "role", c.role);
    row(dl, "article", c.article);
    row(dl, "subject", c.subject);
    const q = c.quantity;
    if (q) {
      row(dl, "quantity", q.text);
      row(dl, "value", q.value);
      row(dl, "lower", q.lower);
      row(dl, "upper", q.upper);
      row(dl, "qualifier", q.qualifier);
      row(dl, "unit", q.unit);
    }
    row(dl, "time", c.time_text);
    row(dl, "date", c.date);
    row(dl, "location", c.location);
    row(dl, "source", c.source.name + " (" + c.source.kind + ")");
    row(dl, "disputed", c.disputed ? "yes" : "no");
    row(dl, "evidence", c.evidence.quote);
    const e = c.evidence;
    row(dl, "offsets", e.start === null || e.end === null ? "not found in the text"
      : e.start + "–" + e.end);
    row(dl, "alignment", e.alignment);
    section.append(title, dl);
    return section;
  }

  function show(keys) {
    const known = keys.filter((k) => claims.has(k));
    if (!known.length) return;
    body.replaceChildren(...known.map(card));
    panel.hidden = false;
  }

  function mark(keys, cls, on) {
    for (const key of keys) for (const el of targets(key)) el.classList.toggle(cls, on);
  }

  function unpin() {
    if (pinned) mark(pinned, "active", false);
    pinned = null;
  }

  function close() {
    unpin();
    body.replaceChildren(hint);
    panel.hidden = true;
  }

  function select(el) {
    const keys = keysOf(el);
    unpin();
    pinned = keys;
    mark(keys, "active", true);
    show(keys);
    // a highlight's claim is the one listed beside it, in its own article (not the ledger):
    // that list scrolls, the text stays in view where the reader clicked; a claim of the list
    // brings its highlight into view; a figure of the ledger moves nothing
    const scope = el.closest("section.article");
    if (!scope) return;
    if (el.tagName === "MARK") {
      const item = scope.querySelector('li[data-claim="' + CSS.escape(keys[0]) + '"]');
      if (item) reveal(item);
    } else {
      const hl = scope.querySelector('mark[data-claims~="' + CSS.escape(keys[0]) + '"]');
      if (hl) hl.scrollIntoView({ block: "nearest" });
    }
  }

  function reveal(item) {  // scroll the list so the item is in the part of it on screen
    const box = item.closest(".listing");
    // in a narrow window the list sits below the text: the text stays, the panel shows the claim
    if (!box || getComputedStyle(box).position !== "sticky") return;
    const b = box.getBoundingClientRect(), r = item.getBoundingClientRect();
    const top = Math.max(b.top, 0), bottom = Math.min(b.bottom, innerHeight);
    if (r.top < top || r.bottom > bottom) box.scrollTop += r.top - top - (bottom - top) / 3;
    item.scrollIntoView({ block: "nearest" });  // the page moves only if the list could not
  }

  const hit = (event) => event.target.closest("[data-claim], mark[data-claims]");
  document.addEventListener("mouseover", (event) => {
    const el = hit(event);
    if (!el) return;
    mark(keysOf(el), "linked", true);
    if (!pinned) show(keysOf(el));
  });
  document.addEventListener("mouseout", (event) => {
    const el = hit(event);
    if (el) mark(keysOf(el), "linked", false);
  });
  document.addEventListener("click", (event) => {
    const el = hit(event);
    if (el) select(el);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      close();
    } else if ((event.key === "Enter" || event.key === " ")
               && event.target.matches("[data-claim]")) {
      event.preventDefault();
      select(event.target);
    }
  });
  document.getElementById("detail-close").addEventListener("click", close);
})();
"""


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"script-src {csp_hash(JS)}; "
    f"style-src {csp_hash(CSS)}; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)
