"""The evidence runner: sources run at once, each with its own read session; one that
outlasts its timeout or fails is reported so, and the others' facts still arrive."""

import time
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from watchkeep.assist.evidence.changes import Changes
from watchkeep.assist.evidence.gather import gather
from watchkeep.assist.investigation.model import ChangeFact, Fact, Subject
from watchkeep.core.actor import Actor, Role
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database


class Slow:
    name = "slow"
    timeout = 0.3

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        time.sleep(3)
        return [ChangeFact("late", "deploy", "never seen", subject.at)]


class Broken:
    name = "broken"
    timeout = 5.0

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        raise ConnectionError("nobody answers at 10.0.0.1:9090")


class Quick:
    name = "quick"
    timeout = 5.0

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        return [ChangeFact("CHG-1", "deploy", "api 1.2.3", subject.impact_start)]


def test_a_slow_or_failing_source_does_not_hold_up_the_others(engine: Engine) -> None:
    db = Database(str(engine.url), engine=engine)  # real connections: threads read at once
    now = utcnow()
    subject = Subject(ref="INC-1", title="x", at=now, impact_start=now - timedelta(minutes=5))
    started = time.monotonic()
    found = gather(
        db,
        subject,
        Actor(user_id=0, name="test", role=Role.VIEWER),
        [Slow(), Broken(), Quick(), Changes()],
    )
    took = time.monotonic() - started
    assert took < 2.5, "the slow source was waited for"
    statuses = {s.name: s.status for s in found.sources}
    assert statuses == {"slow": "timeout", "broken": "error", "quick": "ok", "changes": "ok"}
    broken = next(s for s in found.sources if s.name == "broken")
    assert broken.error and "10.0.0.1:9090" in broken.error
    assert [c.ref for c in found.changes] == ["CHG-1"]
