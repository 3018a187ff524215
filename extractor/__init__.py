"""extractor: structured, source-grounded claims (or any schema you bring) from news articles.

    from extractor import extract
    result = extract(text, model="gpt-4o-mini")      # a Record with grounded claims
    result = extract(text, schema=EventSet, prompt="Find the events:\\n{article}", model=...)

Importing this package is cheap: the openai SDK loads only when a call needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .articles import Article
    from .pipeline import Extractor
    from .schemas import ArticleResult, Claim, ClaimSet, Quote, Record
    from .settings import Settings
    from .templates import Prompt

_LAZY = {
    "Extractor": "pipeline",
    "Settings": "settings",
    "Prompt": "templates",
    "Article": "articles",
    "ArticleResult": "schemas",
    "Claim": "schemas",
    "ClaimSet": "schemas",
    "Quote": "schemas",
    "Record": "schemas",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")


def _extractor(
    settings: Settings | None,
    schema: type[BaseModel] | None,
    prompt: Prompt | str | None,
    overrides: dict[str, Any],
) -> Extractor:
    from .pipeline import Extractor
    from .settings import Settings

    base = settings or Settings.from_env(**overrides)
    chosen = base.replace(**overrides) if settings and overrides else base
    return Extractor(chosen, schema=schema, prompt=prompt)


def extract(
    text: str,
    *,
    schema: type[BaseModel] | None = None,
    prompt: Prompt | str | None = None,
    settings: Settings | None = None,
    **overrides: Any,
) -> Record:
    """The record for one text. `overrides` are `Settings` fields or backend options (model,
    base_url, api_key, mode, ...); `prompt` a prompt name, file, `Prompt` or template string."""
    return _extractor(settings, schema, prompt, overrides).extract(text)


async def aextract(
    text: str,
    *,
    schema: type[BaseModel] | None = None,
    prompt: Prompt | str | None = None,
    settings: Settings | None = None,
    **overrides: Any,
) -> Record:
    """Async twin of `extract`."""
    extractor = _extractor(settings, schema, prompt, overrides)
    try:
        return await extractor.aextract(text)
    finally:
        await extractor.aclose()


def extract_many(
    texts: Iterable[str | Article],
    *,
    concurrency: int | None = None,
    schema: type[BaseModel] | None = None,
    prompt: Prompt | str | None = None,
    settings: Settings | None = None,
    **overrides: Any,
) -> list[Record]:
    """Records for many texts (strings get ids "0", "1", …), `concurrency` at a time, in input
    order."""
    return _extractor(settings, schema, prompt, overrides).extract_many(
        texts, concurrency=concurrency
    )


__all__ = [
    "Article",
    "ArticleResult",
    "Claim",
    "ClaimSet",
    "Extractor",
    "Prompt",
    "Quote",
    "Record",
    "Settings",
    "aextract",
    "extract",
    "extract_many",
]
