"""``watchkeep similar``: incidents like INC-n or like --text, locally and through a server.

Local mode reads the database as ``--as EMAIL``; remote mode asks the API with that user's
token (the ``cli``, ``local`` and ``remote`` fixtures of tests/cli/conftest.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import Result
from sqlalchemy import select
from tests.factories import make_past_incident

from watchkeep.catalog.models import Service
from watchkeep.core.db import Database

if TYPE_CHECKING:
    from tests.cli.conftest import Crew, Run

LAG = (
    ("Checkout DB pool exhausted", "connections waiting on the pool, 504s"),
    ("Checkout 504s: connection pool full", "pool wait time alert fired"),
    ("Pool exhaustion on checkout again", "database connections exhausted"),
)
NOISE = (
    ("TLS certificate expired on the gateway", "handshake failures"),
    ("Search index rebuild stuck", "elasticsearch shards unassigned"),
    ("Login page slow for EU users", "CDN cache misses"),
)


def flat(text: str) -> str:
    return " ".join(text.split())


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def rows(result: Result) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(ok(result).stdout)
    return found


def refs(result: Result) -> list[str]:
    return [row["incident"]["reference"] for row in rows(result)]


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert message in flat(result.output)


@pytest.fixture
def history(crew: Crew, db_url: str) -> dict[str, str]:
    """INC-1..3 the same fault on checkout, INC-4..6 noise, INC-7 private (Grace's), by title."""
    db = Database(db_url)
    made: dict[str, str] = {}
    with db.session() as session:
        services = {s.name: s for s in session.scalars(select(Service))}
        for title, summary in LAG:
            made[title] = make_past_incident(
                session, crew.grace, title=title, summary=summary,
                service_ids=[services["checkout"].id],
            ).reference  # fmt: skip
        for title, summary in NOISE:
            made[title] = make_past_incident(
                session, crew.grace, title=title, summary=summary,
                service_ids=[services["search"].id],
            ).reference  # fmt: skip
        made["secret"] = make_past_incident(
            session, crew.grace, title="Checkout pool exhausted by a leaked key scan",
            summary="connection pool full", service_ids=[services["checkout"].id], private=True,
        ).reference  # fmt: skip
    db.dispose()
    return made


def test_similar_to_an_incident_shows_the_reasons(
    cli: Run, crew: Crew, history: dict[str, str]
) -> None:
    drawn = flat(ok(cli("similar", "INC-1", who=crew.grace)).stdout)
    for text in ("incident", "title", "status", "score", "why", "INC-2", "INC-3", "checkout"):
        assert text in drawn
    assert "INC-1 " not in drawn
    found = refs(cli("similar", "INC-1", "--json", who=crew.grace))
    assert set(found[:2]) == {"INC-2", "INC-3"}
    assert "INC-1" not in found
    assert len(refs(cli("similar", "inc-1", "-k", "1", "--json", who=crew.grace))) == 1


def test_similar_to_text(cli: Run, crew: Crew, history: dict[str, str]) -> None:
    found = rows(cli("similar", "--text", "connection pool exhausted", "--json", who=crew.grace))
    assert {"INC-1", "INC-2", "INC-3"} <= {r["incident"]["reference"] for r in found[:4]}
    assert all(set(r) == {"incident", "score", "reasons", "weak", "verdict"} for r in found)
    drawn = flat(ok(cli("similar", "-t", "zebra giraffe", who=crew.grace)).stdout)
    assert drawn == "No similar incidents found."


def test_json_is_the_same_in_both_modes(
    local: Run, remote: Run, crew: Crew, history: dict[str, str]
) -> None:
    for args in (("INC-1",), ("--text", "pool exhausted"), ("INC-2", "-k", "2")):
        here = ok(local("similar", *args, "--json", who=crew.grace)).stdout
        there = ok(remote("similar", *args, "--json", who=crew.grace)).stdout
        assert here == there
        assert json.loads(here), args


def test_a_private_incident_is_shown_only_to_who_may_see_it(
    cli: Run, crew: Crew, history: dict[str, str]
) -> None:
    secret = history["secret"]
    for args in (("INC-1", "-k", "50"), ("--text", "checkout connection pool", "-k", "50")):
        assert secret not in refs(cli("similar", *args, "--json", who=crew.outsider))
        for insider in (crew.grace, crew.admin):
            assert secret in refs(cli("similar", *args, "--json", who=insider))
    refused(cli("similar", secret, who=crew.outsider), f"incident {secret} does not exist")


def test_neither_or_both_is_an_error(cli: Run, crew: Crew, history: dict[str, str]) -> None:
    refused(cli("similar", who=crew.grace), "give either an incident reference or --text")
    refused(
        cli("similar", "INC-1", "--text", "pool", who=crew.grace),
        "give either an incident reference or --text",
    )


def test_an_unknown_incident_is_an_error(cli: Run, crew: Crew, history: dict[str, str]) -> None:
    refused(cli("similar", "INC-987", who=crew.grace), "incident INC-987 does not exist")
    refused(
        cli("similar", "PRB-1", who=crew.grace),
        "'PRB-1' is not an incident reference; use INC-<number>",
    )


def test_the_limit_is_checked_before_asking(cli: Run, crew: Crew) -> None:
    assert cli("similar", "INC-1", "-k", "0", who=crew.grace).exit_code == 2
    assert cli("similar", "INC-1", "-k", "51", who=crew.grace).exit_code == 2


def test_a_too_short_text_gets_the_same_answer_in_both_modes(
    local: Run, remote: Run, crew: Crew, history: dict[str, str]
) -> None:
    here = local("similar", "--text", "db", "--json", who=crew.grace)
    there = remote("similar", "--text", "db", "--json", who=crew.grace)
    assert (here.exit_code, flat(here.output)) == (there.exit_code, flat(there.output))
