"""API bodies of similar-incident answers (shared by the API and the CLI's local mode)."""

from pydantic import BaseModel

from watchkeep.assist.service import SimilarIncident
from watchkeep.incident.schemas import IncidentSummary


class SimilarRead(BaseModel):
    incident: IncidentSummary
    score: float
    reasons: list[str]


def similar_read(found: list[SimilarIncident]) -> list[SimilarRead]:
    return [
        SimilarRead(incident=IncidentSummary.of(s.incident), score=s.score, reasons=s.reasons)
        for s in found
    ]
