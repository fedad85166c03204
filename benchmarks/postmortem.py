"""Post-mortem drafting benchmark: how long a draft takes from the record, and what it covers.

**Speed.** On SQLite and PostgreSQL it builds incidents with 50, 500 and 2,000 timeline entries
(status and severity changes, role changes, alerts, notes, some pinned, status updates, attached
change events and follow-ups) and drafts each ``--runs`` times through the service the API
uses: reading the record, composing and storing the document. It reports the median and the
worst draft.

**Coverage** (when ``tests/data/postmortem_incidents.json`` holds incidents in the import
format, see docs/import.md). Each incident is imported into a fresh SQLite database and drafted;
the checks count, over all incidents:

- every status change, severity change and role assignment of the timeline is in the draft,
  cited by its timeline entry;
- every follow-up is in the draft with its owner;
- the impact window and its duration are stated when the record has both ends;
- the stated root cause is in the draft (or "does not state a root cause" when none);
- sentences without a source (the draft's Markdown re-split into sentences): 0;
- statements the record does not support (``check.unsupported``), and any sentence naming as
  the cause a change that ``tests/data/postmortem_expectations.json`` lists as not the cause: 0.

Prints JSON.

    .venv/bin/python -m benchmarks.postmortem [--runs 5] [--databases sqlite,postgresql]
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.api import fresh_database
from watchkeep.alert.models import ChangeEvent, IncidentChange
from watchkeep.assist.drafting import check, compose, gather
from watchkeep.assist.drafting.service import draft
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.db import Database
from watchkeep.followup import service as followups
from watchkeep.history.service import import_history, parse
from watchkeep.incident import roles
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.incident.status import transition
from watchkeep.incident.timeline import record
from watchkeep.models import metadata

SIZES = (50, 500, 2000)
TARGET_SECONDS = 1.0
FACTS = ("status_changes", "severity_changes", "role_assignments", "follow_ups", "impact_windows")
ZERO = ("sentences_without_source", "unsupported_statements", "non_causes_named_as_cause")
COUNTS = (
    "incidents",
    *FACTS,
    *(f"{fact}_missing" for fact in FACTS),
    "root_causes_stated",
    "root_causes_missing",
    "sentences",
    *ZERO,
)
DATA = Path(__file__).parents[1] / "tests" / "data"
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
LIVE = ("investigating", "fixing", "monitoring")


def build(db: Database, entries: int) -> str:
    """An incident with about ``entries`` timeline entries; its reference."""
    with db.session() as session:
        people = [
            auth.actor_of(
                auth.create_user(
                    session,
                    actor=None,
                    now=T0,
                    email=f"p{entries}-{n}@example.com",
                    name=f"Person {n}",
                    role="responder",
                )
            )
            for n in range(6)
        ]
        lead = people[0]
        incident = incidents.declare(
            session,
            actor=lead,
            now=T0,
            title=f"Bench incident of {entries}",
            severity="SEV3",
            summary="Checkout errors",
            impact_started_at=T0,
        )
        at = T0
        for n in range(entries):
            at += timedelta(seconds=30)
            kind = n % 10
            if kind == 0:
                target = LIVE[(LIVE.index(incident.status) + 1) % 3]
                transition(session, incident=incident, actor=lead, status=target, now=at)
            elif kind == 1:
                incidents.update(
                    session,
                    incident=incident,
                    actor=lead,
                    now=at,
                    severity="SEV2" if incident.severity.name == "SEV3" else "SEV3",
                )
            elif kind == 2:
                roles.assign(
                    session,
                    incident=incident,
                    role="comms",
                    user_id=people[1 + n % 5].user_id,
                    actor=lead,
                    now=at,
                )
            elif kind in (3, 4):
                record(
                    session,
                    incident=incident,
                    kind="alert",
                    actor=None,
                    now=at,
                    occurred_at=at,
                    title=f"Alert ALR-{n} fired: ErrorRate above {n % 7}%",
                    payload={"alert": f"ALR-{n}"},
                )
            elif kind == 5 and n % 50 == 5:
                change = ChangeEvent(
                    kind="deploy",
                    summary=f"Deploy checkout build {n}",
                    occurred_at=at,
                    received_at=at,
                    details={},
                    links=[],
                )
                session.add(change)
                session.flush()
                session.add(
                    IncidentChange(
                        incident_id=incident.id, change_event_id=change.id, attached_at=at
                    )
                )
            elif kind == 6 and n % 40 == 6:
                followups.create(
                    session,
                    actor=lead,
                    title=f"Follow-up {n}",
                    incident_id=incident.id,
                    owner_id=people[n % 6].user_id,
                    now=at,
                )
            else:
                entry = record(
                    session,
                    incident=incident,
                    kind="note",
                    actor=people[n % 6],
                    now=at,
                    title=f"Note {n}: looked at the pods. Nothing new.",
                )
                entry.pinned = n % 25 == 7
        # Top up with notes: some moves above write no entry (a role its holder already has).
        count = session.scalar(select(func.count()).where(TimelineEntry.incident_id == incident.id))
        for n in range(entries - 2 - (count or 0)):  # resolving and the root cause write 2
            at += timedelta(seconds=1)
            record(
                session,
                incident=incident,
                kind="note",
                actor=people[n % 6],
                now=at,
                title=f"Note {n}: still looking.",
            )
        transition(
            session, incident=incident, actor=lead, status="resolved", now=at + timedelta(minutes=1)
        )
        incidents.update(
            session,
            incident=incident,
            actor=lead,
            now=at + timedelta(minutes=2),
            root_cause="Connection pool too small for the morning peak.",
        )
        return incident.reference


def _incident(session: Any, ref: str) -> Incident:
    found = session.scalar(select(Incident).where(Incident.number == int(ref.split("-")[1])))
    assert found is not None
    return found


def timed_draft(db: Database, ref: str) -> float:
    """One draft through the service, in a session of its own (seconds)."""
    with db.session() as session:
        incident = _incident(session, ref)
        actor = auth.actor_of(incident.reporter)  # type: ignore[arg-type]
        started = time.perf_counter()
        draft(session, incident=incident, actor=actor)
        return time.perf_counter() - started


def speed(kind: str, runs: int) -> dict[str, Any]:
    db = fresh_database(kind, Path(tempfile.mkdtemp(prefix="wk-pm-")))
    metadata.drop_all(db.engine)
    prepare(db)
    rows = []
    for size in SIZES:
        ref = build(db, size)
        with db.session(write=False) as session:
            count = len(
                session.scalars(
                    select(TimelineEntry.id)
                    .join(Incident)
                    .where(Incident.number == int(ref.split("-")[1]))
                ).all()
            )
        drafts = [timed_draft(db, ref) for _ in range(runs)]
        rows.append(
            {
                "entries": count,
                "draft_median_s": round(statistics.median(drafts), 4),
                "draft_max_s": round(max(drafts), 4),
            }
        )
    db.dispose()
    return {"database": kind, "runs": runs, "incidents": rows}


def coverage() -> dict[str, Any] | None:
    """The checks over the project's realistic incidents (None when the data is absent)."""
    source = DATA / "postmortem_incidents.json"
    if not source.exists():
        return None

    expectations = json.loads((DATA / "postmortem_expectations.json").read_text())
    db = Database(f"sqlite:///{Path(tempfile.mkdtemp(prefix='wk-pmc-')) / 'c.db'}")
    prepare(db)
    totals: dict[str, int] = dict.fromkeys(COUNTS, 0)
    failures: list[str] = []
    with db.session() as session:
        admin = auth.create_user(
            session,
            actor=None,
            now=T0,
            email="bench-admin@example.com",
            name="Bench Admin",
            role="admin",
        )
        import_history(
            session,
            actor=auth.actor_of(admin),
            now=datetime.now(UTC),
            document=parse(json.loads(source.read_text())),
        )
    with db.session() as session:
        for incident in session.scalars(select(Incident).where(Incident.external_ref.is_not(None))):
            made = compose.compose(gather.record_of(session, incident))
            texts = {key: made.markdown(key) for key in made.sections}
            whole = "\n\n".join(texts.values())
            totals["incidents"] += 1
            _count_coverage(totals, failures, incident, made, whole, session)
            sentences = [s for text in texts.values() for s in check.split(text)]
            totals["sentences"] += len(sentences)
            totals["sentences_without_source"] += sum(not check.MARKER.search(s) for s in sentences)
            problems = check.unsupported(texts.values(), made.sources)
            totals["unsupported_statements"] += len(problems)
            failures += [f"{incident.external_ref}: {p.sentence} ({p.reason})" for p in problems]
            expected = expectations.get(incident.external_ref, {})
            for external in expected.get("not_cause_changes", []):
                for sentence in sentences:
                    if (
                        external in sentence
                        and check.CAUSAL.search(sentence)
                        and "does not say" not in sentence
                    ):
                        totals["non_causes_named_as_cause"] += 1
                        failures.append(
                            f"{incident.external_ref}: names {external} as the cause: {sentence}"
                        )
    db.dispose()
    return {"totals": totals, "failures": failures[:20]}


def _count_coverage(
    totals: dict[str, int],
    failures: list[str],
    incident: Incident,
    made: compose.Draft,
    whole: str,
    session: Any,
) -> None:
    entries = session.scalars(select(TimelineEntry).where(TimelineEntry.incident_id == incident.id))
    for entry in entries:
        name = {
            "status_changed": "status_changes",
            "severity_changed": "severity_changes",
            "role_assigned": "role_assignments",
        }.get(entry.kind)
        if name is None:
            continue
        totals[name] += 1
        if f"[^T{entry.id}]" not in whole:
            totals[f"{name}_missing"] += 1
            failures.append(
                f"{incident.external_ref}: timeline entry {entry.id} ({entry.kind}) missing"
            )
    for follow_up in gather.record_of(session, incident).follow_ups:
        totals["follow_ups"] += 1
        owner = follow_up.owner or "no owner"
        if f"[^FU{follow_up.id}]" not in whole or f"owner {owner}" not in whole:
            totals["follow_ups_missing"] += 1
            failures.append(f"{incident.external_ref}: follow-up {follow_up.title!r} missing")
    end = incident.mitigated_at or incident.resolved_at
    if incident.impact_started_at and end:
        totals["impact_windows"] += 1
        if "The impact lasted" not in whole:
            totals["impact_windows_missing"] += 1
            failures.append(f"{incident.external_ref}: impact window missing")
    totals["root_causes_stated"] += bool(incident.root_cause)
    stated = incident.root_cause and incident.root_cause.split(".")[0][:60] in whole
    unknown = not incident.root_cause and "does not state a root cause" in whole
    if not (stated or unknown):
        totals["root_causes_missing"] += 1
        failures.append(f"{incident.external_ref}: root cause missing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    results = [speed(kind, args.runs) for kind in args.databases.split(",")]
    covered = coverage()
    worst = max(row["draft_median_s"] for r in results for row in r["incidents"])
    report = {
        "benchmark": "postmortem",
        "target": f"draft <= {TARGET_SECONDS} s at 2,000 entries; 0 sentences without a source; "
        "0 unsupported statements; every checked fact present",
        "met_speed": worst <= TARGET_SECONDS,
        "met_coverage": None
        if covered is None
        else all(
            covered["totals"][k] == 0
            for k in (*ZERO, *(f"{f}_missing" for f in FACTS), "root_causes_missing")
        ),
        "speed": results,
        "coverage": covered,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
