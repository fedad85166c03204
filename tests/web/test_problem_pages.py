"""Problem management in the web UI, on SQLite and PostgreSQL: pages, forms, inline errors,
the incident page's problem panels, and private incidents kept out of sight."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import (
    Person,
    make_action,
    make_incident,
    make_known_error,
    make_person,
    make_problem,
    make_service,
    propose_problem,
    raise_problem,
)
from tests.web.helpers import HTML, HX, hx, log_in

from watchkeep.core.clock import utcnow
from watchkeep.followup import service as followups
from watchkeep.incident.models import Incident
from watchkeep.problem import known_errors, links, rca
from watchkeep.problem import service as problems
from watchkeep.problem.known_errors import FIX_STATUSES
from watchkeep.problem.matching import matches_for_incident, record_match
from watchkeep.problem.models import KnownError, Problem


@pytest.fixture
def incident(session: Session, alice: Person) -> Incident:
    orders = make_service(session, "orders")
    found = make_incident(
        session,
        alice,
        title="Kafka consumer group stuck",
        summary="Orders backlog growing",
        service_ids=[orders.id],
    )
    session.commit()
    return found


@pytest.fixture
def problem(session: Session, alice: Person, incident: Incident) -> Problem:
    raised = raise_problem(session, alice, incident)
    session.commit()
    return raised


@pytest.fixture
def known(session: Session, alice: Person, problem: Problem) -> KnownError:
    recorded = make_known_error(
        session,
        alice,
        problem=problem,
        title="Consumer group stuck on orders",
        symptoms="consumer group stuck, lag growing on orders topic",
        workaround=["Restart the consumer group", "Check the lag drains"],
        alert_names=["KafkaConsumerLagHigh"],
        now=utcnow(),
    )
    session.commit()
    return recorded


def fresh(session: Session, problem: Problem) -> Problem:
    session.expire_all()
    return problems.get(session, ref=problem.reference)


def slot(part: str) -> str:
    """What an inline error answer swaps into."""
    return f'hx-swap-oob="innerHTML:#{part}-error"'


# ---------- pages ----------


@pytest.mark.parametrize(
    "path",
    [
        "/problems",
        "/problems?state=new&open=true&priority=medium&service=1&q=Kafka",
        "/problems/new",
        "/problems/PRB",
        "/problems/candidates",
        "/known-errors",
        "/known-errors?q=consumer&retired=true",
        "/known-errors/KE",
        "/incidents/INC",
        "/incidents",
    ],
)
def test_every_problem_page_renders(
    client: TestClient,
    session: Session,
    alice: Person,
    incident: Incident,
    problem: Problem,
    known: KnownError,
    path: str,
) -> None:
    rca.set_whys(
        session,
        problem=problem,
        actor=alice.actor,
        steps=[("Why stuck?", "Rebalance")],
        now=utcnow(),
    )
    rca.add_factor(
        session,
        problem=problem,
        actor=alice.actor,
        category="process",
        description="No runbook",
        now=utcnow(),
    )
    make_action(session, alice, problem, title="Alert on lag", action_type="detective")
    record_match(
        session, incident=incident, known=known, score=0.8, reasons=["shared service"], now=utcnow()
    )
    session.commit()
    log_in(client, alice)
    path = (
        path.replace("PRB", problem.reference)
        .replace("KE", known.reference)
        .replace("INC", incident.reference)
    )
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    assert "<title>" in response.text


def test_the_problem_page_shows_impact_incidents_rca_known_errors_actions_and_timeline(
    client: TestClient,
    session: Session,
    alice: Person,
    incident: Incident,
    problem: Problem,
    known: KnownError,
) -> None:
    rca.set_root_cause(
        session,
        problem=problem,
        actor=alice.actor,
        statement="Offsets committed too late",
        now=utcnow(),
    )
    session.commit()
    log_in(client, alice)
    page = client.get(f"/problems/{problem.reference}", headers=HTML).text
    for part in ("problem-header", "impact", "linked-incidents", "root-cause", "whys", "factors"):
        assert f'id="{part}"' in page
    assert "Offsets committed too late" in page
    assert incident.reference in page
    assert "raised from the incident" in page  # why it was linked
    assert "Restart the consumer group" in page
    assert "Known error KE-" in page  # the timeline
    # Only the states allowed next are offered.
    options = re.search(r'<select id="state-select" name="state">(.*?)</select>', page, re.S)
    assert options is not None
    assert re.findall(r'value="(\w+)"', options.group(1)) == ["investigating", "canceled"]


def test_the_problem_list_filters(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    other = make_problem(session, alice, title="Disk fills up", priority="high")
    problems.transition(session, problem=other, actor=alice.actor, state="canceled", now=utcnow())
    session.commit()
    log_in(client, alice)
    everything = client.get("/problems", headers=HTML).text
    assert problem.title in everything
    assert "Disk fills up" in everything
    open_only = client.get("/problems?open=true", headers=HX)
    assert open_only.text.lstrip().startswith('<section id="results"')
    assert "Disk fills up" not in open_only.text
    assert "Disk fills up" in client.get("/problems?priority=high", headers=HTML).text
    assert "Disk fills up" not in client.get("/problems?q=Kafka", headers=HTML).text
    assert client.get("/problems?state=nonsense", headers=HTML).status_code == 422


# ---------- creating and raising ----------


def test_creating_a_problem_through_the_form(
    client: TestClient, session: Session, alice: Person
) -> None:
    db = make_service(session, "db")
    session.commit()
    token = log_in(client, alice)
    form = {
        "csrf_token": token,
        "title": "Replica lag spikes",
        "description": "Every night at 02:00",
        "priority": "high",
        "owner_id": str(alice.user.id),
        "service_ids": [str(db.id)],
    }
    response = client.post("/problems", data=form, follow_redirects=False)
    assert response.status_code == 303
    created = problems.get(session, ref=response.headers["location"].rsplit("/", 1)[1])
    assert (created.title, created.priority, created.owner_id) == (
        "Replica lag spikes",
        "high",
        alice.user.id,
    )
    assert [s.name for s in created.services] == ["db"]
    via_htmx = client.post("/problems", data=form, headers=hx(token, "new-problem"))
    assert via_htmx.status_code == 204
    assert via_htmx.headers["HX-Redirect"].startswith("/problems/PRB-")
    empty = client.post("/problems", data={"title": " "}, headers=hx(token, "new-problem"))
    assert empty.status_code == 422
    assert slot("new-problem") in empty.text
    assert "title must not be empty" in empty.text


def test_raising_a_problem_from_the_incident_page(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    token = log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert "Raise problem" in page
    response = client.post(
        "/problems/raise",
        data={"incidents": incident.reference, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    raised = problems.get(session, ref=response.headers["location"].rsplit("/", 1)[1])
    assert raised.title == incident.title
    assert [s.name for s in raised.services] == ["orders"]
    assert [p.id for p in links.problems_of_incident(session, incident_id=incident.id)] == [
        raised.id
    ]
    panel = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert f'href="/problems/{raised.reference}"' in panel


def test_raising_a_problem_from_selected_incidents(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    second = make_incident(session, alice, title="Orders lag again")
    session.commit()
    token = log_in(client, alice)
    listing = client.get("/incidents", headers=HTML).text
    assert 'form="bulk-raise"' in listing
    assert "Raise problem from selected" in listing
    response = client.post(
        "/problems/raise",
        data={"incidents": [incident.reference, second.reference], "title": "Orders consumers"},
        headers=hx(token, "bulk-raise"),
    )
    assert response.status_code == 204
    raised = problems.get(session, ref=response.headers["HX-Redirect"].rsplit("/", 1)[1])
    assert raised.title == "Orders consumers"
    linked = links.linked_incidents(session, problem_id=raised.id, actor=alice.actor)
    assert {i.reference for i, _ in linked} == {incident.reference, second.reference}
    none = client.post("/problems/raise", data={}, headers=hx(token, "bulk-raise"))
    assert none.status_code == 422
    assert slot("bulk-raise") in none.text


# ---------- the problem page's controls ----------


def test_changing_state_swaps_the_header_impact_and_timeline(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    token = log_in(client, alice)
    url = f"/problems/{problem.reference}/state"
    response = client.post(
        url, data={"state": "investigating"}, headers=hx(token, "problem-header")
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="problem-header"')
    assert 'id="impact" class="impact" hx-swap-oob="true"' in response.text
    assert "State changed from new to investigating" in response.text
    assert fresh(session, problem).state == "investigating"

    refused = client.post(url, data={"state": "closed"}, headers=hx(token, "problem-header"))
    assert refused.status_code == 409
    assert slot("problem-header") in refused.text
    assert "cannot move from investigating to closed" in refused.text
    no_cause = client.post(
        url, data={"state": "root_cause_identified"}, headers=hx(token, "problem-header")
    )
    assert no_cause.status_code == 422
    assert "root-cause statement" in no_cause.text
    assert fresh(session, problem).state == "investigating"
    plain = client.post(url, data={"state": "closed", "csrf_token": token}, headers=HTML)
    assert plain.status_code == 409
    assert "<html" in plain.text


def test_editing_the_details(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    bob = make_person(session, name="Bob Owner")
    session.commit()
    token = log_in(client, alice)
    url = f"/problems/{problem.reference}/details"
    response = client.post(
        url,
        data={
            "title": "Orders consumer stalls",
            "description": "Seen weekly",
            "priority": "urgent",
            "owner_id": str(bob.user.id),
        },
        headers=hx(token, "problem-header"),
    )
    assert response.status_code == 200
    assert "Orders consumer stalls" in response.text
    changed = fresh(session, problem)
    assert (changed.title, changed.priority, changed.owner_id) == (
        "Orders consumer stalls",
        "urgent",
        bob.user.id,
    )
    assert changed.services == []
    bad = client.post(
        url, data={"title": "x", "priority": "whenever"}, headers=hx(token, "problem-header")
    )
    assert bad.status_code == 422
    assert slot("problem-header") in bad.text


def test_linking_and_unlinking_incidents_on_the_problem_page(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    other = make_incident(session, alice, title="Orders lag, again")
    session.commit()
    token = log_in(client, alice)
    url = f"/problems/{problem.reference}/incidents"
    linked = client.post(
        url,
        data={"incident": other.reference, "reason": "same consumer group"},
        headers=hx(token, "linked-incidents"),
    )
    assert linked.status_code == 200
    assert linked.text.lstrip().startswith('<section id="linked-incidents"')
    assert "same consumer group" in linked.text
    assert 'id="impact" class="impact" hx-swap-oob="true"' in linked.text
    again = client.post(
        url, data={"incident": other.reference}, headers=hx(token, "linked-incidents")
    )
    assert again.status_code == 409
    assert slot("linked-incidents") in again.text
    missing = client.post(url, data={"incident": "INC-9999"}, headers=hx(token, "linked-incidents"))
    assert missing.status_code == 404
    assert slot("linked-incidents") in missing.text
    unlinked = client.post(f"{url}/{other.reference}/unlink", headers=hx(token, "linked-incidents"))
    assert unlinked.status_code == 200
    refs = {
        i.reference
        for i, _ in links.linked_incidents(session, problem_id=problem.id, actor=alice.actor)
    }
    assert other.reference not in refs


def test_linking_and_unlinking_from_the_incident_page(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    other = make_problem(session, alice, title="Broker disk pressure")
    session.commit()
    token = log_in(client, alice)
    url = f"/incidents/{incident.reference}/problems"
    linked = client.post(
        url,
        data={"problem": other.reference, "reason": "disk full on broker"},
        headers=hx(token, "problems"),
    )
    assert linked.status_code == 200
    assert linked.text.lstrip().startswith('<section id="problems"')
    assert "Broker disk pressure" in linked.text
    assert f"Linked to {other.reference}" in linked.text  # the incident's timeline, out of band
    missing = client.post(url, data={"problem": "PRB-9999"}, headers=hx(token, "problems"))
    assert missing.status_code == 404
    assert slot("problems") in missing.text
    unlinked = client.post(f"{url}/{other.reference}/unlink", headers=hx(token, "problems"))
    assert unlinked.status_code == 200
    assert links.problems_of_incident(session, incident_id=incident.id) == []


def test_the_whys_chain_is_replaced_and_a_half_row_is_refused(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    token = log_in(client, alice)
    url = f"/problems/{problem.reference}/whys"
    saved = client.post(
        url,
        data={
            "question": ["Why was the backlog growing?", "Why was it stuck?", ""],
            "answer": ["The consumer group was stuck", "A rebalance never finished", ""],
        },
        headers=hx(token, "whys"),
    )
    assert saved.status_code == 200
    assert saved.text.lstrip().startswith('<section id="whys"')
    assert [(w.question, w.answer) for w in rca.whys(session, problem_id=problem.id)] == [
        ("Why was the backlog growing?", "The consumer group was stuck"),
        ("Why was it stuck?", "A rebalance never finished"),
    ]
    replaced = client.post(
        url, data={"question": ["Why?"], "answer": ["Because"]}, headers=hx(token, "whys")
    )
    assert replaced.status_code == 200
    assert len(rca.whys(session, problem_id=problem.id)) == 1
    half = client.post(url, data={"question": ["Why?"], "answer": [""]}, headers=hx(token, "whys"))
    assert half.status_code == 422
    assert slot("whys") in half.text
    assert "step 1 needs both" in half.text
    assert len(rca.whys(session, problem_id=problem.id)) == 1


def test_contributing_factors_and_the_root_cause(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    token = log_in(client, alice)
    base = f"/problems/{problem.reference}"
    added = client.post(
        f"{base}/factors",
        data={"category": "technology", "description": "Session timeout too short"},
        headers=hx(token, "factors"),
    )
    assert added.status_code == 200
    assert "Session timeout too short" in added.text
    [factor] = rca.factors(session, problem_id=problem.id)
    assert factor.category == "technology"
    bad = client.post(
        f"{base}/factors",
        data={"category": "luck", "description": "x"},
        headers=hx(token, "factors"),
    )
    assert bad.status_code == 422
    assert slot("factors") in bad.text
    removed = client.post(f"{base}/factors/{factor.id}/remove", headers=hx(token, "factors"))
    assert removed.status_code == 200
    assert rca.factors(session, problem_id=problem.id) == []
    gone = client.post(f"{base}/factors/{factor.id}/remove", headers=hx(token, "factors"))
    assert gone.status_code == 404

    written = client.post(
        f"{base}/root-cause",
        data={"statement": "Offsets are committed after a slow call"},
        headers=hx(token, "root-cause"),
    )
    assert written.status_code == 200
    assert written.text.lstrip().startswith('<section id="root-cause"')
    assert fresh(session, problem).root_cause == "Offsets are committed after a slow call"
    assert "Root-cause statement written" in written.text


def test_recording_a_known_error_on_the_problem_page(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    token = log_in(client, alice)
    page = client.get(f"/problems/{problem.reference}", headers=HTML).text
    form_part = page[page.index('<section id="known-errors"') :]
    for fix_status in FIX_STATUSES:  # the form offers every fix status
        assert f'<option value="{fix_status}"' in form_part
    url = f"/problems/{problem.reference}/known-errors"
    form = {
        "title": "Consumer group stuck",
        "symptoms": "consumer group stuck, lag growing",
        "workaround": "1. Restart the consumer group\n\n- Watch the lag drain\n",
        "fix_status": "planned",
        "fix_link": "https://tracker.example/ORD-12",
        "alert_names": "KafkaConsumerLagHigh, OrdersBacklog",
    }
    recorded = client.post(url, data=form, headers=hx(token, "known-errors"))
    assert recorded.status_code == 200
    assert recorded.text.lstrip().startswith('<section id="known-errors"')
    [known] = known_errors.for_problem(session, problem_id=problem.id)
    assert known.workaround == ["Restart the consumer group", "Watch the lag drain"]
    assert known.alert_names == ["KafkaConsumerLagHigh", "OrdersBacklog"]
    assert (known.fix_status, known.fix_link) == ("planned", "https://tracker.example/ORD-12")
    no_steps = client.post(
        url, data={**form, "workaround": "\n"}, headers=hx(token, "known-errors")
    )
    assert no_steps.status_code == 422
    assert slot("known-errors") in no_steps.text
    bad_link = client.post(
        url, data={**form, "fix_link": "ftp://x"}, headers=hx(token, "known-errors")
    )
    assert bad_link.status_code == 422
    assert len(known_errors.for_problem(session, problem_id=problem.id)) == 1


def test_problem_actions_are_added_completed_and_declined(
    client: TestClient, session: Session, alice: Person, problem: Problem
) -> None:
    token = log_in(client, alice)
    url = f"/problems/{problem.reference}/follow-ups"
    added = client.post(
        url,
        data={"title": "Alert on consumer lag", "action_type": "detective", "priority": "high"},
        headers=hx(token, "actions"),
    )
    assert added.status_code == 200
    assert "Alert on consumer lag" in added.text
    assert 'class="atype atype-detective"' in added.text
    client.post(url, data={"title": "Rewrite the consumer"}, headers=hx(token, "actions"))
    first, second = followups.list_for_problem(session, problem_id=problem.id)
    assert (first.action_type, first.priority) == ("detective", "high")
    assert second.action_type == "corrective"
    done = client.post(
        f"{url}/{first.id}/status", data={"status": "completed"}, headers=hx(token, "actions")
    )
    assert done.status_code == 200
    no_reason = client.post(
        f"{url}/{second.id}/status", data={"status": "not_doing"}, headers=hx(token, "actions")
    )
    assert no_reason.status_code == 422
    assert slot("actions") in no_reason.text
    declined = client.post(
        f"{url}/{second.id}/status",
        data={"status": "not_doing", "not_doing_reason": "Too big"},
        headers=hx(token, "actions"),
    )
    assert declined.status_code == 200
    assert "is now not doing" in declined.text  # the problem's timeline, out of band
    session.expire_all()
    assert [f.status for f in followups.list_for_problem(session, problem_id=problem.id)] == [
        "completed",
        "not_doing",
    ]
    bad_type = client.post(
        url, data={"title": "x", "action_type": "magic"}, headers=hx(token, "actions")
    )
    assert bad_type.status_code == 422


# ---------- the known-error database ----------


def test_the_known_error_database_searches_and_edits(
    client: TestClient, session: Session, alice: Person, known: KnownError
) -> None:
    make_known_error(session, alice, title="Disk full", symptoms="no space left", workaround=["rm"])
    session.commit()
    token = log_in(client, alice)
    found = client.get("/known-errors?q=lag+growing", headers=HTML).text
    assert known.title in found
    assert "Restart the consumer group" in found
    assert "Disk full" not in found
    fragment = client.get("/known-errors?q=space", headers=HX)
    assert fragment.text.lstrip().startswith('<section id="ke-results"')
    assert "Disk full" in fragment.text

    url = f"/known-errors/{known.reference}"
    form = {
        "title": known.title,
        "symptoms": known.symptoms,
        "workaround": "Restart the consumer group\nScale the consumers up",
        "fix_status": "released",
        "fix_link": "",
        "alert_names": "",
        "active": "true",
    }
    edited = client.post(url, data=form, headers=hx(token, "known-error"))
    assert edited.status_code == 200
    assert edited.text.lstrip().startswith('<section id="known-error"')
    session.expire_all()
    changed = known_errors.get(session, ref=known.reference)
    assert changed.workaround == ["Restart the consumer group", "Scale the consumers up"]
    assert (changed.fix_status, changed.alert_names, changed.active) == ("released", [], True)
    plain = client.post(url, data={**form, "csrf_token": token}, follow_redirects=False)
    assert plain.status_code == 303
    assert plain.headers["location"] == url
    bad = client.post(url, data={**form, "fix_status": "soon"}, headers=hx(token, "known-error"))
    assert bad.status_code == 422
    assert slot("known-error") in bad.text
    retired = client.post(
        url, data={k: v for k, v in form.items() if k != "active"}, headers=hx(token, "known-error")
    )
    assert retired.status_code == 200
    assert known.title not in client.get("/known-errors", headers=HTML).text
    assert known.title in client.get("/known-errors?retired=true", headers=HTML).text
    assert client.get("/known-errors/KE-9999", headers=HTML).status_code == 404


# ---------- the incident page ----------


def test_a_known_error_match_shows_on_the_incident_and_can_be_dismissed(
    client: TestClient, session: Session, alice: Person, incident: Incident, known: KnownError
) -> None:
    record_match(
        session, incident=incident, known=known, score=0.7, reasons=["same service"], now=utcnow()
    )
    session.commit()
    token = log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert (
        f'Matches <a href="/known-errors/{known.reference}">{known.reference}</a>: {known.title}'
        in page
    )
    assert "Check the lag drains" in page
    banner = client.get(f"/incidents/{incident.reference}/panels/known-error-matches", headers=HX)
    assert banner.text.lstrip().startswith('<div id="known-error-matches"')
    assert 'hx-trigger="every' not in banner.text  # matched: no more polling
    url = f"/incidents/{incident.reference}/known-errors/{known.id}/dismiss"
    dismissed = client.post(url, headers=hx(token, "known-error-matches"))
    assert dismissed.status_code == 200
    assert "does not apply (dismissed)" in dismissed.text  # the timeline, out of band
    assert matches_for_incident(session, incident_id=incident.id) == []
    after = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert 'class="ke-banner"' not in after
    unknown = client.post(
        f"/incidents/{incident.reference}/known-errors/9999/dismiss",
        headers=hx(token, "known-error-matches"),
    )
    assert unknown.status_code == 404
    assert slot("known-error-matches") in unknown.text


def test_a_fresh_incident_waits_for_its_known_error_matches(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    log_in(client, alice)
    banner = client.get(
        f"/incidents/{incident.reference}/panels/known-error-matches", headers=HX
    ).text
    assert (
        f'hx-get="/incidents/{incident.reference}/panels/known-error-matches" hx-trigger="every 2s"'
        in banner
    )


def test_similar_incidents_show_on_the_incident_page(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    make_incident(session, alice, title="Kafka consumer group stuck on payments")
    make_incident(session, alice, title="Login page slow")
    session.commit()
    log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML).text
    similar = page.split('id="similar"', 1)[1].split("</section>", 1)[0]
    assert "Kafka consumer group stuck on payments" in similar
    assert "%" in similar  # the score


# ---------- candidates ----------


def test_accepting_and_dismissing_proposed_problems(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    second = make_incident(session, alice, title="Kafka consumer group stuck again")
    third = make_incident(session, alice, title="Disk full")
    fourth = make_incident(session, alice, title="Disk full again")
    evidence = {"shared_services": ["orders"], "top_terms": ["consumer", "stuck"], "count": 2}
    kafka = propose_problem(
        session,
        [incident, second],
        fingerprint="kafka",
        title="Kafka consumers get stuck",
        evidence={**evidence, "pattern": "weekly"},
        score=0.8,
        now=utcnow(),
    )
    disk = propose_problem(
        session,
        [third, fourth],
        fingerprint="disk",
        title="Disks fill up",
        evidence={"count": 2},
        score=0.6,
        now=utcnow(),
    )
    assert kafka is not None
    assert disk is not None
    session.commit()
    token = log_in(client, alice)
    page = client.get("/problems/candidates", headers=HTML).text
    assert "Kafka consumers get stuck" in page
    assert "weekly" in page
    assert second.reference in page
    dismissed = client.post(
        f"/problems/candidates/{disk.id}/dismiss", headers=hx(token, "candidates")
    )
    assert dismissed.status_code == 200
    assert "Disks fill up" not in dismissed.text
    twice = client.post(f"/problems/candidates/{disk.id}/dismiss", headers=hx(token, "candidates"))
    assert twice.status_code == 409
    assert slot("candidates") in twice.text
    accepted = client.post(
        f"/problems/candidates/{kafka.id}/accept",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    problem = problems.get(session, ref=accepted.headers["location"].rsplit("/", 1)[1])
    assert problem.title == "Kafka consumers get stuck"
    assert "Nothing proposed" in client.get("/problems/candidates", headers=HTML).text


# ---------- who may see and do what ----------


def test_a_private_incident_stays_off_the_problem_page_for_non_participants(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    problem = make_problem(session, alice, title="Credential handling")
    links.link(
        session, problem=problem, incident_ref=incident.reference, actor=alice.actor, now=utcnow()
    )
    secret = make_incident(session, alice, title="Leaked credentials", private=True)
    links.link(
        session,
        problem=problem,
        incident_ref=secret.reference,
        actor=alice.actor,
        reason="secret",
        now=utcnow(),
    )
    bob = make_person(session)
    session.commit()

    log_in(client, bob)
    page = client.get(f"/problems/{problem.reference}", headers=HTML).text
    assert incident.reference in page
    assert "Leaked credentials" not in page
    assert secret.reference not in page
    impact = page.split('id="impact"', 1)[1].split("</section>", 1)[0]
    assert re.search(
        r'<span class="stat-value">1</span>\s*<span class="stat-label">Incidents', impact
    )
    assert "Leaked credentials" not in client.get("/incidents", headers=HTML).text
    assert (
        "Leaked credentials"
        not in client.get(f"/incidents/{incident.reference}", headers=HTML).text
    )

    log_in(client, alice)
    page = client.get(f"/problems/{problem.reference}", headers=HTML).text
    assert "Leaked credentials" in page
    assert f"Linked {secret.reference}" in page


def test_a_problem_raised_over_a_private_incident_shows_nothing_of_it_to_others(
    client: TestClient, session: Session, alice: Person, incident: Incident
) -> None:
    secret = make_incident(
        session, alice, title="Leaked credentials", summary="keys in logs", private=True
    )
    raised = raise_problem(session, alice, incident, secret, title="Secrets")
    bob = make_person(session)
    session.commit()
    log_in(client, bob)
    page = client.get(f"/problems/{raised.reference}", headers=HTML).text
    assert incident.reference in page
    leaks = [t for t in (secret.reference, "Leaked credentials", "keys in logs") if t in page]
    assert leaks == []


def test_viewers_see_problems_but_no_controls(
    client: TestClient, session: Session, problem: Problem, incident: Incident
) -> None:
    viewer = make_person(session, "viewer")
    session.commit()
    token = log_in(client, viewer)
    page = client.get(f"/problems/{problem.reference}", headers=HTML)
    assert page.status_code == 200
    assert "Change state" not in page.text
    assert "Record a known error" not in page.text
    assert "Raise problem" not in client.get(f"/incidents/{incident.reference}", headers=HTML).text
    assert 'form="bulk-raise"' not in client.get("/incidents", headers=HTML).text
    refused = client.post(
        f"/problems/{problem.reference}/state",
        data={"state": "investigating"},
        headers=hx(token, "problem-header"),
    )
    assert refused.status_code == 403
    assert client.get("/problems/new", headers=HTML).status_code == 403
