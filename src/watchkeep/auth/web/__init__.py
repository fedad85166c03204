"""HTML routes of the auth domain: logging in and out, the admin pages for users and the
audit log, and everyone's own profile."""

from fastapi import APIRouter

from watchkeep.auth.web import audit, login, profile, users
from watchkeep.http.panels import Panel

router = APIRouter()
for module in (login, users, profile, audit):
    router.include_router(module.router)

PANELS: dict[str, tuple[Panel, ...]] = {}
