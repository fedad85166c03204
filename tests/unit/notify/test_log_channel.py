"""The log channel: one INFO line per message, and the newest 1,000 kept in memory."""

import logging
import threading

import pytest
from tests.unit.notify.conftest import message

from watchkeep.notify.channels.log import KEPT, LogChannel


def test_a_message_is_one_log_line_and_is_kept(caplog: pytest.LogCaptureFixture) -> None:
    channel = LogChannel()

    with caplog.at_level(logging.INFO, logger="watchkeep.notify"):
        result = channel.send("ops@example.org", message(subject="two\nlines"))

    assert result.status == "sent"
    (record,) = caplog.records
    assert record.name == "watchkeep.notify"
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "notify alert.page to ops@example.org: two\\nlines "
        "(acknowledge: https://watchkeep.example/ack/abc?sig=x&y=1)"
    )
    (kept,) = channel.snapshot()
    assert (kept.address, kept.message.subject) == ("ops@example.org", "two\nlines")


def test_only_the_newest_messages_are_kept_even_from_many_threads() -> None:
    channel = LogChannel()

    def send_many(thread: int) -> None:
        for number in range(300):
            channel.send(f"t{thread}", message(idempotency_key=str(number)))

    threads = [threading.Thread(target=send_many, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(channel.sent) == KEPT == 1000
    assert len(channel.snapshot()) == KEPT
