"""The JSONL output: append-only, one whole line per write, resumable.

Each record is written with a single `os.write` on an O_APPEND descriptor, so a process killed at
any moment leaves only whole lines behind. On start, `prepare` reads what an earlier run wrote:
records that ended `ok` are kept byte for byte and their ids are skipped; error records (and a
torn last line from a machine crash) are dropped so that the failed articles are retried and no
id appears twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .schemas import Record


class JsonlSink:
    def __init__(self, path: Path, *, include_text: bool = False) -> None:
        self.path = Path(path)
        self.include_text = include_text
        self._fd: int | None = None

    def prepare(self) -> set[str]:
        """Ids already done ok; rewrites the file without failed or torn records."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            return set()
        done: set[str] = set()
        kept: list[bytes] = []
        dropped = 0
        with self.path.open("rb") as handle:
            for line in handle:
                record = _parse(line)
                if record and record.get("status") == "ok" and record.get("id") not in done:
                    done.add(str(record["id"]))
                    kept.append(line if line.endswith(b"\n") else line + b"\n")
                else:
                    dropped += 1
        if dropped:
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_bytes(b"".join(kept))
            os.replace(tmp, self.path)
        return done

    def write(self, result: Record) -> None:
        self.write_line(result.to_json(include_text=self.include_text))

    def write_line(self, line: str) -> None:
        """Append one JSON line (without its newline) with a single write."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(self._fd, (line + "\n").encode())

    def close(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None


def _parse(line: bytes) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
