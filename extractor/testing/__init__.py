"""Public testing helpers: a real OpenAI-compatible endpoint with scripted answers and faults."""

from .server import ChatRequest, FakeOpenAI, Reply, default_responder

__all__ = ["ChatRequest", "FakeOpenAI", "Reply", "default_responder"]
