"""The API's browsable documentation at ``/api/docs`` — Swagger UI from the package's own
files (no CDN), started by a script file so that the page passes the Content Security
Policy like every other page — and the site's icon."""

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from watchkeep.http.templates import STATIC_DIR, render

# Swagger UI's bundle and stylesheet, as the fastapi-offline package ships them.
ASSETS = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/favicon.ico")
def favicon() -> Response:
    """For clients that ask for the icon by its old name (pages link the SVG)."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    """Swagger UI over ``/openapi.json``."""
    return render(request, "app/api_docs.html", openapi_url=request.app.openapi_url)
