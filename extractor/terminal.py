"""Text from articles and models is data, never markup or terminal control codes.

`safe` makes any string printable through rich: `[...]` is escaped (no markup, no links) and
control characters (ESC, OSC sequences, bells, carriage returns) are shown as `\\x1b` etc.
instead of reaching the terminal. `plain` does only the second part, for plain `print`.
"""

from __future__ import annotations

import re

from rich.markup import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: object) -> str:
    """The text with control characters made visible (tab and newline kept)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


def safe(text: object) -> str:
    """The text ready for rich's `print`: no markup, no control characters."""
    return escape(plain(text))
