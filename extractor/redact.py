"""Secrets never reach a file or the terminal: the API key and URL credentials are masked.

`redact_url` drops `user:pass@` and masks credential-like query parameters (`api_key`, `key`,
`token`, ...); `Redactor` masks known secrets (the API key) and every URL's credentials in any text.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

MASK = "***"
SECRET_PARAMS = frozenset(
    {
        "api_key",
        "apikey",
        "api-key",
        "key",
        "token",
        "access_token",
        "auth",
        "password",
        "secret",
        "sig",
        "signature",
        "code",
    }
)
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")


def redact_url(url: str | None) -> str | None:
    """The URL without `user:pass@` and with credential-like query values masked."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() in SECRET_PARAMS for k, _ in pairs):
            query = urlencode(
                [(k, MASK if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*"
            )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class Redactor:
    """Masks the given secrets and every URL's credentials in text (also inside JSON text)."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        found: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= 4 and secret != "none":
                found.add(secret)
                found.add(json.dumps(secret)[1:-1])  # as it appears inside a JSON string
        self.secrets = sorted(found, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if "://" in text:
            text = _URL.sub(lambda m: redact_url(m.group(0)) or "", text)
        return text


def url_secrets(url: str | None) -> list[str]:
    """The credentials a URL carries (password, secret query values), to mask elsewhere."""
    if not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found: list[str] = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rpartition("@")[0]
        # HTTP clients send user:pass as Basic auth; an endpoint may echo either form
        found += [parts.password or "", base64.b64encode(unquote(userinfo).encode()).decode()]
    found += [v for k, v in parse_qsl(parts.query) if k.lower() in SECRET_PARAMS]
    return [s for s in found if s]


_SECRET_OPTION = re.compile(r"key|token|secret|password", re.I)


def option_secrets(options: dict[str, object]) -> list[str]:
    """What a backend's options hold that must never be shown: keys, tokens, URL credentials."""
    found: list[str] = []
    for name, value in options.items():
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        if not isinstance(text, str) or not text:
            continue
        if _SECRET_OPTION.search(name):
            found.append(text)
        found += url_secrets(text) if "://" in text else []
    return found
