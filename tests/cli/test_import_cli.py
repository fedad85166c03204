"""``watchkeep import FILE``: on the local database and on a server; the summary, or the API's
JSON; a dry run; a file with problems imports nothing and says why."""

import json
from pathlib import Path

from click.testing import Result
from tests.cli.conftest import Crew, Run
from tests.factories.history import history


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def written(tmp_path: Path, document: object, name: str = "history.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_import_locally_then_again(local: Run, crew: Crew, tmp_path: Path) -> None:
    file = written(tmp_path, history())
    dry = ok(local("import", file, "--dry-run", who=crew.admin))
    assert "Dry run: checked, nothing written" in dry.stdout
    listed = json.loads(ok(local("incident", "list", "--json", who=crew.admin)).stdout)
    assert listed["items"] == []
    summary = json.loads(ok(local("import", file, "--json", who=crew.admin)).stdout)
    assert summary["counts"]["incidents"]["created"] == 3
    assert summary["counts"]["services"]["created"] == 3  # "search" was there: left as it is
    shown = json.loads(
        ok(
            local(
                "incident", "show", summary["incidents"][0]["reference"], "--json", who=crew.grace
            )
        ).stdout
    )
    assert shown["incident"]["external_ref"] == "PD-100"
    again = ok(local("import", file, who=crew.admin))
    table = " ".join(again.stdout.split())
    assert "Imported" in table and "incidents │ 0 │ 3 │ 0" in table
    assert "timeline entries written: 0" in table
    assert 'skipped: services[3] (name "search") (search) exists and differs (team)' in table


def test_a_file_with_problems_imports_nothing(local: Run, crew: Crew, tmp_path: Path) -> None:
    document = history()
    document["incidents"][0]["severity"] = "SEV9"
    result = local("import", written(tmp_path, document), who=crew.admin)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "1 problem(s) in the import; nothing was imported" in said
    assert 'incidents[0] (ref "PD-100").severity: no severity named "SEV9"' in said
    listed = json.loads(ok(local("incident", "list", "--json", who=crew.admin)).stdout)
    assert listed["items"] == []
    not_json = tmp_path / "broken.json"
    not_json.write_text("{")
    broken = local("import", str(not_json), who=crew.admin)
    assert broken.exit_code == 1 and "is not JSON" in " ".join(broken.output.split())
    responder = local("import", written(tmp_path, history()), who=crew.grace)
    assert responder.exit_code == 1 and "admin" in responder.output


def test_import_on_a_server(remote: Run, crew: Crew, tmp_path: Path) -> None:
    file = written(tmp_path, history())
    dry = json.loads(ok(remote("import", file, "--dry-run", "--json", who=crew.admin)).stdout)
    assert dry["dry_run"] is True and dry["counts"]["incidents"]["created"] == 3
    done = ok(remote("import", file, who=crew.admin))
    assert "Imported" in done.stdout
    refused = remote("import", file, who=crew.grace)
    assert refused.exit_code == 1 and "admin" in refused.output
