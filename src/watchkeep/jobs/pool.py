"""A fixed pool of daemon threads for job handlers.

Not :class:`concurrent.futures.ThreadPoolExecutor`: its threads are joined at interpreter
exit, so one handler stuck past the shutdown timeout would keep a stopped worker alive.
"""

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class ThreadPool(Generic[T]):
    """Runs ``task(item)`` for each submitted item on one of ``size`` daemon threads."""

    def __init__(
        self, size: int, task: Callable[[T], None], *, name: str = "watchkeep-job"
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one thread")
        self._task = task
        self._queue: queue.SimpleQueue[T | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{index}", daemon=True)
            for index in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, item: T) -> None:
        """Queue ``item``; it runs as soon as a thread is free."""
        self._queue.put(item)

    def close(self) -> None:
        """Let each thread exit after its current task; does not wait for them."""
        for _thread in self._threads:
            self._queue.put(None)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                self._task(item)
            except BaseException:  # a pool thread must survive anything a task throws
                log.exception("job task crashed")
