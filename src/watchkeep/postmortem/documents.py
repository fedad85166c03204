"""Post-mortem documents: one per incident, its sections edited as Markdown, every save a
numbered version (who changed what), drafts applied without overwriting what people wrote."""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import ensure_changeable
from watchkeep.postmortem import outlines, render
from watchkeep.postmortem.models import Postmortem, PostmortemTemplate, PostmortemVersion

BODY_MAX = 200_000
"""Characters in one section."""


def find(session: Session, *, incident_id: int) -> Postmortem | None:
    return session.scalar(select(Postmortem).where(Postmortem.incident_id == incident_id))


def get(session: Session, *, incident: Incident) -> Postmortem:
    found = find(session, incident_id=incident.id)
    if found is None:
        raise NotFound(f"{incident.reference} has no post-mortem yet", field="incident")
    return found


def open_for(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    now: datetime,
    template: str | int | None = None,
) -> Postmortem:
    """The incident's post-mortem, made from ``template`` (or its flow's) if it has none."""
    actor.require(Role.RESPONDER)
    found = find(session, incident_id=incident.id)
    if found is not None:
        return found
    ensure_changeable(incident)
    if template is not None:
        chosen: PostmortemTemplate | None = outlines.named_template(session, template)
    else:
        _, template_id = outlines.flow_for(session, incident)
        chosen = session.get(PostmortemTemplate, template_id) if template_id else None
    sections = chosen.sections if chosen is not None else []
    document = Postmortem(
        incident_id=incident.id,
        template_id=chosen.id if chosen is not None else None,
        sections=[{**s, "body": "", "drafted": None, "proposal": None} for s in sections],
        sources={},
        version=0,
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    return document


def section(document: Postmortem, key: str) -> dict[str, Any]:
    """A copy of one section (change it, then :func:`_save` the copies)."""
    return _find(_copies(document), key)


def _copies(document: Postmortem) -> list[dict[str, Any]]:
    """The sections to change: copies, never the loaded values (a JSON column is stored only
    when its new value differs from the old one, and a changed original would not)."""
    return [dict(s) for s in document.sections]


def _find(sections: list[dict[str, Any]], key: str) -> dict[str, Any]:
    for item in sections:
        if item["key"] == key:
            return item
    keys = ", ".join(s["key"] for s in sections)
    raise NotFound(f"the post-mortem has no section {key!r}; its sections are {keys}", field="key")


def edited(item: Mapping[str, Any]) -> bool:
    """Whether people wrote in the section since it was last drafted (or wrote it)."""
    return bool(item["body"].strip()) and item["body"] != (item.get("drafted") or "")


def _save(
    session: Session,
    document: Postmortem,
    sections: list[dict[str, Any]],
    *,
    actor: Actor | None,
    now: datetime,
    note: str,
) -> None:
    """Store changed copies of the sections and keep them as the next version."""
    document.sections = sections
    document.version += 1
    document.updated_at = now
    session.add(
        PostmortemVersion(
            postmortem_id=document.id,
            number=document.version,
            sections=[
                {"key": s["key"], "title": s["title"], "body": s["body"]} for s in document.sections
            ],
            note=note[:300],
            author_id=actor.user_id if actor else None,
            created_at=now,
        )
    )
    session.flush()


def edit(
    session: Session,
    *,
    document: Postmortem,
    key: str,
    body: str,
    actor: Actor,
    now: datetime,
    base_version: int | None = None,
) -> Postmortem:
    """Replace a section's text. ``base_version`` is the version the writer started from: if
    someone saved since, 409 (their change would be lost without a word)."""
    actor.require(Role.RESPONDER)
    if base_version is not None and base_version != document.version:
        raise Conflict(
            f"the post-mortem changed since version {base_version} (it is at version "
            f"{document.version}); reload it and apply your change again",
            field="base_version",
        )
    if len(body) > BODY_MAX:
        raise Invalid(f"a section holds at most {BODY_MAX} characters", field="body")
    sections = _copies(document)
    item = _find(sections, key)
    if item["body"] == body:
        return document
    item["body"] = body
    _save(session, document, sections, actor=actor, now=now, note=f"edited {item['title']}")
    return document


@dataclass(frozen=True)
class Applied:
    """What a draft did: sections written, and sections left as people wrote them with the
    draft offered beside them."""

    written: list[str]
    proposed: list[str]


def apply_draft(
    session: Session,
    *,
    document: Postmortem,
    bodies: Mapping[str, str],
    sources: Mapping[str, Mapping[str, Any]],
    actor: Actor | None,
    now: datetime,
) -> Applied:
    """Put drafted text into the sections named in ``bodies``. A section nobody edited since
    its last draft is replaced; an edited one keeps its text and gets the draft as a proposal
    to take or leave. ``sources`` are what the drafted citations point at."""
    written: list[str] = []
    proposed: list[str] = []
    sections = _copies(document)
    for item in sections:
        text = bodies.get(item["key"])
        if text is None:
            continue
        if edited(item):
            if text != item["body"]:
                item["proposal"] = text
                proposed.append(item["key"])
        elif text != item["body"] or item.get("proposal") is not None:
            item["body"], item["drafted"], item["proposal"] = text, text, None
            written.append(item["key"])
    document.sources = {**document.sources, **{k: dict(v) for k, v in sources.items()}}
    if written or proposed:
        note = "drafted " + ", ".join(written) if written else "redraft offered"
        _save(session, document, sections, actor=actor, now=now, note=note)
    return Applied(written, proposed)


def settle_proposal(
    session: Session, *, document: Postmortem, key: str, take: bool, actor: Actor, now: datetime
) -> Postmortem:
    """Take the offered redraft of a section (it replaces the text) or leave it."""
    actor.require(Role.RESPONDER)
    sections = _copies(document)
    item = _find(sections, key)
    if item.get("proposal") is None:
        raise Conflict(f"no redraft of {item['title']} is waiting", field="key")
    if take:
        item["body"] = item["drafted"] = item["proposal"]
    item["proposal"] = None
    verb = "took" if take else "left"
    note = f"{verb} the redraft of {item['title']}"
    _save(session, document, sections, actor=actor, now=now, note=note)
    return document


def versions(session: Session, *, document: Postmortem) -> list[PostmortemVersion]:
    return list(
        session.scalars(
            select(PostmortemVersion)
            .where(PostmortemVersion.postmortem_id == document.id)
            .order_by(PostmortemVersion.number.desc())
        )
    )


def _version(session: Session, document: Postmortem, number: int) -> list[dict[str, Any]]:
    if number == 0:
        return [{"key": s["key"], "title": s["title"], "body": ""} for s in document.sections]
    found = session.scalar(
        select(PostmortemVersion).where(
            PostmortemVersion.postmortem_id == document.id, PostmortemVersion.number == number
        )
    )
    if found is None:
        raise NotFound(f"the post-mortem has no version {number}", field="version")
    return found.sections


def diff(session: Session, *, document: Postmortem, old: int, new: int) -> str:
    """A unified diff of the Markdown between two versions (0: the empty document)."""

    def text(sections: list[dict[str, Any]]) -> list[str]:
        return [
            line for s in sections for line in [f"## {s['title']}", "", *s["body"].splitlines(), ""]
        ]

    return "\n".join(
        difflib.unified_diff(
            text(_version(session, document, old)),
            text(_version(session, document, new)),
            fromfile=f"version {old}",
            tofile=f"version {new}",
            lineterm="",
        )
    )


def adopt_root_cause(
    session: Session,
    *,
    incident: Incident,
    document: Postmortem,
    key: str,
    actor: Actor,
    now: datetime,
) -> Incident:
    """Make a section's text (without its citation markers) the incident's root cause: the
    post-mortem's finding becomes the record's, on the timeline, and similar-incident search
    and known-error matching use it."""
    text = render.MARKER.sub("", section(document, key)["body"]).strip()
    if not text:
        raise Invalid("the section is empty: write the root cause first", field="key")
    return incidents.update(session, incident=incident, actor=actor, now=now, root_cause=text)
