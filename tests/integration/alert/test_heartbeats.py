"""Heartbeat monitors: a source that is pinged on time opens nothing; one that is late past
its period and grace opens exactly one alert, which the next ping resolves."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import an_admin, make_source

from watchkeep.alert import heartbeats, sources
from watchkeep.alert.models import Alert, AlertEvent, AlertPayload, AlertSource
from watchkeep.core.errors import Invalid

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PERIOD = 300
GRACE = 60


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def monitor(session: Session) -> AlertSource:
    """A heartbeat source whose last ping was at T0."""
    source = make_source(session, kind="heartbeat", heartbeat_seconds=PERIOD, grace_seconds=GRACE)
    assert heartbeats.ping(session, source=source, now=T0) == []
    return source


def open_alerts(session: Session) -> list[Alert]:
    session.flush()
    return list(session.scalars(select(Alert).where(Alert.status != "resolved").order_by(Alert.id)))


def count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_monitor_pinged_on_time_opens_nothing(session: Session, monitor: AlertSource) -> None:
    assert heartbeats.check(session, now=at(PERIOD - 1)) == []
    assert heartbeats.check(session, now=at(PERIOD + GRACE - 1)) == []
    assert heartbeats.ping(session, source=monitor, now=at(PERIOD + GRACE - 1)) == []
    assert heartbeats.check(session, now=at(PERIOD + GRACE + 10)) == []
    assert open_alerts(session) == []
    assert count(session, AlertPayload) == count(session, AlertEvent) == 0


def test_a_late_monitor_opens_exactly_one_alert(session: Session, monitor: AlertSource) -> None:
    [opened] = heartbeats.check(session, now=at(PERIOD + GRACE + 1))
    [alert] = open_alerts(session)
    assert alert.id == opened
    assert (alert.source_id, alert.status, alert.dedup_key) == (monitor.id, "firing", "heartbeat")
    assert monitor.name in alert.title
    assert alert.labels["alertname"] == "HeartbeatMissed"
    assert alert.created_at == at(PERIOD + GRACE + 1)
    # Still late: later checks see the open alert and open no other.
    assert heartbeats.check(session, now=at(PERIOD + GRACE + 2)) == []
    assert heartbeats.check(session, now=at(10 * PERIOD)) == []
    assert [a.id for a in open_alerts(session)] == [opened]
    assert count(session, Alert) == 1


def test_the_grace_counts(session: Session, monitor: AlertSource) -> None:
    """Late by the period but within the grace is not late yet."""
    assert heartbeats.check(session, now=at(PERIOD + 1)) == []
    assert len(heartbeats.check(session, now=at(PERIOD + GRACE + 1))) == 1


def test_a_ping_resolves_the_alert_and_starts_a_new_period(
    session: Session, monitor: AlertSource
) -> None:
    [first] = heartbeats.check(session, now=at(PERIOD + GRACE + 1))
    [outcome] = heartbeats.ping(session, source=monitor, now=at(1000))
    assert (outcome.outcome, outcome.alert_id) == ("resolved", first)
    assert open_alerts(session) == []
    alert = session.get(Alert, first)
    assert alert is not None
    assert (alert.status, alert.resolved_at, alert.resolved_by_id) == ("resolved", at(1000), None)
    # Another ping while nothing is open changes nothing.
    assert heartbeats.ping(session, source=monitor, now=at(1010)) == []
    # On time after the ping; late again one period and grace after the last ping.
    assert heartbeats.check(session, now=at(1010 + PERIOD + GRACE - 1)) == []
    [second] = heartbeats.check(session, now=at(1010 + PERIOD + GRACE + 1))
    assert second != first
    assert [a.id for a in open_alerts(session)] == [second]


def test_a_monitor_never_pinged_is_late_one_period_after_it_was_made(session: Session) -> None:
    source = sources.create(
        session,
        actor=an_admin(session),
        now=T0,
        name="nightly-backup",
        kind="heartbeat",
        heartbeat_seconds=PERIOD,
    )
    assert heartbeats.check(session, now=at(PERIOD - 1)) == []
    [opened] = heartbeats.check(session, now=at(PERIOD + 1))
    alert = session.get(Alert, opened)
    assert alert is not None and alert.source_id == source.id


def test_a_disabled_monitor_is_not_checked(session: Session, monitor: AlertSource) -> None:
    sources.update(session, actor=an_admin(session), now=T0, source_id=monitor.id, enabled=False)
    assert heartbeats.check(session, now=at(10 * PERIOD)) == []
    assert open_alerts(session) == []


def test_only_late_monitors_open_alerts(session: Session, monitor: AlertSource) -> None:
    other = make_source(session, kind="heartbeat", heartbeat_seconds=3600)
    heartbeats.ping(session, source=other, now=T0)
    [opened] = heartbeats.check(session, now=at(PERIOD + GRACE + 1))
    alert = session.get(Alert, opened)
    assert alert is not None and alert.source_id == monitor.id
    assert [a.source_id for a in open_alerts(session)] == [monitor.id]


def test_a_ping_of_a_source_that_is_not_a_heartbeat_monitor_is_refused(session: Session) -> None:
    source = make_source(session, kind="alertmanager")
    with pytest.raises(Invalid, match="not a heartbeat monitor"):
        heartbeats.ping(session, source=source, now=T0)
    assert source.last_event_at is None
    assert heartbeats.check(session, now=at(10 * PERIOD)) == []
    assert count(session, Alert) == 0
