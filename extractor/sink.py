"""The JSONL output: append-only, one whole line per write, resumable, never torn.

Each record is written with a single `os.write` on an O_APPEND descriptor, so a process killed at
any moment leaves only whole lines behind; a write the disk cannot take (full, over quota, file
size limit) is cut back to the last whole record and reported as an `OutputError`. On start,
`scan` reads what an earlier run wrote. A file that holds no records (a README, an article) is
never rewritten: `scan` refuses it. Records the run keeps stay byte for byte; error records, a
torn last line and records the caller wants redone are dropped by `rewrite` (tmp file + rename,
so a crash leaves either the old or the new file, and a failed rewrite leaves no tmp behind).

`-`, `/dev/stdout` and other non-regular files (devices, pipes) are streams: written to, never
read back, so they have no resume.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .schemas import Record

STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


class OutputError(ConfigError):
    """The output cannot be written (full disk, read-only, not a file): one line, exit 2."""


def is_stream(path: Path | str) -> bool:
    """Output that is written but never read back: stdout, devices, pipes."""
    name = str(path)
    if name in STDOUT_NAMES:
        return True
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _is_record(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("id"), str)
        and value.get("status") in ("ok", "error")
    )


@dataclass
class Existing:
    """What an earlier run left in the output: each whole line with its parsed record."""

    lines: list[tuple[bytes, dict[str, Any]]] = field(default_factory=list)
    torn: int = 0  # unparseable last line (a crash mid-write)

    def ok(self) -> list[tuple[bytes, dict[str, Any]]]:
        return [(line, rec) for line, rec in self.lines if rec.get("status") == "ok"]


class JsonlSink:
    def __init__(
        self,
        path: Path,
        *,
        include_text: bool = False,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.include_text = include_text
        self.redact = redact
        self.written = 0
        self._fd: int | None = None
        self._size = 0

    def scan(self) -> Existing:
        """Read an earlier run's records; refuse a file that is not a run's output."""
        if self.path.is_dir():
            raise OutputError(
                f"-o {self.path} is a folder; give a file name such as {self.path}/claims.jsonl"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("rb")
        except FileNotFoundError:
            return Existing()
        except OSError as exc:
            raise OutputError(f"cannot use -o {self.path}: {exc.strerror}") from None
        existing = Existing()
        bad: list[int] = []
        with handle:
            raw_lines = handle.read().splitlines(keepends=True)
        for number, line in enumerate(raw_lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if _is_record(record):
                existing.lines.append((line if line.endswith(b"\n") else line + b"\n", record))
            elif number == len(raw_lines) and (record is None or not line.endswith(b"\n")):
                existing.torn += 1
            else:
                bad.append(number)
        if bad or (existing.torn and not existing.lines):
            where = bad[0] if bad else len(raw_lines)
            raise OutputError(
                f"refusing to write to {self.path}: it is not an extractor output (line {where} "
                "is not a record); choose another -o (the file is left untouched)"
            )
        return existing

    def rewrite(self, lines: list[bytes]) -> None:
        """Replace the file by these lines, atomically; nothing is left behind on failure."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with tmp.open("wb") as handle:
                handle.write(b"".join(lines))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(
                f"cannot rewrite {self.path}: {exc.strerror}; it is left as it was"
            ) from None

    def prepare(self) -> set[str]:
        """Ids already done ok; rewrites the file without failed or torn records."""
        existing = self.scan()
        kept: dict[str, bytes] = {}
        for line, record in existing.ok():
            kept.setdefault(record["id"], line)
        if existing.torn or len(kept) != len(existing.lines):
            self.rewrite(list(kept.values()))
        return set(kept)

    def _open(self) -> int:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write to {self.path}: {exc.strerror}") from None
        self._size = os.fstat(fd).st_size
        return fd

    def line(self, result: Record) -> str:
        """The record's JSON line (no newline), text kept or not, secrets masked."""
        return result.to_json(include_text=self.include_text)

    def write(self, result: Record) -> None:
        self.write_line(self.line(result))

    def write_line(self, line: str) -> None:
        """Append one JSON line (without its newline) with a single write."""
        if self._fd is None:
            self._fd = self._open()
        text = line + "\n"
        data = (self.redact(text) if self.redact else text).encode()
        try:
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(28, "No space left on device (short write)")
        except OSError as exc:
            self._cut_back()
            raise OutputError(
                f"cannot write to {self.path}: {exc.strerror}; the {self.written} records "
                "written before are intact: free some space and run the same command to resume"
            ) from None
        self._size += written
        self.written += 1

    def _cut_back(self) -> None:
        """Drop a partly written line so that the file ends with a whole record."""
        try:
            if self._fd is not None:
                os.ftruncate(self._fd, self._size)
        except OSError:
            pass

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.fsync(fd)
            except OSError as exc:
                raise OutputError(f"cannot write to {self.path}: {exc.strerror}") from None
            finally:
                os.close(fd)


class StreamSink:
    """Records to stdout or a device: written, never read back (no resume, no lock)."""

    def __init__(
        self,
        path: Path | str,
        *,
        include_text: bool = False,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.name = str(path)
        self._file = JsonlSink(self.path, include_text=include_text, redact=redact)
        self._fd: int | None = None
        self.written = 0

    def write(self, result: Record) -> None:
        self.write_line(self._file.line(result))

    def write_line(self, line: str) -> None:
        text = line + "\n"
        redact = self._file.redact
        data = (redact(text) if redact else text).encode()
        try:
            if self.name in STDOUT_NAMES:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                if self._fd is None:
                    self._fd = os.open(self.name, os.O_WRONLY)
                os.write(self._fd, data)
        except BrokenPipeError:
            raise OutputError(f"{self.name} was closed by the reader") from None
        except OSError as exc:
            raise OutputError(
                f"cannot write to {self.name}: {exc.strerror} ({self.written} records written)"
            ) from None
        self.written += 1

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
