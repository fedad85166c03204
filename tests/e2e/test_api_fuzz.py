"""The whole API under generated input (schemathesis, every check, every phase with a fixed
seed): no request may cause a server error or an answer the OpenAPI document does not list.

The app runs on a fresh SQLite file with the default configuration and one admin whose API
token signs every request. The run is one pass of each phase with a fixed seed and a fixed
number of examples per operation (no time limit, which would make schemathesis repeat its
phases until the time is up), so it is repeatable and takes about a minute.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status
from schemathesis.engine.events import (
    EngineEvent,
    FatalError,
    FuzzScenarioFinished,
    NonFatalError,
    ScenarioFinished,
)
from schemathesis.engine.recorder import Interaction

from watchkeep.app.factory import create_app
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings

SEED = 20261203
EXAMPLES = 25
"""Generated cases per operation and phase."""
ADMIN_ID = 7_000_000_001
"""Far from the small and boundary ids the fuzzer tries, so that it does not demote the
caller or revoke its token halfway (it may still, by chance: then later answers are 401/403,
which are documented and still checked)."""


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'fuzz.db'}")
    prepare(db)
    yield db
    db.dispose()


def admin_token(db: Database) -> str:
    with db.session() as session:
        admin = auth.create_user(
            session, actor=None, now=utcnow(), email="fuzz@example.com", name="Fuzz", role="admin"
        )
        session.flush()
        admin.id = ADMIN_ID
        session.flush()
        _, secret = auth.create_token(
            session, actor=auth.actor_of(admin), now=utcnow(), user_id=ADMIN_ID, name="fuzz"
        )
    return secret


def config(token: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 40},
            },
            "checks": {
                "enabled": True,
                # The schema cannot say every rule: a severity or a time zone must be one
                # configured or known, a referenced id must exist, a window must be short
                # enough. Valid-looking data may meet those (400, 404, 409, 422), never 5xx.
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "5xx"]
                },
                # Invalid data may also be too large to read.
                "negative_data_rejection": {
                    "expected-statuses": [
                        *("400", "401", "403", "404", "405", "406", "409"),
                        *("413", "415", "422", "428", "429", "5xx"),
                    ]
                },
            },
        }
    )


def test_generated_requests_meet_no_server_error_and_no_undocumented_answer(
    database: Database,
) -> None:
    app = create_app(
        Settings(database_url=database.url, demo_data=False),
        db=database,
        similarity=SimilarityStore(database),
    )
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", app, config=config(admin_token(database))
    )
    cases = 0
    failures: list[str] = []
    errors: list[str] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        cases, failures, errors = tally(event, cases, failures, errors)
    print(f"schemathesis: {cases} cases, {len(failures)} failures, {len(errors)} errors")
    print("\n".join(sorted(set(failures))))
    assert errors == []
    assert failures == []
    assert cases > 500


def tally(
    event: EngineEvent, cases: int, failures: list[str], errors: list[str]
) -> tuple[int, list[str], list[str]]:
    """Count the cases of a finished scenario and describe its failed checks and errors."""
    if isinstance(event, ScenarioFinished | FuzzScenarioFinished):
        recorder = event.recorder
        cases += len(recorder.cases)
        for case_id, checks in recorder.checks.items():
            interaction = recorder.interactions.get(case_id)
            for check in checks:
                if check.status == Status.FAILURE:
                    failures.append(f"{check.name}: {describe(interaction, recorder.label)}")
    elif isinstance(event, NonFatalError | FatalError):
        errors.append(f"{type(event).__name__}: {event.info.message}")
    return cases, failures, errors


def describe(interaction: Interaction | None, label: str) -> str:
    if interaction is None or interaction.response is None:
        return label
    request, response = interaction.request, interaction.response
    body = (response.content or b"")[:300]
    return f"{request.method} {request.uri} -> {response.status_code} {body!r}"
