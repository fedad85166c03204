"""The protocol every channel implements: a message in, one attempt, a result out.

A channel gets an address (an e-mail address, a phone number, a URL) and a
:class:`Message`, tries once, and says what happened as a :class:`Result`; retrying is the
job runner's business, and the idempotency key is the receiver's: a channel passes it on
wherever the wire format has a place for it (a Message-ID, an ``Idempotency-Key`` header).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

ChannelKind = Literal["email", "sms", "voice", "webhook", "chat", "log"]
CHANNEL_KINDS: tuple[ChannelKind, ...] = ("email", "sms", "voice", "webhook", "chat", "log")


@dataclass(frozen=True)
class Message:
    """What to say, in every form a channel may need.

    ``subject``: one line (an e-mail subject, an SMS on its own). ``text``: plain text.
    ``html``: the same as HTML, for e-mail. ``ack_url``: the signed one-click acknowledge
    link, if the notification can be acknowledged. ``idempotency_key``: the same for every
    attempt of one notification to one address. ``event``: what it is about, as a dotted
    name (``alert.page``, ``oncall.shift_starts``, ``test``). ``data``: the facts as JSON for
    machine receivers (webhooks).
    """

    subject: str
    text: str
    idempotency_key: str
    event: str
    html: str | None = None
    ack_url: str | None = None
    urgency: str = "high"
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """One attempt's outcome: ``sent``, or ``failed`` with whether trying again may help."""

    status: Literal["sent", "failed"]
    detail: str = ""
    retryable: bool = False
    provider_id: str | None = None


class Channel(Protocol):
    """Delivers a message to one address (hook: one implementation per channel kind)."""

    kind: ChannelKind

    def send(self, address: str, message: Message) -> Result:
        """Try once to deliver ``message`` to ``address``; never raise for a delivery failure."""
        ...
