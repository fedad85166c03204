"""Spec validation: every mistake is an ``Invalid`` that names the field."""

from datetime import UTC, datetime, time
from typing import Any

import pytest

from watchkeep.core.errors import Invalid
from watchkeep.oncall import Handover, WorkingInterval, parse_instant, parse_schedule


def spec(layer: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    base = {
        "users": ["ann", None],
        "anchor": "2026-01-05T09:00:00",
        "handovers": [{"interval": 1, "unit": "weekly"}],
    }
    return {"timezone": "Europe/London", "layers": [{**base, **(layer or {})}], **top}


def error(data: object) -> Invalid:
    with pytest.raises(Invalid) as caught:
        parse_schedule(data)
    return caught.value


def test_a_valid_spec_becomes_frozen_values_with_defaults() -> None:
    schedule = parse_schedule(
        spec(
            {"working_intervals": [{"weekday": "sun", "start": "22:00", "end": "06:00"}]},
            overrides=[
                {
                    "user": None,
                    "start": "2026-01-06T10:00:00+01:00",
                    "end": "2026-01-06T12:00:00",
                    "created_at": "2026-01-01T00:00:00.123456Z",
                }
            ],
        )
    )
    layer = schedule.layers[0]
    assert schedule.zone.key == "Europe/London"
    assert layer.name == "layer 1"
    assert layer.concurrent == 1
    assert layer.start is None
    assert layer.end is None
    assert layer.handovers == (Handover(1, "weekly"),)
    assert layer.working_intervals == (WorkingInterval(6, time(22), time(6)),)
    override = schedule.overrides[0]
    assert override.start == datetime(2026, 1, 6, 9, tzinfo=UTC)
    assert override.end == datetime(2026, 1, 6, 12, tzinfo=UTC)  # no offset: UTC
    with pytest.raises(AttributeError):
        layer.concurrent = 2  # type: ignore[misc]


def test_empty_users_and_empty_working_intervals_are_allowed() -> None:
    schedule = parse_schedule(spec({"users": [], "working_intervals": []}))
    assert schedule.layers[0].users == ()
    assert schedule.layers[0].working_intervals == ()


def test_null_working_intervals_mean_always() -> None:
    assert parse_schedule(spec({"working_intervals": None})).layers[0].working_intervals is None


def test_an_anchor_may_carry_seconds_or_be_a_bare_date() -> None:
    anchor = parse_schedule(spec({"anchor": "2026-01-05T09:00:30"})).layers[0].anchor
    assert anchor == datetime(2026, 1, 5, 9, 0, 30)
    assert parse_schedule(spec({"anchor": "2026-01-05"})).layers[0].anchor == datetime(2026, 1, 5)


def handover(**fields: Any) -> dict[str, Any]:
    return spec({"handovers": [{"interval": 1, "unit": "daily", **fields}]})


def working(**fields: Any) -> dict[str, Any]:
    interval = {"weekday": "mon", "start": "09:00", "end": "17:00", **fields}
    return spec({"working_intervals": [interval]})


def override(*missing: str, **fields: Any) -> dict[str, Any]:
    item = {"user": "ann", "start": "2026-01-05", "end": "2026-01-06", "created_at": "2026-01-01"}
    item.update(fields)
    return spec(overrides=[{k: v for k, v in item.items() if k not in missing}])


HANDOVER, WORKING = "layers[0].handovers[0]", "layers[0].working_intervals[0]"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ([], "spec", "object"),
        (spec(timezone="Mars/Olympus"), "timezone", "unknown time zone"),
        (spec(timezone="../etc/passwd"), "timezone", "unknown time zone"),
        (spec(timezone=None), "timezone", "IANA"),
        (spec(layers={}), "layers", "list"),
        (spec(colour="red"), "spec.colour", "unknown field"),
        (spec({"working_interval": []}), "layers[0].working_interval", "unknown field"),
        (spec({"users": None}), "layers[0].users", "list"),
        (spec({"users": ["ann", 7]}), "layers[0].users[1]", "string or null"),
        (spec({"users": [""]}), "layers[0].users[0]", "string or null"),
        (spec({"name": 3}), "layers[0].name", "string"),
        (spec({"anchor": "2026-01-05T09:00:00Z"}), "layers[0].anchor", "naive"),
        (spec({"anchor": "2026-01-05T09:00:00+01:00"}), "layers[0].anchor", "naive"),
        (spec({"anchor": "next monday"}), "layers[0].anchor", "ISO-8601"),
        (spec({"anchor": None}), "layers[0].anchor", "naive local"),
        (spec({"anchor": "2026-01-05T09:00:00.5"}), "layers[0].anchor", "fractions"),
        (spec({"handovers": []}), "layers[0].handovers", "at least one"),
        (handover(interval=0), f"{HANDOVER}.interval", "at least 1"),
        (handover(interval=-2), f"{HANDOVER}.interval", "at least 1"),
        (handover(interval=1.5), f"{HANDOVER}.interval", "integer"),
        (handover(interval=True), f"{HANDOVER}.interval", "integer"),
        (handover(interval=10**6), f"{HANDOVER}.interval", "at most"),
        (handover(unit="monthly"), f"{HANDOVER}.unit", "hourly, daily, weekly"),
        (handover(unit=None), f"{HANDOVER}.unit", "hourly"),
        (spec({"concurrent": 0}), "layers[0].concurrent", "at least 1"),
        (spec({"concurrent": "2"}), "layers[0].concurrent", "integer"),
        (spec({"working_intervals": {}}), "layers[0].working_intervals", "list"),
        (working(weekday="monday"), f"{WORKING}.weekday", "mon"),
        (working(weekday="Mon"), f"{WORKING}.weekday", "mon"),
        (working(start="9:00"), f"{WORKING}.start", "HH:MM"),
        (working(end="24:00"), f"{WORKING}.end", "HH:MM"),
        (working(start="09:60"), f"{WORKING}.start", "HH:MM"),
        (working(start="09:00:00"), f"{WORKING}.start", "HH:MM"),
        (spec({"start": "soon"}), "layers[0].start", "ISO-8601"),
        (spec({"end": "2026-01-05T09:00:00.25Z"}), "layers[0].end", "fractions"),
        (override("user"), "overrides[0].user", "required"),
        (override(user=5), "overrides[0].user", "string or null"),
        (override("start"), "overrides[0].start", "ISO-8601"),
        (override("created_at"), "overrides[0].created_at", "ISO-8601"),
    ],
)
def test_invalid_specs_name_the_field(data: object, field: str, words: str) -> None:
    problem = error(data)
    assert problem.details["field"] == field
    assert problem.message.startswith(f"{field}: ")
    assert words in problem.message


def test_instants_without_an_offset_are_utc() -> None:
    assert parse_instant("2026-03-29T01:30:00", "at") == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert parse_instant("2026-03-29T03:30:00+02:00", "at") == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert parse_instant("2026-03-29T01:30:00Z", "at").tzinfo is UTC
