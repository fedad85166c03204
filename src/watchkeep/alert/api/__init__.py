"""JSON routes of the alert domain: its configuration and alerts under ``/api/v1``. The
senders' ingest endpoints (``/v2/enqueue``, ``/ingest/...``) are in :mod:`.ingest` and
:mod:`.github`, mounted at the root where senders expect them."""

from fastapi import APIRouter

from watchkeep.alert.api import alerts, config

router = APIRouter()
for module in (alerts, config):
    router.include_router(module.router)
