"""A channel that only writes a log line: for development, demos and tests, where a page
should be visible without an SMTP server or a phone."""

import logging
import threading
from collections import deque
from dataclasses import dataclass

from watchkeep.notify.channels.protocol import ChannelKind, Message, Result

logger = logging.getLogger("watchkeep.notify")

KEPT = 1000  # the newest messages kept in memory; older ones fall off


@dataclass(frozen=True)
class Logged:
    address: str
    message: Message


class LogChannel:
    """Logs each message at INFO and keeps the newest :data:`KEPT` in ``sent``.

    ``sent`` is shared between worker threads: append and read it under ``lock`` (or use
    :meth:`snapshot`), since iterating a deque another thread appends to fails.
    """

    kind: ChannelKind = "log"

    def __init__(self) -> None:
        self.sent: deque[Logged] = deque(maxlen=KEPT)
        self.lock = threading.Lock()

    def send(self, address: str, message: Message) -> Result:
        logger.info(
            "notify %s to %s: %s (acknowledge: %s)",
            message.event,
            one_line(address),
            one_line(message.subject),
            message.ack_url or "-",
        )
        with self.lock:
            self.sent.append(Logged(address, message))
        return Result("sent", detail="logged")

    def snapshot(self) -> list[Logged]:
        """The kept messages, oldest first, copied under the lock."""
        with self.lock:
            return list(self.sent)


def one_line(text: str) -> str:
    """``text`` with its line breaks shown, so that one message stays one log line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")
