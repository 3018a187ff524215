"""Any OpenAI-compatible chat-completions endpoint, through instructor + the openai SDK.

Two retry layers, each bounded:
- transport: 429 (honouring Retry-After), 408/409/5xx, dropped connections and timeouts are
  retried here with exponential backoff and jitter (tenacity), up to `max_attempts` requests;
  the SDK's own hidden retries are switched off so every request is counted;
- content: a reply that fails JSON parsing or schema validation is re-asked by instructor with
  the validation error, up to `max_reasks` times; a reply cut off by `finish_reason=length` is
  asked once more with twice the room.
Every request is counted, and tokens are summed over all of them (a per-call instructor hook).
The openai SDK and instructor are imported on first use only: importing them costs ~1 s.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from ..articles import Article
from ..errors import ExtractionError
from ..prompt import Message, Prompt
from ..schemas import Usage
from ..settings import Settings
from .base import Answer

log = logging.getLogger(__name__)

MAX_TOKENS_CEILING = 32_768


class _Transient(Exception):
    """A failed request worth repeating; carries the server's Retry-After, if any."""

    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after


class _Tally:
    """Requests and tokens of one article, fed by instructor's per-call hooks."""

    def __init__(self) -> None:
        self.attempts = 0
        self.usage = Usage()
        self.grown = False  # max_tokens already raised once after a truncated answer

    def on_request(self, *_: Any, **__: Any) -> None:
        self.attempts += 1

    def on_response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage = self.usage + Usage(
                prompt_tokens=usage.prompt_tokens or 0,
                completion_tokens=usage.completion_tokens or 0,
            )

    @property
    def tokens(self) -> int:
        return self.usage.prompt_tokens + self.usage.completion_tokens


class OpenAICompatBackend:
    cacheable = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_url: str | None = settings.endpoint
        self._client: Any = None
        self._openai: Any = None

    def _instructor(self) -> Any:
        if self._client is None:
            import instructor
            import openai

            # instructor logs every failed attempt at ERROR; we report failures ourselves.
            logging.getLogger("instructor").addHandler(logging.NullHandler())
            logging.getLogger("instructor").propagate = False

            key = self.settings.api_key.get_secret_value() if self.settings.api_key else "none"
            self._openai = openai.AsyncOpenAI(
                base_url=self.settings.endpoint,
                api_key=key,
                max_retries=0,
                timeout=self.settings.timeout,
            )
            mode = {
                "json_schema": instructor.Mode.JSON_SCHEMA,
                "tools": instructor.Mode.TOOLS,
                "json": instructor.Mode.JSON,
                "md_json": instructor.Mode.MD_JSON,
            }[self.settings.mode]
            self._client = instructor.from_openai(self._openai, mode=mode)
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client; the next call opens a new one (e.g. in a new event loop)."""
        if self._openai is not None:
            await self._openai.close()
        self._openai = self._client = None

    async def extract(self, messages: list[Message], article: Article, prompt: Prompt) -> Answer:
        tally = _Tally()
        params = dict(prompt.params)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda exc: isinstance(exc, _Transient)),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    self._check_budget(tally)
                    parsed = await self._ask(messages, prompt, params, tally)
        except _Transient as exc:
            raise ExtractionError(
                exc.kind,
                f"{exc.message} (gave up after {tally.attempts} requests)",
                attempts=tally.attempts,
                usage=tally.usage,
            ) from None
        except ExtractionError as exc:
            exc.attempts, exc.usage = tally.attempts, tally.usage
            raise
        return Answer(claims=list(parsed.claims), usage=tally.usage, attempts=tally.attempts)

    def _check_budget(self, tally: _Tally) -> None:
        budget = self.settings.token_budget
        if budget is not None and tally.tokens >= budget:
            raise ExtractionError("token_budget", self._budget_message(tally))

    def _budget_message(self, tally: _Tally) -> str:
        return (
            f"token budget of {self.settings.token_budget} spent ({tally.tokens} tokens in "
            f"{tally.attempts} requests); raise --token-budget or shorten the article"
        )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self.settings.backoff_max)
        ceiling = self.settings.backoff_initial * 2 ** (state.attempt_number - 1)
        return random.uniform(0, min(ceiling, self.settings.backoff_max))  # full jitter

    async def _ask(
        self, messages: list[Message], prompt: Prompt, params: dict[str, Any], tally: _Tally
    ) -> Any:
        from instructor.core.exceptions import (
            IncompleteOutputException,
            InstructorRetryException,
        )
        from instructor.core.hooks import Hooks
        from instructor.v2.core.errors import TokenBudgetError

        hooks = Hooks()
        hooks.on("completion:kwargs", tally.on_request)
        hooks.on("completion:response", tally.on_response)
        budget = self.settings.token_budget
        try:
            parsed, _ = await self._instructor().create_with_completion(
                messages=messages,
                response_model=prompt.schema,
                model=self.settings.model,
                max_retries=self.settings.max_reasks,
                strict=False,
                hooks=hooks,
                token_budget=None if budget is None else max(budget - tally.tokens, 1),
                **params,
            )
            return parsed
        except TokenBudgetError:
            raise ExtractionError("token_budget", self._budget_message(tally)) from None
        except IncompleteOutputException:
            room = int(params.get("max_tokens") or 4096)
            if tally.grown or room >= MAX_TOKENS_CEILING:
                raise ExtractionError(
                    "truncated",
                    f"the model's answer was cut off at max_tokens={room} (finish_reason=length) "
                    "even after one retry with more room; raise max_tokens in the prompt file "
                    "or lower --chunk-chars",
                ) from None
            tally.grown = True
            params["max_tokens"] = min(room * 2, MAX_TOKENS_CEILING)
            raise _Transient("truncated", "answer cut off (finish_reason=length)", 0.0) from None
        except InstructorRetryException as exc:
            raise self._classify(exc.__cause__ or exc) from None
        except Exception as exc:  # the SDK's own errors when instructor does not wrap them
            raise self._classify(exc) from None

    def _classify(self, exc: BaseException) -> Exception:
        import openai
        from pydantic import ValidationError

        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status == 429 or status in (408, 409) or status >= 500:
                return _Transient(f"http_{status}", _status_message(exc), _retry_after(exc))
            hint = {
                401: "check OPENAI_API_KEY / --api-key",
                403: "the key is not allowed to use this model",
                404: "check --base-url (it usually ends in /v1) and --model",
            }.get(status, "the endpoint refused the request")
            return ExtractionError(f"http_{status}", f"{_status_message(exc)}: {hint}")
        if isinstance(exc, openai.APITimeoutError):
            return _Transient("timeout", f"no answer within {self.settings.timeout:g} s")
        if isinstance(exc, openai.APIConnectionError):
            return _Transient("connection", f"connection to {self.base_url} failed")
        if isinstance(exc, IndexError):  # instructor reading choices[0] of an empty list
            return _Transient("empty_answer", "the endpoint returned no choices")
        if isinstance(exc, ValidationError | ValueError):
            return ExtractionError(
                "invalid_output",
                f"the model's answer did not fit the schema after {self.settings.max_reasks} "
                f"re-asks: {_first_line(exc)}",
            )
        return ExtractionError(type(exc).__name__, _first_line(exc))


def _status_message(exc: Any) -> str:
    """The endpoint's own error message, never the request (which carries the API key)."""
    body = getattr(exc, "body", None)
    detail = body.get("message") if isinstance(body, dict) else None
    return f"HTTP {exc.status_code}" + (f" from endpoint: {detail}" if detail else "")


def _retry_after(exc: Any) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return float(headers[name]) * scale
        except (KeyError, TypeError, ValueError):
            continue
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
