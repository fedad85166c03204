"""Check the file's change events, known errors and alerts, and plan the new ones."""

from datetime import datetime

from watchkeep.alert.models import ALERT_STATUSES, CHANGE_KINDS, RESOLVED, Alert, ChangeEvent
from watchkeep.alert.normalize import SEVERITIES
from watchkeep.catalog.service import is_web_url
from watchkeep.history.directory import Directory, alert_key
from watchkeep.history.findings import Findings
from watchkeep.history.plan import Plan
from watchkeep.history.schemas import AlertIn, ChangeEventIn, HistoryIn, KnownErrorIn
from watchkeep.history.words import quoted
from watchkeep.problem.known_errors import FIX_STATUSES
from watchkeep.problem.models import KnownError


def _differs(pairs: tuple[tuple[str, object, object], ...]) -> list[str]:
    return [name for name, mine, theirs in pairs if mine != theirs]


def _change_differs(given: ChangeEventIn, stored: ChangeEvent, service: str | None) -> list[str]:
    return _differs(
        (
            ("kind", given.kind, stored.kind),
            ("summary", given.summary, stored.summary),
            ("service", service, stored.service.name if stored.service else None),
            ("occurred_at", given.occurred_at, stored.occurred_at),
        )
    )


def check_changes(document: HistoryIn, directory: Directory, plan: Plan, found: Findings) -> None:
    """Change events by external id; each on a service here or in the file."""
    seen: dict[str, int] = {}
    for n, change in enumerate(document.change_events):
        if change.id in seen:
            duplicate = f"{quoted(change.id)} is also change_events[{seen[change.id]}]"
            found.add(("change_events", n, "id"), duplicate)
            continue
        seen[change.id] = n
        if change.kind not in CHANGE_KINDS:
            found.add(
                ("change_events", n, "kind"),
                f"no change kind {quoted(change.kind)}; use one of {', '.join(CHANGE_KINDS)}",
            )
        service = directory.service_name(change.service) if change.service else None
        if change.service and service is None:
            found.add(
                ("change_events", n, "service"),
                f"no service named {quoted(change.service)} here or in the file",
            )
        for k, link in enumerate(change.links):
            if not is_web_url(link.href):
                found.add(("change_events", n, "links", k, "href"), "must be an http(s) URL")
        stored = directory.changes.get(change.id)
        if stored is None:
            plan.changes.append(change)
            plan.count("change_events", "created")
        else:
            record = found.labels.record("change_events", n)
            plan.skip("change_events", record, change.id, _change_differs(change, stored, service))


def _known_error_differs(given: KnownErrorIn, stored: KnownError) -> list[str]:
    return _differs(
        (
            ("symptoms", given.symptoms.strip(), stored.symptoms),
            ("workaround", [s.strip() for s in given.workaround if s.strip()], stored.workaround),
            ("fix_status", given.fix_status, stored.fix_status),
            ("fix_link", given.fix_link, stored.fix_link),
            ("alert_names", sorted({a.strip() for a in given.alert_names}), stored.alert_names),
            ("active", given.active, stored.active),
        )
    )


def check_known_errors(
    document: HistoryIn, directory: Directory, plan: Plan, found: Findings
) -> None:
    """Known errors by title (case-insensitive), checked as the problem domain checks them."""
    seen: dict[str, int] = {}
    for n, known in enumerate(document.known_errors):
        key = known.title.strip().lower()
        if key in seen:
            found.add(("known_errors", n, "title"), f"also the title of known_errors[{seen[key]}]")
            continue
        seen[key] = n
        if not known.title.strip():
            found.add(("known_errors", n, "title"), "must not be empty")
        if not known.symptoms.strip():
            found.add(("known_errors", n, "symptoms"), "describe the symptoms")
        if not any(step.strip() for step in known.workaround):
            found.add(("known_errors", n, "workaround"), "give at least one workaround step")
        if known.fix_status not in FIX_STATUSES:
            found.add(
                ("known_errors", n, "fix_status"),
                f"no fix status {quoted(known.fix_status)}; use one of {', '.join(FIX_STATUSES)}",
            )
        if known.fix_link and not is_web_url(known.fix_link):
            found.add(("known_errors", n, "fix_link"), "must be an http(s) URL")
        stored = directory.known_errors.get(key)
        if stored is None:
            plan.known_errors.append(known)
            plan.count("known_errors", "created")
        else:
            record = found.labels.record("known_errors", n)
            plan.skip("known_errors", record, stored.reference, _known_error_differs(known, stored))


def alert_status(alert: AlertIn) -> str:
    """Its status: as given, else resolved if it ended, else firing."""
    return alert.status or (RESOLVED if alert.ends_at else "firing")


def _alert_differs(given: AlertIn, stored: Alert, directory: Directory) -> list[str]:
    linked = directory.incident_refs.get(stored.incident_id) if stored.incident_id else None
    return _differs(
        (
            ("title", given.title, stored.title),
            ("status", alert_status(given), stored.status),
            ("starts_at", given.starts_at, stored.starts_at),
            ("ends_at", given.ends_at, stored.ends_at),
            ("incident", given.incident, linked),
        )
    )


def _check_alert(n: int, alert: AlertIn, refs: set[str], now: datetime, found: Findings) -> None:
    status = alert_status(alert)
    if status not in ALERT_STATUSES:
        found.add(
            ("alerts", n, "status"),
            f"no alert status {quoted(status)}; use one of {', '.join(ALERT_STATUSES)}",
        )
    if status == RESOLVED and alert.ends_at is None:
        found.add(("alerts", n, "ends_at"), "a resolved alert needs ends_at: when it ended")
    if alert.ends_at is not None and alert.ends_at < alert.starts_at:
        found.add(("alerts", n, "ends_at"), "must not be before starts_at")
    for name, value in (("starts_at", alert.starts_at), ("ends_at", alert.ends_at)):
        if value is not None and value > now:
            found.add(("alerts", n, name), "must not be in the future")
    if alert.severity is not None and alert.severity not in SEVERITIES:
        found.add(
            ("alerts", n, "severity"),
            f"no alert severity {quoted(alert.severity)}; use one of {', '.join(SEVERITIES)}",
        )
    if alert.incident is not None and alert.incident not in refs:
        found.add(("alerts", n, "incident"), f"no incident with ref {quoted(alert.incident)}")


def check_alerts(
    document: HistoryIn, directory: Directory, plan: Plan, found: Findings, now: datetime
) -> None:
    """Alerts by their key (id, else title and start); the incident each belongs to."""
    refs = {i.ref for i in document.incidents} | set(directory.incidents)
    seen: dict[str, int] = {}
    for n, alert in enumerate(document.alerts):
        key = alert_key(alert)
        if key in seen:
            found.add(("alerts", n, "id"), f"the same alert as alerts[{seen[key]}]")
            continue
        seen[key] = n
        _check_alert(n, alert, refs, now, found)
        stored = directory.alerts.get(key)
        if stored is None:
            plan.alerts.append((key, alert))
            plan.count("alerts", "created")
        else:
            record = found.labels.record("alerts", n)
            plan.skip("alerts", record, stored.reference, _alert_differs(alert, stored, directory))
