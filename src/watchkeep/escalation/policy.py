"""Escalation policies as plain values, and the one decision a run makes: what comes after a
level whose time ran out. Pure: no database, no clock."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

TargetType = Literal["user", "schedule", "team"]
TARGET_TYPES: tuple[TargetType, ...] = ("user", "schedule", "team")
ACK_MODES = ("first", "all")
MAX_LEVELS = 20
MAX_TARGETS = 50
MAX_MINUTES = 24 * 60
MAX_REPEAT = 9


class PolicyError(ValueError):
    """The policy cannot be used; ``errors`` says each thing to fix."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Target:
    type: TargetType
    id: int


@dataclass(frozen=True)
class Level:
    minutes: int
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Policy:
    """What a run follows: a snapshot, so that later edits never change a running escalation."""

    name: str
    levels: tuple[Level, ...]
    repeat: int = 0
    ack_mode: str = "first"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "repeat": self.repeat,
            "ack_mode": self.ack_mode,
            "levels": levels_json(self.levels),
        }


def levels_json(levels: Sequence[Level]) -> list[dict[str, Any]]:
    return [
        {"minutes": level.minutes, "targets": [{"type": t.type, "id": t.id} for t in level.targets]}
        for level in levels
    ]


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _target(where: str, raw: Any, errors: list[str]) -> Target | None:
    if not isinstance(raw, Mapping):
        errors.append(f'{where} must be {{"type": "user|schedule|team", "id": <number>}}')
        return None
    kind, target_id = raw.get("type"), raw.get("id")
    if kind not in TARGET_TYPES:
        errors.append(f"{where}.type must be user, schedule or team")
        return None
    if not _whole(target_id) or target_id < 1:
        errors.append(f"{where}.id must be a positive whole number")
        return None
    return Target(kind, target_id)


def _level(where: str, raw: Any, errors: list[str]) -> Level | None:
    if not isinstance(raw, Mapping):
        errors.append(f'{where} must be {{"minutes": <number>, "targets": [...]}}')
        return None
    minutes, targets = raw.get("minutes"), raw.get("targets")
    if not _whole(minutes) or not 1 <= minutes <= MAX_MINUTES:
        errors.append(f"{where}.minutes must be a whole number from 1 to {MAX_MINUTES}")
    if not isinstance(targets, list) or not 1 <= len(targets) <= MAX_TARGETS:
        errors.append(f"{where}.targets must list 1 to {MAX_TARGETS} targets")
        return None
    parsed = [_target(f"{where}.targets[{i}]", t, errors) for i, t in enumerate(targets)]
    found = tuple(dict.fromkeys(t for t in parsed if t is not None))
    if not _whole(minutes) or len(found) != len(parsed):
        return None
    return Level(minutes, found)


def parse(name: str, levels: Any, *, repeat: Any = 0, ack_mode: Any = "first") -> Policy:
    """A policy from JSON-shaped values, or ``PolicyError`` listing everything wrong."""
    errors: list[str] = []
    if not isinstance(levels, list) or not 1 <= len(levels) <= MAX_LEVELS:
        errors.append(f"levels must list 1 to {MAX_LEVELS} levels")
        levels = []
    parsed = [_level(f"levels[{i}]", raw, errors) for i, raw in enumerate(levels)]
    if not _whole(repeat) or not 0 <= repeat <= MAX_REPEAT:
        errors.append(f"repeat must be a whole number from 0 to {MAX_REPEAT}")
    if ack_mode not in ACK_MODES:
        errors.append("ack_mode must be first or all")
    if errors:
        raise PolicyError(errors)
    return Policy(name, tuple(level for level in parsed if level is not None), repeat, ack_mode)


def from_json(snapshot: Mapping[str, Any]) -> Policy:
    """A stored snapshot back as a policy."""
    return parse(
        snapshot["name"],
        snapshot["levels"],
        repeat=snapshot.get("repeat", 0),
        ack_mode=snapshot.get("ack_mode", "first"),
    )


def after(policy: Policy, *, level: int, cycle: int) -> tuple[int, int] | None:
    """The (level, cycle) paged when ``level`` of ``cycle`` was not acknowledged in time, or
    ``None`` when the policy is exhausted (its last level of its last repetition)."""
    if level + 1 < len(policy.levels):
        return level + 1, cycle
    if cycle < policy.repeat:
        return 0, cycle + 1
    return None
