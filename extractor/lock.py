"""One writer per output: an exclusive `flock` on `<output>.lock`, held for the whole run.

The lock file holds the writer's PID so that a second run can say who holds it. The kernel drops
the lock when its holder dies (even by kill -9), so a stale file never blocks a later run; the
holder deletes the file when it finishes.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import ConfigError


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


class OutputLock:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.file = lock_path(self.path)
        self._fd: int | None = None

    def acquire(self) -> OutputLock:
        while True:
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.file, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise ConfigError(
                    f"cannot write next to {self.path}: {exc.strerror} ({self.file}); "
                    "choose an -o in a writable folder"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise ConfigError(
                    f"{self.path} is being written by another extractor run (PID {holder}); "
                    "wait for it to finish or pass another -o"
                ) from None
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.file))
            except FileNotFoundError:
                same = False  # the holder finished and removed it meanwhile: lock the new one
            if not same:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self._fd = fd
            return self

    def release(self) -> None:
        if self._fd is not None:
            self.file.unlink(missing_ok=True)  # while still holding it: no one can lock it now
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
