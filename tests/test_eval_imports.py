"""The scorer scores files: it loads no extraction machinery, and reading records (ledger,
report) does not pay for scipy, which only the matcher needs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

GOLD = str(Path(__file__).resolve().parent.parent / "evals/gold")

HEAVY = ("scipy", "openai", "instructor", "extractor.pipeline", "extractor.backends",
         "extractor.templates")  # fmt: skip


def _loaded(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout)


def test_reading_records_for_ledger_and_report_loads_no_scipy_and_no_extraction() -> None:
    assert (
        _loaded(
            "from extractor.evaluation import load_records\n"
            "import extractor.ledger, extractor.html_report, extractor.evaluation.judge\n"
            f"load_records({GOLD!r})"
        )
        == []
    )


def test_scoring_loads_scipy_but_no_extraction_machinery() -> None:
    loaded = _loaded(
        "from extractor.evaluation import load_records, score\n"
        f"gold = load_records({GOLD!r})\n"
        "score(gold, gold)"
    )
    assert loaded == ["scipy"]
