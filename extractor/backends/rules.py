"""The offline rules baseline: deterministic claim extraction without any model.

It runs when no LLM endpoint is configured (`--model rules`) and is the floor every model has to
beat in evaluation. It only finds *counted* claims: every number in a body sentence becomes one
claim with its hedge (qualifier), what is counted (unit), who asserts it (source), when (time and
an ISO date only when the text gives the year), whether the article presents it as disputed, and
the sentence itself as verbatim evidence. Everything is regular expressions and small word lists
of generic news English; nothing here knows any particular article, so it runs unchanged on
articles it has never seen. Claims without a number (events, statements, accusations) are out of
its reach, and statements are the article's own sentences, not decontextualised rewrites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from ..articles import Article
from ..prompt import Message, Prompt
from ..schemas import DraftClaim, Quantity, Quote, Source, Usage
from ..schemas.claims import Qualifier, SourceKind
from .base import Answer

#: bump when the rules change what they extract (goes into provenance next to the model name)
VERSION = "1"

# -- word lists ------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string (easier to read and extend)."""
    return frozenset(text.split())


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_MONTH = rf"(?:(?:{_MONTHS})\b|(?:{_MONTH_ABBR})\b\.?)"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_YEAR = r"(?:1[89]|20)\d{2}"
_TIME_WORDS = frozenset(
    (_MONTHS + "|" + _WEEKDAYS + "|" + _MONTH_ABBR + "|Christmas|Easter|New").lower().split("|")
)

_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
# "one" is left out on purpose: "one of", "one year", "no one" are almost never counts.

_QUALIFIERS: dict[str, Qualifier] = {
    "at least": "at_least",
    "a minimum of": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "no more than": "at_most",
    "not more than": "at_most",
    "up to": "at_most",
    "at most": "at_most",
    "a maximum of": "at_most",
    "more than": "more_than",
    "over": "more_than",
    "upwards of": "more_than",
    "in excess of": "more_than",
    "fewer than": "less_than",
    "less than": "less_than",
    "under": "less_than",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "some": "about",
    "an estimated": "about",
    "circa": "about",
}

_VAGUE: dict[str, tuple[float, float]] = {
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "dozens": (24, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "millions": (2_000_000, 9_999_999),
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_CURRENCIES = {"$": "dollars", "€": "euros", "£": "pounds"}
_GLUED_UNITS = _words("km kms m mi ft cm mm kg kgs g lb lbs t mph kph kmh mw gw kw bn ha")

# words that end a noun phrase: determiners, prepositions, conjunctions, auxiliaries, pronouns
_FUNCTION = _words(
    """
    the a an this that these those its their his her our my your
    in on at of for from to with by after before during since until over under across into
    through between among amid against about around near without within behind off per via
    and or but while as than because if so nor yet though although whereas when where
    is are was were be been being have has had do does did will would can could may might
    must shall should remain remains remained continue continues continued
    who which whom whose it they them he she we i you there here
    still also now then only just reportedly allegedly already more less most many much very
    too not never ever later ago each all both some any such same last first
    said says say having
    """
)
# words allowed inside a source's noun phrase although they are function words
_NP_GLUE = frozenset({"the", "a", "an", "of", "for", "and", "de", "del", "la", "van", "von"})
_NP_BREAK = _FUNCTION - _NP_GLUE
_NP_LEADING_JUNK = frozenset({"and", "of", "for", "or", "de", "del", "la"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})

_AUX_SKIP = _words(
    """
    were was are is have has had been being be still reportedly allegedly remain remains
    remained continue continues continued to also now later all having who that which
    believed thought said reported expected understood known them those these whom
    """
)
_PARTICIPLES = _words(
    "held freed dead missing homeless hurt shot kept taken left fled struck hit died "
    "imprisoned displaced injured wounded"
)
_NOT_PARTICIPLES = frozenset({"need", "speed", "seed", "feed", "bed", "red", "hundred"})
# a verb or noun right before the count says what happened to what is counted
_EVENT_VERBS = {
    "released": "released",
    "releases": "released",
    "release": "released",
    "releasing": "released",
    "freed": "freed",
    "frees": "freed",
    "freeing": "freed",
    "arrested": "arrested",
    "arrests": "arrested",
    "arrest": "arrested",
    "arresting": "arrested",
    "detained": "detained",
    "detains": "detained",
    "detaining": "detained",
    "detention": "detained",
    "killed": "killed",
    "kills": "killed",
    "killing": "killed",
    "jailed": "jailed",
    "jails": "jailed",
    "imprisoned": "imprisoned",
    "evacuated": "evacuated",
    "evacuates": "evacuated",
    "evacuation": "evacuated",
    "displaced": "displaced",
    "injured": "injured",
    "wounded": "wounded",
    "deported": "deported",
    "deports": "deported",
    "deportation": "deported",
    "pardoned": "pardoned",
    "pardons": "pardoned",
    "rescued": "rescued",
    "sentenced": "sentenced",
    "executed": "executed",
    "convicted": "convicted",
    "charged": "charged",
    "expelled": "expelled",
    "kidnapped": "kidnapped",
    "abducted": "abducted",
    "hired": "hired",
    "fired": "fired",
    "destroyed": "destroyed",
    "damaged": "damaged",
    "sacked": "sacked",
    "laid": "laid off",
}
_BEFORE_SKIP = _words("the of a an another total only some had have has been further additional")

_GOVERNMENT = _words(
    """
    government governments ministry ministries minister ministers authorities authority
    official officials administration president presidency state police army military
    pentagon regime cabinet department prosecutor prosecutors governor mayor parliament
    congress senate court courts judiciary embassy kremlin
    """
)
_NGO = _words(
    """
    group groups committee committees rights ngo ngos foro forum monitors monitor campaigners
    campaigner activists activist organisation organisations organization organizations
    foundation charity charities coalition association watch amnesty observatory advocates
    unions union
    """
)
_MEDIA = _words(
    """
    agency agencies afp reuters ap tasr media report reports newspaper newspapers outlet outlets
    broadcaster press bbc cnn news television tv radio journal times reporters journalists
    dpa efe ansa xinhua bloomberg
    """
)
_KIND_PHRASES: dict[str, SourceKind] = {
    "red cross": "ngo",
    "red crescent": "ngo",
    "white house": "government",
    "human rights": "ngo",
    "united nations": "other",
}
_TITLES = _words(
    "president minister premier governor mayor secretary senator chancellor king queen "
    "mr mrs ms dr sen rep gov general judge pope"
)
_NOT_FIRST_NAMES = _words(
    "north south east west new upper lower united great central northern southern eastern "
    "western saint san santa los las el la le the"
)
_LABELS = _words(
    "article section chapter flight route resolution room page part phase level category "
    "model no number highway grade stage volume vol"
)
_ACTOR_WORDS = _GOVERNMENT | _NGO | _MEDIA
_TITLE_DOTS = _words("mr mrs ms dr prof gen sen rep gov lt col capt sgt st jr sr")
_COUNT_WORDS = frozenset(_NUMBER_WORDS) | frozenset(_VAGUE) | {"tens", "one", "scores"}
_PRONOUN_STARTS = _words(
    "in at on despite during after since before while although though as if when for from "
    "with over under about nearly more less around some almost roughly approximately only "
    "this that it they he she we there however but and also one what how why according"
)
_ABBREVIATIONS = _words(
    "mr mrs ms dr prof gen sen rep gov lt col capt sgt st mt jr sr inc corp ltd co vs no nos "
    "fig approx est dept univ ave jan feb mar apr jun jul aug sep sept oct nov dec"
)

# -- patterns --------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_STOP_LINE = re.compile(
    r"^(?:related (?:articles?|stories|content|coverage|news)|more (?:stories|articles) from"
    r"|you may also like|recommended for you|read next)\b",
    re.I,
)
_SKIP_LINE = re.compile(
    r"^(?:also read|read also|read more|see also|trending|help us improve|original source"
    r"|this content is ai[- ]generated|advertisement|sponsored content|subscribe|sign up"
    r"|follow us|share this|click here|image:|photo:|caption:|credit:|watch:|listen:)(?!\w)",
    re.I,
)
_CAPTION = re.compile(
    r"\[[^\[\]]*(?:Images?|Photos?|Getty|Reuters|AP|AFP|EPA|Shutterstock|Pool|Handout)[^\[\]]*\]"
    r"|Images\]|\((?:Photo|Image|Credit):[^)]*\)"
)
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_BULLET = re.compile(r"^[-•*·▪–]\s+")
_BOUNDARY = re.compile(r"([.!?…])([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"[\w.’'-]+$")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
_TOKEN = re.compile(r"[^\W\d_][\w’'-]*(?:\.[^\W\d_]+)*\.?|\d[\d,.]*\d|\d|[^\w\s]")

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM_RE = re.compile(rf"(?<![\w.,:/$€£-])(?P<cur>[$€£])?(?P<num>{_NUMBER})(?P<att>[A-Za-z]+)?")
_WORD_NUM_RE = re.compile(rf"\b(?P<word>{'|'.join(_NUMBER_WORDS)})\b(?!-)", re.I)
_VAGUE_RE = re.compile(rf"\b(?P<vague>{'|'.join(_VAGUE)})\b", re.I)
_RANGE_RE = re.compile(rf"\bbetween\s+(?P<lo>{_NUMBER})\s+and\s+(?P<hi>{_NUMBER})\b", re.I)
_QUAL_RE = re.compile(
    rf"(?:^|(?<=[\s(“\"'—–-]))(?P<qual>{'|'.join(sorted(_QUALIFIERS, key=len, reverse=True))})"
    r"\s+$",
    re.I,
)
_SCALE_RE = re.compile(rf"^\s+(?P<scale>{'|'.join(_SCALES)})\b", re.I)
_PERCENT_RE = re.compile(r"^(?:\s?%|\s+per\s?cent\b|\s+percent\b)", re.I)
_COMPOUND_RE = re.compile(r"^(?:-[A-Za-z]|[-–]\s?\d|/\d)")
_CLOCK_RE = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|:\d)", re.I)
_DURATION_RE = re.compile(
    r"^\s+(?:(?:more|other|consecutive|straight|full|long)\s+)?"
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century"
    r"|nights?)\b",
    re.I,
)
_MONTH_BEFORE_RE = re.compile(rf"\b{_MONTH}\s+$")
_MONTH_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}")
_CONVERSION_GAP = re.compile(r"^\s*\(\s*$")
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[—–]\s+|\s+-\s+|\s+(?:and|but|while|whereas)\s+")
_LEADING_CONJUNCTION = re.compile(r"^(?:and|but|while|whereas|with|as)\s+", re.I)
_LATER_PREDICATE = re.compile(
    r"^[^,;:—–]*?\b(?:were|was|are|is|have been|has been|had been|be)\s+"
    r"(?:(?:\w+ly|still|also|now|all|reported|believed|said|thought|expected)\s+"
    r"(?:to\s+be\s+)?)*(?P<verb>\w+ed|held|freed|dead|missing|hurt|shot|kept|taken)\b",
    re.I,
)

_ACCORDING_RE = re.compile(r"\baccording to\s+", re.I)
_REPORT_PREFIX = re.compile(
    r"^(?:(?:a|an|the)\s+)?(?:latest\s+|new\s+|recent\s+)?"
    r"(?:report|statement|study|survey|tally|count|data|figures|estimate|estimates|analysis|"
    r"post|announcement)\s+(?:by|from|of|released by|published by)\s+",
    re.I,
)
_STRONG_VERBS = (
    "said|says|say|told|tells|wrote|writes|confirmed|confirms|confirm|announced|announces|"
    "announce|estimated|estimates|estimate|informs|informed|stated|states|noted|notes|note|"
    "warned|warns|added|adds|argued|argues|argue|insisted|insists"
)
_WEAK_VERBS = (
    "reported|reports|report|claims|claim|shows|show|showed|indicated|indicates|indicate|"
    "cited|cites|accused|accuses"
)
_STRONG_RE = re.compile(rf"\b(?P<verb>{_STRONG_VERBS})\b")
_WEAK_RE = re.compile(rf"\b(?P<verb>{_WEAK_VERBS})\b")
_ADVERBS_BEFORE_VERB = _words(
    "has have had also later previously reportedly recently now further again publicly "
    "already separately earlier will would could may"
)
_PASSIVE_BY_RE = re.compile(
    r"\b(?:announced|reported|confirmed|made|released|published|issued|stated|estimated|cited|"
    r"compiled|documented|verified)\s+by\s+",
    re.I,
)
_INVERSION_RE = re.compile(
    r"(?:[,”\"’]\s*)(?:said|says|added|wrote|according to)\s+(?=(?:the\s+)?[A-Z])"
)

_DISPUTE_RE = re.compile(
    r"\b(?:alleged(?:ly)?|allegations?|unverified|unconfirmed|questioned|rejected|rejects|"
    r"rejecting|denied|denies|claims?|only able to (?:verify|confirm)|"
    r"(?:confirm|verif)\w*\b[^.;]{0,40}\bonly\b|"
    r"(?:could|can)\s?not (?:be )?(?:independently )?(?:confirm|verif)\w*|"
    r"unable to (?:independently )?(?:confirm|verify)|"
    r"not (?:been |be )?independently (?:confirmed|verified)|"
    r"(?P<adj>disputed?|disputes|contested|contests))\b",
    re.I,
)
_VERB_OBJECT = _words("the a an this that these those by it its their his her them whether any")

_DATE_RE = re.compile(
    rf"(?P<since>\b[Ss]ince\s+)?(?:"
    rf"(?P<md>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_y>{_YEAR})\b)?)"
    rf"|(?P<dm>\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<dm_y>{_YEAR})\b)?)"
    rf"|(?P<my>\b{_MONTH},?\s+(?P<my_y>{_YEAR})\b)"
    rf"|(?P<wd>\b(?:{_WEEKDAYS})\b(?:\s+(?:morning|afternoon|evening|night))?)"
    rf"|(?P<hol>\b(?:Christmas(?: Day| Eve)?|New Year['’]s(?: Day| Eve)|Easter(?: Sunday)?)\b)"
    rf"|(?:(?<=\bin )|(?<=\bby )|(?<=\bof ))(?P<mo>(?:early |late |mid-)?(?:{_MONTHS})\b)"
    rf"|(?:(?<=\bin )|(?<=\bby )|(?<=\bof )|(?<=\buntil )|(?<=\bfrom ))(?P<yr>{_YEAR})\b"
    rf"|(?P<rel>\b(?:yesterday|today|tonight|last (?:week|month|year|night)|"
    rf"this (?:week|month|year)|earlier this (?:week|month|year)|next (?:week|month|year)|"
    rf"the past (?:week|month|year))\b)"
    rf")"
)
_SINCE_ONLY_RE = re.compile(rf"\b[Ss]ince\s+(?P<mo>(?:{_MONTHS})|(?P<yr>{_YEAR}))\b")

_NAME_RUN_RE = re.compile(
    r"\b(?P<name>[A-Z][\w’'.-]+(?:\s+(?:of\s+)?[A-Z][\w’'.-]+)*)"
    r"(?P<actor>\s+(?:administration|government|authorities|forces|officials|police|army|"
    r"military|regime|ministry)\b)?"
)
_LOCATION_RE = re.compile(
    r"\b(?:in|at|from|across|throughout|near|outside|inside)\s+(?:the\s+)?"
    r"(?P<loc>[A-Z][\w’'.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'.-]*)*)"
    r"(?P<tail>\s+(?:state|province|region|prison|city|county|district|area|camp|village|town|"
    r"island|islands|coast|border)\b)?"
)


# -- data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sentence:
    """A body sentence with its offsets in the article (`text == article[start:end]`)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Hit:
    """One quantity found in a sentence; offsets are relative to the sentence."""

    start: int
    end: int
    qualifier: Qualifier
    value: float | None
    lower: float | None = None
    upper: float | None = None
    glued: str = ""  # a unit written with the number: "km", "percent", "dollars"


@dataclass(frozen=True, slots=True)
class _Cue:
    """Who asserts the sentence, and where the attribution sits in it."""

    name: str
    kind: SourceKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()


def _tokens(text: str, offset: int = 0) -> list[_Token]:
    """Words, numbers and punctuation; a sentence-final period is split off its word."""
    out: list[_Token] = []
    for m in _TOKEN.finditer(text):
        word, start = m.group(), m.start() + offset
        keep_dot = _INITIALISM.fullmatch(word[:-1]) or word[:-1].lower() in _TITLE_DOTS
        if len(word) > 1 and word.endswith(".") and not keep_dot:
            out.append(_Token(word[:-1], start, start + len(word) - 1))
            out.append(_Token(".", start + len(word) - 1, start + len(word)))
        else:
            out.append(_Token(word, start, start + len(word)))
    return out


# -- the backend -----------------------------------------------------------------------------


class RulesBackend:
    """Deterministic, offline: no endpoint, no tokens, no randomness, nothing worth caching."""

    base_url: str | None = None
    cacheable = False

    async def extract(
        self, messages: list[Message], article: Article, prompt: Prompt | None
    ) -> Answer:
        """Claims for one article; `messages` and `prompt` are ignored (no model to ask)."""
        return Answer(claims=extract_claims(article.text), usage=Usage(), attempts=0)

    async def aclose(self) -> None:
        """Nothing to close: the baseline holds no connections."""


def extract_claims(text: str) -> list[DraftClaim]:
    """One claim per quantity in every body sentence of `text`, repeats folded."""
    kept: dict[tuple[Any, ...], tuple[int, DraftClaim]] = {}
    order = 0
    for sentence in _sentences(text):
        for claim in _sentence_claims(sentence.text, text):
            q = claim.quantity
            assert q is not None
            key = (
                q.qualifier,
                q.value,
                q.lower,
                q.upper,
                q.unit.lower(),
                claim.source.name,
                claim.time_text,
                claim.date,
            )
            previous = kept.get(key)
            if previous is None:
                kept[key] = (order, claim)
                order += 1
            elif len(claim.evidence.quote) > len(previous[1].evidence.quote):
                # a repeated fact: keep the mention with the most detail (body over standfirst)
                kept[key] = (previous[0], claim)
    return [claim for _, claim in sorted(kept.values(), key=lambda pair: pair[0])]


# -- segmentation ----------------------------------------------------------------------------


def _sentences(text: str) -> list[_Sentence]:
    """Body sentences: page furniture, captions, headings, teasers and repeats are skipped."""
    out: list[_Sentence] = []
    seen: set[str] = set()
    position = 0
    for raw in text.splitlines(keepends=True):
        line_start, position = position, position + len(raw)
        body = raw.strip()
        if not body:
            continue
        verdict = _line_kind(body)
        if verdict == "stop":
            break
        if verdict == "skip":
            continue
        offset = line_start + len(raw) - len(raw.lstrip())
        bullet = _BULLET.match(body)
        if bullet:
            offset += bullet.end()
            body = body[bullet.end() :]
        for start, end in _split_sentences(body):
            sentence = text[offset + start : offset + end]
            key = _WS.sub(" ", sentence).casefold()
            if key in seen:
                continue
            seen.add(key)
            out.append(_Sentence(offset + start, offset + end, sentence))
    return out


def _line_kind(line: str) -> str:
    """'stop' (teasers of other stories follow), 'skip' (furniture) or 'text'."""
    if _STOP_LINE.match(line):
        return "stop"
    if _SKIP_LINE.match(line) or _CAPTION.search(line):
        return "skip"
    if not _ENDS_SENTENCE.search(line) and len(line.split()) <= 25:
        return "skip"  # site names, section labels, headlines: no sentence end
    return "text"


def _split_sentences(line: str) -> list[tuple[int, int]]:
    """Sentence spans in one line; abbreviations ("Dec.", "U.S.", "Mr.") do not end one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        if m.group(1) == "." and _is_abbreviation(line, m.start()):
            continue
        spans.append((start, m.end(2)))
        start = m.end()
    spans.append((start, len(line)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        chunk = line[s:e]
        stripped = chunk.strip()
        if stripped:
            s += len(chunk) - len(chunk.lstrip())
            out.append((s, s + len(stripped)))
    return out


def _is_abbreviation(line: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(line, 0, dot)
    if not m:
        return False
    word = m.group().lstrip("(\"'“‘")
    return word.lower() in _ABBREVIATIONS or bool(_INITIALISM.fullmatch(word))


# -- one sentence ----------------------------------------------------------------------------


def _sentence_claims(sentence: str, article: str) -> list[DraftClaim]:
    """One claim per quantity; the attribution, time and dispute cues are the sentence's."""
    hits = _quantities(sentence)
    if not hits:
        return []
    cue = _source(sentence, article)
    source = Source(name=cue.name, kind=cue.kind) if cue else Source(name="the article")
    time_text, date = _time(sentence)
    location = _location(sentence)
    disputed = _disputed(sentence)
    subject = _subject(sentence, cue)
    statements = _statements(sentence, hits, cue)
    claims: list[DraftClaim] = []
    for hit, statement in zip(hits, statements, strict=True):
        quantity = Quantity(
            value=hit.value,
            lower=hit.lower,
            upper=hit.upper,
            qualifier=hit.qualifier,
            unit=_unit(sentence, hit),
            text=sentence[hit.start : hit.end],
        )
        claims.append(
            DraftClaim(
                statement=statement,
                subject=subject,
                quantity=quantity,
                time_text=time_text,
                date=date,
                location=location,
                source=source,
                disputed=disputed,
                evidence=Quote(quote=sentence),
            )
        )
    return claims


# -- quantities ------------------------------------------------------------------------------


def _quantities(sentence: str) -> list[_Hit]:
    """Every count in the sentence, in order; dates, years, ordinals, durations left out."""
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE_RE.finditer(sentence):
        lo, hi = _to_float(m.group("lo")), _to_float(m.group("hi"))
        if _looks_like_year(m.group("lo")) and _looks_like_year(m.group("hi")):
            continue
        hits.append(_Hit(m.start(), m.end(), "range", None, lower=lo, upper=hi))
        taken.append((m.start(), m.end()))
    for m in _VAGUE_RE.finditer(sentence):
        lower, upper = _VAGUE[m.group("vague").lower()]
        hits.append(_Hit(m.start(), m.end(), "vague", None, lower=lower, upper=upper))
        taken.append((m.start(), m.end()))
    for m in _NUM_RE.finditer(sentence):
        if not any(s <= m.start() < e for s, e in taken):
            hit = _number_hit(sentence, m)
            if hit is not None:
                hits.append(hit)
    for m in _WORD_NUM_RE.finditer(sentence):
        if not any(s <= m.start() < e for s, e in taken):
            hit = _word_hit(sentence, m)
            if hit is not None:
                hits.append(hit)
    hits.sort(key=lambda h: h.start)
    kept: list[_Hit] = []
    for hit in hits:
        if kept and _CONVERSION_GAP.match(sentence[kept[-1].end : hit.start]):
            continue  # "134km (83 miles)": the same distance converted, not a new count
        kept.append(hit)
    return kept


def _number_hit(sentence: str, m: re.Match[str]) -> _Hit | None:
    digits, glued_letters, currency = m.group("num"), m.group("att") or "", m.group("cur")
    value = _to_float(digits)
    end = m.end()
    glued = ""
    if glued_letters:
        if glued_letters.lower() not in _GLUED_UNITS:
            return None  # ordinals ("1st"), decades ("1990s"), times ("9am"), codes ("G20")
        glued = glued_letters
    after = sentence[end:]
    if _COMPOUND_RE.match(after) or _CLOCK_RE.match(after) or _DURATION_RE.match(after):
        return None  # "six-year term", "2023-24", "10:30", "18 months"
    scale = _SCALE_RE.match(after)
    if scale:
        value *= _SCALES[scale.group("scale").lower()]
        end += scale.end()
        after = sentence[end:]
    percent = _PERCENT_RE.match(after)
    if percent:
        end += percent.end()
        glued = "percent"
    if currency:
        glued = _CURRENCIES[currency]
    before = sentence[: m.start()]
    qualifier_match = _QUAL_RE.search(before)
    is_day = value <= 31 and value == int(value)
    if is_day and (_MONTH_BEFORE_RE.search(before) or _MONTH_AFTER_RE.match(after)):
        return None  # "January 1", "Dec. 25", "25 December"
    if qualifier_match is None:
        if _looks_like_year(digits) and not glued:
            return None
        if _is_label(before) or _is_age(before, after):
            return None  # "Article 5", "Flight 370", "aged 18", "Jane Doe, 54,"
    start = qualifier_match.start("qual") if qualifier_match else m.start()
    qualifier = _QUALIFIERS[qualifier_match.group("qual").lower()] if qualifier_match else "exact"
    return _Hit(start, end, qualifier, value, glued=glued)


def _word_hit(sentence: str, m: re.Match[str]) -> _Hit | None:
    """Number words are counts only when they head a noun ("four experts"), not "the two"."""
    before, after = sentence[: m.start()], sentence[m.end() :]
    previous = [w.lower() for w in before.split()[-2:]]
    if set(previous) & (_DETERMINERS | {"its", "their", "his", "her", "our", "all", "both"}):
        return None  # "the two countries", "the aforementioned two dismissals"
    if previous and previous[-1] == "of":
        return None
    if _DURATION_RE.match(after) or re.match(r"^\s+(?:of|or|to|and)\b", after, re.I):
        return None
    if not re.match(r"^\s+[a-z]", after):
        return None
    qualifier_match = _QUAL_RE.search(before)
    start = qualifier_match.start("qual") if qualifier_match else m.start()
    qualifier = _QUALIFIERS[qualifier_match.group("qual").lower()] if qualifier_match else "exact"
    return _Hit(start, m.end(), qualifier, float(_NUMBER_WORDS[m.group("word").lower()]))


def _to_float(digits: str) -> float:
    return float(digits.replace(",", ""))


def _looks_like_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1800 <= int(digits) <= 2100


def _is_age(before: str, after: str) -> bool:
    return bool(re.search(r"[A-Z][\w’'-]*,\s*$", before)) and after.startswith(",")


def _is_label(before: str) -> bool:
    words = before.split()
    if not words:
        return False
    previous = words[-1].strip("(\"'“‘")
    if previous.lower().rstrip(".") in _LABELS | {"aged", "age", "ages"} or previous == "#":
        return True
    return len(words) > 1 and previous[:1].isupper() and previous[-1:] not in ",;:"


# -- units -----------------------------------------------------------------------------------


def _unit(sentence: str, hit: _Hit) -> str:
    """What is counted: the noun after the number plus what happened to it, a few words."""
    noun, noun_end = _noun_after(sentence, hit.end)
    if hit.glued and hit.glued != "percent" and hit.glued not in _CURRENCIES.values():
        return hit.glued
    if hit.glued:
        noun = hit.glued
    verb = _verb_before(sentence, hit.start)
    if verb is None:
        verb = _verb_after(sentence, noun_end)
    if not noun:
        noun = "people"
    return f"{noun} {verb}" if verb and not hit.glued else noun


def _noun_after(sentence: str, position: int) -> tuple[str, int]:
    tokens = _tokens(sentence[position:], position)
    i = 0
    while i < len(tokens) and tokens[i].low in {"more", "other", "additional", "new", "extra"}:
        i += 1
    if i < len(tokens) and tokens[i].low == "of":
        i += 1
        while i < len(tokens) and tokens[i].low in _DETERMINERS | {"their", "its"}:
            i += 1
    words: list[str] = []
    end = tokens[i - 1].end if i else position
    for index in range(i, len(tokens)):
        token = tokens[index]
        if not token.is_word or token.low in _FUNCTION or len(words) >= 4:
            break
        if words and len(token.low) > 4 and token.low.endswith(("ed", "ing")):
            break
        if words and _verb_like(tokens, index):
            break
        words.append(token.text)
        end = token.end
    return " ".join(words), end


def _verb_like(tokens: list[_Token], index: int) -> bool:
    """A lowercase word followed by an object ("echo the", "shows that", "releases 88")."""
    token = tokens[index]
    if not token.text.islower() or index + 1 >= len(tokens):
        return False
    following = tokens[index + 1]
    return following.low in _VERB_OBJECT | {"that"} or following.text[0].isdigit()


def _verb_before(sentence: str, position: int) -> str | None:
    tokens = _tokens(sentence[:position])
    for steps, token in enumerate(reversed(tokens)):
        if token.low in _EVENT_VERBS:
            return _EVENT_VERBS[token.low]
        if token.low not in _BEFORE_SKIP or steps >= 4:
            return None
    return None


def _verb_after(sentence: str, position: int) -> str | None:
    tokens = _tokens(sentence[position:], position)
    direct: str | None = None
    for count, token in enumerate(tokens):
        if token.low in _AUX_SKIP and count < 5:
            continue
        if _is_participle(token.low):
            if count:  # "are still held", "remain detained": the clause's own predicate
                return token.low
            direct = token.low  # "people detained during protests": maybe a reduced relative
        break
    later = _LATER_PREDICATE.match(sentence[position:])
    if later and _is_participle(later.group("verb").lower()):
        return later.group("verb").lower()
    return direct


def _is_participle(word: str) -> bool:
    if word in _PARTICIPLES:
        return True
    return len(word) > 4 and word.endswith("ed") and word not in _NOT_PARTICIPLES


# -- sources ---------------------------------------------------------------------------------


def _source(sentence: str, article: str) -> _Cue | None:
    """Who asserts the sentence: "according to X", "X said", "X, …, said", "said by X"."""
    for m in _ACCORDING_RE.finditer(sentence):
        cue = _cue_after(sentence, m.end(), m.start(), "according", article)
        if cue:
            return cue
    for pattern in (_STRONG_RE, _WEAK_RE):
        for m in pattern.finditer(sentence):
            cue = _cue_before(sentence, m.start(), m.end(), m.group("verb").lower(), article)
            if cue:
                return cue
        if pattern is _STRONG_RE:
            for m in _PASSIVE_BY_RE.finditer(sentence):
                cue = _cue_after(sentence, m.end(), m.start(), "by", article)
                if cue:
                    return cue
            for m in _INVERSION_RE.finditer(sentence):
                cue = _cue_after(sentence, m.end(), m.start(), "said", article)
                if cue:
                    return cue
    return None


def _cue_after(
    sentence: str, position: int, cue_start: int, verb: str, article: str
) -> _Cue | None:
    """The noun phrase that follows "according to" / "by": "Foro Penal", "the AFP agency"."""
    prefix = _REPORT_PREFIX.match(sentence[position:])
    if prefix:
        position += prefix.end()
    words: list[_Token] = []
    for token in _tokens(sentence[position:], position):
        if not token.is_word or token.low in _NP_BREAK or len(words) >= 14:
            break
        if words and len(token.low) > 4 and token.low.endswith(("ed", "ing")):
            break
        words.append(token)
    while words and words[-1].low in _NP_GLUE:
        words.pop()
    return _make_cue(sentence, words, cue_start, verb, article, "")


def _cue_before(
    sentence: str, verb_start: int, verb_end: int, verb: str, article: str
) -> _Cue | None:
    """The noun phrase right before a speech verb: "rights groups said", "Trump says"."""
    tokens = _tokens(sentence[:verb_start])
    i = len(tokens) - 1
    while i >= 0 and tokens[i].low in _ADVERBS_BEFORE_VERB:
        i -= 1
    if i >= 0 and tokens[i].text.endswith(("’s", "'s")):
        return None  # "the government's claims": a noun, not a verb
    if i >= 0 and tokens[i].low == "to":
        return None  # "able to confirm"
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
        i = j - 1
    words: list[_Token] = []
    while i >= 0 and len(words) < 9:
        token = tokens[i]
        if not token.is_word or token.low in _NP_BREAK:
            break
        if len(token.low) > 4 and token.low.endswith("ed") and token.text.islower():
            break
        words.append(token)
        i -= 1
    words.reverse()
    if not words and not apposition and i >= 0 and tokens[i].low in {"and", "but"}:
        words = _leading_words(sentence)  # "Rights groups welcome the move but note …"
    while words and words[0].low in _NP_LEADING_JUNK:
        words.pop(0)
    return _make_cue(sentence, words, words[0].start if words else 0, verb, article, apposition)


def _make_cue(
    sentence: str,
    words: list[_Token],
    cue_start: int,
    verb: str,
    article: str,
    apposition: str,
) -> _Cue | None:
    if not words or all(w.low in _DETERMINERS for w in words):
        return None
    name = sentence[words[0].start : words[-1].end]
    described = _described_name(words, sentence)
    kind = _kind(name, verb, article, apposition)
    if described:
        name = described
    return _Cue(name=name, kind=kind, start=cue_start, end=words[-1].end)


def _described_name(words: list[_Token], sentence: str) -> str | None:
    """ "Human rights group Foro Penal" names "Foro Penal"; the descriptor only gives the kind."""
    for index, word in enumerate(words[:-1]):
        if word.low in _ACTOR_WORDS and word.text.islower() and words[index + 1].text[0].isupper():
            return sentence[words[index + 1].start : words[-1].end]
    return None


def _kind(name: str, verb: str, article: str, apposition: str) -> SourceKind:
    """government / ngo / media from the words of the name; a personal name is a person."""
    low = name.lower()
    for phrase, kind in _KIND_PHRASES.items():
        if phrase in low:
            return kind
    words = re.findall(r"[\w.]+", low)
    for word in reversed(words):
        word = word.strip(".")
        if word in _MEDIA:
            return "media"
        if word in _NGO:
            return "ngo"
        if word in _GOVERNMENT:
            return "government"
    if _is_personal_name(name, article):
        if apposition:
            via = _kind(apposition, verb, "", "")
            if via not in ("other", "person"):
                return via  # a spokesperson speaks for the organisation
        first = name.split()[0].lower().rstrip(".")
        if first in _TITLES and verb in {"announced", "announces", "announce"}:
            return "government"  # an official act, not a personal view
        return "person"
    return "other"


def _is_personal_name(name: str, article: str) -> bool:
    parts = name.split()
    if not 1 <= len(parts) <= 4 or any(not p[:1].isupper() for p in parts):
        return False
    if any(p.isupper() or any(c.isdigit() for c in p) for p in parts):
        return False  # acronyms and initialisms are organisations or countries
    if parts[0].lower() in _NOT_FIRST_NAMES:
        return False
    if len(parts) > 1:
        return True
    # one word ("Trump"): a person if the article elsewhere gives a first name or a title
    pattern = rf"\b([A-Z][\w’'.-]+)\s+{re.escape(parts[0])}\b"
    for m in re.finditer(pattern, article):
        before = m.group(1).lower().rstrip(".")
        if before in _TITLES or (
            before not in _NOT_FIRST_NAMES and before not in _FUNCTION and before not in _TIME_WORDS
        ):
            return True
    return False


# -- subject, statement, time, place, dispute ------------------------------------------------


def _subject(sentence: str, cue: _Cue | None) -> str:
    """The actor, without its article: the sentence's leading noun phrase, else the source."""
    return _bare(_subject_as_written(sentence, cue))


def _subject_as_written(sentence: str, cue: _Cue | None) -> str:
    leading = _leading_noun_phrase(sentence)
    if cue and leading and (leading in cue.name or cue.name in leading):
        return cue.name  # "Human rights group Foro Penal said" -> "Foro Penal"
    if leading and any(w[:1].isupper() or w.lower() in _ACTOR_WORDS for w in leading.split()):
        return _strip_possessive(leading)
    if cue:
        return cue.name
    if leading:
        return _strip_possessive(leading)
    for run in _NAME_RUN_RE.finditer(sentence):
        if run.start() == 0 and not run.group("actor"):
            continue  # a capitalised first word is not evidence of a name
        name = run.group("name").rstrip(".")
        if name.split()[0].lower() in _TIME_WORDS or name.lower() in _PRONOUN_STARTS:
            continue
        if not run.group("actor") and _is_attributive(sentence, run.end("name")):
            continue  # "Venezuelan prisons": an adjective
        return _strip_possessive(run.group().rstrip("."))
    return "the article"


def _strip_possessive(name: str) -> str:
    return re.sub(r"[’']s?$", "", name)


def _bare(name: str) -> str:
    """A subject without its article: "the Venezuelan government" -> "Venezuelan government"."""
    return re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I) or name


def _leading_noun_phrase(sentence: str) -> str | None:
    words = _leading_words(sentence)
    if words and words[0].low in _DETERMINERS:
        words = words[1:]
    if not words:
        return None
    return sentence[words[0].start : words[-1].end]


def _leading_words(sentence: str) -> list[_Token]:
    """The grammatical subject, roughly: words from the start up to the first verb-like word.

    An opening adverbial ("In the aftermath, authorities detained …") is skipped.
    """
    tokens = _tokens(sentence)
    while tokens and not tokens[0].is_word and not tokens[0].text[0].isdigit():
        tokens = tokens[1:]  # opening quotes
    if tokens and tokens[0].low in _PRONOUN_STARTS - {"this", "that", "it", "they", "he", "she"}:
        comma = next((k for k, t in enumerate(tokens[:12]) if t.text == ","), None)
        tokens = tokens[comma + 1 :] if comma is not None else []
    if not tokens or not tokens[0].is_word or tokens[0].low in _PRONOUN_STARTS | _COUNT_WORDS:
        return []
    words: list[_Token] = []
    for index, token in enumerate(tokens):
        if not token.is_word or len(words) >= 6:
            break
        if token.low in _FUNCTION and not (index == 0 and token.low in _DETERMINERS):
            break
        if len(token.low) > 4 and token.low.endswith(("ed", "ing")) and token.text.islower():
            break
        if words and _verb_like(tokens, index):
            break
        words.append(token)
    return words


def _statements(sentence: str, hits: list[_Hit], cue: _Cue | None) -> list[str]:
    """The sentence for one quantity; for several, the clause of each (so each is distinct)."""
    whole = _WS.sub(" ", sentence).strip()
    if len(hits) == 1:
        return [whole]
    cuts: list[tuple[int, int]] = []
    for left, right in pairwise(hits):
        breaks = list(_CLAUSE_BREAK.finditer(sentence, left.end, right.start))
        cuts.append((breaks[-1].start(), breaks[-1].end()) if breaks else (-1, -1))
    out: list[str] = []
    seen: set[str] = set()
    start = 0
    for index, hit in enumerate(hits):
        cut_start, cut_end = cuts[index] if index < len(cuts) else (len(sentence), len(sentence))
        if cut_start < 0:
            statement = whole
        else:
            clause = sentence[start:cut_start]
            statement = _clause_statement(clause, cue, start, cut_start)
            start = cut_end
        if statement in seen:
            statement = f"{whole} ({sentence[hit.start : hit.end]})"
        seen.add(statement)
        out.append(statement)
    return out


def _clause_statement(clause: str, cue: _Cue | None, start: int, end: int) -> str:
    text = _LEADING_CONJUNCTION.sub("", _WS.sub(" ", clause).strip()).rstrip(" ,;:—–-")
    text = text[:1].upper() + text[1:]
    if cue and not (start <= cue.start < end):
        text = text.rstrip(".!?") + f", according to {cue.name}"
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."


def _time(sentence: str) -> tuple[str | None, str | None]:
    """The claim's time as written, and an ISO date only when the text itself gives the year."""
    specific: list[re.Match[str]] = []
    years: list[re.Match[str]] = []
    relative: list[re.Match[str]] = []
    for m in _DATE_RE.finditer(sentence):
        bare = m.group("my") or m.group("mo") or m.group("yr")
        if bare and _is_attributive(sentence, m.end()):
            continue  # "the July 2024 election": names the event, not the claim's time
        if m.group("yr"):
            years.append(m)
        elif m.group("rel"):
            relative.append(m)
        else:
            specific.append(m)
    for group in (specific, years, relative):
        if group:
            m = group[0]
            since = m.group("since") or ""
            core = m.group()[len(since) :]
            return m.group(), _iso(m, core)
    since = _SINCE_ONLY_RE.search(sentence)
    if since:
        return since.group(), since.group("yr")
    return None, None


def _is_attributive(sentence: str, end: int) -> bool:
    nxt = re.match(r"\s+([A-Za-z]+)", sentence[end:])
    if not nxt:
        return False
    word = nxt.group(1)
    return word.islower() and word not in _FUNCTION and not word.endswith("ed")


def _iso(m: re.Match[str], core: str) -> str | None:
    if m.group("yr"):
        return m.group("yr")
    if m.group("my"):
        parsed = _parse_date(core, ("month", "year"))
        return f"{parsed[0]:04d}-{parsed[1]:02d}" if parsed else None
    if m.group("md_y") or m.group("dm_y"):
        parsed = _parse_date(core, ("day", "month", "year"))
        return f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}" if parsed else None
    return None  # no year written: never guess one


@lru_cache(maxsize=512)
def _parse_date(expression: str, parts: tuple[str, ...]) -> tuple[int, int, int] | None:
    """dateparser checks the date is real ("February 30, 2024" is not); imported on first use."""
    import dateparser

    parsed = dateparser.parse(
        re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", expression),
        languages=["en"],
        settings={"REQUIRE_PARTS": list(parts), "STRICT_PARSING": "day" in parts},
    )
    return (parsed.year, parsed.month, parsed.day) if parsed else None


def _location(sentence: str) -> str | None:
    """The first place named after "in/at/from/across": a capitalised name, not a month."""
    for m in _LOCATION_RE.finditer(sentence):
        loc = m.group("loc")
        previous = sentence[: m.start()].split()
        if len(previous) > 1 and previous[-1][:1].isupper():
            continue  # "Committee of Mothers in Defense of the Truth": part of a name
        first = loc.split()[0].rstrip(".").lower()
        if first in _TIME_WORDS or first in _ACTOR_WORDS:
            continue
        tail = m.group("tail") or ""
        if not tail and _is_attributive(sentence, m.end("loc")):
            continue  # "in Venezuelan prisons": an adjective, not the place
        place = (loc + tail).strip()
        if place.endswith(".") and not _INITIALISM.fullmatch(place.split()[-1][:-1]):
            place = place[:-1]
        return place
    return None


def _disputed(sentence: str) -> bool:
    """Dispute cues; "disputed"/"contested" only as verbs ("have disputed the count")."""
    for m in _DISPUTE_RE.finditer(sentence):
        if not m.group("adj"):
            return True
        nxt = re.match(r"\s*(\S+)", sentence[m.end() :])
        if not nxt or not nxt.group(1)[:1].isalnum() or nxt.group(1).lower() in _VERB_OBJECT:
            return True
    return False


__all__ = ["VERSION", "RulesBackend", "extract_claims"]
