"""``watchkeep problem`` and ``watchkeep known-error``, locally and through a real server.

Each test runs in both modes (the ``cli`` fixture, tests/cli/conftest.py): ``local`` acts on the
database as ``--as EMAIL``; ``remote`` talks to uvicorn serving the same database with that
user's token.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from click.testing import Result
from tests.factories import Person

if TYPE_CHECKING:
    from tests.cli.conftest import Crew, Run


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert message in flat(result.output)


def declare(cli: Run, who: Person, title: str, *extra: str) -> dict[str, Any]:
    return as_json(cli("incident", "declare", title, "-s", "SEV2", *extra, "--json", who=who))


def show(cli: Run, who: Person, ref: str = "PRB-1") -> dict[str, Any]:
    shown: dict[str, Any] = as_json(cli("problem", "show", ref, "--json", who=who))
    return shown


def test_raise_a_problem_and_work_it_to_a_known_error(cli: Run, crew: Crew) -> None:
    admin = crew.admin
    declare(cli, admin, "Checkout times out", "--service", "checkout", "--summary", "Pool waits")
    declare(cli, admin, "Checkout times out again", "--service", "checkout")

    raised = ok(cli("problem", "raise", "INC-1", "INC-2", "--title", "Pool exhaustion",
                    "--priority", "high", who=admin))  # fmt: skip
    assert "PRB-1 raised from INC-1, INC-2: Pool exhaustion (high, new)" in flat(raised.stdout)
    problem = show(cli, admin)["problem"]
    assert problem["impact"]["incident_count"] == 2
    assert problem["impact"]["severity_mix"] == {"SEV2": 2}
    assert [s["name"] for s in problem["services"]] == ["checkout"]
    assert [i["incident"]["reference"] for i in problem["incidents"]] == ["INC-1", "INC-2"]
    assert "Pool waits" in problem["description"]

    ok(
        cli(
            "problem", "root-cause", "PRB-1", "The pool is sized for last year's traffic", who=admin
        )
    )
    refused(
        cli("problem", "state", "PRB-1", "resolved", who=admin),
        "cannot move from new to resolved; allowed next: canceled, investigating",
    )
    moved = ok(cli("problem", "state", "PRB-1", "investigating", who=admin))
    assert "PRB-1 is now investigating" in moved.stdout
    identified = as_json(
        cli("problem", "state", "PRB-1", "root_cause_identified", "--json", who=admin)
    )
    assert identified["state"] == "root_cause_identified"
    assert identified["root_cause_identified_at"] is not None
    refused(
        cli("problem", "state", "PRB-1", "closed", who=admin),
        "cannot move from root_cause_identified to closed; "
        "allowed next: canceled, fix_in_progress, known_error",
    )
    assert cli("problem", "state", "PRB-1", "sideways", who=admin).exit_code == 2

    whys = as_json(
        cli("problem", "why", "PRB-1", "--step", "Why timeouts?::The pool was empty",
            "--step", "Why empty?::Sized for 2023", "--json", who=admin)
    )  # fmt: skip
    assert [(w["question"], w["answer"]) for w in whys["whys"]] == [
        ("Why timeouts?", "The pool was empty"),
        ("Why empty?", "Sized for 2023"),
    ]
    assert cli("problem", "why", "PRB-1", "--step", "no separator", who=admin).exit_code == 2
    ok(cli("problem", "factor", "PRB-1", "technology", "No alert on pool waits", who=admin))
    assert cli("problem", "factor", "PRB-1", "luck", "bad", who=admin).exit_code == 2

    known = as_json(
        cli("known-error", "create", "Checkout pool exhaustion", "--problem", "PRB-1",
            "--symptoms", "Checkout 504s and pool wait alerts", "--step", "Raise the pool size",
            "--step", "Restart checkout", "--json", who=admin)
    )  # fmt: skip
    assert (known["reference"], known["problem"]) == ("KE-1", "PRB-1")
    assert known["workaround"] == ["Raise the pool size", "Restart checkout"]
    loose = ok(cli("known-error", "create", "Stale DNS", "--symptoms", "NXDOMAIN",
                   "--step", "Flush the resolver cache", who=admin))  # fmt: skip
    assert "KE-2 recorded: Stale DNS" in flat(loose.stdout)

    def known_refs(*filters: str) -> list[str]:
        found = as_json(cli("known-error", "list", *filters, "--json", who=crew.grace))
        return [k["reference"] for k in found]

    assert known_refs() == ["KE-2", "KE-1"]
    assert known_refs("--text", "pool") == ["KE-1"]
    assert known_refs("-q", "nxdomain") == ["KE-2"]
    assert "KE-1" in ok(cli("known-error", "list", who=admin)).stdout
    assert as_json(cli("known-error", "show", "ke-1", "--json", who=crew.grace)) == known
    drawn_known = flat(ok(cli("known-error", "show", "KE-1", who=admin)).stdout)
    for text in ("KE-1", "symptoms", "1. Raise the pool size", "2. Restart checkout"):
        assert text in drawn_known

    action = as_json(
        cli("problem", "action", "PRB-1", "Alert on pool waits", "--type", "detective",
            "--owner", crew.grace.user.email, "--priority", "high", "--json", who=admin)
    )  # fmt: skip
    assert (action["action_type"], action["owner"]["name"]) == ("detective", "Grace Hopper")
    assert action["priority"] == "high"
    assert cli("problem", "action", "PRB-1", "x", "--type", "magic", who=admin).exit_code == 2

    shown = show(cli, admin)
    problem = shown["problem"]
    assert [k["reference"] for k in problem["known_errors"]] == ["KE-1"]
    assert [f["title"] for f in problem["follow_ups"]] == ["Alert on pool waits"]
    assert [(f["category"], f["description"]) for f in problem["factors"]] == [
        ("technology", "No alert on pool waits")
    ]
    kinds = [e["kind"] for e in shown["timeline"]]
    assert set(kinds) >= {
        "created", "incident_linked", "root_cause_changed", "state_changed", "whys_changed",
        "factor_added", "known_error_recorded", "follow_up_created",
    }  # fmt: skip

    drawn = flat(ok(cli("problem", "show", "PRB-1", who=admin)).stdout)
    expected = (
        "PRB-1", "Pool exhaustion", "impact", "INC-2", "5 whys", "Sized for 2023",
        "No alert on pool waits", "Restart checkout", "Alert on pool waits", "timeline",
    )  # fmt: skip
    assert [text for text in expected if text not in drawn] == []


def test_create_and_list_problems(cli: Run, crew: Crew) -> None:
    admin = crew.admin
    created = ok(
        cli("problem", "create", "Search flaps", "--service", "search", "--priority", "low",
            "--description", "Nightly reindex", who=admin)
    )  # fmt: skip
    assert "PRB-1 opened: Search flaps (low, new)" in flat(created.stdout)
    second = as_json(cli("problem", "create", "Checkout pool", "--json", who=crew.grace))
    assert (second["reference"], second["priority"], second["state"]) == ("PRB-2", "medium", "new")
    ok(cli("problem", "root-cause", "PRB-2", "pool too small", who=admin))
    ok(cli("problem", "state", "PRB-2", "canceled", who=admin))
    unknown = cli("problem", "create", "x", "--service", "nope", who=admin)
    refused(unknown, "unknown service nope; known: checkout, search")

    def refs(*filters: str) -> list[str]:
        page = as_json(cli("problem", "list", *filters, "--json", who=crew.outsider))
        return [p["reference"] for p in page["items"]]

    assert refs() == ["PRB-2", "PRB-1"]
    assert refs("--open") == ["PRB-1"]
    assert refs("--state", "canceled", "--state", "new") == ["PRB-2", "PRB-1"]
    assert refs("--priority", "low") == ["PRB-1"]
    assert refs("--service", "search") == ["PRB-1"]
    assert refs("--text", "too small") == ["PRB-2"]
    assert refs("-q", "reindex") == ["PRB-1"]
    page = as_json(cli("problem", "list", "--limit", "1", "--json", who=admin))
    assert page["has_more"] is True
    table = flat(ok(cli("problem", "list", who=admin)).stdout)
    assert "PRB-1" in table
    assert "Search flaps" in table


def test_link_and_unlink_incidents(cli: Run, crew: Crew) -> None:
    admin = crew.admin
    declare(cli, admin, "Replica lag")
    ok(cli("problem", "create", "WAL archiving stalls", who=admin))
    linked = ok(cli("problem", "link", "PRB-1", "1", "--reason", "same lag graph", who=admin))
    assert "INC-1 linked to PRB-1" in flat(linked.stdout)
    link = show(cli, admin)["problem"]["incidents"][0]
    assert (link["reason"], link["linked_by"]["name"]) == ("same lag graph", "Ada Admin")
    refused(cli("problem", "link", "PRB-1", "INC-1", who=admin), "INC-1 is already linked to PRB-1")
    timeline = as_json(cli("incident", "show", "INC-1", "--json", who=admin))["timeline"]
    assert any(e["kind"] == "problem_linked" for e in timeline)

    unlinked = as_json(cli("problem", "unlink", "PRB-1", "INC-1", "--json", who=admin))
    assert unlinked["incidents"] == []
    assert unlinked["impact"]["incident_count"] == 0
    refused(cli("problem", "unlink", "PRB-1", "INC-1", who=admin), "INC-1 is not linked to PRB-1")
    refused(cli("problem", "show", "PRB-9", who=admin), "problem PRB-9 does not exist")


def raise_over_a_private_incident(cli: Run, crew: Crew) -> None:
    declare(cli, crew.admin, "Public outage")
    declare(cli, crew.admin, "Leaked credentials", "--private", "--summary", "keys in logs")
    ok(cli("problem", "raise", "INC-1", "INC-2", "--title", "Secrets", who=crew.admin))


def test_a_private_incident_stays_out_of_the_problem_for_others(cli: Run, crew: Crew) -> None:
    raise_over_a_private_incident(cli, crew)
    seen_by_admin = show(cli, crew.admin)["problem"]
    assert seen_by_admin["impact"]["incident_count"] == 2

    seen_by_outsider = show(cli, crew.outsider)["problem"]
    assert [i["incident"]["reference"] for i in seen_by_outsider["incidents"]] == ["INC-1"]
    assert seen_by_outsider["impact"]["incident_count"] == 1
    refused(cli("problem", "unlink", "PRB-1", "INC-2", who=crew.outsider), "INC-2 does not exist")
    refused(cli("problem", "link", "PRB-1", "INC-2", who=crew.outsider), "INC-2 does not exist")

    ok(cli("incident", "assign", "INC-2", "scribe", crew.grace.user.email, who=crew.admin))
    seen_by_grace = show(cli, crew.grace)["problem"]
    assert seen_by_grace["impact"]["incident_count"] == 2


def test_nothing_of_a_private_incident_shows_on_the_problem_page(cli: Run, crew: Crew) -> None:
    raise_over_a_private_incident(cli, crew)
    drawn = flat(ok(cli("problem", "show", "PRB-1", who=crew.outsider)).stdout)
    assert "INC-1" in drawn
    leaks = [text for text in ("INC-2", "Leaked credentials", "keys in logs") if text in drawn]
    assert leaks == []


def test_local_and_remote_json_are_the_same(crew: Crew, local: Run, remote: Run) -> None:
    admin = crew.admin
    declare(local, admin, "Made locally", "--service", "search")
    declare(remote, admin, "Made remotely", "--service", "search")
    for ref in ("INC-1", "INC-2"):
        ok(local("incident", "resolve", ref, who=admin))  # a fixed duration in the impact
    made_locally = as_json(local("problem", "raise", "INC-1", "--json", who=admin))
    made_remotely = as_json(remote("problem", "raise", "INC-2", "--json", who=admin))
    assert made_locally.keys() == made_remotely.keys()
    ok(remote("problem", "link", "PRB-1", "INC-2", who=admin))
    ok(local("known-error", "create", "Lag", "--problem", "PRB-1", "--symptoms", "s",
             "--step", "wait", who=admin))  # fmt: skip
    ok(remote("problem", "action", "PRB-1", "Fix it", "--owner", "1", who=admin))
    for command in (("problem", "list"), ("problem", "show", "PRB-1"), ("known-error", "list")):
        in_local = as_json(local(*command, "--json", who=crew.grace))
        in_remote = as_json(remote(*command, "--json", who=crew.grace))
        assert in_local == in_remote


def test_remote_refuses_as_and_reports_api_errors(crew: Crew, remote: Run, server: str) -> None:
    refused(remote("problem", "state", "PRB-3", "investigating", who=crew.admin),
            "problem PRB-3 does not exist")  # fmt: skip
    refused(
        remote("known-error", "show", "KE-7", who=crew.admin), "known error KE-7 does not exist"
    )
    with_as = remote("problem", "list", "--as", crew.admin.user.email, who=crew.admin)
    refused(with_as, "--as (WATCHKEEP_ACTOR) is for the local database")
