"""Read prediction and gold records: a JSONL output file, a gold-format .json file, or a folder."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from pydantic import ValidationError

from ..errors import ConfigError
from ..schemas import ArticleResult

log = logging.getLogger(__name__)


def load_records(path: str | Path) -> dict[str, ArticleResult]:
    """Records by id. For an id that appears twice, an `ok` record wins over an error record."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"not found: {path}")
    files = (
        sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl"))
        if path.is_dir()
        else [path]
    )
    if not files:
        raise ConfigError(f"no .json or .jsonl records in {path}")
    records: dict[str, ArticleResult] = {}
    gc.disable()  # hundreds of thousands of new objects: the cyclic GC would rescan them all
    try:
        _read(files, records)
    finally:
        gc.enable()
    return records


def _read(files: list[Path], records: dict[str, ArticleResult]) -> None:
    for file in files:
        documents = _documents(file)
        for number, line in enumerate(documents, 1):
            try:
                record = ArticleResult.model_validate_json(line)
            except ValidationError as exc:
                where = f"{file}:{number}" if file.suffix == ".jsonl" else str(file)
                if _is_torn(file, number, len(documents), exc):
                    log.warning("%s: skipped a torn last line (a run was cut off mid-write)", where)
                    continue
                extra = [e["loc"][0] for e in exc.errors() if e["type"] == "extra_forbidden"]
                if extra and all(len(e["loc"]) == 1 for e in exc.errors()):
                    raise ConfigError(
                        f"{where} was made with another answer schema (fields {extra}); eval, "
                        "ledger and report read records of the bundled claim schema only"
                    ) from None
                raise ConfigError(
                    f"{where} is not a valid record: {exc.errors()[0]['msg']} "
                    f"at {'.'.join(map(str, exc.errors()[0]['loc']))}"
                ) from None
            if record.status == "ok" or record.id not in records:
                records[record.id] = record


def _is_torn(file: Path, number: int, count: int, exc: ValidationError) -> bool:
    """The last line of a JSONL file that is not even JSON: what a crash mid-write leaves."""
    return (
        file.suffix == ".jsonl"
        and number == count
        and count > 1
        and exc.errors()[0]["type"] == "json_invalid"
    )


def _documents(file: Path) -> list[bytes]:
    data = file.read_bytes()
    if file.suffix == ".json":
        return [data]
    return [line for line in data.splitlines() if line.strip()]
