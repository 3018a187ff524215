"""Text from articles and models is data, never markup or terminal control codes.

`safe` makes any string printable through rich: `[...]` is escaped (no markup, no links) and
control characters (ESC, OSC sequences, bells, carriage returns, bidirectional overrides) are
shown as `\\x1b`, `\\u202e` etc. instead of reaching the terminal. `plain` does only the
second part, for plain `print`.
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 and C1 controls, the bidirectional marks, overrides and isolates that reorder what a
# terminal shows ("Trojan source": U+202E makes "61" read "16"), and the line and paragraph
# separators that split one printed line in two, kept visible as escapes
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def plain(text: object) -> str:
    """The text with control characters made visible (tab and newline kept)."""
    return _CONTROL.sub(_visible, str(text))


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object) -> str:
    """The text ready for rich's `print`: no markup, no control characters."""
    return escape(plain(text))
