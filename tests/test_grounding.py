from __future__ import annotations

from extractor.grounding import align, ground
from extractor.schemas import ClaimSet, DraftClaim, Quote

TEXT = (
    "Venezuela’s government released at least 60 people.\n"
    "Relatives said the  detainees were held at Tocorón prison — far from Caracas."
)


def _claim(quote: str) -> DraftClaim:
    return DraftClaim.model_validate(
        {
            "statement": "s",
            "subject": "x",
            "source": {"name": "the article"},
            "evidence": {"quote": quote},
        }
    )


def test_exact_quote_gets_offsets_that_slice_back_to_the_quote() -> None:
    quote = "released at least 60 people"
    evidence = align(quote, TEXT)
    assert evidence.alignment == "exact"
    assert TEXT[evidence.start : evidence.end] == quote


def test_straight_quotes_dashes_spacing_and_case_align_fuzzily_to_the_original_span() -> None:
    evidence = align("venezuela's GOVERNMENT released", TEXT)
    assert evidence.alignment == "fuzzy"
    assert TEXT[evidence.start : evidence.end] == "Venezuela’s government released"
    evidence = align("the detainees were held at Tocorón prison - far from Caracas", TEXT)
    assert evidence.alignment == "fuzzy"
    assert TEXT[evidence.start : evidence.end] == (
        "the  detainees were held at Tocorón prison — far from Caracas"
    )


def test_a_quote_with_one_wrong_character_still_aligns_fuzzily() -> None:
    evidence = align("Relatives said the detainees were held at Tocoron prison", TEXT)
    assert evidence.alignment == "fuzzy"
    assert "Tocorón prison" in TEXT[evidence.start : evidence.end]


def test_an_invented_quote_is_kept_with_no_offsets() -> None:
    evidence = align("The moon landing happened in 1969.", TEXT)
    assert (evidence.alignment, evidence.start, evidence.end) == ("none", None, None)


def test_ground_keeps_every_claim_and_its_fields() -> None:
    answer = ClaimSet(claims=[_claim("at least 60 people"), _claim("nothing like this")])
    grounded, missing = ground(answer, TEXT)
    claims = grounded.claims  # type: ignore[attr-defined]
    assert [c.evidence.alignment for c in claims] == ["exact", "none"]
    assert claims[0].source.name == "the article"
    assert missing == ["claims.1.evidence"]
    assert answer.claims[0].evidence == Quote(quote="at least 60 people")  # the input is kept


def test_offsets_index_the_text_as_read_with_multibyte_characters() -> None:
    text = "Ñandú — “quoted” 87 people were freed."
    evidence = align("87 people were freed", text)
    assert text[evidence.start : evidence.end] == "87 people were freed"
