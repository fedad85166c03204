"""Liveness and readiness."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from watchkeep.http.deps import get_database

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is migrated."""
    try:
        with get_database(request).engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        return JSONResponse({"status": "unavailable", "reason": str(exc.__class__.__name__)}, 503)
    if version is None:
        return JSONResponse({"status": "unavailable", "reason": "database not migrated"}, 503)
    return JSONResponse({"status": "ok", "schema": version})
