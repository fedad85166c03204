"""Login throttling: growing waits after failed passwords, per account and per address.

The first ``FREE_FAILURES`` failures in a row cost nothing; each one after that locks the
account (and, separately, the client address) for twice as long as the last, up to
``MAX_WAIT``. A locked account or address is refused before its password is checked. A
success clears the account's count; failures are forgotten after ``FORGET_AFTER`` without
one. The state is in the database, so every server process shares it.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeep.auth.models import LoginThrottle
from watchkeep.core.errors import DomainError

log = logging.getLogger("watchkeep.auth.login")

FREE_FAILURES = 5
FIRST_WAIT = timedelta(seconds=2)
MAX_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"

    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, int(wait.total_seconds() + 0.999))
        super().__init__(
            f"too many failed logins; try again in {seconds} seconds", retry_after=seconds
        )


def wait_after(failures: int) -> timedelta:
    """How long to lock after ``failures`` failures in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_WAIT * (1 << min(failures - FREE_FAILURES - 1, 20)), MAX_WAIT)


def keys(email: str, address: str | None) -> list[str]:
    found = [f"account:{email.strip().lower()[:250]}"]
    if address:
        found.append(f"address:{address[:45]}")
    return found


def check(session: Session, *, email: str, address: str | None, now: datetime) -> None:
    """Refuse (429) while the account or the address is locked."""
    for key in keys(email, address):
        row = session.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            log.warning("login refused for %s from %s: %s is locked", email, address, key)
            raise TooManyAttempts(row.locked_until - now)


def failed(session: Session, *, email: str, address: str | None, now: datetime) -> None:
    """Count a wrong password against the account and the address."""
    for key in keys(email, address):
        row = session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
        elif now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = wait_after(row.failures)
        row.locked_until = now + wait if wait else None
    session.flush()
    log.warning("login failed for %s from %s", email, address)


def succeeded(session: Session, *, email: str, address: str | None) -> None:
    """A right password clears the account's failures (the address keeps its own)."""
    row = session.get(LoginThrottle, keys(email, address)[0])
    if row is not None:
        session.delete(row)
        session.flush()
    log.info("login for %s from %s", email, address)
