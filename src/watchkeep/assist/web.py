"""The assist domain on the incident page: the most similar past incidents.

Until the similarity index has first been built the panel says so and fetches itself again
every two seconds, instead of showing "nothing similar".
"""

from typing import Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.assist.deps import get_similarity
from watchkeep.assist.drafting import service as drafting
from watchkeep.assist.index import IndexNotReady
from watchkeep.assist.service import similar_incidents
from watchkeep.http.browser import WebResponder, WebRoute, go_to
from watchkeep.http.deps import DbSession, SettingsDep
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident.access import get_visible
from watchkeep.incident.web.panels import CONTENT_CHANGED

router = APIRouter(route_class=WebRoute)

SIMILAR_LIMIT = 5


def _similar(panel: PanelInput) -> dict[str, Any]:
    actor = panel.shared["actor"]
    index = get_similarity(panel.request)
    try:
        found = similar_incidents(
            panel.session, index=index, incident=panel.subject, actor=actor, k=SIMILAR_LIMIT
        )
    except IndexNotReady:
        return {"similar": [], "indexing": True}
    return {"similar": found, "indexing": False}


SIMILAR = Panel(
    "similar",
    "assist/_similar.html",
    _similar,
    order=40,
    refresh_on=(f"{CONTENT_CHANGED} from:body",),
)
PANELS: dict[str, tuple[Panel, ...]] = {"incident": (SIMILAR,)}


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
        index=get_similarity(request),
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
