"""API bodies of similar-incident answers and drafts (shared by the API and the CLI's local
mode)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from watchkeep.assist.drafting.service import Drafted
from watchkeep.assist.investigations import Investigation, as_json
from watchkeep.assist.models import NOT_SIMILAR, SAME_CAUSE, SimilarityFeedback
from watchkeep.assist.service import SimilarIncident
from watchkeep.core.limits import Input, Instant, Name
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


# --- investigations ------------------------------------------------------------------------


class EvidenceRead(BaseModel):
    type: str = Field(
        description="alert, change, symptom, metric, past_incident, root_cause, resolution, "
        "problem, similarity, known_error, dependency, vendor, incident, feedback"
    )
    ref: str | None = Field(description="What it cites: ALR-n, CHG-n, INC-n, KE-n, a service…")
    detail: str


class HypothesisRead(BaseModel):
    kind: Literal["change", "known_error", "past_incident", "external", "other"]
    ref: str | None = Field(description="CHG-n (or the change's own id), KE-n, INC-n or null")
    party: str | None = Field(description="The provider, for an external hypothesis")
    key: str = Field(description="Identifies the hypothesis across investigations")
    title: str
    confidence: float = Field(ge=0, le=1)
    verdict: Literal["confirmed", "ruled_out"] | None = Field(
        description="What a responder said of it, if anything"
    )
    evidence: list[EvidenceRead]
    next_steps: list[str]


class SourceRead(BaseModel):
    name: str
    status: Literal["ok", "timeout", "error"]
    ms: int
    error: str | None = None


class InvestigationRead(BaseModel):
    incident: str
    at: datetime = Field(description="The instant it was made as of")
    no_strong_hypothesis: bool = Field(
        description="true: no hypothesis reached confidence 0.35; say so rather than guess"
    )
    hypotheses: list[HypothesisRead] = Field(description="Best first")
    next_steps: list[str] = Field(
        description="Where to start when no hypothesis is strong (runbooks, owners)"
    )
    update_draft: str = Field(
        description="A stakeholder status update drafted from it (affected, what we know, what"
        " we are doing, next update), for a person to edit and post"
    )
    sources: list[SourceRead]


def investigation_read(found: Investigation) -> InvestigationRead:
    return InvestigationRead.model_validate(as_json(found))


class InvestigateIn(Input):
    at: Instant | None = Field(
        None, description="Investigate as of this past instant (default: now); not stored"
    )


class VerdictRead(BaseModel):
    key: str
    verdict: Literal["confirmed", "ruled_out"]
    title: str


class VerdictIn(Input):
    key: str = Field(min_length=1, max_length=400, description="The hypothesis's key")
    verdict: Literal["confirmed", "ruled_out"]
