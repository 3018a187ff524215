"""The gold data and the raw annotations: valid records, verbatim quotes, exact offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from extractor.evaluation import load_records

FOLDERS = ["evals/gold", "evals/annotations/a", "evals/annotations/b"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_seed_is_labelled_with_verbatim_quotes_at_exact_offsets(folder: str) -> None:
    records = load_records(ROOT / folder)
    assert sorted(records) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for record in records.values():
        text = (ROOT / record.source).read_text(encoding="utf-8")
        assert record.text == text
        assert len(record.claims) >= 5
        for claim in record.claims:
            evidence = claim.evidence
            assert evidence.alignment == "exact"
            assert text[evidence.start : evidence.end] == evidence.quote


def test_gold_files_are_named_after_their_seed_ids() -> None:
    for path in (ROOT / "evals/gold").glob("*.json"):
        assert (SEEDS / f"{path.stem}.txt").is_file(), path
        assert load_records(path)[path.stem].id == path.stem


def test_gold_skips_page_furniture() -> None:
    furniture = ("Help us improve", "Also Read", "AI-generated", "Getty Images", "Honduras")
    for record in load_records(ROOT / "evals/gold").values():
        for claim in record.claims:
            assert not any(f in claim.evidence.quote for f in furniture), claim.evidence.quote


def test_gold_records_the_disagreeing_numbers_with_their_sources() -> None:
    claims = [c for r in load_records(ROOT / "evals/gold").values() for c in r.claims]
    values = {(c.quantity.value, c.source.kind) for c in claims if c.quantity}
    assert (99.0, "government") in values
    assert (61.0, "ngo") in values


def test_a_gold_record_loads_from_a_single_file_path(tmp_path: Path) -> None:
    one = next((ROOT / "evals/gold").glob("*.json"))
    assert list(load_records(one)) == [one.stem]
