"""On-call schedules: the spec (``spec``) and the pure engine (``engine``), DESIGN.md §5."""

from watchkeep.oncall.engine import (
    Entry,
    OverrideEntry,
    Rendering,
    entry_json,
    format_instant,
    oncall_at,
    render,
    rendering_json,
)
from watchkeep.oncall.spec import (
    Handover,
    Layer,
    Override,
    Schedule,
    WorkingInterval,
    parse_instant,
    parse_schedule,
)

__all__ = [
    "Entry",
    "Handover",
    "Layer",
    "Override",
    "OverrideEntry",
    "Rendering",
    "Schedule",
    "WorkingInterval",
    "entry_json",
    "format_instant",
    "oncall_at",
    "parse_instant",
    "parse_schedule",
    "render",
    "rendering_json",
]
