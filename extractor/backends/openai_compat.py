"""Any OpenAI-compatible chat-completions endpoint, through instructor + the openai SDK.

Two retry layers, each bounded:
- transport: 429 (honouring Retry-After), 408/409/5xx, dropped connections and timeouts are
  retried here with exponential backoff and jitter (tenacity), up to `max_attempts` requests;
  the SDK's own hidden retries are switched off so every request is counted;
- content: a reply that fails JSON parsing or schema validation is re-asked with the validation
  error (instructor's re-ask messages for the mode), up to `max_reasks` times; a reply cut off by
  `finish_reason=length` is asked once more with twice the room.
Every request is counted, and tokens are summed over all of them.
The openai SDK and instructor are imported on first use only: importing them costs ~1 s.
"""

from __future__ import annotations

import random
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from ..articles import Article
from ..errors import ExtractionError
from ..prompt import Message, Prompt
from ..redact import Redactor, url_secrets
from ..schemas import Usage
from ..settings import Settings
from .base import Answer

MAX_TOKENS_CEILING = 32_768


class _Transient(Exception):
    """A failed request worth repeating; carries the server's Retry-After, if any."""

    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after


class _Tally:
    """Requests and tokens of one article, over transport retries and re-asks."""

    def __init__(self) -> None:
        self.attempts = 0
        self.usage = Usage()
        self.grown = False  # max_tokens already raised once after a truncated answer

    def add(self, response: Any) -> None:
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
    identity = None

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_url: str | None = settings.endpoint
        self._openai: Any = None
        self._handlers: Any = None
        self._completion_type: Any = None
        self._response_models: dict[type, Any] = {}

    def _client(self) -> Any:
        """The openai client (no hidden SDK retries) and instructor's handlers for our mode."""
        if self._openai is None:
            import openai
            from instructor.v2.core.mode import Mode
            from instructor.v2.core.providers import Provider
            from instructor.v2.core.registry import mode_registry
            from instructor.v2.providers.openai import handlers  # noqa: F401  (registers them)
            from openai.types.chat import ChatCompletion

            key = self.settings.api_key.get_secret_value() if self.settings.api_key else "none"
            self._openai = openai.AsyncOpenAI(
                base_url=self.settings.endpoint,
                api_key=key,
                max_retries=0,
                timeout=self.settings.timeout,
            )
            mode = {
                "json_schema": Mode.JSON_SCHEMA,
                "tools": Mode.TOOLS,
                "json": Mode.JSON,
                "md_json": Mode.MD_JSON,
            }[self.settings.mode]
            self._handlers = mode_registry.get_handlers(Provider.OPENAI, mode)
            self._completion_type = ChatCompletion
        return self._openai

    async def aclose(self) -> None:
        """Close the HTTP client; the next call opens a new one (e.g. in a new event loop)."""
        if self._openai is not None:
            await self._openai.close()
        self._openai = None

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

    def _response_model(self, schema: type) -> Any:
        """The schema wrapped as instructor's ResponseSchema once, not on every request."""
        if schema not in self._response_models:
            from instructor.v2.core.function_calls import response_schema
            from instructor.v2.validation.async_validators import reject_async_validators

            reject_async_validators(schema)
            self._response_models[schema] = response_schema(schema)
        return self._response_models[schema]

    def _check_budget(self, tally: _Tally) -> None:
        budget = self.settings.token_budget
        if budget is not None and tally.tokens >= budget:
            raise ExtractionError(
                "token_budget",
                f"token budget of {budget} spent ({tally.tokens} tokens in {tally.attempts} "
                "requests); raise --token-budget or shorten the article",
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
        """One request plus up to `max_reasks` re-asks, built and parsed by instructor's handlers.

        We drive instructor's mode handlers (request, parse, re-ask) ourselves instead of going
        through `create_with_completion`: the same wire format and the same re-ask messages,
        without the ~9 ms of per-request bookkeeping that capped throughput (benchmarks/README.md).
        """
        from instructor.v2.core.errors import IncompleteOutputException
        from pydantic import ValidationError

        client = self._client()
        model = self._response_model(prompt.schema)
        _, kwargs = self._handlers.request_handler(
            model, {"messages": messages, "model": self.settings.model, **params}
        )
        for reask in range(self.settings.max_reasks + 1):
            self._check_budget(tally)
            tally.attempts += 1
            try:
                # `post` sends the body as built; `chat.completions.create` would first walk
                # every parameter (our whole JSON schema) through its TypedDict transforms.
                completion = await client.post(
                    "/chat/completions", body=kwargs, cast_to=self._completion_type
                )
                _expect_completion(completion)
            except Exception as exc:
                raise self._classify(exc) from None
            tally.add(completion)
            if not getattr(completion, "choices", None):
                raise _Transient("empty_answer", "the endpoint returned no choices")
            try:
                return self._handlers.response_parser(
                    response=completion,
                    response_model=model,
                    validation_context=None,
                    strict=False,
                    stream=False,
                )
            except IncompleteOutputException:
                raise self._truncated(params, tally) from None
            except (ValidationError, ValueError) as exc:
                if reask == self.settings.max_reasks:
                    raise ExtractionError(
                        "invalid_output",
                        f"the model's answer did not fit the schema after {reask} re-asks: "
                        f"{_validation_summary(exc)}",
                    ) from None
                kwargs = self._handlers.reask_handler(
                    kwargs=kwargs, response=completion, exception=exc
                )
        raise AssertionError("unreachable")

    def _truncated(self, params: dict[str, Any], tally: _Tally) -> Exception:
        """finish_reason=length: once more with twice the room, then a clear error."""
        room = int(params.get("max_tokens") or 4096)
        if tally.grown or room >= MAX_TOKENS_CEILING:
            return ExtractionError(
                "truncated",
                f"the model's answer was cut off at max_tokens={room} (finish_reason=length) "
                "even after one retry with more room; raise max_tokens in the prompt file "
                "or lower --chunk-chars",
            )
        tally.grown = True
        params["max_tokens"] = min(room * 2, MAX_TOKENS_CEILING)
        return _Transient("truncated", "answer cut off (finish_reason=length)", 0.0)

    def _classify(self, exc: BaseException) -> Exception:
        """A failed request as a retryable `_Transient` or a final `ExtractionError`.

        Error types (the `error.type` of a record): `http_<status>`; `timeout`; `connection`
        (dropped, retried); `connection_refused` and `dns` (nothing listens there: not retried);
        `bad_url` (no http:// or https://); `not_openai` (a 200 that is not JSON, e.g. an HTML
        page: the URL is not an OpenAI-compatible API); `bad_response` (a body that claims JSON
        but does not parse, retried). The API key is masked in every message.
        """
        import openai

        redact = self._redact()
        if isinstance(exc, _NotOpenAI):
            return ExtractionError(
                "not_openai",
                f"not an OpenAI-compatible endpoint (got {exc.kind} from {redact(self.endpoint)}"
                "/chat/completions); check --base-url (it usually ends in /v1)",
            )
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            message = redact(_status_message(exc))
            if (
                status == 429
                or status in (408, 409)
                or (status >= 500 and status not in (501, 505))
            ):
                return _Transient(f"http_{status}", message, _retry_after(exc))
            return ExtractionError(f"http_{status}", f"{message}: {_status_hint(status)}")
        if isinstance(exc, openai.APITimeoutError):
            return _Transient("timeout", f"no answer within {self.settings.timeout:g} s")
        if isinstance(exc, openai.APIConnectionError):
            return _connection_error(exc, redact(self.endpoint))
        if isinstance(exc, ValueError):  # json.JSONDecodeError: a body that claims JSON
            return _Transient(
                "bad_response", f"the endpoint's answer is not valid JSON: {_first_line(exc)}"
            )
        return ExtractionError(type(exc).__name__, redact(_first_line(exc)))

    @property
    def endpoint(self) -> str:
        return self.settings.endpoint

    def _redact(self) -> Redactor:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        return Redactor([key, *url_secrets(self.settings.base_url)])


class _NotOpenAI(Exception):
    """A 200 answer the SDK could not read as JSON (it returns the body as text)."""

    def __init__(self, body: str) -> None:
        head = body.lstrip()[:200].lower()
        self.kind = (
            "text/html"
            if head.startswith(("<!doctype html", "<html", "<"))
            else ("a body that is not JSON")
        )
        super().__init__(self.kind)


def _expect_completion(completion: Any) -> None:
    if isinstance(completion, str | bytes):
        raise _NotOpenAI(completion if isinstance(completion, str) else completion.decode())


def _status_hint(status: int) -> str:
    return {
        401: "check OPENAI_API_KEY / --api-key",
        403: "the key is not allowed to use this model: check OPENAI_API_KEY / --api-key",
        404: "check --base-url (it usually ends in /v1) and --model",
        501: "the endpoint does not implement /chat/completions: check --base-url",
    }.get(status, "the endpoint refused the request")


def _connection_error(exc: BaseException, endpoint: str) -> Exception:
    """Refused or unknown host: the configuration is wrong, not retried; else a retryable drop."""
    import socket

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return ExtractionError(
                "connection_refused",
                f"connection to {endpoint} refused: is the server running? check --base-url",
            )
        if isinstance(cause, socket.gaierror):
            return ExtractionError(
                "dns", f"unknown host in {endpoint}: check --base-url (DNS lookup failed)"
            )
        if type(cause).__name__ == "UnsupportedProtocol":
            return ExtractionError(
                "bad_url", f"--base-url {endpoint} has no http:// or https:// scheme"
            )
        cause = cause.__cause__ or cause.__context__
    return _Transient("connection", f"connection to {endpoint} failed")


def _status_message(exc: Any) -> str:
    """The endpoint's own error message, never the request (which carries the API key)."""
    body = getattr(exc, "body", None)
    detail = body.get("message") if isinstance(body, dict) else None
    return f"HTTP {exc.status_code}" + (f" from endpoint: {detail}" if detail else "")


def _validation_summary(exc: BaseException) -> str:
    """'claims.0.evidence: Field required; ...' for a pydantic error, else its first line."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return _first_line(exc)
    try:
        items = errors()
    except Exception:
        return _first_line(exc)
    parts = [
        f"{'.'.join(map(str, e.get('loc', ()))) or 'answer'}: {e.get('msg', '')}" for e in items[:3]
    ]
    more = f" (and {len(items) - 3} more)" if len(items) > 3 else ""
    return ("; ".join(parts) + more)[:500] if parts else _first_line(exc)


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
