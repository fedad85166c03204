"""The post-incident flow as plain values: the default checklist and templates, which flow an
incident gets, and where its status goes as the checklist is worked through.

A resolved incident enters ``documenting``. Tasks of the ``documenting`` phase (write the
post-mortem, confirm the follow-ups, link or raise a problem) come first; once each is done
or skipped the incident moves to ``reviewing`` if a ``reviewing`` task (hold the review) is
open, and to ``closed`` once every task is finished.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

DOCUMENTING = "documenting"
REVIEWING = "reviewing"
CLOSED = "closed"
PHASES = (DOCUMENTING, REVIEWING)

OPEN = "open"
DONE = "done"
SKIPPED = "skipped"
TASK_STATES = (OPEN, DONE, SKIPPED)

WRITE_POSTMORTEM = "write_postmortem"


@dataclass(frozen=True)
class TaskSpec:
    kind: str
    title: str
    phase: str
    due_days: int

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "phase": self.phase,
            "due_days": self.due_days,
        }


DEFAULT_TASKS = (
    TaskSpec(WRITE_POSTMORTEM, "Write the post-mortem", DOCUMENTING, 5),
    TaskSpec("confirm_follow_ups", "Confirm the follow-ups and their owners", DOCUMENTING, 5),
    TaskSpec("link_problem", "Link the incident to a problem, or raise one", DOCUMENTING, 7),
    TaskSpec("hold_review", "Hold the post-incident review", REVIEWING, 10),
)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    guidance: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "title": self.title, "guidance": self.guidance}


FULL_SECTIONS = (
    SectionSpec("summary", "Summary", "What happened, to whom, for how long, in a few sentences."),
    SectionSpec(
        "impact", "Customer impact", "Who was affected and how: services, users, the window."
    ),
    SectionSpec("timeline", "Timeline", "The key moments, in order, with times in UTC."),
    SectionSpec(
        "root_cause",
        "Root cause and contributing factors",
        "Why it happened, as far as it is known; what made it worse or harder to fix.",
    ),
    SectionSpec(
        "detection",
        "Detection and response",
        "How it was noticed, how fast people responded, acknowledged, mitigated and resolved.",
    ),
    SectionSpec("went_well", "What went well", "What helped; keep doing it."),
    SectionSpec("went_badly", "What went badly", "What slowed the response or made it worse."),
    SectionSpec("follow_ups", "Follow-ups", "The actions that prevent a repeat, with owners."),
    SectionSpec("lessons", "Lessons", "What to remember: patterns, past incidents, problems."),
)
LIGHT_SECTIONS = tuple(
    s for s in FULL_SECTIONS if s.key in ("summary", "timeline", "root_cause", "follow_ups")
)
DEFAULT_TEMPLATES: Mapping[str, tuple[str, Sequence[SectionSpec]]] = {
    "Full": ("Every section, for significant incidents.", FULL_SECTIONS),
    "Lightweight": ("Summary, timeline, cause and follow-ups, for small ones.", LIGHT_SECTIONS),
}
DEFAULT_TEMPLATE = "Full"


@dataclass(frozen=True)
class FlowRule:
    """A configured flow as the choice needs it."""

    id: int
    incident_types: frozenset[str]
    severities: frozenset[str]

    def fits(self, incident_type: str, severity: str) -> bool:
        return (not self.incident_types or incident_type in self.incident_types) and (
            not self.severities or severity in self.severities
        )


def choose(rules: Iterable[FlowRule], *, incident_type: str, severity: str) -> int | None:
    """The first rule (in the order given) that fits, or ``None``: the default flow."""
    return next((r.id for r in rules if r.fits(incident_type, severity)), None)


def due(resolved_at: datetime, spec: TaskSpec) -> datetime:
    return resolved_at + timedelta(days=spec.due_days)


def parse_tasks(raw: Sequence[Mapping[str, Any]]) -> list[TaskSpec]:
    """A flow's task list as given through the API, checked: raises ValueError saying what to
    fix (kinds are unique; phases are ``documenting`` or ``reviewing``)."""
    specs: list[TaskSpec] = []
    for index, item in enumerate(raw):
        kind, title = str(item.get("kind", "")).strip(), str(item.get("title", "")).strip()
        phase, due_days = item.get("phase", DOCUMENTING), item.get("due_days", 5)
        where = f"tasks[{index}]"
        if not kind or not title:
            raise ValueError(f"{where} needs a kind and a title")
        if phase not in PHASES:
            raise ValueError(f"{where}.phase must be documenting or reviewing, not {phase!r}")
        if not isinstance(due_days, int) or isinstance(due_days, bool) or not 0 <= due_days <= 365:
            raise ValueError(f"{where}.due_days must be a whole number of days from 0 to 365")
        if any(s.kind == kind for s in specs):
            raise ValueError(f"{where}.kind {kind!r} comes twice; each task kind once")
        specs.append(TaskSpec(kind, title, phase, due_days))
    if not specs:
        raise ValueError("a flow needs at least one task")
    return specs


def next_status(status: str, tasks: Iterable[tuple[str, str]]) -> str | None:
    """Where an incident in the post-incident flow goes once its tasks (``(phase, state)``
    pairs) are as given, or ``None`` to stay."""
    tasks = list(tasks)
    open_in = {phase for phase, state in tasks if state == OPEN}
    if status == DOCUMENTING and DOCUMENTING not in open_in:
        return REVIEWING if REVIEWING in open_in else CLOSED
    if status == REVIEWING and not open_in:
        return CLOSED
    return None
