"""The deterministic drafter: it selects facts from the record and phrases them, every
sentence citing where it came from. It never guesses: what the record does not say, it says
the record does not say, and a change is never called the cause unless the record's root
cause names it (a rollback followed by the end of the impact is reported as that, evidence
for people to weigh; a deploy in the window is only listed).
"""

from collections.abc import Callable, Iterable, Mapping

from watchkeep.assist.drafting.citing import Sources
from watchkeep.assist.drafting.compose.blocks import Block, Draft
from watchkeep.assist.drafting.compose.causes import write_root_cause
from watchkeep.assist.drafting.compose.lessons import write_follow_ups, write_lessons
from watchkeep.assist.drafting.compose.response import (
    write_detection,
    write_went_badly,
    write_went_well,
)
from watchkeep.assist.drafting.compose.summary import write_impact, write_summary
from watchkeep.assist.drafting.compose.timeline import write_timeline
from watchkeep.assist.drafting.record import Record

__all__ = ["WRITERS", "Draft", "Writer", "compose"]


Writer = Callable[[Record, Sources], Iterable[Block]]
WRITERS: Mapping[str, Writer] = {
    "summary": write_summary,
    "impact": write_impact,
    "timeline": write_timeline,
    "root_cause": write_root_cause,
    "detection": write_detection,
    "went_well": write_went_well,
    "went_badly": write_went_badly,
    "follow_ups": write_follow_ups,
    "lessons": write_lessons,
}
"""The sections the drafter writes, by the template section keys they fill."""


def compose(record: Record) -> Draft:
    """Every section the drafter knows how to write, from the record alone."""
    sources = Sources(record)
    sections = {key: tuple(write(record, sources)) for key, write in WRITERS.items()}
    return Draft(sections, dict(sources.known))
