"""The web UI gathered from the domains: their routers, their panels on the cross-domain
pages, and their template folders."""

from pathlib import Path
from types import ModuleType

from fastapi import APIRouter
from fastapi.templating import Jinja2Templates

from watchkeep import (
    alert,
    assist,
    auth,
    catalog,
    escalation,
    followup,
    incident,
    jobs,
    notify,
    oncall,
    postmortem,
    problem,
)
from watchkeep.alert import web as alert_web
from watchkeep.app import pages
from watchkeep.assist import web as assist_web
from watchkeep.auth import web as auth_web
from watchkeep.auth.web.profile import PROFILE_PANELS
from watchkeep.catalog import web as catalog_web
from watchkeep.escalation import web as escalation_web
from watchkeep.http.panels import PanelSet
from watchkeep.http.templates import make_templates
from watchkeep.incident import web as incident_web
from watchkeep.jobs import web as jobs_web
from watchkeep.notify import web as notify_web
from watchkeep.oncall import web as oncall_web
from watchkeep.postmortem import web as postmortem_web
from watchkeep.problem import web as problem_web

# Packages whose ``templates/`` folder the environment searches, after the kit's own.
TEMPLATE_PACKAGES: tuple[ModuleType, ...] = (
    auth,
    catalog,
    followup,
    incident,
    problem,
    oncall,
    alert,
    escalation,
    notify,
    postmortem,
    assist,
    jobs,
)
# Each has ``router`` and ``PANELS`` (page -> panels); the order is the routers' order.
WEB_MODULES: tuple[ModuleType, ...] = (
    auth_web,
    catalog_web,
    incident_web,
    problem_web,
    jobs_web,
    oncall_web,
    alert_web,
    escalation_web,
    notify_web,
    postmortem_web,
    assist_web,
)
PAGES = (pages.DASHBOARD, pages.INCIDENT, alert_web.PAGE, PROFILE_PANELS)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for module in WEB_MODULES:
        router.include_router(module.router)
    router.include_router(pages.router)  # after the domains: /incidents/new before {ref}
    return router


def build_panels() -> dict[str, PanelSet]:
    sets = {page: PanelSet(page) for page in PAGES}
    for module in WEB_MODULES:
        for page, panels in module.PANELS.items():
            sets[page].add(*panels)
    return sets


def build_templates() -> Jinja2Templates:
    folders = [Path(p.__file__).parent / "templates" for p in TEMPLATE_PACKAGES if p.__file__]
    return make_templates([*folders, Path(__file__).parent / "templates"])
