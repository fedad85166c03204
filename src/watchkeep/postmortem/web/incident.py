"""The post-incident panel of the incident page and its actions, and the dashboard's list of
overdue post-incident tasks."""

from typing import Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.limits import TEXT_LENGTH
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident import service as incidents
from watchkeep.incident.access import get_visible
from watchkeep.incident.models import Incident
from watchkeep.incident.web.panels import TIMELINE, incident_response
from watchkeep.postmortem import checklist, documents

router = APIRouter(prefix="/incidents/{ref}/post-incident", route_class=WebRoute)

OVERDUE_SHOWN = 20


def _post_incident(panel: PanelInput) -> dict[str, Any]:
    incident_id = panel.subject.id
    return {
        "tasks": checklist.tasks_of(panel.session, incident_id=incident_id),
        "postmortem": documents.find(panel.session, incident_id=incident_id),
    }


def _overdue(panel: PanelInput) -> dict[str, Any]:
    """Overdue tasks of the incidents the viewer may see, the most overdue first."""
    overdue = checklist.overdue_visible(
        panel.session, actor=panel.shared["actor"], now=panel.subject, limit=OVERDUE_SHOWN
    )
    return {"overdue": overdue}


POST_INCIDENT = Panel(
    "post-incident", "postmortem/_incident_panel.html", _post_incident, slot="main", order=15
)
OVERDUE = Panel(
    "post-incident-overdue", "postmortem/_overdue.html", _overdue, slot="main", order=40
)
INCIDENT_PANELS = (POST_INCIDENT,)
DASHBOARD_PANELS = (OVERDUE,)


def _answer(
    request: Request, session: Session, incident: Incident, actor: Actor, *, announce: str
) -> Response:
    """The post-incident panel and the timeline after an action, saying what it did."""
    return incident_response(
        request, session, incident, actor, POST_INCIDENT, TIMELINE, announce=announce
    )


@router.post("/texts")
def save_texts(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    root_cause: str = Form("", max_length=TEXT_LENGTH),
    resolution: str = Form("", max_length=TEXT_LENGTH),
) -> Response:
    """Save the root cause and the resolution (each change goes on the timeline)."""
    incident = get_visible(session, ref=ref, actor=actor)
    incidents.update(
        session,
        incident=incident,
        actor=actor,
        now=utcnow(),
        root_cause=root_cause,
        resolution=resolution,
    )
    return _answer(request, session, incident, actor, announce="Root cause and resolution saved.")


@router.post("/tasks/{task_id:id}/complete")
def complete_task(
    ref: str, task_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    incident = get_visible(session, ref=ref, actor=actor)
    task = checklist.finish(session, incident=incident, task_id=task_id, actor=actor, now=utcnow())
    return _answer(request, session, incident, actor, announce=f"Completed: {task.title}.")


@router.post("/tasks/{task_id:id}/skip")
def skip_task(
    ref: str,
    task_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    reason: str = Form("", max_length=TEXT_LENGTH),
) -> Response:
    incident = get_visible(session, ref=ref, actor=actor)
    task = checklist.finish(
        session,
        incident=incident,
        task_id=task_id,
        actor=actor,
        now=utcnow(),
        skip_reason=reason,
    )
    return _answer(request, session, incident, actor, announce=f"Skipped: {task.title}.")
