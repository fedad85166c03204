"""GitHub's webhook, ``POST /ingest/github/{key}``, beside the other senders' endpoints (the
same key in the path, rate limit, body limit and answers), mounted at the root with them.

Each delivery is signed with the source's signing secret (``X-Hub-Signature-256``); one that
is not is refused with 401 and stores nothing. A new change is 202; a ping, an event that is
not a change, and a change stored before (a redelivery) are 200, and the answer says which.
"""

from typing import Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from watchkeep.alert import github, sources
from watchkeep.alert.api.ingest import (
    ERROR_ANSWER,
    JSON_BODY,
    Key,
    database_of,
    limiter_of,
    too_fast,
)
from watchkeep.alert.normalize import PayloadError
from watchkeep.alert.schemas import GitHubAnswer
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.errors import NotFound
from watchkeep.http.errors import error_body

router = APIRouter(tags=["ingest"])


def _receive_github(db: Database, key: str, delivery: github.Delivery) -> github.Received | None:
    with db.session() as session:
        source = sources.find_by_key(session, key=key)
        if source is None:
            return None
        return github.receive(session, source=source, delivery=delivery, now=utcnow())


def _header(description: str) -> Any:
    return Header(None, max_length=github.HEADER_MAX, description=description)


@router.post(
    "/ingest/github/{key}",
    status_code=202,
    response_model=GitHubAnswer,
    summary="GitHub webhook: merged pull requests, deployments and pushes",
    openapi_extra=JSON_BODY,
    responses={
        200: {
            "model": GitHubAnswer,
            "description": "A ping, an event that is not a change, "
            "or a change stored before (a redelivery)",
        },
        400: ERROR_ANSWER,
        401: {**ERROR_ANSWER, "description": "X-Hub-Signature-256 is missing or does not match"},
        404: ERROR_ANSWER,
        413: ERROR_ANSWER,
        429: ERROR_ANSWER,
    },
)
async def github_webhook(
    request: Request,
    response: Response,
    key: str = Key,
    x_github_event: str | None = _header("The event: pull_request, deployment, push ..."),
    x_github_delivery: str | None = _header("The delivery's id (the same on a redelivery)"),
    x_hub_signature_256: str | None = _header("sha256= and the HMAC-SHA256 of the body"),
) -> GitHubAnswer | JSONResponse:
    """Store the change a GitHub delivery reports (202), once: a redelivery, a ping or an
    event that is not a change is answered 200 and says so. The delivery must be signed with
    the source's signing secret (401 otherwise)."""
    wait = limiter_of(request).take(key)
    if wait:
        return too_fast(wait, error_body("too_many_requests", "slow down and retry later"))
    try:
        # Form data is read as a form by the app's input checks: its body is gone by now.
        github.check_content_type(request.headers.get("content-type", ""))
        delivery = github.Delivery(
            event=x_github_event,
            delivery_id=x_github_delivery,
            signature=x_hub_signature_256,
            body=await request.body(),
        )
        received = await run_in_threadpool(_receive_github, database_of(request), key, delivery)
    except PayloadError as exc:
        return JSONResponse(
            error_body("invalid_payload", str(exc), {"errors": exc.errors}), status_code=400
        )
    if received is None:
        raise NotFound("no enabled alert source has this key", field="key")
    if received.outcome != "stored":
        response.status_code = 200
    change = received.change
    return GitHubAnswer(
        status="success",
        event=received.event,
        outcome=received.outcome,
        message=received.message,
        change=change.reference if change else None,
    )
