"""Meta-evaluation on the real gold: degraded copies of evals/gold, built here in code, each
scored against the gold and held to what a person would say about it.

Every expected figure was written down before the scorer was run on the degradation. A scorer
change that lets one of these through fails the suite.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.evaluation import check, load_records, load_thresholds, score
from extractor.evaluation.report import EvalReport
from extractor.evaluation.sources import SourceNames
from extractor.testing import degrade

ROOT = Path(__file__).resolve().parent.parent
GOLD = load_records(ROOT / "evals/gold")
NAMES = SourceNames.from_file(ROOT / "evals/aliases.toml")
LOWER_IS_BETTER = (
    "grounding.fuzzy",
    "grounding.none",
    "hallucinations.share",
    "compound.share",
    "decontextualisation.unresolved",
)


def _score(predictions: dict, gold: dict | None = None) -> EvalReport:
    return score(predictions, gold or GOLD, names=NAMES)


def _annotator(name: str) -> EvalReport:
    return _score(load_records(ROOT / "evals/annotations" / name))


def test_gold_against_itself_scores_one_on_every_metric() -> None:
    metrics = _score(degrade.identity(GOLD)).metrics()
    unresolved_in_gold = metrics.pop("decontextualisation.unresolved")
    for name, value in metrics.items():
        assert value == (0.0 if name in LOWER_IS_BETTER else 1.0), name
    assert unresolved_in_gold == 0.0  # the gold statements stand alone


def test_dropping_k_of_n_claims_gives_recall_exactly_n_minus_k_over_n() -> None:
    report = _score(degrade.drop_every_third(GOLD))
    n = sum(len(r.claims) for r in GOLD.values())
    k = sum(len(range(0, len(r.claims), 3)) for r in GOLD.values())
    assert report.micro.recall == round((n - k) / n, 6)
    assert report.micro.precision == 1.0


@pytest.mark.parametrize("kind", ["unrelated", "swapped", "negated", "headline-repeated"])
def test_statements_that_do_not_say_the_gold_fact_score_claim_f1_at_most_a_tenth(
    kind: str,
) -> None:
    report = _score(degrade.DEGRADATIONS[kind](GOLD))
    assert report.micro.f1 <= 0.1, report.micro


def test_changed_numbers_do_not_match_and_no_quantity_is_right() -> None:
    report = _score(degrade.numbers_plus_37(GOLD))
    for art in report.articles:
        for m in art.matches:  # only statements without a digit (nothing changed) may match
            assert not re.search(r"\d", m["gold_statement"]), m["gold_statement"]
    assert report.quantity.f1 == 0.0
    assert report.attributed_quantity.f1 == 0.0


def test_duplicated_claims_halve_precision_and_keep_recall() -> None:
    report = _score(degrade.duplicates(GOLD))
    assert report.micro.precision == 0.5
    assert report.micro.recall == 1.0


def test_furniture_claims_match_nothing() -> None:
    predictions = degrade.furniture(GOLD)
    report = _score(predictions)
    n = sum(len(r.claims) for r in GOLD.values())
    added = sum(len(r.claims) for r in predictions.values()) - n
    assert added >= 10  # the seeds do carry headings, "Related Articles", "Help us improve."
    assert report.micro.recall == 1.0
    assert report.micro.precision == round(n / (n + added), 6)


def test_merged_a_and_b_claims_are_counted_as_compound_and_match_only_one_side() -> None:
    predictions = degrade.merged(GOLD)
    report = _score(predictions)
    n = sum(len(r.claims) for r in GOLD.values())
    merged = sum(len(r.claims) // 2 for r in GOLD.values())
    assert report.micro.recall <= (n - merged) / n
    assert report.compound["count"] >= 0.5 * merged


def test_fabricated_quotes_marked_exact_are_regrounded_and_counted_as_hallucinations() -> None:
    predictions = degrade.fabricated_quotes(GOLD)
    report = _score(predictions)
    n = sum(len(r.claims) for r in GOLD.values())
    added = sum(len(r.claims) for r in predictions.values()) - n
    assert added == sum(len(r.claims) // 5 for r in GOLD.values()) > 0
    assert report.hallucinations["count"] == added
    assert report.grounding["exact"] == round(n / (n + added), 6)
    assert report.micro.recall == 1.0


def test_unit_and_location_set_to_every_word_agree_with_no_gold_claim() -> None:
    report = _score(degrade.unit_location_every_word(GOLD))
    assert report.fields["unit"].f1 == 0.0
    assert report.fields["location"].f1 == 0.0
    assert report.micro.f1 == 1.0  # the statements are untouched


@pytest.mark.parametrize("kind", ["sentence-splitter", "statement-is-quote"])
def test_no_model_extractors_fall_clearly_below_the_annotators(kind: str) -> None:
    report = _score(degrade.DEGRADATIONS[kind](GOLD))
    for annotator in (_annotator("a"), _annotator("b")):
        for metric in ("decontextualisation.context_kept", "quantity.f1"):
            assert report.metrics()[metric] <= annotator.metrics()[metric] - 0.3, metric


def test_thresholds_fail_the_sentence_splitter_and_pass_both_annotators() -> None:
    rules = load_thresholds(ROOT / "evals/thresholds.toml")
    for kind in ("sentence-splitter", "every-other-sentence", "statement-is-quote"):
        results = check(_score(degrade.DEGRADATIONS[kind](GOLD)), rules)
        assert not all(r.passed for r in results), kind
    for name in ("a", "b"):
        results = check(_annotator(name), rules)
        assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_thresholds_fail_the_rules_baseline_padded_with_every_other_sentence(
    tmp_path: Path,
) -> None:
    from extractor.eval_run import predict_gold
    from extractor.settings import Settings

    rules = predict_gold(Settings.from_env(env={}, model="rules", cache_dir=tmp_path), GOLD)
    padded = degrade.add_to(rules, degrade.every_other_sentence(GOLD))
    results = check(_score(padded), load_thresholds(ROOT / "evals/thresholds.toml"))
    assert not all(r.passed for r in results)


def test_field_counts_and_the_per_pair_field_check_agree_on_every_matched_pair() -> None:
    from extractor.evaluation.scoring import (
        FIELDS,
        QUANTITY_METRICS,
        _agreements,
        field_agreement,
        has_field,
    )

    for name in ("a", "b"):
        predictions = load_records(ROOT / "evals/annotations" / name)
        for art in _score(predictions).articles:
            for m in art.matches:
                p, g = predictions[art.id].claims[m["pred"]], GOLD[art.id].claims[m["gold"]]
                counted = _agreements(p, g, NAMES)
                for field in (*FIELDS, *QUANTITY_METRICS):
                    both = has_field(field, p) and has_field(field, g)
                    assert (field in counted) == both, field
                    if both:
                        assert counted[field] == field_agreement(field, p, g, NAMES), field
