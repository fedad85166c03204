"""The ASGI application: API, web UI, health and metrics."""

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from watchkeep import __version__
from watchkeep.app import api, docs, health, web
from watchkeep.app.components import similarity_index
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.auth.authn import TokensAndSessions
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings, get_settings
from watchkeep.http import errors
from watchkeep.http.admission import Admission
from watchkeep.http.bodylimit import BodyLimit
from watchkeep.http.inputs import check_request_text
from watchkeep.http.openapi import FastAPIWithErrors
from watchkeep.http.security import SecurityHeaders
from watchkeep.http.templates import STATIC_DIR, error_page

INGEST_LANE = 256
"""Senders' requests at once per process: each waits for a group commit holding no thread."""


def create_app(
    settings: Settings | None = None,
    db: Database | None = None,
    similarity: SimilarityStore | None = None,
) -> FastAPI:
    """The application on ``db`` (default: the settings' database).

    ``similarity`` is the stored similarity index the app reads (default: the settings'
    method on ``db``); a worker keeps it up to date, the app only reads it.
    """
    settings = settings or get_settings()
    db = db or Database(settings.database_url, timeouts=settings.db_timeouts)
    if similarity is None:
        similarity = similarity_index(db, settings)
    app = FastAPIWithErrors(
        title="Watchkeep",
        version=__version__,
        summary="Incident and problem management for SRE teams",
        openapi_url="/openapi.json",
        docs_url=None,  # served by app/docs.py from the package, no CDN
        redoc_url=None,
        dependencies=[Depends(check_request_text)],
    )
    app.state.settings = settings
    app.state.db = db
    app.state.similarity = similarity
    app.state.authenticator = TokensAndSessions()
    app.state.templates = web.build_templates()
    app.state.panels = web.build_panels()
    errors.install(app, error_page)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        per_path={api.IMPORT_PATH: settings.import_max_bytes},
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        Admission,
        limit=settings.request_concurrency,
        lanes=dict.fromkeys(api.INGEST_PREFIXES, INGEST_LANE),
    )
    app.include_router(health.router)
    # Routes are matched in order: the senders' endpoints, the busiest, come first.
    app.include_router(api.INGEST_ROUTER)
    app.include_router(docs.router)
    app.include_router(api.build_router(), prefix="/api/v1")
    app.include_router(web.build_router())
    app.mount("/static/api-docs", StaticFiles(directory=docs.ASSETS), name="api-docs")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
