"""JSON routes of the post-incident flow: the checklist, the post-mortem document, its
versions and exports, and (admins) templates and flows. Drafting is the assist domain's
(``POST /incidents/{ref}/postmortem/draft``)."""

from typing import Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.http.deps import Admin, CurrentActor, DbSession, Responder
from watchkeep.incident.access import get_visible
from watchkeep.incident.models import Incident
from watchkeep.incident.read import incident_read
from watchkeep.incident.schemas import IncidentRead
from watchkeep.postmortem import checklist, documents, exports, outlines
from watchkeep.postmortem.models import Postmortem, PostmortemTemplate
from watchkeep.postmortem.schemas import (
    ChecklistRead,
    FlowIn,
    FlowRead,
    PostmortemOpen,
    PostmortemRead,
    ProposalIn,
    SectionIn,
    SkipIn,
    TaskAssign,
    TaskRead,
    TemplateIn,
    TemplateRead,
    VersionRead,
    flow_read,
    postmortem_read,
    task_read,
    template_read,
    version_read,
)

router = APIRouter(tags=["post-incident"])


def _checklist(session: Session, incident: Incident) -> ChecklistRead:
    now = utcnow()
    return ChecklistRead(
        incident=incident.reference,
        status=incident.status,
        tasks=[task_read(t, now) for t in checklist.tasks_of(session, incident_id=incident.id)],
    )


@router.get("/incidents/{ref}/post-incident")
def get_checklist(ref: str, session: DbSession, actor: CurrentActor) -> ChecklistRead:
    """The incident's post-incident checklist (empty until it is resolved)."""
    return _checklist(session, get_visible(session, ref=ref, actor=actor))


@router.post("/incidents/{ref}/post-incident/tasks/{task_id:id}/complete")
def complete_task(ref: str, task_id: int, session: DbSession, actor: Responder) -> ChecklistRead:
    """Mark a task done; the incident moves on once its phase's tasks are finished."""
    incident = get_visible(session, ref=ref, actor=actor)
    checklist.finish(session, incident=incident, task_id=task_id, actor=actor, now=utcnow())
    return _checklist(session, incident)


@router.post("/incidents/{ref}/post-incident/tasks/{task_id:id}/skip")
def skip_task(
    ref: str, task_id: int, body: SkipIn, session: DbSession, actor: Responder
) -> ChecklistRead:
    """Skip a task, saying why."""
    incident = get_visible(session, ref=ref, actor=actor)
    checklist.finish(
        session,
        incident=incident,
        task_id=task_id,
        actor=actor,
        now=utcnow(),
        skip_reason=body.reason,
    )
    return _checklist(session, incident)


@router.put("/incidents/{ref}/post-incident/tasks/{task_id:id}")
def assign_task(
    ref: str, task_id: int, body: TaskAssign, session: DbSession, actor: Responder
) -> TaskRead:
    """Give a task another owner and due date."""
    incident = get_visible(session, ref=ref, actor=actor)
    task = checklist.assign(
        session,
        incident=incident,
        task_id=task_id,
        actor=actor,
        now=utcnow(),
        owner_id=body.owner_id,
        due_at=body.due_at,
    )
    return task_read(task, utcnow())


def _read(session: Session, incident: Incident, document: Postmortem) -> PostmortemRead:
    template = (
        session.get(PostmortemTemplate, document.template_id) if document.template_id else None
    )
    return postmortem_read(document, incident.reference, template.name if template else None)


@router.get("/incidents/{ref}/postmortem")
def get_postmortem(ref: str, session: DbSession, actor: CurrentActor) -> PostmortemRead:
    """The incident's post-mortem: sections as Markdown, citations and their sources."""
    incident = get_visible(session, ref=ref, actor=actor)
    return _read(session, incident, documents.get(session, incident=incident))


@router.post("/incidents/{ref}/postmortem")
def open_postmortem(
    ref: str, session: DbSession, actor: Responder, body: PostmortemOpen | None = None
) -> PostmortemRead:
    """Make the incident's post-mortem from a template (its flow's unless named); if it has
    one already, that one is answered."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.open_for(
        session,
        incident=incident,
        actor=actor,
        now=utcnow(),
        template=body.template if body else None,
    )
    return _read(session, incident, document)


@router.put("/incidents/{ref}/postmortem/sections/{key}")
def edit_section(
    ref: str, key: str, body: SectionIn, session: DbSession, actor: Responder
) -> PostmortemRead:
    """Replace a section's Markdown (a new version)."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    documents.edit(
        session,
        document=document,
        key=key,
        body=body.body,
        actor=actor,
        now=utcnow(),
        base_version=body.base_version,
    )
    return _read(session, incident, document)


@router.post("/incidents/{ref}/postmortem/sections/{key}/proposal")
def settle_proposal(
    ref: str, key: str, body: ProposalIn, session: DbSession, actor: Responder
) -> PostmortemRead:
    """Take or leave the redraft offered for an edited section."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    documents.settle_proposal(
        session, document=document, key=key, take=body.take, actor=actor, now=utcnow()
    )
    return _read(session, incident, document)


@router.post("/incidents/{ref}/postmortem/sections/{key}/root-cause")
def adopt_root_cause(ref: str, key: str, session: DbSession, actor: Responder) -> IncidentRead:
    """Make the section's text the incident's root cause (recorded on its timeline)."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    now = utcnow()
    documents.adopt_root_cause(
        session, incident=incident, document=document, key=key, actor=actor, now=now
    )
    return incident_read(session, incident, actor, now=now)


@router.get("/incidents/{ref}/postmortem/versions")
def list_versions(ref: str, session: DbSession, actor: CurrentActor) -> list[VersionRead]:
    """Every saved version, newest first: who changed what, when."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    return [version_read(v) for v in documents.versions(session, document=document)]


@router.get(
    "/incidents/{ref}/postmortem/diff",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/x-diff": {}}}},
)
def diff(
    ref: str,
    session: DbSession,
    actor: CurrentActor,
    old: int | None = Query(None, alias="from", ge=0, le=1_000_000, description="Default: to - 1"),
    new: int | None = Query(None, alias="to", ge=0, le=1_000_000, description="Default: latest"),
) -> PlainTextResponse:
    """A unified diff of the Markdown between two versions (0: the empty document)."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    new = document.version if new is None else new
    old = max(new - 1, 0) if old is None else old
    text = documents.diff(session, document=document, old=old, new=new)
    return PlainTextResponse(text, media_type="text/x-diff")


@router.get(
    "/incidents/{ref}/postmortem/export",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}, "text/html": {}}}},
)
def export(
    ref: str,
    session: DbSession,
    actor: CurrentActor,
    format: Literal["md", "html"] = Query(
        "md", description="md: Markdown; html: a standalone page"
    ),
) -> Response:
    """The post-mortem as Markdown (citations as footnotes) or as a print-friendly page."""
    incident = get_visible(session, ref=ref, actor=actor)
    text = exports.export(session, incident=incident, format=format)
    return Response(text, media_type=exports.MEDIA_TYPES[format])


@router.get("/postmortem-templates")
def list_templates(session: DbSession, actor: CurrentActor) -> list[TemplateRead]:
    return [template_read(t) for t in outlines.list_templates(session)]


@router.post("/postmortem-templates", status_code=status.HTTP_201_CREATED)
def create_template(body: TemplateIn, session: DbSession, actor: Admin) -> TemplateRead:
    template = outlines.save_template(
        session,
        actor=actor,
        now=utcnow(),
        name=body.name,
        description=body.description,
        sections=[s.model_dump() for s in body.sections],
    )
    return template_read(template)


@router.put("/postmortem-templates/{template_id:id}")
def update_template(
    template_id: int, body: TemplateIn, session: DbSession, actor: Admin
) -> TemplateRead:
    template = outlines.save_template(
        session,
        actor=actor,
        now=utcnow(),
        name=body.name,
        description=body.description,
        sections=[s.model_dump() for s in body.sections],
        template_id=template_id,
    )
    return template_read(template)


@router.get("/post-incident-flows")
def list_flows(session: DbSession, actor: CurrentActor) -> list[FlowRead]:
    """The configured flows in the order they are tried (none fitting: the default flow)."""
    return [flow_read(f) for f in outlines.list_flows(session)]


def _save_flow(session: Session, actor: Actor, body: FlowIn, flow_id: int | None) -> FlowRead:
    found = outlines.save_flow(
        session,
        actor=actor,
        now=utcnow(),
        name=body.name,
        position=body.position,
        incident_types=body.incident_types,
        severities=body.severities,
        tasks=[t.model_dump() for t in body.tasks],
        template=body.template,
        flow_id=flow_id,
    )
    return flow_read(found)


@router.post("/post-incident-flows", status_code=status.HTTP_201_CREATED)
def create_flow(body: FlowIn, session: DbSession, actor: Admin) -> FlowRead:
    return _save_flow(session, actor, body, None)


@router.put("/post-incident-flows/{flow_id:id}")
def update_flow(flow_id: int, body: FlowIn, session: DbSession, actor: Admin) -> FlowRead:
    return _save_flow(session, actor, body, flow_id)


@router.delete("/post-incident-flows/{flow_id:id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_flow(flow_id: int, session: DbSession, actor: Admin) -> None:
    outlines.delete_flow(session, actor=actor, now=utcnow(), flow_id=flow_id)
