"""Text from articles and models is data, never markup or terminal control codes.

`safe` makes any string printable through rich: `[...]` is escaped (no markup, no links) and
control characters (ESC, OSC sequences, bells, carriage returns, bidirectional overrides) are
shown as `\\x1b`, `\\u202e` etc. instead of reaching the terminal. `plain` does only the
second part, for plain `print`.
"""

from __future__ import annotations

import re

from rich.markup import escape

# C1 controls, the bidirectional marks, overrides and isolates that reorder what a terminal
# shows ("Trojan source": U+202E makes "61" read "16"), the line and paragraph separators that
# split one printed line in two, the byte-order mark and the tag characters
_INVISIBLE = (
    r"\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u206f\ufeff\U000e0000-\U000e007f"
)
_CONTROL = re.compile(rf"[\x00-\x08\x0b-\x1f{_INVISIBLE}]")  # and C0 but tab and newline
_JSON_UNSAFE = re.compile(f"[{_INVISIBLE}]")  # JSON writers escape C0 themselves


def plain(text: object) -> str:
    """The text with control characters made visible (tab and newline kept)."""
    return _CONTROL.sub(_visible, str(text))


def json_safe(document: str) -> str:
    """JSON with the characters that reorder or split a terminal's lines written as \\u escapes
    (only ever inside strings, so the document means the same)."""
    return _JSON_UNSAFE.sub(lambda m: _json_escape(ord(m.group(0))), document)


def _json_escape(code: int) -> str:
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a surrogate pair, as JSON writes characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe(text: object) -> str:
    """The text ready for rich's `print`: no markup, no control characters."""
    return escape(plain(text))
