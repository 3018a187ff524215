"""Inputs: turn files, folders and JSONL into a stream of articles (or per-item problems).

Everything streams: a 100,000-line JSONL file is read one line at a time. An item that cannot be
read becomes an `InputProblem` that the batch writes as an error record; nothing is skipped
silently. The rules, the same for files and JSONL lines:

- text is UTF-8 (a BOM is dropped), else latin-1; text holding NUL characters is `binary`;
- an article over `MAX_ARTICLE_BYTES` is `too_large` (a JSONL line is never read whole past it);
- a JSONL `id` is a string or an integer (`0` is "0"); missing or null means `<file stem>:<line>`;
  any other type, or an empty string, is `bad_jsonl`;
- a folder with no file of a known suffix is a usage error, as is a missing input;
- `-` is stdin: JSONL when its first non-blank character is `{`, else one text article "stdin".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from .errors import ConfigError

HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", *HTML_SUFFIXES}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
MAX_ARTICLE_BYTES = 50 * 1024 * 1024
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input item that cannot become an article; reported as an error record."""

    id: str
    source: str | None
    kind: str
    message: str


Item = Article | InputProblem


def check_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Usage errors up front: every input must exist and be a file or folder."""
    checked = [Path(p) for p in paths]
    if not checked:
        raise ConfigError("no input given: pass files, folders or .jsonl files")
    for path in checked:
        if str(path) == STDIN:
            continue
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"input not found: {path}")
        if path.is_dir() and next(_candidates(path), None) is None:
            suffixes = ", ".join(sorted(TEXT_SUFFIXES | JSONL_SUFFIXES))
            raise ConfigError(f"no articles in folder {path} (looked for {suffixes})")
    return checked


def _candidates(folder: Path) -> Iterator[Path]:
    # not is_file(): a dangling link named x.txt must be reported, not skipped
    for child in folder.rglob("*"):
        if child.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES and not child.is_dir():
            yield child


def input_files(paths: Iterable[Path], exclude: frozenset[Path] = frozenset()) -> Iterator[Path]:
    """Each input file: given files as they are, folders walked for known suffixes.

    Files in `exclude` (the run's own output, errors and lock files) are never read as input.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(_candidates(path)):
                if child.resolve() not in exclude:
                    yield child
        else:
            yield path


def iter_items(
    paths: Iterable[str | Path], exclude: frozenset[Path] = frozenset()
) -> Iterator[Item]:
    for path in input_files(check_paths(paths), exclude):
        yield from _iter_file(path)


def _iter_file(path: Path) -> Iterator[Item]:
    if str(path) == STDIN:
        yield from _iter_stdin()
    elif path.suffix.lower() in JSONL_SUFFIXES:
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
    return to_article(item_id, source, decode_text(raw))


def decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def to_article(item_id: str, source: str | None, text: str) -> Item:
    if "\x00" in text:
        return InputProblem(item_id, source, "binary", "text holds NUL characters: binary data?")
    if not text.strip():
        return InputProblem(item_id, source, "empty", "article is empty or whitespace only")
    return Article(id=item_id, text=text, source=source)


def _iter_stdin() -> Iterator[Item]:
    import sys

    raw = sys.stdin.buffer.read()
    text = decode_text(raw)
    if text.lstrip().startswith("{"):
        yield from _jsonl_lines(iter(text.encode().splitlines(keepends=True)), Path("stdin"))
    else:
        yield to_article("stdin", "stdin", text)


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
        handle = path.open("rb")
    except OSError as exc:
        yield InputProblem(path.stem, str(path), "unreadable", f"cannot read file: {exc.strerror}")
        return
    with handle:
        yield from _jsonl_lines(_bounded_lines(handle), path)


def _bounded_lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """Lines of at most MAX_ARTICLE_BYTES; a longer one is skipped unread and yields None."""
    while line := handle.readline(MAX_ARTICLE_BYTES + 1):
        if len(line) > MAX_ARTICLE_BYTES:
            while not line.endswith(b"\n") and (line := handle.readline(1 << 20)):
                pass
            yield None
        else:
            yield line


def _jsonl_lines(lines: Iterator[bytes | None], path: Path) -> Iterator[Item]:
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        fallback_id = f"{path.stem}:{number}"
        if line is None:
            yield InputProblem(
                fallback_id, where, "too_large", f"line is over {MAX_ARTICLE_BYTES} bytes"
            )
            continue
        if not line.strip():
            continue
        text_line = decode_text(line) if number > 1 else decode_text(line).lstrip("\ufeff")
        try:
            row = json.loads(text_line)
        except json.JSONDecodeError as exc:
            yield InputProblem(fallback_id, where, "bad_jsonl", f"line is not JSON: {exc.msg}")
            continue
        if not isinstance(row, dict):
            yield InputProblem(fallback_id, where, "bad_jsonl", "line is not a JSON object")
            continue
        raw_id = row.get("id")
        if raw_id is None:
            item_id = fallback_id
        elif (isinstance(raw_id, str) and raw_id) or (
            isinstance(raw_id, int) and not isinstance(raw_id, bool)
        ):
            item_id = str(raw_id)
        else:
            yield InputProblem(
                fallback_id, where, "bad_jsonl", '"id" must be a non-empty string or an integer'
            )
            continue
        text = row.get("text")
        if not isinstance(text, str):
            yield InputProblem(item_id, where, "bad_jsonl", 'line has no string "text" field')
            continue
        yield to_article(item_id, where, text)
