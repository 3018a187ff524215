"""What every chat-completions backend shares: one request budget, validation, salvage, re-asks.

A backend subclasses `StructuredLLM` and implements `send(body) -> completion` (the transport);
everything else is here, so every LLM backend behaves the same:

- **Budget.** `max_attempts` caps the HTTP requests for one piece (article or chunk), all of them:
  transport retries, re-asks and the one retry with more room after a cut-off answer.
  `max_reasks` caps the re-asks among them; `token_budget` caps the tokens.
- **Transport.** A `RequestFailed` marked transient (429 after its Retry-After, 408/409/5xx but
  501, dropped connections, timeouts, an empty answer) is retried with exponential backoff and
  full jitter; any other failure ends the piece at once with its own error type.
- **Answer.** The JSON is read from the message (or the tool call), also after a `<think>`
  preamble or inside a ```json fence. An answer that parses is salvaged (`extractor.salvage`):
  bad optional fields nulled, bad items dropped, every repair a warning in the record.
- **Re-ask** only when the answer does not parse at all, when salvage cannot keep it, or when it
  dropped more than `max_dropped_share` of the items; then once more with the problems listed.
  When the re-asks run out, the best salvaged answer is kept; an article whose answers never
  parsed, or lost every item to salvage, is an `invalid_output` error naming field and reason.
  With `reask_ungrounded`, quotes not found in the article are re-asked once as well.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from pydantic import BaseModel

from ..contract import AnswerProblem, Mode, answer_text, parse_json, request_body
from ..errors import ExtractionError
from ..salvage import Salvaged, salvage
from ..schemas import Usage
from ..settings import Settings
from .base import Answer, Message, Request

MAX_TOKENS_CEILING = 32_768
_SHOWN_PROBLEMS = 5


class RequestFailed(Exception):
    """A request that got no completion; `transient` ones are worth repeating."""

    def __init__(
        self, kind: str, message: str, *, transient: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.transient = transient
        self.retry_after = retry_after


class _Tally:
    """Requests and tokens of one piece, over retries and re-asks."""

    def __init__(self) -> None:
        self.attempts = 0
        self.usage = Usage()

    def add(self, completion: dict[str, Any]) -> None:
        usage = completion.get("usage") if isinstance(completion, dict) else None
        if isinstance(usage, dict):
            try:
                spent = Usage(
                    prompt_tokens=int(usage.get("prompt_tokens") or 0),
                    completion_tokens=int(usage.get("completion_tokens") or 0),
                )
            except (TypeError, ValueError):  # a broken usage block must not cost the answer
                return
            self.usage = self.usage + spent

    @property
    def tokens(self) -> int:
        return self.usage.prompt_tokens + self.usage.completion_tokens


class StructuredLLM:
    """Base class of chat-completions backends: subclasses implement `send` (and `create`)."""

    cacheable = True

    def __init__(self, settings: Settings, *, model: str, mode: Mode, strict: bool) -> None:
        self.settings = settings
        self.model = model
        self.mode: Mode = mode
        self.strict = strict

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST one chat-completions body; the response body, or raise `RequestFailed`."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Close connections; the next call may open new ones."""

    def plan(
        self, messages: list[Message], schema: type[BaseModel], params: dict[str, Any]
    ) -> dict[str, Any]:
        return request_body(
            messages, schema, model=self.model, mode=self.mode, params=params, strict=self.strict
        )

    async def answer(self, request: Request) -> Answer:
        return await self.resume(request, None)

    async def resume(self, request: Request, completion: dict[str, Any] | None) -> Answer:
        """The answer for one piece, starting from a completion already in hand (a batch's)."""
        tally = _Tally()
        if completion is not None:
            tally.attempts = 1
        try:
            return await self._answer(request, completion, tally)
        except ExtractionError as exc:
            exc.attempts, exc.usage = tally.attempts, tally.usage
            raise

    async def _answer(
        self, request: Request, completion: dict[str, Any] | None, tally: _Tally
    ) -> Answer:
        body = (
            request.body
            if request.body is not None
            else self.plan(request.messages, request.schema, request.params)
        )
        limits = self.settings
        reasks = 0
        grown = ungrounded_asked = False
        best: Salvaged | None = None
        while True:
            if completion is None:
                completion = await self._send(body, tally)
            tally.add(completion)
            try:
                text, finish = answer_text(completion)
            except AnswerProblem as problem:
                if problem.kind != "empty_answer" or tally.attempts >= limits.max_attempts:
                    raise ExtractionError(problem.kind, problem.message) from None
                completion = None
                await asyncio.sleep(self._backoff(tally.attempts))
                continue
            completion = None
            if finish == "length":
                room = int(body.get("max_tokens") or body.get("max_completion_tokens") or 4096)
                if grown or room >= MAX_TOKENS_CEILING or tally.attempts >= limits.max_attempts:
                    raise ExtractionError(
                        "truncated",
                        f"the model's answer was cut off at max_tokens={room} "
                        "(finish_reason=length) even after one retry with more room; raise "
                        "max_tokens in the prompt file or lower --chunk-chars",
                    )
                grown = True
                body = {**body, "max_tokens": min(room * 2, MAX_TOKENS_CEILING)}
                continue
            salvaged = _read(text, request.schema)
            kept_some = salvaged.items == 0 or salvaged.dropped < salvaged.items
            if (
                salvaged.answer is not None
                and kept_some
                and (best is None or salvaged.dropped_share < best.dropped_share)
            ):
                best = salvaged
            usable = (
                salvaged.answer is not None and salvaged.dropped_share <= limits.max_dropped_share
            )
            problems = salvaged.problems or salvaged.errors
            if usable and request.check is not None and not ungrounded_asked:
                assert salvaged.answer is not None
                missing = request.check(salvaged.answer)
                if missing and limits.reask_ungrounded and self._can_reask(reasks, tally):
                    ungrounded_asked = True
                    reasks += 1
                    body = _reask(body, text, [f"not in the article: {q!r}" for q in missing])
                    continue
            if usable:
                return self._done(salvaged, tally)
            if self._can_reask(reasks, tally):
                reasks += 1
                body = _reask(body, text, problems)
                continue
            if best is not None:
                return self._done(best, tally)
            shown = "; ".join(problems[:_SHOWN_PROBLEMS]) or "no JSON answer"
            raise ExtractionError(
                "invalid_output",
                f"the model's answer did not fit the schema after {reasks} re-asks: {shown}",
            )

    def _can_reask(self, reasks: int, tally: _Tally) -> bool:
        return reasks < self.settings.max_reasks and tally.attempts < self.settings.max_attempts

    def _done(self, salvaged: Salvaged, tally: _Tally) -> Answer:
        assert salvaged.answer is not None
        return Answer(
            answer=salvaged.answer,
            warnings=list(salvaged.warnings),
            usage=tally.usage,
            attempts=tally.attempts,
        )

    async def _send(self, body: dict[str, Any], tally: _Tally) -> dict[str, Any]:
        """One completion, retrying transient failures within the piece's request budget."""
        limits = self.settings
        while True:
            if limits.token_budget is not None and tally.tokens >= limits.token_budget:
                raise ExtractionError(
                    "token_budget",
                    f"token budget of {limits.token_budget} spent ({tally.tokens} tokens in "
                    f"{tally.attempts} requests); raise --token-budget or shorten the article",
                )
            tally.attempts += 1
            try:
                return await self.send(body)
            except RequestFailed as failed:
                if not failed.transient:
                    raise ExtractionError(failed.kind, failed.message) from None
                if tally.attempts >= limits.max_attempts:
                    raise ExtractionError(
                        failed.kind, f"{failed.message} (gave up after {tally.attempts} requests)"
                    ) from None
                wait = failed.retry_after
                if wait is None:
                    wait = self._backoff(tally.attempts)
                await asyncio.sleep(min(wait, limits.backoff_max))

    def _backoff(self, attempt: int) -> float:
        ceiling = self.settings.backoff_initial * 2 ** (attempt - 1)
        return random.uniform(0, min(ceiling, self.settings.backoff_max))  # full jitter


def usable(completion: dict[str, Any], schema: type[BaseModel], settings: Settings) -> bool:
    """Whether a completion already in hand gives an answer with no further request."""
    try:
        text, finish = answer_text(completion)
    except AnswerProblem:
        return False
    if finish == "length":
        return False
    salvaged = _read(text, schema)
    return salvaged.answer is not None and salvaged.dropped_share <= settings.max_dropped_share


def _read(text: str, schema: type[BaseModel]) -> Salvaged:
    try:
        data = parse_json(text)
    except ValueError as exc:
        return Salvaged(answer=None, problems=[str(exc)])
    try:
        return salvage(data, schema)
    except RecursionError:
        return Salvaged(answer=None, problems=["the answer is nested too deeply to validate"])


def _reask(body: dict[str, Any], answer: str, problems: list[str]) -> dict[str, Any]:
    """The body once more, with the model's answer and what was wrong with it appended."""
    listed = "\n".join(f"- {p}" for p in problems[:20]) or "- the answer was not usable"
    feedback = (
        "Your answer could not be used as it is:\n"
        f"{listed}\n"
        "Reply again with the complete answer, valid under the schema."
    )
    messages = [
        *body["messages"],
        {"role": "assistant", "content": answer},
        {"role": "user", "content": feedback},
    ]
    return {**body, "messages": messages}


__all__ = ["RequestFailed", "StructuredLLM", "usable"]
