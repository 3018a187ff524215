"""Work in forked worker processes: whether forking is safe here, how many CPUs there are, and an
ordered map whose function the workers inherit when forked.

Forked, not spawned: a forked worker starts with this process's memory (copy-on-write), so the
function may be a closure over millions of objects that are never pickled; only each task and
its result cross the pipe. A spawned worker would instead re-import the caller's main script,
and run it again if it has no `if __name__ == "__main__"` guard.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

_A = TypeVar("_A")
_R = TypeVar("_R")
IN_FLIGHT = 3  # tasks queued per worker: the workers never wait for this process, memory bounded

_job: Callable[[Any], Any] | None = None  # what the workers run, inherited when they are forked


def may_fork() -> bool:
    """Whether worker processes can be forked safely: a fork start method, no other thread (a
    lock another thread holds would stay held in the child), not a daemon (it may not have
    children), and no forked map already running in this process."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
        and _job is None
    )


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def forked_map(function: Callable[[_A], _R], tasks: Iterable[_A], workers: int) -> Iterator[_R]:
    """`function(task)` for each task, in the tasks' order, run by `workers` forked processes.

    Check `may_fork()` first. The tasks are drawn as the workers need them (at most IN_FLIGHT a
    worker ahead), so a long stream of tasks is never all in memory. The workers run with the
    cyclic garbage collector off, as callers that fork this way hold many acyclic objects.
    """
    global _job
    if not may_fork():
        raise RuntimeError("forked_map needs may_fork(): call the function here instead")
    _job = function
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.disable) as pool:
            pending: deque[Future[_R]] = deque()
            for task in tasks:
                pending.append(pool.submit(_run, task))
                if len(pending) >= workers * IN_FLIGHT:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        _job = None


def _run(task: Any) -> Any:
    assert _job is not None, "forked_map's workers are forked after its function is set"
    return _job(task)
