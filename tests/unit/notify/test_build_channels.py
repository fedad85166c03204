"""Which channels exist follows from the settings."""

from pydantic import SecretStr

from watchkeep.core.settings import Settings
from watchkeep.notify.channels import CHANNEL_KINDS, build_channels
from watchkeep.notify.channels.chat import ChatChannel
from watchkeep.notify.channels.email import EmailChannel
from watchkeep.notify.channels.log import LogChannel
from watchkeep.notify.channels.sms import TwilioChannel
from watchkeep.notify.channels.webhook import WebhookChannel

TWILIO = {
    "twilio_account_sid": "AC0123",
    "twilio_auth_token": SecretStr("token"),
    "twilio_from_number": "+15005550006",
}


def test_without_settings_there_are_webhooks_chat_and_the_log() -> None:
    channels = build_channels(Settings())

    assert sorted(channels) == ["chat", "log", "webhook"]
    assert isinstance(channels["webhook"], WebhookChannel)
    assert isinstance(channels["chat"], ChatChannel)
    assert isinstance(channels["log"], LogChannel)


def test_smtp_and_twilio_settings_add_email_sms_and_voice() -> None:
    settings = Settings(smtp_host="mail.example.org", webhook_secret=SecretStr("k"), **TWILIO)

    channels = build_channels(settings)

    assert sorted(channels) == sorted(CHANNEL_KINDS)
    assert all(channel.kind == kind for kind, channel in channels.items())
    assert isinstance(channels["email"], EmailChannel)
    assert isinstance(channels["sms"], TwilioChannel)
    assert isinstance(channels["voice"], TwilioChannel)


def test_twilio_needs_all_three_settings() -> None:
    for missing in TWILIO:
        partial = {name: value for name, value in TWILIO.items() if name != missing}
        assert "sms" not in build_channels(Settings(**partial))
