"""The fake endpoint for benchmarks, answering our prompt and LangExtract's prompt alike.

Our requests carry the article in <article> tags and get the default grounded claims; any other
request (LangExtract's few-shot prompt) gets LangExtract's {"extractions": [...]} format built
from the sentences with numbers in its last message, so both tools parse a real answer.

    python benchmarks/endpoint.py --port 8000 --latency 0.25 --capacity 64
"""

from __future__ import annotations

import json
import re

from extractor.testing import ChatRequest, Reply, default_responder
from extractor.testing.server import main

_NUMBERED = re.compile(r"[^.!?\n]*\d[^.!?\n]*[.!?]")


def responder(request: ChatRequest) -> Reply:
    if request.article:
        return default_responder(request)
    last = request.messages[-1].get("content") or ""
    sentences = [m.group(0).strip() for m in _NUMBERED.finditer(last.rsplit("Q:", 1)[-1])][:5]
    extractions = [{"claim": s, "claim_attributes": {}} for s in sentences]
    return Reply(content=json.dumps({"extractions": extractions}))


if __name__ == "__main__":
    main(responder)
