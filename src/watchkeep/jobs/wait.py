"""An idle worker's sleep, cut short by anything that may mean new work.

Four things end a wait, whichever comes first: PostgreSQL's ``NOTIFY watchkeep_jobs`` (sent
by :func:`watchkeep.jobs.service.enqueue` in any process), the in-process ``wakeup`` event
(set after a local commit that enqueued work), a local :meth:`Waiter.poke` (a handler
finished, so a slot is free), and the timeout (the poll interval or the next known due time).
"""

import logging
import threading
import time

import psycopg

from watchkeep.core.db import Database
from watchkeep.jobs.policy import outage_line
from watchkeep.jobs.service import NOTIFY_CHANNEL, wakeup

log = logging.getLogger(__name__)

# How often a wait re-checks the events it cannot block on together (stop, wakeup).
CHECK_SECONDS = 0.05
# How long the listener blocks on the socket before checking whether it should close.
LISTEN_SECONDS = 0.5
RECONNECT_MAX_SECONDS = 30.0


def listen_conninfo(db: Database) -> str:
    """The libpq URL of the database, for a plain psycopg connection outside the pool."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class Waiter:
    """Sleeps until work may be ready; on PostgreSQL it keeps a LISTEN connection open."""

    def __init__(self, db: Database, stop: threading.Event) -> None:
        self._db = db
        self._stop = stop
        self._poke = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._lost = False  # the listener's connection is down (said once, not per try)

    def start(self) -> None:
        """Start listening for ``NOTIFY`` (PostgreSQL only; SQLite has no such thing)."""
        if self._db.engine.dialect.name != "postgresql" or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._listen, name="watchkeep-jobs-listen", daemon=True
        )
        self._thread.start()

    def poke(self) -> None:
        """End the current (or next) wait now."""
        self._poke.set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds; returns whether something other than time woke us."""
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            if self._stop.is_set():
                return True
            if wakeup.is_set():
                wakeup.clear()
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._poke.wait(min(remaining, CHECK_SECONDS)):
                self._poke.clear()
                return True

    def close(self) -> None:
        """Stop listening and close the connection."""
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout=LISTEN_SECONDS * 4)
            self._thread = None

    def _listen(self) -> None:
        delay = 1.0
        while not self._closed.is_set():
            try:
                self._listen_once()
                delay = 1.0
            except psycopg.Error as exc:
                if not self._lost:
                    log.warning("job listener lost its connection (%s); retrying", outage_line(exc))
                    self._lost = True
                self._closed.wait(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    def _listen_once(self) -> None:
        with psycopg.connect(
            listen_conninfo(self._db), autocommit=True, connect_timeout=10
        ) as conn:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            if self._lost:
                log.warning("job listener connected again")
                self._lost = False
            # Anything enqueued while nobody was listening is found by the next claim.
            self.poke()
            while not self._closed.is_set():
                for _notify in conn.notifies(timeout=LISTEN_SECONDS, stop_after=1):
                    self.poke()
