"""Decontextualisation measures on sentences written here, not taken from the gold."""

from __future__ import annotations

import pytest

from extractor.evaluation.decontext import context_kept, unresolved


@pytest.mark.parametrize(
    ("statement", "leans_on_context"),
    [
        ("He said 5 detainees were freed.", True),
        ("They were freed on Thursday.", True),
        ("We celebrate the release of 60 Venezuelans.", True),
        ("The release of my brother came late.", True),
        ("The group, comprised of activists, tracks arrests.", True),
        ("The Committee for the Freedom of Political Prisoners said 60 were freed.", False),
        ("Foro Penal counts 902 political prisoners in Venezuela.", False),
        ("Members of the opposition met in Caracas.", False),
        ("Theresa May met the US delegation.", False),
    ],
)
def test_unresolved_flags_pronouns_first_person_and_the_group(
    statement: str, leans_on_context: bool
) -> None:
    assert unresolved(statement) is leans_on_context


def test_context_kept_is_the_share_of_what_the_gold_adds_to_its_quote() -> None:
    quote = "The group released 60 of them on Thursday."
    gold = "Foro Penal released 60 political prisoners in Venezuela on Thursday."
    # the gold adds: foro, penal, political, prisoners, venezuela (5 words)
    assert context_kept(quote, gold, quote) == 0.0
    assert context_kept(gold, gold, quote) == 1.0
    assert context_kept("Foro Penal released 60 people on Thursday.", gold, quote) == 2 / 5
    assert context_kept("anything", quote, quote) is None  # the gold adds nothing
