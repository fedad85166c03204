"""Drafting an incident's post-mortem into its document."""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from watchkeep.assist import service as similarity
from watchkeep.assist.drafting import check, compose, gather, llm
from watchkeep.assist.drafting.record import SimilarFact
from watchkeep.assist.similarity.model import Searcher
from watchkeep.core.actor import Actor, Role
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.incident.models import Incident
from watchkeep.postmortem import documents
from watchkeep.postmortem.models import Postmortem

SIMILAR = 3


@dataclass
class Drafted:
    """What a draft did, and how it went."""

    document: Postmortem
    written: list[str]
    proposed: list[str]
    skipped: list[str]
    """Sections of the document the drafter does not write (people do)."""
    dropped: list[check.Problem] = field(default_factory=list)
    phraser_error: str | None = None
    seconds: float = 0.0


def _similar(
    session: Session, index: Searcher | None, incident: Incident, actor: Actor
) -> tuple[SimilarFact, ...]:
    if index is None:
        return ()
    found = similarity.similar_incidents(
        session, index=index, incident=incident, actor=actor, k=SIMILAR
    )
    return tuple(
        SimilarFact(
            s.incident.reference, s.incident.title, round(s.score, 2), s.incident.root_cause
        )
        for s in found
        if s.incident.declared_at < incident.declared_at and not s.weak
    )


def draft(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    index: Searcher | None = None,
    phraser: llm.Phraser | None = None,
    sections: Iterable[str] | None = None,
) -> Drafted:
    """Draft the post-mortem (all sections the drafter writes, or only ``sections``) into the
    incident's document, made if needed. Sections people edited keep their text and get the
    draft as a proposal. With a ``phraser`` the prose is the model's, every sentence checked."""
    actor.require(Role.RESPONDER)
    started = time.perf_counter()
    now = utcnow()
    document = documents.open_for(session, incident=incident, actor=actor, now=now)
    keys = [s["key"] for s in document.sections]
    wanted = set(sections) if sections is not None else set(keys)
    unknown = sorted(wanted - set(keys))
    if unknown:
        raise Invalid(
            f"the post-mortem has no section {', '.join(unknown)}; its sections are "
            f"{', '.join(keys)}",
            field="sections",
        )
    made = compose.compose(
        gather.record_of(session, incident, _similar(session, index, incident, actor))
    )
    bodies = {key: made.markdown(key) for key in keys if key in wanted and key in compose.WRITERS}
    result = Drafted(document, [], [], [k for k in keys if k in wanted and k not in bodies])
    if phraser is not None and bodies:
        try:
            vetted = llm.vet(phraser.phrase(bodies, made.sources), made.sources)
            bodies = {k: vetted.sections.get(k) or v for k, v in bodies.items()}
            result.dropped = vetted.dropped
        except llm.PhraserError as exc:
            result.phraser_error = str(exc)
    applied = documents.apply_draft(
        session,
        document=document,
        bodies=bodies,
        sources={k: s.as_json() for k, s in made.sources.items()},
        actor=actor,
        now=now,
    )
    result.written, result.proposed = applied.written, applied.proposed
    result.seconds = time.perf_counter() - started
    return result


def phraser_of(
    base_url: str | None, model: str, api_key: str | None, timeout: float
) -> llm.Phraser | None:
    """The configured language model, or ``None`` (the default: no model)."""
    if not base_url:
        return None
    return llm.ChatCompletions(base_url, model, api_key, timeout)
