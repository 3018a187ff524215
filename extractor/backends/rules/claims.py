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
from .attribution import ArticleFacts, Cue, find_source
from .dates import time_of
from .disputes import is_disputed
from .lexicon import WS
from .places import location_of, main_place
from .quantities import Hit, find_quantities
from .sentences import body_sentences
from .subjects import subject_of
from .tokens import flat
from .units import unit_of

_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[—–]\s+|\s+-\s+|\s+(?:and|but|while|whereas)\s+")
_LEADING_CONJUNCTION = re.compile(r"^(?:and|but|while|whereas|with|as)\s+", re.I)


def extract_claims(text: str) -> list[DraftClaim]:
    """One claim per quantity in every body sentence of `text`, repeats folded."""
    article = ArticleFacts(text)
    sentences = body_sentences(text)
    place = main_place(sentences)
    kept: dict[tuple[Any, ...], tuple[int, DraftClaim]] = {}
    order = 0
    for sentence in sentences:
        for claim in _sentence_claims(sentence.text, article, place):
            q = claim.quantity
            if q is None:  # never: every claim here is built around a quantity
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
    return [claim for _, claim in sorted(kept.values(), key=lambda pair: pair[0])]


def _sentence_claims(sentence: str, article: ArticleFacts, place: str | None) -> list[DraftClaim]:
    """One claim per quantity; the attribution, time and dispute cues are the sentence's."""
    hits = find_quantities(sentence)
    if not hits:
        return []
    cue = find_source(sentence, article)
    source = Source(name=flat(cue.name), kind=cue.kind) if cue else Source(name="the article")
    time_text, date = time_of(sentence)
    location = location_of(sentence) or place  # where the sentence says, else the article's place
    disputed = is_disputed(sentence)
    subject = flat(subject_of(sentence, cue))
    statements = _statements(sentence, hits, cue)
    claims: list[DraftClaim] = []
    noun = ""
    for hit, statement in zip(hits, statements, strict=True):
        unit, noun = unit_of(sentence, hit, noun)
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


def _statements(sentence: str, hits: list[Hit], cue: Cue | None) -> list[str]:
    """The sentence for one quantity; for several, the clause of each (so each is distinct)."""
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
            statement = _clause_statement(clause, cue, start, cut_start)
            start = cut_end
        if statement in seen:
            statement = f"{whole} ({sentence[hit.start : hit.end]})"
        seen.add(statement)
        out.append(statement)
    return out


def _clause_statement(clause: str, cue: Cue | None, start: int, end: int) -> str:
    text = _LEADING_CONJUNCTION.sub("", WS.sub(" ", clause).strip()).rstrip(" ,;:—–-")
    text = text[:1].upper() + text[1:]
    if cue and not (start <= cue.start < end):
        text = text.rstrip(".!?") + f", according to {flat(cue.name)}"
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."
