"""SQL statements behind the incident page and its htmx actions.

An action on the incident page answers with the panels it changed, each building its own
context, instead of the whole page's context. This counts the statements the database
receives for the page and for two actions (posting a note; changing the status), on the demo
data in a temporary SQLite database, through the real application and a logged-in browser
session. The counts are deterministic: no timing, no noise.

    .venv/bin/python -m benchmarks.page_queries
"""

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from watchkeep import demo
from watchkeep.app.factory import create_app
from watchkeep.bootstrap import prepare
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings

INCIDENT = "INC-1"
ACTIONS = {
    "post_note": ("notes", {"text": "Checked the logs"}),
    "change_status": ("status", {"status": "monitoring"}),
}


def measure(folder: Path) -> dict[str, Any]:
    settings = Settings(database_url=f"sqlite:///{folder / 'watchkeep.db'}", demo_data=False)
    db = Database(settings.database_url)
    prepare(db)
    login = demo.seed(db)
    statements = {"n": 0}

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(*_args: Any) -> None:
        statements["n"] += 1

    results: dict[str, Any] = {}
    with TestClient(create_app(settings, db=db)) as client:
        client.post("/login", data={"email": login.email, "password": login.password})
        page = client.get(f"/incidents/{INCIDENT}", headers={"Accept": "text/html"})
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if found is None:
            raise SystemExit("could not log in to the demo data")
        token = found.group(1)
        statements["n"] = 0
        client.get(f"/incidents/{INCIDENT}", headers={"Accept": "text/html"})
        results["page"] = {"statements": statements["n"]}
        for name, (path, form) in ACTIONS.items():
            statements["n"] = 0
            answer = client.post(
                f"/incidents/{INCIDENT}/{path}",
                data={**form, "csrf_token": token},
                headers={"HX-Request": "true", "X-CSRF-Token": token},
            )
            results[name] = {"status": answer.status_code, "statements": statements["n"]}
    db.dispose()
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = measure(Path(folder))
    print(json.dumps({"benchmark": "page_queries", "incident": INCIDENT, **results}, indent=2))


if __name__ == "__main__":
    main()
