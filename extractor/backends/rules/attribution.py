"""Attribution: who asserts a sentence ("according to X", "X said", "said by X"), and their kind.

The source's kind (government, ngo, media, person, other) comes from the words of its name and,
for a personal name, from whether the article names that person elsewhere; a spokesperson's
apposition ("a spokesperson for the Red Cross") makes them speak for the organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ...schemas.claims import SourceKind
from .languages import union_list, union_words
from .lexicon import (
    ACCORDING_TO,
    ACTOR_WORDS,
    DETERMINERS,
    FUNCTION,
    GOVERNMENT,
    MEDIA,
    NGO,
    PRONOUN_STARTS,
    SPEECH_VERBS,
    TIME_WORDS,
    WEAK_SPEECH_VERBS,
    word_set,
)
from .subjects import leading_words
from .tokens import WINDOW, Token, ahead, tokenize

# words allowed inside a source's noun phrase although they are function words
_NP_GLUE = union_words("words", "name_glue")
_NP_BREAK = FUNCTION - _NP_GLUE
_NP_LEADING_JUNK = frozenset({"and", "of", "for", "or", "de", "del", "por", "para", "y"})

_KIND_PHRASES: dict[str, SourceKind] = {
    "red cross": "ngo",
    "red crescent": "ngo",
    "white house": "government",
    "human rights": "ngo",
    "derechos humanos": "ngo",
    "united nations": "other",
}
_TITLES = word_set(
    "president minister premier governor mayor secretary senator chancellor king queen "
    "mr mrs ms dr sen rep gov general judge pope"
)
_NOT_FIRST_NAMES = word_set(
    "north south east west new upper lower united great central northern southern eastern "
    "western saint san santa los las el la le the"
)

_ACCORDING_RE = re.compile(
    rf"(?<!\w)(?:{'|'.join(sorted(map(re.escape, ACCORDING_TO), key=len, reverse=True))})\s+", re.I
)
_REPORT_PREFIX = re.compile(
    r"^(?:(?:un|una|el|su)\s+(?:nuevo\s+)?(?:informe|comunicado|documento|reporte|estudio|"
    r"recuento|balance)\s+(?:\w+\s+)?(?:de|del)\s+(?=(?:la\s+|el\s+|los\s+|las\s+)?[A-ZÁÉÍÓÚÑ])"
    r"|(?:(?:a|an|the)\s+)?(?:latest\s+|new\s+|recent\s+)?"
    r"(?:report|statement|study|survey|tally|count|data|figures|estimate|estimates|analysis|"
    r"post|announcement)\s+(?:by|from|of|released by|published by)\s+)",
    re.I,
)
_STRONG_VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_WEAK_VERBS = "|".join(sorted(WEAK_SPEECH_VERBS - SPEECH_VERBS, key=len, reverse=True))
_STRONG_RE = re.compile(rf"(?<![\w-])(?P<verb>{_STRONG_VERBS})(?!\w)")
_WEAK_RE = re.compile(rf"(?<![\w-])(?P<verb>{_WEAK_VERBS})(?!\w)")
_OPENING_VERB_RE = re.compile(
    rf"^(?:{_STRONG_VERBS})\s+(?:{'|'.join(union_list('clauses', 'reported'))})\b", re.I
)
_CITED = word_set("cited quoted published reported released carried")
# "X has also said", "X solo pudo verificar": words between a source and its verb
_ADVERBS_BEFORE_VERB = union_words("attribution", "before_verb")
_PASSIVE_BY_RE = re.compile(
    r"\b(?:announced|reported|confirmed|made|released|published|issued|stated|estimated|cited|"
    r"compiled|documented|verified)\s+by\s+",
    re.I,
)
# "…, said the ministry", "…, informó el Ministerio del Interior", "…, dijo a este diario la
# madre de un preso": the source after the verb
_INVERSION_RE = re.compile(
    rf"(?:[,”\"’]\s*)(?:{_STRONG_VERBS}|according to)\s+(?:a este diario\s+|to reporters\s+)?"
    r"(?=(?:the|el|la|los|las|su|a|an)\s+|[A-ZÁÉÍÓÚÑ])"
)

_PERSON_OF = re.compile(
    r"^(?P<person>[A-Z][\w’'-]+\s+[A-Z][\w’'-]+)\s+(?:of|de|del)\s+(?P<org>(?:the\s+|la\s+|el\s+)?[A-Z].*)$"
)
_GENERIC_AND_NAMED = re.compile(
    r"^[a-z][\w\s]*?\s+(?:and|y)\s+(?P<named>(?:the\s+)?[A-ZÁÉÍÓÚÑ].*)$"
)
_APPOSED_NAME = re.compile(
    r",\s+(?P<name>[A-ZÁÉÍÓÚÑ][\w’'-]+(?:\s+[A-ZÁÉÍÓÚÑ][\w’'-]+){1,3})(?=\s*[,.;]|\s+(?:en|in|on)\b)"
)
_PARTICIPLE_ENDINGS = tuple(union_list("words", "participle_endings"))
_NAME_GLUE = frozenset({"to", "in", "en", "on", "against", "contra", "sin", "without"})
PRONOUNS = frozenset({"he", "she", "it", "they", "él", "ella", "ellos", "ellas"})
_POINTING = union_words("attribution", "determiners") - {"the", "a", "an"}
_NAME_PAIR_RE = re.compile(r"(?=\b(?P<first>[A-Z][\w’'.-]+)\s+(?P<last>[A-Z][\w’'-]+)\b)")


@dataclass(frozen=True, slots=True)
class Cue:
    """Who asserts the sentence, and where the attribution sits in it."""

    name: str
    kind: SourceKind
    start: int
    end: int


class ArticleFacts:
    """The article as the rules see it; facts that need the whole text are found once, lazily."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def people(self) -> frozenset[str]:
        """Words the article puts after a first name or a title ("Donald Trump", "President
        Trump"), so that a bare "Trump says" is a person and "Caracas says" is not."""
        found: set[str] = set()
        for m in _NAME_PAIR_RE.finditer(self.text):
            first = m.group("first").lower().rstrip(".")
            if first in _TITLES or not (
                first in _NOT_FIRST_NAMES
                or first in FUNCTION
                or first in TIME_WORDS
                or first in PRONOUN_STARTS
                or m.group("first").isupper()
            ):
                found.add(m.group("last"))
        return frozenset(found)


def find_source(sentence: str, article: ArticleFacts) -> Cue | None:
    """Who asserts the sentence: "according to X", "X said", "X, …, said", "said by X"; a
    sentence that opens with a speech verb ("Añadió que …") carries on its speaker's words."""
    if _OPENING_VERB_RE.match(sentence):
        return Cue(name="they", kind="other", start=0, end=0)  # resolved to the last source
    for m in _ACCORDING_RE.finditer(sentence):
        cue = _cue_after(sentence, m.end(), m.start(), "according", article)
        if cue:
            return cue
    for m in _INVERSION_RE.finditer(sentence):
        cue = _cue_after(sentence, m.end(), m.start(), "said", article)
        if cue:
            return cue
    for pattern in (_STRONG_RE, _WEAK_RE):
        for m in pattern.finditer(sentence):
            cue = _cue_before(sentence, m.start(), m.group("verb").lower(), article)
            if cue:
                return cue
        if pattern is _STRONG_RE:
            for m in _PASSIVE_BY_RE.finditer(sentence):
                cue = _cue_after(sentence, m.end(), m.start(), "by", article)
                if cue:
                    return cue
    return None


_OPENING_QUOTES = '“«"'
_CLOSING_QUOTE = re.compile(r"[”»\"]")


def quoted_speakers(sentences: list[str], article: ArticleFacts) -> dict[int, Cue]:
    """The speaker of each sentence that stands wholly inside a quotation of several sentences
    ('"They told us 40 would come out. By 2 a.m. we had counted 17," said Yelitza Rondon'):
    who the sentence that closes the quotation names after it. A "they" inside the quotation
    is not its source."""
    speakers: dict[int, Cue] = {}
    opened: int | None = None  # the sentence that opened a quotation still open
    for index, sentence in enumerate(sentences):
        text = sentence.strip()
        if opened is None:
            if text[:1] in _OPENING_QUOTES and not _CLOSING_QUOTE.search(text, 1):
                opened = index
            continue
        close = _CLOSING_QUOTE.search(text)
        if close is None:
            if index - opened >= 6:
                opened = None  # a quotation mark left open by mistake: give up
            continue
        cue = find_source(text[close.start() :], article)
        if cue:
            inside = Cue(name=cue.name, kind=cue.kind, start=len(sentence), end=len(sentence))
            speakers.update(dict.fromkeys(range(opened, index), inside))
        opened = None
    return speakers


def _cue_after(
    sentence: str, position: int, cue_start: int, verb: str, article: ArticleFacts
) -> Cue | None:
    """The noun phrase that follows "according to" / "by": "Foro Penal", "the AFP agency"."""
    prefix = _REPORT_PREFIX.match(ahead(sentence, position))
    if prefix:
        position += prefix.end()
    words: list[Token] = []
    for token in tokenize(ahead(sentence, position), position):
        if not words and token.low in _POINTING:
            words.append(token)  # "según esa organización", "según su informe"
            continue
        if words and token.low == "no" and ahead(sentence, token.end).lstrip().startswith("gub"):
            words.append(token)  # "la organización no gubernamental Foro Penal"
            continue
        if not token.is_word or token.low in _NP_BREAK or len(words) >= 14:
            break
        participle = len(token.low) > 4 and token.low.endswith(_PARTICIPLE_ENDINGS)
        if words and participle and token.text.islower():
            break  # "según la ONG citada": a participle; "la Red de Abogados" is a name
        words.append(token)
    while words and words[-1].low in _NP_GLUE:
        words.pop()
    if words:
        glued = re.match(r"\s\d+[A-Z]\b", sentence[words[-1].end :])
        if glued:  # "Justicia 11J"
            words.append(Token(glued.group()[1:], words[-1].end + 1, words[-1].end + glued.end()))
    content = [w for w in words if w.low not in _NP_GLUE]
    if content and content[0].low in TIME_WORDS:
        return None  # "denunció el martes que …": a time, not who
    if words and all(w.text.islower() or w.low in _NP_GLUE for w in content[:1]):
        named = _APPOSED_NAME.match(sentence, words[-1].end)
        if named:  # "dijo el ministro de Seguridad, Gustavo Villatoro": the person
            words = tokenize(named.group("name"), named.start("name"))
    return _make_cue(sentence, words, cue_start, verb, article, "")


def _cue_before(sentence: str, verb_start: int, verb: str, article: ArticleFacts) -> Cue | None:
    """The noun phrase right before a speech verb: "rights groups said", "Trump says"."""
    window = max(0, verb_start - 2 * WINDOW)
    tokens = tokenize(sentence[window:verb_start], window)
    i = len(tokens) - 1
    while i >= 0 and tokens[i].low in _ADVERBS_BEFORE_VERB:
        i -= 1
    if i >= 0 and tokens[i].text.endswith(("’s", "'s")):
        return None  # "the government's claims": a noun, not a verb
    if i >= 0 and tokens[i].low == "to":
        return None  # "able to confirm"
    i = _before_acronym(tokens, i)
    if i >= 1 and tokens[i].low in PRONOUNS and not tokens[i - 1].is_word:
        # '"This is welcome," he said': the speaker named before
        return Cue(name=tokens[i].text, kind="other", start=tokens[i].start, end=tokens[i].end)
    if i >= 0 and tokens[i].low in {"and", "but", "y", "pero"}:
        # "X rejected … and denied …": the sentence's subject says it
        words: list[Token] = [w for w in leading_words(sentence) if w.end <= verb_start]
        return _make_cue(sentence, words, words[0].start if words else 0, verb, article, "")
    apposition = ""
    if i >= 0 and tokens[i].text in {",", "—", "–"}:
        # "Jane Doe, a spokesperson for the Red Cross, said": skip back over the apposition
        delimiter = tokens[i].text
        j = i - 1
        while j >= 0 and tokens[j].text != delimiter and tokens[i].start - tokens[j].start < 150:
            j -= 1
        if j < 0 or tokens[j].text != delimiter:
            return None
        apposition = sentence[tokens[j].end : tokens[i].start]
        i = _before_acronym(tokens, j - 1)  # "The Law Society (LSK), however, says"
    words = []
    while i >= 0 and len(words) < 12:
        token = tokens[i]
        inside_name = (
            token.low in _NAME_GLUE
            and words
            and words[-1].text[:1].isupper()
            and i >= 1
            and tokens[i - 1].text[:1].isupper()
        )
        if inside_name:
            words.append(token)  # "Committee to Protect Journalists"
            i -= 1
            continue
        if token.low in _NP_BREAK and i >= 1 and tokens[i - 1].low in _CITED and words:
            # "Official figures cited in reports say": the figures say it, the reports carry it
            words, i = [], i - 2
            continue
        if not token.is_word or (token.low in _NP_BREAK and not _is_acronym(token.text)):
            break  # "El SAME confirmó": an acronym is a name, whatever word it spells
        if token.low in DETERMINERS and words and i >= 1 and _ends_phrase(tokens[i - 1]):
            words.append(token)  # "el 25 de diciembre el Ejecutivo de Maduro anunció": the
            break  # phrase starts at its article; "the Committee for the Freedom" goes on
        if len(token.low) > 4 and token.low.endswith(_PARTICIPLE_ENDINGS) and token.text.islower():
            break
        words.append(token)
        i -= 1
    words.reverse()
    if not words and not apposition and i == 0 and tokens[0].low in PRONOUNS:
        return Cue(name=tokens[0].text, kind="other", start=tokens[0].start, end=tokens[0].end)
    if not words and not apposition and i >= 0 and tokens[i].low in {"and", "but", "y", "pero"}:
        # "Rights groups welcome the move but note …": the sentence's subject says it
        words = [w for w in leading_words(sentence) if w.end <= verb_start]
    while words and words[0].low in _NP_LEADING_JUNK:
        words.pop(0)
    return _make_cue(sentence, words, words[0].start if words else 0, verb, article, apposition)


def _ends_phrase(token: Token) -> bool:
    """A word before an article that belongs to another phrase ("diciembre el", "días el"),
    unlike the glue inside a name ("for the", "de la")."""
    return (
        token.is_word
        and token.low not in _NP_GLUE
        and token.low not in FUNCTION
        and (token.text.islower() or token.low in TIME_WORDS)
    )


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and word.isalpha()


def _before_acronym(tokens: list[Token], i: int) -> int:
    """Step back over "(COFADEH)" before a verb: the name stands before the acronym."""
    if (
        i >= 3
        and tokens[i].text == ")"
        and tokens[i - 2].text == "("
        and tokens[i - 1].text.isupper()
    ):
        return i - 3
    return i


def _make_cue(
    sentence: str,
    words: list[Token],
    cue_start: int,
    verb: str,
    article: ArticleFacts,
    apposition: str,
) -> Cue | None:
    if not words or all(w.low in DETERMINERS for w in words):
        return None
    name = sentence[words[0].start : words[-1].end]
    apposed = apposition.strip()
    if (
        apposed
        and all(w.text.islower() for w in words if w.low not in DETERMINERS)
        and re.fullmatch(r"(?:[A-ZÁÉÍÓÚÑ][\w’'-]+\s?){2,4}", apposed)
    ):  # "El fiscal general, Tarek William Saab, informó": the person named in apposition
        kind = _kind(name, verb, article.people, "")
        return Cue(name=apposed, kind=kind, start=cue_start, end=words[-1].end)
    person_of = _PERSON_OF.match(name)
    if person_of and not any(
        w.lower() in ACTOR_WORDS | FUNCTION | _NP_GLUE for w in person_of.group("person").split()
    ):
        kind = _kind(person_of.group("org"), verb, article.people, "")
        return Cue(name=person_of.group("person"), kind=kind, start=cue_start, end=words[-1].end)
    named = _GENERIC_AND_NAMED.match(name)
    if named:
        name = named.group("named")
    described = _described_name(words, sentence)
    kind = _kind(name, verb, article.people, apposition)
    if described:
        name = described
    return Cue(name=name, kind=kind, start=cue_start, end=words[-1].end)


def _described_name(words: list[Token], sentence: str) -> str | None:
    """The name after a descriptor: "Human rights group Foro Penal", "the NGO Foro Penal",
    "la organización no gubernamental Foro Penal" -> "Foro Penal"."""
    if len(words) >= 3 and words[0].low in DETERMINERS:
        lower = 1
        while lower < len(words) and words[lower].text.islower():
            lower += 1
        if 2 <= lower < len(words) and all(w.text[:1].isupper() for w in words[lower:]):
            return sentence[words[lower].start : words[-1].end]  # "the water company SONEDE"
    for index, word in enumerate(words[:-1]):
        descriptor = word.text.islower() or (word.text.isupper() and word.low in ACTOR_WORDS)
        if word.low in ACTOR_WORDS and descriptor:
            rest = words[index + 1 :]
            while rest and rest[0].text.islower() and rest[0].low not in _NP_GLUE:
                rest = rest[1:]  # "no gubernamental"
            acronym_after_acronym = rest and rest[0].text.isupper() and word.text.isupper()
            if rest and rest[0].text[0].isupper() and not acronym_after_acronym:
                return sentence[rest[0].start : words[-1].end]
    return None


def _kind(name: str, verb: str, people: frozenset[str], apposition: str) -> SourceKind:
    """government / ngo / media from the words of the name; a personal name is a person."""
    if _titled_person(name):
        return "government" if verb.startswith("announce") else "person"
    low = name.lower()
    for phrase, kind in _KIND_PHRASES.items():
        if phrase in low:
            return kind
    words = re.findall(r"[\w.]+", low)
    for word in reversed(words):
        word = word.strip(".")
        if word in MEDIA:
            return "media"
        if word in NGO:
            return "ngo"
        if word in GOVERNMENT:
            return "government"
    if _is_personal_name(name, people):
        if apposition:
            via = _kind(apposition, verb, frozenset(), "")
            if via not in ("other", "person"):
                return via  # a spokesperson speaks for the organisation
        return "person"
    return "other"


def _titled_person(name: str) -> bool:
    """True for "President Joe Biden", "US President Trump" (a title and a personal name), so
    that they speak as a person, or as the government for an official act ("announced")."""
    parts = name.split()
    for index, part in enumerate(parts[:2]):
        if part.lower().rstrip(".") in _TITLES:
            rest = parts[index + 1 :]
            named = rest and all(
                p[:1].isupper() and not p.isupper() and p.lower() not in ACTOR_WORDS for p in rest
            )
            return bool(named)
    return False


def _is_personal_name(name: str, people: frozenset[str]) -> bool:
    parts = name.split()
    if not 1 <= len(parts) <= 4 or any(not p[:1].isupper() for p in parts):
        return False
    if any(p.isupper() or any(c.isdigit() for c in p) for p in parts):
        return False  # acronyms and initialisms are organisations or countries
    if parts[0].lower() in _NOT_FIRST_NAMES:
        return False
    if len(parts) > 1:
        return True
    return parts[0] in people  # one word ("Trump"): only if the article gives a name or title
