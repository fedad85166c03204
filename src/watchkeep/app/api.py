"""Every ``/api/v1`` router, gathered for the app."""

from fastapi import APIRouter

from watchkeep.assist import api as assist_api
from watchkeep.auth import api as auth_api
from watchkeep.catalog import api as catalog_api
from watchkeep.incident import api as incident_api
from watchkeep.incident import config_api
from watchkeep.jobs import api as jobs_api
from watchkeep.oncall import api as oncall_api
from watchkeep.problem import api as problem_api
from watchkeep.problem import candidates_api, matches_api
from watchkeep.problem import known_errors_api as known_error_api

api_router = APIRouter()
for module in (
    incident_api,
    config_api,
    assist_api,
    matches_api,
    candidates_api,
    problem_api,
    known_error_api,
    catalog_api,
    auth_api,
    jobs_api,
    oncall_api,
):
    api_router.include_router(module.router)
