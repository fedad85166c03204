"""How fast one source may send: a token bucket per integration key, per server process.

Each process keeps its own buckets (nothing another process needs lives here): with N
server processes a source may send up to N times the setting. Senders that follow
PagerDuty's rules retry a 429 after ``Retry-After`` seconds.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 10_000
"""Buckets kept at most; a flood of made-up keys cannot grow the memory without bound."""


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one request's token for ``key``: 0 if allowed, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_KEYS:
                    self._forget_idle(now)
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        """Forget the half of the buckets with the most tokens left: idle keys, and made-up
        keys that sent once, go before the busy keys whose limits matter."""
        for bucket in self._buckets.values():
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        fullest = sorted(self._buckets, key=lambda k: self._buckets[k].tokens, reverse=True)
        for key in fullest[: len(fullest) // 2 + 1]:
            del self._buckets[key]


def retry_after(wait: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
