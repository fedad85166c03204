"""``watchkeep postmortem draft`` and ``export``, on the local database and through a server
(the ``cli`` fixture of tests/cli/conftest.py runs each test in both modes)."""

import json
from pathlib import Path

import pytest
from click.testing import Result
from tests.cli.conftest import Crew, Run
from tests.factories import make_person
from tests.integration.assist.story import checkout_outage

from watchkeep.core.db import Database


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def ref(crew: Crew, db_url: str) -> str:
    db = Database(db_url)
    with db.session() as session:
        story = checkout_outage(session, crew.grace, make_person(session, name="Bob"))
        reference = story.incident.reference
    db.dispose()
    return reference


def test_draft_then_export(cli: Run, crew: Crew, ref: str, tmp_path: Path) -> None:
    shown = ok(cli("postmortem", "draft", ref, who=crew.grace)).stdout
    assert "## Summary" in shown and f"{ref} “Checkout errors after deploy”" in shown
    assert "Drafted summary" in shown
    answer = json.loads(
        ok(
            cli("postmortem", "draft", ref, "--section", "timeline", "--json", who=crew.grace)
        ).stdout
    )
    assert answer["written"] == [] and answer["postmortem"]["version"] == 1
    markdown = ok(cli("postmortem", "export", ref, who=crew.grace)).stdout
    assert (
        markdown.startswith(f"# Post-mortem: {ref}") and "[^F-root_cause]: Root cause:" in markdown
    )
    out = tmp_path / "pm.html"
    ok(cli("postmortem", "export", ref, "--format", "html", "--output", str(out), who=crew.grace))
    assert out.read_text().startswith("<!doctype html>")


def test_an_unknown_section_or_incident_is_refused(cli: Run, crew: Crew, ref: str) -> None:
    bad = cli("postmortem", "draft", ref, "--section", "nope", who=crew.grace)
    assert bad.exit_code == 1 and "its sections are summary" in " ".join(bad.output.split())
    missing = cli("postmortem", "export", "INC-999", who=crew.grace)
    assert missing.exit_code == 1
