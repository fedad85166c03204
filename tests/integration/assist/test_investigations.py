"""Investigations on SQLite and PostgreSQL: every evidence source on a scenario loaded by the
importer, as of an instant (nothing recorded later), private incidents kept from those who
may not see them, responders' verdicts, and the API."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person

from watchkeep.alert.models import ChangeEvent
from watchkeep.app.components import worker_state
from watchkeep.assist import investigations
from watchkeep.assist.drafting import service as drafting
from watchkeep.assist.investigations import concerned_by_change
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.tasks import investigate_changed, investigate_on_change
from watchkeep.assist.verdicts import judge
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.history.service import import_history, parse
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.jobs.registry import JobContext

SCENARIOS = Path(__file__).parents[2] / "data" / "investigations"


def scenario(name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(next(SCENARIOS.glob(f"{name}-*.json")).read_text())
    return found


def load(session: Session, admin: Person, name: str) -> tuple[dict[str, Any], Incident]:
    """The scenario imported, and the incident it investigates."""
    given = scenario(name)
    import_history(session, actor=admin.actor, now=utcnow(), document=parse(given["import"]))
    session.commit()
    target = session.scalars(
        select(Incident).where(Incident.external_ref == given["investigate"]["incident"])
    ).one()
    return given, target


def instant(given: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(given["investigate"]["at"].replace("Z", "+00:00"))


def run(
    session: Session, store: SimilarityStore, incident: Incident, person: Person, at: datetime
) -> investigations.Investigation:
    store.refresh()
    return investigations.investigate(
        session,
        store=store,
        incident=incident,
        actor=person.actor,
        sources=investigations.standard_sources(store),
        at=at,
    )


def test_every_source_answers_and_the_culprit_deploy_comes_first(
    session: Session, similarity: SimilarityStore, admin: Person
) -> None:
    given, incident = load(session, admin, "01")
    found = run(session, similarity, incident, admin, instant(given))
    assert {s.name: s.status for s in found.sources} == {
        "alerts": "ok",
        "changes": "ok",
        "past_incidents": "ok",
        "known_errors": "ok",
        "runbooks": "ok",
        "on_call": "ok",
    }
    top = found.conclusion.hypotheses[0]
    assert (top.kind, top.ref) == ("change", given["expect"][0]["ref"])
    assert not found.conclusion.no_strong_hypothesis
    assert {e.type for e in top.evidence} >= {"change", "alert"}
    assert any(step.startswith("Roll back") for step in top.next_steps)
    assert found.subject.alerts, "the incident's alerts are the symptoms"


def test_nothing_recorded_after_the_instant_counts(
    session: Session, similarity: SimilarityStore, admin: Person
) -> None:
    given, incident = load(session, admin, "01")
    culprit = next(
        c for c in given["import"]["change_events"] if c["id"] == given["expect"][0]["ref"]
    )
    before = datetime.fromisoformat(culprit["occurred_at"].replace("Z", "+00:00"))
    found = run(session, similarity, incident, admin, before - timedelta(minutes=1))
    assert culprit["id"] not in {h.ref for h in found.conclusion.hypotheses}
    assert all(a.first_fired <= before for a in found.subject.alerts)
    later = [
        c["id"]
        for c in given["import"]["change_events"]
        if datetime.fromisoformat(c["occurred_at"].replace("Z", "+00:00")) > instant(given)
    ]
    now = run(session, similarity, incident, admin, instant(given))
    assert not set(later) & {h.ref for h in now.conclusion.hypotheses}


def test_a_recurrence_is_named_and_private_past_incidents_stay_hidden(
    session: Session, similarity: SimilarityStore, admin: Person, viewer: Person
) -> None:
    given, incident = load(session, admin, "27")
    expected = {e["ref"] for e in given["expect"]}
    past = session.scalars(select(Incident).where(Incident.external_ref.in_(expected))).all()
    found = run(session, similarity, incident, admin, instant(given))
    refs = {h.ref for h in found.conclusion.hypotheses if h.kind == "past_incident"}
    assert refs & {p.reference for p in past}
    for incident_past in past:
        incident_past.private = True
    session.commit()
    hidden = run(session, similarity, incident, viewer, instant(given))
    cited = {e.ref for h in hidden.conclusion.hypotheses for e in h.evidence}
    assert not cited & {p.reference for p in past}


def test_a_known_error_brings_its_workaround(
    session: Session, similarity: SimilarityStore, admin: Person
) -> None:
    given, incident = load(session, admin, "21")
    found = run(session, similarity, incident, admin, instant(given))
    known = [h for h in found.conclusion.hypotheses if h.kind == "known_error"]
    assert known and known[0].ref and known[0].ref.startswith("KE-")
    assert any("workaround" in step for step in known[0].next_steps)


def test_verdicts_hold_in_later_investigations(
    session: Session, similarity: SimilarityStore, admin: Person
) -> None:
    given, incident = load(session, admin, "01")
    first = run(session, similarity, incident, admin, instant(given))
    top, second = first.conclusion.hypotheses[:2]
    for hypothesis, verdict in ((top, "ruled_out"), (second, "confirmed")):
        judge(
            session,
            incident=incident,
            key=hypothesis.key,
            verdict=verdict,
            kind=hypothesis.kind,
            ref=hypothesis.ref,
            title=hypothesis.title,
            actor=admin.actor,
            now=instant(given),
        )
    session.commit()
    later = instant(given) + timedelta(minutes=1)
    before = run(session, similarity, incident, admin, instant(given) - timedelta(seconds=1))
    assert not any(h.verdict for h in before.conclusion.hypotheses), "given after that instant"
    again = run(session, similarity, incident, admin, later).conclusion.hypotheses
    assert (again[0].key, again[0].confidence, again[0].verdict) == (second.key, 1.0, "confirmed")
    ruled = next(h for h in again if h.key == top.key)
    assert (ruled.confidence, ruled.verdict) == (0.0, "ruled_out")
    titles = session.scalars(
        select(TimelineEntry.title).where(TimelineEntry.incident_id == incident.id)
    ).all()
    assert any(t.startswith("Hypothesis ruled out") for t in titles)


def test_the_api_investigates_stores_and_takes_verdicts(
    client: TestClient, session: Session, admin: Person, viewer: Person
) -> None:
    given, incident = load(session, admin, "01")
    path = f"/api/v1/incidents/{incident.reference}/investigations"
    as_of = client.post(path, json={"at": given["investigate"]["at"]}, headers=admin.headers)
    assert as_of.status_code == 200, as_of.text
    body = as_of.json()
    assert set(body) == {
        "incident",
        "at",
        "no_strong_hypothesis",
        "hypotheses",
        "next_steps",
        "update_draft",
        "sources",
    }
    assert body["hypotheses"][0]["ref"] == given["expect"][0]["ref"]
    assert client.get(f"{path}/latest", headers=admin.headers).status_code == 404  # as of: kept
    now = client.post(path, headers=viewer.headers)
    assert now.status_code == 200, now.text
    latest = client.get(f"{path}/latest", headers=admin.headers)
    assert latest.json()["at"] == now.json()["at"]
    entries = session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.incident_id == incident.id, TimelineEntry.kind == "investigation"
        )
    ).all()
    assert len(entries) == 1
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert client.post(path, json={"at": future}, headers=admin.headers).status_code == 422
    unknown = {"key": "change:nothing", "verdict": "confirmed"}
    assert client.put(f"{path}/verdicts", json=unknown, headers=admin.headers).status_code == 422
    if now.json()["hypotheses"]:
        key = now.json()["hypotheses"][0]["key"]
        verdict = {"key": key, "verdict": "ruled_out"}
        assert (
            client.put(f"{path}/verdicts", json=verdict, headers=viewer.headers).status_code == 403
        )
        given_verdict = client.put(f"{path}/verdicts", json=verdict, headers=admin.headers)
        assert given_verdict.status_code == 200, given_verdict.text
        gone = client.delete(f"{path}/verdicts/{key}", headers=admin.headers)
        assert gone.status_code == 204


def test_a_new_alert_or_change_investigates_again_and_the_timeline_notes_new_conclusions(
    session: Session, database: Database, similarity: SimilarityStore, admin: Person
) -> None:
    _, incident = load(session, admin, "01")
    incident.status = "investigating"
    session.commit()
    state = worker_state(similarity=similarity, settings=Settings())
    context = JobContext(database, 1, "incident.changed", 1, utcnow(), state=state)
    investigate_changed(context, {"incident_id": incident.id, "fields": ["severity_id"]})
    assert investigations.latest(session, incident_id=incident.id) is None  # not a trigger
    investigate_changed(context, {"incident_id": incident.id, "fields": ["alerts"]})
    investigate_changed(context, {"incident_id": incident.id, "fields": ["summary"]})
    session.expire_all()
    stored = investigations.latest(session, incident_id=incident.id)
    assert stored is not None and stored.trigger == "summary"
    noted = session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.incident_id == incident.id, TimelineEntry.kind == "investigation"
        )
    ).all()
    assert len(noted) == 1, "the same conclusion twice is noted once"
    change = ChangeEvent(
        service_id=incident.services[0].id,
        kind="deploy",
        summary="hotfix",
        external_id="later-hotfix",
        occurred_at=utcnow(),
        received_at=utcnow(),
    )
    session.add(change)
    session.commit()
    assert concerned_by_change(session, change_id=change.id) == [incident.id]
    investigate_on_change(context, {"change_id": change.id})
    session.expire_all()
    latest = investigations.latest(session, incident_id=incident.id)
    assert latest is not None and latest.trigger == "change"


def test_a_confirmed_hypothesis_is_offered_in_the_postmortem_root_cause(
    session: Session, similarity: SimilarityStore, admin: Person
) -> None:
    given, incident = load(session, admin, "01")
    found = run(session, similarity, incident, admin, instant(given))
    top = found.conclusion.hypotheses[0]
    judge(
        session,
        incident=incident,
        key=top.key,
        verdict="confirmed",
        kind=top.kind,
        ref=top.ref,
        title=top.title,
        actor=admin.actor,
        now=utcnow(),
    )
    session.commit()
    drafted = drafting.draft(
        session,
        incident=incident,
        actor=admin.actor,
        index=similarity.reader(session),
        phraser=None,
        sections=["root_cause"],
    )
    [section] = [s for s in drafted.document.sections if s["key"] == "root_cause"]
    assert f"confirmed the investigation's hypothesis “{top.title}”" in section["body"]
