"""Logging in: growing waits after failed passwords, per account and per client address, and
the same cost for an unknown account as for a known one."""

import logging
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, Person

from watchkeep.auth import secrets, throttle
from watchkeep.auth import service as auth
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Unauthorized

HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


def attempt(session: Session, email: str, password: str, address: str, now_offset: float) -> str:
    """``ok``, ``wrong`` or ``locked`` for one login at ``now_offset`` seconds."""
    now = START + timedelta(seconds=now_offset)
    try:
        auth.log_in(session, email=email, password=password, address=address, now=now)
    except throttle.TooManyAttempts:
        return "locked"
    except Unauthorized:
        return "wrong"
    return "ok"


START = utcnow()


def test_waits_grow_and_are_capped() -> None:
    waits = [throttle.wait_after(n) for n in range(1, 30)]
    assert waits[: throttle.FREE_FAILURES] == [timedelta(0)] * throttle.FREE_FAILURES
    growing = waits[throttle.FREE_FAILURES :]
    assert growing[0] == throttle.FIRST_WAIT
    assert all(b == min(2 * a, throttle.MAX_WAIT) for a, b in pairwise(growing))
    assert growing[-1] == throttle.MAX_WAIT


def test_a_guessing_run_is_slowed_and_the_right_password_waits_too(
    session: Session, alice: Person
) -> None:
    email = alice.user.email
    # 40 guesses in 4 seconds, as a script would send them.
    results = [attempt(session, email, "guess", HOME, 0.1 * i + 0.01) for i in range(40)]
    # Six are checked (five free, the sixth locks for 2 s), one more after that wait (which
    # locks for 4 s, until 6.51 s); the other 33 are refused without a password check.
    assert results[:6] == ["wrong"] * 6
    assert results.count("wrong") == 7 and results.count("locked") == 33
    assert results[25] == "wrong"  # at 2.51 s, just after the first wait
    # Even the right password waits, from any address, until the lock ends.
    assert attempt(session, email, PASSWORD, ELSEWHERE, 6.4) == "locked"
    assert attempt(session, email, PASSWORD, ELSEWHERE, 6.6) == "ok"


def test_the_locks_double_and_a_success_clears_the_account(session: Session, alice: Person) -> None:
    email, t = alice.user.email, 0.0
    for _ in range(throttle.FREE_FAILURES + 1):
        assert attempt(session, email, "guess", HOME, t) == "wrong"
    for wait in (2, 4, 8):  # each failure after the wait locks for twice as long
        assert attempt(session, email, "guess", HOME, t + wait - 0.5) == "locked"
        t += wait
        assert attempt(session, email, "guess", HOME, t) == "wrong"
    t += 16
    assert attempt(session, email, PASSWORD, ELSEWHERE, t) == "ok"
    assert attempt(session, email, "guess", ELSEWHERE, t + 1) == "wrong"  # counting anew
    assert attempt(session, email, PASSWORD, ELSEWHERE, t + 2) == "ok"


def test_one_address_trying_many_accounts_is_slowed(
    session: Session, alice: Person, bob: Person
) -> None:
    emails = [alice.user.email, bob.user.email, "nobody@example.com"]
    results = [attempt(session, emails[i % 3], "guess", HOME, 0.1 * i) for i in range(12)]
    assert results[-1] == "locked"  # no single account failed six times, the address did
    # Another address is not held up by it.
    assert attempt(session, bob.user.email, PASSWORD, ELSEWHERE, 2.0) == "ok"


def test_attempts_are_logged(
    session: Session, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="watchkeep.auth.login"):
        attempt(session, alice.user.email, "guess", HOME, 0)
        attempt(session, alice.user.email, PASSWORD, HOME, 1)
    assert [r.getMessage() for r in caplog.records] == [
        f"login failed for {alice.user.email} from {HOME}",
        f"login for {alice.user.email} from {HOME}",
    ]


def test_an_unknown_account_costs_a_password_check(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = secrets.verify_password
    monkeypatch.setattr(secrets, "verify_password", lambda h, p: checked.append(p) or real(h, p))
    with pytest.raises(Unauthorized):
        auth.authenticate(session, email="nobody@example.com", password="hunter22")
    assert checked == ["hunter22"]
