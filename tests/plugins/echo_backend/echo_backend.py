"""A third-party backend, as a user would write one: one module plus one entry-point line.

It reuses the shared validation, salvage and re-ask layer (`StructuredLLM`) and implements only
the transport: it "answers" every request in-process with one claim quoting the article's first
sentence.
"""

from __future__ import annotations

import json
from typing import Any

from extractor.backends import Identity
from extractor.backends.llm import StructuredLLM
from extractor.settings import Settings


class EchoBackend(StructuredLLM):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, model=settings.model or "echo", mode="json_schema", strict=False)
        self.identity = Identity(base_url=None, mode="echo")

    @classmethod
    def create(cls, settings: Settings) -> EchoBackend:
        return cls(settings)

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return False

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        article = body["messages"][-1]["content"].split("<article>\n", 1)[1]
        first = article.split(".")[0].strip() + "."
        claim = {
            "statement": first,
            "subject": "echo",
            "source": {"name": "the article", "kind": "unattributed"},
            "evidence": {"quote": first},
        }
        message = {"role": "assistant", "content": json.dumps({"claims": [claim]})}
        return {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
