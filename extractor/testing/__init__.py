"""Public testing helpers: a real OpenAI-compatible endpoint with scripted answers and faults."""

from .server import TRANSIENT_FAULTS, ChatRequest, FakeOpenAI, Reply, default_responder, flaky

__all__ = [
    "TRANSIENT_FAULTS",
    "ChatRequest",
    "FakeOpenAI",
    "Reply",
    "default_responder",
    "flaky",
]
