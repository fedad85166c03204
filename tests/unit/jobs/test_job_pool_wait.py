"""The handler thread pool and the idle worker's wait, without touching a database."""

import threading
import time
from collections.abc import Iterator

import pytest

from watchkeep.core.db import Database
from watchkeep.jobs.pool import ThreadPool
from watchkeep.jobs.service import wakeup
from watchkeep.jobs.wait import Waiter


def test_the_pool_runs_every_item_and_survives_a_crashing_task() -> None:
    done: list[int] = []
    finished = threading.Event()

    def task(item: int) -> None:
        if item == 2:
            raise RuntimeError("boom")
        done.append(item)
        if len(done) == 4:
            finished.set()

    pool: ThreadPool[int] = ThreadPool(2, task)
    for item in range(5):
        pool.submit(item)
    assert finished.wait(5)
    pool.close()
    assert sorted(done) == [0, 1, 3, 4]


def test_the_pool_runs_at_most_size_tasks_at_once() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()
    all_done = threading.Semaphore(0)

    def task(_item: int) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        all_done.release()

    pool: ThreadPool[int] = ThreadPool(3, task)
    for item in range(12):
        pool.submit(item)
    for _ in range(12):
        assert all_done.acquire(timeout=5)
    pool.close()
    assert peak == 3


@pytest.fixture
def waiter() -> Iterator[tuple[Waiter, threading.Event]]:
    wakeup.clear()
    stop = threading.Event()
    db = Database("sqlite://")
    waiter = Waiter(db, stop)
    waiter.start()  # SQLite: nothing to listen to
    yield waiter, stop
    waiter.close()
    db.dispose()


def timed(waiter: Waiter, timeout: float) -> tuple[bool, float]:
    started = time.monotonic()
    woken = waiter.wait(timeout)
    return woken, time.monotonic() - started


def test_an_undisturbed_wait_lasts_its_timeout(waiter: tuple[Waiter, threading.Event]) -> None:
    woken, elapsed = timed(waiter[0], 0.2)
    assert not woken
    assert 0.2 <= elapsed < 1.0


def test_the_in_process_wakeup_ends_a_wait_and_is_consumed(
    waiter: tuple[Waiter, threading.Event],
) -> None:
    threading.Timer(0.1, wakeup.set).start()
    woken, elapsed = timed(waiter[0], 5)
    assert woken
    assert elapsed < 1.0
    assert not wakeup.is_set()


def test_a_poke_ends_the_next_wait(waiter: tuple[Waiter, threading.Event]) -> None:
    waiter[0].poke()
    woken, elapsed = timed(waiter[0], 5)
    assert woken
    assert elapsed < 1.0


def test_stop_ends_a_wait(waiter: tuple[Waiter, threading.Event]) -> None:
    threading.Timer(0.1, waiter[1].set).start()
    woken, elapsed = timed(waiter[0], 5)
    assert woken
    assert elapsed < 1.0
