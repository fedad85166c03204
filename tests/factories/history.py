"""Import documents (docs/import.md): a small complete history, and ways to break it."""

import copy
from datetime import datetime, timedelta
from typing import Any

from watchkeep.core.clock import iso_z, utcnow

Document = dict[str, Any]


def history(start: datetime | None = None) -> Document:
    """Three people, four services (one a vendor's, one depending on one listed after it),
    two changes, a known error, two alerts and three incidents: one with a full timeline,
    one synthesized from its times, one declined. ``start`` is the first incident's
    declaration (default: ten days ago)."""
    t0 = start or (utcnow() - timedelta(days=10)).replace(microsecond=0)

    def at(minutes: float, day: int = 0) -> str:
        return iso_z(t0 + timedelta(days=day, minutes=minutes))

    return {
        "users": [
            {"name": "Nadia Okafor", "email": "nadia@example.com"},
            {"name": "Tomás Reyes", "email": "tomas@example.com"},
            {"name": "Priya Raman", "email": "priya@example.com", "role": "viewer"},
        ],
        "services": [
            {
                "name": "checkout-api",
                "description": "Takes orders.",
                "team": "Payments",
                "depends_on": ["payments-gateway", "orders-db"],
                "runbook": "# checkout-api\n\nRoll back with `deploy rollback checkout-api`.",
                "runbook_url": "https://runbooks.example.com/checkout-api",
            },
            {"name": "payments-gateway", "kind": "third_party", "team": "Payments"},
            {"name": "orders-db", "kind": "platform", "team": "Platform"},
            {"name": "search", "team": "Discovery"},
        ],
        "change_events": [
            {
                "id": "deploy-4411",
                "kind": "deploy",
                "summary": "checkout-api 2.14.0: new retry policy for card payments",
                "service": "checkout-api",
                "occurred_at": at(-20),
                "origin": "ci",
                "links": [{"href": "https://ci.example.com/runs/4411", "text": "run 4411"}],
                "details": {"version": "2.14.0"},
            },
            {
                "id": "flag-search-v2",
                "kind": "feature_flag",
                "summary": "search-v2 ranking enabled for 10% of users",
                "service": "search",
                "occurred_at": at(5, day=3),
            },
        ],
        "known_errors": [
            {
                "title": "Card retries storm the payment gateway",
                "symptoms": "checkout 502s, gateway 429s, retry counters climbing",
                "workaround": ["Disable the retry flag", "Roll back checkout-api"],
                "alert_names": ["CheckoutErrorRate"],
            }
        ],
        "alerts": [
            {
                "id": "am-9001",
                "title": "CheckoutErrorRate above 5%",
                "labels": {"alertname": "CheckoutErrorRate", "service": "checkout-api"},
                "severity": "critical",
                "starts_at": at(-2),
                "ends_at": at(55),
                "incident": "PD-100",
            },
            {
                "title": "Search latency p99 above 2s",
                "labels": {"alertname": "SearchLatency"},
                "severity": "warning",
                "starts_at": at(10, day=3),
                "ends_at": at(40, day=3),
            },
        ],
        "incidents": [
            {
                "ref": "PD-100",
                "title": "Checkout failing with 502 after the card retry deploy",
                "summary": "Card payments failed for a third of checkouts.",
                "severity": "SEV1",
                "services": ["checkout-api", "payments-gateway"],
                "impact_started_at": at(-3),
                "declared_at": at(0),
                "labels": {"team": "payments"},
                "root_cause": "Deploy 4411 retried card payments without backoff; "
                "the gateway rate-limited us.",
                "resolution": "Rolled back deploy 4411.",
                "reporter": "nadia@example.com",
                "roles": {"comms": "Tomás Reyes"},
                "timeline": [
                    {"kind": "declared", "payload": {"status": "triage", "severity": "SEV2"}},
                    {
                        "at": at(-1),
                        "kind": "note",
                        "actor": "Tomás Reyes",
                        "payload": {"text": "Gateway dashboards show 429s"},
                    },
                    {
                        "at": at(2),
                        "kind": "status",
                        "actor": "nadia@example.com",
                        "payload": {"to": "investigating"},
                    },
                    {
                        "at": at(4),
                        "kind": "severity",
                        "actor": "nadia@example.com",
                        "payload": {"from": "SEV2", "to": "SEV1"},
                    },
                    {"at": at(6), "kind": "alert", "payload": {"alert": "am-9001"}},
                    {"at": at(8), "kind": "change", "payload": {"change": "deploy-4411"}},
                    {
                        "at": at(10),
                        "kind": "update",
                        "actor": "Tomás Reyes",
                        "payload": {
                            "message": "Card payments are failing; we are rolling back.",
                            "status": "fixing",
                            "next_update_in_minutes": 20,
                        },
                    },
                    {
                        "at": at(25),
                        "kind": "note",
                        "actor": "nadia@example.com",
                        "payload": {
                            "text": "Rollback of 4411 done\nError rate dropping",
                            "pinned": True,
                        },
                    },
                    {
                        "at": at(30),
                        "kind": "status",
                        "actor": "nadia@example.com",
                        "payload": {"to": "monitoring"},
                    },
                    {
                        "at": at(31),
                        "kind": "role",
                        "actor": "nadia@example.com",
                        "payload": {"role": "scribe", "user": "tomas@example.com"},
                    },
                    {
                        "at": at(60),
                        "kind": "update",
                        "actor": "Tomás Reyes",
                        "payload": {"message": "Checkout works again.", "status": "resolved"},
                    },
                    {
                        "at": at(90),
                        "kind": "follow_up",
                        "actor": "nadia@example.com",
                        "payload": {
                            "title": "Back off card retries",
                            "owner": "Tomás Reyes",
                            "priority": "high",
                        },
                    },
                ],
            },
            {
                "ref": "PD-101",
                "title": "Search results slow after ranking flag",
                "severity": "SEV3",
                "services": ["search"],
                "declared_at": at(15, day=3),
                "acknowledged_at": at(20, day=3),
                "mitigated_at": at(35, day=3),
                "resolved_at": at(45, day=3),
                "closed_at": at(0, day=5),
                "reporter": "tomas@example.com",
                "changes": ["flag-search-v2"],
                "follow_ups": [
                    {
                        "title": "Load-test search-v2",
                        "owner": "Nadia Okafor",
                        "status": "completed",
                        "completed_at": at(0, day=4),
                    },
                    {
                        "title": "Page on p99",
                        "status": "not_doing",
                        "not_doing_reason": "p95 alert is enough",
                    },
                ],
            },
            {
                "ref": "PD-102",
                "title": "Checkout errors reported by one customer",
                "severity": "SEV4",
                "status": "declined",
                "declared_at": at(0, day=6),
                "closed_at": at(10, day=6),
            },
        ],
    }


def edited(document: Document, **changes: Any) -> Document:
    """A deep copy of ``document``; ``changes`` map ``"incidents.0.severity"`` to a value."""
    copied = copy.deepcopy(document)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node: Any = copied
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return copied
