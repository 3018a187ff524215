"""A real OpenAI-compatible chat-completions server on 127.0.0.1, with scripted answers.

For tests and benchmarks of anything that talks to an OpenAI-compatible endpoint: it speaks the
wire format the SDKs expect (json_schema / json_object response formats, forced tool calls,
markdown JSON, usage), lets a test script every answer, and injects faults (429 with Retry-After,
5xx, dropped connections, malformed or schema-invalid JSON, `finish_reason=length`, empty choices,
slow or hanging answers). A latency model (`latency` seconds per request, at most `capacity`
requests served at once, the rest queue) makes it a benchmark endpoint too.

    with FakeOpenAI() as server:                      # answers derived from the article
        Settings.from_env(base_url=server.url, model="fake", api_key="sk-test")
        server.script(Reply.rate_limited(retry_after=0.1), Reply.ok_default())
        ...
        server.requests                               # every request, body and headers

Run standalone: `python -m extractor.testing.server --port 8000 --latency 0.25 --capacity 64`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ARTICLE = re.compile(r"<article>\n?(.*?)\n?</article>", re.DOTALL)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


@dataclass
class ChatRequest:
    """One request as the server received it."""

    body: dict[str, Any]
    headers: dict[str, str]
    raw: bytes

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def article(self) -> str:
        """The article text inside <article> tags of the last message that has them."""
        for message in reversed(self.messages):
            content = message.get("content")
            if isinstance(content, str) and (match := _ARTICLE.search(content)):
                return match.group(1)
        return ""

    @property
    def is_reask(self) -> bool:
        return any(m.get("role") == "assistant" for m in self.messages[2:])


@dataclass
class Reply:
    """What the server sends back for one request."""

    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    finish_reason: str = "stop"
    delay: float = 0.0
    drop: bool = False
    empty_choices: bool = False
    raw_body: bytes | None = None

    @classmethod
    def json(cls, payload: Any, **kwargs: Any) -> Reply:
        return cls(content=json.dumps(payload, ensure_ascii=False), **kwargs)

    @classmethod
    def claims(cls, claims: list[dict[str, Any]], **kwargs: Any) -> Reply:
        return cls.json({"claims": claims}, **kwargs)

    @classmethod
    def ok_default(cls) -> Reply:
        """Use the server's responder for this request (a placeholder in a script)."""
        return cls(status=0)

    @classmethod
    def rate_limited(cls, retry_after: float = 1.0) -> Reply:
        return cls(status=429, headers={"retry-after": f"{retry_after:g}"}, error="Rate limit")

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(status=status, error="Internal server error")

    @classmethod
    def dropped(cls) -> Reply:
        return cls(drop=True)

    @classmethod
    def hang(cls, seconds: float = 3600.0) -> Reply:
        return cls(delay=seconds, content='{"claims": []}')

    @classmethod
    def malformed(cls) -> Reply:
        return cls(content='{"claims": [{"statement": "cut')

    @classmethod
    def schema_invalid(cls) -> Reply:
        return cls.json({"claims": [{"statement": "No source and no evidence."}]})

    @classmethod
    def truncated(cls) -> Reply:
        return cls(content='{"claims": [', finish_reason="length")

    @classmethod
    def no_choices(cls) -> Reply:
        return cls(empty_choices=True)

    @classmethod
    def broken_http(cls) -> Reply:
        """A 200 whose body is not JSON at all."""
        return cls(raw_body=b"<html>gateway hiccup</html>")


Responder = Callable[[ChatRequest], Reply]


def default_responder(request: ChatRequest) -> Reply:
    """Grounded claims derived from the article: one per sentence that holds a digit (max 5)."""
    claims = []
    for match in _SENTENCE.finditer(request.article):
        sentence = match.group(0).strip()
        number = re.search(r"\d[\d,]*", sentence)
        if not number:
            continue
        value = float(number.group(0).replace(",", ""))
        claims.append(
            {
                "statement": sentence,
                "subject": "the article",
                "quantity": {"value": value, "qualifier": "exact", "unit": "count"},
                "source": {"name": "the article", "kind": "unattributed"},
                "evidence": {"quote": sentence},
            }
        )
        if len(claims) == 5:
            break
    return Reply.claims(claims)


TRANSIENT_FAULTS: tuple[Callable[[], Reply], ...] = (
    lambda: Reply.rate_limited(retry_after=0.01),
    lambda: Reply.server_error(500),
    lambda: Reply.server_error(502),
    lambda: Reply.server_error(503),
    Reply.dropped,
    Reply.malformed,
    Reply.schema_invalid,
    Reply.no_choices,
    Reply.broken_http,
)


def flaky(
    responder: Responder = default_responder,
    *,
    rate: float = 0.3,
    seed: int = 0,
    faults: tuple[Callable[[], Reply], ...] = TRANSIENT_FAULTS,
    max_in_a_row: int = 2,
) -> Responder:
    """A responder that answers `rate` of requests with a random transient fault (mixed kinds).

    No article gets more than `max_in_a_row` faults in a row, so a client with enough retries
    always gets through: faults are transient, as they are in real life.
    """
    rng = random.Random(seed)
    streak: dict[str, int] = {}
    lock = threading.Lock()

    def respond(request: ChatRequest) -> Reply:
        key = request.article
        with lock:
            faulty = streak.get(key, 0) < max_in_a_row and rng.random() < rate
            streak[key] = streak.get(key, 0) + 1 if faulty else 0
            fault = rng.choice(faults) if faulty else None
        return fault() if fault else responder(request)

    return respond


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._send(400, {"error": {"message": "request body is not JSON"}})
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = ChatRequest(body=body, headers=headers, raw=raw)
        fake = self.server.fake
        reply = fake.next_reply(request)
        with fake.capacity_slot():
            if fake.latency or reply.delay:
                time.sleep(fake.latency + reply.delay)
        if reply.drop:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if reply.raw_body is not None:
            self._send_bytes(200, reply.raw_body, {"content-type": "text/html"})
            return
        if reply.status != 200:
            error = {"error": {"message": reply.error or "error", "type": "fake", "code": None}}
            self._send(reply.status, error, reply.headers)
            return
        self._send(200, _completion(request, reply), reply.headers)

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self._send_bytes(status, data, {"content-type": "application/json", **(headers or {})})

    def _send_bytes(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _completion(request: ChatRequest, reply: Reply) -> dict[str, Any]:
    body = request.body
    content = reply.content or ""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    tools = body.get("tools")
    if tools:
        name = tools[0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": name, "arguments": content},
                }
            ],
        }
    elif "response_format" not in body and reply.content is not None:
        message["content"] = f"```json\n{content}\n```"
    prompt_tokens = max(1, len(request.raw) // 4)
    choices = (
        []
        if reply.empty_choices
        else [{"index": 0, "message": message, "finish_reason": reply.finish_reason}]
    )
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": choices,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": max(1, len(content) // 4),
            "total_tokens": prompt_tokens + max(1, len(content) // 4),
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    fake: FakeOpenAI


class FakeOpenAI:
    """The test endpoint. Use as a context manager; `url` is the base URL to configure."""

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        latency: float = 0.0,
        capacity: int | None = None,
        port: int = 0,
        record: bool = True,
    ) -> None:
        self.responder = responder or default_responder
        self.latency = latency
        self.record = record
        self.requests: list[ChatRequest] = []
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(capacity) if capacity else None
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order, then use the responder."""
        with self._lock:
            self._script.extend(replies)

    def next_reply(self, request: ChatRequest) -> Reply:
        with self._lock:
            if self.record:
                self.requests.append(request)
            scripted = self._script.popleft() if self._script else None
        if scripted is not None and scripted.status != 0:
            return scripted
        return self.responder(request)

    def capacity_slot(self) -> Any:
        return self._slots if self._slots is not None else _NoSlot()

    @property
    def request_count(self) -> int:
        return len(self.requests)

    def start(self) -> FakeOpenAI:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _NoSlot:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible endpoint on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--capacity", type=int, default=None, help="requests served at once")
    args = parser.parse_args()
    server = FakeOpenAI(latency=args.latency, capacity=args.capacity, port=args.port, record=False)
    print(f"fake OpenAI endpoint at {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server._server.serve_forever()


if __name__ == "__main__":
    main()
