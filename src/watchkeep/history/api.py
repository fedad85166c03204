"""``POST /api/v1/import``: import a history document (admins only).

Its body may be larger than any other (``WATCHKEEP_IMPORT_MAX_BYTES``, 50 MiB by default;
the app gives this path that limit). A body of the wrong shape is refused like a record
that names something unknown: 422 with every problem named by its record and field.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from watchkeep.core.clock import utcnow
from watchkeep.history.findings import from_errors
from watchkeep.history.schemas import HistoryIn, ImportSummary
from watchkeep.history.service import import_history
from watchkeep.http.deps import Admin, DbSession, SettingsDep

PATH = "/import"


class ImportRoute(APIRoute):
    """Names the records of a body that does not parse, as the import's own checks do."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                problems = error.errors()
                if any(p.get("loc", ("body",))[0] != "body" for p in problems):
                    raise  # a query parameter: answered as anywhere else
                from_errors(problems, _decoded(await request.body())).refuse()

        return route


def _decoded(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


router = APIRouter(tags=["import"], route_class=ImportRoute)


@router.post(PATH)
def import_(
    body: HistoryIn,
    session: DbSession,
    actor: Admin,
    settings: SettingsDep,
    dry_run: bool = Query(False, description="Check and count only: write nothing"),
) -> ImportSummary:
    """Import users, services, change events, known errors, alerts and incidents with their
    timelines (docs/import.md). Every record is checked first and the import is one
    transaction: any problem (422, each listed) writes nothing. A record imported before
    (by its key) is left as it is; importing the same document twice changes nothing."""
    return import_history(
        session,
        actor=actor,
        now=utcnow(),
        document=body,
        dry_run=dry_run,
        default_update_minutes=settings.update_interval_minutes,
    )
