"""The grammar engines real servers use, for tests of the schema we send.

- `compile_llguidance`: llguidance, vLLM's "guidance" backend and llama.cpp's optional one.
- `compile_xgrammar`: xgrammar, vLLM's and SGLang's default backend (the `grammars` extra).
- `compile_llamacpp`: llama.cpp's own JSON-schema converter, as a running llama-server applies it.
- `random_instances`: random instances of a schema, sampled token by token through llguidance's
  grammar for that schema (what a constrained server does with a model that knows nothing), so
  they come from the schema alone, never from the pydantic model.

Each `compile_*` raises `GrammarError` when the engine rejects the schema or warns that it
ignores part of it (an ignored constraint is one the server will not enforce).
"""

from __future__ import annotations

import functools
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
from llama.tiny_model import END, train_tokenizer
from tokenizers import Tokenizer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LLAMACPP_INCOMPLETE = "conversion was incomplete"
MAX_TOKENS = 1500  # per instance; a longer draw is dropped and drawn again


class GrammarError(Exception):
    """The engine cannot compile the schema, or would not enforce all of it."""


@functools.cache
def seed_tokenizer() -> Tokenizer:
    """The tiny model's tokenizer: byte-level BPE trained on the seeds."""
    return train_tokenizer(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def compile_llguidance(schema: dict[str, Any]) -> None:
    import llguidance

    grammar = llguidance.LLMatcher.grammar_from_json_schema(schema)
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(grammar)
    if is_error or messages:
        raise GrammarError(f"llguidance: {'; '.join(messages)}")


@functools.cache
def _xgrammar_compiler() -> Any:
    import xgrammar

    tok = seed_tokenizer()
    vocab = [tok.id_to_token(i) for i in range(tok.get_vocab_size())]
    info = xgrammar.TokenizerInfo(
        vocab,
        vocab_type=xgrammar.VocabType.BYTE_LEVEL,
        stop_token_ids=[tok.token_to_id(END)],
    )
    return xgrammar.GrammarCompiler(info, cache_enabled=False)


def compile_xgrammar(schema: dict[str, Any]) -> None:
    """Compile against a real byte-level vocabulary, as vLLM does (strict JSON formatting off)."""
    try:
        _xgrammar_compiler().compile_json_schema(json.dumps(schema), any_whitespace=True)
    except Exception as exc:  # xgrammar raises RuntimeError / ValueError subclasses from C++
        raise GrammarError(f"xgrammar: {exc}") from exc


def compile_llamacpp(schema: dict[str, Any], base_url: str, log: Path) -> None:
    """Have a running llama-server convert `schema` (a zero-token completion) and read its log."""
    before = log.read_text(errors="replace") if log.exists() else ""
    body = json.dumps({"prompt": "x", "n_predict": 0, "json_schema": schema}).encode()
    req = urllib.request.Request(
        f"{base_url}/completion", body, {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        raise GrammarError(f"llama.cpp: HTTP {exc.code}: {exc.read()[:300]!r}") from exc
    new = log.read_text(errors="replace")[len(before) :]
    bad = [line for line in new.splitlines() if LLAMACPP_INCOMPLETE in line]
    if bad:
        raise GrammarError(f"llama.cpp: {bad[0].strip()}")


def random_instances(schema: dict[str, Any], n: int, seed: int) -> list[Any]:
    """`n` random JSON instances of `schema`, sampled through llguidance's grammar for it.

    Each instance draws how eager it is to close strings, lists and objects, so the set mixes
    empty lists, one-character strings and long ones; tokens come from the seeds' vocabulary
    (every byte is in it). Same schema, n and seed → same instances.
    """
    import llguidance

    tok = seed_tokenizer()
    eos = tok.token_to_id(END)
    ll_tok = llguidance.LLTokenizer(tok.to_str(), eos_token=eos)
    n_vocab = ll_tok.vocab_size
    pieces = [ll_tok.decode_bytes([i]) for i in range(n_vocab)]
    closers = np.array([any(c in p for c in b'"]},') for p in pieces])
    enders = np.array([any(c in p for c in b"]}") for p in pieces])
    grammar = llguidance.LLMatcher.grammar_from_json_schema(
        schema, defaults={"whitespace_flexible": False}
    )
    rng = np.random.default_rng(seed)
    out: list[Any] = []
    while len(out) < n:
        p_close = float(rng.choice([0.05, 0.15, 0.3, 0.6]))
        text = _sample_one(
            llguidance.LLMatcher(ll_tok, grammar), rng, pieces, (closers, enders), p_close, eos
        )
        if text is not None:
            out.append(json.loads(text))
    return out


def _sample_one(
    matcher: Any,
    rng: np.random.Generator,
    pieces: list[bytes],
    classes: tuple[np.ndarray, np.ndarray],
    p_close: float,
    eos: int,
) -> str | None:
    closers, enders = classes
    if matcher.is_error():
        raise GrammarError(f"llguidance: {matcher.get_error()}")
    tokens: list[int] = []
    for _ in range(MAX_TOKENS):
        allowed = np.frombuffer(matcher.compute_logit_bias(), dtype=np.uint8) > 0
        if allowed[eos] and matcher.is_accepting():
            break
        weights = _weights(allowed, closers, enders, p_close)
        cumulative = np.cumsum(weights)
        choice = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
        if not matcher.consume_token(choice):
            raise GrammarError(f"llguidance: {matcher.get_error()}")
        tokens.append(choice)
    else:
        return None  # ran too long: draw again
    return bytes(b"".join(pieces[t] for t in tokens)).decode("utf-8")


def _weights(
    allowed: np.ndarray, closers: np.ndarray, enders: np.ndarray, p_close: float
) -> np.ndarray:
    """Token weights where closing (a string, a list, an object) has probability ~`p_close`."""
    weights = allowed.astype(np.float64)
    close = allowed & closers
    if not (allowed & ~closers).any():  # only closers: a `"` opens a key, `]`/`}` ends
        close = allowed & enders
    other = allowed & ~close
    if close.any() and other.any():
        weights[close] *= p_close / (1 - p_close) * other.sum() / close.sum()
    return weights
