"""Forked worker processes: an ordered map whose function the workers inherit, not pickle."""

from __future__ import annotations

import os

import pytest

from extractor import forked

pytestmark = pytest.mark.usefixtures("may_fork")


def test_forked_map_runs_a_closure_in_other_processes_and_keeps_the_tasks_order() -> None:
    shared = {n: n * n for n in range(1000)}  # never pickled: the workers are forked with it

    def square_and_pid(n: int) -> tuple[int, int]:
        return shared[n], os.getpid()

    results = list(forked.forked_map(square_and_pid, iter(range(1000)), workers=2))
    assert [r for r, _ in results] == [n * n for n in range(1000)]
    assert os.getpid() not in {pid for _, pid in results}


def test_forked_map_draws_tasks_only_as_the_workers_need_them() -> None:
    drawn = []

    def tasks():
        for n in range(100):
            drawn.append(n)
            yield n

    results = forked.forked_map(lambda n: n, tasks(), workers=2)
    assert next(results) == 0
    assert len(drawn) == 2 * forked.IN_FLIGHT  # not all 100
    assert list(results) == list(range(1, 100))


def test_an_error_in_a_worker_reaches_the_caller_and_the_next_map_still_forks() -> None:
    def fail(n: int) -> int:
        if n == 3:
            raise ValueError("task 3")
        return n

    with pytest.raises(ValueError, match="task 3"):
        list(forked.forked_map(fail, range(10), workers=2))
    assert forked.may_fork()
    assert list(forked.forked_map(lambda n: -n, range(3), workers=2)) == [0, -1, -2]


def test_a_forked_map_inside_a_forked_map_is_refused() -> None:
    outer = forked.forked_map(lambda n: n, range(3), workers=2)
    assert next(outer) == 0
    assert not forked.may_fork()  # the caller runs its work in this process instead
    with pytest.raises(RuntimeError, match="may_fork"):
        next(forked.forked_map(lambda n: n, range(3), workers=2))
    assert list(outer) == [1, 2]
