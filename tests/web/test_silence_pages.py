"""Silences in the web UI, on SQLite and PostgreSQL: the list, making one (times read in the
viewer's zone, errors at their field), ending one, and viewers who only read."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_source
from tests.web.helpers import HTML, hx, log_in

from watchkeep.alert import silences
from watchkeep.alert.models import AlertSilence, AlertSource
from watchkeep.auth import accounts
from watchkeep.core.clock import utcnow


@pytest.fixture
def source(session: Session) -> AlertSource:
    found = make_source(session, "generic", name="prometheus-eu")
    session.commit()
    return found


def listed(session: Session) -> list[AlertSilence]:
    session.expire_all()
    return silences.list_silences(session, now=utcnow(), include_expired=True)


def local(moment: datetime, zone: str = "UTC") -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%dT%H:%M}"


def test_a_responder_creates_a_silence_read_in_their_time_zone(
    client: TestClient, session: Session, alice: Person, source: AlertSource
) -> None:
    accounts.update_profile(session, actor=alice.actor, now=utcnow(), timezone="America/New_York")
    session.commit()
    token = log_in(client, alice)
    page = client.get("/silences", headers=HTML).text
    assert "New silence" in page and "America/New_York" in page
    ends = (utcnow() + timedelta(hours=3)).replace(second=0, microsecond=0)
    response = client.post(
        "/silences",
        data={
            "kind": "maintenance",
            "matchers": 'alertname="DiskFull"\n\n  team=~"db|infra"  \n',
            "source_ids": [str(source.id)],
            "comment": "Replacing disks",
            "ends_at": local(ends, "America/New_York"),
        },
        headers=hx(token, "silences"),
    )
    assert response.status_code == 200, response.text
    [made] = listed(session)
    assert made.kind == "maintenance"
    assert made.matchers == ['alertname="DiskFull"', 'team=~"db|infra"']
    assert made.source_ids == [source.id]
    assert made.ends_at.astimezone(UTC) == ends
    assert json.loads(response.headers["HX-Trigger"])["wk-announce"] == (
        f"Maintenance {made.id} created."
    )
    assert response.text.lstrip().startswith('<div id="silences"')
    assert "Replacing disks" in response.text and "prometheus-eu" in response.text
    assert "Active" in response.text


def test_a_bad_matcher_is_shown_at_its_field(
    client: TestClient, session: Session, alice: Person
) -> None:
    token = log_in(client, alice)
    ends = local(utcnow() + timedelta(hours=1))
    response = client.post(
        "/silences",
        data={"kind": "silence", "matchers": "alertname==", "ends_at": ends},
        headers=hx(token, "silences"),
    )
    assert response.status_code == 422
    assert 'hx-swap-oob="innerHTML:#silences-error"' in response.text
    assert 'data-error-for="matchers"' in response.text
    nothing = client.post(
        "/silences", data={"kind": "silence", "ends_at": ends}, headers=hx(token, "silences")
    )
    assert nothing.status_code == 422 and 'data-error-for="matchers"' in nothing.text
    past = client.post(
        "/silences",
        data={"matchers": 'a="b"', "ends_at": local(utcnow() - timedelta(hours=1))},
        headers=hx(token, "silences"),
    )
    assert past.status_code == 422 and 'data-error-for="ends_at"' in past.text
    missing = client.post("/silences", data={"matchers": 'a="b"'}, headers=hx(token, "silences"))
    assert missing.status_code == 422 and 'data-error-for="ends_at"' in missing.text
    assert listed(session) == []


def test_ending_a_silence_now_and_showing_ended_ones(
    client: TestClient, session: Session, alice: Person
) -> None:
    silence = silences.create(
        session,
        actor=alice.actor,
        now=utcnow(),
        ends_at=utcnow() + timedelta(days=1),
        matchers_text=['host="db-1"'],
        comment="Noisy host",
    )
    session.commit()
    token = log_in(client, alice)
    assert "Noisy host" in client.get("/silences", headers=HTML).text
    response = client.post(f"/silences/{silence.id}/end", headers=hx(token, "silences"))
    assert response.status_code == 200, response.text
    assert json.loads(response.headers["HX-Trigger"])["wk-announce"] == (
        f"Silence {silence.id} ended."
    )
    assert "Noisy host" not in response.text  # no longer in force
    [ended] = listed(session)
    assert ended.ends_at <= utcnow()
    everything = client.get("/silences?ended=1", headers=HTML).text
    assert "Noisy host" in everything and "Ended" in everything
    assert f"/silences/{silence.id}/end" not in everything  # nothing left to end
    # A plain form post goes back to the list, which says what happened.
    again = silences.create(
        session,
        actor=alice.actor,
        now=utcnow(),
        ends_at=utcnow() + timedelta(days=1),
        matchers_text=['host="db-2"'],
    )
    session.commit()
    plain = client.post(
        f"/silences/{again.id}/end",
        data={"csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/silences"
    assert f"Silence {again.id} ended." in client.get("/silences", headers=HTML).text


def test_a_viewer_reads_silences_only(
    client: TestClient, session: Session, alice: Person, viewer: Person
) -> None:
    silence = silences.create(
        session,
        actor=alice.actor,
        now=utcnow(),
        ends_at=utcnow() + timedelta(days=1),
        matchers_text=['host="db-1"'],
        comment="Noisy host",
    )
    session.commit()
    token = log_in(client, viewer)
    page = client.get("/silences", headers=HTML).text
    assert "Noisy host" in page
    assert "New silence" not in page and "End now" not in page
    ends = local(utcnow() + timedelta(hours=1))
    made = client.post(
        "/silences", data={"matchers": 'a="b"', "ends_at": ends}, headers=hx(token, "silences")
    )
    assert made.status_code == 403
    ended = client.post(f"/silences/{silence.id}/end", headers=hx(token, "silences"))
    assert ended.status_code == 403
    assert len(listed(session)) == 1 and listed(session)[0].ends_at > utcnow()
