"""The fake endpoint for benchmarks, answering our prompt and LangExtract's prompt alike.

Our requests carry the article in <article> tags and get the default grounded claims; any other
request (LangExtract's few-shot prompt) gets LangExtract's {"extractions": [...]} format built
from the sentences with numbers in its last message, so both tools parse a real answer.

    python benchmarks/endpoint.py --port 8000 --latency 0.25 --capacity 64
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import threading

from extractor.testing import ChatRequest, FakeOpenAI, Reply, default_responder

_NUMBERED = re.compile(r"[^.!?\n]*\d[^.!?\n]*[.!?]")


def responder(request: ChatRequest) -> Reply:
    if request.article:
        return default_responder(request)
    last = request.messages[-1].get("content") or ""
    sentences = [m.group(0).strip() for m in _NUMBERED.finditer(last.rsplit("Q:", 1)[-1])][:5]
    extractions = [{"claim": s, "claim_attributes": {}} for s in sentences]
    return Reply(content=json.dumps({"extractions": extractions}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--capacity", type=int, default=None)
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
