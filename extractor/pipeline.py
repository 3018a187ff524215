"""The extraction pipeline for one configuration: render -> cache -> backend -> ground -> record.

Generic over the answer schema: any pydantic model a prompt names (or one passed in) goes through
the same cache, backend, salvage and grounding, and comes out as a `Record`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import json
import logging
import time
from collections.abc import AsyncIterator, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .articles import Article, InputProblem, Item, to_article
from .backends import Answer, Backend, Request, choose, make_backend
from .cache import AnswerCache, cache_key
from .chunking import split_text
from .contract import StrictSchemaError
from .errors import ConfigError, ExtractionError
from .grounding import align, ground, quotes
from .redact import redact_url
from .schemas import Provenance, Record, RecordError, RecordWarning, Usage
from .settings import Settings
from .templates import Prompt, load_prompt

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedRequest:
    """One request a live run would send for a piece of an article (what a provider batch sends).

    `body` is None for backends that send nothing (the offline baseline).
    """

    piece_id: str
    cache_key: str | None
    body: dict[str, Any] | None


class Extractor:
    """Holds one configuration (settings, prompt, schema, backend, cache) and extracts with it.

    >>> ex = Extractor(Settings.from_env(model="rules"))
    >>> result = ex.extract("Officials said at least 87 prisoners were released on Thursday.")

    `prompt` may be a `Prompt`, a bundled prompt name, a `.toml` path or a template string with
    one `{article}`; `schema` (a pydantic model class) replaces the prompt's answer schema;
    `backend` is a ready backend instance (tests use `extractor.testing.MockBackend`).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        prompt: Prompt | str | None = None,
        schema: type[BaseModel] | None = None,
        backend: Backend | None = None,
    ) -> None:
        settings = settings or Settings.from_env()
        if backend is not None and settings.backend is None:
            settings = settings.replace(backend="custom", model=settings.model or "custom")
        self.settings = choose(settings)
        self.prompt = _prompt(prompt if prompt is not None else self.settings.prompt, schema)
        self.schema = self.prompt.schema
        self.backend = backend or make_backend(self.settings)
        supports = getattr(self.backend, "supports", None)
        if supports is not None and not supports(self.schema):
            raise ConfigError(
                f"backend {self.settings.backend!r} cannot extract schema {self.schema.__name__}"
            )
        try:  # a schema the backend cannot send is a usage error now, not one per article
            self.backend.plan(self.prompt.render(""), self.schema, dict(self.prompt.params))
        except StrictSchemaError as exc:
            raise ConfigError(f"schema {self.schema.__name__}: {exc}") from None
        self.cache = (
            AnswerCache(self.settings.cache_dir)
            if self.settings.use_cache and self.backend.cacheable
            else None
        )

    # -- one article -------------------------------------------------------------------------

    async def aextract_article(self, article: Article) -> Record:
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
        return self._record(article, answers, provenance, started)

    def plan(self, article: Article) -> list[PlannedRequest]:
        """The requests a live run would send for `article`, one per piece, with their keys."""
        planned = []
        for piece in self._pieces(article):
            request = self._request(piece)
            key = self._key(request.body, always=True)
            planned.append(PlannedRequest(piece.id, key, request.body))
        return planned

    async def finish(self, article: Article, completions: dict[str, dict[str, Any]]) -> Record:
        """The record for `article` from completions already in hand (a provider batch's), by
        piece id. A piece without one is asked live; an unusable one is re-asked live within
        the same budget; answers are cached as a live run caches them."""
        started = time.perf_counter()
        provenance = self._provenance()
        try:
            answers = [
                await self._answer(piece, completions.get(piece.id))
                for piece in self._pieces(article)
            ]
        except ExtractionError as exc:
            return self._failed(article, provenance, started, exc)
        return self._record(article, answers, provenance, started)

    def _record(
        self,
        article: Article,
        answers: list[tuple[Answer, bool]],
        provenance: Provenance,
        started: float,
    ) -> Record:
        merged = _merge([a.answer for a, _ in answers], self.schema)
        # the answers were validated for this article alone (from the model or the cache)
        grounded, missing = ground(merged, article.text, copy=False)
        warnings = [w for a, _ in answers for w in a.warnings]
        warnings += [
            RecordWarning(path=path, problem="quote not found in the article", action="kept")
            for path in missing
        ]
        provenance.cached = all(hit for _, hit in answers)
        provenance.attempts = sum(a.attempts for a, _ in answers)
        provenance.usage = sum((a.usage for a, _ in answers), Usage())
        provenance.latency_s = round(time.perf_counter() - started, 4)
        return Record.of(
            self.schema,
            id=article.id,
            source=article.source,
            status="ok",
            answer=grounded,
            warnings=warnings,
            provenance=provenance,
            text=article.text,
        )

    def _failed(
        self, article: Article, provenance: Provenance, started: float, exc: ExtractionError
    ) -> Record:
        provenance.attempts = exc.attempts
        provenance.usage = exc.usage or Usage()
        provenance.latency_s = round(time.perf_counter() - started, 4)
        return Record.of(
            self.schema,
            id=article.id,
            source=article.source,
            status="error",
            error=RecordError(type=exc.kind, message=exc.message),
            provenance=provenance,
            text=article.text,
        )

    async def aextract(self, text: str, *, id: str = "text") -> Record:
        """One text; an empty one is an `empty` error record, as in a batch."""
        item = to_article(id, None, text)
        if isinstance(item, InputProblem):
            return self._problem(item)
        return await self.aextract_article(item)

    def extract(self, text: str, *, id: str = "text") -> Record:
        return run_sync(self._run_once(self.aextract(text, id=id)))

    async def _run_once(self, coro: Coroutine[Any, Any, T]) -> T:
        try:
            return await coro
        finally:
            await self.aclose()

    def _pieces(self, article: Article) -> list[Article]:
        pieces = split_text(article.text, self.settings.chunk_chars)
        if len(pieces) == 1:
            return [article]
        return [Article(id=f"{article.id}#{i}", text=p) for i, p in enumerate(pieces)]

    def _request(self, piece: Article) -> Request:
        messages = self.prompt.render(piece.text)
        params = dict(self.prompt.params)
        check = _ungrounded_quotes(piece.text) if self.settings.reask_ungrounded else None
        body = self.backend.plan(messages, self.schema, params)
        return Request(piece, messages, self.schema, params, body=body, check=check)

    def _key(self, body: dict[str, Any] | None, *, always: bool = False) -> str | None:
        if body is None or (self.cache is None and not always):
            return None
        return cache_key(
            backend=self.settings.backend or "",
            endpoint=self.backend.identity.base_url,
            model=self.settings.model or "",
            body=body,
        )

    async def _answer(
        self, piece: Article, completion: dict[str, Any] | None = None
    ) -> tuple[Answer, bool]:
        """The answer for one piece: from the cache when it has it, else from a completion in
        hand (a batch's; re-asked live when unusable), else asked."""
        request = self._request(piece)
        key = self._key(request.body)
        if key is not None and self.cache is not None:
            hit = self.cache.get(key)  # a local SQLite read: cheaper inline than via a thread
            if hit is not None:
                try:
                    stored = json.loads(hit)
                    parsed = self.schema.model_validate(stored["answer"])
                    warnings = [RecordWarning.model_validate(w) for w in stored["warnings"]]
                    return Answer(answer=parsed, warnings=warnings, attempts=0), True
                except (ValueError, KeyError, TypeError, ValidationError) as exc:
                    log.warning("ignoring corrupted cache entry %s… (%s)", key[:12], exc)
        resume = getattr(self.backend, "resume", None)
        if completion is not None and resume is not None:
            answer = await resume(request, completion)
        else:
            answer = await self.backend.answer(request)
        self._store(key, answer)
        return answer, False

    def _store(self, key: str | None, answer: Answer) -> None:
        if key is None or self.cache is None:
            return
        stored = {
            "answer": answer.answer.model_dump(mode="json"),
            "warnings": [w.model_dump(mode="json") for w in answer.warnings],
        }
        self.cache.set(key, json.dumps(stored, ensure_ascii=False))

    def _provenance(self) -> Provenance:
        identity = self.backend.identity
        name, version, sha256 = identity.prompt or (
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
            base_url=redact_url(identity.base_url),
            mode=identity.mode,
        )

    def _problem(self, item: InputProblem) -> Record:
        return Record.of(
            self.schema,
            id=item.id,
            source=item.source,
            status="error",
            error=RecordError(type=item.kind, message=item.message),
            provenance=self._provenance(),
        )

    # -- many articles -----------------------------------------------------------------------

    async def amap(
        self, items: Iterable[Item], *, concurrency: int | None = None
    ) -> AsyncIterator[Record]:
        """Records in completion order, with at most `concurrency` articles in flight.

        `items` is consumed lazily, so an input of any length runs in constant memory.
        """
        limit = concurrency or self.settings.concurrency
        source = iter(items)
        results: asyncio.Queue[Record | None] = asyncio.Queue(maxsize=limit * 2)

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

    async def _process(self, item: Item) -> Record:
        if isinstance(item, InputProblem):
            return self._problem(item)
        return await self.aextract_article(item)

    def extract_many(
        self, items: Iterable[Item | str], *, concurrency: int | None = None
    ) -> list[Record]:
        """Records for many articles (or strings, with ids "0", "1", …), in input order."""
        articles: list[Item] = [
            _as_item(str(i), x) if isinstance(x, str) else x for i, x in enumerate(items)
        ]

        async def collect() -> list[Record]:
            return [r async for r in self.amap(articles, concurrency=concurrency)]

        done = run_sync(self._run_once(collect()))
        order = {item.id: i for i, item in enumerate(articles)}
        return sorted(done, key=lambda r: order.get(r.id, len(order)))

    async def aclose(self) -> None:
        """Close the HTTP client and the cache (`async with Extractor(...)` does it for you)."""
        await self.backend.aclose()
        if self.cache is not None:
            self.cache.close()

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, also inside a running event loop
    (Jupyter): there it runs on a fresh loop in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _as_item(item_id: str, text: str) -> Item:
    return to_article(item_id, None, text)


def _prompt(prompt: Prompt | str, schema: type[BaseModel] | None) -> Prompt:
    if isinstance(prompt, str) and "{article}" in prompt:
        if schema is None:
            raise ConfigError("a prompt template string needs a schema: pass schema=MyModel")
        return Prompt.from_template(prompt, schema)
    loaded = prompt if isinstance(prompt, Prompt) else load_prompt(prompt)
    if schema is not None and schema is not loaded.schema:
        loaded = dataclasses.replace(loaded, schema=schema, examples=())
    return loaded


def _ungrounded_quotes(text: str) -> Any:
    def check(answer: BaseModel) -> list[str]:
        return [q.quote for q in quotes(answer) if align(q.quote, text).alignment == "none"]

    return check


def _merge(answers: list[BaseModel], schema: type[BaseModel]) -> BaseModel:
    """One answer from a chunked article's answers: list fields concatenated, items repeated
    across chunk boundaries kept once; other fields from the first chunk that has them."""
    if len(answers) == 1:
        return answers[0]
    merged: dict[str, Any] = {}
    for name in schema.model_fields:
        values = [getattr(a, name) for a in answers]
        if all(isinstance(v, list) for v in values):
            seen: set[str] = set()
            items = []
            for item in (x for v in values for x in v):
                key = item.model_dump_json() if isinstance(item, BaseModel) else repr(item)
                if key not in seen:
                    seen.add(key)
                    items.append(item)
            merged[name] = items
        else:
            merged[name] = next((v for v in values if v is not None), values[0])
    return schema.model_construct(**merged)
