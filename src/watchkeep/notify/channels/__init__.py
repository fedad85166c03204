"""The channels that deliver a notification, behind one small protocol.

A channel gets an address (an e-mail address, a phone number, a URL) and a
:class:`Message`, tries once, and says what happened as a :class:`Result`; retrying is the
job runner's business, and the idempotency key is the receiver's: a channel passes it on
wherever the wire format has a place for it (a Message-ID, an ``Idempotency-Key`` header).

The protocol lives in :mod:`.protocol` so that the channel modules can import it without
importing this package's :func:`build_channels`, which imports them.
"""

from watchkeep.core.settings import Settings
from watchkeep.notify.channels.chat import ChatChannel
from watchkeep.notify.channels.email import EmailChannel
from watchkeep.notify.channels.log import LogChannel
from watchkeep.notify.channels.protocol import (
    CHANNEL_KINDS,
    Channel,
    ChannelKind,
    Message,
    Result,
)
from watchkeep.notify.channels.sms import TwilioChannel
from watchkeep.notify.channels.webhook import WebhookChannel

__all__ = ["CHANNEL_KINDS", "Channel", "ChannelKind", "Message", "Result", "build_channels"]


def build_channels(settings: Settings) -> dict[str, Channel]:
    """The configured channels by kind: webhook, chat and log always; e-mail with an SMTP
    host; SMS and voice with a Twilio account SID, auth token and sender number."""
    timeout = settings.notify_timeout_seconds
    secret = settings.webhook_secret
    channels: dict[str, Channel] = {
        "webhook": WebhookChannel(
            secret=secret.get_secret_value() if secret else None, timeout=timeout
        ),
        "chat": ChatChannel(timeout=timeout),
        "log": LogChannel(),
    }
    if settings.smtp_host:
        channels["email"] = EmailChannel(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=password.get_secret_value() if (password := settings.smtp_password) else None,
            starttls=settings.smtp_starttls,
            use_ssl=settings.smtp_ssl,
            timeout=timeout,
        )
    sid, token, number = (
        settings.twilio_account_sid,
        settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None,
        settings.twilio_from_number,
    )
    if sid and token and number:
        for voice in (False, True):
            channel = TwilioChannel(
                base_url=settings.twilio_base_url,
                account_sid=sid,
                auth_token=token,
                from_number=number,
                voice=voice,
                timeout=timeout,
            )
            channels[channel.kind] = channel
    return channels
