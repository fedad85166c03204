"""The assist domain on the incident page: the most similar past incidents."""

from typing import Any

from fastapi import APIRouter

from watchkeep.assist.service import similar_incidents
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident.web.panels import CONTENT_CHANGED

router = APIRouter()  # no pages of its own yet

SIMILAR_LIMIT = 5


def _similar(panel: PanelInput) -> dict[str, Any]:
    actor = panel.shared["actor"]
    found = similar_incidents(panel.session, incident=panel.subject, actor=actor, k=SIMILAR_LIMIT)
    return {"similar": found}


SIMILAR = Panel(
    "similar",
    "assist/_similar.html",
    _similar,
    order=40,
    refresh_on=(f"{CONTENT_CHANGED} from:body",),
)
PANELS: dict[str, tuple[Panel, ...]] = {"incident": (SIMILAR,)}
