"""The schedule form: layers as simple rows, read into spec JSON and shown back.

Each layer block carries ``layer-<i>-…`` inputs: ordered user slots (a select per slot, so the
rotation keeps its order), the anchor, handover rows, working-hour rows (weekdays with a local
time range), ``concurrent`` and optional bounds. Blank rows are ignored, so the form always
offers a spare row, a spare slot and a spare layer without any script.
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.datastructures import FormData

from watchkeep.core.errors import Invalid
from watchkeep.oncall.models import Schedule, ScheduleLayer
from watchkeep.oncall.spec import UNITS, WEEKDAYS

MAX_LAYERS = 20
SPARE_SLOTS = 2
SPARE_HANDOVERS = 1
SPARE_HOURS = 2
NOBODY = "none"
_LAYER_FIELD = re.compile(r"layers\[(\d+)\]\.?")
# A spec field inside a layer, as the name of the form input that holds it.
_INPUT_OF_FIELD = (
    (re.compile(r"handovers\[(\d+)\]\.(interval|unit)"), r"handover-\1-\2"),
    (re.compile(r"handovers(\[\d+\])?$"), "handover-0-interval"),
    (re.compile(r"users(\[\d+\])?$"), "users"),
    (re.compile(r"working_intervals.*"), "hours"),
    (re.compile(r"(name|anchor|concurrent|start|end)$"), r"\1"),
)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


# ASCII digits only (``isdigit`` takes superscripts too), few enough for any count here.
_SMALL_NUMBER = re.compile(r"[0-9]{1,9}")


def _number(value: str) -> int | str:
    """Digits as a number; anything else as typed, for the spec parser to name."""
    return int(value) if _SMALL_NUMBER.fullmatch(value) else value


def _count(form: FormData, key: str, limit: int = 50) -> int:
    value = _text(form, key)
    return min(int(value), limit) if _SMALL_NUMBER.fullmatch(value) else 0


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # the service reports the time zone itself


def _bound(value: str, zone: ZoneInfo | None) -> str | None:
    """A local ``datetime-local`` bound as an ISO instant (left as typed if unreadable)."""
    if not value:
        return None
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return value
    if zone is not None and local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return local.astimezone(UTC).isoformat() if local.tzinfo else local.isoformat()


def _layer(form: FormData, prefix: str, zone: ZoneInfo | None) -> dict[str, Any] | None:
    slots = [v.strip() for v in form.getlist(f"{prefix}users") if isinstance(v, str)]
    users: list[int | str | None] = [None if v == NOBODY else _number(v) for v in slots if v]
    anchor = _text(form, f"{prefix}anchor")
    if not users and not anchor:
        return None  # the spare, untouched layer
    handovers = []
    for k in range(_count(form, f"{prefix}handover_count")):
        interval = _text(form, f"{prefix}handover-{k}-interval")
        if interval:
            unit = _text(form, f"{prefix}handover-{k}-unit")
            handovers.append({"interval": _number(interval), "unit": unit})
    working: list[dict[str, str]] | None = None
    if _text(form, f"{prefix}hours") == "some":
        working = [
            {
                "weekday": day,
                "start": _text(form, f"{prefix}wi-{k}-start"),
                "end": _text(form, f"{prefix}wi-{k}-end"),
            }
            for k in range(_count(form, f"{prefix}wi_count"))
            for day in form.getlist(f"{prefix}wi-{k}-days")
            if isinstance(day, str)
        ]
    layer: dict[str, Any] = {
        "users": users,
        "anchor": anchor,
        "handovers": handovers,
        "working_intervals": working,
        "concurrent": _number(_text(form, f"{prefix}concurrent") or "1"),
        "start": _bound(_text(form, f"{prefix}start"), zone),
        "end": _bound(_text(form, f"{prefix}end"), zone),
    }
    name = _text(form, f"{prefix}name")
    if name:
        layer["name"] = name
    return layer


def layers_from_form(form: FormData, timezone: str) -> tuple[list[dict[str, Any]], list[int]]:
    """The layers a posted form describes, and for each its block number on the form."""
    zone = _zone(timezone)
    layers, blocks = [], []
    for i in range(_count(form, "layer_count", MAX_LAYERS)):
        prefix = f"layer-{i}-"
        if _text(form, f"{prefix}remove"):
            continue
        layer = _layer(form, prefix, zone)
        if layer is not None:
            layers.append(layer)
            blocks.append(i)
    return layers, blocks


def friendly(error: Invalid, blocks: Sequence[int]) -> Invalid:
    """``layers[0].handovers[1].interval: …`` as ``Layer 1, handover row 2 interval: …``,
    its ``field`` the name of the form input that holds it (``layer-0-handover-1-interval``)."""
    match = _LAYER_FIELD.match(error.message)
    if match is None or int(match[1]) >= len(blocks):
        return error
    block = blocks[int(match[1])]
    rest = error.message[match.end() :]
    rest = re.sub(r"users\[(\d+)\]", lambda m: f"user slot {int(m[1]) + 1}", rest)
    rest = re.sub(r"handovers\[(\d+)\]\.?", lambda m: f"handover row {int(m[1]) + 1} ", rest)
    rest = re.sub(r"working_intervals\[\d+\]\.?", "working hours ", rest)
    details = dict(error.details)
    field = _LAYER_FIELD.match(str(details.get("field", "")))
    if field is not None:
        inside = field.string[field.end() :]
        for pattern, name in _INPUT_OF_FIELD:
            if pattern.fullmatch(inside):
                details["field"] = f"layer-{block}-{pattern.sub(name, inside)}"
                break
    return Invalid(f"Layer {block + 1}, {rest}", **details)


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _hour_rows(layer: ScheduleLayer) -> list[dict[str, Any]]:
    """Working intervals grouped into rows of weekdays sharing one time range."""
    rows: dict[tuple[str, str], list[str]] = {}
    for interval in layer.working_intervals or []:
        rows.setdefault((interval["start"], interval["end"]), []).append(interval["weekday"])
    return [{"days": days, "start": s, "end": e} for (s, e), days in rows.items()]


def layer_blocks(schedule: Schedule | None) -> list[dict[str, Any]]:
    """The layer blocks of the form: the schedule's layers, then a spare empty one."""
    blocks = []
    for layer in schedule.layers if schedule else []:
        zone = ZoneInfo(schedule.timezone) if schedule else ZoneInfo("UTC")
        anchor = layer.anchor[:16] if layer.anchor.endswith(":00") else layer.anchor
        blocks.append(
            {
                "name": layer.name,
                "users": [NOBODY if u is None else u for u in layer.users],
                "anchor": anchor,
                "handovers": list(layer.handovers),
                "hours": "always" if layer.working_intervals is None else "some",
                "hour_rows": _hour_rows(layer),
                "concurrent": layer.concurrent,
                "start": _local(layer.start, zone),
                "end": _local(layer.end, zone),
            }
        )
    blocks.append(
        {
            "name": "",
            "users": [],
            "anchor": "",
            "handovers": [{"interval": 1, "unit": "weekly"}],
            "hours": "always",
            "hour_rows": [],
            "concurrent": 1,
            "start": "",
            "end": "",
            "spare": True,
        }
    )
    return blocks


FORM_CHOICES: dict[str, Any] = {
    "weekdays": WEEKDAYS,
    "units": UNITS,
    "nobody": NOBODY,
    "spare_slots": SPARE_SLOTS,
    "spare_handovers": SPARE_HANDOVERS,
    "spare_hours": SPARE_HOURS,
}
