"""Claims: one DraftClaim per quantity in every body sentence, with repeats folded.

This is where the per-sentence rules meet: each quantity gets the sentence's source, subject,
time, place and dispute cue, and a statement of its own (the sentence, or its clause when the
sentence holds several counts). A fact repeated in the standfirst and the body is kept once,
with the longer evidence.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from ...schemas import DraftClaim, Quantity, Quote, Source
from .attribution import PRONOUNS, ArticleFacts, Cue, find_source, quoted_speakers
from .clauses import clauses
from .dates import time_of, weekday_dates, with_dates
from .disputes import is_disputed
from .languages import detect, languages, union_list, union_words
from .lexicon import WS
from .places import location_of, main_place
from .quantities import Hit, find_quantities
from .sentences import body_sentences
from .sources import SourceNames
from .subjects import subject_of
from .tokens import flat
from .units import translated_unit, unit_of

_CONJUNCTIONS = "|".join(
    map(re.escape, {*union_list("clauses", "conjunctions"), "while", "whereas"})
)
_CLAUSE_BREAK = re.compile(rf"[,;:]\s+|\s+[—–]\s+|\s+-\s+|\s+(?:{_CONJUNCTIONS})\s+")
_LEADING_CONJUNCTION = re.compile(r"^(?:and|but|while|whereas|with|as)\s+", re.I)


def extract_claims(text: str) -> list[DraftClaim]:
    """One claim per quantity in every body sentence of `text`, one per body sentence without
    a quantity, repeats folded."""
    article = ArticleFacts(text)
    language = detect(text)
    sentences = body_sentences(text)
    names = SourceNames(main_place(sentences), text)
    place = names.place  # the place the article is about, else the country it names most
    kept: dict[tuple[Any, ...], tuple[int, DraftClaim]] = {}
    order = 0
    speakers = quoted_speakers([s.text for s in sentences], article)
    for index, sentence in enumerate(sentences):
        speaker = speakers.get(index)
        for claim in _sentence_claims(sentence.text, article, place, language, names, speaker):
            q = claim.quantity
            if q is None:
                key: tuple[Any, ...] = ("statement", claim.statement.casefold())
                if key not in kept:
                    kept[key] = (order, claim)
                    order += 1
                continue
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
    pinned = weekday_dates(text)
    claims = [claim for _, claim in sorted(kept.values(), key=lambda pair: pair[0])]
    for claim in claims:
        claim.statement = _finished(names.spelled_out(claim.statement))
        if pinned:
            claim.statement = with_dates(claim.statement, pinned)
    return claims


def _sentence_claims(
    sentence: str,
    article: ArticleFacts,
    place: str | None,
    language: str,
    names: SourceNames,
    speaker: Cue | None = None,
) -> list[DraftClaim]:
    """One claim per quantity (or one for the sentence when it has none); the attribution,
    time and dispute cues are the sentence's, the source is `speaker` for a sentence inside a
    quotation."""
    if _is_opinion(sentence, weak=False):
        return []
    hits = find_quantities(sentence, language)
    cue = speaker or find_source(sentence, article)
    if cue:
        # "according to two rights groups": a number in the source's name counts no claim
        hits = [hit for hit in hits if not cue.start <= hit.start < cue.end]
        name, kind = names.canonical(flat(cue.name), cue.kind)
        source = Source(name=name, kind=kind)  # type: ignore[arg-type]
    else:
        source = Source(name="the article")
    time_text, date = time_of(sentence, language)
    location = location_of(sentence) or place  # where the sentence says, else the article's place
    disputed = is_disputed(sentence)
    subject = flat(subject_of(sentence, cue))
    if cue and subject == flat(cue.name):
        subject = _bare_subject(source.name)
    claims: list[DraftClaim] = []
    spans = clauses(sentence)
    if _is_claim_sentence(sentence):
        for index, (start, end) in enumerate(spans):
            if any(start <= hit.start < end for hit in hits):
                continue  # its quantities are claims of their own, below
            claims.append(
                DraftClaim(
                    statement=_clause_claim(
                        sentence, spans, index, cue, source.name, subject, language
                    ),
                    subject=subject,
                    time_text=flat(time_text) if time_text else None,
                    date=date,
                    location=location,
                    source=source,
                    disputed=disputed,
                    evidence=Quote(quote=sentence),
                )
            )
    if not hits:
        return claims
    counted = clauses(sentence, gerunds=True)  # a count's clause ends at a gerund too
    if len(hits) == 1 and hits[0].start < counted[0][1] and len(counted) > 1:
        statements = [_clause_claim(sentence, counted, 0, cue, source.name, subject, language)]
    elif len(hits) == 1 and len(spans) > 1:  # one count in one of several clauses: that clause
        at = next(k for k, (start, end) in enumerate(spans) if start <= hits[0].start < end)
        statements = [_clause_claim(sentence, spans, at, cue, source.name, subject, language)]
    else:
        statements = [
            _pointed(s, cue, source.name, sentence)
            for s in _statements(sentence, hits, cue, source.name, language)
        ]
    noun = ""
    for hit, statement in zip(hits, statements, strict=True):
        unit, noun = unit_of(sentence, hit, noun)
        unit = translated_unit(sentence, hit, language) or unit
        quantity = Quantity(
            value=hit.value,
            lower=hit.lower,
            upper=hit.upper,
            qualifier=hit.qualifier,
            unit=unit,
            text=flat(sentence[hit.start : hit.end]),
        )
        claims.append(
            DraftClaim(
                statement=statement,
                subject=subject,
                quantity=quantity,
                time_text=flat(time_text) if time_text else None,
                date=date,
                location=location,
                source=source,
                disputed=disputed,
                evidence=Quote(quote=sentence),
            )
        )
    return claims


def _statements(
    sentence: str, hits: list[Hit], cue: Cue | None, source: str, language: str
) -> list[str]:
    """The sentence for one quantity; for several, the clause of each (so each is distinct);
    a clause without the attribution gets `source`, the name the cue resolves to."""
    whole = WS.sub(" ", sentence).strip()
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
            statement = _clause_statement(clause, cue, source, start, cut_start, language)
            start = cut_end
        if statement in seen:
            statement = f"{whole} ({sentence[hit.start : hit.end]})"
        seen.add(statement)
        out.append(statement)
    return out


def _clause_statement(
    clause: str, cue: Cue | None, source: str, start: int, end: int, language: str
) -> str:
    text = _LEADING_CONJUNCTION.sub("", WS.sub(" ", clause).strip()).rstrip(" ,;:—–-")
    text = text[:1].upper() + text[1:]
    if cue and not (start <= cue.start < end) and source != "the article":
        text = text.rstrip(".!?") + _attribution(language, cue, source)
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."


_STRONG_OPINION = union_words("opinion", "strong")
_WEAK_OPINION = union_words("opinion", "weak")
_WORDS = re.compile(r"[^\W\d_]+")


def _is_opinion(sentence: str, weak: bool) -> bool:
    """Framing or speculation in the article's voice (section 1 of the guideline)."""
    words = {w.lower() for w in _WORDS.findall(sentence)}
    return bool(words & _STRONG_OPINION or (weak and words & _WEAK_OPINION))


def _is_claim_sentence(sentence: str) -> bool:
    """A body sentence without a number is a claim unless it is a question, a fragment or
    framing."""
    words = sentence.split()
    if len(words) < 5 or sentence.rstrip("”\"’' ").endswith("?"):
        return False
    return not _is_opinion(sentence, weak=True)


def _bare_subject(name: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I) or name


def _pointed(statement: str, cue: Cue | None, name: str, sentence: str) -> str:
    """ "The group said …" -> "Viasna said …": a pointer at the start becomes who it points to;
    so does a pronoun after the words it attributes ("… were injured, he said." -> "… were
    injured, Dragan Petković said.")."""
    if cue is None or name == "the article" or name.casefold() in PRONOUNS:
        return statement
    if cue.end == 0:  # "Añadió que …": the speaker before goes on
        opens = statement.startswith(sentence.split(None, 1)[0])
        return f"{name} {statement[:1].lower()}{statement[1:]}" if opens else statement
    written = flat(cue.name)
    if cue.start != 0:
        tail = WS.sub(" ", sentence[cue.start :]).strip()
        if written.casefold() in PRONOUNS and tail in statement and statement != tail:
            return statement.replace(tail, name + tail[len(written) :], 1)
        return statement
    if statement.startswith(written) and written != name and len(written.split()) <= 3:
        return name + statement[len(written) :]
    return statement


def _clause_claim(
    sentence: str,
    spans: list[tuple[int, int]],
    index: int,
    cue: Cue | None,
    source: str,
    subject: str,
    language: str,
) -> str:
    """The statement of one clause: the sentence when it is the only one; the first clause with
    its attribution; a later clause with the sentence's subject in front ("… and denied X" ->
    "Cuban foreign ministry denied X"); a reported one with the sentence's attribution as
    written ("Azma Javed told reporters that A and that two cars burned" -> "Azma Javed told
    that two cars burned"), else with its source and speech verb ("X said that …")."""
    whole = WS.sub(" ", sentence).strip()
    if len(spans) == 1:
        return _pointed(whole, cue, source, sentence)
    start, end = spans[index]
    text = WS.sub(" ", sentence[start:end]).strip().rstrip(" ,;:")
    if index == 0:
        text = _pointed(text, cue, source, sentence)
        if cue and not (start <= cue.start < end) and source != "the article":
            text = text.rstrip(".!?") + _attribution(language, cue, source)
    else:
        actor = subject if subject != "the article" else source
        said = _reported_speech(language, text)
        frame = _speech_frame(sentence, spans[0], cue) if said else None
        if frame:
            text = f"{frame} {text}"
        elif actor != "the article":
            text = f"{actor} {said + ' ' if said else ''}{text}"
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."


_NEXT_WORD = re.compile(r"\s+[^\W\d_][\w’'-]*")


def _speech_frame(sentence: str, first: tuple[int, int], cue: Cue | None) -> str | None:
    """The first clause up to the word after its source ("In a statement, it said"), when the
    source stands in that clause."""
    if cue is None or not first[0] <= cue.start < first[1]:
        return None
    verb = _NEXT_WORD.match(sentence, cue.end)
    return WS.sub(" ", sentence[first[0] : verb.end()]).strip() if verb else None


def _finished(statement: str) -> str:
    """A statement ends as a sentence does, not as the list item it came from ("11 son
    mujeres;" -> "11 son mujeres.")."""
    return statement[:-1].rstrip() + "." if statement.endswith((";", ",")) else statement


def _attribution(language: str, cue: Cue, source: str) -> str:
    """ ", according to Foro Penal" for a clause the sentence's source asserts: in the language's
    words ("según"), naming the source as written when it is the resolved name ("la Defensoría
    del Pueblo"), else by the name it resolves to ("The group" -> "Foro Penal")."""
    phrase = languages()[language].data.get("clauses", {}).get("according", "according to")
    if source.casefold() in PRONOUNS:
        return ""  # "according to he" tells a reader nothing
    written = flat(cue.name)
    name = written if written.casefold().endswith(source.casefold()) else source
    return f", {phrase} {name}"


def _reported_speech(language: str, clause: str) -> str | None:
    """The language's speech verb ("said") when `clause` opens with a reported-speech word
    ("that"): the `[clauses]` keys `reported` and `said` of its data file (optional)."""
    table = languages()[language].data.get("clauses", {})
    opens = clause.split(" ", 1)[0].casefold()
    return table.get("said") if opens in table.get("reported", ()) else None
