"""Inputs: turn files, folders and JSONL into a stream of articles (or per-item problems).

Everything streams: a 100,000-line JSONL file is read one line at a time. An item that cannot be
read becomes an `InputProblem` that the batch writes as an error record; nothing is skipped
silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import ConfigError

HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", *HTML_SUFFIXES}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
MAX_ARTICLE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input item that cannot become an article; reported as an error record."""

    id: str
    source: str
    kind: str
    message: str


Item = Article | InputProblem


def check_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Usage errors up front: every input must exist and be a file or folder."""
    checked = [Path(p) for p in paths]
    if not checked:
        raise ConfigError("no input given: pass files, folders or .jsonl files")
    for path in checked:
        if not path.exists():
            raise ConfigError(f"input not found: {path}")
    return checked


def input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Each input file: given files as they are, folders walked for known suffixes."""
    for path in paths:
        if path.is_dir():
            # not is_file(): a dangling link named x.txt must be reported, not skipped
            for child in sorted(p for p in path.rglob("*") if not p.is_dir()):
                if child.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
                    yield child
        else:
            yield path


def iter_items(paths: Iterable[str | Path]) -> Iterator[Item]:
    for path in input_files(check_paths(paths)):
        yield from _iter_file(path)


def _iter_file(path: Path) -> Iterator[Item]:
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _iter_jsonl(path)
    else:
        yield read_text_file(path)


def read_text_file(path: Path) -> Item:
    item_id, source = path.stem, str(path)
    try:
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            return InputProblem(
                item_id, source, "too_large", f"file is over {MAX_ARTICLE_BYTES} bytes"
            )
        raw = path.read_bytes()
    except OSError as exc:
        return InputProblem(item_id, source, "unreadable", f"cannot read file: {exc.strerror}")
    item = decode_article(item_id, source, raw)
    if isinstance(item, Article) and path.suffix.lower() in HTML_SUFFIXES:
        return to_article(item_id, source, html_to_text(item.text))
    return item


def decode_article(item_id: str, source: str, raw: bytes) -> Item:
    """UTF-8 (with or without BOM) first, then latin-1 for legacy text; binary is refused."""
    if b"\x00" in raw[:8192]:
        return InputProblem(item_id, source, "binary", "file looks binary (NUL bytes), not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return to_article(item_id, source, text)


def to_article(item_id: str, source: str, text: str) -> Item:
    if not text.strip():
        return InputProblem(item_id, source, "empty", "article is empty or whitespace only")
    return Article(id=item_id, text=text, source=source)


class _TextOfHtml(HTMLParser):
    """Visible text of an HTML page: no tags, scripts, styles; block elements end lines."""

    BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "title",
        }
    )
    HIDDEN = frozenset({"script", "style", "noscript", "template", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The article as text: offsets in records index this text (write it with --include-text)."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _iter_jsonl(path: Path) -> Iterator[Item]:
    try:
        handle = path.open("r", encoding="utf-8", errors="replace")
    except OSError as exc:
        yield InputProblem(path.stem, str(path), "unreadable", f"cannot read file: {exc.strerror}")
        return
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            fallback_id = f"{path.stem}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputProblem(fallback_id, where, "bad_jsonl", f"line is not JSON: {exc.msg}")
                continue
            if not isinstance(row, dict):
                yield InputProblem(fallback_id, where, "bad_jsonl", "line is not a JSON object")
                continue
            item_id = str(row.get("id") or fallback_id)
            text = row.get("text")
            if not isinstance(text, str):
                yield InputProblem(item_id, where, "bad_jsonl", 'line has no string "text" field')
                continue
            yield to_article(item_id, where, text)
