"""The incident's record: timeline notes (added and edited), pins and status updates."""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebResponder, WebRoute
from watchkeep.http.deps import DbSession, SettingsDep
from watchkeep.http.forms import parse_local
from watchkeep.http.timefmt import viewer_zone
from watchkeep.incident import timeline, updates
from watchkeep.incident.access import get_visible
from watchkeep.incident.web.panels import HEADER, TIMELINE, TIMESTAMPS, UPDATES, incident_response

router = APIRouter(prefix="/incidents/{ref}", route_class=WebRoute)


@router.post("/notes")
def add_note(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    text: str = Form(""),
    pinned: bool = Form(False),
) -> Response:
    """Add a note to the timeline (its first line is the title)."""
    incident = get_visible(session, ref=ref, actor=actor)
    timeline.add_note(
        session, incident=incident, actor=actor, text=text, pinned=pinned, now=utcnow()
    )
    announce = "Pinned note added to the timeline." if pinned else "Note added to the timeline."
    return incident_response(request, session, incident, actor, TIMELINE, announce=announce)


@router.post("/timeline/{entry_id:id}/pin")
def pin_entry(
    ref: str,
    entry_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    pinned: bool = Form(False),
) -> Response:
    """Pin an entry as a key moment, or unpin it."""
    incident = get_visible(session, ref=ref, actor=actor)
    timeline.set_pinned(
        session, incident=incident, entry_id=entry_id, pinned=pinned, actor=actor, now=utcnow()
    )
    announce = "Entry pinned as a key moment." if pinned else "Entry unpinned."
    return incident_response(request, session, incident, actor, TIMELINE, announce=announce)


@router.post("/timeline/{entry_id:id}/edit")
def edit_note(
    ref: str,
    entry_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    text: str = Form(""),
    occurred_at: str = Form(""),
) -> Response:
    """Rewrite a note and correct when it happened (the time is read in the viewer's zone)."""
    incident = get_visible(session, ref=ref, actor=actor)
    entry = timeline.get_entry(session, incident=incident, entry_id=entry_id)
    edits_before = len(entry.edits)
    entry = timeline.edit_note(
        session,
        incident=incident,
        entry_id=entry_id,
        actor=actor,
        text=text,
        occurred_at=parse_local(occurred_at, "occurred_at", viewer_zone(request)),
        now=utcnow(),
    )
    announce = "Note saved." if len(entry.edits) > edits_before else "Nothing to save: no change."
    return incident_response(request, session, incident, actor, TIMELINE, announce=announce)


@router.post("/updates")
def post_update(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    settings: SettingsDep,
    message: str = Form(""),
    status: str | None = Form(None),
    next_update_in_minutes: int | None = Form(None, ge=1, le=10080),
) -> Response:
    """Post a status update, optionally moving the status; it sets when the next is due."""
    incident = get_visible(session, ref=ref, actor=actor)
    updates.post(
        session,
        incident=incident,
        actor=actor,
        message=message,
        status=status,
        next_update_in_minutes=next_update_in_minutes,
        default_interval_minutes=settings.update_interval_minutes,
        now=utcnow(),
    )
    moved = f" Status is now {incident.status.capitalize()}." if status else ""
    return incident_response(
        request,
        session,
        incident,
        actor,
        UPDATES,
        TIMELINE,
        HEADER,
        TIMESTAMPS,
        announce=f"Status update posted.{moved}",
    )
