"""GitHub's webhook deliveries: checked against the source's signing secret, read, and stored
with the change they report.

Nothing is read before the signature is checked, and nothing is stored for a refused
delivery. A delivery that reports no change (a ping, a pull request opened, a push to
another branch) is kept as a payload, as every accepted request is, so the source's page
shows when its sender last reached Watchkeep.
"""

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from watchkeep.alert import changes, normalize
from watchkeep.alert.models import AlertPayload, AlertSource, ChangeEvent
from watchkeep.alert.normalize import Change, Ignored, PayloadError
from watchkeep.core.errors import Unauthorized

FORMAT = "github"
HEADER_MAX = 100
Outcome = Literal["stored", "duplicate", "ignored"]


@dataclass(frozen=True)
class Delivery:
    """One request to ``/ingest/github/{key}``: its headers and its raw body."""

    event: str | None  # X-GitHub-Event
    delivery_id: str | None  # X-GitHub-Delivery
    signature: str | None  # X-Hub-Signature-256
    body: bytes


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def check_content_type(content_type: str) -> None:
    """Refuse a delivery of form data (GitHub's other content type): Watchkeep reads JSON."""
    if content_type.lower().startswith(FORM_TYPES):
        raise PayloadError(
            ["the webhook sends form data: set its content type to application/json"]
        )


@dataclass(frozen=True)
class Received:
    """What a delivery did: stored a change, found it stored already, or was ignored."""

    event: str
    outcome: Outcome
    message: str
    change: ChangeEvent | None = None


def check_signature(source: AlertSource, delivery: Delivery) -> None:
    """Refuse (401) a delivery that is not signed with the source's signing secret."""
    if source.signing_secret is None:
        raise Unauthorized(
            "this alert source has no signing secret, which GitHub webhooks need: "
            "create a source of kind github and use its URL and secret"
        )
    if not delivery.signature:
        raise Unauthorized(
            "X-Hub-Signature-256 is missing: set the webhook's secret to the source's "
            "signing secret, so that GitHub signs each delivery"
        )
    if not normalize.signature_matches(source.signing_secret, delivery.body, delivery.signature):
        raise Unauthorized(
            "X-Hub-Signature-256 does not match the body: the webhook's secret must be the "
            "source's signing secret (after a key rotation, the new one)"
        )


def read(delivery: Delivery) -> tuple[Any, Change | Ignored]:
    """The delivery's JSON body and what it reports; :class:`PayloadError` when it cannot
    be read."""
    if not delivery.event:
        raise PayloadError(
            ["the X-GitHub-Event header is missing: it names the event (GitHub always sends it)"]
        )
    try:
        body = json.loads(delivery.body)
    except (ValueError, RecursionError) as exc:
        raise PayloadError([f"the body is not valid JSON: {exc}"]) from None
    normalize.check_storable(body)
    return body, normalize.github(delivery.event, body)


def receive(
    session: Session, *, source: AlertSource, delivery: Delivery, now: datetime
) -> Received:
    """Check the delivery's signature, read it, and store it with its change (once per
    change: a redelivery finds it stored)."""
    check_signature(source, delivery)
    body, found = read(delivery)
    event = delivery.event or ""
    if isinstance(found, Ignored):
        session.add(AlertPayload(source_id=source.id, format=FORMAT, body=body, received_at=now))
        session.flush()
        return Received(event, "ignored", found.reason)
    delivery_id = delivery.delivery_id or None
    details = {**found.details, "event": event, "delivery": delivery_id}
    detailed = dataclasses.replace(found, details=details)
    change, new = changes.record(
        session, source=source, body=body, change=detailed, now=now, format=FORMAT
    )
    if not new:
        return Received(event, "duplicate", f"stored already as {change.reference}", change)
    return Received(event, "stored", f"stored as {change.reference}", change)
