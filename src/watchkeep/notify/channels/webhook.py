"""Outgoing webhooks: the notification as JSON, POSTed to the address, optionally signed.

The request::

    POST <address>
    Content-Type: application/json
    Idempotency-Key: <the same for every attempt of one notification to one address>
    X-Watchkeep-Event: alert.page
    X-Watchkeep-Timestamp: 1700000000
    X-Watchkeep-Signature: sha256=<hex>

    {"event": ..., "idempotency_key": ..., "subject": ..., "text": ..., "urgency": ...,
     "ack_url": ... or null, "data": {...}, "sent_at": "2023-11-14T22:13:20Z"}

Verifying a request (when Watchkeep has a ``WATCHKEEP_WEBHOOK_SECRET``): compute the
HMAC-SHA256, keyed with the secret (UTF-8), of the ``X-Watchkeep-Timestamp`` value, a dot,
and the raw body bytes exactly as received (before any JSON parsing); hex-encode it, prefix
``sha256=``, and compare with ``X-Watchkeep-Signature`` in constant time. Then refuse a
timestamp far from your clock (five minutes is usual): the timestamp is signed, so a
captured request cannot be replayed later with a new one. :func:`verify` does all of it.
A receiver deduplicates on ``Idempotency-Key``: a retried attempt carries the same key.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx

from watchkeep.core.clock import Clock, iso_z, utcnow
from watchkeep.notify.channels import _http
from watchkeep.notify.channels.protocol import ChannelKind, Message, Result

SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Watchkeep-Signature`` value for a body sent at ``timestamp`` (unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify(
    secret: str,
    timestamp: int | str,
    body: bytes,
    signature: str,
    *,
    tolerance_seconds: float | None = DEFAULT_TOLERANCE_SECONDS,
    now: Callable[[], float] = time.time,
) -> bool:
    """Whether ``signature`` signs ``body`` at ``timestamp`` with ``secret``, and the timestamp
    is within ``tolerance_seconds`` of ``now()`` (``None``: any age; for stored requests)."""
    text = str(timestamp)
    if not text.isascii() or not text.isdigit():
        return False
    if tolerance_seconds is not None and abs(now() - int(text)) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, text, body).encode(), signature.encode())


class WebhookChannel:
    """POSTs the notification as JSON to the address (an http or https URL)."""

    kind: ChannelKind = "webhook"

    def __init__(
        self,
        *,
        secret: str | None,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._secret = secret or None
        self._timeout = timeout
        self._client = client or _http.make_client()
        self._clock = clock

    def send(self, address: str, message: Message) -> Result:
        problem = _http.url_problem(address)
        if problem:
            return _http.failed(problem, retryable=False)
        now = self._clock().astimezone(UTC)
        body = encode(message, sent_at=now)
        answer = _http.post(
            self._client,
            address,
            what="the webhook",
            timeout=self._timeout,
            content=body,
            headers=self.headers(message, timestamp=int(now.timestamp()), body=body),
        )
        if isinstance(answer, Result):
            return answer
        if answer.is_success:
            return Result("sent", detail=f"the webhook answered {answer.status_code}")
        return _http.refusal(answer, what="the webhook")

    def headers(self, message: Message, *, timestamp: int, body: bytes) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.idempotency_key,
            "X-Watchkeep-Event": message.event,
            "X-Watchkeep-Timestamp": str(timestamp),
            "User-Agent": "Watchkeep-Webhook",
        }
        if self._secret:
            headers["X-Watchkeep-Signature"] = sign(self._secret, timestamp, body)
        return headers


def encode(message: Message, *, sent_at: datetime) -> bytes:
    """The JSON body; the facts in ``data`` that JSON has no type for go as text (an instant
    as ISO 8601), so one odd value does not lose the whole notification."""
    payload = {
        "event": message.event,
        "idempotency_key": message.idempotency_key,
        "subject": message.subject,
        "text": message.text,
        "urgency": message.urgency,
        "ack_url": message.ack_url,
        "data": dict(message.data),
        "sent_at": iso_z(sent_at),
    }
    return json.dumps(payload, ensure_ascii=False, default=_as_text).encode()


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
