"""Meta-evaluation: properties the scorer must have, checked with hypothesis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.evaluation import score
from extractor.schemas import ArticleResult, Claim

TOPICS = [
    "prisoners",
    "protesters",
    "journalists",
    "students",
    "workers",
    "farmers",
    "doctors",
    "soldiers",
    "fishermen",
    "teachers",
    "miners",
    "nurses",
    "drivers",
    "pilots",
]
VERBS = ["released", "arrested", "detained", "freed", "pardoned", "counted", "reported"]
PLACES = ["Caracas", "Aragua", "Maracaibo", "Valencia", "Barquisimeto", "Cumana", "Merida"]
SOURCES = ["Foro Penal", "rights groups", "Venezuelan government", "the article", "AFP"]
QUALIFIERS = ["exact", "at_least", "more_than", "about", "nearly"]
PRF = ("precision", "recall", "f1")
LOWER_IS_BETTER = (
    "grounding.fuzzy",
    "grounding.none",
    "hallucinations.share",
    "compound.share",
    "decontextualisation.unresolved",
)
UNRELATED = "The orchestra premiered a symphony composed entirely of whale song recordings."


@st.composite
def claim_specs(draw: st.DrawFn) -> list[dict]:
    """2–12 distinct claims (distinct topic+verb+place), some with quantities."""
    n = draw(st.integers(2, 12))
    combos = draw(
        st.lists(
            st.tuples(st.sampled_from(TOPICS), st.sampled_from(VERBS), st.sampled_from(PLACES)),
            min_size=n,
            max_size=n,
            unique_by=lambda t: t[0],
        )
    )
    specs = []
    for topic, verb, place in combos:
        has_quantity = draw(st.booleans())
        specs.append(
            {
                "topic": topic,
                "verb": verb,
                "place": place,
                "value": draw(st.integers(2, 5000)) if has_quantity else None,
                "qualifier": draw(st.sampled_from(QUALIFIERS)),
                "source": draw(st.sampled_from(SOURCES)),
                "date": draw(st.sampled_from([None, "2024", "2024-07", "2024-12-25"])),
                "disputed": draw(st.booleans()),
            }
        )
    return specs


def _statement(spec: dict) -> str:
    amount = f"{spec['value']} " if spec["value"] else "several "
    return f"Officials say {amount}{spec['topic']} were {spec['verb']} in {spec['place']}."


def _article(specs: list[dict], extra: str = "") -> tuple[str, list[Claim]]:
    text, claims = "", []
    for spec in specs:
        statement = _statement(spec)
        start = len(text)
        text += statement + " "
        quantity = (
            {"value": spec["value"], "qualifier": spec["qualifier"], "unit": spec["topic"]}
            if spec["value"]
            else None
        )
        claims.append(
            Claim.model_validate(
                {
                    "statement": statement,
                    "subject": "officials",
                    "quantity": quantity,
                    "date": spec["date"],
                    "location": spec["place"],
                    "source": {"name": spec["source"]},
                    "disputed": spec["disputed"],
                    "evidence": {
                        "quote": statement,
                        "start": start,
                        "end": start + len(statement),
                        "alignment": "exact",
                    },
                }
            )
        )
    return text + extra, claims


def _record(claims: list[Claim], text: str, article_id: str = "a") -> ArticleResult:
    return ArticleResult(id=article_id, status="ok", claims=claims, text=text)


def _metrics(pred: list[Claim], gold: list[Claim], text: str) -> dict[str, float]:
    return score({"a": _record(pred, text)}, {"a": _record(gold, text)}).metrics()


@settings(max_examples=60, deadline=None)
@given(claim_specs())
def test_gold_scored_against_itself_is_perfect_everywhere(specs: list[dict]) -> None:
    text, gold = _article(specs)
    metrics = _metrics(gold, gold, text)
    for name, value in metrics.items():
        expected = 0.0 if name in LOWER_IS_BETTER else 1.0
        assert value == expected, name


@settings(max_examples=60, deadline=None)
@given(claim_specs(), st.data())
def test_dropping_k_of_n_gives_recall_n_minus_k_over_n_and_full_precision(
    specs: list[dict], data: st.DataObject
) -> None:
    text, gold = _article(specs)
    k = data.draw(st.integers(0, len(gold) - 1))
    dropped = set(data.draw(st.permutations(range(len(gold))))[:k])
    pred = [c for i, c in enumerate(gold) if i not in dropped]
    report = score({"a": _record(pred, text)}, {"a": _record(gold, text)})
    assert report.micro.recall == round((len(gold) - k) / len(gold), 6)
    assert report.micro.precision == 1.0


@settings(max_examples=60, deadline=None)
@given(claim_specs(), st.data())
def test_changing_one_quantity_lowers_quantity_f1_and_value_f1_and_nothing_else(
    specs: list[dict], data: st.DataObject
) -> None:
    text, gold = _article(specs)
    with_quantity = [i for i, c in enumerate(gold) if c.quantity is not None]
    if not with_quantity:
        return
    index = data.draw(st.sampled_from(with_quantity))
    changed = gold[index].model_copy(deep=True)
    changed.quantity.value += data.draw(st.integers(1, 100))
    pred = [changed if i == index else c for i, c in enumerate(gold)]
    before, after = _metrics(gold, gold, text), _metrics(pred, gold, text)
    assert after["quantity.f1"] < before["quantity.f1"]
    assert after["attributed_quantity.f1"] < before["attributed_quantity.f1"]
    assert after["fields.value"] < before["fields.value"]
    lowered = {name for name in before if after[name] != before[name]}
    assert lowered == {
        *(f"{group}.{m}" for group in ("quantity", "attributed_quantity") for m in PRF),
        "fields.value",
        "fields.value.precision",
        "fields.value.recall",
    }


@settings(max_examples=60, deadline=None)
@given(claim_specs(), st.randoms(use_true_random=False))
def test_order_of_claims_changes_nothing(specs: list[dict], random) -> None:
    text, gold = _article(specs)
    pred = [c.model_copy() for c in gold]
    pred[0] = pred[0].model_copy(update={"disputed": not pred[0].disputed})
    shuffled_pred, shuffled_gold = pred[:], gold[:]
    random.shuffle(shuffled_pred)
    random.shuffle(shuffled_gold)
    assert _metrics(pred, gold, text) == _metrics(shuffled_pred, shuffled_gold, text)


@settings(max_examples=60, deadline=None)
@given(claim_specs(), st.data())
def test_a_reworded_statement_with_the_same_facts_still_matches(
    specs: list[dict], data: st.DataObject
) -> None:
    text, gold = _article(specs)
    index = data.draw(st.integers(0, len(gold) - 1))
    spec = specs[index]
    amount = f"{spec['value']} " if spec["value"] else "several "
    reworded = f"In {spec['place']}, {amount}{spec['topic']} were {spec['verb']}, officials said."
    pred = [c.model_copy() for c in gold]
    pred[index] = pred[index].model_copy(update={"statement": reworded})
    report = score({"a": _record(pred, text)}, {"a": _record(gold, text)})
    assert report.micro.f1 == 1.0


@settings(max_examples=60, deadline=None)
@given(claim_specs(), st.data())
def test_an_unrelated_claim_never_matches(specs: list[dict], data: st.DataObject) -> None:
    text, gold = _article(specs, extra=UNRELATED)
    start = text.index(UNRELATED)
    template = data.draw(st.sampled_from(gold))  # same source, date, quantity as a gold claim
    unrelated = template.model_copy(
        update={
            "statement": UNRELATED,
            "evidence": template.evidence.model_copy(
                update={"quote": UNRELATED, "start": start, "end": start + len(UNRELATED)}
            ),
        }
    )
    report = score({"a": _record([unrelated], text)}, {"a": _record(gold, text)})
    assert report.micro.precision == 0.0
    assert report.counts["matched"] == 0


@settings(max_examples=60, deadline=None)
@given(claim_specs(), st.data())
def test_a_negated_statement_no_longer_matches(specs: list[dict], data: st.DataObject) -> None:
    text, gold = _article(specs)
    index = data.draw(st.integers(0, len(gold) - 1))
    pred = [c.model_copy() for c in gold]
    negated = f"It is not true that {gold[index].statement[0].lower()}{gold[index].statement[1:]}"
    pred[index] = pred[index].model_copy(update={"statement": negated})
    report = score({"a": _record(pred, text)}, {"a": _record(gold, text)})
    assert report.counts["matched"] == len(gold) - 1
    assert all(m["pred"] != index for a in report.articles for m in a.matches)


@settings(max_examples=60, deadline=None)
@given(claim_specs(), st.data())
def test_a_statement_with_another_count_no_longer_matches(
    specs: list[dict], data: st.DataObject
) -> None:
    text, gold = _article(specs)
    counted = [i for i, spec in enumerate(specs) if spec["value"]]
    if not counted:
        return
    index = data.draw(st.sampled_from(counted))
    other = specs[index]["value"] + data.draw(st.integers(1, 100))
    pred = [c.model_copy() for c in gold]
    pred[index] = pred[index].model_copy(
        update={"statement": gold[index].statement.replace(str(specs[index]["value"]), str(other))}
    )
    report = score({"a": _record(pred, text)}, {"a": _record(gold, text)})
    assert all(m["pred"] != index for a in report.articles for m in a.matches)


def _matches(pred: str, gold: str) -> bool:
    from extractor.evaluation.similarity import features, rules_agree

    return rules_agree(features(pred), features(gold))


def test_a_word_capitalised_only_because_it_starts_the_sentence_is_no_actor() -> None:
    """Rule 3 compares names: "Nine", "Among", "La" and "Según" at a statement's start are none,
    so they never set a faithful statement against a gold one that names the actors."""
    assert _matches(
        "Nine students were released on Tuesday.",
        "A Tbilisi court released nine students on Tuesday.",
    )
    assert _matches(
        "La cifra de detenidos llegó a 40 el martes.",
        "Foro Penal dijo que la cifra de detenidos llegó a 40 el martes.",
    )
    assert _matches(
        "Según fuentes oficiales, 40 fueron liberados.", "Foro Penal dijo que 40 fueron liberados."
    )
    # names still have to agree
    assert not _matches("Provea said 40 were released.", "Foro Penal said 40 were released.")
    assert not _matches(
        "Según la ONG, 40 fueron liberados.", "Foro Penal dijo que 40 fueron liberados."
    )


def _claim(statement: str, text: str, value: int) -> Claim:
    return Claim.model_validate(
        {
            "statement": statement,
            "subject": "coalition",
            "quantity": {"value": value, "qualifier": "exact", "unit": "people"},
            "source": {"name": "the article"},
            "evidence": {"quote": text, "start": 0, "end": len(text)},
        }
    )


def test_two_counts_of_one_sentence_are_matched_to_the_gold_claims_of_the_same_counts() -> None:
    """Both predictions state the whole sentence, the gold claims read almost alike: the text
    alone would pair them crosswise (by 0.002), the counts settle it."""
    text = "The coalition of 11 groups says at least 340 people were detained."
    gold = [
        _claim("The coalition of 11 groups says at least 340 people were detained", text, 340),
        _claim("The coalition of 11 groups said at least 340 people were detained.", text, 11),
    ]
    pred = [_claim(text, text, 11), _claim(text + " (at least 340)", text, 340)]
    metrics = _metrics(pred, gold, text)
    assert metrics["micro.f1"] == 1.0
    assert metrics["quantity.f1"] == 1.0


def test_a_capitalised_word_the_article_writes_in_lower_case_is_no_actor() -> None:
    """Rule 3 against the article: "Police" at a statement's start names no one in an article
    that speaks of "the police"; a name the article never writes in lower case still does."""
    from extractor.evaluation.similarity import common_words, features, rules_agree

    text = "Kenyan police said 52 officers were injured. Foro Penal and Provea disagree."
    common = common_words(text)
    pred, gold = (
        "Police said 52 officers were injured.",
        "Kenyan police said 52 officers were hurt.",
    )
    assert not rules_agree(features(pred), features(gold))  # without the article: "Police"
    assert rules_agree(features(pred, common), features(gold, common))
    assert not rules_agree(
        features("Provea said 40 were released.", common),
        features("Foro Penal said 40 were released.", common),
    )
