"""Between stored schedules and the engine: layer validation in, engine specs out.

Layers are validated by the engine's own ``parse_schedule`` (errors name the field, such as
``layers[0].handovers[1].interval``) plus the product's rules: at least one user per layer, users
that exist, a non-empty list of working intervals if any, and ``start`` before ``end``.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.core.errors import Invalid
from watchkeep.core.ids import parse_id
from watchkeep.oncall.engine import format_instant
from watchkeep.oncall.models import Schedule, ScheduleLayer, ScheduleOverride
from watchkeep.oncall.spec import WEEKDAYS, Layer, parse_schedule
from watchkeep.oncall.spec import Schedule as Spec

LayerData = dict[str, Any]


def whole_seconds(moment: datetime) -> datetime:
    """An aware UTC instant without its sub-second part (the engine works in whole seconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _invalid(field: str, problem: str) -> Invalid:
    return Invalid(f"{field}: {problem}", field=field)


def _user_slot(value: object, field: str) -> str | None:
    """A slot of ``users`` as a user-id string: ids may come as numbers or digit strings."""
    if value is None:
        return None
    user_id = parse_id(value)
    if user_id is not None:
        return str(user_id)
    raise _invalid(field, f"must be a user id or null; got {value!r}")


def _with_user_ids(layer: object, index: int) -> object:
    if not isinstance(layer, Mapping) or not isinstance(layer.get("users"), list):
        return layer  # parse_schedule names the problem
    users = [
        _user_slot(value, f"layers[{index}].users[{j}]") for j, value in enumerate(layer["users"])
    ]
    return {**layer, "users": users}


def _stored_form(layer: Layer) -> LayerData:
    """A parsed layer in the canonical form the columns keep."""
    return {
        "name": layer.name,
        "users": list(layer.users),
        "anchor": layer.anchor.isoformat(),
        "handovers": [{"interval": h.interval, "unit": h.unit} for h in layer.handovers],
        "working_intervals": None
        if layer.working_intervals is None
        else [
            {
                "weekday": WEEKDAYS[w.weekday],
                "start": w.start.strftime("%H:%M"),
                "end": w.end.strftime("%H:%M"),
            }
            for w in layer.working_intervals
        ],
        "concurrent": layer.concurrent,
        "start": layer.start,
        "end": layer.end,
    }


def _check_product_rules(layers: Sequence[Layer]) -> None:
    for i, layer in enumerate(layers):
        field = f"layers[{i}]"
        if not any(layer.users):
            raise _invalid(f"{field}.users", "needs at least one user (null marks an empty slot)")
        if layer.working_intervals == ():
            raise _invalid(
                f"{field}.working_intervals",
                "an empty list means never on call; leave it out (null) for 24/7",
            )
        if layer.start is not None and layer.end is not None and layer.start >= layer.end:
            raise _invalid(f"{field}.end", "must be after start: the layer would cover nothing")


def _check_users_exist(session: Session, layers: Sequence[Layer]) -> None:
    wanted = {int(user) for layer in layers for user in layer.users if user is not None}
    known = set(session.scalars(select(User.id).where(User.id.in_(wanted)))) if wanted else set()
    for i, layer in enumerate(layers):
        for j, user in enumerate(layer.users):
            if user is not None and int(user) not in known:
                raise _invalid(f"layers[{i}].users[{j}]", f"no user with id {user}")


def validate_layers(
    session: Session, *, timezone: object, layers: Sequence[object]
) -> list[LayerData]:
    """Check a time zone and layers (spec JSON, users as ids); return them in stored form.

    Raises ``Invalid`` whose message starts with the field's path, also in ``details.field``.
    """
    spec = parse_schedule(
        {
            "timezone": timezone,
            "layers": [_with_user_ids(layer, i) for i, layer in enumerate(layers)],
        }
    )
    _check_product_rules(spec.layers)
    _check_users_exist(session, spec.layers)
    return [_stored_form(layer) for layer in spec.layers]


def layer_data(layer: ScheduleLayer) -> LayerData:
    """A stored layer in stored form (what :func:`validate_layers` returns)."""
    return {
        "name": layer.name,
        "users": list(layer.users),
        "anchor": layer.anchor,
        "handovers": list(layer.handovers),
        "working_intervals": None
        if layer.working_intervals is None
        else list(layer.working_intervals),
        "concurrent": layer.concurrent,
        "start": layer.start,
        "end": layer.end,
    }


def layer_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """A layer in stored form as spec JSON (instants as ``…Z`` strings)."""
    return {
        **data,
        "start": None if data["start"] is None else format_instant(data["start"]),
        "end": None if data["end"] is None else format_instant(data["end"]),
    }


def override_json(override: ScheduleOverride) -> dict[str, Any]:
    return {
        "user": None if override.user_id is None else str(override.user_id),
        "start": format_instant(override.start),
        "end": format_instant(override.end),
        "created_at": override.created_at.isoformat(),
    }


def spec_of(schedule: Schedule, overrides: Iterable[ScheduleOverride] = ()) -> Spec:
    """The engine's input for ``schedule`` with these of its overrides.

    Pass the overrides that touch the instants you ask about: the engine sorts them by
    ``created_at`` (then by order here), so any subset keeps their precedence.
    """
    ordered = sorted(overrides, key=lambda o: (o.created_at, o.id))
    return parse_schedule(
        {
            "timezone": schedule.timezone,
            "layers": [layer_json(layer_data(layer)) for layer in schedule.layers],
            "overrides": [override_json(o) for o in ordered],
        }
    )
