"""Import a history: read the document, check every record, then write them all in the
caller's transaction (all or nothing: the first problem found writes nothing, and every
problem is listed at once). Importing the same file again changes nothing: each record is
known by its key (docs/import.md, "Importing again").
"""

from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy.orm import Session

from watchkeep.assist.tasks import PROPOSE_PROBLEMS
from watchkeep.core.actor import Actor, Role
from watchkeep.history.check_catalog import check_services, check_users
from watchkeep.history.check_incidents import check_incidents
from watchkeep.history.check_records import check_alerts, check_changes, check_known_errors
from watchkeep.history.directory import Directory
from watchkeep.history.findings import Findings, Labels, from_validation
from watchkeep.history.plan import Plan
from watchkeep.history.schemas import Counts, HistoryIn, ImportSummary
from watchkeep.history.write_catalog import write_services, write_users
from watchkeep.history.write_incidents import Written, write_incidents
from watchkeep.history.write_records import write_alerts, write_changes, write_known_errors
from watchkeep.incident.updates import DEFAULT_UPDATE_MINUTES
from watchkeep.jobs import service as jobs

# Every table's model, as the command line may have loaded only some: an alert source's
# foreign key names the escalation domain's table, which the import never imports.
from watchkeep.models import metadata  # noqa: F401

KINDS = ("users", "teams", "services", "change_events", "known_errors", "alerts", "incidents")
MAX_SKIPPED = 100


class Progress(Protocol):
    """Told how far an import is: a phase and its size, then each record done."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class NoProgress:
    def start(self, phase: str, total: int) -> None:
        """Nobody is watching."""

    def advance(self, count: int = 1) -> None:
        """Nobody is watching."""


def parse(raw: Any) -> HistoryIn:
    """The document ``raw`` (decoded JSON), or :class:`Invalid` listing every problem of
    its shape: a missing or unknown field, a wrong type, a time without an offset."""
    try:
        return HistoryIn.model_validate(raw)
    except ValidationError as error:
        from_validation(error, raw).refuse()


def check(
    session: Session,
    *,
    document: HistoryIn,
    now: datetime,
    default_update_minutes: int = DEFAULT_UPDATE_MINUTES,
) -> tuple[Plan, Directory]:
    """Check every record against the others and the database; what to write, or
    :class:`Invalid` listing every problem found (the first 100)."""
    directory = Directory(session, document)
    found = Findings(Labels.of(document))
    plan = Plan(counts={kind: Counts() for kind in KINDS})
    check_users(document, directory, plan, found)
    check_services(document, directory, plan, found)
    check_changes(document, directory, plan, found)
    check_known_errors(document, directory, plan, found)
    check_alerts(document, directory, plan, found, now)
    check_incidents(
        document,
        directory,
        plan,
        found,
        now=now,
        default_update_minutes=default_update_minutes,
    )
    found.raise_if_any()
    return plan, directory


def _write(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    plan: Plan,
    directory: Directory,
    progress: Progress,
) -> None:
    progress.start("writing", len(plan.incidents) + 1)
    users = write_users(session, actor=actor, now=now, plan=plan, directory=directory)
    services = write_services(session, actor=actor, now=now, plan=plan, directory=directory)
    changes = write_changes(session, now=now, plan=plan, directory=directory, services=services)
    write_known_errors(session, actor=actor, now=now, plan=plan)
    alerts = write_alerts(session, actor=actor, now=now, plan=plan, directory=directory)
    progress.advance()
    incidents = write_incidents(
        session,
        now=now,
        plans=plan.incidents,
        directory=directory,
        written=Written(users=users, services=services, alerts=alerts, changes=changes),
        progress=progress.advance,
    )
    for key, given in plan.alerts:
        if given.incident is not None and alerts[key].incident_id is None:
            alerts[key].incident_id = incidents[given.incident].id
    if plan.incidents:
        # Recurring incidents among the imported ones are proposed as problems now rather
        # than at the next hourly run.
        jobs.enqueue(session, kind=PROPOSE_PROBLEMS, now=now)
    session.flush()


def import_history(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    document: HistoryIn,
    dry_run: bool = False,
    default_update_minutes: int = DEFAULT_UPDATE_MINUTES,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import ``document`` (admins only): every record checked first, then the new ones
    written; a record already here (by its key) is left as it is and counted unchanged, or
    skipped when the file says something else. ``dry_run`` checks and counts, and writes
    nothing."""
    actor.require(Role.ADMIN)
    progress = progress or NoProgress()
    progress.start("checking", 1)
    plan, directory = check(
        session, document=document, now=now, default_update_minutes=default_update_minutes
    )
    progress.advance()
    if not dry_run:
        _write(session, actor=actor, now=now, plan=plan, directory=directory, progress=progress)
        numbers = {p.record.ref: f"INC-{p.number}" for p in plan.incidents}
        for outcome in plan.outcomes:
            outcome.reference = outcome.reference or numbers.get(outcome.ref)
    return ImportSummary(
        dry_run=dry_run,
        counts=plan.counts,
        timeline_entries=plan.timeline_entries,
        skipped=plan.skipped[:MAX_SKIPPED],
        incidents=plan.outcomes,
    )
