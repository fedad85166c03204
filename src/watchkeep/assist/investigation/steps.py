"""What to try next, for each kind of hypothesis: concrete, with the names and references
a responder acts on."""

from collections.abc import Iterable, Sequence

from watchkeep.assist.investigation.changes import Suspect
from watchkeep.assist.investigation.model import (
    KnownErrorFact,
    OnCallFact,
    PastIncidentFact,
    RunbookFact,
    ServiceFact,
)

UNDO = {
    "deploy": "Roll back {ref} ({summary})",
    "feature_flag": "Turn {ref} back ({summary})",
    "config": "Revert the configuration change {ref} ({summary})",
    "infrastructure": "Undo the infrastructure change {ref} ({summary})",
    "migration": "Check whether the migration {ref} can be reverted ({summary})",
    "pull_request": "Check whether {ref} is running and revert it ({summary})",
}
UNDO_ANY = "Revert {ref} ({summary})"
WORKAROUND_STEPS = 3
LONG = 160


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONG else text[: LONG - 1].rstrip() + "…"


def page_owner(service: str, on_call: Iterable[OnCallFact]) -> str | None:
    """ "Page the owner of X" with who is on call there, when the record knows."""
    for fact in on_call:
        if fact.service == service:
            who = f"; on call: {', '.join(fact.on_call)}" if fact.on_call else ""
            team = f" ({fact.team}{who})" if fact.team else ""
            return f"Page the owner of {service}{team}"
    return None


def runbook_step(service: str | None, runbooks: Iterable[RunbookFact]) -> str | None:
    for book in runbooks:
        if book.service == service:
            where = f", section “{book.section}”" if book.section else ""
            link = f" ({book.url})" if book.url else ""
            return f"Follow the runbook of {service}{where}{link}"
    return None


def _present(*steps: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(step for step in steps if step))


def for_change(
    suspect: Suspect, affected: Sequence[str], on_call: Sequence[OnCallFact],
    runbooks: Sequence[RunbookFact],
) -> tuple[str, ...]:  # fmt: skip
    change = suspect.change
    undo = UNDO.get(change.kind, UNDO_ANY).format(ref=change.ref, summary=_short(change.summary))
    owner = None
    if suspect.service and suspect.service not in affected:
        owner = page_owner(suspect.service, on_call)
    return _present(undo, owner, runbook_step(suspect.service, runbooks))


def for_known_error(known: KnownErrorFact) -> tuple[str, ...]:
    steps = [
        f"Apply the workaround of {known.ref}, step {n}: {_short(step)}"
        for n, step in enumerate(known.workaround[:WORKAROUND_STEPS], 1)
    ]
    return tuple(steps) or (f"Read {known.ref} for its workaround",)


def for_past(past: PastIncidentFact, runbooks: Sequence[RunbookFact]) -> tuple[str, ...]:
    tried = f"Try what resolved {past.ref}: {_short(past.resolution)}" if past.resolution else None
    cause = f"Check whether {past.ref}'s cause is back: {_short(past.root_cause)}"
    services = past.services or (None,)
    return _present(tried, cause if past.root_cause else None, runbook_step(services[0], runbooks))


def for_vendor(vendor: ServiceFact, on_call: Sequence[OnCallFact]) -> tuple[str, ...]:
    status = f" ({vendor.runbook_url})" if vendor.runbook_url else ""
    return _present(
        f"Check {vendor.name}'s status page{status} and open a ticket with them",
        f"Fail over from {vendor.name} or degrade gracefully (queue, retry later) meanwhile",
        page_owner(vendor.name, on_call),
    )


def for_capacity(affected: Sequence[str], runbooks: Sequence[RunbookFact]) -> tuple[str, ...]:
    where = ", ".join(affected) if affected else "the affected service"
    return _present(
        f"Scale out {where} (more replicas, larger limits)",
        "Find where the extra load comes from; shed or rate-limit it",
        *(runbook_step(service, runbooks) for service in affected),
    )


def for_nothing(affected: Sequence[str], on_call: Sequence[OnCallFact],
                runbooks: Sequence[RunbookFact]) -> tuple[str, ...]:  # fmt: skip
    """When no hypothesis is strong: the runbooks, and the owners, to start from."""
    return _present(
        *(runbook_step(service, runbooks) for service in affected),
        *(page_owner(service, on_call) for service in affected),
    )
