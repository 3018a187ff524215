"""Body sentences: lines, hard-wrapped paragraphs, sentence ends, and page furniture to skip.

Text pasted from a news page carries site names, captions, "Also read" links and teasers of
other stories; none of it is the article's claim. Each sentence keeps its offsets, so a claim's
evidence is always a verbatim span of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .languages import union_list
from .lexicon import INITIALISM, MONTH, WEEKDAYS, WS, word_set

_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof gen sen rep gov lt col capt sgt st mt jr sr inc corp ltd co vs no nos "
    "fig approx est dept univ ave jan feb mar apr jun jul aug sep sept oct nov dec "
    "sr sra srta dra lic ing av gral"
)


def _starts(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


# page furniture from every language's data file
_STOP_LINE = re.compile(rf"^(?:{_starts(union_list('furniture', 'stop'))})(?!\w)", re.I)
_LINK_LINE = re.compile(rf"^(?:{_starts(union_list('furniture', 'skip'))})", re.I)
# labels only when the line is short: "Trending" is furniture, "Trending topics showed …" is not
_LABEL_LINE = re.compile(rf"^(?:{_starts(union_list('furniture', 'label'))})(?!\w)", re.I)
_CAPTION = re.compile(
    r"\[[^\[\]]*(?:Images?|Photos?|Getty|Reuters|AP|AFP|EPA|Shutterstock|Pool|Handout)[^\[\]]*\]"
    r"|Images\]|\((?:Photo|Image|Credit):[^)]*\)"
)
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_BULLET = re.compile(r"^(?:[-•*·▪–]|\d{1,2}[.)])\s+")  # "- ", "• ", "1. ", "2) "
_ITEM_END = re.compile(r"[;,]$")
_BOUNDARY = re.compile(r"([.!?…])([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"[\w.’'-]+$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A body sentence with its offsets in the article (`text == article[start:end]`)."""

    start: int
    end: int
    text: str


def body_sentences(text: str) -> list[Sentence]:
    """Body sentences: page furniture, captions, headings, teasers and repeats are skipped."""
    out: list[Sentence] = []
    seen: set[str] = set()
    lines = _lines(text)
    width = _wrap_width(text, lines)
    index = 0
    while index < len(lines):
        offset, end = lines[index]
        index += 1
        body = text[offset:end]
        if not body:
            continue
        verdict = _furniture(body)
        if verdict == "stop":
            break
        if verdict == "skip":
            continue
        # a hard-wrapped paragraph: the sentence goes on on the next line
        while index < len(lines) and _continues(
            text[offset:end], text[slice(*lines[index])], width
        ):
            end = lines[index][1]
            index += 1
        body = text[offset:end]
        bullet = _BULLET.match(body)
        if not _ENDS_SENTENCE.search(body) and len(body.split()) <= 25 and not _is_item(body):
            continue  # site names, section labels, headlines: no sentence end
        if bullet:
            offset += bullet.end()
            body = body[bullet.end() :]
        for start, end in _split_sentences(body):
            sentence = text[offset + start : offset + end]
            key = WS.sub(" ", sentence).casefold()
            if key in seen:
                continue
            seen.add(key)
            out.append(Sentence(offset + start, offset + end, sentence))
    return out


def _is_item(line: str) -> bool:
    """An item of a list inside the text: "- 11 son mujeres;" (a bullet, and the item ends the
    way items of a running list do). Key points and teasers ("• Foro Penal: hundreds still
    behind bars") end with nothing, and are headlines."""
    bullet = _BULLET.match(line)
    if not bullet:
        return False
    item = line[bullet.end() :]
    words = len(item.split())
    return words >= 3 and bool(_ITEM_END.search(item))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line with its surrounding whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    position = 0
    for raw in text.splitlines(keepends=True):
        start = position + len(raw) - len(raw.lstrip())
        spans.append((start, max(start, position + len(raw.rstrip()))))
        position += len(raw)
    return spans


def _furniture(line: str) -> str | None:
    """'stop' (teasers of other stories follow), 'skip' (furniture, a caption) or None."""
    if _STOP_LINE.match(line):
        return "stop"
    if _LINK_LINE.match(line) or _CAPTION.search(line):
        return "skip"
    if _LABEL_LINE.match(line) and len(line.split()) <= 8:
        return "skip"
    return None


def _wrap_width(text: str, lines: list[tuple[int, int]]) -> int | None:
    """The column a hard-wrapped text is wrapped at, or None for one paragraph per line.

    Wrapped: no line is longer than 120 characters, and several lines that reach near the
    widest one stop without a sentence end while the next line goes on.
    """
    lengths = [end - start for start, end in lines if not _furniture(text[start:end])]
    width = max(lengths, default=0)
    if not 30 <= width <= 120:
        return None
    broken = sum(
        1
        for (start, end), (next_start, next_end) in pairwise(lines)
        if end - start >= 0.6 * width
        and next_end > next_start
        and not _ENDS_SENTENCE.search(text[start:end])
    )
    return width if broken >= 2 else None


def _continues(line: str, following: str, width: int | None) -> bool:
    """Whether `following` carries on the sentence of `line` (a hard-wrapped paragraph).

    Only when `line` has no sentence end, and either `following` starts in lowercase or the text
    is hard-wrapped and `line` is a long line of prose, not a title-cased headline.
    """
    if not following or _ENDS_SENTENCE.search(line) or _furniture(following):
        return False
    if _BULLET.match(following):
        return False  # the next item of a list
    if following[0].islower():
        return True
    if not width or len(line) < 0.5 * width:
        return False  # a short line ends a paragraph (or is a heading)
    words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
    return sum(w[0].isupper() for w in words) * 2 < len(words)


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
    m = _WORD_BEFORE.search(line, max(0, dot - 40), dot)
    if not m:
        return False
    word = m.group().lstrip("(\"'“‘")
    if word.lower() in _CLOCK_MARKS:  # "from 11 a.m. A few hours later": ends, unless a day
        return bool(_DAY_AFTER.match(line, dot + 1))  # or month follows ("6 p.m. Monday")
    return word.lower() in _ABBREVIATIONS or bool(INITIALISM.fullmatch(word))


_CLOCK_MARKS = frozenset({"a.m", "p.m"})
_DAY_AFTER = re.compile(rf"\s+(?:{WEEKDAYS}|{MONTH})\b")
