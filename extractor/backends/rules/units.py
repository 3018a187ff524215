"""Units: what a count counts, in the guideline's words ("people arrested", "deaths").

The counted noun follows the number, and a verb near it says what happened to it ("released
88 prisoners", "700 people remain detained"); a count without its own noun inherits the previous
one ("2,400 protesters, with nearly 2,000 released").
"""

from __future__ import annotations

import re

from .languages import languages
from .lexicon import DETERMINERS, FUNCTION, word_set
from .quantities import Hit
from .tokens import ahead, behind, tokenize, verb_like


def _forms(table: dict[str, str]) -> dict[str, str]:
    """{"released": "releases release"}: every written form of a verb -> its participle."""
    return {form: done for done, forms in table.items() for form in (done, *forms.split())}


_AUX_SKIP = word_set(
    """
    were was are is have has had been being be still reportedly allegedly remain remains
    remained continue continues continued to also now later all having who that which
    believed thought said reported expected understood known them those these whom more
    """
)
_PARTICIPLES = word_set(
    "held freed dead missing homeless hurt shot kept taken left fled struck hit died "
    "imprisoned displaced injured wounded"
)
_NOT_PARTICIPLES = frozenset({"need", "speed", "seed", "feed", "bed", "red", "hundred"})
_DEATH_VERBS = word_set("died killed dead perished")
_CUSTODY_VERBS = word_set("held detained incarcerated imprisoned jailed")
_LINGERING = word_set("still remain remains remained continue continues continued")
# nouns that count an event rather than things: "2,400 arrests" are people arrested
_EVENT_NOUNS = {
    "arrests": "people arrested",
    "detentions": "people detained",
    "evacuations": "people evacuated",
    "deportations": "people deported",
    "deaths": "deaths",
    "fatalities": "deaths",
    "lives": "deaths",
    "dead": "deaths",
    "killings": "deaths",
}
_PERSON_NOUNS = word_set("individuals persons")
# a verb or noun right before the count says what happened to what is counted
_EVENT_VERBS = _forms(
    {
        "released": "releases release releasing",
        "freed": "frees freeing",
        "arrested": "arrests arrest arresting",
        "detained": "detains detaining detention",
        "killed": "kills killing",
        "jailed": "jails",
        "imprisoned": "",
        "evacuated": "evacuates evacuation",
        "displaced": "",
        "injured": "",
        "wounded": "",
        "deported": "deports deportation",
        "pardoned": "pardons",
        "rescued": "",
        "sentenced": "",
        "executed": "",
        "convicted": "",
        "charged": "",
        "expelled": "",
        "kidnapped": "",
        "abducted": "",
        "hired": "",
        "fired": "",
        "destroyed": "",
        "damaged": "",
        "sacked": "",
    }
)
_BEFORE_SKIP = word_set("the of a an another total only some had have has been further additional")

_LATER_PREDICATE = re.compile(
    r"^[^,;:—–]*?\b(?:were|was|are|is|have been|has been|had been|be)\s+"
    r"(?:(?:\w+ly|still|also|now|all|reported|believed|said|thought|expected)\s+"
    r"(?:to\s+be\s+)?)*(?P<verb>\w+ed|held|freed|dead|missing|hurt|shot|kept|taken)\b",
    re.I,
)


def unit_of(sentence: str, hit: Hit, previous_noun: str) -> tuple[str, str]:
    """What is counted, in the guideline's words ("people arrested", "political prisoners still
    held", "deaths", "km"), and the bare noun, which a later count without one inherits
    ("2,400 protesters, with nearly 2,000 released")."""
    if hit.glued:
        return hit.glued, ""
    noun, noun_end = _noun_after(sentence, hit.end)
    low = noun.lower()
    if low in _EVENT_NOUNS:  # "2,400 arrests" counts people arrested
        unit = _EVENT_NOUNS[low]
        return unit, unit.split()[0]
    if low in _PERSON_NOUNS:
        noun = "people"
    noun = noun or previous_noun or "people"
    verb = _verb_before(sentence, hit.start)
    lingering = False
    if verb is None:
        verb, lingering = _verb_after(sentence, noun_end)
    if verb in _DEATH_VERBS:
        return "deaths", noun
    if lingering and verb in _CUSTODY_VERBS:
        return f"{noun} still held", noun
    return (f"{noun} {verb}" if verb else noun), noun


def _noun_after(sentence: str, position: int) -> tuple[str, int]:
    tokens = tokenize(ahead(sentence, position), position)
    i = 0
    while i < len(tokens) and tokens[i].low in {"more", "other", "additional", "new", "extra"}:
        i += 1
    if i < len(tokens) and tokens[i].low == "of":
        i += 1
        while i < len(tokens) and tokens[i].low in DETERMINERS | {"their", "its"}:
            i += 1
    words: list[str] = []
    end = tokens[i - 1].end if i else position
    for index in range(i, len(tokens)):
        token = tokens[index]
        if not token.is_word or token.low in FUNCTION or len(words) >= 4:
            break
        if words and (_is_participle(token.low) or _is_gerund(token.low)):
            break  # "people detained during …", "people living in …"
        if words and verb_like(tokens, index):
            break
        if not words and _is_participle(token.low):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or not following.is_word or following.low in FUNCTION:
                break  # "nearly 200 released since": a verb, not "released" things
        words.append(token.text)
        end = token.end
    return " ".join(words), end


def _verb_before(sentence: str, position: int) -> str | None:
    tokens = tokenize(behind(sentence, position))
    for steps, token in enumerate(reversed(tokens)):
        if token.low in _EVENT_VERBS:
            return _EVENT_VERBS[token.low]
        if token.low not in _BEFORE_SKIP or steps >= 4:
            return None
    return None


def _verb_after(sentence: str, position: int) -> tuple[str | None, bool]:
    """The participle after the counted noun, and whether it is a lasting state ("remain
    detained", "are still held", "remain behind bars")."""
    tokens = tokenize(ahead(sentence, position), position)
    direct: str | None = None
    lingering = False
    for count, token in enumerate(tokens):
        if token.low in _AUX_SKIP and count < 5:
            lingering = lingering or token.low in _LINGERING
            continue
        if token.low == "behind" and count + 1 < len(tokens) and tokens[count + 1].low == "bars":
            return "held", lingering
        if _is_participle(token.low):
            if count:  # "are still held", "remain detained": the clause's own predicate
                return token.low, lingering
            direct = token.low  # "people detained during protests": maybe a reduced relative
        break
    later = _LATER_PREDICATE.match(ahead(sentence, position))
    if later and _is_participle(later.group("verb").lower()):
        return later.group("verb").lower(), False
    return direct, False


def _is_gerund(word: str) -> bool:
    return len(word) > 5 and word.endswith("ing")


def _is_participle(word: str) -> bool:
    if word in _PARTICIPLES:
        return True
    return len(word) > 4 and word.endswith("ed") and word not in _NOT_PARTICIPLES


def translated_unit(sentence: str, hit: Hit, language: str) -> str | None:
    """For a language with a `[units]` table: the counted noun after the number and a verb
    near it, in the schema's words ("73 personas siguen encarceladas" -> "people still held")."""
    table = languages()[language].data.get("units")
    if not table or hit.glued:
        return None
    after = ahead(sentence, hit.end).lower()
    noun = next(
        (
            unit
            for written, unit in sorted(table["nouns"].items(), key=lambda kv: -len(kv[0]))
            if re.match(rf"\s+(?:de\s+)?{re.escape(written)}\b", after)
        ),
        None,
    )
    near = re.findall(r"[^\W\d_]+", behind(sentence, hit.start)[-40:].lower() + " " + after[:60])
    verb = next((table["verbs"][w] for w in near if w in table["verbs"]), None)
    if noun is None and verb is None:
        return None
    if verb == "deaths" or noun == "deaths":
        return "deaths"
    noun = noun or "people"
    if verb and verb not in noun:
        return f"{noun} {verb}"
    return noun
