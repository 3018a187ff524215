"""The claims ledger at archive scale: generated articles' quantity claims, time and peak memory.

Each size runs in a fresh process (so peak RSS is that size's own). The claims are generated on
the fly and fed to `build_ledger` as a stream, the way a large run file is read: what stays in
memory is the ledger's compact per-claim items and the groups it returns. Beyond 20,000 claims
the ledger reads claims, clusters its blocks and judges its groups in forked worker processes
(one a CPU): `ledger_cpu_s` is this process's CPU, `workers_cpu_s` theirs, `workers_peak_rss_mb`
the largest worker's peak RSS (which counts the pages it shares with this process), and
`machine_peak_mb` the machine's memory in use at its peak above the level at the start, sampled
by another process (shared pages counted once; other processes on the machine add noise).

Stories: one per ~20 articles, each a (country, measure, day) with a base figure; an article
reports 5 figures about its story or its country: the dated event count (announced or verified,
sometimes dated by the verification), an undated mention, a part (one prison), a running total
and a still-held stock, each with a random qualifier and source, statements drawn from a
vocabulary so topic words vary.

    python benchmarks/ledger_scale.py                    # 1k, 10k, 30k, 100k articles
    python benchmarks/ledger_scale.py --sizes 1000 --json out.json
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "protest",
    "election",
    "opposition",
    "court",
    "judge",
    "family",
    "lawyer",
    "union",
    "student",
    "march",
    "capital",
]
MEASURES = [("released", "people released"), ("killed", "deaths"), ("arrested", "people arrested")]
QUALIFIERS = ["exact", "exact", "exact", "at_least", "more_than", "about", "nearly"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


def articles(n: int, seed: int = 7) -> Iterator[object]:
    from extractor.schemas import ArticleResult, Claim

    rng = random.Random(seed)
    countries = _country_names(max(10, n // 200), rng)
    stories = [
        (rng.choice(countries), *rng.choice(MEASURES), rng.randrange(12), rng.randrange(1, 29),
         rng.randrange(20, 3000))
        for _ in range(max(1, n // 20))
    ]  # fmt: skip

    def claim(statement: str, value: float, unit: str, kind: str, time_text: str | None,
              location: str | None) -> Claim:  # fmt: skip
        qualifier = rng.choice(QUALIFIERS)
        return Claim.model_construct(
            statement=statement,
            subject="authorities",
            quantity=_quantity(value, qualifier, unit),
            time_text=time_text,
            date=None,
            location=location,
            source=_source(kind),
            disputed=False,
            evidence=_evidence(statement),
        )

    for a in range(n):
        country, measure, unit, month, day, base = rng.choice(stories)
        topic = " ".join(rng.sample(WORDS, 4))
        when = f"{MONTHS[month]} {day}"
        verb = {"released": "released", "killed": "killed", "arrested": "arrested"}[measure]
        figure = round(base * rng.uniform(0.6, 1.05))
        claims = [
            claim(f"On {when}, authorities in {country} {verb} {figure} people after the {topic}.",
                  figure, unit, rng.choice(["government", "ngo", "media"]), when, country),
            claim(f"The group said it verified {round(figure * 0.7)} of them after the {topic}.",
                  round(figure * 0.7), unit + " verified", "ngo", None, None),
            claim(f"{round(figure * 0.3)} of them were {verb} at {country} Central prison, {when}.",
                  round(figure * 0.3), unit, "media", when, f"{country} Central prison"),
            claim(f"In total {base * 9} people have been {verb} in {country} since the {topic}.",
                  base * 9, unit, "ngo", "since the protests", country),
            claim(f"More than {base * 4} political prisoners remain in jail in {country}.",
                  base * 4, "political prisoners still held", "ngo", None, country),
        ]  # fmt: skip
        # every field given: a default_factory would cost pydantic an inspect.signature call
        # per record, whose cyclic garbage piles up while build_ledger has the GC off
        yield ArticleResult.model_construct(id=f"a{a}", source=None, status="ok", claims=claims,
                                            warnings=[], error=None, provenance=None,
                                            text=None)  # fmt: skip


def _country_names(n: int, rng: random.Random) -> list[str]:
    """`n` distinct made-up names ("Bakoru"), as places are compared: by their first six letters.

    Not "Country1", "Country2": those share the letters the ledger compares ("countr"), which
    made every country's stocks and running totals one group of up to 100,000 claims.
    """
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.choice(syllables) for _ in range(3)).capitalize())
    return sorted(names)


def _quantity(value: float, qualifier: str, unit: str) -> object:
    from extractor.schemas.claims import Quantity

    return Quantity.model_construct(value=float(value), lower=None, upper=None,
                                    qualifier=qualifier, unit=unit, text=None)  # fmt: skip


def _source(kind: str) -> object:
    from extractor.schemas.claims import Source

    return Source.model_construct(name={"government": "the ministry", "ngo": "a rights group",
                                        "media": "local media"}[kind], kind=kind)  # fmt: skip


def _evidence(quote: str) -> object:
    from extractor.schemas.claims import Evidence

    return Evidence.model_construct(quote=quote, start=None, end=None, alignment="none")


def measure(n: int) -> dict[str, float]:
    """One size, in this process: generation alone, then generation + ledger; peak RSS."""
    from extractor.ledger import build_ledger

    gc.disable()  # as build_ledger does: the generation subtracted is the one inside it
    start, cpu = time.perf_counter(), time.process_time()
    for _ in articles(n):
        pass
    generate, generate_cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.enable()
    sampler = _MemorySampler()  # a process, not a thread: with a thread the ledger would not fork
    start, cpu = time.perf_counter(), time.process_time()
    ledger = build_ledger(articles(n))
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the ledger's workers, once ended
    machine_mb = sampler.stop()  # after: the sampler is not one of those children
    values = sum(len(g.values) for g in ledger.groups)
    return {"articles": n, "quantity_claims": values, "groups": len(ledger.groups),
            "generate_s": round(generate, 2), "ledger_s": round(total - generate, 2),
            "ledger_cpu_s": round(total_cpu - generate_cpu, 2),
            "workers_cpu_s": round(workers.ru_utime + workers.ru_stime, 2),
            "peak_rss_mb": round(peak, 1),
            "workers_peak_rss_mb": round(workers.ru_maxrss / 1024, 1),
            "machine_peak_mb": machine_mb}  # fmt: skip


class _MemorySampler:
    """The machine's memory in use (MemTotal - MemAvailable), sampled every 20 ms by another
    process: its peak above the level at start is what this process and its forked workers
    took together (pages the workers share with it are counted once, unlike their RSS)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _SAMPLER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert self.process.stdout is not None
        self.process.stdout.readline()  # started: its base level is taken

    def stop(self) -> float:
        out, _ = self.process.communicate("stop\n", timeout=10)
        base, peak = (int(x) for x in out.split())
        return round((peak - base) / 1024, 1)


_SAMPLER = """
import select, sys
def used():
    info = dict(line.split(":", 1) for line in open("/proc/meminfo"))
    return int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])
base = peak = used()
print("ready", flush=True)
while not select.select([sys.stdin], [], [], 0.02)[0]:
    peak = max(peak, used())
print(base, peak)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 30_000, 100_000])
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/ledger_scale.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True,
                             text=True, check=True)  # fmt: skip
        rows.append(json.loads(out.stdout))
        print(json.dumps(rows[-1]), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
