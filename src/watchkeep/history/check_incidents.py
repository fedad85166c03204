"""Check the file's incidents (their references, people, roles, follow-ups and timelines)
and plan the new ones; an incident whose ref was imported before is left as it is."""

from datetime import datetime, timedelta

from watchkeep.core.actor import Role
from watchkeep.followup.service import ACTION_TYPES, PRIORITIES, STATUSES
from watchkeep.history.directory import Directory, Person, alert_key
from watchkeep.history.findings import Findings
from watchkeep.history.plan import IncidentPlan, Plan
from watchkeep.history.replay import Replay, Story, replay
from watchkeep.history.schemas import (
    DeclaredEntry,
    FollowUpIn,
    HistoryIn,
    ImportedIncident,
    IncidentFollowUpIn,
    IncidentIn,
)
from watchkeep.history.steps import Context, build_items, build_steps, canonical_severity
from watchkeep.history.words import quoted
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import Incident

Loc = tuple[str | int, ...]
MERGED = Status.MERGED.value


class IncidentCheck:
    """Checks one record; :meth:`plan` is what to write for it, or ``None`` if it is wrong."""

    def __init__(
        self, n: int, record: IncidentIn, context: Context, found: Findings, now: datetime
    ) -> None:
        self.n, self.record, self.context, self.found, self.now = n, record, context, found, now
        self.wrong = False

    @property
    def directory(self) -> Directory:
        return self.context.directory

    def problem(self, loc: Loc, message: str) -> None:
        self.wrong = True
        self.found.add(("incidents", self.n, *loc), message)

    def person(self, loc: Loc, ref: str | None, *, holds_role: bool = False) -> Person | None:
        if ref is None:
            return None
        found = self.directory.person(ref)
        if isinstance(found, str):
            self.problem(loc, found)
            return None
        if holds_role and not found.can_hold_roles and found.role == Role.VIEWER:
            self.problem(
                loc,
                f"{found.name} is a {found.role} and cannot hold a role; "
                "give them the responder role in users, or name someone else",
            )
        return found

    def _references(self) -> list[str]:
        record = self.record
        if self.directory.severity(record.severity) is None:
            self.problem(("severity",), self.directory.severity_unknown(record.severity))
        if self.directory.incident_type(record.type) is None:
            self.problem(("type",), self.directory.type_unknown(record.type or ""))
        services = []
        for k, name in enumerate(record.services):
            found = self.directory.service_name(name)
            if found is None:
                self.problem(
                    ("services", k), f"no service named {quoted(name)} here or in the file"
                )
            else:
                services.append(found)
        for k, change in enumerate(record.changes):
            if change not in self.context.change_ids:
                self.problem(("changes", k), f"no change event with id {quoted(change)}")
        return sorted(set(services))

    def _roles(self) -> dict[str, Person]:
        holders: dict[str, Person] = {}
        for slug, ref in self.record.roles.items():
            if slug not in self.directory.role_types:
                self.problem(("roles", slug), self.directory.role_unknown(slug))
                continue
            person = self.person(("roles", slug), ref, holds_role=True)
            if person is not None:
                holders[slug] = person
        return holders

    def follow_up(self, loc: Loc, follow_up: FollowUpIn, created: datetime) -> Person | None:
        for name, value, allowed in (
            ("priority", follow_up.priority, PRIORITIES),
            ("action_type", follow_up.action_type, ACTION_TYPES),
            ("status", follow_up.status, STATUSES),
        ):
            if value not in allowed:
                self.problem(
                    (*loc, name), f"no {name} {quoted(value)}; use one of {', '.join(allowed)}"
                )
        if follow_up.status == "not_doing" and not follow_up.not_doing_reason.strip():
            self.problem((*loc, "not_doing_reason"), "say why it is not being done")
        if follow_up.completed_at is not None and follow_up.completed_at < created:
            self.problem((*loc, "completed_at"), "must not be before it was added")
        given = isinstance(follow_up, IncidentFollowUpIn) and follow_up.created_at is not None
        if given and created < self.record.declared_at:
            self.problem(
                (*loc, "created_at"), "a follow-up cannot be added before the incident was declared"
            )
        return self.person((*loc, "owner"), follow_up.owner)

    def _merge(self) -> None:
        record, target = self.record, self.record.merged_into
        if record.status == MERGED and target is None:
            self.problem(
                ("merged_into",), "a merged incident needs merged_into: the ref it went to"
            )
        if target is None:
            return
        if record.status != MERGED:
            self.problem(("merged_into",), "only an incident with status merged has merged_into")
        elif target == record.ref:
            self.problem(("merged_into",), "an incident cannot be merged into itself")
        elif target in self.context.file_status:
            if self.context.file_status[target] == MERGED:
                self.problem(
                    ("merged_into",), f"{quoted(target)} is itself merged; name where it went"
                )
        elif target in self.directory.incidents:
            if self.directory.incidents[target].status == MERGED:
                self.problem(
                    ("merged_into",), f"{quoted(target)} is itself merged; name where it went"
                )
        else:
            self.problem(("merged_into",), f"no incident with ref {quoted(target)}")

    def _declared(self) -> DeclaredEntry | None:
        entries = [(k, e) for k, e in enumerate(self.record.timeline or ()) if e.kind == "declared"]
        for k, _ in entries[1:]:
            self.problem(("timeline", k), "an incident is declared once")
        if not entries:
            return None
        k, declared = entries[0]
        assert isinstance(declared, DeclaredEntry)
        if declared.at is not None and declared.at != self.record.declared_at:
            self.problem(("timeline", k, "at"), "must be declared_at (or left out)")
        if declared.payload.severity and not self.directory.severity(declared.payload.severity):
            self.problem(
                ("timeline", k, "payload", "severity"),
                self.directory.severity_unknown(declared.payload.severity),
            )
        return declared

    def _replay(self, declared: DeclaredEntry | None) -> Replay | None:
        record = self.record
        items = build_items(self, record)
        if self.wrong:
            return None
        declared_index = next(
            (k for k, e in enumerate(record.timeline or ()) if e.kind == "declared"), 0
        )
        story = Story(
            stamps={
                "impact_started_at": record.impact_started_at,
                "reported_at": record.reported_at,
                "declared_at": record.declared_at,
                "acknowledged_at": record.acknowledged_at,
                "mitigated_at": record.mitigated_at,
                "resolved_at": record.resolved_at,
                "closed_at": record.closed_at,
            },
            severity=canonical_severity(self.directory, record.severity),
            status=record.status,
            declared_status=declared.payload.status if declared else None,
            declared_severity=canonical_severity(self.directory, declared.payload.severity)
            if declared and declared.payload.severity
            else None,
            declared_loc=("timeline", declared_index, "payload"),
            items=tuple(items),
        )
        played = replay(story, now=self.now)
        for loc, message in played.problems:
            self.problem(loc, message)
        return None if self.wrong else played

    def plan(self) -> IncidentPlan | None:
        record = self.record
        services = self._references()
        holders = self._roles()
        reporter = self.person(("reporter",), record.reporter, holds_role=True)
        named = holders.get("reporter")
        if reporter is not None and named is not None and named.key != reporter.key:
            self.problem(("roles", "reporter"), "the reporter is named twice, differently")
        reporter = reporter or named
        self._merge()
        follow_owners = [
            self.follow_up(
                ("follow_ups", k), f, f.created_at or record.resolved_at or record.declared_at
            )
            for k, f in enumerate(record.follow_ups)
        ]
        declared = self._declared()
        if self.wrong:
            build_items(self, record)  # the timeline's own problems, listed too
            return None
        played = self._replay(declared)
        if played is None:
            return None
        if played.status == MERGED and record.merged_into is None:
            self.problem(("status",), "a merged incident needs status merged and merged_into")
            return None
        steps, labels, next_update_at = build_steps(
            self.context, record, played, reporter, holders, follow_owners
        )
        return IncidentPlan(
            record=record,
            replay=played,
            reporter=reporter,
            services=services,
            steps=steps,
            labels=labels,
            next_update_at=next_update_at,
        )


def _incident_differs(given: IncidentIn, stored: Incident, directory: Directory) -> list[str]:
    severity = directory.severity(given.severity)
    kind = directory.incident_type(given.type)
    pairs: list[tuple[str, object, object]] = [
        ("title", given.title.strip(), stored.title),
        ("summary", given.summary.strip(), stored.summary),
        ("severity", severity.name if severity else given.severity, stored.severity.name),
        ("type", kind.name if kind else given.type, stored.type.name),
        ("declared_at", given.declared_at, stored.declared_at),
        ("root_cause", given.root_cause.strip(), stored.root_cause),
        ("resolution", given.resolution.strip(), stored.resolution),
    ]
    if given.status is not None:
        pairs.append(("status", given.status, stored.status))
    return [name for name, mine, theirs in pairs if mine != theirs]


def check_incidents(
    document: HistoryIn,
    directory: Directory,
    plan: Plan,
    found: Findings,
    *,
    now: datetime,
    default_update_minutes: int,
) -> None:
    """Incidents by ref: each new one checked in full and planned with its history."""
    context = Context(
        directory=directory,
        alerts={alert_key(a): a for a in document.alerts},
        changes={c.id: c for c in document.change_events},
        file_status={i.ref: i.status or "" for i in document.incidents},
        update_interval=timedelta(minutes=default_update_minutes),
    )
    seen: dict[str, int] = {}
    for n, record in enumerate(document.incidents):
        if record.ref in seen:
            duplicate = f"{quoted(record.ref)} is also incidents[{seen[record.ref]}]"
            found.add(("incidents", n, "ref"), duplicate)
            continue
        seen[record.ref] = n
        planned = IncidentCheck(n, record, context, found, now).plan()
        stored = directory.incidents.get(record.ref)
        if stored is not None:
            label = found.labels.record("incidents", n)
            differs = _incident_differs(record, stored, directory)
            plan.skip("incidents", label, stored.reference, differs)
            outcome = "skipped" if differs else "unchanged"
            plan.outcomes.append(
                ImportedIncident(ref=record.ref, reference=stored.reference, outcome=outcome)
            )
        elif planned is not None:
            plan.incidents.append(planned)
            plan.count("incidents", "created")
            plan.outcomes.append(
                ImportedIncident(ref=record.ref, reference=None, outcome="created")
            )
