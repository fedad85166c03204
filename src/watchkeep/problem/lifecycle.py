"""The problem lifecycle as a pure transition table (DESIGN.md section 1)."""

from enum import StrEnum

from watchkeep.core.errors import Invalid, InvalidTransition


class ProblemState(StrEnum):
    NEW = "new"
    INVESTIGATING = "investigating"
    ROOT_CAUSE_IDENTIFIED = "root_cause_identified"
    KNOWN_ERROR = "known_error"
    FIX_IN_PROGRESS = "fix_in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELED = "canceled"


S = ProblemState

# The main path runs forward. Besides it:
# - a workaround may be found before the root cause (investigating -> known_error);
# - a root cause that needs no workaround goes straight to its fix
#   (root_cause_identified -> fix_in_progress);
# - a known error may be resolved without a fix of its own, when another change removed
#   the cause (known_error -> resolved);
# - a failed fix falls back to known_error (fix_in_progress -> known_error);
# - a problem whose incidents recur after it was resolved is reopened (resolved ->
#   investigating).
TRANSITIONS: dict[ProblemState, frozenset[ProblemState]] = {
    S.NEW: frozenset({S.INVESTIGATING, S.CANCELED}),
    S.INVESTIGATING: frozenset({S.ROOT_CAUSE_IDENTIFIED, S.KNOWN_ERROR, S.CANCELED}),
    S.ROOT_CAUSE_IDENTIFIED: frozenset({S.KNOWN_ERROR, S.FIX_IN_PROGRESS, S.CANCELED}),
    S.KNOWN_ERROR: frozenset({S.FIX_IN_PROGRESS, S.RESOLVED, S.CANCELED}),
    S.FIX_IN_PROGRESS: frozenset({S.KNOWN_ERROR, S.RESOLVED, S.CANCELED}),
    S.RESOLVED: frozenset({S.CLOSED, S.INVESTIGATING}),
    S.CLOSED: frozenset(),
    S.CANCELED: frozenset(),
}

OPEN = frozenset(
    {S.NEW, S.INVESTIGATING, S.ROOT_CAUSE_IDENTIFIED, S.KNOWN_ERROR, S.FIX_IN_PROGRESS}
)


def parse_state(value: str) -> ProblemState:
    try:
        return ProblemState(value)
    except ValueError:
        names = ", ".join(s.value for s in ProblemState)
        raise Invalid(
            f"unknown problem state {value!r}; use one of {names}", field="state"
        ) from None


def allowed_next(state: ProblemState) -> frozenset[ProblemState]:
    return TRANSITIONS[state]


def check(current: ProblemState, target: ProblemState) -> None:
    """Raise :class:`InvalidTransition` (with the allowed next states) unless allowed."""
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            current.value, target.value, (s.value for s in TRANSITIONS[current])
        )
