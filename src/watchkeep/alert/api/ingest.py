"""The senders' endpoints, where they expect them (not under ``/api/v1``).

- ``POST /ingest/alertmanager/{key}``, ``/ingest/grafana/{key}``, ``/ingest/generic/{key}``:
  webhooks; the key in the path names the source.
- ``GET|POST /ingest/heartbeat/{key}``: a heartbeat monitor's ping.
- ``POST /ingest/github/{key}``: GitHub's webhook, in :mod:`.github`.
- ``POST /v2/enqueue`` and ``POST /v2/change/enqueue``: PagerDuty's Events API v2, with
  PagerDuty's answers, so that any sender that speaks it works unchanged.

A 2xx answer means the payload and what it did are committed. Refused payloads (400, 401,
413, 429) store nothing; a database that cannot answer gives 503, which senders retry.
"""

import asyncio
import dataclasses
import json
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from watchkeep.alert import changes, heartbeats, ingest, normalize, sources
from watchkeep.alert.api.ratelimit import RateLimiter, retry_after
from watchkeep.alert.intake import Intake, Stored
from watchkeep.alert.normalize import PayloadError, Signal
from watchkeep.alert.schemas import (
    CheckAnswer,
    CheckedAlert,
    EventOutcome,
    IngestAnswer,
    PagerDutyAnswer,
    PagerDutyError,
)
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.errors import NotFound
from watchkeep.http.errors import error_body
from watchkeep.http.openapi import ERROR_SCHEMA_REF

router = APIRouter(tags=["ingest"])
PREFIXES = ("/ingest/", "/v2/")
"""Where the senders' endpoints are (the server gives them an admission lane of their own)."""

PAGERDUTY_MAX_BYTES = 512 * 1024
"""PagerDuty's limit on one event."""

Key = Path(min_length=1, max_length=64, description="The source's integration key")

ERROR_ANSWER = {"content": {"application/json": {"schema": ERROR_SCHEMA_REF}}}
JSON_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
_PD_ERROR = {"model": PagerDutyError}


def limiter_of(request: Request) -> RateLimiter:
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "ingest_limiter", None)
    if limiter is None:
        limiter = state.ingest_limiter = RateLimiter(state.settings.ingest_events_per_minute)
    return limiter


def _intake(request: Request) -> Intake:
    """The process's group-committing writer of payloads (made on first use)."""
    state = request.app.state
    intake: Intake | None = getattr(state, "intake", None)
    if intake is None:
        intake = state.intake = Intake(state.db)
    return intake


async def _store(
    request: Request, key: str, format: str, body: Any, signals: list[Signal]
) -> Stored:
    """Store the payload (committed with whatever else arrived meanwhile) and its outcomes."""
    future = _intake(request).submit(
        key=key,
        format=format,
        body=body,
        signals=signals,
        now=utcnow(),
        loop=asyncio.get_running_loop(),
    )
    return await asyncio.wrap_future(future)


def database_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _decode(raw: bytes) -> Any:
    """The JSON body, refused if any text in it cannot be stored (it is stored as it came)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise PayloadError([f"the body is not valid JSON: {exc}"]) from None
    normalize.check_storable(body)
    return body


def _answer(outcomes: list[ingest.Outcome]) -> IngestAnswer:
    return IngestAnswer(
        status="success",
        alerts=[
            EventOutcome(
                dedup_key=o.dedup_key,
                outcome=o.outcome,
                alert=f"ALR-{o.alert_id}" if o.alert_id is not None else None,
            )
            for o in outcomes
        ],
    )


def too_fast(wait: float, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=429, headers={"Retry-After": retry_after(wait)})


def _webhook(format: str, parse: Callable[[Any], list[Signal]], summary: str) -> None:
    @router.post(
        f"/ingest/{format}/{{key}}",
        status_code=202,
        response_model=IngestAnswer,
        summary=summary,
        operation_id=f"ingest_{format}",
        openapi_extra=JSON_BODY,
        responses={400: ERROR_ANSWER, 404: ERROR_ANSWER, 413: ERROR_ANSWER, 429: ERROR_ANSWER},
    )
    async def receive(request: Request, key: str = Key) -> IngestAnswer | JSONResponse:
        wait = limiter_of(request).take(key)
        if wait:
            return too_fast(wait, error_body("too_many_requests", "slow down and retry later"))
        try:
            body = _decode(await request.body())
            signals = parse(body)
        except PayloadError as exc:
            return JSONResponse(
                error_body("invalid_payload", str(exc), {"errors": exc.errors}), status_code=400
            )
        outcomes = await _store(request, key, format, body, signals)
        if outcomes is None:
            raise NotFound("no enabled alert source has this key", field="key")
        return _answer(outcomes)


_webhook("alertmanager", normalize.alertmanager, "Prometheus Alertmanager webhook (version 4)")
_webhook("grafana", normalize.grafana, "Grafana alerting webhook")
_webhook("generic", normalize.generic, "Generic HTTP alert source")


_CHECKERS: dict[str, Callable[[Any], list[Signal]]] = {
    "alertmanager": normalize.alertmanager,
    "grafana": normalize.grafana,
    "generic": normalize.generic,
    "pagerduty": lambda body: [normalize.pagerduty_event(body)[1]],
}


@router.post(
    "/ingest/check/{format}",
    response_model=CheckAnswer,
    summary="Check a payload without storing it",
    openapi_extra=JSON_BODY,
    responses={400: ERROR_ANSWER, 404: ERROR_ANSWER, 413: ERROR_ANSWER},
)
async def check(
    request: Request,
    format: str = Path(max_length=20, description="alertmanager, grafana, generic or pagerduty"),
) -> CheckAnswer | JSONResponse:
    """Read a payload as its endpoint would and answer what it would become, storing
    nothing and needing no key: for setting up a sender's template."""
    parse = _CHECKERS.get(format)
    if parse is None:
        raise NotFound(f"no format {format!r}: use {', '.join(_CHECKERS)}", field="format")
    try:
        signals = parse(_decode(await request.body()))
    except PayloadError as exc:
        return JSONResponse(
            error_body("invalid_payload", str(exc), {"errors": exc.errors}), status_code=400
        )
    return CheckAnswer(
        status="valid",
        alerts=[
            CheckedAlert(
                action=s.action,
                dedup_key=s.dedup_key,
                title=s.title,
                severity=s.severity,
                labels=dict(s.labels),
            )
            for s in signals
        ],
    )


def _ping(db: Database, key: str) -> list[ingest.Outcome] | None:
    with db.session() as session:
        source = sources.find_by_key(session, key=key)
        if source is None:
            return None
        return heartbeats.ping(session, source=source, now=utcnow())


@router.get(
    "/ingest/heartbeat/{key}",
    operation_id="heartbeat_ping_get",
    response_model=IngestAnswer,
    summary="A heartbeat monitor's ping",
    responses={404: ERROR_ANSWER, 429: ERROR_ANSWER},
)
@router.post(
    "/ingest/heartbeat/{key}",
    operation_id="heartbeat_ping_post",
    response_model=IngestAnswer,
    summary="A heartbeat monitor's ping",
    responses={404: ERROR_ANSWER, 429: ERROR_ANSWER},
)
async def heartbeat(request: Request, key: str = Key) -> IngestAnswer | JSONResponse:
    """Ping a heartbeat source: it is on time again, and its missed-heartbeat alert, if
    open, resolves. A ``curl`` of the URL is enough."""
    wait = limiter_of(request).take(key)
    if wait:
        return too_fast(wait, error_body("too_many_requests", "slow down and retry later"))
    outcomes = await run_in_threadpool(_ping, database_of(request), key)
    if outcomes is None:
        raise NotFound("no enabled alert source has this key", field="key")
    return _answer(outcomes)


def _pd_error(status: int, message: str, errors: list[str]) -> JSONResponse:
    body = {"status": "invalid event", "message": message, "errors": errors}
    return JSONResponse(body, status_code=status)


async def _pd_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > PAGERDUTY_MAX_BYTES:
        raise _TooLarge(len(raw))
    return _decode(raw)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


_PD_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _PD_ERROR,
    413: _PD_ERROR,
    429: _PD_ERROR,
}


@router.post(
    "/v2/enqueue",
    status_code=202,
    response_model=PagerDutyAnswer,
    summary="PagerDuty Events API v2: send an alert event",
    openapi_extra=JSON_BODY,
    responses=_PD_RESPONSES,
)
async def enqueue(request: Request) -> PagerDutyAnswer | JSONResponse:
    """Trigger, acknowledge or resolve an alert as PagerDuty's Events API v2 does: the
    ``routing_key`` is the source's integration key."""
    try:
        body = await _pd_body(request)
        routing_key, signal = normalize.pagerduty_event(body)
    except _TooLarge as exc:
        return _too_large(exc)
    except PayloadError as exc:
        return _pd_error(400, "Event object is invalid", exc.errors)
    wait = limiter_of(request).take(routing_key)
    if wait:
        return _pd_throttled(wait)
    key = signal.dedup_key or uuid.uuid4().hex
    signal = dataclasses.replace(signal, dedup_key=key)
    outcomes = await _store(request, routing_key, "pagerduty", body, [signal])
    if outcomes is None:
        return _pd_error(400, "Event object is invalid", ["Invalid routing key"])
    return PagerDutyAnswer(status="success", message="Event processed", dedup_key=key)


def _too_large(exc: _TooLarge) -> JSONResponse:
    return _pd_error(
        413,
        "Request too large",
        [f"the event is {exc.size} bytes; the limit is {PAGERDUTY_MAX_BYTES}"],
    )


def _pd_throttled(wait: float) -> JSONResponse:
    body = {
        "status": "throttle event",
        "message": "Requests for this routing key are arriving too quickly. Please retry later.",
        "errors": [],
    }
    return too_fast(wait, body)


def _record_change(db: Database, key: str, body: Any, change: normalize.Change) -> bool:
    with db.session() as session:
        source = sources.find_by_key(session, key=key)
        if source is None:
            return False
        changes.record(session, source=source, body=body, change=change, now=utcnow())
        return True


@router.post(
    "/v2/change/enqueue",
    status_code=202,
    response_model=PagerDutyAnswer,
    summary="PagerDuty Events API v2: send a change event",
    openapi_extra=JSON_BODY,
    responses=_PD_RESPONSES,
)
async def change_enqueue(request: Request) -> PagerDutyAnswer | JSONResponse:
    """Store a change event (a deploy, a configuration change) with its links."""
    try:
        body = await _pd_body(request)
        routing_key, change = normalize.pagerduty_change(body)
    except _TooLarge as exc:
        return _too_large(exc)
    except PayloadError as exc:
        return _pd_error(400, "Event object is invalid", exc.errors)
    wait = limiter_of(request).take(routing_key)
    if wait:
        return _pd_throttled(wait)
    stored = await run_in_threadpool(
        _record_change, database_of(request), routing_key, body, change
    )
    if not stored:
        return _pd_error(400, "Event object is invalid", ["Invalid routing key"])
    return PagerDutyAnswer(status="success", message="Change event processed")
