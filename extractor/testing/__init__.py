"""Public testing helpers: a real OpenAI-compatible endpoint with scripted answers and faults."""

from .batch_api import BatchTiming
from .server import TRANSIENT_FAULTS, ChatRequest, FakeOpenAI, Reply, default_responder, flaky

__all__ = [
    "TRANSIENT_FAULTS",
    "BatchTiming",
    "ChatRequest",
    "FakeOpenAI",
    "Reply",
    "default_responder",
    "flaky",
]
