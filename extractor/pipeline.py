"""The extraction pipeline for one configuration: render -> cache -> backend -> ground -> record."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Iterator
from itertools import chain
from typing import TypeVar

from .articles import Article, InputProblem, Item, to_article
from .backends import Answer, make_backend
from .cache import AnswerCache, cache_key
from .chunking import split_text
from .errors import ExtractionError
from .grounding import ground
from .grounding import normalize_quote as _norm
from .prompt import load_prompt
from .redact import redact_url
from .schemas import ArticleResult, ClaimSet, DraftClaim, Provenance, RecordError, Usage
from .settings import Settings

T = TypeVar("T")
log = logging.getLogger(__name__)


class Extractor:
    """Holds one configuration (settings, prompt, backend, cache) and extracts articles with it.

    >>> ex = Extractor(Settings.from_env(model="rules"))
    >>> result = ex.extract("Officials said at least 87 prisoners were released on Thursday.")
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = (settings or Settings.from_env()).resolved()
        self.prompt = load_prompt(self.settings.prompt)
        self.backend = make_backend(self.settings)
        self.cache = (
            AnswerCache(self.settings.cache_dir)
            if self.settings.use_cache and self.backend.cacheable
            else None
        )

    # -- one article -------------------------------------------------------------------------

    async def aextract_article(self, article: Article) -> ArticleResult:
        """Extract one article. Never raises for a per-article failure: returns an error record."""
        started = time.perf_counter()
        provenance = self._provenance()
        checked = to_article(article.id, article.source or "", article.text)
        if isinstance(checked, InputProblem):  # the same rule as the CLI's inputs ("empty")
            error = ExtractionError(checked.kind, checked.message)
            return self._failed(article, provenance, started, error)
        try:
            answers = [await self._answer(piece) for piece in self._pieces(article)]
        except ExtractionError as exc:
            return self._failed(article, provenance, started, exc)
        except Exception as exc:  # a bug must cost one article, not the batch
            error = ExtractionError(
                "internal_error",
                f"{type(exc).__name__}: {exc} (a bug in extractor; please report it)",
            )
            return self._failed(article, provenance, started, error)
        claims = (
            _merge(chain.from_iterable(a.claims for a, _ in answers))
            if len(answers) > 1
            else answers[0][0].claims
        )
        provenance.cached = all(hit for _, hit in answers)
        provenance.attempts = sum(a.attempts for a, _ in answers)
        provenance.usage = sum((a.usage for a, _ in answers), Usage())
        provenance.latency_s = round(time.perf_counter() - started, 4)
        return ArticleResult(
            id=article.id,
            source=article.source,
            status="ok",
            claims=ground(claims, article.text),
            provenance=provenance,
            text=article.text,
        )

    def _failed(
        self, article: Article, provenance: Provenance, started: float, exc: ExtractionError
    ) -> ArticleResult:
        provenance.attempts = exc.attempts
        provenance.usage = exc.usage or Usage()
        provenance.latency_s = round(time.perf_counter() - started, 4)
        return ArticleResult(
            id=article.id,
            source=article.source,
            status="error",
            error=RecordError(type=exc.kind, message=exc.message),
            provenance=provenance,
            text=article.text,
        )

    async def aextract(self, text: str, *, id: str = "text") -> ArticleResult:
        return await self.aextract_article(Article(id=id, text=text))

    def extract(self, text: str, *, id: str = "text") -> ArticleResult:
        return asyncio.run(self._run_once(self.aextract(text, id=id)))

    async def _run_once(self, coro: Awaitable[T]) -> T:
        try:
            return await coro
        finally:
            await self.aclose()

    def _pieces(self, article: Article) -> list[Article]:
        pieces = split_text(article.text, self.settings.chunk_chars)
        if len(pieces) == 1:
            return [article]
        return [Article(id=f"{article.id}#{i}", text=p) for i, p in enumerate(pieces)]

    async def _answer(self, piece: Article) -> tuple[Answer, bool]:
        """The backend's answer for one piece, from the cache when it has it."""
        messages = self.prompt.render(piece.text)
        key = None
        if self.cache is not None:
            key = cache_key(
                endpoint=self.settings.endpoint,
                model=self.settings.model or "",
                mode=self.settings.mode,
                messages=messages,
                schema_sha256=self.prompt.schema_sha256,
                params=self.prompt.params,
                prompt=self.prompt.name,
                prompt_version=self.prompt.version,
                prompt_sha256=self.prompt.template_sha256,
            )
            hit = self.cache.get(key)  # a local SQLite read: cheaper inline than via a thread
            if hit is not None:
                try:
                    cached = ClaimSet.model_validate_json(hit)
                    return Answer(claims=list(cached.claims), usage=Usage(), attempts=0), True
                except ValueError as exc:
                    log.warning("ignoring corrupted cache entry %s… (%s)", key[:12], exc)
        answer = await self.backend.extract(messages, piece, self.prompt)
        if key is not None and self.cache is not None:
            self.cache.set(key, ClaimSet(claims=answer.claims).model_dump_json())
        return answer, False

    def _provenance(self) -> Provenance:
        name, version, sha256 = self.backend.identity or (
            self.prompt.name,
            self.prompt.version,
            self.prompt.template_sha256,
        )
        return Provenance(
            prompt=name,
            prompt_version=version,
            prompt_sha256=sha256,
            schema_sha256=self.prompt.schema_sha256,
            model=self.settings.model or "",
            base_url=redact_url(self.backend.base_url),
            mode="rules" if self.settings.is_offline else self.settings.mode,
        )

    # -- many articles -----------------------------------------------------------------------

    async def amap(
        self, items: Iterable[Item], *, concurrency: int | None = None
    ) -> AsyncIterator[ArticleResult]:
        """Results in completion order, with at most `concurrency` articles in flight.

        `items` is consumed lazily, so an input of any length runs in constant memory.
        """
        limit = concurrency or self.settings.concurrency
        source = iter(items)
        results: asyncio.Queue[ArticleResult | None] = asyncio.Queue(maxsize=limit * 2)

        async def worker() -> None:
            for item in source:
                await results.put(await self._process(item))
            await results.put(None)

        workers = [asyncio.create_task(worker()) for _ in range(limit)]
        try:
            running = limit
            while running:
                result = await results.get()
                if result is None:
                    running -= 1
                else:
                    yield result
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _process(self, item: Item) -> ArticleResult:
        if isinstance(item, InputProblem):
            return ArticleResult(
                id=item.id,
                source=item.source,
                status="error",
                error=RecordError(type=item.kind, message=item.message),
                provenance=self._provenance(),
            )
        return await self.aextract_article(item)

    def extract_many(
        self, items: Iterable[Item | str], *, concurrency: int | None = None
    ) -> Iterator[ArticleResult]:
        """Synchronous twin of `amap`; plain strings get ids "0", "1", …"""
        articles = (
            Article(id=str(i), text=x) if isinstance(x, str) else x for i, x in enumerate(items)
        )

        async def collect() -> list[ArticleResult]:
            return [r async for r in self.amap(articles, concurrency=concurrency)]

        return iter(asyncio.run(self._run_once(collect())))

    async def aclose(self) -> None:
        await self.backend.aclose()
        if self.cache is not None:
            self.cache.close()


def _merge(claims: Iterable[DraftClaim]) -> list[DraftClaim]:
    """Drop claims repeated across chunk boundaries (same statement and same quote)."""
    seen: set[tuple[str, str]] = set()
    unique: list[DraftClaim] = []
    for claim in claims:
        key = (_norm(claim.statement), _norm(claim.evidence.quote))
        if key not in seen:
            seen.add(key)
            unique.append(claim)
    return unique
