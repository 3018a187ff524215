"""`MockBackend`: an in-process chat-completions backend for tests that need no HTTP.

It answers through the same responders as `FakeOpenAI` (scripted `Reply`s, `default_responder`,
`schema_responder`) and goes through the same shared validation, salvage and re-ask code as the
real OpenAI-compatible backend — only the transport is replaced. Registered as the `mock`
backend: `extractor run ... --backend mock --model any`.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from ..backends.base import Identity
from ..backends.llm import RequestFailed, StructuredLLM
from ..contract import MODES
from ..errors import ConfigError
from ..settings import Settings
from .server import ChatRequest, Reply, Responder, completion_body, default_responder


class MockBackend(StructuredLLM):
    def __init__(
        self,
        settings: Settings | None = None,
        responder: Responder | None = None,
        *,
        mode: str = "json_schema",
    ) -> None:
        settings = settings or Settings(model="mock")
        if mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        super().__init__(settings, model=settings.model or "mock", mode=mode, strict=False)
        self.responder = responder or default_responder
        self.identity = Identity(base_url=None, mode=f"mock/{mode}")
        self.requests: list[ChatRequest] = []
        self._script: deque[Reply] = deque()

    @classmethod
    def create(cls, settings: Settings) -> MockBackend:
        unknown = set(settings.options) - {"mode"}
        if unknown:
            raise ConfigError(f"the mock backend takes only --mode, not {sorted(unknown)}")
        return cls(settings, mode=str(settings.options.get("mode", "json_schema")))

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return False

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order, then use the responder."""
        self._script.extend(replies)

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        raw = json.dumps(body).encode()
        request = ChatRequest(body=json.loads(raw), headers={}, raw=raw)
        self.requests.append(request)
        reply = self._script.popleft() if self._script else None
        if reply is None or reply.status == 0:
            reply = self.responder(request)
        if reply.drop:
            raise RequestFailed("connection", "connection dropped", transient=True)
        if reply.status != 200:
            transient = reply.status in (408, 409, 429) or reply.status >= 500
            raise RequestFailed(f"http_{reply.status}", reply.error or "error", transient=transient)
        if reply.raw_body is not None:
            if reply.raw_body.lstrip().startswith(b"<"):
                raise RequestFailed(
                    "not_openai", "not an OpenAI-compatible endpoint", transient=False
                )
            raise RequestFailed("bad_response", "the response body is not JSON", transient=True)
        return completion_body(request, reply)
