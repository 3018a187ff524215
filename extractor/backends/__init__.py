"""Backends: the OpenAI-compatible endpoint (instructor) and the offline rules baseline."""

from __future__ import annotations

from ..settings import Settings
from .base import Answer, Backend


def make_backend(settings: Settings) -> Backend:
    """The backend for resolved settings; imports the openai SDK only when it is needed."""
    if settings.is_offline:
        from .rules import RulesBackend

        return RulesBackend()
    from .openai_compat import OpenAICompatBackend

    return OpenAICompatBackend(settings)


__all__ = ["Answer", "Backend", "make_backend"]
