"""Post-mortem templates (outlines of sections) and post-incident flows: the configuration of
what a resolved incident gets. Admins change them; each change is audited."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.incident.models import Incident
from watchkeep.postmortem import flow
from watchkeep.postmortem.models import PostIncidentFlow, PostmortemTemplate

_Outline = TypeVar("_Outline", PostmortemTemplate, PostIncidentFlow)


def ensure_defaults(session: Session, *, now: datetime) -> None:
    """The built-in templates (Full, Lightweight), where no template exists yet."""
    if session.scalar(select(PostmortemTemplate.id).limit(1)) is not None:
        return
    for name, (description, sections) in flow.DEFAULT_TEMPLATES.items():
        session.add(
            PostmortemTemplate(
                name=name,
                description=description,
                sections=[s.as_json() for s in sections],
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()


def list_templates(session: Session) -> list[PostmortemTemplate]:
    return list(session.scalars(select(PostmortemTemplate).order_by(PostmortemTemplate.name)))


def get_template(session: Session, *, ref: int | str) -> PostmortemTemplate:
    query = select(PostmortemTemplate)
    query = query.where(
        PostmortemTemplate.id == ref if isinstance(ref, int) else PostmortemTemplate.name == ref
    )
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"no post-mortem template {ref!r}", field="template")
    return found


def named_template(session: Session, name: int | str) -> PostmortemTemplate:
    """The template a request body names: a name that matches none is the body's mistake
    (422), not a missing page."""
    try:
        return get_template(session, ref=name)
    except NotFound as missing:
        raise Invalid(str(missing), field="template") from None


def _sections(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    sections: list[dict[str, str]] = []
    for index, item in enumerate(raw):
        key, title = str(item.get("key", "")).strip(), str(item.get("title", "")).strip()
        if not key or not title:
            raise Invalid(f"sections[{index}] needs a key and a title", field="sections")
        if any(s["key"] == key for s in sections):
            raise Invalid(f"sections[{index}].key {key!r} comes twice", field="sections")
        sections.append({"key": key, "title": title, "guidance": str(item.get("guidance", ""))})
    if not sections:
        raise Invalid("a template needs at least one section", field="sections")
    return sections


def save_template(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    description: str,
    sections: Sequence[Mapping[str, Any]],
    template_id: int | None = None,
) -> PostmortemTemplate:
    """Create a template, or replace template ``template_id``'s name, description and
    sections (documents made from it keep their own sections)."""
    actor.require(Role.ADMIN)
    clash = session.scalar(select(PostmortemTemplate).where(PostmortemTemplate.name == name))
    if clash is not None and clash.id != template_id:
        raise Conflict(f"a template named {name!r} exists", field="name")
    values = {"name": name.strip(), "description": description, "sections": _sections(sections)}
    return _save(
        session,
        actor=actor,
        now=now,
        model=PostmortemTemplate,
        existing=get_template(session, ref=template_id) if template_id is not None else None,
        values=values,
        subject_type="postmortem_template",
        label="Post-mortem template",
    )


def list_flows(session: Session) -> list[PostIncidentFlow]:
    return list(
        session.scalars(
            select(PostIncidentFlow).order_by(PostIncidentFlow.position, PostIncidentFlow.id)
        )
    )


def save_flow(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    position: int,
    incident_types: Sequence[str],
    severities: Sequence[str],
    tasks: Sequence[Mapping[str, Any]],
    template: str | int | None,
    flow_id: int | None = None,
) -> PostIncidentFlow:
    """Create or replace a flow: for incidents of these types and severities (none: any),
    this checklist and this template."""
    actor.require(Role.ADMIN)
    try:
        specs = flow.parse_tasks(tasks)
    except ValueError as exc:
        raise Invalid(str(exc), field="tasks") from None
    template_id = named_template(session, template).id if template is not None else None
    values: dict[str, Any] = {
        "name": name.strip(),
        "position": position,
        "incident_types": sorted(set(incident_types)),
        "severities": sorted(set(severities)),
        "tasks": [s.as_json() for s in specs],
        "template_id": template_id,
    }
    clash = session.scalar(select(PostIncidentFlow).where(PostIncidentFlow.name == values["name"]))
    if clash is not None and clash.id != flow_id:
        raise Conflict(f"a flow named {name!r} exists", field="name")
    return _save(
        session,
        actor=actor,
        now=now,
        model=PostIncidentFlow,
        existing=get_flow(session, flow_id=flow_id) if flow_id is not None else None,
        values=values,
        subject_type="post_incident_flow",
        label="Post-incident flow",
    )


def _save(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    model: type[_Outline],
    existing: _Outline | None,
    values: Mapping[str, Any],
    subject_type: str,
    label: str,
) -> _Outline:
    """Create a ``model`` row from ``values``, or set them on ``existing``; audited as
    ``<subject_type>:create`` or ``<subject_type>:update``, ``label`` naming it in the
    summary."""
    if existing is None:
        saved = model(**values, created_at=now, updated_at=now)
        session.add(saved)
        session.flush()
        changes = audit.created(values)
    else:
        saved = existing
        before = {k: getattr(saved, k) for k in values}
        for key, value in values.items():
            setattr(saved, key, value)
        saved.updated_at = now
        changes = audit.changed(before, values)
    audit.record(
        session,
        actor=actor,
        action=f"{subject_type}:{'create' if existing is None else 'update'}",
        subject_type=subject_type,
        subject_id=saved.id,
        summary=f"{label} {saved.name} saved",
        changes=changes,
        now=now,
    )
    session.flush()
    return saved


def get_flow(session: Session, *, flow_id: int) -> PostIncidentFlow:
    found = session.get(PostIncidentFlow, flow_id)
    if found is None:
        raise NotFound(f"post-incident flow {flow_id} does not exist", field="flow_id")
    return found


def delete_flow(session: Session, *, actor: Actor, now: datetime, flow_id: int) -> None:
    actor.require(Role.ADMIN)
    found = get_flow(session, flow_id=flow_id)
    audit.record(
        session,
        actor=actor,
        action="post_incident_flow:delete",
        subject_type="post_incident_flow",
        subject_id=found.id,
        summary=f"Post-incident flow {found.name} deleted",
        changes={},
        now=now,
    )
    session.delete(found)
    session.flush()


def flow_for(session: Session, incident: Incident) -> tuple[list[flow.TaskSpec], int | None]:
    """The checklist and the template id an incident gets: its flow's, or the defaults."""
    flows = list_flows(session)
    rules = [
        flow.FlowRule(f.id, frozenset(f.incident_types), frozenset(f.severities)) for f in flows
    ]
    chosen = flow.choose(rules, incident_type=incident.type.name, severity=incident.severity.name)
    found = next((f for f in flows if f.id == chosen), None)
    if found is None:
        default = session.scalar(
            select(PostmortemTemplate.id).where(PostmortemTemplate.name == flow.DEFAULT_TEMPLATE)
        )
        return list(flow.DEFAULT_TASKS), default
    return flow.parse_tasks(found.tasks), found.template_id
