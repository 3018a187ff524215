"""The test server's OpenAI Files + Batch API, driven by the real `openai` client."""

from __future__ import annotations

import json
import time

import openai
import pytest

from extractor.testing import BatchTiming, ChatRequest, FakeOpenAI, Reply, default_responder

ARTICLES = [f"Officials said {n} prisoners were released on day {n}." for n in range(1, 31)]


def _line(custom_id: str, text: str) -> dict:
    body = {
        "model": "fake",
        "messages": [{"role": "user", "content": f"<article>\n{text}\n</article>"}],
        "response_format": {"type": "json_object"},
    }
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def _upload(client: openai.OpenAI, lines: list[dict]) -> str:
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    return client.files.create(file=("in.jsonl", data), purpose="batch").id


def _wait(client: openai.OpenAI, batch_id: str, timeout: float = 20) -> openai.types.Batch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = client.batches.retrieve(batch_id)
        if batch.status in ("completed", "failed", "expired", "cancelled"):
            return batch
        time.sleep(0.02)
    raise AssertionError(f"batch {batch_id} still {batch.status}")


def _jsonl(client: openai.OpenAI, file_id: str | None) -> list[dict]:
    if file_id is None:
        return []
    return [json.loads(x) for x in client.files.content(file_id).content.splitlines()]


def _client(server: FakeOpenAI) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url, api_key="sk-test", max_retries=0)


def test_completed_batch_answers_every_request_like_a_live_call_but_out_of_order():
    with FakeOpenAI() as server:
        client = _client(server)
        lines = [_line(f"r{i}", text) for i, text in enumerate(ARTICLES)]
        file_id = _upload(client, lines)
        assert client.files.retrieve(file_id).purpose == "batch"
        batch = client.batches.create(
            input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        assert batch.status == "validating"
        done = _wait(client, batch.id)
        live = client.chat.completions.create(**lines[3]["body"])
        outputs = _jsonl(client, done.output_file_id)
    assert done.status == "completed"
    assert done.request_counts.model_dump() == {"total": 30, "completed": 30, "failed": 0}
    assert done.error_file_id is None
    ids = [o["custom_id"] for o in outputs]
    assert sorted(ids) == sorted(line["custom_id"] for line in lines)
    assert ids != [line["custom_id"] for line in lines], "output kept input order"
    by_id = {o["custom_id"]: o["response"] for o in outputs}
    assert by_id["r3"]["status_code"] == 200
    batched = by_id["r3"]["body"]["choices"][0]["message"]["content"]
    assert batched == live.choices[0].message.content
    assert "4 prisoners" in batched
    assert len(server.batch.requests) == 30 and len(server.requests) == 1


def test_failed_requests_go_to_the_error_file_and_are_counted():
    def responder(request: ChatRequest) -> Reply:
        if "day 7." in request.article or "day 9." in request.article:
            return Reply.server_error(500)
        return default_responder(request)

    with FakeOpenAI(responder) as server:
        client = _client(server)
        file_id = _upload(client, [_line(f"r{i}", t) for i, t in enumerate(ARTICLES)])
        batch = client.batches.create(
            input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        done = _wait(client, batch.id)
        outputs, errors = _jsonl(client, done.output_file_id), _jsonl(client, done.error_file_id)
    assert done.status == "completed"
    assert done.request_counts.model_dump() == {"total": 30, "completed": 28, "failed": 2}
    assert sorted(e["custom_id"] for e in errors) == ["r6", "r8"]
    assert {e["response"]["status_code"] for e in errors} == {500}
    assert len(outputs) == 28


def test_an_invalid_input_file_fails_the_batch_with_line_errors():
    with FakeOpenAI() as server:
        client = _client(server)
        bad = [_line("r0", "a 1."), _line("r0", "b 2."), {**_line("r2", "c 3."), "url": "/v1/x"}]
        batch = client.batches.create(
            input_file_id=_upload(client, bad),
            endpoint="/v1/chat/completions",
            completion_window="24h",
        )
        done = _wait(client, batch.id)
    assert done.status == "failed"
    assert [(e.code, e.line) for e in done.errors.data] == [
        ("duplicate_custom_id", 2),
        ("invalid_url", 3),
    ]
    assert done.output_file_id is None and len(server.batch.requests) == 0


def test_an_expired_batch_keeps_what_finished_and_reports_the_rest_as_expired():
    timing = BatchTiming(expire_after_requests=11)
    with FakeOpenAI(batch_timing=timing) as server:
        client = _client(server)
        lines = [_line(f"r{i}", t) for i, t in enumerate(ARTICLES)]
        batch = client.batches.create(
            input_file_id=_upload(client, lines),
            endpoint="/v1/chat/completions",
            completion_window="24h",
        )
        done = _wait(client, batch.id)
        outputs, errors = _jsonl(client, done.output_file_id), _jsonl(client, done.error_file_id)
    assert done.status == "expired" and done.expired_at is not None
    assert len(outputs) == 11
    assert {e["error"]["code"] for e in errors} == {"batch_expired"} and len(errors) == 19
    assert sorted(o["custom_id"] for o in outputs + errors) == sorted(x["custom_id"] for x in lines)


def test_a_batch_past_its_time_limit_expires_by_the_clock():
    with FakeOpenAI(batch_timing=BatchTiming(validating=0.05, expire_after=0.01)) as server:
        client = _client(server)
        lines = [_line(f"r{i}", t) for i, t in enumerate(ARTICLES[:5])]
        batch = client.batches.create(
            input_file_id=_upload(client, lines),
            endpoint="/v1/chat/completions",
            completion_window="24h",
        )
        done = _wait(client, batch.id)
        errors = _jsonl(client, done.error_file_id)
    assert done.status == "expired" and done.request_counts.completed == 0
    assert [e["error"]["code"] for e in errors] == ["batch_expired"] * 5


def test_cancel_moves_through_cancelling_to_cancelled_with_partial_output():
    with FakeOpenAI(batch_timing=BatchTiming(per_request=0.02)) as server:
        client = _client(server)
        batch = client.batches.create(
            input_file_id=_upload(client, [_line(f"r{i}", t) for i, t in enumerate(ARTICLES)]),
            endpoint="/v1/chat/completions",
            completion_window="24h",
        )
        while client.batches.retrieve(batch.id).status != "in_progress":
            time.sleep(0.01)
        time.sleep(0.1)
        assert client.batches.cancel(batch.id).status == "cancelling"
        done = _wait(client, batch.id)
        with pytest.raises(openai.ConflictError):
            client.batches.cancel(batch.id)
        outputs, errors = _jsonl(client, done.output_file_id), _jsonl(client, done.error_file_id)
    assert done.status == "cancelled" and done.cancelling_at is not None
    assert 0 < len(outputs) < 30
    assert len(outputs) + len(errors) == 30
    assert {e["error"]["code"] for e in errors} == {"batch_cancelled"}


def test_files_endpoint_rejects_another_purpose_and_unknown_ids():
    with FakeOpenAI() as server:
        client = _client(server)
        with pytest.raises(openai.BadRequestError, match="purpose"):
            client.files.create(file=("x.jsonl", b"{}\n"), purpose="fine-tune")
        with pytest.raises(openai.NotFoundError):
            client.batches.retrieve("batch-nope")
        with pytest.raises(openai.BadRequestError, match="completion_window"):
            client.post(
                "/batches",
                body={"input_file_id": "x", "endpoint": "/v1/chat/completions"},
                cast_to=dict,
            )
