"""The post-mortem page: each section rendered with its citations (the source shows on hover
and in the list of sources), edited as Markdown with a live preview, redrafted without losing
an edit (a redraft of an edited section is offered beside it, with the difference), and
exported."""

import difflib
from typing import Any

from fastapi import APIRouter, Form, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebActor, WebResponder, WebRoute, answer_form, go_to
from watchkeep.http.deps import DbSession
from watchkeep.http.templates import render
from watchkeep.incident.access import get_visible
from watchkeep.incident.models import Incident
from watchkeep.incident.web.panels import can_respond
from watchkeep.postmortem import documents, live
from watchkeep.postmortem import render as markdown
from watchkeep.postmortem.models import Postmortem

router = APIRouter(prefix="/incidents/{ref}/postmortem", route_class=WebRoute)


def _sections(document: Postmortem, blocks: dict[str, str]) -> tuple[list[dict[str, Any]], Markup]:
    """Each section with its HTML, citations numbered across the document, and the sources."""
    numbers: dict[str, int] = {}
    shown = []
    for item in document.sections:
        html = markdown.section_html(item["body"], document.sources, blocks, numbers)
        proposal = item.get("proposal")
        shown.append(
            {
                **item,
                "html": Markup(html),  # noqa: S704 - rendered without raw HTML (render.py)
                "edited": documents.edited(item),
                "diff": "\n".join(
                    difflib.unified_diff(
                        item["body"].splitlines(),
                        proposal.splitlines(),
                        "your text",
                        "redraft",
                        lineterm="",
                    )
                )
                if proposal
                else None,
            }
        )
    sources = markdown.sources_html(document.sources, numbers)
    return shown, Markup(sources)  # noqa: S704 - escaped by render.py


def _page(request: Request, session: Session, incident: Incident, actor: Actor) -> Response:
    document = documents.find(session, incident_id=incident.id)
    context: dict[str, Any] = {
        "incident": incident,
        "document": document,
        "can_edit": can_respond(actor),
    }
    if document is not None:
        context["versions"] = documents.versions(session, document=document)
        context["sections"], context["sources"] = _sections(
            document, live.blocks(session, incident)
        )
    return render(request, "postmortem/page.html", **context)


@router.get("")
def postmortem_page(ref: str, request: Request, session: DbSession, actor: WebActor) -> Response:
    """The incident's post-mortem, or the offer to start it."""
    return _page(request, session, get_visible(session, ref=ref, actor=actor), actor)


@router.post("")
def start(ref: str, request: Request, session: DbSession, actor: WebResponder) -> Response:
    """Start the post-mortem from the incident's template, empty."""
    incident = get_visible(session, ref=ref, actor=actor)
    documents.open_for(session, incident=incident, actor=actor, now=utcnow())
    return go_to(
        request, f"/incidents/{incident.reference}/postmortem", notice="Post-mortem started."
    )


@router.post("/sections/{key}")
def save_section(
    ref: str,
    key: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    body: str = Form("", max_length=documents.BODY_MAX),
    base_version: int | None = Form(None),
) -> Response:
    """Save a section's Markdown (refused if someone saved since the page was drawn)."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    section = documents.section(document, key)
    documents.edit(
        session,
        document=document,
        key=key,
        body=body,
        actor=actor,
        now=utcnow(),
        base_version=base_version,
    )
    return answer_form(
        request,
        url=f"/incidents/{incident.reference}/postmortem#section-{key}",
        notice=f"{section['title']} saved.",
        fragment=lambda: _page(request, session, incident, actor),
    )


@router.post("/sections/{key}/proposal")
def settle(
    ref: str,
    key: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    take: str = Form(""),
) -> Response:
    """Take the redraft (it replaces the text) or leave it."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    taken = take == "yes"
    documents.settle_proposal(
        session, document=document, key=key, take=taken, actor=actor, now=utcnow()
    )
    return go_to(
        request,
        f"/incidents/{incident.reference}/postmortem#section-{key}",
        notice="Redraft taken." if taken else "Redraft left; your text stays.",
    )


@router.post("/preview")
def preview(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebActor,
    body: str = Form("", max_length=documents.BODY_MAX),
) -> Response:
    """The Markdown as it will show, citations included (nothing is saved)."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.find(session, incident_id=incident.id)
    sources = document.sources if document else {}
    html = markdown.section_html(body, sources, live.blocks(session, incident), {})
    return Response(f'<div class="pm-body">{html}</div>', media_type="text/html")


@router.post("/sections/{key}/root-cause")
def adopt_root_cause(
    ref: str, key: str, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Make the section's text the incident's root cause."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    documents.adopt_root_cause(
        session, incident=incident, document=document, key=key, actor=actor, now=utcnow()
    )
    return go_to(
        request,
        f"/incidents/{incident.reference}/postmortem#section-{key}",
        notice="The incident's root cause is now this section's text.",
    )


@router.get("/diff")
def compare(
    ref: str, request: Request, session: DbSession, actor: WebActor, to: int = 0
) -> Response:
    """What version ``to`` changed, against the one before it."""
    incident = get_visible(session, ref=ref, actor=actor)
    document = documents.get(session, incident=incident)
    new = to if 0 < to <= document.version else document.version
    text = documents.diff(session, document=document, old=max(new - 1, 0), new=new)
    versions = documents.versions(session, document=document)
    return render(
        request,
        "postmortem/diff.html",
        incident=incident,
        diff=text,
        number=new,
        version=next((v for v in versions if v.number == new), None),
    )
