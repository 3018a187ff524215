"""extractor: structured, source-grounded claims from news articles.

    from extractor import extract
    result = extract(text, model="gpt-4o-mini")      # an ArticleResult with grounded claims

Importing this package is cheap: the openai SDK and instructor load only when a call needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .pipeline import Extractor
    from .schemas import ArticleResult, Claim
    from .settings import Settings

T = TypeVar("T")

_LAZY = {
    "Extractor": "pipeline",
    "Settings": "settings",
    "ArticleResult": "schemas",
    "Claim": "schemas",
    "ClaimSet": "schemas",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")


def _extractor(settings: Settings | None, overrides: dict[str, Any]) -> Extractor:
    from .pipeline import Extractor
    from .settings import Settings

    base = settings or Settings.from_env(**overrides)
    return Extractor(base.replace(**overrides) if settings and overrides else base)


def _blocking(function: Callable[[], T]) -> T:
    """Run `function` here, or in a worker thread when this thread runs an event loop (Jupyter):
    `asyncio.run` cannot nest, so the sync API gets a loop of its own there. In async code,
    prefer `await aextract(...)`, which does not block the loop."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="extractor-sync") as pool:
        return pool.submit(function).result()


def extract(text: str, *, settings: Settings | None = None, **overrides: Any) -> ArticleResult:
    """Claims for one article. `overrides` are `Settings` fields: model, base_url, prompt, …

    Works inside a running event loop too (Jupyter); empty text gives an `empty` error record,
    as in `extractor run`."""
    extractor = _extractor(settings, overrides)
    return _blocking(lambda: extractor.extract(text))


async def aextract(
    text: str, *, settings: Settings | None = None, **overrides: Any
) -> ArticleResult:
    """Async twin of `extract`."""
    extractor = _extractor(settings, overrides)
    try:
        return await extractor.aextract(text)
    finally:
        await extractor.aclose()


def extract_many(
    texts: Any,
    *,
    concurrency: int | None = None,
    settings: Settings | None = None,
    **overrides: Any,
) -> list[ArticleResult]:
    """Claims for many articles (strings or `Article`s), `concurrency` at a time, input order."""
    from .articles import Article

    articles = [
        Article(id=str(i), text=t) if isinstance(t, str) else t for i, t in enumerate(texts)
    ]
    order = {a.id: i for i, a in enumerate(articles)}
    extractor = _extractor(settings, overrides)
    results = _blocking(lambda: list(extractor.extract_many(articles, concurrency=concurrency)))
    return sorted(results, key=lambda r: order.get(r.id, 0))


__all__ = ["ArticleResult", "Claim", "Extractor", "Settings", "aextract", "extract", "extract_many"]
