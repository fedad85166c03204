"""``watchkeep source``, ``policy``, ``alert`` and ``page`` in both modes: the local database
(``--as``) and a server (``--url``/``--token``). ``cli`` and ``crew`` come from
tests/cli/conftest.py."""

import json

from click.testing import Result
from sqlalchemy import select
from tests.cli.conftest import Crew, Run

from watchkeep.alert import ingest, sources
from watchkeep.alert.models import Alert
from watchkeep.alert.normalize import Signal
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.escalation.models import Page


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def fire(db_url: str, source_name: str, key: str) -> int:
    db = Database(db_url)
    with db.session() as session:
        [source] = [s for s in sources.list_sources(session) if s.name == source_name]
        signal = Signal(
            action="trigger",
            dedup_key=key,
            title=f"Disk full {key}",
            labels={"alertname": "DiskFull"},
            severity="critical",
        )
        [outcome] = ingest.accept(
            session, source=source, format="generic", body={}, signals=[signal], now=utcnow()
        )
    db.dispose()
    assert outcome.alert_id is not None
    return outcome.alert_id


def test_sources_policies_and_alerts_from_the_command_line(
    cli: Run, crew: Crew, db_url: str
) -> None:
    made = json.loads(
        ok(
            cli(
                "policy",
                "create",
                "Payments",
                "--level",
                f"5:user:{crew.grace.user.email}",
                "--level",
                f"10:user:{crew.admin.user.email}",
                "--repeat",
                "1",
                "--json",
                who=crew.admin,
            )
        ).stdout
    )
    assert [lvl["minutes"] for lvl in made["levels"]] == [5, 10] and made["repeat"] == 1
    shown = ok(cli("policy", "show", "payments", who=crew.grace)).stdout
    assert "level 1 (5 min): user Grace Hopper" in " ".join(shown.split())

    source = json.loads(
        ok(
            cli(
                "source",
                "create",
                "prom",
                "--kind",
                "alertmanager",
                "--policy",
                "Payments",
                "--json",
                who=crew.admin,
            )
        ).stdout
    )
    assert len(source["integration_key"]) == 32
    assert source["endpoints"]["alertmanager"].endswith(source["integration_key"])
    assert cli("source", "list", who=crew.grace).exit_code == 1  # keys are for admins
    rotated = json.loads(ok(cli("source", "rotate-key", "prom", "--json", who=crew.admin)).stdout)
    assert rotated["integration_key"] != source["integration_key"]

    alert_id = fire(db_url, "prom", "disk-1")
    listed = json.loads(
        ok(cli("alert", "list", "--status", "open", "--json", who=crew.grace)).stdout
    )
    assert [a["id"] for a in listed] == [alert_id]
    table = ok(cli("alert", "list", who=crew.grace)).stdout
    assert f"ALR-{alert_id}" in table and "firing" in table

    acked = ok(cli("alert", "ack", f"ALR-{alert_id}", who=crew.grace)).stdout
    assert f"ALR-{alert_id} is acknowledged" in acked
    detail = json.loads(ok(cli("alert", "show", str(alert_id), "--json", who=crew.grace)).stdout)
    assert detail["acknowledged_by"]["name"] == "Grace Hopper"
    assert [e["action"] for e in detail["events"]] == ["trigger", "acknowledge"]
    assert detail["escalation"] is None  # the worker did not run: no escalation started
    resolved = ok(cli("alert", "resolve", f"ALR-{alert_id}", who=crew.grace)).stdout
    assert "is resolved" in resolved
    assert cli("alert", "ack", "nonsense", who=crew.grace).exit_code != 0


def test_page_a_person_by_hand(cli: Run, crew: Crew, db_url: str) -> None:
    out = ok(
        cli("page", crew.admin.user.email, "--message", "Please join the bridge", who=crew.grace)
    ).stdout
    assert "paged Ada Admin" in out
    db = Database(db_url)
    with db.session(write=False) as session:
        [page] = session.scalars(select(Page)).all()
        assert (page.user_id, page.message, page.sender_id) == (
            crew.admin.user.id,
            "Please join the bridge",
            crew.grace.user.id,
        )
        assert session.scalars(select(Alert)).all() == []
    db.dispose()
    refused = cli("page", "Nobody Schedule", "--message", "x", who=crew.grace)
    assert refused.exit_code == 1 and "no schedule" in refused.output


def test_a_github_source_prints_its_signing_secret_and_renews_it(cli: Run, crew: Crew) -> None:
    made = ok(cli("source", "create", "repos", "--kind", "github", who=crew.admin)).stdout
    assert "signing secret: " in made and "/ingest/github/" in made
    source = json.loads(ok(cli("source", "list", "--json", who=crew.admin)).stdout)[0]
    assert len(source["signing_secret"]) == 64
    rotated = json.loads(ok(cli("source", "rotate-key", "repos", "--json", who=crew.admin)).stdout)
    assert rotated["signing_secret"] not in (None, source["signing_secret"])
