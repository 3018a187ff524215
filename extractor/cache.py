"""A disk cache of model answers, shared safely by every process that points at the same folder.

The key hashes the backend, its endpoint URL, the model and the exact request body (rendered
messages, schema, mode, sampling parameters) and never the API key, so a
cached answer is found again from any process — and from a provider batch that sent the same
body — and credentials never reach the disk. Only successful answers are stored, as JSON text
with their salvage warnings; the pipeline validates what it reads back and treats an entry that
does not validate (corrupted, or from an older schema) as a miss.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from pathlib import Path
from typing import Any

from .hashing import sha256_json

log = logging.getLogger(__name__)


#: bump when what is stored changes shape, so old entries are misses, never misread
FORMAT = "answer-v2"


def cache_key(*, backend: str, endpoint: str | None, model: str, body: dict[str, Any]) -> str:
    """The key of one request: the backend, its endpoint, the model and the exact body sent.

    The body holds everything that can change an answer (rendered messages, schema, mode,
    sampling parameters) and never the API key. Its messages, which hold the whole article, are
    hashed as they are (role and content, length-prefixed) rather than through a JSON dump:
    this runs for every article, also on fully cached re-runs.
    """
    rest = {k: v for k, v in body.items() if k != "messages"}
    head = {
        "format": FORMAT,
        "backend": backend,
        "endpoint": endpoint,
        "model": model,
        "body": rest,
    }
    digest = hashlib.sha256(sha256_json(head).encode())
    for message in body.get("messages", []):
        for part in (message.get("role", ""), message.get("content") or ""):
            encoded = str(part).encode()
            digest.update(len(encoded).to_bytes(8, "little"))
            digest.update(encoded)
    return digest.hexdigest()


class AnswerCache:
    """JSON answers in a `diskcache.Cache` (SQLite + files: safe across threads and processes).

    Reads are direct. Writes are queued and committed by one writer thread, many per SQLite
    transaction: concurrent per-answer commits from several threads contend for SQLite's write
    lock and cost milliseconds each. `close()` commits everything still queued.
    """

    BATCH = 256

    def __init__(self, directory: Path) -> None:
        import diskcache

        self.directory = Path(directory)
        self._queue: queue.SimpleQueue[tuple[str, str] | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._failed = False  # a write failed: warned once, no more writes
        try:
            self._cache: Any = diskcache.Cache(str(self.directory), timeout=60, size_limit=2**34)
        except Exception as exc:  # unwritable or full: run without a cache, say so once
            log.warning(
                "cache disabled: cannot open %s (%s); answers are not cached in this run "
                "(set --cache-dir or EXTRACTOR_CACHE_DIR to a writable folder)",
                self.directory,
                exc,
            )
            self._cache = None

    def get(self, key: str) -> str | None:
        """The stored answer (a JSON document), or None. Reads are a local SQLite lookup."""
        if self._cache is None:
            return None
        try:
            value = self._cache.get(key)
        except Exception:
            return None
        return value if isinstance(value, str) else None

    def set(self, key: str, value: str) -> None:
        """Queue an answer for writing; returns at once."""
        if self._cache is None or self._failed:
            return
        if self._writer is None:
            self._writer = threading.Thread(target=self._write, name="cache-writer", daemon=True)
            self._writer.start()
        self._queue.put((key, value))

    def _write(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.BATCH and not self._queue.empty():
                batch.append(self._queue.get())
            entries = [entry for entry in batch if entry is not None]
            if entries and not self._failed:
                try:
                    with self._cache.transact():
                        for key, value in entries:
                            self._cache.set(key, value)
                except Exception as exc:  # a full disk must not stop the batch: only a cache
                    self._failed = True
                    log.warning(
                        "cache disabled: cannot write to %s (%s); the run goes on without it",
                        self.directory,
                        exc,
                    )
            if None in batch:
                return

    def stats(self) -> dict[str, Any]:
        if self._cache is None:
            return {"directory": str(self.directory), "entries": 0, "size_bytes": 0}
        return {
            "directory": str(self.directory),
            "entries": len(self._cache),
            "size_bytes": self._cache.volume(),
        }

    def clear(self) -> int:
        return self._cache.clear() if self._cache is not None else 0

    def close(self) -> None:
        """Commit queued answers, then close the database."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None
        if self._cache is not None:
            self._cache.close()
