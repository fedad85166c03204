"""Pure decisions of the job runner: when a failed job is retried, which slot a periodic job fills.

No database here: values and ``now`` in, values out.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: attempt n waits half to all of base * 2**(n-1), capped."""

    base_seconds: float = 5.0
    cap_seconds: float = 3600.0

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retrying a job whose attempt number ``attempt`` (1-based) failed.

        The jitter keeps jobs that failed together (a downstream outage) from retrying in step.
        """
        if attempt < 1:
            raise ValueError("attempts are counted from 1")
        # Cap the exponent as well as the result so that a large attempt count cannot overflow.
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** min(attempt - 1, 62))
        return ceiling / 2 + rand() * ceiling / 2


def retry_at(
    backoff: Backoff,
    *,
    attempt: int,
    max_attempts: int,
    now: datetime,
    rand: Callable[[], float] = random.random,
) -> datetime | None:
    """When a job that failed on ``attempt`` runs again; ``None`` when no attempts are left."""
    if attempt >= max_attempts:
        return None
    return now + timedelta(seconds=backoff.delay(attempt, rand))


def periodic_slot(now: datetime, every: timedelta) -> int:
    """The number of whole periods of ``every`` since the Unix epoch at ``now``."""
    period = every.total_seconds()
    if period <= 0:
        raise ValueError("a periodic job needs a positive period")
    elapsed = now - datetime(1970, 1, 1, tzinfo=UTC)
    return int(elapsed.total_seconds() // period)


def slot_start(slot: int, every: timedelta) -> datetime:
    """The instant at which ``slot`` (as counted by :func:`periodic_slot`) begins."""
    return datetime(1970, 1, 1, tzinfo=UTC) + slot * every


def periodic_prefix(kind: str) -> str:
    """What the idempotency keys of every run of periodic ``kind`` start with."""
    return f"periodic:{kind}:"


def periodic_key(kind: str, slot: int) -> str:
    """The idempotency key of the run of periodic ``kind`` due at the start of ``slot``."""
    return f"{periodic_prefix(kind)}{slot}"


def error_line(exc: BaseException) -> str:
    """The last line of the exception's traceback, e.g. ``ValueError: bad payload``."""
    kind = type(exc)
    name = kind.__qualname__
    if kind.__module__ not in ("builtins", "__main__"):
        name = f"{kind.__module__}.{name}"
    message = str(exc).strip()
    return f"{name}: {message}" if message else name


def outage_line(exc: BaseException) -> str:
    """What a database error says, on one line: the driver's first line, without the
    wrapper's boilerplate (for the one log line an outage gets)."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__
