"""JSON routes for incidents and their configuration (severities, types, fields, roles)."""

from fastapi import APIRouter

from watchkeep.incident.api import config, incidents

router = APIRouter()
for module in (incidents, config):
    router.include_router(module.router)
