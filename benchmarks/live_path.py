"""The live path on one machine: `extractor run` against a bare openai SDK loop, same endpoint.

The endpoint is written here from the standard library alone, knowing nothing of this project
(`http.server.ThreadingHTTPServer`): 250 ms per request, at most 64 served at once, and as its
answer a JSON object with up to five sentences of the last message that carry a digit, each
as a claim whose statement and quote are that sentence. It runs in its own process.

Every contender is a whole process, timed from its start to its exit (start-up included), on
the same 2,000 articles with 32 requests in flight, in one run, twice in the order A B C C B A
(the mean of the two is reported, so a drift in the machine's speed cancels). Each row also
gives the client's CPU per article (user + system time of its process): on two shared cores
the endpoint gets what the client leaves.

1. a bare `openai` SDK async loop: `chat.completions.create` with our messages and JSON schema,
   `json.loads` of each answer, nothing written (the floor a client without features pays);
2. `extractor run` as shipped (`--no-cache`, so every article is a request);
3. `extractor run` with the SDK's httpx transport (`EXTRACTOR_HTTP_CLIENT=httpx`).

    python benchmarks/live_path.py [--articles 2000]   # -> benchmarks/results/live_path.json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from common import ROOT, cli_env, free_port, timed, write_jsonl

LATENCY, CAPACITY, CONCURRENCY = 0.25, 64, 32
RESULTS = ROOT / "benchmarks" / "results"

BARE_LOOP = """
import asyncio, json, sys
import openai
from extractor.templates import load_prompt

async def main(url, path, concurrency):
    prompt = load_prompt("claims")
    schema = prompt.schema.model_json_schema()
    response_format = {"type": "json_schema",
                       "json_schema": {"name": prompt.schema.__name__, "schema": schema}}
    client = openai.AsyncOpenAI(base_url=url, api_key="sk-bench", max_retries=0)
    gate = asyncio.Semaphore(concurrency)
    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8")]

    async def one(text):
        async with gate:
            reply = await client.chat.completions.create(
                model="bench", messages=prompt.render(text), response_format=response_format,
                **prompt.params)
            return json.loads(reply.choices[0].message.content)

    answers = await asyncio.gather(*(one(t) for t in texts))
    assert len(answers) == len(texts)
    await client.close()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def serve(port: int) -> None:
    """The independent endpoint, in this process (run with --serve PORT)."""
    import re

    gate = threading.BoundedSemaphore(CAPACITY)
    numbered = re.compile(r"[^.!?\n]*\d[^.!?\n]*[.!?]")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            last = body["messages"][-1]["content"]
            sentences = [m.group(0).strip() for m in numbered.finditer(last)][:5]
            claims = [
                {
                    "statement": s,
                    "subject": "someone",
                    "source": {"name": "the article", "kind": "unattributed"},
                    "evidence": {"quote": s},
                }
                for s in sentences
            ]
            content = json.dumps({"claims": claims})
            with gate:
                time.sleep(LATENCY)
            reply = json.dumps(
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content},
                        }
                    ],
                    "usage": {
                        "prompt_tokens": len(last) // 4,
                        "completion_tokens": len(content) // 4,
                        "total_tokens": (len(last) + len(content)) // 4,
                    },
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("serving", flush=True)
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, alternating")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    server.stdout.readline()
    url = f"http://127.0.0.1:{port}/v1"
    ideal = min(CONCURRENCY, CAPACITY) / LATENCY
    rows: dict[str, dict[str, object]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            source = write_jsonl(tmp / "in.jsonl", args.articles)
            env = cli_env(url, tmp / "cache")
            run = [
                sys.executable,
                "-m",
                "extractor.cli",
                "run",
                str(source),
                "--no-cache",
                "-q",
                "--concurrency",
                str(CONCURRENCY),
            ]
            contenders = {
                "bare_sdk": (
                    [sys.executable, "-c", BARE_LOOP, url, str(source), str(CONCURRENCY)],
                    env,
                ),
                "extractor_run": (run, env),
                "extractor_run_httpx": (run, {**env, "EXTRACTOR_HTTP_CLIENT": "httpx"}),
            }
            warm = write_jsonl(tmp / "warm.jsonl", 40)  # the OS caches the modules first
            timed([sys.executable, "-c", BARE_LOOP, url, str(warm), str(CONCURRENCY)], env)
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
            outputs: list[Path] = []
            order = [*contenders, *reversed(contenders)] * (args.rounds // 2)
            for name in order[: len(contenders) * args.rounds]:  # A B C C B A: drift cancels
                command, environment = contenders[name]
                if command is run:  # a new output each time, or the second run resumes the first
                    outputs.append(tmp / f"out{len(outputs)}.jsonl")
                    command = [*run, "-o", str(outputs[-1])]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                seconds = timed(command, environment)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                runs[name].append((seconds, cpu))
                print(name, f"{args.articles / seconds:.1f}/s", flush=True)
            for output in outputs:
                lines = output.read_text(encoding="utf-8").splitlines()
                assert len(lines) == args.articles
                assert all(json.loads(line)["status"] == "ok" for line in lines)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for name, timings in runs.items():
        seconds = sum(t for t, _ in timings) / len(timings)
        cpu = sum(c for _, c in timings) / len(timings)
        rate = args.articles / seconds
        rows[name] = {
            "seconds": round(seconds, 2),
            "runs_articles_per_s": [round(args.articles / t, 1) for t, _ in timings],
            "articles_per_s": round(rate, 1),
            "share_of_ideal": round(rate / ideal, 3),
            "client_cpu_ms_per_article": round(cpu / args.articles * 1000, 2),
        }
    bare = rows["bare_sdk"]
    result = {
        "articles": args.articles,
        "concurrency": CONCURRENCY,
        "rounds": args.rounds,
        "ideal_per_s": ideal,
        **rows,
        "ratio_to_bare_sdk": round(
            rows["extractor_run"]["articles_per_s"] / bare["articles_per_s"], 3
        ),
        "ratio_to_bare_sdk_httpx": round(
            rows["extractor_run_httpx"]["articles_per_s"] / bare["articles_per_s"], 3
        ),
        "cpu_ratio_to_bare_sdk": round(
            rows["extractor_run"]["client_cpu_ms_per_article"] / bare["client_cpu_ms_per_article"],
            3,
        ),
    }
    print(json.dumps(result))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "live_path.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
