"""Backends load through the `extractor.backends` entry-point group, built-ins included.

A backend is one module plus one entry-point line in its distribution's metadata:

    [project.entry-points."extractor.backends"]
    mine = "mypkg.backend:MyBackend"

`MyBackend` implements `BackendFactory` (`create(settings)`, `configured(settings)`) and the
`Backend` protocol; an LLM backend subclasses `extractor.backends.llm.StructuredLLM`, which holds
validation, salvage and re-asks, and only implements `send(body)`.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from ..errors import ConfigError
from ..settings import RULES_MODEL, Settings
from .base import Answer, Backend, BackendFactory, Identity, Request

GROUP = "extractor.backends"
#: the backend a named model goes to when no backend is chosen
DEFAULT_LLM_BACKEND = "openai"


@cache
def available() -> dict[str, EntryPoint]:
    """Installed backends by name."""
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load(name: str) -> type[BackendFactory]:
    found = available().get(name)
    if found is None:
        names = ", ".join(sorted(available())) or "none"
        raise ConfigError(
            f"unknown backend {name!r}: installed backends are {names} "
            f"(a backend registers itself in the {GROUP!r} entry-point group)"
        )
    try:
        factory = found.load()
    except Exception as exc:  # a broken plugin must not look like our bug
        raise ConfigError(f"backend {name!r} ({found.value}) failed to load: {exc}") from None
    return factory  # type: ignore[no-any-return]


def choose(settings: Settings) -> Settings:
    """Settings with `backend` and `model` decided, and the backend's options from the
    environment folded in (so they travel with the settings: to Ray actors, into manifests).

    An explicit backend wins; `--model rules` is the offline baseline; a named model goes to the
    default LLM backend; nothing at all is the offline baseline, unless the LLM backend's
    endpoint is configured (then a model is missing, which is an error, not a silent fallback).
    """
    return _with_env_options(_chosen(settings))


def _chosen(settings: Settings) -> Settings:
    if settings.backend is not None:
        if settings.model is None and settings.backend == "rules":
            return settings.replace(model=RULES_MODEL)
        return settings
    if settings.model == RULES_MODEL:
        return settings.replace(backend="rules")
    if settings.model is not None:
        return settings.replace(backend=DEFAULT_LLM_BACKEND)
    if load(DEFAULT_LLM_BACKEND).configured(settings):
        raise ConfigError(
            "an endpoint is configured but no model: pass --model NAME or set EXTRACTOR_MODEL"
        )
    return settings.replace(backend="rules", model=RULES_MODEL)


def _with_env_options(settings: Settings) -> Settings:
    if settings.backend in (None, "custom"):
        return settings
    from_env = getattr(load(settings.backend), "options_from_env", None)
    if from_env is None:
        return settings
    found = {k: v for k, v in from_env().items() if k not in settings.options}
    return settings.replace(**found) if found else settings


def make_backend(settings: Settings) -> Backend:
    """The backend for settings already passed through `choose`."""
    assert settings.backend is not None, "call choose(settings) first"
    return load(settings.backend).create(settings)


__all__ = [
    "GROUP",
    "Answer",
    "Backend",
    "BackendFactory",
    "Identity",
    "Request",
    "available",
    "choose",
    "load",
    "make_backend",
]
