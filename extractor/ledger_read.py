"""Reading one quantity claim for the ledger: what it counts, of which kind, by whose word, of
which part, when, and what it is about (the facets of extractor/ledger.py's model).

Everything here is a function of the claim's own texts (`ClaimText`), so claims can be read in
any order or in another process (`read_claims`). The cue words are regular expressions over the
casefolded statement; each pattern has a gate, a plain alternation of literals it cannot match
without, checked first: most statements hold no cue word of most tables, and a gate costs ~1 µs
where its pattern costs 5-10 µs.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from typing import NamedTuple, TypeVar

from .forked import cpus, forked_map, may_fork

Day = tuple[int | None, int | None, int | None]  # (year, month, day), each None when not said


class ClaimText(NamedTuple):
    """What reading a claim looks at: its texts (flat and small, to send to a worker)."""

    statement: str
    unit: str
    text: str | None  # the quantity as written
    value: float | None
    time_text: str | None
    date: str | None
    location: str | None
    source: str  # the source's name


class Facets(NamedTuple):
    """A claim as the rules read it (extractor/ledger.py: the model)."""

    measure: str
    kind: str
    stance: str
    part: str | None  # "facility:<place words>" or a sub-group, when the count is a part
    day: Day
    window: bool  # a verification dated by its report: the event is up to 14 days before
    words: frozenset[str]  # topic words (stems)


def read_claims(claims: list[ClaimText]) -> list[Facets]:
    """`read_claim` of each (one task of a worker process)."""
    return [read_claim(claim) for claim in claims]


def read_claim(claim: ClaimText) -> Facets:
    """The facets of one claim, from its fields first and its statement second."""
    text = claim.statement.casefold()
    at = _quantity_position(text, claim.text, claim.value)
    unit = claim.unit.casefold()
    unit_measure, unit_stance, unit_group = _unit_facets(unit)
    measure = unit_measure or _category(unit, text, at)
    stance = unit_stance or _stance(text)
    if _may_match(unit, _UNCONFIRMED_GATE, _UNCONFIRMED) or (
        _may_match(text, _UNCONFIRMED_GATE, _UNCONFIRMED)
    ):
        # "38 of the 99 releases could not be confirmed": a count of what nobody checked, set
        # against other such counts only, never against the releases themselves
        measure, stance = f"{measure}:unconfirmed", "reported"
    part = unit_group or _part(claim, text, at)
    if part is None and at is not None:
        end = _quantity_end(text, at, claim.text)
        measure = _of_them(text, at, end, measure, fixed=unit_measure is not None)
    day = _when(claim, at)
    kind = _kind(measure, claim, text, day[2], stance)
    window = kind == "event" and stance == "verified" and day[2] is not None
    window = window and _dates_in(claim) == 1
    return Facets(measure, kind, stance, part, day, window, _content_words(claim, text))


def _gate(*literals: str) -> re.Pattern[str]:
    """A cheap necessary condition for a cue pattern: one of its literal parts occurs.

    Plain alternatives of literals (no \\b, no flags), so the regex engine skips ahead by their
    first characters: ~1 µs on a statement where the cue pattern itself costs 5-10 µs. Each gate
    is written next to its pattern (tests/test_ledger.py checks that strings matching a pattern
    pass its gate).
    """
    return re.compile("|".join(re.escape(literal) for literal in literals))


_CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    ("missing", re.compile(r"\bmissing\b|\bdisappear|\bdesaparec")),
    (
        "held",
        re.compile(
            r"\bstill\b|\bremain|\bcontinu\w* to be\b|behind bars|\bin (custody|prison|jail)\b|"
            r"\bsiguen\b|\bpermanec|\bcontin[uú]an\b|\btras las rejas\b|"
            r"\bprivad\w+ de (su )?libertad"
        ),
    ),
    (
        "released",
        re.compile(
            r"\breleas|\bfreed\b|\bfrees?\b|\bpardon|\blet go\b|\bwalked free\b|\bexcarcel|"
            r"\bliber(ad|ó|o\b|ación|acion|aron|ar\b)|\bpuest\w+ en libertad|\bindult"
        ),
    ),
    (
        "killed",
        re.compile(
            r"\bkill|\bdead\b|\bdeaths?\b|\bdied\b|\blives\b|\bfatalit|\bmurder|\bmuert|\bfallec|"
            r"\basesinad|\bperdieron la vida"
        ),
    ),
    ("injured", re.compile(r"\binjur|\bwounded\b|\bherid|\blesionad")),
    ("held", re.compile(r"\bheld\b|\bimprison|\bincarcerat|\bencarcelad|\brecluid|\bpresos\b")),
    (
        "arrested",
        re.compile(
            r"\barrest|\bdetain|\bdetention|\bcaptured\b|\brounded up\b|\bdetenid|\bdetenci|"
            r"\bcaptur|\baprehend"
        ),
    ),
]
_MEASURE = re.compile(
    r"\b(km|kilomet\w*|miles?|met(er|re)s?|percent|per cent|por ciento|dollars?|d[oó]lares|usd|"
    r"euros?|bol[ií]vares|bolivars?|tonn?e?s|toneladas|barrels?|barriles|years?|a[nñ]os|"
    r"months?|meses|weeks?|semanas|days?|d[ií]as|hours?|horas|kg|kilos?|litres?|liters?|litros)"
    r"\b|[%$€£]"
)
# a unit that counts people or things other than those released, held, arrested, killed:
# "families waiting", "relatives waiting", "boats", "votes" are never set against detainees
_OTHER_COUNTED = re.compile(
    r"\b(famil\w*|relatives|familiares|parientes|mothers|madres|boats?|barcos?|embarcacion\w*|"
    r"lanchas?|countries|pa[ií]ses|vehicles?|veh[ií]culos?|buses|autobuses|votes?|votos?|"
    r"organi[sz]ations?|organizaciones|ngos|ongs)\b"
)
_STOCKS = {"held", "missing"}
# how far a check has got, not a running total: "so far", "hasta ahora" (never "since")
_SO_FAR = re.compile(r"so far|to date|hasta ahora|hasta la fecha")
_WITHIN_THE_DAY = re.compile(
    r"\s+(?:dawn|daybreak|early morning|this morning|the morning|midnight|la madrugada|"
    r"esta mañana|la mañana|primera hora|temprano|la medianoche)\b"
)
_CUMULATIVE = re.compile(
    r"\bsince\b|\bso far\b|\bto date\b|\bover time\b|\bcumulative|\bsince the start\b|"
    r"\bdesde\b|\bhasta ahora\b|\bhasta la fecha\b|\ben lo que va\b|\bacumulad|\bya suman\b|"
    r"\bof the (?:\w+ ){0,2}(?:arrested|detained|detainees)\b"
)
_TOTAL = re.compile(  # weaker: a total of one dated event is still an event
    r"\bin total\b|\baltogether\b|\ba total of\b|\boverall\b|\bin all\b|\ben total\b|"
    r"\bun total de\b|\ben conjunto\b"
)
_RUNNING = re.compile(f"(?P<since>{_CUMULATIVE.pattern})|(?P<total>{_TOTAL.pattern})")
_RUNNING_GATE = _gate(
    "since", "so far", "to date", "over time", "cumulative", "desde", "hasta ahora",
    "hasta la fecha", "en lo que va", "acumulad", "ya suman", "arrested", "detaine", "total",
    "altogether", "overall", "in all", "en conjunto",
)  # fmt: skip
_STANCES: list[tuple[str, re.Pattern[str]]] = [
    (
        "verified",
        re.compile(
            r"\bverif|\bconfirm|\bdocument|\bcorrobor|\bconstat|\bregistr|\btallied\b|"
            r"\bcontabiliz|\bable to count\b"
        ),
    ),
    ("announced", re.compile(r"\bannounc|\banunci|\bdeclar|\bcomunic|\bproclaim")),
    ("estimated", re.compile(r"\bestimat|\bestim|\bbeliev|\bcalcul|\bcre[eí]")),
]
_GROUPS: list[tuple[str, re.Pattern[str]]] = [
    ("women", re.compile(r"\bwomen\b|\bfemale\b|\bmujeres\b|\bellas\b")),
    ("minors", re.compile(r"\bminors\b|\bchildren\b|\badolescen|\bteenagers\b|\bmenores\b|\bniñ")),
    ("foreigners", re.compile(r"\bforeign|\bextranjer")),
    ("journalists", re.compile(r"\bjournalists?\b|\breporters\b|\bperiodistas?\b")),
    ("students", re.compile(r"\bstudents?\b|\bestudiantes?\b")),
    ("military", re.compile(r"\bsoldiers\b|\bmilitary\b|\bofficers\b|\bmilitares\b")),
]
_ANY_STANCE = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in _STANCES))
_ANY_GROUP = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in _GROUPS))
_CATEGORY_GATES = {  # on the casefolded statement, like the patterns
    "missing": _gate("missing", "disappear", "desaparec"),
    "held": _gate(
        "still", "remain", "contin", "behind bars", "custody", "prison", "jail", "siguen",
        "permanec", "tras las rejas", "privad", "held", "imprison", "incarcerat", "encarcelad",
        "recluid", "presos",
    ),
    "released": _gate(
        "releas", "free", "pardon", "let go", "excarcel", "liber", "puest", "indult"
    ),
    "killed": _gate(
        "kill", "dead", "death", "died", "lives", "fatalit", "murder", "muert", "fallec",
        "asesinad", "perdieron la vida",
    ),
    "injured": _gate("injur", "wounded", "herid", "lesionad"),
    "arrested": _gate(
        "arrest", "detain", "detention", "captur", "rounded up", "detenid", "detenci", "aprehend"
    ),
}  # fmt: skip
_ANY_CATEGORY_GATE = re.compile("|".join(g.pattern for g in _CATEGORY_GATES.values()))
_STANCE_GATE = _gate(
    "verif", "confirm", "document", "corrobor", "constat", "registr", "tallied", "contabiliz",
    "able to count", "announc", "anunci", "declar", "comunic", "proclaim", "estim", "believ",
    "calcul", "cree", "creí",
)  # fmt: skip
_GROUP_GATE = _gate(
    "women", "female", "mujeres", "ellas", "minors", "children", "adolescen", "teenagers",
    "menores", "niñ", "foreign", "extranjer", "journalist", "reporters", "periodista", "student",
    "estudiante", "soldiers", "military", "officers", "militares",
)  # fmt: skip

_FACILITY_WORD = r"(?:prison|jail|penitentiary|detention cent(?:er|re))"
_FACILITY = [
    re.compile(  # "Tocorón prison", "El Rodeo I prison", "Yare jail"
        rf"\b((?:[A-ZÁÉÍÓÚÑ][\w'’-]*\s+){{1,3}}(?:[IVX]+\s+)?){_FACILITY_WORD}\b"
    ),
    re.compile(  # "la cárcel de Yare", "el penal de Tocuyito", "prison of X", "El Helicoide"
        r"\b(?:c[aá]rcel|penal|penitenciar[ií]a|centro penitenciario|internado judicial|prison|"
        r"jail)\s+(?:de|del|of)\s+((?:[A-ZÁÉÍÓÚÑ][\w'’-]*\s*){1,3}(?:[IVX]+\b)?)"
    ),
    re.compile(r"\b(El Helicoide|La Tumba|Rodeo I{1,3}|Tocor[oó]n|Tocuyito|Yare)\b"),
]
_FACILITY_HINT = re.compile(
    r"prison|jail|penitentiar|detention cent|c[aá]rcel|penal\b|internado|helicoide|tumba|rodeo|"
    r"tocor|tocuyito|yare",
    re.I,
)
_FACILITY_GATE = _gate(  # on the lowered text (see _lowered)
    "prison", "jail", "penitentiar", "detention cent", "rcel", "penal", "internado", "helicoide",
    "tumba", "rodeo", "tocor", "tocuyito", "yare",
)  # fmt: skip
# The only characters re.IGNORECASE matches with an ASCII letter that str.lower() does not turn
# into it (İ ı ſ and the Kelvin sign): a text holding one is read by the case-blind patterns only.
_CASE_BLIND_EXTRAS = frozenset("\u0130\u0131\u017f\u212a")
# articles, and words that name no particular place ("el país", "the country", "nationwide":
# the country the article is about)
_NOT_A_PLACE = frozenset(
    ["the", "a", "an", "of", "in", "and", "la", "el", "los", "las", "de", "pais", "country",
     "nation", "nacion", "nationwide", "todo", "whole", "entire"]
)  # fmt: skip

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "set": 9,
}  # fmt: skip
_ES_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_ES_MONTH_NAMES = "|".join(_ES_MONTHS)
_MONTH = rf"(?P<m>{_MONTH_NAMES})\b\.?"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_DAY_DATES = [
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+(?P<y>\d{{4}}))?", re.I),  # December 25, 2025
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:\s+(?P<y>\d{{4}}))?", re.I),  # 25 December
    re.compile(  # 25 de diciembre de 2025
        rf"\b(?P<d>\d{{1,2}})\s+de\s+(?P<m>{_ES_MONTH_NAMES})(?:\s+(?:de|del)\s+(?P<y>\d{{4}}))?",
        re.I,
    ),
]
_HOLIDAYS = [
    (re.compile(r"\bchristmas eve\b|\bnochebuena\b", re.I), 12, 24),
    (re.compile(r"\bchristmas\b|\bnavidad\b", re.I), 12, 25),
    (re.compile(r"\bnew year'?s eve\b|\bnochevieja\b", re.I), 12, 31),
    (re.compile(r"\bnew year'?s( day)?\b|\ba[ñn]o nuevo\b", re.I), 1, 1),
]
_MONTH_HINT = re.compile(rf"\b(?:{_MONTH_NAMES}|{_ES_MONTH_NAMES})\b", re.I)
_HOLIDAY_HINT = re.compile(r"christmas|navidad|nochebuena|nochevieja|new year|a[ñn]o nuevo", re.I)
_MONTH_GATE = _gate(  # on the lowered text: every English and Spanish month name holds one
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "ene",
    "abr", "ago", "set", "dic",
)  # fmt: skip
_HOLIDAY_GATE = _gate("christmas", "navidad", "nochebuena", "nochevieja", "new year", "o nuevo")
_MONTH_YEAR = re.compile(
    rf"\b(?P<m>{_MONTH_NAMES}|{_ES_MONTH_NAMES})\b\.?\s+(?:de\s+)?(?P<y>\d{{4}})\b", re.I
)
_YEAR = re.compile(r"\b(?P<y>(?:19|20)\d\d)\b")
_STATED_YEAR = re.compile(  # "In 2023, ..." dates the count; "after the July 2024 election" not
    r"\b(?:in|en|during|durante|throughout)\s+(?P<y>(?:19|20)\d\d)\b(?!\s+(?:presidential\s+)?"
    r"(?:election|vote|elecci|comicios))",
    re.I,
)
_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")
_NOT_TOPIC = re.compile(r"\d[\d,.]*")
_STOP_WORDS = (
    "a an the of in on at to for by from with and or but not no that this these those who whom "
    "which whose what when where was were is are be been being have has had it its their his "
    "her they them as after before during since despite while than more over least about nearly "
    "around roughly approximately some only almost under fewer up into out among between says "
    "said say saying note notes noted stress according reported reports report confirmed also "
    "still el la los las de del y en un una unos unas por para con que se su sus al lo como "
    "más menos según dijo informó"
)
_STOP = (
    frozenset(_STOP_WORDS.split())
    | {m for m in re.findall(r"\w+", _MONTH_NAMES.replace("(?:", " ").replace(")?", " "))}
    | set(_ES_MONTHS)
    | {  # month names and their abbreviations
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "sept",
    }
)


_UNCONFIRMED = re.compile(
    r"\b(?:unverified|unconfirmed|sin +(?:confirmar|verificar|corroborar))\b|"
    r"\b(?:not|never|no|nunca|unable to|couldn't|couldn’t) +(?:(?:be|been|yet|independently|"
    r"fue|fueron|ha|han|sido|aún|todavía|se|pudo|pudieron|podido|able to) +){0,3}"
    r"(?:verif|confirm|corrobor|constat)",
    re.I,
)
_UNCONFIRMED_GATE = _gate(
    "unverified", "unconfirmed", "sin ", "not ",
    "never ", "no ", "nunca ", "unable to", "couldn",
)  # fmt: skip


def _stance(text: str) -> str:
    """The first stance in priority order (verified before announced before estimated)."""
    if not _STANCE_GATE.search(text):
        return "reported"
    match = _ANY_STANCE.search(text)
    if match is None:
        return "reported"
    if match.lastgroup == "verified":
        return "verified"
    return _first(_STANCES, text[match.start() :]) or "reported"


def _first(table: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    return next((name for name, pattern in table if pattern.search(text)), None)


def _quantity_position(folded: str, text: str | None, value: float | None) -> int | None:
    """Where the number is in the casefolded statement: its text, else the value as written."""
    if text and (found := folded.find(text.casefold())) >= 0:
        return found
    if value is None:
        return None
    number = int(value) if float(value).is_integer() else value
    grouped = f"{number:,}"
    for candidate in (grouped, grouped.replace(",", "."), str(number)):
        if (found := folded.find(candidate)) >= 0:
            return found
    return None


def _category(unit: str, text: str, at: int | None) -> str:
    """What is counted, read from the statement: the cue word nearest the number."""
    best: tuple[int, int, str] | None = None  # (distance to the number, priority, category)
    if not _ANY_CATEGORY_GATE.search(text):
        return "unit:" + _normalise_unit(unit)
    for priority, (name, pattern) in enumerate(_CATEGORIES):
        if not _CATEGORY_GATES[name].search(text):
            continue
        for match in pattern.finditer(text):
            distance = 0 if at is None else min(abs(match.start() - at), abs(match.end() - at))
            best = min(best or (distance, priority, name), (distance, priority, name))
    return best[2] if best else "unit:" + _normalise_unit(unit)


def _joined(table: list[tuple[str, re.Pattern[str]]]) -> dict[str, re.Pattern[str]]:
    """One pattern a name ("held" has two entries in the table)."""
    joined: dict[str, list[str]] = {}
    for name, pattern in table:
        joined.setdefault(name, []).append(pattern.pattern)
    return {name: re.compile("|".join(patterns)) for name, patterns in joined.items()}


_CATEGORY_PATTERNS = _joined(_CATEGORIES)
# "N of the ...", "N more of those", "N de los ...": a count of some of a larger set
_PARTITIVE = re.compile(r"\s+(?:\w+\s+)?(?:of (?:the|those|them)|de (?:los|las|ellos|ellas))\b")
# a verb after "of the ...": what the sentence says of them ("... of the arrested were freed")
_PREDICATE = re.compile(
    r"\b(?:have|has|had|were|was|are|is|been|fueron|fue|han|ha|habían|son|están|quedaron|"
    r"salieron|recuperaron)\b"
)


_TOKEN = re.compile(r"\S+")


def _quantity_end(text: str, at: int, quantity: str | None) -> int:
    """Where the number (its text as extracted, else its first word) ends in the statement."""
    if quantity and text.startswith(quantity.casefold(), at):
        return at + len(quantity.casefold())
    found = _TOKEN.match(text, at)
    return found.end() if found else at


def _of_them(text: str, at: int, end: int, measure: str, fixed: bool) -> str:
    """What "N of the ..." counts, read past the set it is taken from.

    "Nearly 2,000 of the people arrested have been released": a release count (the verb says
    what happened to them). "interviewed 104 of the political prisoners released", "17 of the
    protesters killed were killed by police gunfire": some of them, by what else was done to
    them or how (`measure:some`), never set against the count of all of them. Unchanged when
    a check comes before the number ("could confirm only 61 of the 99 releases": the check of
    that release) or the cue is before "of the" ("99 releases of the political prisoners").
    A measure `fixed` by the claim's unit only ever becomes its own `:some`.
    """
    partitive = _PARTITIVE.match(text, end)
    if partitive is None or ":" in measure or measure not in _CATEGORY_PATTERNS:
        return measure
    cut = partitive.end()
    if _CATEGORY_PATTERNS[measure].search(text, 0, cut) or _ANY_STANCE.search(text, 0, at):
        return measure
    verb = _PREDICATE.search(text, cut)
    among = _first_cue(text, cut, verb.start() if verb else len(text))  # who they are
    said = _first_cue(text, verb.end(), len(text)) if verb else None  # what happened to them
    if said and said != among:
        return measure if fixed else said
    if among and (among == measure or not fixed):
        return f"{among}:some"
    return measure


def _first_cue(text: str, start: int, end: int) -> str | None:
    found = [
        (match.start(), name)
        for name, pattern in _CATEGORY_PATTERNS.items()
        if (match := pattern.search(text, start, end))
    ]
    return min(found)[1] if found else None


def _normalise_unit(unit: str) -> str:
    words = re.findall(r"[\w%$€£]+", _strip_accents(unit))
    return " ".join(sorted({w[:6] for w in words if w not in _STOP})) or unit


def _kind(measure: str, claim: ClaimText, text: str, day: int | None, stance: str) -> str:
    if measure.startswith("unit:"):
        return "measure"
    if measure in _STOCKS:
        return "stock"
    if _spans_days(claim.statement) or _spans_days(claim.time_text or ""):
        return "cumulative"  # "between 25 December and 3 January": a total over the period
    both = f"{(claim.time_text or '').casefold()} | {text}"
    if not _RUNNING_GATE.search(both):
        return "event"
    for match in _RUNNING.finditer(both):
        if match.lastgroup == "since" or day is None:
            if stance == "verified" and _SO_FAR.fullmatch(match.group()):
                continue  # "has so far been able to verify 61 of the 99": that event's check
            if _WITHIN_THE_DAY.match(both, match.end()):
                continue  # "since dawn", "desde la madrugada": one day's count as it goes
            return "cumulative"
    return "event"


@functools.lru_cache(maxsize=65536)
def _unit_facets(unit: str) -> tuple[str | None, str | None, str | None]:
    """What the unit alone decides: (measure, stance, sub-group), each None when it does not."""
    measure = None
    if _MEASURE.search(unit) or _OTHER_COUNTED.search(unit):
        measure = "unit:" + _normalise_unit(unit)
    else:
        measure = _first(_CATEGORIES, unit)
    return measure, _first(_STANCES, unit), _first(_GROUPS, unit)


# an age group: "over 70 years old", "under the age of 30", "mayores de 60 años", "menores de
# 30 años" (under 18 is the minors group); "over 70" alone is no age
_AGE = re.compile(
    r"\b(?P<way>over|older than|under|younger than|mayores de|menores de)\s+(?P<of>the age of\s+)?"
    r"(?P<years>\d{1,3})(?P<unit>\s+(?:years?\s+(?:old|of age)|años))?"
)


_AGE_GATE = _gate("over", "older than", "under", "younger than", "mayores de", "menores de")


def _age(text: str, at: int) -> str | None:
    """The age group a count near `at` is limited to, as "over 70" or "under 30"."""
    for match in _AGE.finditer(text, at, at + 80):
        if match["of"] or match["unit"]:
            older = match["way"] in ("over", "older than", "mayores de")
            if not older and int(match["years"]) <= 18:
                return "minors"
            return f"{'over' if older else 'under'} {int(match['years'])}"
    return None


def _part(claim: ClaimText, text: str, at: int | None) -> str | None:
    """The facility or sub-group a count is limited to, if any."""
    if at is not None and _AGE_GATE.search(text, at, at + 80) and (age := _age(text, at)):
        return age
    if (
        at is not None
        and _GROUP_GATE.search(text, at, at + 60)
        and (match := _ANY_GROUP.search(text, at, at + 60))
    ):
        return match.lastgroup
    for place in (claim.location or "", claim.statement):
        if not _may_match(place, _FACILITY_GATE, _FACILITY_HINT):
            continue
        for pattern in _FACILITY:
            if match := pattern.search(place):
                return "facility:" + " ".join(sorted(_place_words(match.group(1)))) or None
    return None


@functools.lru_cache(maxsize=65536)
def _place_words(location: str | None) -> frozenset[str]:
    if not location:
        return frozenset()
    words = re.findall(r"\w+", _strip_accents(location.casefold()))
    return frozenset(w[:6] for w in words if w not in _NOT_A_PLACE and len(w) > 1)


# the words that open and close a period, in pairs: "between ... and", "del ... al"
_SPAN_WORDS = {"between": "and", "entre": "y", "from": "to|until|through", "del": "al",
               "desde": "hasta"}  # fmt: skip
_SPAN_FROM = re.compile(rf"\b({'|'.join(_SPAN_WORDS)})\s+(?:the\s+|el\s+)?$", re.IGNORECASE)
_SPAN_TO = {
    opening: re.compile(rf"^[^;]{{1,30}}?\s(?:{closing})\s+(?:the\s+|el\s+)?$", re.IGNORECASE)
    for opening, closing in _SPAN_WORDS.items()
}
_DAY_TO_DAY = "|".join(
    rf"{opening}\s+(?:the\s+|el\s+)?\d{{1,2}}\w*\s+(?:{closing})"
    for opening, closing in _SPAN_WORDS.items()
)
_SPAN_OF_A_MONTH = re.compile(  # "between 25 and 31 December", "del 25 al 31 de diciembre"
    rf"\b(?:{_DAY_TO_DAY})\s+(?:the\s+|el\s+)?\d{{1,2}}\w*\s+(?:de\s+)?"
    rf"(?:{_MONTH_NAMES}|{_ES_MONTH_NAMES})\b",
    re.IGNORECASE,
)
_SPAN_HINT = re.compile(rf"\b(?:{'|'.join(_SPAN_WORDS)})\b", re.IGNORECASE)
_SPAN_GATE = _gate(*_SPAN_WORDS)


def _spans_days(text: str) -> bool:
    """Whether the text counts over a period between two days: "between 25 December 2025 and
    3 January 2026", "from Dec. 25 to Jan. 3", "del 25 al 31 de diciembre"."""
    if not _may_match(text, _SPAN_GATE, _SPAN_HINT):
        return False
    if _SPAN_OF_A_MONTH.search(text):
        return True
    days = [at for at, *_ in _day_dates(text)]
    for start, end in itertools.pairwise(days):
        opening = _SPAN_FROM.search(text, max(0, start - 14), start)
        if opening and _SPAN_TO[opening[1].lower()].match(text[start:end]):
            return True
    return False


def _dates_in(claim: ClaimText) -> int:
    texts = [claim.statement, claim.time_text or ""]
    found = {_d for t in texts for _d in _all_days(t)}
    if claim.date and (iso := _ISO.match(claim.date)) and iso["d"]:
        found.add((int(iso["m"]), int(iso["d"])))
    return len(found)


def _all_days(text: str) -> list[tuple[int, int]]:
    return [(m, d) for _, m, d, _ in _day_dates(text)]


def _when(claim: ClaimText, at: int | None) -> Day:
    """The event's day (or "as of" day for stocks): fields first, then day-precise statement dates.

    With several days in a statement the earliest is the event's ("on 28 December the group
    verified 61 of the releases of 25 December").
    """
    year = month = day = None
    if claim.date and (iso := _ISO.match(claim.date)):
        year = int(iso["y"])
        month = int(iso["m"]) if iso["m"] else None
        day = int(iso["d"]) if iso["d"] else None
    if day is None and claim.time_text:
        if found := _day_dates(claim.time_text):
            _, month, day, y = found[0]
            year = y or year
        elif match := _MONTH_YEAR.search(claim.time_text):
            month, year = _month_number(match["m"]), int(match["y"])
        elif match := _YEAR.search(claim.time_text):
            year = int(match["y"])
    if day is None:
        found = _day_dates(claim.statement)
        found = [
            f for f in found if month in (None, f[1]) and (year is None or f[3] in (None, year))
        ]
        if found:
            earliest = min(found, key=lambda f: _ordinal(f[1], f[2], at is not None and f[0] > at))
            _, month, day, y = earliest
            year = year or y
    statement = claim.statement
    if (
        year is None
        and (" 19" in statement or " 20" in statement)
        and (match := _STATED_YEAR.search(statement))
    ):
        year = int(match["y"])
    return year, month, day


def _ordinal(month: int, day: int, after: bool) -> tuple[int, int]:
    # A December date is earlier than a January one in the same story (a year boundary).
    return (month - 12 if month >= 10 else month) * 31 + day, int(after)


def _month_number(name: str) -> int:
    folded = name.casefold().rstrip(".")
    return _ES_MONTHS.get(folded) or _MONTHS[folded[:3]]


def _day_dates(text: str) -> list[tuple[int, int, int, int | None]]:
    """Every day-precise date in `text`: (position, month, day, year or None)."""
    found: list[tuple[int, int, int, int | None]] = []
    months = _may_match(text, _MONTH_GATE, _MONTH_HINT)
    for pattern in _DAY_DATES if months else ():
        for match in pattern.finditer(text):
            if match["m"] in ("may", "march", "mar") or not 1 <= int(match["d"]) <= 31:
                continue  # lower-case "may 20", "a march 3 ..." are not dates; "May 20" is
            year = int(match["y"]) if match["y"] else None
            found.append((match.start(), _month_number(match["m"]), int(match["d"]), year))
    starts: set[int] = set()
    holidays = _HOLIDAYS if _may_match(text, _HOLIDAY_GATE, _HOLIDAY_HINT) else ()
    for pattern, month, day in holidays:  # "Christmas Eve" before "Christmas"
        for match in pattern.finditer(text):
            if match.start() not in starts:
                found.append((match.start(), month, day, None))
                starts.add(match.start())
    return sorted(found)


def _may_match(text: str, gate: re.Pattern[str], pattern: re.Pattern[str]) -> bool:
    """Whether the case-blind `pattern` matches `text`: its gate on the lowered text decides,
    unless the text holds a character the gate cannot see (then the pattern does)."""
    seen = text.isascii() or not any(c in text for c in _CASE_BLIND_EXTRAS)
    if seen and not gate.search(text.lower()):
        return False
    return pattern.search(text) is not None


def _content_words(claim: ClaimText, text: str) -> frozenset[str]:
    """Stems of what the statement (`text`, casefolded) is about: not its number, date, source or
    counting verb."""
    for noise in (claim.text, claim.source, claim.time_text):
        if noise:
            text = text.replace(noise.casefold(), " ")
    text = _NOT_TOPIC.sub(" ", _strip_accents(text))
    known = _STEMS
    stems = {known[w] if w in known else _stem(w) for w in _WORD.findall(text)}
    stems.discard("")
    return frozenset(stems)


_WORD = re.compile(r"\w+")
_STEMS: dict[str, str] = {}  # word -> its stem, "" for stop and counting words (a vocabulary)


def _stem(word: str) -> str:
    keep = word not in _STOP and len(word) > 1 and not any(p.match(word) for _, p in _CATEGORIES)
    stem = word[:6] if keep else ""
    if len(_STEMS) < 1_000_000:
        _STEMS[word] = stem
    return stem


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- reading a long stream in worker processes -------------------------------------------------

_T = TypeVar("_T")
SERIAL_CLAIMS = 20_000  # read here first: worker processes pay for their start-up on long streams
BATCH = 2_000  # claims a task


def read_stream(
    claims: Iterable[tuple[_T, ClaimText]], workers: int | None = None
) -> Iterator[tuple[_T, Facets]]:
    """Each (tag, claim) of a stream with its facets, in the stream's order.

    The first SERIAL_CLAIMS are read in this process; the rest, if any, by `workers` forked
    worker processes (default: one a CPU; 0 or 1 reads everything here), BATCH claims a task,
    while this process goes on reading the stream. What a worker returns is what `read_claim`
    returns here: the ledger is the same either way.
    """
    stream = iter(claims)
    for tag, claim in itertools.islice(stream, SERIAL_CLAIMS):
        yield tag, read_claim(claim)
    workers = cpus() if workers is None else workers
    if workers < 2 or not may_fork():
        for tag, claim in stream:
            yield tag, read_claim(claim)
        return
    tags: deque[list[_T]] = deque()

    def batches() -> Iterator[list[ClaimText]]:
        while batch := list(itertools.islice(stream, BATCH)):
            tags.append([tag for tag, _ in batch])
            yield [claim for _, claim in batch]

    for facets in forked_map(read_claims, batches(), workers):
        yield from zip(tags.popleft(), facets, strict=True)
