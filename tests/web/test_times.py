"""Times on the pages: in the viewer's time zone, with the year when it is not this year,
how long ago where people scan, and time corrections written out in full."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident
from tests.web.helpers import HTML, hx, log_in

from watchkeep.core.clock import iso_z, utcnow
from watchkeep.incident import timeline, timestamps
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition

PARIS = ZoneInfo("Europe/Paris")


def in_paris(value: datetime, *, weekday: bool = False, year: bool = False) -> str:
    """The reference spelling, written out apart from the code under test."""
    local = value.astimezone(PARIS)
    day = local.strftime("%a %d %b" if weekday else "%d %b")
    return f"{day} {local.year} {local:%H:%M}" if year else f"{day} {local:%H:%M}"


@pytest.fixture
def parisian(session: Session, alice: Person) -> Person:
    alice.user.timezone = "Europe/Paris"
    session.commit()
    return alice


def minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def test_a_date_of_another_year_shows_its_year_in_the_viewers_zone(
    client: TestClient, session: Session, parisian: Person
) -> None:
    last_year = datetime(utcnow().year - 1, 12, 5, 9, 0, tzinfo=UTC)
    old = make_incident(session, parisian, title="Old outage", now=last_year)
    recent = make_incident(session, parisian, title="Recent outage", now=minute(utcnow()))
    session.commit()
    log_in(client, parisian)
    page = client.get("/incidents", headers=HTML).text
    assert f">{in_paris(last_year, year=True)}</time>" in page  # 10:00 in Paris
    assert f"{last_year.year - 1}" not in page
    assert f">{in_paris(recent.declared_at)}</time>" in page  # no year this year
    # How long ago, as a <time> element people scan.
    assert re.search(
        rf'<time datetime="{iso_z(recent.declared_at)}" title="[^"]+">(just now|\dm ago)</time>',
        page,
    )
    assert f'<time datetime="{iso_z(last_year)}"' in page
    assert "Europe/Paris" in page  # the tooltip names the zone
    incident_page = client.get(f"/incidents/{old.reference}", headers=HTML).text
    assert f">{in_paris(last_year, year=True)}</time>" in incident_page


def test_the_dashboard_shows_ages_and_resolved_times_as_time_elements(
    client: TestClient, session: Session, parisian: Person
) -> None:
    declared = utcnow() - timedelta(hours=3)
    live = make_incident(session, parisian, title="Live one", now=declared)
    done = make_incident(session, parisian, title="Done one", now=declared)
    transition(
        session,
        incident=done,
        actor=parisian.actor,
        status="resolved",
        now=declared + timedelta(hours=1),
    )
    session.commit()
    log_in(client, parisian)
    page = client.get("/", headers=HTML).text
    assert f'<time datetime="{iso_z(live.declared_at)}" title="Declared ' in page
    assert re.search(r">3h [01]m</time>", page)
    assert re.search(r">2h [01]m ago</time>", page)  # resolved two hours ago


def test_a_time_correction_reads_old_and_new_in_the_viewers_zone(
    client: TestClient, session: Session, parisian: Person
) -> None:
    declared = minute(utcnow() - timedelta(days=2))
    incident = make_incident(session, parisian, now=declared)
    resolved = declared + timedelta(hours=1)
    transition(session, incident=incident, actor=parisian.actor, status="resolved", now=resolved)
    corrected = declared + timedelta(minutes=40)
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=parisian.actor,
        name="mitigated_at",
        value=declared + timedelta(minutes=30),
        now=utcnow(),
    )
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=parisian.actor,
        name="resolved_at",
        value=corrected,
        now=utcnow(),
    )
    # An entry written before the old value was kept: only the new one is known.
    timeline.record(
        session,
        incident=incident,
        kind="timestamp_changed",
        actor=parisian.actor,
        title=f"Acknowledged time set to {iso_z(corrected)}",
        payload={"new": iso_z(corrected), "timestamp": "acknowledged_at"},
        now=utcnow(),
    )
    session.commit()
    log_in(client, parisian)
    page = client.get(f"/incidents/{incident.reference}/panels/timeline", headers=HTML).text
    text = re.sub(r"<[^>]+>", "", page)
    assert (
        f"Resolved time corrected from {in_paris(resolved, weekday=True)} "
        f"to {in_paris(corrected, weekday=True)}"
    ) in text
    assert f"Acknowledged time set to {in_paris(corrected, weekday=True)}" in text
    assert "Z</span>" not in page and iso_z(corrected) not in text


def test_a_corrected_time_is_read_in_the_viewers_zone(
    client: TestClient, session: Session, parisian: Person
) -> None:
    incident = make_incident(session, parisian, now=minute(utcnow() - timedelta(days=2)))
    session.commit()
    token = log_in(client, parisian)
    local = (incident.declared_at + timedelta(hours=1)).astimezone(PARIS)
    response = client.post(
        f"/incidents/{incident.reference}/timestamps",
        data={"name": "mitigated_at", "value": f"{local:%Y-%m-%dT%H:%M}"},
        headers=hx(token, "timestamps"),
    )
    assert response.status_code == 200, response.text
    assert "Europe/Paris" in response.text
    session.expire_all()
    stored = session.get(Incident, incident.id)
    assert stored is not None
    assert stored.mitigated_at == incident.declared_at + timedelta(hours=1)
