"""Public testing helpers: a real OpenAI-compatible endpoint with scripted answers and faults,
answers generated from any declared schema, and an in-process mock backend."""

from .batch_api import BatchTiming
from .mock import MockBackend
from .schema_answers import declared_schema, random_instance, schema_responder
from .server import TRANSIENT_FAULTS, ChatRequest, FakeOpenAI, Reply, default_responder, flaky

__all__ = [
    "TRANSIENT_FAULTS",
    "BatchTiming",
    "ChatRequest",
    "FakeOpenAI",
    "MockBackend",
    "Reply",
    "declared_schema",
    "default_responder",
    "flaky",
    "random_instance",
    "schema_responder",
]
