"""Degraded copies of gold records, built in code: predictions whose right score is known.

The meta-evaluation suite (tests/test_meta_eval.py) scores each of these against the gold it
was built from and asserts what a person would say about it. Reproduce a row of the table in
evals/README.md with

    python -m extractor.testing.degrade KIND -o out/KIND.jsonl [--gold evals/gold] [--base RUN]
    extractor eval --predictions out/KIND.jsonl

KIND is one of DEGRADATIONS; `--base RUN` adds the degraded claims to another run's (for
"rules baseline + every other body sentence").
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from ..schemas import ArticleResult, Claim

Records = dict[str, ArticleResult]

UNRELATED = [
    "The orchestra premiered a symphony composed entirely of whale song recordings.",
    "A bakery in Lyon won the annual croissant championship with a buckwheat recipe.",
    "Astronomers catalogued a faint comet passing behind the outer planets.",
    "The marathon route was changed to avoid the flooded riverside promenade.",
    "Local beekeepers reported an unusually sweet harvest of lavender honey.",
    "A museum restored the painted ceiling of its eighteenth-century ballroom.",
    "The chess federation adopted faster time controls for its junior league.",
    "Engineers tested a quieter propeller design for electric ferries.",
]
FABRICATED = [
    "Officials confirmed that the new bridge opened to traffic ahead of schedule.",
    "Spokespeople said the harvest festival drew record crowds to the square.",
    "The ministry announced that a new rail line would link the coastal towns.",
]
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")


def _copy(record: ArticleResult, claims: list[Claim]) -> ArticleResult:
    return record.model_copy(update={"claims": claims, "provenance": None})


def _each(gold: Mapping[str, ArticleResult], fn: Callable[[ArticleResult], list[Claim]]) -> Records:
    return {aid: _copy(record, fn(record)) for aid, record in gold.items()}


def _with(claim: Claim, **changes: object) -> Claim:
    return claim.model_copy(update=changes, deep=True)


def _evidence(claim: Claim, text: str, start: int, end: int) -> Claim:
    evidence = claim.evidence.model_copy(
        update={"quote": text[start:end], "start": start, "end": end, "alignment": "exact"}
    )
    return claim.model_copy(update={"evidence": evidence})


def _lower_first(statement: str) -> str:
    return statement[:1].lower() + statement[1:] if statement[1:2].islower() else statement


def identity(gold: Mapping[str, ArticleResult]) -> Records:
    return _each(gold, lambda r: list(r.claims))


def drop_every_third(gold: Mapping[str, ArticleResult]) -> Records:
    """Claims 0, 3, 6, ... of each article removed: recall is exactly (n - k) / n."""
    return _each(gold, lambda r: [c for i, c in enumerate(r.claims) if i % 3])


def unrelated(gold: Mapping[str, ArticleResult]) -> Records:
    """Every statement replaced by an unrelated sentence; quotes and fields kept."""
    return _each(
        gold,
        lambda r: [
            _with(c, statement=UNRELATED[i % len(UNRELATED)]) for i, c in enumerate(r.claims)
        ],
    )


def swapped(gold: Mapping[str, ArticleResult]) -> Records:
    """Statements rotated by half the article's claims; quotes and fields kept."""

    def rotate(r: ArticleResult) -> list[Claim]:
        n, shift = len(r.claims), max(1, len(r.claims) // 2)
        return [
            _with(c, statement=r.claims[(i + shift) % n].statement) for i, c in enumerate(r.claims)
        ]

    return _each(gold, rotate)


def negated(gold: Mapping[str, ArticleResult]) -> Records:
    return _each(
        gold,
        lambda r: [
            _with(c, statement=f"It is not true that {_lower_first(c.statement)}") for c in r.claims
        ],
    )


def _bump(number: float) -> float:
    return float(max(round(number * 1.37), int(number) + 1))


def _bump_text(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        value = _bump(float(match.group().replace(",", "")))
        return f"{int(value):,}" if "," in match.group() else str(int(value))

    return _NUMBER.sub(repl, text)


def numbers_plus_37(gold: Mapping[str, ArticleResult]) -> Records:
    """Every number +37 % (at least +1), in the statement and in the quantity."""

    def change(c: Claim) -> Claim:
        quantity = c.quantity
        if quantity is not None:
            quantity = quantity.model_copy(
                update={
                    k: _bump(v)
                    for k in ("value", "lower", "upper")
                    if (v := getattr(quantity, k)) is not None
                }
                | {"text": _bump_text(quantity.text) if quantity.text else quantity.text}
            )
        return _with(c, statement=_bump_text(c.statement), quantity=quantity)

    return _each(gold, lambda r: [change(c) for c in r.claims])


def duplicates(gold: Mapping[str, ArticleResult]) -> Records:
    return _each(gold, lambda r: [c for c in r.claims for _ in (0, 1)])


def merged(gold: Mapping[str, ArticleResult]) -> Records:
    """Claims 0+1, 2+3, ... joined into one "A and B" claim whose quote spans both quotes."""

    def merge(r: ArticleResult) -> list[Claim]:
        out = []
        for i in range(0, len(r.claims) - 1, 2):
            a, b = r.claims[i], r.claims[i + 1]
            statement = f"{a.statement.rstrip('.')} and {_lower_first(b.statement)}"
            joined = _with(a, statement=statement)
            start = min(a.evidence.start or 0, b.evidence.start or 0)
            end = max(a.evidence.end or 0, b.evidence.end or 0)
            out.append(_evidence(joined, r.text or "", start, end))
        if len(r.claims) % 2:
            out.append(r.claims[-1])
        return out

    return _each(gold, merge)


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            offset = start + len(line) - len(line.lstrip())
            spans.append((offset, start + len(line.rstrip())))
        start += len(line) + 1
    return spans


def _plain_claim(text: str, start: int, end: int) -> Claim:
    """What a no-model extractor can say about a span: the span itself, its first number."""
    sentence = text[start:end]
    number = _NUMBER.search(sentence)
    quantity = (
        {"value": float(number.group().replace(",", "")), "qualifier": "exact", "unit": ""}
        if number
        else None
    )
    return Claim.model_validate(
        {
            "statement": sentence,
            "subject": "",
            "quantity": quantity,
            "source": {"name": "the article"},
            "evidence": {"quote": sentence, "start": start, "end": end, "alignment": "exact"},
        }
    )


def _covered(start: int, end: int, claims: list[Claim]) -> bool:
    return any(
        c.evidence.start is not None and c.evidence.start < end and start < (c.evidence.end or 0)
        for c in claims
    )


def furniture(gold: Mapping[str, ArticleResult]) -> Records:
    """Gold plus a claim for every short line no gold claim quotes (headings, "Related
    Articles", "Help us improve.", bylines): page furniture, never a claim."""

    def add(r: ArticleResult) -> list[Claim]:
        text = r.text or ""
        extra = [
            _plain_claim(text, s, e)
            for s, e in _lines(text)
            if e - s < 60 and not _covered(s, e, r.claims)
        ]
        return [*r.claims, *extra]

    return _each(gold, add)


def body_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of every line after the headline (a regex splitter)."""
    out = []
    for line_start, line_end in _lines(text)[1:]:
        for m in _SENTENCE.finditer(text, line_start, line_end):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            end = m.start() + len(m.group().rstrip())
            if end - start > 1:
                out.append((start, end))
    return out


def sentence_splitter(gold: Mapping[str, ArticleResult]) -> Records:
    """Every body sentence as a claim (no model): statement = quote = the sentence."""
    return _each(
        gold, lambda r: [_plain_claim(r.text or "", s, e) for s, e in body_sentences(r.text or "")]
    )


def every_other_sentence(gold: Mapping[str, ArticleResult]) -> Records:
    return _each(
        gold,
        lambda r: [_plain_claim(r.text or "", s, e) for s, e in body_sentences(r.text or "")[::2]],
    )


def statement_is_quote(gold: Mapping[str, ArticleResult]) -> Records:
    """A no-model extractor that knows the gold's spans: each gold quote copied as the
    statement, the first number read as an exact count, attributed to the article."""
    return _each(
        gold,
        lambda r: [
            _plain_claim(r.text or "", c.evidence.start or 0, c.evidence.end or 0) for c in r.claims
        ],
    )


def headline_repeated(gold: Mapping[str, ArticleResult]) -> Records:
    """The headline as a claim, once per gold claim, quoting the whole article."""

    def repeat(r: ArticleResult) -> list[Claim]:
        text = r.text or ""
        start, end = next(((s, e) for s, e in _lines(text) if e - s > 40), (0, len(text)))
        claim = _plain_claim(text, start, end)
        whole = _evidence(claim, text, 0, len(text))
        return [whole for _ in r.claims]

    return _each(gold, repeat)


def fabricated_quotes(gold: Mapping[str, ArticleResult]) -> Records:
    """Gold plus one invented claim per five gold claims, its quote in no article, its file
    claiming `alignment: exact` with offsets."""

    def add(r: ArticleResult) -> list[Claim]:
        extra = []
        for i in range(len(r.claims) // 5):
            sentence = FABRICATED[i % len(FABRICATED)]
            extra.append(
                Claim.model_validate(
                    {
                        "statement": sentence,
                        "subject": "officials",
                        "source": {"name": "the article"},
                        "evidence": {
                            "quote": sentence,
                            "start": 0,
                            "end": len(sentence),
                            "alignment": "exact",
                        },
                    }
                )
            )
        return [*r.claims, *extra]

    return _each(gold, add)


def _every_word(gold: Mapping[str, ArticleResult]) -> str:
    words: dict[str, None] = {}
    for record in gold.values():
        for word in re.findall(r"\w+", record.text or ""):
            words.setdefault(word.casefold())
    return " ".join(words)


def unit_location_every_word(gold: Mapping[str, ArticleResult]) -> Records:
    """Unit and location of every claim set to every word of the corpus (a token-set superset
    of any right answer)."""
    everything = _every_word(gold)

    def change(c: Claim) -> Claim:
        quantity = c.quantity.model_copy(update={"unit": everything}) if c.quantity else None
        return _with(c, quantity=quantity, location=everything)

    return _each(gold, lambda r: [change(c) for c in r.claims])


DEGRADATIONS: dict[str, Callable[[Mapping[str, ArticleResult]], Records]] = {
    "identity": identity,
    "drop-every-third": drop_every_third,
    "unrelated": unrelated,
    "swapped": swapped,
    "negated": negated,
    "numbers-plus-37": numbers_plus_37,
    "duplicates": duplicates,
    "merged": merged,
    "furniture": furniture,
    "sentence-splitter": sentence_splitter,
    "every-other-sentence": every_other_sentence,
    "statement-is-quote": statement_is_quote,
    "headline-repeated": headline_repeated,
    "fabricated-quotes": fabricated_quotes,
    "unit-location-every-word": unit_location_every_word,
}


def add_to(base: Mapping[str, ArticleResult], extra: Mapping[str, ArticleResult]) -> Records:
    """The claims of `extra` appended to those of `base`, per article."""
    out: Records = {}
    for aid, record in extra.items():
        first = base.get(aid)
        claims = [*(first.claims if first else []), *record.claims]
        out[aid] = (first or record).model_copy(update={"claims": claims})
    return out


def main(argv: list[str] | None = None) -> None:
    from ..evaluation import load_records

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(DEGRADATIONS))
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--gold", type=Path, default=Path("evals/gold"))
    parser.add_argument("--base", type=Path, help="add the degraded claims to this run's")
    args = parser.parse_args(argv)
    records = DEGRADATIONS[args.kind](load_records(args.gold))
    if args.base is not None:
        records = add_to(load_records(args.base), records)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for record in records.values():
            out.write(record.model_dump_json(exclude_none=False) + "\n")


if __name__ == "__main__":
    main()
