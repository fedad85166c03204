"""Editing an incident from its page (title, summary, type, services) and rewriting a
timeline note, with the same services and rules as the API."""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service
from tests.web.helpers import HTML, hx, log_in

from watchkeep.core.clock import utcnow
from watchkeep.http.announce import ANNOUNCE_EVENT
from watchkeep.incident import timeline
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.incident.severities import list_types


def fresh(session: Session, model: type, ident: int) -> object:
    session.expire_all()
    found = session.get(model, ident)
    assert found is not None
    return found


def test_responders_get_the_edit_form_and_viewers_do_not(
    client: TestClient, session: Session, alice: Person, viewer: Person
) -> None:
    incident = make_incident(session, alice, title="Checkout is slow")
    session.commit()
    log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert f'hx-post="/incidents/{incident.reference}/edit"' in page
    assert 'value="Checkout is slow"' in page
    client.cookies.clear()
    token = log_in(client, viewer)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert "/edit" not in page
    refused = client.post(
        f"/incidents/{incident.reference}/edit",
        data={"title": "Mine now"},
        headers=hx(token, "incident-header"),
    )
    assert refused.status_code == 403


def test_editing_title_summary_type_and_services_is_recorded_and_announced(
    client: TestClient, session: Session, alice: Person
) -> None:
    api = make_service(session, "checkout-api")
    db = make_service(session, "orders-db")
    incident = make_incident(session, alice, title="Checkout is slow", service_ids=[api.id])
    other_type = next(t for t in list_types(session) if t.id != incident.type_id)
    session.commit()
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{incident.reference}/edit",
        data={
            "title": "Checkout times out",
            "summary": "The orders database is saturated.",
            "incident_type": str(other_type.id),
            "service_ids": [str(api.id), str(db.id)],
        },
        headers=hx(token, "incident-header"),
    )
    assert response.status_code == 200, response.text
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger[ANNOUNCE_EVENT] == "Saved the title, summary, type and services."
    assert "incident-content-changed" in trigger  # similar incidents look again
    assert 'id="incident-header"' in response.text
    assert 'id="timeline" class="panel" hx-target="this" hx-swap="outerHTML" hx-swap-oob' in (
        response.text
    )
    stored = fresh(session, Incident, incident.id)
    assert isinstance(stored, Incident)
    assert (stored.title, stored.summary, stored.type_id) == (
        "Checkout times out",
        "The orders database is saturated.",
        other_type.id,
    )
    assert sorted(s.name for s in stored.services) == ["checkout-api", "orders-db"]
    kinds = [e.kind for e in timeline.list_entries(session, incident_id=incident.id)]
    for kind in ("title_changed", "summary_changed", "type_changed", "services_changed"):
        assert kind in kinds

    again = client.post(
        f"/incidents/{incident.reference}/edit",
        data={
            "title": "Checkout times out",
            "summary": "The orders database is saturated.",
            "incident_type": str(other_type.id),
            "service_ids": [str(api.id), str(db.id)],
        },
        headers=hx(token, "incident-header"),
    )
    assert json.loads(again.headers["HX-Trigger"])[ANNOUNCE_EVENT] == (
        "Nothing to save: the incident already says this."
    )


def test_an_empty_title_is_refused_and_names_its_field(
    client: TestClient, session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice, title="Checkout is slow")
    session.commit()
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{incident.reference}/edit",
        data={"title": "   ", "summary": ""},
        headers=hx(token, "incident-header"),
    )
    assert response.status_code == 422
    assert 'hx-swap-oob="innerHTML:#incident-header-error"' in response.text
    assert 'data-error-for="title"' in response.text
    stored = fresh(session, Incident, incident.id)
    assert isinstance(stored, Incident) and stored.title == "Checkout is slow"


def note_of(session: Session, incident: Incident, person: Person, text: str) -> TimelineEntry:
    return timeline.add_note(
        session, incident=incident, actor=person.actor, text=text, now=utcnow()
    )


def test_a_note_is_rewritten_and_moved_in_the_viewers_zone(
    client: TestClient, session: Session, alice: Person
) -> None:
    alice.user.timezone = "Europe/Paris"
    incident = make_incident(session, alice, now=utcnow() - timedelta(hours=2))
    note = note_of(session, incident, alice, "Rolled back the deploy")
    session.commit()
    first_time = note.occurred_at
    token = log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert f'hx-post="/incidents/{incident.reference}/timeline/{note.id}/edit"' in page
    assert "When (Europe/Paris)" in page
    earlier = (incident.declared_at + timedelta(minutes=30)).replace(second=0, microsecond=0)
    response = client.post(
        f"/incidents/{incident.reference}/timeline/{note.id}/edit",
        data={
            "text": "Rolled back the deploy\nThe canary was already red.",
            "occurred_at": f"{earlier.astimezone(ZoneInfo('Europe/Paris')):%Y-%m-%dT%H:%M}",
        },
        headers=hx(token, "timeline"),
    )
    assert response.status_code == 200, response.text
    assert json.loads(response.headers["HX-Trigger"])[ANNOUNCE_EVENT] == "Note saved."
    assert "The canary was already red." in response.text
    assert ">edited</span>" in response.text
    stored = fresh(session, TimelineEntry, note.id)
    assert isinstance(stored, TimelineEntry)
    assert stored.occurred_at == earlier
    assert stored.description == "The canary was already red."
    assert [e.before for e in stored.edits] == [
        {"description": "", "occurred_at": first_time.isoformat()}
    ]


def test_saving_a_note_unchanged_keeps_its_seconds(
    client: TestClient, session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice)
    note = note_of(session, incident, alice, "Paged the database team")
    session.commit()
    first_time = note.occurred_at
    token = log_in(client, alice)
    response = client.post(
        f"/incidents/{incident.reference}/timeline/{note.id}/edit",
        data={"text": "Paged the database team", "occurred_at": f"{first_time:%Y-%m-%dT%H:%M}"},
        headers=hx(token, "timeline"),
    )
    assert json.loads(response.headers["HX-Trigger"])[ANNOUNCE_EVENT] == (
        "Nothing to save: no change."
    )
    stored = fresh(session, TimelineEntry, note.id)
    assert isinstance(stored, TimelineEntry) and stored.occurred_at == first_time


def test_a_note_time_follows_the_timelines_rules(
    client: TestClient, session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice)
    note = note_of(session, incident, alice, "Paged the database team")
    session.commit()
    token = log_in(client, alice)
    url = f"/incidents/{incident.reference}/timeline/{note.id}/edit"
    future = utcnow() + timedelta(days=1)
    response = client.post(
        url,
        data={"text": "Paged", "occurred_at": f"{future:%Y-%m-%dT%H:%M}"},
        headers=hx(token, "timeline"),
    )
    assert response.status_code == 422
    assert 'data-error-for="occurred_at"' in response.text
    assert "must not be in the future" in response.text
    garbled = client.post(
        url, data={"text": "Paged", "occurred_at": "yesterday"}, headers=hx(token, "timeline")
    )
    assert garbled.status_code == 422
    empty = client.post(url, data={"text": "  "}, headers=hx(token, "timeline"))
    assert empty.status_code == 422
    assert "a note must not be empty" in empty.text


def test_only_notes_are_rewritten(client: TestClient, session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    session.commit()
    declared = timeline.list_entries(session, incident_id=incident.id)[0]
    token = log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert f"/timeline/{declared.id}/edit" not in page
    response = client.post(
        f"/incidents/{incident.reference}/timeline/{declared.id}/edit",
        data={"text": "Nothing happened"},
        headers=hx(token, "timeline"),
    )
    assert response.status_code == 422
    assert "only notes can be rewritten" in response.text
