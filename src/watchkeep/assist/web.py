"""The assist domain on the incident page: the latest investigation with responders'
verdicts on its hypotheses, the most similar past incidents, other live incidents that look
alike (possible duplicates), and responders' verdicts on them.
"""

from typing import Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.assist import investigations
from watchkeep.assist.deps import investigation_sources, similarity_in
from watchkeep.assist.drafting import service as drafting
from watchkeep.assist.feedback import give_feedback, marked_not_similar, withdraw_feedback
from watchkeep.assist.models import CONFIRMED, NOT_SIMILAR, SAME_CAUSE
from watchkeep.assist.schemas import InvestigationRead
from watchkeep.assist.service import State, similar_incidents
from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebResponder, WebRoute, go_to
from watchkeep.http.deps import DbSession, SettingsDep
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident.access import get_visible
from watchkeep.incident.web.panels import CONTENT_CHANGED, incident_response

router = APIRouter(route_class=WebRoute)

SIMILAR_LIMIT = 5
LIVE_LIMIT = 3

VERDICT_NOTICES = {
    NOT_SIMILAR: "{other} marked as not similar: it is no longer shown here.",
    SAME_CAUSE: "{other} marked as the same cause: it is shown first.",
}


def _similar(panel: PanelInput) -> dict[str, Any]:
    actor, incident, session = panel.shared["actor"], panel.subject, panel.session
    index = similarity_in(panel.request, session)
    dismissed = marked_not_similar(session, incident=incident, actor=actor)
    past = similar_incidents(session, index=index, incident=incident, actor=actor, k=SIMILAR_LIMIT)
    live = similar_incidents(
        session, index=index, incident=incident, actor=actor, k=LIVE_LIMIT, state=State.LIVE
    )
    return {"similar": past, "live": live, "dismissed": dismissed}


SIMILAR = Panel(
    "similar",
    "assist/_similar.html",
    _similar,
    order=40,
    refresh_on=(f"{CONTENT_CHANGED} from:body",),
)


def _investigation(panel: PanelInput) -> dict[str, Any]:
    stored = investigations.latest(panel.session, incident_id=panel.subject.id)
    return {"investigation": InvestigationRead.model_validate(stored.result) if stored else None}


INVESTIGATION = Panel(
    "investigation",
    "assist/_investigation.html",
    _investigation,
    order=35,
    # The worker investigates again when alerts arrive or changes land: show it as it comes.
    refresh_on=("every 15s", f"{CONTENT_CHANGED} from:body"),
)
PANELS: dict[str, tuple[Panel, ...]] = {"incident": (INVESTIGATION, SIMILAR)}


@router.post("/incidents/{ref}/investigations")
def investigate_now(
    ref: str, request: Request, session: DbSession, actor: WebResponder, settings: SettingsDep
) -> Response:
    """Investigate now; the panel shows the answer."""
    incident = get_visible(session, ref=ref, actor=actor)
    investigations.investigate_now(
        session,
        store=request.app.state.similarity,
        incident=incident,
        sources=investigation_sources(request, settings),
        trigger="request",
        actor=actor,
        now=utcnow(),
    )
    return incident_response(
        request, session, incident, actor, INVESTIGATION, announce="Investigated."
    )


@router.post("/incidents/{ref}/investigations/verdicts")
def judge_hypothesis(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    settings: SettingsDep,
    key: str = Form("", max_length=400),
    verdict: str = Form("", max_length=20),
) -> Response:
    """Confirm or rule out a hypothesis of the latest investigation."""
    incident = get_visible(session, ref=ref, actor=actor)
    given = investigations.judge_latest(
        session,
        store=request.app.state.similarity,
        sources=investigation_sources(request, settings),
        incident=incident,
        key=key,
        verdict=verdict,
        actor=actor,
        now=utcnow(),
    )
    said = f"{'Confirmed' if verdict == CONFIRMED else 'Ruled out'}: {given.title}"
    return incident_response(request, session, incident, actor, INVESTIGATION, announce=said)


@router.post("/incidents/{ref}/investigations/verdicts/withdraw")
def withdraw_verdict(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    settings: SettingsDep,
    key: str = Form("", max_length=400),
) -> Response:
    """Take back a verdict on a hypothesis."""
    incident = get_visible(session, ref=ref, actor=actor)
    investigations.withdraw_latest(
        session,
        store=request.app.state.similarity,
        sources=investigation_sources(request, settings),
        incident=incident,
        key=key,
        actor=actor,
        now=utcnow(),
    )
    return incident_response(
        request, session, incident, actor, INVESTIGATION, announce="Verdict withdrawn."
    )


@router.post("/incidents/{ref}/similar/{other_ref}/feedback")
def similar_feedback(
    ref: str,
    other_ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    verdict: str = Form("", max_length=20),
) -> Response:
    """Say that a similar incident is not alike, or has the same cause; the panel is drawn
    again without it, or with it first."""
    incident = get_visible(session, ref=ref, actor=actor)
    other = get_visible(session, ref=other_ref, actor=actor)
    give_feedback(
        session, incident=incident, other=other, verdict=verdict, actor=actor, now=utcnow()
    )
    notice = VERDICT_NOTICES[verdict].format(other=other.reference)
    return incident_response(request, session, incident, actor, SIMILAR, announce=notice)


@router.post("/incidents/{ref}/similar/{other_ref}/feedback/withdraw")
def withdraw_similar_feedback(
    ref: str, other_ref: str, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Take back a verdict on a similar incident."""
    incident = get_visible(session, ref=ref, actor=actor)
    other = get_visible(session, ref=other_ref, actor=actor)
    withdraw_feedback(session, incident=incident, other=other, actor=actor)
    notice = f"Your verdict on {other.reference} is withdrawn."
    return incident_response(request, session, incident, actor, SIMILAR, announce=notice)


@router.post("/incidents/{ref}/postmortem/draft")
def draft_postmortem(
    ref: str,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    settings: SettingsDep,
    section: str = Form(""),
) -> Response:
    """Draft the post-mortem from the record (one section, or all), keeping edits: an edited
    section gets the draft as a proposal beside it."""
    incident = get_visible(session, ref=ref, actor=actor)
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    drafted = drafting.draft(
        session,
        incident=incident,
        actor=actor,
        index=similarity_in(request, session),
        phraser=drafting.phraser_of(
            settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_seconds
        ),
        sections=[section] if section else None,
    )
    said = f"Drafted in {drafted.seconds:.2f} s."
    if drafted.proposed:
        said += " Edited sections kept their text; the redraft is offered beside them."
    if drafted.dropped:
        said += f" {len(drafted.dropped)} sentences of the language model failed the checks."
    anchor = f"#section-{section}" if section else ""
    return go_to(request, f"/incidents/{incident.reference}/postmortem{anchor}", notice=said)
