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

The OpenAI Files + Batch API (upload, create, poll, download, cancel) lives in batch_api.py.

Run standalone: `python -m extractor.testing --port 8000 --latency 0.25 --capacity 64`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .batch_api import BatchAPI, BatchTiming, Response

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
        messages: list[dict[str, Any]] = self.body.get("messages", [])
        return messages

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
        """A 200 that says JSON but whose body is cut off (a proxy hiccup): worth a retry."""
        return cls(
            raw_body=b'{"id": "chatcmpl-1", "choi', headers={"content-type": "application/json"}
        )

    @classmethod
    def html_page(cls, status: int = 200) -> Reply:
        """A web page instead of an API answer: the URL is not an OpenAI-compatible endpoint."""
        return cls(status=status, raw_body=b"<!DOCTYPE html><html><body>Welcome</body></html>")


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


def _http_response(status: int, body: bytes, headers: dict[str, str], keep_alive: bool) -> bytes:
    """Status line, headers and body as one buffer: one write, no Nagle/delayed-ACK stall."""
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [
        f"content-length: {len(body)}",
        f"connection: {'keep-alive' if keep_alive else 'close'}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return (
        status,
        json.dumps(payload).encode(),
        {"content-type": "application/json", **(headers or {})},
    )


def completion_body(request: ChatRequest, reply: Reply) -> dict[str, Any]:
    """The chat-completion response body for `reply` to `request` (also used in-process)."""
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


class FakeOpenAI:
    """The test endpoint. Use as a context manager; `url` is the base URL to configure.

    It runs an asyncio HTTP/1.1 server on its own thread and event loop, so latency is precise
    and thousands of requests can wait at once without a thread each.
    """

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        latency: float = 0.0,
        capacity: int | None = None,
        port: int = 0,
        record: bool = True,
        batch_timing: BatchTiming | None = None,
    ) -> None:
        self.responder = responder or default_responder
        self.latency = latency
        self.capacity = capacity
        self.record = record
        self.requests: list[ChatRequest] = []
        self._port = port
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._slots: asyncio.Semaphore | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        #: the Files + Batch API (batch_api.py); its requests are in `batch.requests`
        self.batch = BatchAPI(self, batch_timing)

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.sockets[0].getsockname()[:2]
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

    @property
    def request_count(self) -> int:
        return len(self.requests)

    def start(self) -> FakeOpenAI:
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result()
        return self

    async def _listen(self) -> asyncio.Server:
        self._slots = asyncio.Semaphore(self.capacity) if self.capacity else None
        return await asyncio.start_server(self._serve, "127.0.0.1", self._port, backlog=1024)

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()  # handlers then end on their own, no cancellation
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            _, still = await asyncio.wait(pending, timeout=2) if pending else (None, [])
            for task in still:
                task.cancel()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One keep-alive connection: requests in order until the client closes."""
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *lines = head.decode("latin-1").split("\r\n")
                method, path = request_line.split(" ")[:2]
                headers = {}
                for line in lines:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                raw = await reader.readexactly(length) if length else b""
                keep_alive = headers.get("connection", "").lower() != "close"
                response = await self._answer(method, path, headers, raw)
                if response is None:  # a dropped connection
                    writer.transport.abort()
                    return
                writer.write(_http_response(*response, keep_alive=keep_alive))
                await writer.drain()
                if not keep_alive:
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        except asyncio.CancelledError:  # shutdown while a reply waits: end quietly
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _answer(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> Response | None:
        route = path.partition("?")[0].rstrip("/")
        if self.batch.handles(route):
            return await self.batch.route(method, route, headers, raw)
        if method == "GET" and route.endswith("/models"):
            return _json_response(200, {"object": "list", "data": [{"id": "fake"}]})
        if method != "POST" or not route.endswith("/chat/completions"):
            return _json_response(404, {"error": {"message": f"no route {method} {path}"}})
        try:
            body = json.loads(raw)
        except ValueError:
            return _json_response(400, {"error": {"message": "request body is not JSON"}})
        request = ChatRequest(body=body, headers=headers, raw=raw)
        reply = self.next_reply(request)
        wait = self.latency + reply.delay
        if self._slots is not None:
            async with self._slots:
                await asyncio.sleep(wait)
        elif wait:
            await asyncio.sleep(wait)
        if reply.drop:
            return None
        if reply.raw_body is not None:
            return (
                reply.status or 200,
                reply.raw_body,
                {"content-type": "text/html", **reply.headers},
            )
        if reply.status != 200:
            error = {"error": {"message": reply.error or "error", "type": "fake", "code": None}}
            return _json_response(reply.status, error, reply.headers)
        return _json_response(200, completion_body(request, reply), reply.headers)


def main(responder: Responder | None = None) -> None:
    """Serve until Ctrl-C; `responder` lets a script reuse this command line with its answers."""
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible endpoint on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--capacity", type=int, default=None, help="requests served at once")
    args = parser.parse_args()
    server = FakeOpenAI(
        responder, latency=args.latency, capacity=args.capacity, port=args.port, record=False
    )
    server.start()
    print(f"fake OpenAI endpoint at {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    server.stop()


if __name__ == "__main__":
    main()
