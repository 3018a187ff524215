"""Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp, Ollama, LM Studio).

Only the transport lives here: the openai SDK posts the body `extractor.contract` built, with the
SDK's own hidden retries off so every request is counted; validation, salvage, re-asks and the
request budget are `StructuredLLM`'s. The backend's own settings (endpoint, key, mode, strict,
timeout) are `OpenAIOptions`, read from `settings.options` and the `OPENAI_*` variables.
The openai SDK is imported on first use only: importing it costs ~1.5 s.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ..contract import Mode
from ..errors import ConfigError, validation_problems
from ..redact import Redactor, option_secrets, redact_url
from ..settings import Settings
from .base import Identity
from .llm import RequestFailed, StructuredLLM

OPENAI_BASE_URL = "https://api.openai.com/v1"
ENV = {
    "base_url": "OPENAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "http_client": "EXTRACTOR_HTTP_CLIENT",
}
#: hosts known to accept `strict: true` structured outputs (on by default there)
STRICT_HOSTS = frozenset({"api.openai.com"})


class OpenAIOptions(BaseModel):
    """The OpenAI-compatible backend's settings (flags, then OPENAI_* variables, then defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str | None = Field(default=None, description="Endpoint URL, e.g. .../v1.")
    api_key: SecretStr | None = Field(default=None, repr=False)
    mode: Mode = "json_schema"
    strict: bool | None = Field(
        default=None, description="strict: true structured outputs; default on for OpenAI."
    )
    timeout: float = Field(default=120.0, gt=0, description="Seconds per HTTP request.")
    http_client: Literal["aiohttp", "httpx"] | None = Field(
        default=None,
        description="The SDK's HTTP transport; default aiohttp when installed (less CPU per "
        "request, benchmarks/README.md), else httpx.",
    )

    @classmethod
    def read(
        cls, options: Mapping[str, Any], env: Mapping[str, str] | None = None
    ) -> OpenAIOptions:
        values: dict[str, Any] = dict(OpenAICompatBackend.options_from_env(env))
        values.update({k: v for k, v in options.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = validation_problems(exc, "options")
            raise ConfigError(f"invalid openai backend options: {problems}") from None

    @property
    def endpoint(self) -> str:
        return (self.base_url or OPENAI_BASE_URL).rstrip("/")

    @property
    def strict_on(self) -> bool:
        if self.strict is not None:
            return self.strict
        return urlsplit(self.endpoint).hostname in STRICT_HOSTS


class OpenAICompatBackend(StructuredLLM):
    """The `openai` backend."""

    def __init__(self, settings: Settings, options: OpenAIOptions) -> None:
        assert settings.model is not None
        super().__init__(
            settings, model=settings.model, mode=options.mode, strict=options.strict_on
        )
        self.options = options
        self.identity = Identity(base_url=options.endpoint, mode=options.mode)
        self._openai: Any = None

    @classmethod
    def create(cls, settings: Settings) -> OpenAICompatBackend:
        options = OpenAIOptions.read(settings.options)
        if not (options.base_url or options.api_key):
            raise ConfigError(
                f"model {settings.model!r} needs an endpoint: set OPENAI_BASE_URL (or "
                "--base-url) for a local server, OPENAI_API_KEY for OpenAI, or use --model rules"
            )
        if settings.model is None:
            raise ConfigError("the openai backend needs a model: pass --model NAME")
        if not options.endpoint.lower().startswith(("http://", "https://")):
            shown = redact_url(options.endpoint)
            raise ConfigError(
                f"--base-url {shown} has no scheme: write http://{shown} (or https://)"
            )
        return cls(settings, options)

    @classmethod
    def options_from_env(cls, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The options the OPENAI_* variables set."""
        env = os.environ if env is None else env
        return {k: env[v] for k, v in ENV.items() if env.get(v, "").strip()}

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        options = OpenAIOptions.read(settings.options)
        return bool(options.base_url or options.api_key)

    def _client(self) -> Any:
        if self._openai is None:
            import openai

            key = self.options.api_key.get_secret_value() if self.options.api_key else "none"
            # a query in the URL (?api-version=..., ?api_key=...) goes on every request, not
            # into the path the SDK appends /chat/completions to
            parts = urlsplit(self.options.endpoint)
            self._openai = openai.AsyncOpenAI(
                http_client=self._http_client(openai),
                base_url=urlunsplit(parts._replace(query="")),
                default_query=dict(parse_qsl(parts.query)) or None,
                api_key=key,
                max_retries=0,
                timeout=self.options.timeout,
            )
        return self._openai

    def _http_client(self, openai: Any) -> Any:
        """The SDK's aiohttp transport unless httpx is asked for or aiohttp is missing."""
        if self.options.http_client == "httpx":
            return None  # the SDK's own httpx client
        try:
            return openai.DefaultAioHttpClient()
        except (AttributeError, RuntimeError):  # an SDK before 1.93, or no aiohttp extra
            if self.options.http_client == "aiohttp":
                raise ConfigError(
                    "EXTRACTOR_HTTP_CLIENT=aiohttp needs the SDK's aiohttp transport: "
                    "pip install 'openai[aiohttp]>=1.93' (or set it to httpx)"
                ) from None
            return None

    async def aclose(self) -> None:
        """Close the HTTP client; the next call opens a new one (e.g. in a new event loop)."""
        if self._openai is not None:
            await self._openai.close()
        self._openai = None

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        client = self._client()
        try:
            # `post` sends the body as built; `chat.completions.create` would first walk every
            # parameter (the whole JSON schema) through its TypedDict transforms. `str`: the
            # body as text, whatever its content type, so we say what came back.
            text = await client.post("/chat/completions", body=body, cast_to=str)
        except Exception as exc:
            raise self._classify(exc) from None
        return self._completion(text)

    def _completion(self, text: str) -> dict[str, Any]:
        if text.lstrip()[:1] == "<":
            raise RequestFailed(
                "not_openai",
                "not an OpenAI-compatible endpoint (got text/html from "
                f"{self._redact(self.options.endpoint)}/chat/completions): check --base-url "
                "(it usually ends in /v1)",
                transient=False,
            )
        try:
            completion = json.loads(text)
        except ValueError:
            raise RequestFailed(
                "bad_response", "the endpoint's answer is not valid JSON", transient=True
            ) from None
        if not isinstance(completion, dict):
            raise RequestFailed(
                "not_openai", "the endpoint's response is not a chat completion", transient=False
            )
        return completion

    def _classify(self, exc: BaseException) -> RequestFailed:
        """A failed request, transient (retried) or not, with its record error type.

        Error types: `http_<status>`; `timeout`; `connection` (dropped, retried);
        `connection_refused` and `dns` (nothing listens there: not retried); `bad_url`;
        `not_openai` (an HTML page: the URL is not an OpenAI-compatible API); `bad_response`
        (a body that is not JSON, retried). The API key is masked in every message.
        """
        import openai

        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            message = self._redact(_status_message(exc))
            if (
                status == 429
                or status in (408, 409)
                or (status >= 500 and status not in (501, 505))
            ):
                return RequestFailed(
                    f"http_{status}", message, transient=True, retry_after=_retry_after(exc)
                )
            return RequestFailed(
                f"http_{status}", f"{message}: {_status_hint(status)}", transient=False
            )
        if isinstance(exc, openai.APIConnectionError):  # a timeout is one too
            # the cause first: the aiohttp transport reports a refused connection as a timeout
            if found := _unreachable(exc, self._redact(self.options.endpoint)):
                return found
            if isinstance(exc, openai.APITimeoutError):
                return RequestFailed(
                    "timeout", f"no answer within {self.options.timeout:g} s", transient=True
                )
            return RequestFailed(
                "connection",
                f"connection to {self._redact(self.options.endpoint)} failed",
                transient=True,
            )
        return RequestFailed(type(exc).__name__, self._redact(_first_line(exc)), transient=False)

    def _redact(self, text: str) -> str:
        return Redactor(option_secrets(self.settings.options))(text)


def _status_hint(status: int) -> str:
    return {
        401: "check OPENAI_API_KEY / --api-key",
        403: "the key is not allowed to use this model: check OPENAI_API_KEY / --api-key",
        404: "check --base-url (it usually ends in /v1) and --model",
        501: "the endpoint does not implement /chat/completions: check --base-url",
    }.get(status, "the endpoint refused the request")


def _unreachable(exc: BaseException, endpoint: str) -> RequestFailed | None:
    """Refused, unknown host or no scheme, anywhere in the causes: the configuration is wrong."""
    import socket

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return RequestFailed(
                "connection_refused",
                f"connection to {endpoint} refused: is the server running? check --base-url",
                transient=False,
            )
        if isinstance(cause, socket.gaierror):
            return RequestFailed(
                "dns",
                f"unknown host in {endpoint}: check --base-url (DNS lookup failed)",
                transient=False,
            )
        if type(cause).__name__ == "UnsupportedProtocol":
            return RequestFailed(
                "bad_url",
                f"--base-url {endpoint} has no http:// or https:// scheme",
                transient=False,
            )
        cause = cause.__cause__ or cause.__context__
    return None


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
