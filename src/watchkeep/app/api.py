"""Every ``/api/v1`` router, gathered from the domains for the app."""

from types import ModuleType

from fastapi import APIRouter

from watchkeep.alert import api as alert_api
from watchkeep.alert.api import github, ingest
from watchkeep.assist import api as assist_api
from watchkeep.auth import api as auth_api
from watchkeep.catalog import api as catalog_api
from watchkeep.escalation import api as escalation_api
from watchkeep.history import api as history_api
from watchkeep.incident import api as incident_api
from watchkeep.jobs import api as jobs_api
from watchkeep.notify import api as notify_api
from watchkeep.oncall import api as oncall_api
from watchkeep.postmortem import api as postmortem_api
from watchkeep.problem import api as problem_api

API_MODULES: tuple[ModuleType, ...] = (
    incident_api,
    assist_api,
    problem_api,
    catalog_api,
    auth_api,
    jobs_api,
    oncall_api,
    alert_api,
    escalation_api,
    notify_api,
    postmortem_api,
    history_api,
)

IMPORT_PATH = "/api/v1" + history_api.PATH
"""The one path whose bodies may be larger than the others' (WATCHKEEP_IMPORT_MAX_BYTES)."""

INGEST_ROUTER = APIRouter()
INGEST_ROUTER.include_router(ingest.router)
INGEST_ROUTER.include_router(github.router)
INGEST_PREFIXES = ingest.PREFIXES
"""The senders' endpoints, mounted at the root where senders expect them."""


def build_router() -> APIRouter:
    router = APIRouter()
    for module in API_MODULES:
        router.include_router(module.router)
    return router
