"""The post-incident flow in the web UI: the incident page's panel (root cause, resolution,
the checklist), the post-mortem page (draft, edit, preview, redraft offered beside an edit),
and the dashboard's overdue tasks."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person
from tests.integration.assist.story import Story, checkout_outage
from tests.web.helpers import HTML, hx, log_in

from watchkeep.postmortem import checklist, documents


@pytest.fixture
def story(session: Session, alice: Person, bob: Person) -> Story:
    made = checkout_outage(session, alice, bob)
    session.commit()
    return made


def test_the_incident_page_shows_and_saves_the_root_cause(
    client: TestClient, session: Session, story: Story, alice: Person
) -> None:
    token = log_in(client, alice)
    ref = story.incident.reference
    page = client.get(f"/incidents/{ref}", headers=HTML).text
    assert 'id="post-incident"' in page and "A null coupon in checkout v2.3.1" in page
    form = {"csrf_token": token, "root_cause": "Coupon bug.", "resolution": "Rolled back."}
    answer = client.post(
        f"/incidents/{ref}/post-incident/texts", data=form, headers=hx(token, "post-incident")
    )
    assert answer.status_code == 200 and "Coupon bug." in answer.text
    session.refresh(story.incident)
    assert (story.incident.root_cause, story.incident.resolution) == ("Coupon bug.", "Rolled back.")


def test_the_checklist_is_worked_from_the_incident_page(
    client: TestClient, session: Session, story: Story, alice: Person
) -> None:
    checklist.start(session, incident=story.incident, now=story.incident.declared_at)
    session.commit()
    token = log_in(client, alice)
    ref = story.incident.reference
    page = client.get(f"/incidents/{ref}", headers=HTML).text
    assert "Write the post-mortem" in page and "Hold the post-incident review" in page
    tasks = checklist.tasks_of(session, incident_id=story.incident.id)
    done = client.post(
        f"/incidents/{ref}/post-incident/tasks/{tasks[0].id}/complete",
        data={"csrf_token": token},
        headers=hx(token, "post-incident"),
    )
    assert done.status_code == 200 and "✓ Write the post-mortem" in done.text
    empty = client.post(
        f"/incidents/{ref}/post-incident/tasks/{tasks[1].id}/skip",
        data={"csrf_token": token, "reason": " "},
        headers=hx(token, "post-incident"),
    )
    assert empty.status_code == 422 and "say why" in empty.text


def test_draft_edit_and_redraft_on_the_post_mortem_page(
    client: TestClient, session: Session, story: Story, alice: Person
) -> None:
    token = log_in(client, alice)
    ref = story.incident.reference
    empty = client.get(f"/incidents/{ref}/postmortem", headers=HTML).text
    assert "Draft from the record" in empty and "No post-mortem yet" in empty
    drafted = client.post(
        f"/incidents/{ref}/postmortem/draft", data={"csrf_token": token}, follow_redirects=False
    )
    assert drafted.status_code == 303
    page = client.get(drafted.headers["location"], headers=HTML).text
    assert "Drafted in" in page and '<sup class="cite">' in page and 'id="src-F-root_cause"' in page
    preview = client.post(
        f"/incidents/{ref}/postmortem/preview",
        data={"csrf_token": token, "body": "**Bold** claim.[^F-root_cause]"},
        headers=hx(token, "pm-preview-summary"),
    )
    assert (
        "<strong>Bold</strong>" in preview.text
        and 'title="Root cause: A null coupon' in preview.text
    )
    saved = client.post(
        f"/incidents/{ref}/postmortem/sections/summary",
        data={"csrf_token": token, "body": "Our words.", "base_version": "1"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    stale = client.post(
        f"/incidents/{ref}/postmortem/sections/summary",
        data={"csrf_token": token, "body": "Late.", "base_version": "1"},
        headers=hx(token, "postmortem"),
    )
    assert stale.status_code == 409
    client.post(
        f"/incidents/{ref}/postmortem/draft", data={"csrf_token": token, "section": "summary"}
    )
    page = client.get(f"/incidents/{ref}/postmortem", headers=HTML).text
    assert "A redraft is offered" in page and "Our words." in page and "+INC-" in page
    client.post(
        f"/incidents/{ref}/postmortem/sections/summary/proposal",
        data={"csrf_token": token, "take": "yes"},
    )
    document = documents.get(session, incident=story.incident)
    session.refresh(document)
    assert documents.section(document, "summary")["body"].startswith(ref)


def test_the_dashboard_lists_overdue_tasks(
    client: TestClient, session: Session, story: Story, alice: Person
) -> None:
    long_ago = story.incident.declared_at - timedelta(days=30)
    for task in checklist.start(session, incident=story.incident, now=long_ago):
        task.due_at = long_ago
    session.commit()
    log_in(client, alice)
    page = client.get("/", headers=HTML).text
    assert "Overdue post-incident tasks" in page and "Write the post-mortem" in page


def test_history_and_what_a_version_changed(
    client: TestClient, session: Session, story: Story, alice: Person
) -> None:
    token = log_in(client, alice)
    ref = story.incident.reference
    client.post(f"/incidents/{ref}/postmortem/draft", data={"csrf_token": token})
    client.post(
        f"/incidents/{ref}/postmortem/sections/lessons",
        data={"csrf_token": token, "body": "Test the guest path."},
    )
    page = client.get(f"/incidents/{ref}/postmortem", headers=HTML).text
    assert f'href="/incidents/{ref}/postmortem/diff?to=2">Version 2</a>: edited Lessons' in page
    diff = client.get(f"/incidents/{ref}/postmortem/diff?to=2", headers=HTML).text
    assert "What version 2 changed" in diff and "+Test the guest path." in diff
    adopted = client.post(
        f"/incidents/{ref}/postmortem/sections/root_cause/root-cause",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert adopted.status_code == 303
    session.refresh(story.incident)
    assert story.incident.root_cause.startswith("The recorded root cause: “A null coupon")
