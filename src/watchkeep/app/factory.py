"""The ASGI application: API, web UI, health and metrics."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from watchkeep import __version__
from watchkeep.app import health, web
from watchkeep.app.api import api_router
from watchkeep.assist.embedders import load as load_embedder
from watchkeep.assist.index import cache as similarity_index
from watchkeep.auth.authn import TokensAndSessions
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings, get_settings
from watchkeep.http import errors
from watchkeep.http.templates import STATIC_DIR, error_page


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Watchkeep",
        version=__version__,
        summary="Incident and problem management for SRE teams",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    similarity_index.use(load_embedder(settings.similarity_model))
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.authenticator = TokensAndSessions()
    app.state.templates = web.build_templates()
    app.state.panels = web.build_panels()
    errors.install(app, error_page)
    app.include_router(health.router)
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(web.build_router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
