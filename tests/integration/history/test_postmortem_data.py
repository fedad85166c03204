"""tests/data/postmortem_incidents.json, the incidents the post-mortem drafter is checked on:
it imports cleanly on a fresh database, each incident is as rich as the checks need, and
every hand-labelled fact in postmortem_expectations.json names records the import made and
agrees with them."""

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person

from watchkeep.alert.models import ChangeEvent, IncidentChange
from watchkeep.catalog.models import Service
from watchkeep.core.clock import utcnow
from watchkeep.followup.models import FollowUp
from watchkeep.history.schemas import ImportSummary
from watchkeep.history.service import import_history, parse
from watchkeep.incident import roles
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.incident.timestamps import durations

DATA = Path(__file__).parents[2] / "data"
DOCUMENT: dict[str, Any] = json.loads((DATA / "postmortem_incidents.json").read_text())
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (DATA / "postmortem_expectations.json").read_text()
)["incidents"]
RANK = {"SEV1": 1, "SEV2": 2, "SEV3": 3, "SEV4": 4}
WINDOW_LEAD = timedelta(hours=24)


@pytest.fixture
def imported(session: Session, admin: Person) -> ImportSummary:
    return import_history(session, actor=admin.actor, now=utcnow(), document=parse(DOCUMENT))


def incident(session: Session, ref: str) -> Incident:
    found = session.scalar(select(Incident).where(Incident.external_ref == ref))
    assert found is not None, ref
    return found


def entries(session: Session, found: Incident) -> list[TimelineEntry]:
    query = select(TimelineEntry).where(TimelineEntry.incident_id == found.id)
    return list(session.scalars(query.order_by(TimelineEntry.occurred_at, TimelineEntry.id)))


def attached(session: Session, found: Incident) -> dict[str, ChangeEvent]:
    rows = session.scalars(
        select(ChangeEvent)
        .join(IncidentChange, IncidentChange.change_event_id == ChangeEvent.id)
        .where(IncidentChange.incident_id == found.id)
    )
    return {c.external_id or "": c for c in rows}


def test_it_imports_cleanly_on_a_fresh_database(imported: ImportSummary) -> None:
    counts = {kind: c.model_dump() for kind, c in imported.counts.items()}
    for kind in ("users", "services", "change_events", "known_errors", "alerts", "incidents"):
        assert counts[kind] == {"created": len(DOCUMENT[kind]), "unchanged": 0, "skipped": 0}
    assert len(DOCUMENT["incidents"]) >= 22
    assert set(EXPECTED) == {i["ref"] for i in DOCUMENT["incidents"]}


def test_each_incident_is_rich_enough_to_check_a_draft(
    session: Session, imported: ImportSummary
) -> None:
    for record in DOCUMENT["incidents"]:
        found = incident(session, record["ref"])
        kinds = [e.kind for e in entries(session, found)]
        said = kinds.count("status_update") + kinds.count("note")
        assert 3 <= said <= 15, record["ref"]
        assert kinds.count("severity_changed") >= 1, record["ref"]
        assert kinds.count("status_changed") >= 1, record["ref"]
        assert "alert" in kinds and "change_attached" in kinds, record["ref"]
        assert any(e.pinned for e in entries(session, found)), record["ref"]
        held = {a.role_type.slug for a in roles.assignments(session, incident_id=found.id)}
        assert {"lead", "comms"} <= held, record["ref"]
        if found.status == "declined":
            continue
        assert kinds.count("status_changed") >= 3, record["ref"]
        assert None not in (found.impact_started_at, found.mitigated_at, found.resolved_at)
        owners = session.scalars(select(FollowUp.owner_id).where(FollowUp.incident_id == found.id))
        assert any(owner is not None for owner in owners), record["ref"]


def test_the_incidents_cover_the_kinds_of_failure(
    session: Session, imported: ImportSummary
) -> None:
    found = [incident(session, ref) for ref in EXPECTED]
    third_party = {
        s.name for s in session.scalars(select(Service).where(Service.kind == "third_party"))
    }
    assert len({EXPECTED[i.external_ref or ""]["third_party"] for i in found} & third_party) >= 4
    assert any(not i.root_cause for i in found)  # a cause nobody found
    assert any(i.status == "declined" for i in found)
    assert any(i.type.name == "Security" and i.private for i in found)
    assert any((i.resolved_at or i.declared_at) - i.declared_at > timedelta(days=2) for i in found)
    kinds = {c.kind for c in session.scalars(select(ChangeEvent))}
    assert {"deploy", "config", "feature_flag", "infrastructure"} <= kinds


def test_the_expectations_name_what_the_records_say(
    session: Session, imported: ImportSummary
) -> None:
    for ref in sorted(EXPECTED):
        check_expectations(session, ref)


def check_expectations(session: Session, ref: str) -> None:
    expected, found = EXPECTED[ref], incident(session, ref)
    changes = attached(session, found)
    causes, not_causes = set(expected["cause_changes"]), set(expected["not_cause_changes"])
    assert not causes & not_causes
    for key in ("cause_changes", "not_cause_changes", "fix_changes"):
        for change_id in expected[key]:
            assert change_id in changes, f"{ref}: {change_id} is not attached"
    start = found.impact_started_at or found.declared_at
    end = (
        found.resolved_at or found.closed_at or max(e.occurred_at for e in entries(session, found))
    )
    for change_id in not_causes:
        assert start - WINDOW_LEAD <= changes[change_id].occurred_at <= end, change_id
    assert expected["root_cause_stated"] == bool(found.root_cause)
    assert expected["status"] == found.status
    severities = [found.severity.name] + [
        name
        for e in entries(session, found)
        if e.kind in ("declared", "severity_changed")
        for name in (e.payload.get("severity"), e.payload.get("old"), e.payload.get("new"))
        if name
    ]
    assert expected["peak_severity"] == min(severities, key=RANK.__getitem__)
    if expected["third_party"] is not None:
        vendor = next(s for s in found.services if s.name == expected["third_party"])
        assert vendor.kind == "third_party"
    spans = durations(found)
    for key, span in (
        ("minutes_to_mitigate", "time_to_mitigate"),
        ("minutes_to_resolve", "time_to_resolve"),
    ):
        seconds = spans[span]
        assert expected[key] == (None if seconds is None else round(seconds / 60)), key
    text = " ".join(
        [found.title, found.summary, found.root_cause, found.resolution]
        + [f"{e.title} {e.description}" for e in entries(session, found)]
    ).lower()
    for words in expected["must_mention"]:
        assert words.lower() in text, f"{ref}: {words!r} is not in the record"
    if expected["resolved_by_itself"]:
        assert not expected["fix_changes"] and not found.root_cause
