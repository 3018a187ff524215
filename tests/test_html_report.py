"""HTML reports, opened in a real headless Chromium: highlights, details, safety, eval views.

The browser tests never skip: without Chromium they fail and say how to install it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, cli_env, run_process

from extractor.evaluation import load_records
from extractor.html_assets import CSS, JS, csp_hash
from extractor.html_report import (
    endpoint_host,
    highlight,
    json_for_script,
    render_eval_report,
    render_run_report,
)
from extractor.schemas import ArticleResult, Claim

pytestmark = pytest.mark.browser

GOLD = ROOT / "evals" / "gold"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PWN = "window.__pwned=1"


# --- browser fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is required for the HTML report tests and {CHROMIUM} is missing: "
            "run `apt-get install -y chromium` (these tests never skip)."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        pytest.fail("the playwright package is missing: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A fresh page that records dialogs and every request that is not the report file."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def open(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture
def tab(browser: Any) -> Iterator[Page]:
    tab = Page(browser)
    yield tab
    tab.context.close()


def report_of(records: Path, tmp_path: Path) -> Path:
    out = tmp_path / "report.html"
    result = run_process(
        "report", records, "-o", out, env=cli_env(None, tmp_path / "cache"), cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert f"report written to {out}" in result.stdout
    return out


@pytest.fixture(scope="module")
def gold_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report_of(GOLD, tmp_path_factory.mktemp("gold-report"))


def grounded(record: ArticleResult) -> dict[int, Claim]:
    return {i: c for i, c in enumerate(record.claims) if c.evidence.alignment != "none"}


# --- the run report in the browser -------------------------------------------------------------


def test_every_grounded_gold_claim_is_highlighted_at_its_offsets(
    gold_report: Path, tab: Page
) -> None:
    page = tab.open(gold_report)
    # text under each claim's highlight pieces, joined in document order, per claim key
    spans = page.evaluate(
        """() => {
            const out = {};
            for (const mark of document.querySelectorAll("mark[data-claims]"))
                for (const key of mark.dataset.claims.split(" "))
                    out[key] = (out[key] || "") + mark.textContent;
            return out;
        }"""
    )
    gold = list(load_records(GOLD).values())
    expected = {
        f"{a}:{i}": (record.text or "")[c.evidence.start or 0 : c.evidence.end or 0]
        for a, record in enumerate(gold)
        for i, c in grounded(record).items()
    }
    assert len(spans) == len(expected) == sum(len(grounded(r)) for r in gold)
    assert spans == expected
    for a, record in enumerate(gold):  # the text itself is intact around the highlights
        assert page.locator(f"#a{a} .text").text_content() == record.text
    assert tab.dialogs == [] and tab.errors == []
    assert all(url.startswith("file://") for url in tab.requests), tab.requests


def test_clicking_a_claim_shows_all_its_fields(gold_report: Path, tab: Page) -> None:
    page = tab.open(gold_report)
    gold = list(load_records(GOLD).values())
    a = next(n for n, r in enumerate(gold) if r.id == "001_b5bc0438193ecef8")
    i, claim = next((i, c) for i, c in enumerate(gold[a].claims) if c.source.name == "Foro Penal")
    assert claim.statement not in page.locator("#detail").inner_text()
    page.locator(f'li[data-claim="{a}:{i}"]').click()
    detail = page.locator("#detail")
    assert detail.is_visible()
    shown = detail.inner_text()
    assert claim.quantity is not None
    for expected in (
        claim.statement,
        claim.subject,
        claim.quantity.text,
        claim.quantity.unit,
        claim.quantity.qualifier,
        "Foro Penal (ngo)",
        f"{claim.evidence.start}–{claim.evidence.end}",
        "exact",
        gold[a].id,
    ):
        assert expected and expected in shown, expected
    active = page.locator("mark.active")
    assert active.count() >= 1
    assert "".join(active.all_text_contents()) == claim.evidence.quote

    # clicking a highlight shows the claims under it, and Escape closes the panel
    other = next(k for k in grounded(gold[a]) if k != i)
    page.locator(f'mark[data-claims~="{a}:{other}"]').first.click()
    assert gold[a].claims[other].statement in detail.inner_text()
    page.keyboard.press("Escape")
    assert "Hover or click" in detail.inner_text() and page.locator("mark.active").count() == 0


def test_hovering_a_claim_previews_it(gold_report: Path, tab: Page) -> None:
    page = tab.open(gold_report)
    first = page.locator("li[data-claim]").first
    first.hover()
    assert page.locator("#detail").is_visible()
    assert (first.text_content() or "").startswith(page.locator("#detail h3").inner_text())


def hostile_records(tmp_path: Path) -> tuple[Path, str, str]:
    text = (
        'Breaking <script>window.__pwned=1</script> then <img src=x onerror="window.__pwned=1">'
        ' and <b>bold</b> & "quotes" {{ x }} </textarea><!-- 99 prisoners were released.'
    )
    statement = f"</script><script>{PWN}</script> 99 prisoners were released."
    script = "<script>window.__pwned=1</script>"
    start = text.index(script)
    img = text.index("<img")
    claims = [
        {
            "statement": statement,
            "subject": '<img src=x onerror="window.__pwned=1">',
            "quantity": {"value": 99, "qualifier": "exact", "unit": "<svg onload=alert(1)>",
                         "text": "99</script>"},
            "source": {"name": '"><img src=x onerror=alert(1)>', "kind": "other"},
            "evidence": {"quote": script, "start": start, "end": start + len(script),
                         "alignment": "exact"},
        },
        {
            "statement": "An image tag appears in the text.",
            "subject": "x",
            "source": {"name": "x", "kind": "media"},
            "evidence": {"quote": "<img src=x", "start": img, "end": img + 10,
                         "alignment": "fuzzy"},
        },
        {
            "statement": "A claim whose quote is nowhere in the text.",
            "subject": "x",
            "source": {"name": "x", "kind": "media"},
            "evidence": {"quote": "never written", "alignment": "none"},
        },
    ]  # fmt: skip
    record = {"id": "<b>id</b><script>alert(1)</script>", "status": "ok", "claims": claims,
              "text": text}  # fmt: skip
    second = {"id": '"><svg onload=alert(1)>', "status": "ok", "text": None, "claims": [
        dict(claims[0], statement=f"<script>{PWN}</script> 99 prisoners were released.",
             quantity={"value": 99, "qualifier": "exact", "unit": "<img src=x onerror=alert(1)>",
                       "text": "99<script>alert(1)</script>"},
             evidence={"quote": "x", "alignment": "none"})]}  # fmt: skip
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    return path, text, statement


def test_hostile_article_and_claims_run_nothing_and_show_literally(
    tmp_path: Path, tab: Page
) -> None:
    records, text, statement = hostile_records(tmp_path)
    page = tab.open(report_of(records, tmp_path))
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.scripts.length") == 2  # the data block and our script
    assert page.locator("#a0 .text").text_content() == text
    assert page.locator("#a0 h2").text_content() == "<b>id</b><script>alert(1)</script>"
    assert page.locator("#a0 mark.fz").count() == 1  # fuzzy alignment drawn apart
    assert "Not found in the text" in page.locator("#a0").inner_text()

    page.locator('li[data-claim="0:0"]').click()
    shown = page.locator("#detail").inner_text()
    assert statement in shown and '"><img src=x onerror=alert(1)> (other)' in shown
    assert "<svg onload=alert(1)>" in shown
    assert "".join(page.locator("mark.active").all_text_contents()) == (
        "<script>window.__pwned=1</script>"
    )
    # the policy itself blocks scripts that escaping would have let through
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__pwned = 1"; document.body.append(s); }"""
    )
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # the number line draws the hostile figures as text, in its labels and hover titles
    line = page.locator("#ledger svg.numberline")
    assert line.count() == 1
    labels = line.locator(".figlabel").all_text_contents()
    assert "99</script>" in labels and any(x.startswith("99<script>alert(1)") for x in labels)
    assert (
        page.locator("#ledger svg script, #ledger svg img, #ledger svg foreignObject").count() == 0
    )
    tips = " ".join(line.locator("g.fig > title").all_text_contents())
    assert '"><svg onload=alert(1)>' in tips and f"<script>{PWN}</script>" in tips
    assert "99<script>alert(1)</script>" in tips
    assert tab.dialogs == [] and tab.errors == []


def test_a_screenshot_of_the_report_renders(gold_report: Path, tab: Page, tmp_path: Path) -> None:
    """The README's pictures come from this page; the test writes only to its tmp folder."""
    page = tab.open(gold_report)
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.locator('li[data-claim="1:6"]').click()  # Foro Penal: only 61 of the 99
    page.locator("mark.active").first.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.mouse.move(0, 0)
    target = tmp_path / "report.png"
    page.screenshot(path=str(target))
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    line = tmp_path / "numberline.png"
    page.locator("#ledger .group").first.screenshot(path=str(line))
    assert line.read_bytes().startswith(b"\x89PNG")


# --- the ledger's number lines -----------------------------------------------------------------


def test_each_ledger_group_is_a_number_line_where_61_sits_far_below_99(
    gold_report: Path, tab: Page
) -> None:
    page = tab.open(gold_report)
    groups = page.locator("#ledger .group")
    assert groups.count() >= 3
    for n in range(groups.count()):  # one mark per value, each a claim
        group = groups.nth(n)
        assert group.locator("svg.numberline g.fig").count() == group.locator("tr").count() - 1
    figures = page.evaluate(
        """() => [...document.querySelectorAll("#ledger .group")].map(g => ({
            title: g.querySelector("h3").textContent,
            figs: [...g.querySelectorAll("svg g.fig")].map(f => ({
                label: f.querySelector(".figlabel").textContent,
                tip: f.querySelector("title").textContent,
                clash: f.classList.contains("clash"),
                kind: [...f.classList].find(c => c.startsWith("k-")),
                x: (f.querySelector("circle") || f.querySelector("rect")).getBBox().x,
                arrow: !!f.querySelector("polygon"), band: !!f.querySelector("rect")}))}))"""
    )
    released = next(g for g in figures if "25 Dec" in g["title"])
    x99 = [f["x"] for f in released["figs"] if f["label"].startswith("99")]
    x61 = [f["x"] for f in released["figs"] if "61" in f["label"]]
    assert x99 and x61 and max(x61) < min(x99) - 100  # far apart on the axis, 61 to the left
    assert all(f["clash"] for f in released["figs"] if f["label"].startswith("99"))
    assert {"k-government", "k-ngo"} <= {f["kind"] for f in released["figs"]}
    at_least = [
        f for g in figures for f in g["figs"] if f["label"].casefold().startswith("at least")
    ]
    about = [f for g in figures for f in g["figs"] if f["label"].casefold().startswith("about")]
    assert at_least and all(f["arrow"] for f in at_least)  # "at least 60": an arrow from 60
    assert about and all(f["band"] for f in about)  # "about 2,400": a band
    tip = next(f["tip"] for f in released["figs"] if f["label"].startswith("99"))
    assert "001_b5bc0438193ecef8" in tip and "25 Dec" in tip  # article and date on hover
    assert all("no date" not in f["tip"] for f in released["figs"])  # the group's day at least
    lefts = page.evaluate(
        """() => [...document.querySelectorAll("svg.numberline .figlabel")]
            .map(t => t.getBBox().x)"""
    )
    assert lefts and min(lefts) >= 0  # every label as written fits left of the axis

    page.locator("#ledger svg g.fig").first.click()  # a figure is a claim like any other
    assert page.locator("#detail h3").count() == 1
    assert tab.errors == [] and tab.dialogs == []


@pytest.mark.parametrize("width", [1400, 800])
def test_clicking_a_highlight_selects_the_claim_beside_it_not_the_ledger(
    gold_report: Path, tab: Page, width: int
) -> None:
    page = tab.open(gold_report)
    page.set_viewport_size({"width": width, "height": 900})
    in_view = (
        "el => { const r = el.getBoundingClientRect(); "
        "return r.top >= -1 && r.bottom <= innerHeight + 1; }"
    )
    keys = page.evaluate(
        """() => [...document.querySelectorAll("section.article mark[data-claims]")]
            .map(m => m.dataset.claims.split(" ")[0])"""
    )
    assert len(keys) > 50
    for key in keys[:: len(keys) // 12]:  # highlights from the top to the bottom of articles
        mark = page.locator(f'section.article mark[data-claims~="{key}"]').first
        mark.evaluate("el => el.scrollIntoView({block: 'center'})")
        mark.click()
        article = key.split(":")[0]
        item = page.locator(f'#a{article} li[data-claim="{key}"]')
        assert "active" in (item.get_attribute("class") or "")
        if width >= 900:
            assert item.evaluate(in_view), key  # the claim is shown beside the text ...
        else:  # ... or, where the list sits below the text, in the panel
            assert item.inner_text().split("\n")[0][:40] in page.inner_text("#detail"), key
        assert mark.evaluate(in_view), key  # ... and the highlight clicked stays on screen
    ledger = page.locator("#ledger").evaluate("el => el.getBoundingClientRect().bottom")
    assert ledger < 0  # the page stayed at the article, the ledger is above


def test_the_report_as_the_readme_makes_it_shows_highlighted_evidence(
    tmp_path: Path, tab: Page
) -> None:
    out = tmp_path / "out" / "claims.jsonl"
    env = cli_env(None, tmp_path / "cache")
    made = run_process("run", "seeds/", "-o", out, "--model", "rules", "-q", env=env, cwd=ROOT)
    assert made.returncode == 0, made.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(r.get("text") is None for r in records)  # run keeps no text by default
    result = run_process("report", out, "-o", tmp_path / "report.html", env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    page = tab.open(tmp_path / "report.html")
    assert "No article text" not in page.inner_text("main")
    for n, record in enumerate(records):
        meta = page.locator(f"#a{n} p.meta").first.inner_text()
        counts = re.search(r"(\d+) claims · (\d+) exact, (\d+) fuzzy, (\d+) not found", meta)
        assert counts, meta
        total, *parts = map(int, counts.groups())
        assert total == len(record["claims"]) == sum(parts)
        located = sum(c["evidence"]["alignment"] != "none" for c in record["claims"])
        keys = page.evaluate(
            f"""() => new Set([...document.querySelectorAll("#a{n} mark[data-claims]")]
                .flatMap(m => m.dataset.claims.split(" "))).size"""
        )
        assert keys == located


def test_the_report_finds_the_inputs_from_any_folder_and_says_when_it_cannot(
    tmp_path: Path,
) -> None:
    import shutil

    project = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", project / "seeds")
    env = cli_env(None, tmp_path / "cache")
    made = run_process("run", "seeds/", "-o", "out/claims.jsonl", "--model", "rules", "-q",
                       env=env, cwd=project)  # fmt: skip
    assert made.returncode == 0, made.stderr
    articles = len((project / "out" / "claims.jsonl").read_text().splitlines())
    for cwd, records in [(project / "out", "claims.jsonl"),
                         (tmp_path, project / "out" / "claims.jsonl")]:  # fmt: skip
        result = run_process("report", records, "-o", tmp_path / "r.html", env=env, cwd=cwd)
        assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
        page = (tmp_path / "r.html").read_text()
        assert page.count('<section class="article"') == articles
        assert len(re.findall(r'<section class="article".*?<mark ', page, re.S)) == articles
    shutil.move(project / "seeds", tmp_path / "elsewhere")
    result = run_process("report", "out/claims.jsonl", "-o", tmp_path / "r.html", env=env,
                         cwd=project)  # fmt: skip
    assert result.returncode == 0
    assert result.stderr.startswith(
        f"warning: {articles} of {articles} articles with claims have no text"
    )
    assert "--include-text" in result.stderr


def test_the_report_skips_a_same_named_file_that_does_not_reproduce_the_evidence(
    tmp_path: Path,
) -> None:
    from extractor.report_texts import with_texts

    text = "Foro Penal confirmed 61 releases on Thursday."
    quote = {"quote": text[:44], "start": 0, "end": 44, "alignment": "exact"}
    claim = {"statement": "Foro Penal confirmed 61 releases.", "subject": "s", "evidence": quote,
             "source": {"name": "Foro Penal", "kind": "ngo"}}  # fmt: skip
    project, other = tmp_path / "home" / "project", tmp_path / "elsewhere"
    for folder, body in [(project, text), (other, "An unrelated article of the same name.")]:
        (folder / "seeds").mkdir(parents=True)
        (folder / "seeds" / "001.txt").write_text(body)
    record = ArticleResult.model_validate(
        {"id": "001", "status": "ok", "source": "seeds/001.txt", "claims": [claim]}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(other)  # "seeds/001.txt" from here is another file
        [found] = with_texts([record], base=project / "out")
    assert found.text == text


def test_a_record_cannot_pull_a_file_that_is_no_article_into_the_report(tmp_path: Path) -> None:
    from extractor.report_texts import with_texts

    secret = tmp_path / "home" / ".aws" / "credentials"
    secret.parent.mkdir(parents=True)
    secret.write_text("[default]\naws_secret_access_key=XYZ\n")
    notes = tmp_path / "home" / "notes.txt"
    notes.write_text("[default] is the first line of a file nobody ran.")
    fuzzy = {"quote": "[default]", "start": 0, "end": 9, "alignment": "fuzzy"}
    exact = {**fuzzy, "alignment": "exact"}
    guess = {"quote": "[", "start": 0, "end": 1, "alignment": "exact"}
    claim = {"statement": "s", "subject": "s", "source": {"name": "x", "kind": "ngo"}}
    base = tmp_path / "home" / "project" / "out"
    for source, claims in [
        (".aws/credentials", []),  # nothing to check a text against
        (".aws/credentials", [{**claim, "evidence": fuzzy}]),
        (".aws/credentials", [{**claim, "evidence": exact}]),  # no article's name
        (str(secret), [{**claim, "evidence": exact}]),  # not even named in full
        ("../../notes.txt", [{**claim, "evidence": exact}]),  # no climbing out by ".."
        (str(notes), [{**claim, "evidence": guess}]),  # a one-letter guess proves nothing
        (str(notes), [{**claim, "evidence": exact}] * 3),  # nor 27 characters of them
    ]:
        record = ArticleResult.model_validate(
            {"id": "x", "status": "ok", "source": source, "claims": claims}
        )
        assert with_texts([record], base=base)[0].text is None, source
    known = {"quote": notes.read_text()[:32], "start": 0, "end": 32, "alignment": "exact"}
    record = ArticleResult.model_validate(
        {"id": "x", "status": "ok", "source": str(notes), "claims": [{**claim, "evidence": known}]}
    )
    assert with_texts([record], base=base)[0].text == notes.read_text()  # 32 known: an article


# --- the eval report in the browser ------------------------------------------------------------


def test_eval_html_shows_misses_extras_and_deltas(tmp_path: Path, tab: Page) -> None:
    env = cli_env(None, tmp_path / "cache")
    old, new, html = tmp_path / "old.json", tmp_path / "new.json", tmp_path / "eval.html"
    first = run_process("eval", "--predictions", "evals/annotations/b", "--report", old, env=env,
                    cwd=ROOT)  # fmt: skip
    assert first.returncode == 0, first.stderr
    result = run_process(
        "eval", "--predictions", "evals/annotations/a", "--compare", old, "--report", new,
        "--html", html, "--no-details", env=env, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"HTML report written to {html}" in result.stdout
    report = json.loads(new.read_text())
    page = tab.open(html)

    misses = sum(len(a["misses"]) for a in report["articles"])
    extras = sum(len(a["extras"]) for a in report["articles"])
    assert misses and extras
    assert page.locator("ol.missed li").count() == misses
    assert page.locator("ol.extra li").count() == extras
    assert page.locator("table.matches tr").count() == sum(
        len(a["matches"]) + 1 for a in report["articles"] if a["matches"]
    )
    deltas = page.locator("#deltas").inner_text()
    assert "micro.f1" in deltas and re.search(r"[+-]\d\.\d{3}", deltas)
    assert page.locator("#deltas td.up, #deltas td.down").count() >= 1
    assert page.locator("ul.changes li").count() >= 1
    bars = page.locator("svg.scorebars")  # per-article P/R/F1 bars and the delta chart
    assert bars.locator("rect.bar").count() == 3 * len(report["articles"])
    widths = bars.locator("rect.bar.f1").evaluate_all("rs => rs.map(r => +r.getAttribute('width'))")
    assert widths == pytest.approx([420 * (a["claims"]["f1"] or 0) for a in report["articles"]],
                                   abs=0.1)  # fmt: skip
    chart = page.locator("svg.deltachart rect.delta")
    assert (
        chart.count() >= 1
        and page.locator("svg.deltachart rect.up, svg.deltachart rect.down").count() >= 1
    )
    f1 = f"{report['micro']['f1']:.3f}"
    assert f1 in page.locator("#scores").inner_text()

    page.locator("ol.extra li").first.click()
    assert "extra" in page.locator("#detail").inner_text()
    assert tab.dialogs == [] and tab.errors == []


# --- pieces, without a browser -----------------------------------------------------------------


def test_eval_report_without_saved_predictions_shows_predicted_statements() -> None:
    from extractor.evaluation import score

    gold = load_records(GOLD)
    report = score(load_records(ROOT / "evals/annotations/a"), gold)
    page = render_eval_report(report, None, gold)
    match = report.articles[0].matches[0]
    assert f'<td class="missing">{match["pred_statement"]}' in page.replace("&#x27;", "'")


def test_overlapping_spans_are_cut_into_pieces_listing_every_claim() -> None:
    html = highlight("abcdefghij", [(0, 5, "k1", False), (3, 8, "k2", True), (3, 4, "k3", False)])
    assert html == (
        '<mark class="hl" data-claims="k1">abc</mark>'
        '<mark class="hl d3 fz" data-claims="k3 k1 k2">d</mark>'
        '<mark class="hl d2 fz" data-claims="k1 k2">e</mark>'
        '<mark class="hl fz" data-claims="k2">fgh</mark>ij'
    )


def test_an_article_header_counts_its_claims_as_they_are_drawn() -> None:
    text = "Foro Penal counted 61 releases. The government announced 99."

    def made(quote: str, start: int | None, end: int | None, alignment: str) -> Claim:
        return Claim.model_validate({
            "statement": quote, "subject": "s", "source": {"name": "x", "kind": "ngo"},
            "evidence": {"quote": quote, "start": start, "end": end, "alignment": alignment},
        })  # fmt: skip

    claims = [
        made("Foro Penal counted 61 releases.", 0, 31, "exact"),
        made("The government announced 99.", 32, 60, "fuzzy"),
        made("a fuzzy match without offsets", None, None, "fuzzy"),  # hand-edited records
        made("offsets past the end", 200, 220, "exact"),
        made("never found", None, None, "none"),
        made("an exact quote at the wrong offsets", 0, 10, "exact"),
    ]
    record = ArticleResult(id="a", status="ok", claims=claims, text=text)
    page = render_run_report([record], source="x.jsonl", modified=None)
    header = re.search(r"6 claims · (\d+) exact, (\d+) fuzzy, (\d+) not found", page)
    assert header and header.groups() == ("1", "1", "4")
    missed = re.search(r"<h3>Not found in the text</h3><ol[^>]*>(.*?)</ol>", page, re.S)
    assert missed and missed[1].count("<li") == 4
    assert "no text to place them in" in render_run_report(
        [record.model_copy(update={"text": None})], source="x.jsonl", modified=None
    )


def test_a_number_line_labels_counts_in_whole_numbers_and_draws_ranges_without_a_point() -> None:
    from extractor.html_charts import number_line
    from extractor.ledger import build_ledger

    def made(statement: str, value: float | None, qualifier: str = "exact", **more: Any) -> Claim:
        return Claim.model_validate({
            "statement": statement, "subject": "s", "source": {"name": "x", "kind": "ngo"},
            "time_text": "25 December", "evidence": {"quote": statement},
            "quantity": {"value": value, "qualifier": qualifier, "unit": "people released",
                         **more},
        })  # fmt: skip

    def line(*claims: Claim) -> str:
        records = [ArticleResult(id=f"a{n}", status="ok", claims=[c]) for n, c in
                   enumerate(claims)]  # fmt: skip
        [group] = build_ledger(records).groups
        return number_line(group, [None] * len(group.values))

    few = line(made("On 25 December 3 people were released.", 3),
               made("On 25 December 4 people were released.", 4))  # fmt: skip
    assert re.findall(r'class="ticklabel"[^>]*>([^<]+)<', few) == ["3", "4"]
    ranged = line(made("On 25 December between 1,000 and 1,500 people were released.", None,
                       "range", lower=1000, upper=1500, text="between 1,000 and 1,500"),
                  made("On 25 December 1,200 people were released.", 1200))  # fmt: skip
    assert ranged.count('class="band"') == 1 and 'class="stated"' not in ranged
    assert ">between 1,000 and 1,500<" in ranged  # 23 characters: in full, not cut


def test_report_is_self_contained_with_a_strict_policy(gold_report: Path) -> None:
    page = gold_report.read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    rules = policy.group(1).replace("&#x27;", "'")
    assert "default-src 'none'" in rules and "unsafe" not in rules
    assert csp_hash(JS) in rules and csp_hash(CSS) in rules
    assert f"<script>{JS}</script>" in page and f"<style>{CSS}</style>" in page
    assert not re.search(r"\s(src|href)=\"(https?:)?//", page)  # nothing fetched from anywhere
    assert " style=" not in page and "innerHTML" not in JS


def test_json_data_cannot_close_its_script_element() -> None:
    data = json_for_script({"s": "</script><!-- & -->"})
    assert "<" not in data and ">" not in data and "&" not in data
    assert json.loads(data) == {"s": "</script><!-- & -->"}


def test_only_the_endpoint_host_is_shown() -> None:
    assert endpoint_host("https://user:secret@api.example.com:8443/v1?key=sk-x") == (
        "api.example.com:8443"
    )
    assert endpoint_host("http://localhost:11434/v1") == "localhost:11434"
    assert endpoint_host(None) == "—"


def test_run_report_sums_provenance_and_hides_endpoint_paths() -> None:
    record = json.loads((GOLD / "000_75854588e517045a.json").read_text())
    record["provenance"] = {
        "prompt": "claims", "prompt_version": "3", "prompt_sha256": "ab" * 32,
        "schema_sha256": "cd" * 32, "model": "qwen", "mode": "json_schema",
        "base_url": "http://user:pw@gpu-box:8000/v1?token=t", "attempts": 2,
        "usage": {"prompt_tokens": 1200, "completion_tokens": 300},
    }  # fmt: skip
    second = dict(record, id="copy")
    page = render_run_report([ArticleResult.model_validate(r) for r in (record, second)])
    assert "gpu-box:8000" in page and "token=t" not in page and "pw@" not in page
    assert "2,400 prompt + 600 completion" in page and "abababababababab" in page


def test_eval_view_shows_every_metric_of_the_report() -> None:
    from extractor.evaluation import score
    from extractor.evaluation.report import quality_rows

    gold = load_records(GOLD)
    report = score(load_records(ROOT / "evals/annotations/b"), gold)
    page = render_eval_report(report, None, gold)
    for label in ("quantities (value + qualifier)", "attributed quantities (+ source)"):
        assert label in page.replace("&#x27;", "'")
    for field in report.fields:
        assert f"field {'disputed = true' if field == 'disputed' else field}" in page
    qualities = page[page.index('id="qualities"') :]
    for name, value, _, _ in quality_rows(report):
        assert name in qualities and (f"{value:.3f}" if value is not None else "—") in qualities


def test_a_share_of_hallucinations_that_rises_is_drawn_and_coloured_as_worse() -> None:
    from extractor.evaluation.report import gain
    from extractor.html_charts import delta_chart

    changes = [("micro.f1", 0.1), ("hallucinations.share", 0.333), ("grounding.none", -0.2)]
    rows = [(name, delta, gain(name, delta)) for name, delta in changes]
    svg = delta_chart(rows)
    rects = re.findall(r'<rect class="delta (\w+)" x="([\d.]+)"', svg)
    zero = float(re.search(r'<line class="axis" x1="([\d.]+)"', svg)[1])  # type: ignore[index]
    assert [cls for cls, _ in rects] == ["up", "down", "up"]
    assert float(rects[1][1]) < zero <= float(rects[0][1]) and float(rects[2][1]) >= zero
    assert ">+0.333<" in svg and ">-0.200<" in svg  # the values as they are, drawn by their gain


def test_every_capped_metric_is_one_where_lower_is_better() -> None:
    import tomllib

    from extractor.evaluation.report import LOWER_IS_BETTER, EvalReport

    capped = tomllib.loads((ROOT / "evals" / "thresholds.toml").read_text())["maximum"]
    report = EvalReport.model_validate_json((ROOT / "evals/reports/rules.json").read_bytes())
    assert set(capped) <= LOWER_IS_BETTER <= set(report.metrics())
