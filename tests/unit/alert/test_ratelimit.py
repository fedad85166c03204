"""The ingest rate limit: a token bucket per key, refilled over the minute."""

import pytest

from watchkeep.alert.api import ratelimit
from watchkeep.alert.api.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_may_send_its_minute_at_once_then_waits_for_tokens() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)
    assert all(limiter.take("k") == 0 for _ in range(60))
    assert limiter.take("k") == 1.0  # one token a second
    clock.now = 0.5
    assert limiter.take("k") == 0.5
    clock.now = 1.0
    assert limiter.take("k") == 0
    assert limiter.take("other") == 0  # each key has its own bucket


def test_made_up_keys_do_not_reset_a_busy_key(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    monkeypatch.setattr(ratelimit, "MAX_KEYS", 4)
    limiter.take("busy")
    limiter.take("busy")
    for n in range(20):
        limiter.take(f"made-up-{n}")
    assert limiter.take("busy") > 0  # still empty: its bucket was kept


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert ratelimit.retry_after(0.01) == "1"
    assert ratelimit.retry_after(2.2) == "3"
