"""The problem lifecycle's transition table, checked edge by edge against DESIGN.md §1.

DESIGN.md: ``new → investigating → root_cause_identified → known_error (workaround recorded)
→ fix_in_progress → resolved → closed; or canceled``. The module adds, and documents, a
workaround found before the root cause (investigating → known_error), a failed fix falling
back (fix_in_progress → known_error) and a recurrence reopening a resolved problem
(resolved → investigating). Pure: no database.
"""

from itertools import pairwise, product

import pytest

from watchkeep.core.errors import Invalid, InvalidTransition
from watchkeep.problem import lifecycle
from watchkeep.problem.lifecycle import OPEN, TRANSITIONS, ProblemState, allowed_next, check

S = ProblemState

MAIN_PATH = [
    S.NEW,
    S.INVESTIGATING,
    S.ROOT_CAUSE_IDENTIFIED,
    S.KNOWN_ERROR,
    S.FIX_IN_PROGRESS,
    S.RESOLVED,
    S.CLOSED,
]
FORWARD = set(pairwise(MAIN_PATH))
CANCELING = {(state, S.CANCELED) for state in OPEN}
DOCUMENTED_EXTRAS = {
    (S.INVESTIGATING, S.KNOWN_ERROR),  # a workaround found before the root cause
    (S.FIX_IN_PROGRESS, S.KNOWN_ERROR),  # a failed fix falls back to the workaround
    (S.RESOLVED, S.INVESTIGATING),  # incidents recur after the problem was resolved
}
# Shortcuts the table allows along the main path without a word in the module's comment:
# fixing without recording a workaround, and resolving a known error without a fix phase.
SHORTCUTS = {
    (S.ROOT_CAUSE_IDENTIFIED, S.FIX_IN_PROGRESS),
    (S.KNOWN_ERROR, S.RESOLVED),
}
EXPECTED = FORWARD | CANCELING | DOCUMENTED_EXTRAS | SHORTCUTS


def edges() -> set[tuple[ProblemState, ProblemState]]:
    return {(source, target) for source, targets in TRANSITIONS.items() for target in targets}


def test_the_states_are_those_of_the_design() -> None:
    assert [s.value for s in ProblemState] == [
        "new",
        "investigating",
        "root_cause_identified",
        "known_error",
        "fix_in_progress",
        "resolved",
        "closed",
        "canceled",
    ]
    assert set(TRANSITIONS) == set(ProblemState)


def test_the_table_holds_exactly_the_designed_edges() -> None:
    assert edges() - EXPECTED == set(), "edges that neither the design nor the module explain"
    assert EXPECTED - edges() == set(), "designed edges the table is missing"


def test_open_states_are_those_before_resolution() -> None:
    assert {S.RESOLVED, S.CLOSED, S.CANCELED} == set(ProblemState) - OPEN
    assert frozenset(MAIN_PATH[:5]) == OPEN


def test_closed_and_canceled_are_final_and_resolved_is_not_cancelable() -> None:
    assert allowed_next(S.CLOSED) == frozenset()
    assert allowed_next(S.CANCELED) == frozenset()
    assert S.CANCELED not in allowed_next(S.RESOLVED)


def test_no_state_moves_to_itself_or_back_to_new() -> None:
    for source, target in edges():
        assert source != target
        assert target is not S.NEW


def test_every_state_is_reachable_from_new_and_every_open_state_can_close() -> None:
    def reachable(start: ProblemState) -> set[ProblemState]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in TRANSITIONS[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert reachable(S.NEW) == set(ProblemState)
    for state in OPEN | {S.RESOLVED}:
        assert S.CLOSED in reachable(state), state
        assert S.CANCELED in reachable(state) or state is S.RESOLVED


@pytest.mark.parametrize(("current", "target"), sorted(product(S, S)))
def test_check_agrees_with_the_table_for_every_pair(
    current: ProblemState, target: ProblemState
) -> None:
    if (current, target) in EXPECTED:
        check(current, target)
        return
    with pytest.raises(InvalidTransition) as raised:
        check(current, target)
    allowed = sorted(s.value for s in EXPECTED_NEXT[current])
    assert raised.value.details == {
        "current": current.value,
        "target": target.value,
        "allowed": allowed,
    }
    assert raised.value.message == (
        f"cannot move from {current.value} to {target.value}; allowed next: "
        + (", ".join(allowed) or "none")
    )
    assert raised.value.status_code == 409


EXPECTED_NEXT = {
    state: frozenset(target for source, target in EXPECTED if source is state)
    for state in ProblemState
}


def test_refusals_name_the_allowed_next_states() -> None:
    with pytest.raises(InvalidTransition) as from_new:
        check(S.NEW, S.RESOLVED)
    assert from_new.value.message == (
        "cannot move from new to resolved; allowed next: canceled, investigating"
    )
    with pytest.raises(InvalidTransition) as from_closed:
        check(S.CLOSED, S.INVESTIGATING)
    assert from_closed.value.message.endswith("allowed next: none")
    assert from_closed.value.details["allowed"] == []


def test_parse_state_accepts_values_and_names_the_choices_otherwise() -> None:
    for state in ProblemState:
        assert lifecycle.parse_state(state.value) is state
    with pytest.raises(Invalid) as raised:
        lifecycle.parse_state("done")
    assert raised.value.details == {"field": "state"}
    assert "'done'" in raised.value.message
    for state in ProblemState:
        assert state.value in raised.value.message
    with pytest.raises(Invalid):
        lifecycle.parse_state("RESOLVED")  # values are lower case, as the API sends them
