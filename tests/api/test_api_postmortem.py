"""The post-mortem through the API: draft from the record, edit, redraft without losing the
edit, versions and their diff, exports, the checklist, and who may do what."""

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person
from tests.integration.assist.story import Story, checkout_outage

BASE = "/api/v1/incidents"


@pytest.fixture
def story(session: Session, alice: Person, bob: Person) -> Story:
    made = checkout_outage(session, alice, bob)
    session.commit()
    return made


def ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_draft_edit_redraft_and_export(client: TestClient, story: Story, alice: Person) -> None:
    ref = story.incident.reference
    drafted = ok(client.post(f"{BASE}/{ref}/postmortem/draft", headers=alice.headers))
    assert "summary" in drafted["written"] and drafted["dropped"] == []
    assert drafted["phraser_error"] is None and drafted["seconds"] < 5
    document = drafted["postmortem"]
    assert document["template"] == "Full" and document["version"] == 1
    summary = next(s for s in document["sections"] if s["key"] == "summary")
    assert summary["body"].startswith(f"{ref} “Checkout errors after deploy”")
    assert "[^F-root_cause]" in summary["body"] and "F-root_cause" in document["sources"]

    edited = ok(
        client.put(
            f"{BASE}/{ref}/postmortem/sections/summary",
            json={"body": "Written by us.", "base_version": 1},
            headers=alice.headers,
        )
    )
    assert edited["version"] == 2
    stale = client.put(
        f"{BASE}/{ref}/postmortem/sections/summary",
        json={"body": "Late.", "base_version": 1},
        headers=alice.headers,
    )
    assert stale.status_code == 409 and "reload" in stale.json()["error"]["message"]

    again = ok(
        client.post(
            f"{BASE}/{ref}/postmortem/draft",
            json={"sections": ["summary", "timeline"]},
            headers=alice.headers,
        )
    )
    assert again["proposed"] == ["summary"]
    summary = next(s for s in again["postmortem"]["sections"] if s["key"] == "summary")
    assert summary["body"] == "Written by us." and summary["edited"] and summary["proposal"]
    left = ok(
        client.post(
            f"{BASE}/{ref}/postmortem/sections/summary/proposal",
            json={"take": False},
            headers=alice.headers,
        )
    )
    assert next(s for s in left["sections"] if s["key"] == "summary")["proposal"] is None

    versions = ok(client.get(f"{BASE}/{ref}/postmortem/versions", headers=alice.headers))
    assert [(v["number"], v["note"]) for v in versions] == [
        (4, "left the redraft of Summary"),
        (3, "redraft offered"),
        (2, "edited Summary"),
        (
            1,
            "drafted summary, impact, timeline, root_cause, detection, went_badly, follow_ups",
        ),
    ]
    assert versions[-1]["author"] == "Alice"
    diff = client.get(
        f"{BASE}/{ref}/postmortem/diff", params={"from": 1, "to": 2}, headers=alice.headers
    )
    assert diff.status_code == 200 and "+Written by us." in diff.text

    markdown = client.get(f"{BASE}/{ref}/postmortem/export", headers=alice.headers)
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith(f"# Post-mortem: {ref}")
    assert "[^F-mitigated_at]: Mitigated: 2026-03-10 10:25 UTC\n" in markdown.text
    page = client.get(
        f"{BASE}/{ref}/postmortem/export", params={"format": "html"}, headers=alice.headers
    )
    assert page.headers["content-type"].startswith("text/html")
    assert '<sup class="cite"><a href="#src-' in page.text and '<ol class="sources">' in page.text


def test_markdown_cannot_inject_html(client: TestClient, story: Story, alice: Person) -> None:
    ref = story.incident.reference
    ok(client.post(f"{BASE}/{ref}/postmortem", headers=alice.headers))
    body = "<script>alert(1)</script> [click](javascript:alert(2))"
    ok(
        client.put(
            f"{BASE}/{ref}/postmortem/sections/lessons", json={"body": body}, headers=alice.headers
        )
    )
    page = client.get(
        f"{BASE}/{ref}/postmortem/export", params={"format": "html"}, headers=alice.headers
    )
    assert "&lt;script&gt;" in page.text and "<script>" not in page.text
    assert 'href="javascript:' not in page.text


def test_viewers_read_but_do_not_write(
    client: TestClient, story: Story, alice: Person, viewer: Person
) -> None:
    ref = story.incident.reference
    assert client.post(f"{BASE}/{ref}/postmortem/draft", headers=viewer.headers).status_code == 403
    assert client.get(f"{BASE}/{ref}/postmortem", headers=viewer.headers).status_code == 404
    ok(client.post(f"{BASE}/{ref}/postmortem/draft", headers=alice.headers))
    assert ok(client.get(f"{BASE}/{ref}/postmortem", headers=viewer.headers))["version"] == 1
    missing = client.put(
        f"{BASE}/{ref}/postmortem/sections/nope", json={"body": "x"}, headers=alice.headers
    )
    assert (
        missing.status_code == 404
        and "its sections are summary" in missing.json()["error"]["message"]
    )


def test_the_checklist_through_the_api(
    client: TestClient, session: Session, story: Story, alice: Person
) -> None:
    from watchkeep.postmortem import checklist

    ref = story.incident.reference
    assert ok(client.get(f"{BASE}/{ref}/post-incident", headers=alice.headers))["tasks"] == []
    checklist.start(session, incident=story.incident, now=story.incident.declared_at)
    session.commit()
    listed = ok(client.get(f"{BASE}/{ref}/post-incident", headers=alice.headers))
    assert listed["status"] == "documenting" and len(listed["tasks"]) == 4
    first = listed["tasks"][0]["id"]
    skipped = client.post(
        f"{BASE}/{ref}/post-incident/tasks/{first}/skip", json={"reason": ""}, headers=alice.headers
    )
    assert skipped.status_code == 422
    done = ok(
        client.post(f"{BASE}/{ref}/post-incident/tasks/{first}/complete", headers=alice.headers)
    )
    assert done["tasks"][0]["state"] == "done"


def test_admins_configure_templates_and_flows(
    client: TestClient, admin: Person, alice: Person
) -> None:
    templates = ok(client.get("/api/v1/postmortem-templates", headers=alice.headers))
    assert {t["name"] for t in templates} >= {"Full", "Lightweight"}
    body = {
        "name": "Security",
        "sections": [
            {"key": "summary", "title": "Summary"},
            {"key": "exposure", "title": "Exposure"},
        ],
    }
    assert (
        client.post("/api/v1/postmortem-templates", json=body, headers=alice.headers).status_code
        == 403
    )
    ok(client.post("/api/v1/postmortem-templates", json=body, headers=admin.headers))
    flow = {
        "name": "Security incidents",
        "incident_types": ["Security"],
        "template": "Security",
        "tasks": [{"kind": "notify_legal", "title": "Tell legal", "due_days": 1}],
    }
    made = ok(client.post("/api/v1/post-incident-flows", json=flow, headers=admin.headers))
    assert made["template"] == "Security" and made["tasks"][0]["phase"] == "documenting"
    twice = {**flow, "name": "Dup", "tasks": flow["tasks"] * 2}
    bad = client.post("/api/v1/post-incident-flows", json=twice, headers=admin.headers)
    assert bad.status_code == 422 and "comes twice" in bad.json()["error"]["message"]
    assert (
        client.delete(
            f"/api/v1/post-incident-flows/{made['id']}", headers=admin.headers
        ).status_code
        == 204
    )


def test_the_root_cause_section_becomes_the_incidents_root_cause(
    client: TestClient, story: Story, alice: Person
) -> None:
    ref = story.incident.reference
    ok(client.post(f"{BASE}/{ref}/postmortem", headers=alice.headers))
    empty = client.post(
        f"{BASE}/{ref}/postmortem/sections/root_cause/root-cause", headers=alice.headers
    )
    assert empty.status_code == 422 and "write the root cause first" in empty.text
    body = {"body": "Coupons were null for guests.[^F-root_cause] The test suite missed it."}
    ok(client.put(f"{BASE}/{ref}/postmortem/sections/root_cause", json=body, headers=alice.headers))
    incident = ok(
        client.post(
            f"{BASE}/{ref}/postmortem/sections/root_cause/root-cause", headers=alice.headers
        )
    )
    assert incident["root_cause"] == "Coupons were null for guests. The test suite missed it."
    kinds = [e["kind"] for e in ok(client.get(f"{BASE}/{ref}/timeline", headers=alice.headers))]
    assert kinds.count("root_cause_changed") == 2  # the story's own, and this one
