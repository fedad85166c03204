"""The demo data a first look is made of: consistent, with someone on call, loaded once."""

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from watchkeep import demo
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.incident.models import Incident
from watchkeep.oncall import service as schedules
from watchkeep.oncall.history import oncall_now


def test_the_demo_has_someone_on_call_and_tells_one_story(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    prepare(db)
    login = demo.seed(db)
    assert login.email == demo.ADMIN_EMAIL and len(login.password) >= 8
    with db.session() as session:
        found = {s.name: s for s in schedules.list_schedules(session)}
        assert set(found) == {"Platform primary", "Payments business hours"}
        assert oncall_now(session, found["Platform primary"], utcnow())  # never empty

        for incident in session.scalars(select(Incident)):
            # No time the incident shows contradicts another.
            times = [incident.declared_at, incident.resolved_at]
            if incident.impact_started_at is not None:
                assert incident.impact_started_at <= incident.declared_at
            if incident.resolved_at is not None:
                assert incident.declared_at < incident.resolved_at <= utcnow()
            said = re.search(r"since (\d\d:\d\d) UTC", incident.summary or "")
            if said:
                assert incident.impact_started_at is not None
                assert said[1] == f"{incident.impact_started_at:%H:%M}"
            assert all(t is None or t <= utcnow() + timedelta(seconds=1) for t in times)

    again = demo.seed(db)  # a second start loads nothing more
    assert again.password.startswith("(unchanged")
    with db.session() as session:
        assert len(schedules.list_schedules(session)) == 2
    db.dispose()
