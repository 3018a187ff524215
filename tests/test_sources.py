"""Source names: the same source however an article or an annotator spells it, and only then.

The variants are the gold's own (evals/gold and evals/annotations, and the seed text itself);
the aliases come from evals/aliases.toml, not from code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.evaluation import load_records
from extractor.evaluation.sources import SourceNames

ROOT = Path(__file__).resolve().parent.parent
NAMES = SourceNames.from_file(ROOT / "evals/aliases.toml")

SAME = [
    ("the NGO Foro Penal", "Foro Penal"),
    ("Foro Penal (Penal Forum)", "Foro Penal"),
    ("Foro Penal, an NGO monitoring detentions", "Foro Penal"),  # as the seed names it
    ("Human rights group Foro Penal", "the NGO Foro Penal"),
    ("Penal Forum", "Foro Penal"),  # an alias from evals/aliases.toml
    ("US President Donald Trump", "Donald Trump"),  # annotator A / gold
    ("U.S. officials", "US officials"),
    ("U.S. administration", "US administration"),
    ("Venezuelan officials", "officials"),
    ("Mothers’ Committee for the Defense of Truth", "Committee of Mothers in Defense of the Truth"),
    ("Nicolás Maduro", "Nicolas Maduro"),
    ("Venezuelan authorities", "Venezuelan government"),  # alias
    ("Ministerio para el Servicio Penitenciario", "Ministry of Penitentiary Service"),  # alias
    (
        "Comité por la Libertad de los Presos Políticos",
        "Committee for the Freedom of Political Prisoners",
    ),
    ("The article", "the article"),
]
DIFFERENT = [
    ("Venezuelan government", "Venezuelan opposition"),
    ("US government", "Venezuelan government"),
    ("rights groups", "rights groups and relatives"),
    (
        "Committee for the Freedom of Political Prisoners",
        "Committee for the Freedom of Political Prisoners and Committee of Mothers in Defense "
        "of the Truth",
    ),
    ("Nicolás Maduro", "the article"),
    ("María Corina Machado", "the article"),
    ("Venezuelan experts", "Venezuelan opposition"),
    ("independent monitors", "independent analyses"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_variants_of_one_source_are_the_same(a: str, b: str) -> None:
    assert NAMES.same(a, b) and NAMES.same(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_sources_stay_different(a: str, b: str) -> None:
    assert not NAMES.same(a, b) and not NAMES.same(b, a)


def test_aliases_are_data_not_code() -> None:
    bare = SourceNames()
    assert not bare.same("Venezuelan authorities", "Venezuelan government")
    assert bare.same("the NGO Foro Penal", "Foro Penal")  # the rule needs no alias


def test_every_source_name_in_the_gold_is_the_same_as_itself_only_among_distinct_sources() -> None:
    names = {
        c.source.name
        for folder in ("gold", "annotations/a", "annotations/b")
        for r in load_records(ROOT / "evals" / folder).values()
        for c in r.claims
    }
    for name in names:
        assert NAMES.same(name, name)
    # no name swallows every other: each is the same as at most a handful of spellings
    assert max(sum(NAMES.same(a, b) for b in names) for a in names) <= 4


def test_a_malformed_alias_file_says_how_to_write_it(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.toml"
    bad.write_text('[sources]\n"Foro Penal" = "Penal Forum"\n')
    with pytest.raises(ConfigError, match=r'\[sources\] as "Name" = \["other name"'):
        SourceNames.from_file(bad)
