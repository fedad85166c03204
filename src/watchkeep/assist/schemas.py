"""API bodies of similar-incident answers and drafts (shared by the API and the CLI's local
mode)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from watchkeep.assist.drafting.service import Drafted
from watchkeep.assist.models import NOT_SIMILAR, SAME_CAUSE, SimilarityFeedback
from watchkeep.assist.service import SimilarIncident
from watchkeep.core.limits import Input, Name
from watchkeep.incident.models import Incident
from watchkeep.incident.schemas import IncidentSummary
from watchkeep.postmortem.models import PostmortemTemplate
from watchkeep.postmortem.schemas import PostmortemRead, postmortem_read


class SimilarRead(BaseModel):
    incident: IncidentSummary
    score: float
    reasons: list[str]
    weak: bool = Field(
        description="A weak match (score under 0.05): shown because nothing closer was found"
    )
    verdict: Literal["same_cause"] | None = Field(
        None,
        description="same_cause when a responder marked the pair so (such matches come first);"
        " pairs marked not_similar are not returned",
    )


def similar_read(found: list[SimilarIncident]) -> list[SimilarRead]:
    return [
        SimilarRead(
            incident=IncidentSummary.of(s.incident),
            score=s.score,
            reasons=s.reasons,
            weak=s.weak,
            verdict=SAME_CAUSE if s.verdict == SAME_CAUSE else None,
        )
        for s in found
    ]


class FeedbackIn(Input):
    verdict: Literal["not_similar", "same_cause"] = Field(
        description="not_similar: hide the pair from each other's answers;"
        " same_cause: show each first in the other's"
    )


class FeedbackRead(BaseModel):
    incident: str = Field(description="The incident the verdict was given on (INC-<n>)")
    other: str = Field(description="The similar incident it is about (INC-<n>)")
    verdict: Literal["not_similar", "same_cause"]
    actor_id: int | None = Field(description="Who gave it (none once that user is deleted)")
    created_at: datetime


def feedback_read(incident: Incident, other: Incident, stored: SimilarityFeedback) -> FeedbackRead:
    return FeedbackRead(
        incident=incident.reference,
        other=other.reference,
        verdict=SAME_CAUSE if stored.verdict == SAME_CAUSE else NOT_SIMILAR,
        actor_id=stored.actor_id,
        created_at=stored.created_at,
    )


class DraftIn(Input):
    sections: list[Name] | None = Field(
        None, max_length=50, description="Section keys to draft (default: every one it writes)"
    )


class DroppedSentence(BaseModel):
    sentence: str
    reason: str


class DraftRead(BaseModel):
    postmortem: PostmortemRead
    written: list[str] = Field(description="Sections the draft was written into")
    proposed: list[str] = Field(
        description="Edited sections left as they were, with the draft offered as a proposal"
    )
    skipped: list[str] = Field(description="Sections people write (the drafter does not)")
    dropped: list[DroppedSentence] = Field(
        description="Sentences of the language model's prose that failed the checks"
    )
    phraser_error: str | None = Field(
        description="Why the language model's prose was not used (the draft is the drafter's)"
    )
    seconds: float


def draft_read(session: Session, incident: Incident, drafted: Drafted) -> DraftRead:
    document = drafted.document
    template = (
        session.get(PostmortemTemplate, document.template_id) if document.template_id else None
    )
    return DraftRead(
        postmortem=postmortem_read(
            document, incident.reference, template.name if template else None
        ),
        written=drafted.written,
        proposed=drafted.proposed,
        skipped=drafted.skipped,
        dropped=[DroppedSentence(sentence=p.sentence, reason=p.reason) for p in drafted.dropped],
        phraser_error=drafted.phraser_error,
        seconds=round(drafted.seconds, 4),
    )
