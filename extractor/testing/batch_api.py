"""The OpenAI Files + Batch API lifecycle for the test server (`FakeOpenAI`).

Routes: POST /v1/files (multipart, purpose=batch), GET /v1/files/{id}, GET /v1/files/{id}/content,
POST /v1/batches (completion_window "24h"), GET /v1/batches (list), GET /v1/batches/{id},
POST /v1/batches/{id}/cancel.

A batch walks validating -> in_progress -> finalizing -> completed on the server's event loop, or
ends failed (an input that does not validate), expired (not done within `expire_after` seconds,
or after `expire_after_requests` answers:
the finished part is kept, the rest goes to the error file as `batch_expired`) or cancelling ->
cancelled (the same, as `batch_cancelled`). Each batched chat request is answered by the server's
responder exactly as a live request would be (same `Reply`, same completion body); a reply that is
not a 200 becomes a line of the error file, as on OpenAI. The output file is shuffled: it is NOT
in input order, so a client must join on `custom_id`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .server import FakeOpenAI

MAX_REQUESTS = 50_000
MAX_FILE_BYTES = 200 * 1024 * 1024
TERMINAL = ("completed", "failed", "expired", "cancelled")

Response = tuple[int, bytes, dict[str, str]]


@dataclass
class BatchTiming:
    """How fast simulated batches move (seconds); the real API takes minutes to hours."""

    validating: float = 0.0
    per_request: float = 0.0
    finalizing: float = 0.0
    expire_after: float | None = None  # None: never expires
    # Expire once this many requests were answered, whatever the clock says: a test that needs a
    # part to finish and a part to expire cannot depend on how busy the machine is.
    expire_after_requests: int | None = None
    shuffle_seed: int = 0


@dataclass
class StoredFile:
    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: int = field(default_factory=lambda: int(time.time()))

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.content),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "expires_at": None,
            "status_details": None,
        }


@dataclass
class StoredBatch:
    id: str
    input_file_id: str
    endpoint: str
    metadata: dict[str, str] | None
    created_at: int = field(default_factory=lambda: int(time.time()))
    status: str = "validating"
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[dict[str, Any]] | None = None
    stamps: dict[str, int] = field(default_factory=dict)
    cancel_requested: bool = False

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "input_file_id": self.input_file_id,
            "completion_window": "24h",
            "status": self.status,
            "created_at": self.created_at,
            "expires_at": self.created_at + 24 * 3600,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "errors": {"object": "list", "data": self.errors} if self.errors else None,
            "request_counts": {
                "total": self.total,
                "completed": self.completed,
                "failed": self.failed,
            },
            "metadata": self.metadata,
            **{f"{name}_at": self.stamps.get(name) for name in _STAMPS},
        }


_STAMPS = ("in_progress", "finalizing", "completed", "failed", "expired", "cancelling", "cancelled")


class BatchAPI:
    """Files and batches of one `FakeOpenAI`, kept in memory, run on the server's event loop."""

    def __init__(self, server: FakeOpenAI, timing: BatchTiming | None = None) -> None:
        self.server = server
        self.timing = timing or BatchTiming()
        self.files: dict[str, StoredFile] = {}
        self.batches: dict[str, StoredBatch] = {}
        #: every chat request answered inside a batch (the live ones are in `server.requests`)
        self.requests: list[Any] = []
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-fake{next(self._ids):06d}"

    def handles(self, route: str) -> bool:
        return route.endswith("/files") or "/files/" in route or "/batches" in route

    async def route(self, method: str, route: str, headers: dict[str, str], raw: bytes) -> Response:
        parts = route.split("/")
        try:
            at = max(i for i, p in enumerate(parts) if p in ("files", "batches"))
        except ValueError:
            return _error(404, f"no route {method} {route}")
        kind, rest = parts[at], parts[at + 1 :]
        if kind == "files":
            if method == "POST" and not rest:
                return self._upload(headers, raw)
            if method == "GET" and len(rest) == 1:
                return self._file(rest[0], content=False)
            if method == "GET" and len(rest) == 2 and rest[1] == "content":
                return self._file(rest[0], content=True)
        else:
            if method == "POST" and not rest:
                return self._create(raw)
            if method == "GET" and not rest:
                return _ok({"object": "list", "data": [b.view() for b in self.batches.values()]})
            if method == "GET" and len(rest) == 1:
                batch = self.batches.get(rest[0])
                return _ok(batch.view()) if batch else _error(404, f"no batch {rest[0]}")
            if method == "POST" and len(rest) == 2 and rest[1] == "cancel":
                return self._cancel(rest[0])
        return _error(404, f"no route {method} {route}")

    # -- files -------------------------------------------------------------------------------

    def _upload(self, headers: dict[str, str], raw: bytes) -> Response:
        content_type = headers.get("content-type", "")
        if "multipart/form-data" not in content_type:
            return _error(400, "POST /v1/files needs a multipart/form-data body")
        message = BytesParser(policy=HTTP).parsebytes(
            f"content-type: {content_type}\r\n\r\n".encode("latin-1") + raw
        )
        fields: dict[str, Any] = {}
        filename = "upload.jsonl"
        content: bytes | None = None
        for part in message.iter_parts():
            # a form field's name is a plain str (no RFC 2231 tuple), and a decoded
            # non-multipart part is bytes: typeshed can only give the unions
            name = cast(str | None, part.get_param("name", header="content-disposition"))
            payload = cast(bytes, part.get_payload(decode=True) or b"")
            if name == "file":
                content = payload
                filename = part.get_filename() or filename
            elif name:
                fields[name] = payload.decode()
        if content is None:
            return _error(400, "missing the 'file' part")
        if fields.get("purpose") != "batch":
            return _error(400, f"purpose must be 'batch' here, got {fields.get('purpose')!r}")
        if len(content) > MAX_FILE_BYTES:
            return _error(400, f"file is {len(content)} bytes; the limit is {MAX_FILE_BYTES}")
        stored = StoredFile(self._new_id("file"), filename, "batch", content)
        self.files[stored.id] = stored
        return _ok(stored.view())

    def _file(self, file_id: str, *, content: bool) -> Response:
        stored = self.files.get(file_id)
        if stored is None:
            return _error(404, f"no file {file_id}")
        if content:
            return 200, stored.content, {"content-type": "application/octet-stream"}
        return _ok(stored.view())

    def _add_file(self, lines: list[dict[str, Any]], name: str) -> str | None:
        if not lines:
            return None
        body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
        stored = StoredFile(self._new_id("file"), name, "batch_output", body)
        self.files[stored.id] = stored
        return stored.id

    # -- batches -----------------------------------------------------------------------------

    def _create(self, raw: bytes) -> Response:
        try:
            params = json.loads(raw)
        except ValueError:
            return _error(400, "request body is not JSON")
        if params.get("completion_window") != "24h":
            return _error(400, "completion_window must be '24h'")
        if params.get("endpoint") != "/v1/chat/completions":
            return _error(400, "this server batches /v1/chat/completions only")
        if params.get("input_file_id") not in self.files:
            return _error(400, f"no file {params.get('input_file_id')}")
        batch = StoredBatch(
            self._new_id("batch"),
            params["input_file_id"],
            params["endpoint"],
            params.get("metadata"),
        )
        self.batches[batch.id] = batch
        task = asyncio.get_running_loop().create_task(self._run(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return _ok(batch.view())

    def _cancel(self, batch_id: str) -> Response:
        batch = self.batches.get(batch_id)
        if batch is None:
            return _error(404, f"no batch {batch_id}")
        if batch.status in TERMINAL:
            return _error(409, f"batch {batch_id} is already {batch.status}")
        batch.cancel_requested = True
        if batch.status != "cancelling":
            batch.status = "cancelling"
            batch.stamps["cancelling"] = int(time.time())
        return _ok(batch.view())

    def _stamp(self, batch: StoredBatch, status: str) -> None:
        batch.status = status
        batch.stamps[status] = int(time.time())

    async def _run(self, batch: StoredBatch) -> None:
        started = time.monotonic()
        timing = self.timing
        await asyncio.sleep(timing.validating)
        lines, problems = _validate(self.files[batch.input_file_id].content)
        if batch.cancel_requested:
            self._stamp(batch, "cancelled")
            return
        if problems:
            batch.errors = problems
            self._stamp(batch, "failed")
            return
        batch.total = len(lines)
        self._stamp(batch, "in_progress")
        outputs: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        ending = "completed"
        for n, line in enumerate(lines):
            if batch.cancel_requested:
                ending = "cancelled"
            elif _past(started, timing.expire_after) or n == timing.expire_after_requests:
                ending = "expired"
            if ending != "completed":
                for rest in lines[n:]:
                    errors.append(_error_line(rest["custom_id"], f"batch_{ending}", ending))
                break
            if timing.per_request or n % 100 == 99:
                await asyncio.sleep(timing.per_request)  # let the server answer meanwhile
            status, body = await self._answer(line, batch)
            if status == 200:
                batch.completed += 1
                outputs.append(_output_line(line["custom_id"], status, body))
            else:
                batch.failed += 1
                errors.append(_output_line(line["custom_id"], status, body))
        if ending == "completed":
            self._stamp(batch, "finalizing")
            await asyncio.sleep(timing.finalizing)
        rng = random.Random(f"{timing.shuffle_seed}:{batch.id}")
        rng.shuffle(outputs)  # the real API does not keep input order either
        batch.output_file_id = self._add_file(outputs, f"{batch.id}_output.jsonl")
        batch.error_file_id = self._add_file(errors, f"{batch.id}_error.jsonl")
        self._stamp(batch, ending)

    async def _answer(self, line: dict[str, Any], batch: StoredBatch) -> tuple[int, Any]:
        """The server's answer to one batched request, exactly as a live request gets it."""
        from .server import ChatRequest, completion_body

        raw = json.dumps(line["body"]).encode()
        request = ChatRequest(body=line["body"], headers={"x-batch-id": batch.id}, raw=raw)
        if self.server.record:
            self.requests.append(request)
        reply = self.server.responder(request)
        if reply.drop or reply.raw_body is not None:
            return 502, {"error": {"message": "upstream connection failed", "type": "fake"}}
        if reply.status != 200:
            return reply.status, {"error": {"message": reply.error or "error", "type": "fake"}}
        return 200, completion_body(request, reply)

    async def drain(self) -> None:
        """Wait for every running batch (used when the server stops)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)


def _past(started: float, limit: float | None) -> bool:
    return limit is not None and time.monotonic() - started > limit


def _validate(content: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lines: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()

    def problem(number: int, code: str, message: str) -> None:
        problems.append({"code": code, "message": message, "line": number, "param": None})

    for number, text in enumerate(content.splitlines(), 1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except ValueError:
            problem(number, "invalid_json_line", "line is not JSON")
            continue
        if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
            problem(number, "missing_required_parameter", "custom_id is required")
        elif line["custom_id"] in seen:
            problem(number, "duplicate_custom_id", f"custom_id {line['custom_id']!r} repeats")
        elif line.get("method") != "POST" or line.get("url") != "/v1/chat/completions":
            problem(number, "invalid_url", "method must be POST and url /v1/chat/completions")
        elif not isinstance(line.get("body"), dict):
            problem(number, "missing_required_parameter", "body is required")
        else:
            seen.add(line["custom_id"])
            lines.append(line)
    if len(lines) > MAX_REQUESTS:
        problem(0, "too_many_requests", f"{len(lines)} requests; the limit is {MAX_REQUESTS}")
    if not lines and not problems:
        problem(0, "empty_file", "the input file holds no requests")
    return lines, problems


def _output_line(custom_id: str, status: int, body: Any) -> dict[str, Any]:
    return {
        "id": f"batch_req_{custom_id}",
        "custom_id": custom_id,
        "response": {"status_code": status, "request_id": f"req_{custom_id}", "body": body},
        "error": None,
    }


def _error_line(custom_id: str, code: str, ending: str) -> dict[str, Any]:
    return {
        "id": f"batch_req_{custom_id}",
        "custom_id": custom_id,
        "response": None,
        "error": {"code": code, "message": f"the batch was {ending} before this request ran"},
    }


def _ok(payload: Any) -> Response:
    return 200, json.dumps(payload).encode(), {"content-type": "application/json"}


def _error(status: int, message: str) -> Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return status, json.dumps(body).encode(), {"content-type": "application/json"}
