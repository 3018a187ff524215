"""A tiny random-weight Llama in GGUF, written in seconds, for a real llama-server in the tests.

It knows nothing: what makes its answers JSON is llama.cpp's grammar-constrained decoding of the
schema in the request, the thing under test. The tokenizer is a byte-level BPE trained on the
seeds (every byte is in the vocabulary, so any text can be encoded); the chat template is ChatML.

One embedding channel is constant for every token and no layer writes to it, so after the final
norm it carries a nearly constant value into the output projection: its column there works as a
per-token logit bias. Favouring `"` and the end token keeps grammar-constrained answers short
(strings close early, generation stops as soon as the grammar allows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import gguf
import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

END = "<|im_end|>"
SPECIAL = ["<|endoftext|>", "<|im_start|>", END]
# ChatML with tool calls in <tool_call> tags (the Qwen2.5 / Hermes form, which llama.cpp
# recognises), so `tools` requests go through llama.cpp's tool-call path as they would on a real
# chat model.
CHATML = """\
{%- if tools %}{{- '<|im_start|>system\n' }}
{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}
{%- else %}{{- 'You are a helpful assistant.' }}{%- endif %}
{{- "\n\n# Tools\n\nFunction signatures within <tools></tools> XML tags:\n<tools>" }}
{%- for tool in tools %}{{- "\n" }}{{- tool | tojson }}{%- endfor %}
{{- "\n</tools>\n\nFor each function call, return a json object within <tool_call></tool_call>" }}
{{- ' XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}' }}
{{- "\n</tool_call><|im_end|>\n" }}
{%- elif messages[0]['role'] == 'system' %}
{{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
{%- endif %}
{%- for message in messages %}
{%- if message.role == "user" or (message.role == "system" and not loop.first) %}
{{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' }}
{%- elif message.role == "assistant" %}{{- '<|im_start|>' + message.role }}
{%- if message.content %}{{- '\n' + message.content }}{%- endif %}
{%- for tool_call in message.tool_calls %}
{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}
{{- '\n<tool_call>\n{"name": "' }}{{- tool_call.name }}{{- '", "arguments": ' }}
{{- tool_call.arguments | tojson }}{{- '}\n</tool_call>' }}
{%- endfor %}{{- '<|im_end|>\n' }}
{%- elif message.role == "tool" %}
{{- '<|im_start|>user\n<tool_response>\n' + message.content + '\n</tool_response><|im_end|>\n' }}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}
"""
N_EMBD = 64
N_HEAD = 4
N_LAYER = 2
N_FF = 128
N_CTX = 16384
BIAS_CHANNEL = 0
# logit bias per token text (after the final norm the bias channel is ~sqrt(N_EMBD))
# `{` opens claims and `,` fills optional fields (else every list would be empty, every optional
# field skipped); whitespace between JSON tokens is discouraged.
DEFAULT_BIAS = {'"': 2.0, END: 2.0, "{": 1.0, ",": 0.5, " ": -2.0, "\n": -2.0, "\t": -2.0}


def train_tokenizer(texts: Iterable[str], vocab_size: int = 768) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(list(texts), trainer=trainer)
    return tok


def _vocab(tok: Tokenizer) -> tuple[list[str], list[str]]:
    spec = json.loads(tok.to_str())
    vocab: dict[str, int] = spec["model"]["vocab"]
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["model"]["merges"]]
    return tokens, merges


def write_tiny_model(
    path: Path,
    texts: Iterable[str],
    *,
    seed: int = 0,
    bias: dict[str, float] | None = None,
) -> Path:
    """Write the GGUF to `path` and return it; same texts and seed → same file."""
    tokens, merges = _vocab(train_tokenizer(texts))
    ids = {t: i for i, t in enumerate(tokens)}
    n_vocab = len(tokens)
    rng = np.random.default_rng(seed)

    def rand(*shape: int, std: float = 0.02) -> np.ndarray:
        return (rng.standard_normal(shape) * std).astype(np.float32)

    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("extractor-tests-tiny")
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)

    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")  # the same split as the ByteLevel pre-tokenizer trained above
    w.add_token_list(tokens)
    w.add_token_types(
        [gguf.TokenType.CONTROL if t in SPECIAL else gguf.TokenType.NORMAL for t in tokens]
    )
    w.add_token_merges(merges)
    w.add_bos_token_id(ids["<|endoftext|>"])
    w.add_eos_token_id(ids[END])
    w.add_eot_token_id(ids[END])
    w.add_pad_token_id(ids["<|endoftext|>"])
    w.add_add_bos_token(False)
    w.add_chat_template(CHATML)

    # The bias channel: constant in every embedding, never written by a layer.
    embd = rand(n_vocab, N_EMBD)
    embd[:, BIAS_CHANNEL] = 1.0
    w.add_tensor("token_embd.weight", embd)
    for i in range(N_LAYER):
        attn_out = rand(N_EMBD, N_EMBD)
        ffn_down = rand(N_EMBD, N_FF)
        attn_out[BIAS_CHANNEL, :] = 0.0
        ffn_down[BIAS_CHANNEL, :] = 0.0
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(N_EMBD, np.float32))
        w.add_tensor(f"blk.{i}.attn_q.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(f"blk.{i}.attn_k.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(f"blk.{i}.attn_v.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(f"blk.{i}.attn_output.weight", attn_out)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(N_EMBD, np.float32))
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(N_FF, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(N_FF, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_down.weight", ffn_down)
    w.add_tensor("output_norm.weight", np.ones(N_EMBD, np.float32))
    output = rand(n_vocab, N_EMBD, std=1.0)
    output[:, BIAS_CHANNEL] = 0.0
    for text, value in (DEFAULT_BIAS if bias is None else bias).items():
        output[ids[_byte_level(text) if text not in SPECIAL else text], BIAS_CHANNEL] = value
    w.add_tensor("output.weight", output)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _byte_level(text: str) -> str:
    """A token's text as the byte-level vocabulary spells it (`"` is itself, a space is `Ġ`)."""
    (piece,) = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False).pre_tokenize_str(
        text
    )
    return piece[0]
