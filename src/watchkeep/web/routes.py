"""Every web UI router, gathered for the app."""

from fastapi import APIRouter

from watchkeep.auth import web as auth_web
from watchkeep.incident import web as incident_web
from watchkeep.jobs import web as jobs_web
from watchkeep.oncall import web as oncall_web
from watchkeep.problem import web as problem_web

router = APIRouter(include_in_schema=False)
for module in (auth_web, incident_web, problem_web, jobs_web, oncall_web):
    router.include_router(module.router)
