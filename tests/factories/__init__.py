"""Factories for the suite, one module per domain; the common ones are re-exported here.

Each factory creates through the domain's own service (as a user would), flushes and never
commits: a test that needs an HTTP client to see the data commits (which only releases
its SAVEPOINT).
"""

from tests.factories.alert import make_route, make_source
from tests.factories.auth import (
    PASSWORD,
    Person,
    an_admin,
    committed_person,
    make_person,
    make_token,
)
from tests.factories.catalog import make_service, make_team
from tests.factories.followup import make_action, make_follow_up
from tests.factories.incident import make_incident, make_past_incident
from tests.factories.oncall import ANCHOR, make_schedule, rotation
from tests.factories.problem import (
    make_known_error,
    make_problem,
    propose_problem,
    raise_problem,
)

__all__ = [
    "ANCHOR",
    "PASSWORD",
    "Person",
    "an_admin",
    "committed_person",
    "make_action",
    "make_follow_up",
    "make_incident",
    "make_known_error",
    "make_past_incident",
    "make_person",
    "make_problem",
    "make_route",
    "make_schedule",
    "make_service",
    "make_source",
    "make_team",
    "make_token",
    "propose_problem",
    "raise_problem",
    "rotation",
]
