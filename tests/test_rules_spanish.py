"""The rules baseline on Spanish (and English beside it): number formats, hedges, dates,
attribution, canonical sources and the language detector. Sentences written here, not taken
from the seeds or the unseen gold set."""

from __future__ import annotations

import pytest

from extractor.backends.rules import extract_claims
from extractor.backends.rules.languages import detect, languages
from extractor.schemas import DraftClaim

SPANISH = """Diario del Sur
Internacional

Liberan a presos en Arvandia

Al menos 107 presos políticos fueron excarcelados el jueves en Arvandia, según la organización Voces Libres.
Más de 900 personas siguen detenidas por motivos políticos, denunció Voces Libres.
Unos 720 reclusos recibieron medidas cautelares, informó el Gobierno de Arvandia.
Las protestas del 28 de julio dejaron 2.000 detenidos y casi dos mil heridos, según la Fiscalía General.
Cientos de familiares esperaron frente a la cárcel desde las 6:00, y decenas de ellos pasaron la noche allí.
Amnistía Internacional pidió la liberación de todos los presos políticos.
El ministro, de 54 años, aseguró que el 40 % de los liberados volverá a su trabajo y que el Estado pagará 5.000 pesos a cada uno.
Lea también: Otra noticia con 300 detenidos
Noticias relacionadas
Un tribunal condenó a 80 personas.
"""  # noqa: E501


def by_text(text: str) -> dict[str, DraftClaim]:
    return {
        c.quantity.text.lower(): c for c in extract_claims(text) if c.quantity and c.quantity.text
    }


@pytest.fixture(scope="module")
def found() -> dict[str, DraftClaim]:
    return by_text(SPANISH)


def test_the_language_is_detected_per_article() -> None:
    assert detect(SPANISH) == "es"
    assert detect("At least 87 people were released on Thursday, rights groups said.") == "en"
    assert detect("") == "en"
    assert set(languages()) >= {"en", "es"}


@pytest.mark.parametrize(
    ("written", "qualifier", "value"),
    [
        ("al menos 107", "at_least", 107),
        ("más de 900", "more_than", 900),
        ("unos 720", "about", 720),
        ("2.000", "exact", 2000),
        ("casi dos mil", "nearly", 2000),
    ],
)
def test_spanish_hedges_and_number_formats(
    found: dict[str, DraftClaim], written: str, qualifier: str, value: float
) -> None:
    quantity = found[written].quantity
    assert quantity is not None
    assert (quantity.qualifier, quantity.value) == (qualifier, value)


@pytest.mark.parametrize(
    ("sentence", "written", "qualifier", "value"),
    [
        (
            "La ONG estima que al menos el 40 % de los presos están enfermos.",
            "al menos el 40 %",
            "at_least",
            40,
        ),
        (
            "Las pérdidas superan los 120 millones de dólares, según la Cámara.",
            "superan los 120 millones de dólares",
            "more_than",
            120e6,
        ),
        (
            "Según sus datos, más de mil presos políticos siguen en las cárceles.",
            "más de mil",
            "more_than",
            1000,
        ),
        (
            "Casi la mitad llevaba más de dos años en prisión, según la ONG.",
            "Casi la mitad",
            "nearly",
            50,
        ),
        (
            "Menos de la mitad de los presos tiene abogado, según la ONG.",
            "Menos de la mitad",
            "less_than",
            50,
        ),
        (
            "More than half of the detainees were students, the group said.",
            "More than half",
            "more_than",
            50,
        ),
        (
            "About a third of those freed were women, the group said.",
            "About a third",
            "about",
            33.3,
        ),
        (
            "Losses exceeded 120 million dollars, the chamber said.",
            "exceeded 120 million dollars",
            "more_than",
            120e6,
        ),
    ],
)
def test_hedges_with_an_article_verbs_of_excess_a_thousand_and_shares(
    sentence: str, written: str, qualifier: str, value: float
) -> None:
    [quantity] = [c.quantity for c in extract_claims(sentence) if c.quantity]
    assert (quantity.text, quantity.qualifier, quantity.value) == (written, qualifier, value)


def test_half_an_hour_and_a_third_term_are_no_shares() -> None:
    text = "The wait took half an hour at the gate.\nHe won a third term in the July vote.\n"
    assert not [c for c in extract_claims(text) if c.quantity]


def test_spanish_vague_counts_have_bounds(found: dict[str, DraftClaim]) -> None:
    assert (found["cientos"].quantity.lower, found["cientos"].quantity.upper) == (200, 999)  # type: ignore[union-attr]
    assert found["decenas"].quantity.qualifier == "vague"  # type: ignore[union-attr]


def test_spanish_dozens_and_several_hundred() -> None:
    text = (
        "La policía detuvo a dos docenas de jóvenes el lunes, según la Defensoría.\n"
        "Varios cientos de personas marcharon el martes por el centro de la ciudad.\n"
    )
    found = {c.quantity.text: c.quantity for c in extract_claims(text) if c.quantity}
    assert found["dos docenas"].value == 24
    assert (found["Varios cientos"].lower, found["Varios cientos"].upper) == (200, 999)


def test_dates_times_ages_percentages_and_money_are_never_counts_of_people(
    found: dict[str, DraftClaim],
) -> None:
    values = {c.quantity.value for c in found.values() if c.quantity}
    assert not values & {28, 6, 54}  # "28 de julio", "las 6:00", "de 54 años"
    assert found["40 %"].quantity.unit == "percent"  # type: ignore[union-attr]
    assert found["5.000 pesos"].quantity.unit == "pesos"  # type: ignore[union-attr]


def test_a_spanish_date_keeps_its_text_and_no_invented_year(found: dict[str, DraftClaim]) -> None:
    claim = found["2.000"]
    assert (claim.time_text, claim.date) == ("28 de julio", None)
    (dated,) = [c for c in extract_claims("Fue detenido el 29 de julio de 2022, dijo su abogado.")]
    assert (dated.time_text, dated.date) == ("29 de julio de 2022", "2022-07-29")


def test_spanish_attribution_and_canonical_sources(found: dict[str, DraftClaim]) -> None:
    assert found["al menos 107"].source.name == "Voces Libres"
    assert found["más de 900"].source.name == "Voces Libres"
    assert (
        found["unos 720"].source.name == "Arvandian government"
        or found["unos 720"].source.kind == "government"
    )
    assert found["2.000"].source.name == "Fiscalía General"
    (amnesty,) = [c for c in extract_claims(SPANISH) if c.evidence.quote.startswith("Amnistía")]
    assert amnesty.quantity is None and amnesty.source.name == "Amnesty International"


def test_the_government_is_named_after_its_country() -> None:
    (claim,) = extract_claims("El Gobierno cubano anunció la excarcelación de 553 presos.")
    assert (claim.source.name, claim.source.kind) == ("Cuban government", "government")


def test_spanish_furniture_and_other_stories_are_skipped() -> None:
    quotes = [c.evidence.quote for c in extract_claims(SPANISH)]
    assert not [q for q in quotes if "Lea también" in q or "80 personas" in q]


def test_words_of_one_language_are_not_read_in_another() -> None:
    # "miles" and "once" are Spanish number words, but not in English
    claims = extract_claims(
        "The convoy travelled 134km (83 miles) once the road opened, officials said."
    )
    assert [c.quantity.value for c in claims if c.quantity] == [134]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Al menos 107 presos fueron excarcelados, según la ONG Foro Penal.", "Foro Penal"),
        (
            "Más de 900 siguen presos, informó la organización no gubernamental Foro Penal.",
            "Foro Penal",
        ),
        ("At least 87 were freed, the NGO Foro Penal said.", "Foro Penal"),
        ("At least 87 were freed, the Penal Forum said.", "Foro Penal"),
        ("Amnistía Internacional denunció 40 detenciones.", "Amnesty International"),
        (
            "El fiscal general, Tarek William Saab, informó que 2.000 detenidos salieron.",
            "Tarek William Saab",
        ),
        ("Guatemala's foreign ministry said 135 people arrived.", "Guatemalan foreign ministry"),
    ],
)
def test_recurring_sources_get_one_name_in_both_languages(sentence: str, name: str) -> None:
    assert extract_claims(sentence)[-1].source.name == name


def test_he_said_and_a_second_predicate_keep_the_speaker() -> None:
    text = (
        'Ana Ruiz said 40 prisoners were freed. "This is not enough," she said.\n'
        "The Cuban foreign ministry rejected the report and denied that 20 prisoners were ill.\n"
    )
    claims = extract_claims(text)
    quoted = next(c for c in claims if c.evidence.quote.startswith('"This'))
    assert quoted.source.name == "Ana Ruiz"
    denied = next(c for c in claims if c.quantity and c.quantity.value == 20)
    assert denied.source.name.removeprefix("The ") == "Cuban foreign ministry"


@pytest.mark.parametrize(
    ("sentence", "name", "value"),
    [
        ("The Committee to Protect Journalists said 30 reporters were jailed.", None, 30),
        ("La Red de Apoyo (REDA) denunció que 15 activistas fueron detenidos.", "Red de Apoyo", 15),
        ("The state oil company PETRONA said 12 workers were hurt.", "PETRONA", 12),
        ("Unas 500 personas marcharon, según los organizadores.", "organisers", 500),
        ("La policía liberó a seis personas, informó la Defensoría.", "Defensoría", 6),
    ],
)
def test_names_inside_brackets_descriptors_and_spanish_generic_actors(
    sentence: str, name: str | None, value: float
) -> None:
    claim = next(c for c in extract_claims(sentence) if c.quantity)
    assert claim.quantity is not None and claim.quantity.value == value
    expected = name or "The Committee to Protect Journalists"
    assert claim.source.name == expected


def _counts(text: str) -> list[tuple[str, float | None, float | None]]:
    return [
        (c.quantity.qualifier, c.quantity.value, c.quantity.lower)
        for c in extract_claims(text)
        if c.quantity
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Caracas, 26 dic (APS).- Las autoridades excarcelaron a 40 presos políticos.",
        "Lima, 3 ene (EFE).- La policía detuvo a 40 manifestantes.",
        "La próxima marcha está convocada para el miércoles 19, a las 17, y reunirá a 40 personas.",
        "Los 40 detenidos salieron a las 4 de la madrugada del penal.",
        "Entre los 40 encarcelados hay estudiantes de entre 19 y 24 años, según sus familias.",
        "The 40 detainees, aged between 18 and 26, were freed on Friday, their lawyers said.",
    ],
)
def test_datelines_weekday_days_clock_times_and_age_ranges_are_not_counts(sentence: str) -> None:
    assert _counts(sentence) == [("exact", 40.0, None)]


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("La policía detuvo a entre 50 y 60 personas, según la Defensoría.", ("range", None, 50)),
        (
            "El opositor obtuvo más del 60% de los votos, dijo la oposición.",
            ("more_than", 60, None),
        ),
        ("La lira perdió cerca de un 12 % de su valor, informó el banco.", ("nearly", 12, None)),
        ("Más de un centenar de personas murieron, según la ONG.", ("more_than", 100, None)),
        ("At least a dozen people were detained, the group said.", ("at_least", 12, None)),
        ("La jueza ordenó la liberación de las 114 personas detenidas.", ("exact", 114, None)),
    ],
)
def test_ranges_hedges_with_an_article_and_counted_nouns(
    sentence: str, count: tuple[str, float | None, float | None]
) -> None:
    assert _counts(sentence) == [count]


def test_a_back_reference_needs_a_count_before_it() -> None:
    assert _counts("Foro Penal verificó 61 de los 99 liberados.") == [("exact", 61, None)]


def test_the_ministry_and_the_body_resolve_to_the_actor_named_before() -> None:
    text = (
        "El Ministerio de Seguridad informó que 20 agentes resultaron heridos.\n"
        "La cartera aseguró que menos de 10 manifestantes fueron detenidos.\n"
    )
    sources = [c.source.name for c in extract_claims(text) if c.quantity]
    assert sources == ["Ministerio de Seguridad", "Ministerio de Seguridad"]


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("Foro Penal solo pudo verificar 61 de esos casos.", "Foro Penal"),
        ("El Comité de Madres eleva a al menos 87 el número de excarcelados.", "Comité de Madres"),
        (
            "La Comisión por la Memoria recordó que hubo más de 300 detenciones.",
            "Comisión por la Memoria",
        ),
        ("The Lawyers Guild has since verified 45 of the releases.", "The Lawyers Guild"),
        ("El SAME confirmó que atendió a 12 personas cerca del Congreso.", "SAME"),
        ("Las madres aseguran que les leyeron una lista de 40 nombres.", "Las madres"),
        ("Foro Penal cifraba en 902 el número de presos políticos en diciembre.", "Foro Penal"),
    ],
)
def test_counting_verbs_and_words_between_a_source_and_its_verb(sentence: str, source: str) -> None:
    assert [c.source.name for c in extract_claims(sentence) if c.quantity] == [source]


def test_a_report_or_office_of_a_source_is_that_source() -> None:
    spanish = (
        "Foro Penal dijo que las excarcelaciones son lentas.\n"
        "Según el último balance de la organización, en el país quedan 811 presos políticos.\n"
        "En Lara había 74 presos políticos, de acuerdo con su coordinación regional.\n"
    )
    english = (
        "Foro Penal said the releases were slow.\n"
        "According to the group's latest tally, 811 people remain jailed.\n"
        "According to its data, 700 were detained in July.\n"
    )
    for text in (spanish, english):
        sources = [c.source.name for c in extract_claims(text) if c.quantity]
        assert sources == ["Foro Penal", "Foro Penal"], text


def test_a_sentence_opening_with_a_speech_verb_goes_on_with_the_last_speaker() -> None:
    text = (
        "El comandante Hernán Vásconez informó que 120 personas fueron detenidas en el país.\n"
        "Añadió que 26 agentes resultaron heridos, tres de ellos por impacto de piedras.\n"
    )
    claims = {c.quantity.value: c for c in extract_claims(text) if c.quantity}
    assert {value: c.source.name for value, c in claims.items()} == dict.fromkeys(
        (120, 26, 3), "Hernán Vásconez"
    )
    assert claims[26].statement == "Hernán Vásconez añadió que 26 agentes resultaron heridos."


def test_an_unresolved_pronoun_is_never_written_as_an_attribution() -> None:
    text = "He said 31 police officers were injured, four of them seriously.\n"
    statements = [c.statement for c in extract_claims(text)]
    assert statements == ["He said 31 police officers were injured.", "Four of them seriously."]


def test_a_running_list_and_a_numbered_list_give_their_items_and_no_item_numbers() -> None:
    text = (
        "COMUNICADO DE PRENSA\n"
        "Observatorio Nicaragüense de Presos Políticos (ONPP)\n\n"
        "Según nuestros registros, al menos 73 personas siguen presas en Nicaragua.\n\n"
        "De las 73 personas presas políticas:\n"
        "- 11 son mujeres;\n"
        "- 9 son mayores de 60 años;\n\n"
        "Exigimos:\n"
        "1. La liberación inmediata de todas las personas presas políticas.\n"
        "2. Información pública sobre el paradero de las 14 personas desaparecidas.\n\n"
        "En Nicaragua\n\nEl ONPP pudo confirmar la identidad de 16 de ellas.\n"
    )
    claims = extract_claims(text)
    statements = [c.statement for c in claims]
    assert "11 son mujeres." in statements and "9 son mayores de 60 años." in statements
    assert sorted(c.quantity.value for c in claims if c.quantity) == [9, 11, 14, 16, 73]
    assert not any(s.startswith(("1.", "2.")) for s in statements)
    assert statements[-1].startswith("El Observatorio Nicaragüense de Presos Políticos pudo")


def test_two_verbs_sharing_an_object_stay_one_claim() -> None:
    text = "El 23 de diciembre el Gobierno excarceló y expulsó del país a unas 20 personas.\n"
    [claim] = extract_claims(text)
    assert claim.statement == text.strip() and claim.quantity.value == 20  # type: ignore[union-attr]


def test_a_date_before_the_source_is_not_part_of_its_name_and_the_government_is_the_countrys() -> (
    None
):
    text = (
        "Venezuela liberó a más presos. El Ministerio de Servicio Penitenciario informó el viernes "
        "de 88 excarcelaciones.\n"
        "Recordemos: el 25 de diciembre el Gobierno anunció la salida de 99 presos.\n"
        "On 1 January the Ministry of Penitentiary Service announced a further 88 releases.\n"
    )
    sources = [c.source.name for c in extract_claims(text) if c.quantity]
    assert sources == [
        "Ministry of Penitentiary Service",
        "Venezuelan government",
        "the Ministry of Penitentiary Service",
    ]


def test_ages_after_a_name_ordinal_marks_and_clock_words_are_no_counts() -> None:
    spanish = (
        "Carmen viajó desde Cagua para recibir a su hijo Jhonny, de 27, detenido en julio.\n"
        "Otros seis seguían en la comisaría 1.ª y serán indagados mañana por la mañana.\n"
    )
    assert [c.quantity.value for c in extract_claims(spanish) if c.quantity] == [6]
    english = '"They called us at five in the morning," said Yolimar Perez, whose son is held.\n'
    assert not [c for c in extract_claims(english) if c.quantity]


def test_a_capitalised_name_that_ends_like_a_participle_stays_whole() -> None:
    text = "Según la Red de Abogados por la Protesta, 28 de los detenidos quedaron libres.\n"
    [claim] = extract_claims(text)
    assert claim.source.name == "Red de Abogados por la Protesta"


def test_an_acronym_after_an_aside_and_a_leading_pronoun_keep_the_source() -> None:
    text = (
        "The Law Society of Kenya (LSK), however, says that at least 200 detainees face charges.\n"
        "Jorge Salcedo, a reporter for the station, said 20 buses had arrived.\n"
        "He has counted 50 people leaving the prison since dawn.\n"
    )
    sources = [c.source.name for c in extract_claims(text) if c.quantity]
    assert sources == ["The Law Society of Kenya", "Jorge Salcedo", "Jorge Salcedo"]


def test_two_counts_joined_by_y_are_two_clauses_attributed_in_spanish() -> None:
    text = (
        "En la marcha resultaron heridas 12 personas y unas 300 fueron detenidas, según la "
        "Defensoría del Pueblo.\n"
    )
    statements = {c.quantity.value: c.statement for c in extract_claims(text) if c.quantity}
    assert statements == {
        12: "En la marcha resultaron heridas 12 personas, según la Defensoría del Pueblo.",
        300: "Unas 300 fueron detenidas, según la Defensoría del Pueblo.",
    }
