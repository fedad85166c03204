"""A wrong file imports nothing, and says everything that is wrong with it at once, each
problem named by its record and field."""

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person
from tests.factories.history import Document, edited, history

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Forbidden, Invalid
from watchkeep.history.findings import MAX_LISTED
from watchkeep.history.service import import_history, parse
from watchkeep.models import metadata


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }


def problems(session: Session, who: Person, document: Any) -> list[str]:
    """The problems the import lists, having checked that it wrote nothing."""
    before = row_counts(session)
    with pytest.raises(Invalid) as refused:
        import_history(session, actor=who.actor, now=utcnow(), document=parse(document))
    assert row_counts(session) == before
    error = refused.value
    listed = error.message.split("\n")[1:]
    assert error.details["count"] >= len(error.details["errors"])
    return [line.removeprefix("- ") for line in listed]


def test_unknown_names_are_listed_together(session: Session, admin: Person) -> None:
    document = edited(
        history(),
        **{
            "incidents.0.severity": "SEV9",
            "incidents.0.services": ["checkout-api", "billing"],
            "incidents.0.roles": {"comms": "Nobody Known"},
            "incidents.1.reporter": "ghost@example.com",
            "change_events.0.service": "ledger",
        },
    )
    assert problems(session, admin, document) == [
        'change_events[0] (id "deploy-4411").service: no service named "ledger" here or in '
        "the file",
        'incidents[0] (ref "PD-100").severity: no severity named "SEV9"; the severities are '
        "SEV1, SEV2, SEV3, SEV4",
        'incidents[0] (ref "PD-100").services[1]: no service named "billing" here or in the file',
        'incidents[0] (ref "PD-100").roles.comms: no user named "Nobody Known"; add them to '
        "users, or name them by e-mail",
        'incidents[1] (ref "PD-101").reporter: no user with e-mail ghost@example.com; add them '
        "to users",
    ]


def test_a_missing_ref_and_bad_times_are_refused_before_anything_else(
    session: Session, admin: Person
) -> None:
    document = history()
    del document["incidents"][0]["ref"]
    document["incidents"][1]["declared_at"] = "2025-01-01 10:00"  # no offset
    document["incidents"][1]["resolved_at"] = 1735725600  # seconds: not a time
    document["incidents"][2]["declared_at"] = "yesterday"
    document["incidents"][0]["timeline"][1]["kind"] = "comment"
    found = problems(session, admin, document)
    assert found[0] == "incidents[0].ref: required"
    assert found[1].startswith("incidents[0].timeline[1]: Input tag 'comment' found using 'kind'")
    assert found[2:] == [
        'incidents[1] (ref "PD-101").declared_at: Input should have timezone info',
        'incidents[1] (ref "PD-101").resolved_at: Value error, must be an ISO 8601 date and '
        "time, such as 2024-05-01T14:30:00Z",
        'incidents[2] (ref "PD-102").declared_at: Value error, must be an ISO 8601 date and '
        "time, such as 2024-05-01T14:30:00Z",
    ]


def test_times_out_of_order_name_the_field(session: Session, admin: Person) -> None:
    document = edited(history(), **{"incidents.1.resolved_at": "2020-01-01T00:00:00Z"})
    found = problems(session, admin, document)
    assert len(found) == 1 and found[0].startswith('incidents[1] (ref "PD-101").resolved_at: ')
    assert "must not be before" in found[0]


def test_duplicates_in_one_file(session: Session, admin: Person) -> None:
    document = history()
    document["incidents"].append(dict(document["incidents"][2]))
    document["users"].append({"name": "Nadia Again", "email": "NADIA@example.com"})
    document["change_events"].append(dict(document["change_events"][1]))
    assert problems(session, admin, document) == [
        'users[3] (email "NADIA@example.com").email: NADIA@example.com is also users[0]',
        'change_events[2] (id "flag-search-v2").id: "flag-search-v2" is also change_events[1]',
        'incidents[3] (ref "PD-102").ref: "PD-102" is also incidents[2]',
    ]


def test_timeline_entries_are_checked_against_the_lifecycle(
    session: Session, admin: Person
) -> None:
    document = history()
    timeline = document["incidents"][0]["timeline"]
    timeline[8]["payload"] = {"to": "closed"}  # from fixing: not allowed
    timeline[9]["payload"]["user"] = "priya@example.com"  # a viewer
    timeline[4]["actor"] = "nadia@example.com"  # alerts are Watchkeep's own
    assert problems(session, admin, document) == [
        'incidents[0] (ref "PD-100").timeline[4].actor: alert entries are Watchkeep\'s own: '
        "leave actor out",
        'incidents[0] (ref "PD-100").timeline[9].payload.user: Priya Raman is a viewer and '
        "cannot hold a role; give them the responder role in users, or name someone else",
    ]
    document = history()
    document["incidents"][0]["timeline"][8]["payload"] = {"to": "closed"}
    assert problems(session, admin, document) == [
        'incidents[0] (ref "PD-100").timeline[8].payload.to: cannot move from fixing to '
        "closed; allowed next: investigating, monitoring, resolved",
    ]


def test_records_of_other_kinds(session: Session, admin: Person) -> None:
    document = edited(
        history(),
        **{
            "users.0.role": "owner",
            "services.1.kind": "vendor",
            "services.0.depends_on": ["checkout-api"],
            "services.0.runbook_url": "runbooks/checkout",
            "known_errors.0.fix_status": "done",
            "alerts.0.status": "open",
            "alerts.1.incident": "PD-999",
            "change_events.1.kind": "release",
        },
    )
    assert problems(session, admin, document) == [
        'users[0] (email "nadia@example.com").role: no role "owner"; use one of viewer, '
        "responder, admin",
        'services[0] (name "checkout-api").runbook_url: must be an http(s) URL',
        'services[0] (name "checkout-api").depends_on[0]: a service cannot depend on itself',
        'services[1] (name "payments-gateway").kind: no service kind "vendor"; use one of '
        "internal, platform, third_party",
        'change_events[1] (id "flag-search-v2").kind: no change kind "release"; use one of '
        "deploy, pull_request, push, config, feature_flag, infrastructure, change",
        'known_errors[0] (title "Card retries storm the payment gateway").fix_status: no fix '
        'status "done"; use one of none, planned, in_progress, released',
        'alerts[0] (id "am-9001").status: no alert status "open"; use one of firing, '
        "acknowledged, resolved",
        'alerts[1] (title "Search latency p99 above 2s").incident: no incident with ref "PD-999"',
    ]


def test_the_list_is_capped(session: Session, admin: Person) -> None:
    document: Document = {
        "incidents": [
            {
                "ref": f"X-{n}",
                "title": "t",
                "severity": "SEV9",
                "declared_at": "2025-01-01T00:00:00Z",
            }
            for n in range(MAX_LISTED + 20)
        ]
    }
    with pytest.raises(Invalid) as refused:
        import_history(session, actor=admin.actor, now=utcnow(), document=parse(document))
    assert refused.value.details["count"] == MAX_LISTED + 20
    assert len(refused.value.details["errors"]) == MAX_LISTED
    assert refused.value.message.endswith("- … and 20 more")


def test_only_admins_import(session: Session, alice: Person) -> None:
    with pytest.raises(Forbidden):
        import_history(session, actor=alice.actor, now=utcnow(), document=parse(history()))


def test_times_before_1970_are_refused(session: Session, admin: Person) -> None:
    document = edited(history(), **{"incidents.2.declared_at": "0001-01-01T00:30:00+01:00"})
    document["alerts"][1]["starts_at"] = "1969-12-31T23:59:59Z"
    assert problems(session, admin, document) == [
        'alerts[1] (title "Search latency p99 above 2s").starts_at: Value error, must be a '
        "time after 1970",
        'incidents[2] (ref "PD-102").declared_at: Value error, must be a time after 1970',
    ]
