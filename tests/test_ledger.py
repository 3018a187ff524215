"""The cross-article ledger: which claims count the same thing, and which of those disagree."""

from __future__ import annotations

import json
import random
import re

import pytest
from conftest import ROOT, cli_env, run_cli
from rich.console import Console

from extractor.evaluation import load_records
from extractor.ledger import Ledger, LedgerGroup, build_ledger, interval
from extractor.ledger_render import ledger_table
from extractor.schemas import ArticleResult, Claim

GOLD = ROOT / "evals" / "gold"


def claim(
    statement: str,
    value: float | None,
    qualifier: str = "exact",
    unit: str = "people released",
    source: str = "Foro Penal",
    kind: str = "ngo",
    time_text: str | None = None,
    lower: float | None = None,
    upper: float | None = None,
    location: str | None = None,
) -> Claim:
    return Claim.model_validate(
        {
            "location": location,
            "statement": statement,
            "subject": "someone",
            "quantity": {
                "value": value,
                "lower": lower,
                "upper": upper,
                "qualifier": qualifier,
                "unit": unit,
                "text": None,
            },
            "time_text": time_text,
            "source": {"name": source, "kind": kind},
            "evidence": {"quote": statement},
        }
    )


def record(article_id: str, *claims: Claim) -> ArticleResult:
    return ArticleResult(id=article_id, status="ok", claims=list(claims))


def figures(group: LedgerGroup) -> list[float | None]:
    return sorted((v.value for v in group.values), key=lambda x: (x is None, x))


def group_with(ledger: Ledger, *values: float) -> LedgerGroup:
    found = [g for g in ledger.groups if set(values) <= set(figures(g))]
    assert len(found) == 1, [figures(g) for g in ledger.groups]
    return found[0]


@pytest.fixture(scope="module")
def gold_ledger() -> Ledger:
    return build_ledger(load_records(GOLD).values())


# --- on the seed gold --------------------------------------------------------------------------


def test_gold_ledger_flags_99_announced_vs_61_verified_on_25_december(gold_ledger: Ledger) -> None:
    group = group_with(gold_ledger, 99, 61)
    assert group.status == "discrepancy"  # announced vs verified: shown as the sources' gap
    assert {c.kind for c in group.conflicts} == {"sources"}
    assert group.category == "released" and group.anchor == "25 Dec"
    assert {"001_b5bc0438193ecef8", "004_f35519aa624f9e78"} <= set(group.articles)
    clashing = {
        frozenset((group.values[c.a].value, group.values[c.b].value)) for c in group.conflicts
    }
    assert frozenset((99.0, 61.0)) in clashing
    sources = {(v.source_name, v.source_kind) for v in group.values}
    assert ("Venezuelan government", "government") in sources and ("Foro Penal", "ngo") in sources
    assert "61" in group.summary and "99" in group.summary


def test_gold_ledger_lines_up_the_differing_still_held_counts(gold_ledger: Ledger) -> None:
    [held] = [g for g in gold_ledger.groups if g.category == "held"]
    assert {700.0, 900.0, 902.0, 1800.0} <= set(figures(held))
    assert len(held.articles) == 5
    assert held.status in ("conflict", "divergent")  # flagged either way
    qualifiers = {(v.value, v.qualifier) for v in held.values}
    assert {(700.0, "more_than"), (902.0, "at_least"), (1800.0, "about")} <= qualifiers


def test_gold_ledger_does_not_mix_releases_with_arrests_or_deaths(gold_ledger: Ledger) -> None:
    for group in gold_ledger.groups:
        units = {v.unit for v in group.values}
        if group.category == "released":
            assert not any("death" in u or "arrest" in u for u in units), units
    killed = [g for g in gold_ledger.groups if g.category == "killed"]
    assert all(not ({28.0} <= set(figures(g)) and 100.0 in figures(g)) for g in killed)


def test_gold_singletons_are_kept_out_of_the_default_view(gold_ledger: Ledger) -> None:
    shown = gold_ledger.view()
    hidden = [g for g in gold_ledger.groups if g not in shown.groups]
    assert any(g.values[0].unit == "km" for g in hidden)
    assert all(len(g.articles) == 1 and len(g.values) == 1 for g in hidden)
    assert len(gold_ledger.view(show_all=True).groups) == len(gold_ledger.groups)


# --- on claims built here ----------------------------------------------------------------------


def test_at_least_60_and_61_are_compatible() -> None:
    ledger = build_ledger(
        [
            record("a", claim("Authorities released at least 60 political prisoners.", 60,
                              "at_least", source="rights groups")),
            record("b", claim("Foro Penal confirmed the release of 61 political prisoners.", 61)),
        ]
    )  # fmt: skip
    group = group_with(ledger, 60, 61)
    assert group.status == "compatible" and group.conflicts == []
    assert group.interesting


def test_99_announced_and_61_verified_on_the_same_day_conflict() -> None:
    ledger = build_ledger(
        [
            record("gov", claim("On December 25 the government announced the release of 99 "
                                "prisoners.", 99, unit="prisoners released",
                                source="Venezuelan government", kind="government",
                                time_text="December 25")),
            record("ngo", claim("Foro Penal could only verify 61 of the releases announced on "
                                "Dec. 25.", 61, unit="releases verified")),
        ]
    )  # fmt: skip
    group = group_with(ledger, 99, 61)
    assert group.status == "discrepancy"
    assert [(c.a, c.b, c.kind) for c in group.conflicts] == [(0, 1, "sources")]
    assert group.conflicts[0].gap == pytest.approx((99 - 61) / 99, abs=1e-3)


def test_lower_bounds_far_apart_are_divergent_not_a_contradiction() -> None:
    held = "political prisoners still held"
    ledger = build_ledger(
        [
            record("a", claim("More than 700 political prisoners remain in Venezuelan prisons.",
                              700, "more_than", unit=held)),
            record("b", claim("At least 902 political prisoners are still held in Venezuela.",
                              902, "at_least", unit=held)),
            record("c", claim("About 1,800 political prisoners remain jailed in Venezuela.",
                              1800, "about", unit=held)),
        ]
    )  # fmt: skip
    group = group_with(ledger, 700, 902, 1800)
    assert group.conflicts == []
    assert group.status == "divergent"
    assert "700" in group.summary and "1,800" in group.summary


def test_nearly_and_more_than_the_same_number_cannot_both_be_true() -> None:
    nearly, more = interval("nearly", 2000), interval("more_than", 2000)
    assert not nearly.overlaps(more) and nearly.below(more)
    assert interval("at_least", 2000).overlaps(interval("exact", 2000))


@pytest.mark.parametrize(
    ("qualifier", "value", "lower", "upper", "shown"),
    [
        ("exact", 99, None, None, "[99, 99]"),
        ("at_least", 87, None, None, "[87, ∞)"),
        ("more_than", 700, None, None, "(700, ∞)"),
        ("at_most", 50, None, None, "[0, 50]"),
        ("less_than", 50, None, None, "[0, 50)"),
        ("about", 2400, None, None, "[2,160, 2,640]"),
        ("nearly", 2000, None, None, "[1,800, 2,000)"),
        ("range", None, 50, 60, "[50, 60]"),
        ("vague", None, 200, 999, "[200, 999]"),
    ],
)
def test_each_qualifier_becomes_its_interval(
    qualifier: str, value: float | None, lower: float | None, upper: float | None, shown: str
) -> None:
    assert str(interval(qualifier, value, lower, upper)) == shown


def test_unrelated_quantities_are_not_grouped_together() -> None:
    ledger = build_ledger(
        [
            record("a",
                   claim("The government released 40 prisoners in Caracas.", 40),
                   claim("A fire at a market in Lagos killed 40 traders on December 25.", 40,
                         unit="deaths", time_text="December 25"),
                   claim("The bridge is 40 km long.", 40, unit="km")),
            record("b",
                   claim("Police killed 3 protesters during a march in Caracas on December 25.",
                         3, unit="protesters killed", time_text="December 25"),
                   claim("Venezuela released 131 prisoners detained after the election.", 131)),
            record("c",
                   claim("The government announced the release of 88 political prisoners.", 88)),
        ]
    )  # fmt: skip
    for group in ledger.groups:
        assert len(group.values) == 1, [(v.statement, v.value) for v in group.values]
    assert ledger.view().groups == []


def test_grouping_does_not_depend_on_the_order_of_articles_or_claims() -> None:
    records = [
        *load_records(GOLD).values(),
        *load_records(ROOT / "evals" / "ledger" / "articles").values(),
        record("x", claim("Authorities released at least 60 people on Christmas Day.", 60,
                          "at_least", source="rights groups")),
        record("y", claim("More than 700 people remain held for political reasons.", 700,
                          "more_than", unit="political prisoners still held")),
    ]  # fmt: skip

    def canonical(ledger: Ledger) -> str:
        data = ledger.model_dump()
        for group in data["groups"]:
            for value in group["values"]:
                value.pop("claim_index")
        return json.dumps(data, sort_keys=True)

    expected = canonical(build_ledger(records))
    rng = random.Random(7)
    for _ in range(5):
        shuffled = []
        for r in rng.sample(records, len(records)):
            claims = r.claims[:]
            rng.shuffle(claims)
            shuffled.append(r.model_copy(update={"claims": claims}))
        assert canonical(build_ledger(shuffled)) == expected


def test_ledger_json_round_trips(gold_ledger: Ledger) -> None:
    assert Ledger.model_validate_json(gold_ledger.model_dump_json()) == gold_ledger


def test_ledger_table_shows_each_value_with_source_and_article(gold_ledger: Ledger) -> None:
    console = Console(record=True, width=220)
    ledger_table(gold_ledger.view(), console)
    text = console.export_text()
    assert "DISCREPANCY" in text and "released · 25 Dec" in text and "still held" in text
    assert "Foro Penal (ngo, verified)" in text and "004_f35519aa624f9e78" in text
    assert "at least 902" in text and "approximately 1,800" in text


def test_on_an_80_column_terminal_the_ledger_splits_no_word(gold_ledger: Ledger) -> None:
    console = Console(record=True, width=80)
    ledger_table(gold_ledger.view(), console)
    text = console.export_text()
    words = set(re.findall(r"\w+", text))
    assert {"DISCREPANCY", "released", "verified", "announced", "Penal"} <= words
    assert not {"DISCRE", "PANCY", "releas", "figu"} & words
    values = sum(len(g.values) for g in gold_ledger.view().groups)
    assert len(text.splitlines()) < 6 * values  # not one word per line


# --- the command -------------------------------------------------------------------------------


def test_ledger_command_prints_json_with_the_conflict(tmp_path) -> None:
    result = run_cli("ledger", GOLD, "--json", env=cli_env(None, tmp_path / "cache"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    ledger = Ledger.model_validate_json(result.stdout)
    assert group_with(ledger, 99, 61).status == "discrepancy"
    assert all(g.interesting for g in ledger.groups)
    everything = run_cli(
        "ledger", GOLD, "--json", "--all", env=cli_env(None, tmp_path / "cache"), cwd=ROOT
    )
    assert len(Ledger.model_validate_json(everything.stdout).groups) > len(ledger.groups)


def test_ledger_command_prints_a_table(tmp_path) -> None:
    env = cli_env(None, tmp_path / "cache", COLUMNS="200")
    result = run_cli("ledger", GOLD, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "CONFLICT" in result.stdout and "still held" in result.stdout


def test_ledger_command_on_a_missing_file_is_a_usage_error(tmp_path) -> None:
    result = run_cli("ledger", tmp_path / "nope.jsonl", env=cli_env(None, tmp_path / "c"), cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


# --- each kind of error seen on unseen real articles, on constructed articles (evals/ledger) ---

LEDGER_GOLD = ROOT / "evals" / "ledger" / "gold.json"


@pytest.mark.parametrize(
    ("name", "prefixes"), [("fresh.json", {"fr_"}), ("fresh34.json", {"f3_", "f4_"})]
)
def test_the_fresh_ledger_gold_names_only_quantity_claims_of_the_fresh_articles(
    name: str, prefixes: set[str]
) -> None:
    from extractor.ledger_eval import load_gold

    gold, records = load_gold(LEDGER_GOLD.with_name(name))
    claims = [c for g in gold.groups for c in g.claims]
    assert len(claims) == len(set(claims)) and {r.id[:3] for r in records} == prefixes
    by_id = {r.id: r for r in records}
    for ref in claims:
        article, index = ref.split("#")
        assert by_id[article].claims[int(index)].quantity is not None


@pytest.fixture(scope="module")
def ledger_gold():
    from extractor.ledger_eval import load_gold

    gold, records = load_gold(LEDGER_GOLD)
    return gold, records, build_ledger(records).view(show_all=True)


def case_pairs(ledger_gold, prefix: str):
    """Gold and predicted pairs touching the claims of the gold groups whose id starts so."""
    from extractor.ledger_eval import gold_pairs, ledger_pairs

    gold, _, ledger = ledger_gold
    claims = {c for g in gold.groups if g.id.startswith(prefix) for c in g.claims}
    expected, predicted = gold_pairs(gold), ledger_pairs(ledger)

    def touching(pairs):
        return {p for p in pairs if set(p) & claims}

    return (
        {k: touching(getattr(expected, k)) for k in ("links", "conflicts", "parts")},
        {k: touching(getattr(predicted, k)) for k in ("links", "conflicts", "parts")},
    )


@pytest.mark.parametrize("case", ["L01", "L02"])  # English, Spanish
def test_a_verification_dated_days_after_the_event_counts_that_event(ledger_gold, case) -> None:
    expected, predicted = case_pairs(ledger_gold, case)
    assert expected["links"] and predicted == expected
    group = next(g for g in ledger_gold[2].groups if case in g.values[0].article_id)
    assert group.status == "discrepancy" and group.conflicts[0].kind == "sources"


@pytest.mark.parametrize("case", ["L03", "L04"])
def test_an_undated_official_figure_joins_the_ngo_verification_sharing_no_topic_word(
    ledger_gold, case
) -> None:
    expected, predicted = case_pairs(ledger_gold, case)
    assert expected["links"] and predicted == expected


@pytest.mark.parametrize("case", ["L05", "L06"])
def test_event_counts_and_running_totals_each_group_and_never_compare(ledger_gold, case) -> None:
    expected, predicted = case_pairs(ledger_gold, case)
    assert len(expected["links"]) == 2 and predicted == expected
    kinds = {g.kind for g in ledger_gold[2].groups if case in g.values[0].article_id}
    assert kinds == {"event", "cumulative"}


@pytest.mark.parametrize("case", ["L07", "L08"])
def test_sub_counts_are_parts_of_their_total_not_conflicts_with_it(ledger_gold, case) -> None:
    expected, predicted = case_pairs(ledger_gold, case)
    assert expected["parts"] and predicted == expected
    [group] = [g for g in ledger_gold[2].groups if case in g.values[0].article_id]
    totals = {i for i, v in enumerate(group.values) if v.part is None}
    assert not any({c.a, c.b} & totals for c in group.conflicts)  # a part <= its total is fine
    assert len(group.conflicts) == 1  # the two sources' counts for one prison differ


@pytest.mark.parametrize("case", ["L09", "L10"])
def test_a_facility_count_is_not_set_against_a_nationwide_count_of_another_year(
    ledger_gold, case
) -> None:
    ledger = ledger_gold[2]
    expected, predicted = case_pairs(ledger_gold, case)
    assert predicted == expected
    singles = [g for g in ledger.groups if len(g.values) == 1 and case in g.values[0].article_id]
    assert any(g.values[0].part for g in singles)  # the prison's count stands alone


def test_a_stock_counted_as_of_two_days_is_two_counts_not_a_conflict(ledger_gold) -> None:
    expected, predicted = case_pairs(ledger_gold, "L11")
    held = [g for g in ledger_gold[2].groups if "L11" in g.values[0].article_id]
    assert predicted == expected and len(held) == 2
    assert {g.anchor for g in held} == {"as of 1 Mar", "as of 1 Jun"}


# --- the ledger scorer, on ledgers whose right score is known in advance ------------------------


def test_a_prison_count_equal_to_another_days_total_is_that_days_count_not_a_part_of_this_one() -> (
    None
):
    ledger = build_ledger(
        [
            record(
                "wire",
                claim("On December 25 the government announced 99 releases.", 99,
                      source="government", kind="government", time_text="December 25"),
                claim("At least 87 people were released from Tocorón prison on Thursday.", 87,
                      "at_least", source="rights groups", time_text="on Thursday"),
            ),
            record("ngo", claim("87 people were released on January 1, rights groups said.",
                                87, time_text="January 1")),
        ]
    )  # fmt: skip
    group = group_with(ledger, 87)
    assert 99 not in figures(group) and set(group.articles) == {"wire", "ngo"}


def test_a_verification_so_far_of_an_announced_release_is_that_release_not_a_running_total() -> (
    None
):
    ledger = build_ledger(
        [
            record("gov", claim("On March 3 the government announced 150 releases.", 150,
                                source="government", kind="government", time_text="March 3")),
            record("ngo", claim("Foro Penal has so far been able to verify 61 of the releases.",
                                61, unit="releases verified")),
            record("es", claim("Foro Penal solo pudo corroborar 61 de las 150 liberaciones.",
                               61, unit="liberaciones")),
        ]
    )  # fmt: skip
    group = group_with(ledger, 150, 61)
    assert group.status == "discrepancy" and group.kind == "event"
    assert {v.stance for v in group.values if v.value == 61} == {"verified"}


def test_a_count_since_dawn_is_that_days_count_not_a_running_total() -> None:
    ledger = build_ledger(
        [
            record("gov", claim("On Christmas Day the government released 99 prisoners.", 99,
                                source="government", kind="government")),
            record("blog", claim("A reporter counted between 50 and 60 people leaving Tocorón "
                                 "prison since dawn on Christmas Day.", None, "range",
                                 source="a reporter", kind="media", lower=50, upper=60)),
        ]
    )  # fmt: skip
    group = group_with(ledger, 99)
    assert group.kind == "event" and set(group.articles) == {"gov", "blog"}


def test_a_day_with_its_year_joins_the_same_day_without_one_but_not_another_year() -> None:
    ledger = build_ledger(
        [
            record("a", claim("The government said it released 99 prisoners on 25 December.", 99,
                              time_text="25 December")),
            record("b", claim("The government announced on 25 December 2025 that 99 prisoners "
                              "had been let go.", 99, time_text="25 December 2025")),
            record("c", claim("On 25 December 2024 the government freed 99 prisoners.", 99,
                              time_text="25 December 2024")),
        ]
    )  # fmt: skip
    together = [set(g.articles) for g in ledger.groups]
    assert {"a", "b"} in together and not any("c" in s and len(s) > 1 for s in together)


def test_a_count_between_two_days_is_a_running_total_set_against_the_others_of_that_period() -> (
    None
):
    ledger = build_ledger(
        [
            record("en", claim("The ministry announced 274 releases of political prisoners "
                               "between 25 December 2025 and 3 January 2026.", 274,
                               source="ministry", kind="government", location="Venezuela")),
            record("es", claim("Foro Penal verificó 156 excarcelaciones del 25 de diciembre al "
                               "3 de enero.", 156, location="Venezuela")),
            record("ngo", claim("Foro Penal said it could verify 114 releases in Venezuela "
                                "since Dec. 25.", 114, time_text="since Dec. 25",
                                location="Venezuela")),
            record("day", claim("The ministry released 99 prisoners on 25 December.", 99,
                                source="ministry", kind="government", time_text="25 December",
                                location="Venezuela")),
        ]
    )  # fmt: skip
    group = group_with(ledger, 274, 156, 114)
    assert group.kind == "cumulative" and 99 not in figures(group)
    pairs = {frozenset((group.values[c.a].value, group.values[c.b].value)) for c in group.conflicts}
    assert frozenset((274, 114)) in pairs


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("The ministry announced 274 releases between 25 December 2025 and 3 January 2026.", True),
        ("The ministry announced 274 releases between Dec. 25 and Jan. 3.", True),
        ("Foro Penal verified 40 releases between 25 and 31 December.", True),
        ("Foro Penal verificó 40 excarcelaciones del 25 al 31 de diciembre.", True),
        ("Se verificaron 156 excarcelaciones desde el 25 de diciembre hasta el 3 de enero.", True),
        ("Las excarcelaciones del 25 de diciembre y 3 de enero sumaron 187.", False),  # two days
        ("On 28 December the group verified 61 of the releases of 25 December.", False),
    ],
)  # fmt: skip
def test_a_period_is_read_between_paired_words_and_two_days(text: str, period: bool) -> None:
    from extractor.ledger_read import _spans_days

    assert _spans_days(text) is period


def test_running_totals_since_one_day_at_one_place_are_one_count_without_shared_words() -> None:
    ledger = build_ledger(
        [
            record("es", claim("El Gobierno de Nicolás Maduro anunció 187 excarcelaciones desde "
                               "el 25 de diciembre.", 187, source="Gobierno", kind="government",
                               time_text="desde el 25 de diciembre", location="Venezuela")),
            record("en", claim("Foro Penal said it had been able to verify only 114 releases "
                               "of people detained over the protests since Dec. 25.", 114,
                               time_text="since Dec. 25", location="Venezuela")),
            record("ke", claim("Police said 150 people had been freed on bail in Nairobi since "
                               "Dec. 25.", 150, time_text="since Dec. 25", location="Nairobi")),
        ]
    )  # fmt: skip
    assert set(group_with(ledger, 187, 114).articles) == {"es", "en"}


def test_an_undated_figure_of_another_story_joins_no_event_by_its_equal_figure_alone() -> None:
    ledger = build_ledger(
        [
            record("colombo", claim("The ministry said 19 detainees were freed in Colombo on "
                                    "3 March.", 19, source="ministry", kind="government",
                                    time_text="3 March", location="Sri Lanka")),
            record("andes", claim("Diecinueve campesinos recuperaron la libertad tras la "
                                  "audiencia.", 19, source="abogados", kind="other")),
            record("same", claim("Nineteen detainees walked free from Colombo's Welikada jail, "
                                 "the ministry said.", 19, source="ministry",
                                 kind="government")),
        ]
    )  # fmt: skip
    assert sorted(sorted(g.articles) for g in ledger.view(show_all=True).groups) == [
        ["andes"],
        ["colombo", "same"],
    ]


def test_some_of_the_released_counted_by_what_else_was_done_to_them_are_no_release_count() -> None:
    ledger = build_ledger(
        [
            record("gov", claim("On 25 December the government released 99 prisoners in "
                                "Venezuela.", 99, source="government", kind="government",
                                time_text="25 December", location="Venezuela")),
            record("ngo", claim("Foro Penal could verify only 61 of the 99 releases in "
                                "Venezuela.", 61, location="Venezuela")),
            record("adm", claim("The monitor interviewed 104 of the political prisoners "
                                "released in Venezuela.", 104, location="Venezuela")),
            record("es", claim("Al menos 14 de las personas excarceladas el 25 de diciembre "
                               "fueron obligadas a firmar un documento.", 14,
                               location="Venezuela")),
            record("sign", claim("The monitor found that 96 of the 104 released prisoners it "
                                 "interviewed had been made to sign documents.", 96,
                                 location="Venezuela")),
            record("since", claim("Nearly 2,000 of the people arrested have been released "
                                  "since the protests.", 2000, "nearly", location="Venezuela")),
        ]
    )  # fmt: skip
    assert set(group_with(ledger, 99, 61).articles) == {"gov", "ngo"}
    released = {v.article_id: v.kind for g in ledger.view(show_all=True).groups for v in g.values}
    assert released["since"] == "cumulative"  # "... of the arrested have been released"
    assert not any({"adm", "es", "sign"} & set(g.articles) and {"gov", "ngo"} & set(g.articles)
                   for g in ledger.view(show_all=True).groups)  # fmt: skip


@pytest.mark.parametrize(
    ("statement", "unit", "measure"),
    [
        ("Nearly 2,000 of the people arrested have been released since.", "people", "released"),
        ("Nearly 2,000 of the people arrested have been released since.", "people released",
         "released"),
        ("The monitor interviewed 104 of the political prisoners released in Venezuela.",
         "political prisoners", "released:some"),
        ("17 of the protesters killed in August were killed by police gunfire.", "protesters",
         "killed:some"),
        ("Hubo 187 excarcelaciones de los presos políticos desde el 25 de diciembre.",
         "excarcelaciones", "released"),
        ("On Monday 99 releases of the political prisoners took place.", "releases", "released"),
        ("Foro Penal could confirm only 61 of the 99 releases.", "releases", "released"),
        ("Un juez ordenó la libertad de 31 de los 35 docentes detenidos.", "teachers released",
         "released"),
    ],
)  # fmt: skip
def test_what_n_of_the_counts_is_read_past_the_set_it_is_taken_from(
    statement: str, unit: str, measure: str
) -> None:
    from extractor.ledger_read import ClaimText, read_claim

    value = float(re.search(r"\d[\d,.]*", statement)[0].replace(",", ""))  # type: ignore[index]
    facets = read_claim(ClaimText(statement, unit, None, value, None, None, None, "x"))
    assert facets.measure == measure


def test_an_ngos_per_prison_counts_are_parts_of_its_own_running_tally_not_a_days_release() -> None:
    held_at = ("According to the monitor, {} of the political prisoners whose release it "
               "verified had been held at {}.")  # fmt: skip
    ledger = build_ledger(
        [
            record("adm",
                   claim("The monitor confirmed 142 releases between 25 December 2025 and "
                         "3 January 2026.", 142, location="Venezuela"),
                   claim(held_at.format(58, "Tocorón prison"), 58, unit="political prisoners",
                         location="Tocorón prison"),
                   claim(held_at.format(37, "the Rodeo I detention centre"), 37,
                         unit="political prisoners", location="the Rodeo I detention centre")),
            record("fp",
                   claim("Foro Penal could confirm only 61 of the 99 releases announced on "
                         "Christmas Day.", 61, location="Venezuela"),
                   claim("On Christmas Day the ministry announced the release of 99 prisoners.",
                         99, source="ministry", kind="government", time_text="Christmas Day",
                         location="Venezuela")),
        ]
    )  # fmt: skip
    tally = group_with(ledger, 142, 58, 37)
    assert tally.kind == "cumulative" and {v.part for v in tally.values} >= {"tocoro", "rodeo"}
    assert set(group_with(ledger, 99, 61).articles) == {"fp"}  # 58 is not the 61 told by prison


@pytest.mark.parametrize(
    ("statement", "part"),
    [
        ("Three of the 27 pardoned prisoners released are over 70 years old.", "over 70"),
        ("Nueve de los presos políticos excarcelados son mayores de 60 años.", "over 60"),
        ("Between 50 and 60 of the prisoners freed are under 30 years old.", "under 30"),
        ("46 of the people detained on Tuesday were under the age of 18.", "minors"),
        ("Some 40 prisoners released had been held for over 2 years.", None),
        ("Over 70 prisoners were released on Monday.", None),
    ],
)  # fmt: skip
def test_an_age_group_makes_a_count_a_part(statement: str, part: str | None) -> None:
    from extractor.ledger_read import ClaimText, read_claim

    number = re.search(r"\d+|Three|Nueve|Between", statement)
    assert number
    facets = read_claim(ClaimText(statement, "people", number[0], None, None, None, None, "x"))
    assert facets.part == part


def test_the_country_named_as_the_country_is_no_other_place() -> None:
    ledger = build_ledger(
        [
            record("es", claim("Al menos 902 presos políticos siguen presos en el país.", 902,
                               "at_least", unit="political prisoners still held",
                               location="el país")),
            record("en", claim("At least 902 political prisoners remain in jail in Venezuela.",
                               902, "at_least", unit="political prisoners still held",
                               location="Venezuela")),
        ]
    )  # fmt: skip
    assert set(group_with(ledger, 902).articles) == {"es", "en"}


def test_hundreds_in_another_story_join_no_event_by_their_figure_alone() -> None:
    ledger = build_ledger(
        [
            record("bulletin", claim("On 25 December 2025 the ministry released 187 people from "
                                     "Venezuelan prisons.", 187, source="ministry",
                                     kind="government", time_text="25 December 2025")),
            record("mexico", claim("Cientos de maestros marcharon en Oaxaca para exigir la "
                                   "liberación de sus compañeros.", None, "vague",
                                   unit="teachers released", lower=200, upper=999,
                                   location="Oaxaca")),
            record("pakistan", claim("Hundreds of PTI supporters were released from Kot Lakhpat "
                                     "jail in Lahore.", None, "vague", lower=200, upper=999,
                                     location="Kot Lakhpat jail")),
        ]
    )  # fmt: skip
    assert all(len(g.articles) == 1 for g in ledger.groups), [g.articles for g in ledger.groups]


def test_a_count_of_releases_nobody_confirmed_is_not_set_against_the_announced_ones() -> None:
    ledger = build_ledger(
        [
            record("gov", claim("On 25 December the government announced 99 releases.", 99,
                                source="government", kind="government", time_text="25 December")),
            record("es", claim("38 de las 99 excarcelaciones anunciadas por el Gobierno no "
                               "fueron confirmadas.", 38,
                               unit="announced releases not verified")),
            record("en", claim("Foro Penal could not confirm 38 of the releases.", 38,
                               unit="releases")),
        ]
    )  # fmt: skip
    assert set(group_with(ledger, 99).articles) == {"gov"}
    assert set(group_with(ledger, 38).articles) == {"es", "en"}


def test_relatives_waiting_at_a_prison_are_not_set_against_the_prisoners_held() -> None:
    ledger = build_ledger(
        [
            record("a", claim("Hundreds of relatives of prisoners still held waited at the gate.",
                              None, "vague", unit="relatives waiting", lower=200, upper=999)),
            record("b", claim("More than 900 political prisoners remain in jail.", 900,
                              "more_than", unit="political prisoners still held")),
        ]
    )  # fmt: skip
    assert not any({"a", "b"} <= set(g.articles) for g in ledger.groups)


def gold_as_ledger(gold, records, merge_all: bool = False, singletons: bool = False) -> Ledger:
    """A ledger that says exactly what the gold says (or everything in one group, or nothing)."""
    from extractor.ledger import LedgerValue

    claims = {f"{r.id}#{i}": (r.id, i, c) for r in records for i, c in enumerate(r.claims)}
    members: list[list[tuple[str, str | None]]] = []
    for g in gold.groups:
        if g.part_of is None:
            parts = [(c, None) for c in g.claims]
            parts += [(c, p.id) for p in gold.groups if p.part_of == g.id for c in p.claims]
            members.append(parts)
    if merge_all:
        members = [[m for ms in members for m in ms]]
    if singletons:
        members = [[m] for ms in members for m in ms]
    groups = []
    for ms in members:
        values = []
        for ref, part in ms:
            article, index, c = claims[ref]
            values.append(
                LedgerValue(article_id=article, claim_index=index, figure="x", value=1, lower=None,
                            upper=None, qualifier="exact", unit="u", interval=interval("exact", 1),
                            source_name="s", source_kind="ngo", statement=c.statement,
                            time_text=None, date=None, disputed=False, part=part)
            )  # fmt: skip
        refs = [r for r, _ in ms]
        wanted = {frozenset(p) for g in gold.groups for p in g.conflicts}
        conflicts = [
            {"a": i, "b": j, "gap": 0.1}
            for i in range(len(refs))
            for j in range(i + 1, len(refs))
            if frozenset((refs[i], refs[j])) in wanted and not singletons
        ]
        groups.append(
            LedgerGroup.model_validate(
                {"category": "c", "label": "l", "anchor": None, "status": "compatible",
                 "summary": "", "interesting": True, "spread": 0, "articles": [],
                 "values": [v.model_dump() for v in values], "conflicts": conflicts}
            )
        )  # fmt: skip
    return Ledger(groups=groups)


def test_scorer_gives_the_gold_itself_full_marks_and_degraded_ledgers_their_known_score() -> None:
    from extractor.ledger_eval import gold_pairs, load_gold, score_ledger

    gold, records = load_gold(LEDGER_GOLD)
    perfect = score_ledger(gold_as_ledger(gold, records), gold, records)
    assert perfect.links.f1 == perfect.conflicts.f1 == perfect.parts.f1 == 1.0

    alone = score_ledger(gold_as_ledger(gold, records, singletons=True), gold, records)
    assert alone.links.recall == 0.0 and alone.links.true_positives == 0
    assert alone.conflicts.recall == 0.0 and alone.parts.recall == 0.0

    pairs = gold_pairs(gold)
    merged = score_ledger(gold_as_ledger(gold, records, merge_all=True), gold, records)
    n = sum(len(g.claims) for g in gold.groups)
    parts = sum(1 for g in gold.groups if g.part_of for _ in g.claims)
    wholes = n - parts
    predicted_links = wholes * (wholes - 1) // 2 + sum(
        len(g.claims) * (len(g.claims) - 1) // 2 for g in gold.groups if g.part_of
    )
    assert merged.links.recall == 1.0
    assert merged.links.precision == pytest.approx(len(pairs.links) / predicted_links, abs=1e-4)


def test_eval_ledger_command_reports_the_three_scores(tmp_path) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    out = tmp_path / "ledger.json"
    result = CliRunner().invoke(
        app, ["eval", "--ledger", "--ledger-gold", str(LEDGER_GOLD), "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "links" in result.output and "conflicts" in result.output and "parts" in result.output
    report = json.loads(out.read_text())
    assert 0 < report["links"]["f1"] <= 1 and report["claims"] > 60
    missing = CliRunner().invoke(app, ["eval", "--ledger", "--ledger-gold", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "--ledger-gold" in missing.output


def test_ledger_and_report_commands_import_neither_scipy_nor_rich_in_the_ledger(tmp_path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import extractor.ledger\n"
        "assert 'rich' not in sys.modules, 'ledger imports rich'\n"
        "from typer.testing import CliRunner\n"
        "from extractor.cli import app\n"
        f"r = CliRunner().invoke(app, ['ledger', {str(GOLD)!r}, '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"r = CliRunner().invoke(app, ['report', {str(GOLD)!r}, '-o', {str(tmp_path / 'r')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'scipy' not in sys.modules, 'scipy imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_a_group_of_a_thousand_figures_lists_its_widest_conflicts_not_half_a_million() -> None:
    statement = "On December 25 the authorities released {} prisoners in Caracas."
    records = [
        record(f"a{n}", claim(statement.format(100 + n), 100 + n, time_text="December 25"))
        for n in range(1000)
    ]
    [group] = build_ledger(records).groups
    assert len(group.values) == 1000 and group.status == "conflict"
    assert 0 < len(group.conflicts) <= 64
    widest = max(group.conflicts, key=lambda c: c.gap)
    assert {group.values[widest.a].value, group.values[widest.b].value} == {100.0, 1099.0}


@pytest.mark.usefixtures("may_fork")
def test_read_clustered_and_judged_in_worker_processes_the_ledger_is_the_same(monkeypatch) -> None:
    from extractor import ledger, ledger_read

    records = [
        *load_records(GOLD).values(),
        *load_records(ROOT / "evals" / "ledger" / "articles").values(),
        *load_records(ROOT / "evals" / "gold-fresh" / "en").values(),
        *load_records(ROOT / "evals" / "gold-fresh" / "es").values(),
    ]
    here = build_ledger(records, workers=0).model_dump_json()
    monkeypatch.setattr(ledger_read, "SERIAL_CLAIMS", 5)  # the rest in tasks of 7 claims
    monkeypatch.setattr(ledger_read, "BATCH", 7)
    monkeypatch.setattr(ledger, "FORKED_ITEMS", 1)  # blocks clustered, groups judged in workers
    assert build_ledger(records, workers=2).model_dump_json() == here


def test_undated_counts_a_tenth_apart_one_after_another_do_not_chain_beyond_three_times() -> None:
    """100, 108, 117 ... 1,000: each within 10% of the one before, all about the same protest.
    One cluster would set 100 against 1,000 as one count; a cluster spans at most 3x."""
    values = [100.0]
    while values[-1] < 1000:
        values.append(round(values[-1] * 1.08))
    records = [
        record(f"a{n}", claim(f"Police said {v:.0f} people were arrested after the march.", v,
                              unit="people arrested", source="police", kind="government"))
        for n, v in enumerate(values)
    ]  # fmt: skip
    groups = build_ledger(records).groups
    assert len(groups) > 1
    for group in groups:
        stated = [v.value for v in group.values if v.value is not None]
        assert max(stated) <= 3 * min(stated), stated


def test_a_group_with_hundreds_of_parts_lists_the_widest_of_its_part_conflicts_only() -> None:
    total = "On December 25 the authorities released 10 prisoners in the country."
    part = "On December 25, {} prisoners were released from the {} prison."
    syllables = ["ba", "ko", "ru", "de", "mi", "sa", "to"]
    names = [f"{a}{b}{c}".capitalize() for a in syllables for b in syllables for c in syllables]
    names = names[:200]  # places are told apart by their first six letters
    parts = [claim(part.format(20 + k, n), 20 + k, time_text="December 25") for k, n in
             enumerate(names)]  # fmt: skip
    [group] = build_ledger([record("a", claim(total, 10, time_text="December 25"), *parts)]).groups
    exceeding = [c for c in group.conflicts if c.kind == "part_exceeds_total"]
    assert len({v.part for v in group.values if v.part}) == len(names) == 200
    assert len(exceeding) == 128  # not one for each of the 200 parts
    listed = sorted(group.values[c.b].value or 0 for c in exceeding)
    assert listed == [20.0 + k for k in range(200 - 128, 200)]  # the widest: the largest parts
    assert group.status == "conflict"


def _gated_patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str], bool]]:
    from extractor import ledger_read as r

    cases = [(name, r._CATEGORY_GATES[name], p, False) for name, p in r._CATEGORIES]
    cases += [(name, r._STANCE_GATE, p, False) for name, p in r._STANCES]
    cases += [(name, r._GROUP_GATE, p, False) for name, p in r._GROUPS]
    cases += [("running", r._RUNNING_GATE, r._RUNNING, False)]
    cases += [("facility", r._FACILITY_GATE, r._FACILITY_HINT, True)]
    cases += [("month", r._MONTH_GATE, r._MONTH_HINT, True)]
    cases += [("holiday", r._HOLIDAY_GATE, r._HOLIDAY_HINT, True)]
    cases += [("unconfirmed", r._UNCONFIRMED_GATE, r._UNCONFIRMED, True)]
    cases += [("span", r._SPAN_GATE, r._SPAN_HINT, True)]
    cases += [("age", r._AGE_GATE, r._AGE, False)]
    return cases


@pytest.mark.parametrize("case", _gated_patterns(), ids=lambda c: c[0])
def test_every_text_a_cue_pattern_matches_passes_its_gate(case) -> None:
    """The gates skip a pattern only where it cannot match: random strings of each pattern,
    in context (and, for the case-blind ones, in random case) pass the gate."""
    from extractor.ledger_read import _may_match
    from extractor.testing.regex_strings import random_match

    _, gate, pattern, case_blind = case
    rng = random.Random(14)
    for _ in range(300):
        text = f"On Monday, {random_match(pattern.pattern, rng)} said the report."
        if case_blind:
            text = "".join(c.upper() if rng.random() < 0.3 else c for c in text)
            assert pattern.search(text) and _may_match(text, gate, pattern), text
        elif pattern.search(text):
            assert gate.search(text), text
