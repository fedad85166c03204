"""Silences and maintenance windows: the list, the form that makes one, and ending one now.

Times in the form are read in the viewer's time zone. Responders make and end silences;
viewers read them.
"""

from typing import Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.alert import silences, sources
from watchkeep.alert.web.context import can_respond
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.core.limits import TEXT_LENGTH, QueryId
from watchkeep.http.browser import WebActor, WebResponder, WebRoute, answer_form, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_local
from watchkeep.http.templates import render
from watchkeep.http.timefmt import viewer_zone

router = APIRouter(route_class=WebRoute)


def _context(session: DbSession, actor: Actor, *, ended: bool) -> dict[str, Any]:
    now = utcnow()
    return {
        "silences": silences.list_silences(session, now=now, include_expired=ended),
        "sources": sources.list_sources(session),
        "kinds": silences.KINDS,
        "show_ended": ended,
        "can_respond": can_respond(actor),
        "now": now,
    }


def _region(request: Request, session: DbSession, actor: Actor, *, ended: bool) -> Response:
    return render(request, "alerts/_silences.html", **_context(session, actor, ended=ended))


@router.get("/silences")
def silence_list(
    request: Request, session: DbSession, actor: WebActor, ended: str = ""
) -> Response:
    """Silences in force or still to come (with ``ended``, those that ended too)."""
    if is_htmx(request):
        return _region(request, session, actor, ended=bool(ended))
    return render(request, "alerts/silences.html", **_context(session, actor, ended=bool(ended)))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@router.post("/silences")
def create_silence(
    request: Request,
    session: DbSession,
    actor: WebResponder,
    kind: str = Form("silence", max_length=20),
    matchers: str = Form("", max_length=TEXT_LENGTH),
    source_ids: list[QueryId] = Form([]),
    comment: str = Form("", max_length=TEXT_LENGTH),
    starts_at: str = Form("", max_length=40),
    ends_at: str = Form("", max_length=40),
    ended: str = Form(""),
) -> Response:
    """Silence matching alerts until the given time."""
    zone = viewer_zone(request)
    end = parse_local(ends_at, "ends_at", zone)
    if end is None:
        raise Invalid("give the time the silence ends", field="ends_at")
    silence = silences.create(
        session,
        actor=actor,
        now=utcnow(),
        kind=kind,
        matchers_text=_lines(matchers),
        source_ids=source_ids,
        comment=comment,
        starts_at=parse_local(starts_at, "starts_at", zone),
        ends_at=end,
    )
    notice = f"{silence.kind.capitalize()} {silence.id} created."
    return answer_form(
        request,
        url="/silences",
        notice=notice,
        fragment=lambda: _region(request, session, actor, ended=bool(ended)),
    )


@router.post("/silences/{silence_id:id}/end")
def end_silence(
    silence_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    ended: str = Form(""),
) -> Response:
    """End a silence now: matching alerts page again from now on."""
    silence = silences.expire(session, actor=actor, now=utcnow(), silence_id=silence_id)
    return answer_form(
        request,
        url="/silences",
        notice=f"{silence.kind.capitalize()} {silence.id} ended.",
        fragment=lambda: _region(request, session, actor, ended=bool(ended)),
    )
