"""The second gold set (articles the rules were not written with): valid, verbatim, apart."""

from __future__ import annotations

import pytest
from conftest import ROOT

from extractor.evaluation import load_records

LANGUAGES = ["en", "es"]
# (gold folder, article folder, articles per language)
SETS = [
    ("evals/gold-unseen", "evals/unseen", 6),
    ("evals/gold-heldout", "evals/heldout", 3),
    ("evals/gold-fresh", "evals/fresh", 6),
    ("evals/gold-fresh2", "evals/fresh2", 6),
    ("evals/gold-fresh3", "evals/fresh3", 6),
    ("evals/gold-fresh4", "evals/fresh4", 6),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("gold", "articles_dir", "at_least"), SETS)
def test_every_unseen_article_is_labelled_with_verbatim_quotes_at_exact_offsets(
    language: str, gold: str, articles_dir: str, at_least: int
) -> None:
    records = load_records(ROOT / gold / language)
    articles = sorted(p.stem for p in (ROOT / articles_dir / language).glob("*.txt"))
    assert sorted(records) == articles and len(articles) >= at_least
    for record in records.values():
        text = (ROOT / record.source).read_text(encoding="utf-8")
        assert record.text == text
        assert len(record.claims) >= 5
        for claim in record.claims:
            evidence = claim.evidence
            assert evidence.alignment == "exact"
            assert text[evidence.start : evidence.end] == evidence.quote
            if claim.quantity and claim.quantity.text:
                assert claim.quantity.text in evidence.quote


def test_unseen_articles_are_not_seeds() -> None:
    seeds = {p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")}
    for language in LANGUAGES:
        for _, folder, _ in SETS:
            for path in (ROOT / folder / language).glob("*.txt"):
                assert path.read_text(encoding="utf-8") not in seeds


def test_unseen_gold_has_claims_without_numbers_and_hedged_spanish_counts() -> None:
    claims = [c for r in load_records(ROOT / "evals/gold-unseen/es").values() for c in r.claims]
    assert sum(c.quantity is None for c in claims) >= 15
    qualifiers = {c.quantity.qualifier for c in claims if c.quantity}
    assert {"at_least", "more_than", "about", "nearly", "vague"} <= qualifiers
