"""Sources as a reader names them: canonical names from `sources.toml`, and pointers resolved.

"The group said", "esa organización", "the court" point back to the last named source of that
kind (or whose name has that word); "the government" / "el Gobierno cubano" become "Cuban
government"; an organisation's translation becomes its own name ("Amnistía Internacional" ->
"Amnesty International"). The table is data, so a new recurring actor is one line.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from .languages import union_words
from .lexicon import ACCORDING_TO, ACTOR_WORDS, ANAPHORA, FUNCTION

# a pronoun points back to the last source of these kinds
_PRONOUN_KINDS = {
    "he": ("person",),
    "she": ("person",),
    "él": ("person",),
    "ella": ("person",),
    "it": ("ngo", "government", "media", "other"),
    "they": ("ngo", "government", "media", "other", "person"),
}
_ACCORDING = {phrase.split()[0] for phrase in ACCORDING_TO}

_ACRONYM_RE = re.compile(  # within a line: a name never runs on across a paragraph break
    r"(?P<long>[A-ZÁÉÍÓÚÑ][\w’'-]+(?:[ \t]+(?:(?:de|del|la|las|los|el|y|of|the|for|and|por|para)"
    r"[ \t]+)*[A-ZÁÉÍÓÚÑ][\w’'-]+)+)[ \t]+\((?P<short>[A-Z]{2,6})\)"
)
_ARTICLES = union_words("attribution", "articles")
_LEADING_ARTICLE = re.compile(rf"^(?:{'|'.join(map(re.escape, _ARTICLES))})\s+", re.I)
_POINTER_DETERMINERS = re.compile(
    rf"^(?:{'|'.join(map(re.escape, union_words('attribution', 'determiners') | _ARTICLES))})\s+",
    re.I,
)
# "El Ministerio del Interior" -> "Ministerio del Interior"; English keeps "the" ("the Red Cross")
_OTHER_ARTICLES = sorted(_ARTICLES - {"the", "a", "an"})
_ARTICLE_CAPITAL = re.compile(
    rf"^(?:{'|'.join(map(re.escape, _OTHER_ARTICLES))})\s+(?=[^\W\d_])(?=\w*[A-ZÁÉÍÓÚÑ])", re.I
)


@cache
def _table() -> dict[str, Any]:
    return tomllib.loads((Path(__file__).parent / "sources.toml").read_text(encoding="utf-8"))


def _initials_fit(short: str, long: str) -> bool:
    initials = "".join(w[0] for w in long.split() if w[:1].isupper())
    return short.upper() in initials.upper() or initials.upper().startswith(short[:2].upper())


_REPORT_NOUNS = "|".join(sorted(union_words("attribution", "report_nouns"), key=len, reverse=True))
_POSSESSIVES = "|".join(union_words("attribution", "possessives"))
_OWNED = re.compile(  # "el último balance de la organización", "the latest count of the group"
    rf"^(?:\w+\s+){{0,2}}(?:{_REPORT_NOUNS})(?:\s+[^\W\d_]+)?\s+(?:of|de|del)\s+(?P<owner>.+)$",
    re.I,
)
_OWNER_POSSESSIVE = re.compile(  # "the group's latest tally", "the NGO's data"
    rf"^(?P<owner>.+?)[’']s\s+(?:[^\W\d_]+\s+)?(?:{_REPORT_NOUNS})$", re.I
)
_POSSESSED = re.compile(  # "su coordinación regional", "its data", "sus datos"
    rf"^(?:{_POSSESSIVES})\s+(?:[^\W\d_]+\s+)?(?:{_REPORT_NOUNS})(?:\s+[^\W\d_]+)?$", re.I
)


def _owner(name: str) -> str | None:
    """Who owns the report or office a source names: the pointer or name after "de"/"of" or
    before "'s"; "it" for a possessive ("su", "its")."""
    if not _REPORT_NOUNS:
        return None
    stripped = name.strip()
    owned = _OWNED.match(stripped) or _OWNER_POSSESSIVE.match(stripped)
    if owned:
        return owned.group("owner")
    return "it" if _POSSESSIVES and _POSSESSED.match(stripped) else None


# "Foro Penal lawyer Marisela Duque": a person who speaks for a body is not "the group"
_SPEAKS_FOR = re.compile(
    r"\b(?!(?:for|of|the|and|de|del|la|las|los|el|y|para|por)\b)[a-z]\w+"
    r"\s+[A-ZÁÉÍÓÚÑ][\w’'-]+\s+[A-ZÁÉÍÓÚÑ][\w’'-]+$"
)


def _personal_name(name: str) -> bool:
    """ "Daniel Kiprono", "María Corina Machado": two to four capitalised words, none an
    organisation's word or an acronym."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(
        w[:1].isupper() and not w.isupper() and w.casefold() not in ACTOR_WORDS for w in words
    )


def _spelled(short: str, long: str) -> str:
    """The shortest end of `long` whose capitalised words spell `short` ("Costa Rica Andes
    Detention Monitor (ADM)" -> "Andes Detention Monitor"), else all of it."""
    words = long.split()
    for start in range(len(words) - 1, -1, -1):
        if not words[start][:1].isupper():
            continue
        initials = "".join(w[0] for w in words[start:] if w[:1].isupper())
        if initials.upper() == short.upper():
            return " ".join(words[start:])
    return long


def _titled(name: str) -> bool:
    """ "President Ana Ruiz", "el presidente Nayib Bukele": a title, then a capitalised name."""
    words = name.split()
    titles = _table()["titles"]["words"].split()
    return len(words) >= 2 and words[0].casefold() in titles and words[-1][:1].isupper()


def _key(name: str) -> str:
    return _LEADING_ARTICLE.sub("", name.strip()).casefold()


class SourceNames:
    """Canonical source names for one article; remembers the sources named so far."""

    def __init__(self, place: str | None, text: str = "") -> None:
        countries: dict[str, str] = _table()["countries"]
        counts = {c: len(re.findall(rf"(?<!\w){re.escape(c)}(?!\w)", text)) for c in countries}
        best = max(counts.items(), key=lambda item: item[1], default=None)
        #: the country the article names most, and the place it is about (else that country)
        self.country = best[0] if best and best[1] else None
        self.place = place or self.country
        self.text = text
        self.named: list[tuple[str, str]] = []  # (name, kind), in article order
        # "La Asociación de Periodistas de Guatemala (APG)": the article's own acronyms
        self.acronyms = {
            m.group("short"): _LEADING_ARTICLE.sub("", _spelled(m.group("short"), m.group("long")))
            for m in _ACRONYM_RE.finditer(text)
            if _initials_fit(m.group("short"), m.group("long"))
        }

    def canonical(self, name: str, kind: str) -> tuple[str, str]:
        owner = _owner(name)
        if owner:  # "el último balance de la organización": the organisation says it
            return self.canonical(owner, kind)
        government = self._government(_key(name)) if _POINTER_DETERMINERS.match(name) else None
        if government:  # "the government" is the country's, never a ministry named before
            self.named.append((government, "government"))
            return government, "government"
        resolved = self._resolve_pointer(name, kind)
        if resolved:
            return resolved
        key = _key(name)
        alias = _table()["aliases"].get(key) or _table()["actors"].get(name.strip().casefold())
        capital = _table()["capitals"].get(name.strip())
        generic = _table()["generic"].get(name.strip().casefold())
        countries: dict[str, str] = _table()["countries"]
        if alias:
            name = alias
        elif capital and capital in countries:
            name, kind = f"{countries[capital]} government", "government"
        elif generic and self.country in countries:
            name = f"{countries[self.country]} {generic}"
        else:
            government = self._government(key)
            if government:
                name, kind = government, "government"
            elif kind == "person" or _titled(name):
                name = self._person(name) or name
            possessive = re.match(r"^(?P<country>[A-Z][\w ]+?)[’']s\s+(?P<rest>[a-z].*)$", name)
            if possessive and possessive.group("country") in countries:
                name = f"{countries[possessive.group('country')]} {possessive.group('rest')}"
            article = _ARTICLE_CAPITAL.match(name)
            if article and name[article.end()].isupper():
                name = name[article.end() :]  # "el Ministerio del Interior"
        if kind != "other" or name[:1].isupper():
            self.named.append((name, kind))
        return name, kind

    def spelled_out(self, statement: str) -> str:
        """The article's acronyms written out, as a reader coming to the statement alone needs
        them ("ADM found …" -> "Andes Detention Monitor found …"); the definition
        "Andes Detention Monitor (ADM)" stays as written."""
        for short, long in self.acronyms.items():
            if short in statement:
                statement = re.sub(rf"(?<![(\w]){short}(?![)\w])", long, statement)
        return statement

    def _person(self, name: str) -> str | None:
        """A person's name without titles, and in full when the article gives it in full
        ("US President Donald Trump", "Trump" -> "Donald Trump")."""
        titles = _table()["titles"]["words"].split()
        words = name.split()
        while len(words) > 1 and words[0].casefold() in titles:
            words = words[1:]
        if not words or not all(w[:1].isupper() for w in words) or len(words) > 4:
            return None
        if len(words) == 1:
            full = re.search(rf"\b([A-ZÁÉÍÓÚÑ][\w’'-]+ {re.escape(words[0])})\b", self.text)
            first = full.group(1).split()[0].casefold() if full else ""
            if full and first not in titles and first not in FUNCTION and first not in _ACCORDING:
                return full.group(1)
        return " ".join(words)

    def _resolve_pointer(self, name: str, kind: str) -> tuple[str, str] | None:
        """ "the group", "esa organización", "el fiscal general", "the court": the last named
        source of that kind, or whose name has that word."""
        bare = _POINTER_DETERMINERS.sub("", name.strip())
        if bare in self.acronyms:
            long = self.acronyms[bare]
            kind_of = next((k for n, k in self.named if n == long), kind)
            return long, kind_of
        if len(bare.split()) == 1 and bare[:1].isupper():
            for known, known_kind in reversed(self.named):
                if known.startswith(bare + " "):
                    return known, known_kind  # "El Mecanismo" -> its full name said before
        if bare == name.strip() and name.strip().lower() not in _PRONOUN_KINDS:
            return None
        words = bare.lower().split()
        pronoun = bare.lower() in _PRONOUN_KINDS
        # "the NGO", "la ONG" point back; "the Red Cross", "la Fiscalía" are names
        pointer_acronym = bare.isupper() and bare.lower() in ANAPHORA
        if (
            not words
            or len(words) > 2
            or (not pronoun and not pointer_acronym and any(w[:1].isupper() for w in bare.split()))
        ):
            return None
        head = words[0]
        if head in _PRONOUN_KINDS:
            wanted_kinds = _PRONOUN_KINDS[head]
            for known, known_kind in reversed(self.named):
                # a spokesman speaks for the ministry, but "he" is still the spokesman
                person = "person" in wanted_kinds and _personal_name(known)
                if known_kind in wanted_kinds or person:
                    return known, known_kind
            return None
        bodies = [(n, k) for n, k in reversed(self.named) if not _SPEAKS_FOR.search(n)]
        for known, known_kind in bodies:
            if any(word.startswith(head[:5]) for word in known.lower().split()):
                return known, known_kind  # "the court" -> "Supreme Court"; fiscal -> Fiscalía
        wanted = ANAPHORA.get(head)
        if wanted:
            for known, known_kind in bodies:
                if wanted in ("any", known_kind):
                    return known, known_kind
        return None

    def _government(self, key: str) -> str | None:
        heads = _table()["government"]["heads"]
        words = key.replace("’s", "").replace("'s", "").split()
        if not words or not any(w in heads for w in words) or len(words) > 5:
            return None
        countries: dict[str, str] = _table()["countries"]
        adjectives: dict[str, str] = _table()["adjectives"]
        country = next((c for c in countries if c.casefold() in key), None)
        if country is None:
            country = next((adjectives[w] for w in words if w in adjectives), None)
        if country is None and len(words) <= 3:
            country = self.country  # "the government", "las autoridades de la isla"
        if country is None or country not in countries:
            return None
        return f"{countries[country]} government"
