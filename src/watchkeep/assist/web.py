"""The assist domain on the incident page: the most similar past incidents.

Until the similarity index has first been built the panel says so and fetches itself again
every two seconds, instead of showing "nothing similar".
"""

from typing import Any

from fastapi import APIRouter

from watchkeep.assist.deps import get_similarity
from watchkeep.assist.index import IndexNotReady
from watchkeep.assist.service import similar_incidents
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.incident.web.panels import CONTENT_CHANGED

router = APIRouter()  # no pages of its own yet

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
