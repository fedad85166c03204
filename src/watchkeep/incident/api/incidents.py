"""JSON routes for incidents: CRUD, transitions, roles, timeline, updates, follow-ups."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import PlainTextResponse

from watchkeep.core.clock import utcnow
from watchkeep.core.ids import MAX_ID
from watchkeep.core.limits import LooseInstant, QueryId
from watchkeep.followup import service as followups
from watchkeep.http.body import json_body
from watchkeep.http.deps import CurrentActor, DbSession, Responder, SettingsDep
from watchkeep.incident import followups as inc_followups
from watchkeep.incident import roles, timeline, timestamps, updates
from watchkeep.incident import service as incidents
from watchkeep.incident.access import get_visible
from watchkeep.incident.export import to_csv
from watchkeep.incident.listing import DEFAULT_SORT, SORTS, IncidentFilter, page_ids
from watchkeep.incident.read import (
    entry_read,
    follow_up_read,
    incident_read,
    summaries,
    update_read,
)
from watchkeep.incident.schemas import (
    EntryEdit,
    FollowUpIn,
    FollowUpPatch,
    FollowUpRead,
    IncidentCreate,
    IncidentPage,
    IncidentRead,
    IncidentUpdate,
    NoteIn,
    ParticipantIn,
    RoleAssign,
    TimelineEntryRead,
    TimestampIn,
    TransitionIn,
    UpdateIn,
    UpdateRead,
)
from watchkeep.incident.status import transition

router = APIRouter(prefix="/incidents", tags=["incidents"])


async def incident_filter(
    status_: list[str] = Query([], alias="status"),
    category: list[str] = Query([], description="triage, live, post_incident, closed, discarded"),
    severity_id: list[QueryId] = Query([]),
    service_id: list[QueryId] = Query([]),
    type_id: list[QueryId] = Query([]),
    declared_from: LooseInstant | None = Query(None, description="UTC if no offset is given"),
    declared_to: LooseInstant | None = Query(None, description="UTC if no offset is given"),
    q: str | None = Query(None, description="Text in title or summary"),
) -> IncidentFilter:
    """The list filters, read from the query string."""
    return IncidentFilter(
        statuses=tuple(status_),
        categories=tuple(category),
        severity_ids=tuple(severity_id),
        service_ids=tuple(service_id),
        type_ids=tuple(type_id),
        declared_from=declared_from,
        declared_to=declared_to,
        text=q,
    )


Filter = Annotated[IncidentFilter, Depends(incident_filter)]


@router.get("", response_model=IncidentPage)
def list_(
    session: DbSession,
    actor: CurrentActor,
    flt: Filter,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_ID),
    sort: str = Query(
        DEFAULT_SORT,
        description=f"One of {', '.join(SORTS)}; a leading - orders descending "
        "(severity ascending is the most severe first; an open incident's duration runs to now)",
    ),
) -> Response:
    """Incidents the caller may see, newest first unless sorted, filtered."""
    ids, more = page_ids(
        session, actor=actor, flt=flt, limit=limit, offset=offset, sort=sort, now=utcnow()
    )
    page = IncidentPage(items=summaries(session, ids), limit=limit, offset=offset, has_more=more)
    return json_body(page)


@router.get(
    "/export", response_class=PlainTextResponse, responses={200: {"content": {"text/csv": {}}}}
)
def export(session: DbSession, actor: CurrentActor, flt: Filter) -> PlainTextResponse:
    """The incidents the caller may see, filtered like the list, as CSV."""
    return PlainTextResponse(
        to_csv(session, actor=actor, flt=flt),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="incidents.csv"'},
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IncidentRead)
def declare(
    body: IncidentCreate, session: DbSession, actor: Responder, settings: SettingsDep
) -> Response:
    """Declare an incident; its first status update is due after its severity's time."""
    now = utcnow()
    incident = incidents.declare(
        session,
        actor=actor,
        title=body.title,
        summary=body.summary,
        severity=body.severity,
        incident_type=body.incident_type,
        status=body.status.value,
        service_ids=body.service_ids,
        private=body.private,
        custom_fields=body.custom_fields,
        lead_id=body.lead_id,
        impact_started_at=body.impact_started_at,
        labels=body.labels,
        default_update_minutes=settings.update_interval_minutes,
        now=now,
    )
    return json_body(incident_read(session, incident, actor, now=now), status.HTTP_201_CREATED)


@router.get("/{ref}", response_model=IncidentRead)
def get(ref: str, session: DbSession, actor: CurrentActor) -> Response:
    """One incident by reference (INC-12 or 12)."""
    return json_body(
        incident_read(session, get_visible(session, ref=ref, actor=actor), actor, now=utcnow())
    )


@router.patch("/{ref}")
def update(ref: str, body: IncidentUpdate, session: DbSession, actor: Responder) -> IncidentRead:
    """Change title, summary, severity, type, services, privacy or custom fields."""
    now = utcnow()
    incident = get_visible(session, ref=ref, actor=actor)
    incidents.update(
        session,
        incident=incident,
        actor=actor,
        now=now,
        **body.model_dump(exclude_unset=True),
    )
    return incident_read(session, incident, actor, now=now)


@router.post("/{ref}/transition")
def move(ref: str, body: TransitionIn, session: DbSession, actor: Responder) -> IncidentRead:
    """Move to another status; 409 lists the allowed next statuses."""
    now = utcnow()
    incident = get_visible(session, ref=ref, actor=actor)
    transition(
        session,
        incident=incident,
        actor=actor,
        status=body.status.value,
        merged_into=body.merged_into,
        now=now,
    )
    return incident_read(session, incident, actor, now=now)


@router.put("/{ref}/timestamps")
def set_timestamp(
    ref: str, body: TimestampIn, session: DbSession, actor: Responder
) -> IncidentRead:
    """Correct a timestamp by hand; the timeline keeps the old value."""
    now = utcnow()
    incident = get_visible(session, ref=ref, actor=actor)
    timestamps.set_timestamp(
        session, incident=incident, actor=actor, name=body.name, value=body.value, now=now
    )
    return incident_read(session, incident, actor, now=now)


@router.post("/{ref}/participants", status_code=status.HTTP_204_NO_CONTENT)
def add_participant(ref: str, body: ParticipantIn, session: DbSession, actor: Responder) -> None:
    """Invite a user; on a private incident this lets them see it."""
    incident = get_visible(session, ref=ref, actor=actor)
    incidents.add_participant_by(
        session, incident=incident, actor=actor, user_id=body.user_id, now=utcnow()
    )


@router.put("/{ref}/roles/{role}")
def assign_role(
    ref: str, role: str, body: RoleAssign, session: DbSession, actor: Responder
) -> IncidentRead:
    """Give a role (lead, comms, scribe, reporter or a custom slug) to a user."""
    now = utcnow()
    incident = get_visible(session, ref=ref, actor=actor)
    roles.assign(session, incident=incident, role=role, user_id=body.user_id, actor=actor, now=now)
    return incident_read(session, incident, actor, now=now)


@router.delete("/{ref}/roles/{role}")
def unassign_role(ref: str, role: str, session: DbSession, actor: Responder) -> IncidentRead:
    now = utcnow()
    incident = get_visible(session, ref=ref, actor=actor)
    roles.unassign(session, incident=incident, role=role, actor=actor, now=now)
    return incident_read(session, incident, actor, now=now)


@router.get("/{ref}/timeline")
def list_timeline(
    ref: str, session: DbSession, actor: CurrentActor, pinned: bool = False
) -> list[TimelineEntryRead]:
    incident = get_visible(session, ref=ref, actor=actor)
    entries = timeline.list_entries(session, incident_id=incident.id, pinned_only=pinned)
    return [entry_read(e) for e in entries]


@router.post("/{ref}/timeline", status_code=status.HTTP_201_CREATED)
def add_note(ref: str, body: NoteIn, session: DbSession, actor: Responder) -> TimelineEntryRead:
    """Add a note to the timeline."""
    incident = get_visible(session, ref=ref, actor=actor)
    entry = timeline.add_note(
        session,
        incident=incident,
        actor=actor,
        text=body.text,
        occurred_at=body.occurred_at,
        pinned=body.pinned,
        now=utcnow(),
    )
    return entry_read(entry)


@router.patch("/{ref}/timeline/{entry_id:id}")
def edit_entry(
    ref: str, entry_id: int, body: EntryEdit, session: DbSession, actor: Responder
) -> TimelineEntryRead:
    """Edit an entry's title, description or time (audited) or pin it as key."""
    now = utcnow()
    incident = get_visible(session, ref=ref, actor=actor)
    entry = timeline.edit_entry(
        session,
        incident=incident,
        entry_id=entry_id,
        actor=actor,
        title=body.title,
        description=body.description,
        occurred_at=body.occurred_at,
        now=now,
    )
    if body.pinned is not None:
        entry = timeline.set_pinned(
            session,
            incident=incident,
            entry_id=entry_id,
            pinned=body.pinned,
            actor=actor,
            now=now,
        )
    return entry_read(entry)


@router.get("/{ref}/updates")
def list_updates(ref: str, session: DbSession, actor: CurrentActor) -> list[UpdateRead]:
    incident = get_visible(session, ref=ref, actor=actor)
    return [update_read(u) for u in updates.list_updates(session, incident_id=incident.id)]


@router.post("/{ref}/updates", status_code=status.HTTP_201_CREATED)
def post_update(
    ref: str, body: UpdateIn, session: DbSession, actor: Responder, settings: SettingsDep
) -> UpdateRead:
    """Post a status update; optionally move the status; sets when the next one is due."""
    incident = get_visible(session, ref=ref, actor=actor)
    posted = updates.post(
        session,
        incident=incident,
        actor=actor,
        message=body.message,
        status=body.status.value if body.status else None,
        next_update_in_minutes=body.next_update_in_minutes,
        default_interval_minutes=settings.update_interval_minutes,
        now=utcnow(),
    )
    return update_read(posted)


@router.get("/{ref}/follow-ups")
def list_follow_ups(ref: str, session: DbSession, actor: CurrentActor) -> list[FollowUpRead]:
    incident = get_visible(session, ref=ref, actor=actor)
    return [
        follow_up_read(f, incident.reference)
        for f in followups.list_for_incident(session, incident_id=incident.id)
    ]


@router.post("/{ref}/follow-ups", status_code=status.HTTP_201_CREATED)
def create_follow_up(
    ref: str, body: FollowUpIn, session: DbSession, actor: Responder
) -> FollowUpRead:
    incident = get_visible(session, ref=ref, actor=actor)
    created = inc_followups.create(
        session, incident=incident, actor=actor, now=utcnow(), **body.model_dump()
    )
    return follow_up_read(created, incident.reference)


@router.patch("/{ref}/follow-ups/{follow_up_id:id}")
def update_follow_up(
    ref: str, follow_up_id: int, body: FollowUpPatch, session: DbSession, actor: Responder
) -> FollowUpRead:
    """Edit a follow-up or change its status (not_doing needs a reason)."""
    incident = get_visible(session, ref=ref, actor=actor)
    changed = inc_followups.update(
        session,
        incident=incident,
        follow_up_id=follow_up_id,
        actor=actor,
        now=utcnow(),
        **body.model_dump(exclude_unset=True),
    )
    return follow_up_read(changed, incident.reference)
