"""What an evidence source is: a small plugin that finds facts about an incident.

Each runs in a thread of its own with a read session of its own and a timeout
(:mod:`watchkeep.assist.evidence.gather`): one slow or failing source never holds up the
others. A source reads nothing recorded after ``subject.at``.
"""

from typing import Protocol

from sqlalchemy.orm import Session

from watchkeep.assist.investigation.model import Fact, Subject
from watchkeep.core.actor import Actor

DEFAULT_TIMEOUT = 5.0
"""Seconds a source may take before the investigation goes on without it."""


class Source(Protocol):
    name: str
    timeout: float

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        """The facts this source finds about ``subject`` that ``actor`` may see."""
        ...
