"""The incident lifecycle (DESIGN.md section 1) as a pure transition table with timestamps."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from watchkeep.core.errors import Conflict, Invalid, InvalidTransition
from watchkeep.incident import lifecycle
from watchkeep.incident.lifecycle import Category, Status, Timestamps, transition

S = Status
LIVE = {S.INVESTIGATING, S.FIXING, S.MONITORING}
TERMINAL = {S.CLOSED, S.DECLINED, S.MERGED, S.CANCELED}

# Written out from DESIGN.md section 1 and the issue, not derived from the module under test.
EXPECTED: dict[Status, set[Status]] = {
    S.TRIAGE: LIVE | {S.RESOLVED, S.DECLINED, S.MERGED, S.CANCELED},
    S.INVESTIGATING: {S.FIXING, S.MONITORING, S.RESOLVED},
    S.FIXING: {S.INVESTIGATING, S.MONITORING, S.RESOLVED},
    S.MONITORING: {S.INVESTIGATING, S.FIXING, S.RESOLVED},
    S.RESOLVED: {S.INVESTIGATING, S.DOCUMENTING, S.CLOSED},
    S.DOCUMENTING: {S.REVIEWING, S.CLOSED},
    S.REVIEWING: {S.DOCUMENTING, S.CLOSED},
    **{s: set() for s in TERMINAL},
}

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
EMPTY = Timestamps(None, None, None, None)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_expected_table_covers_every_status() -> None:
    assert set(EXPECTED) == set(Status)


@pytest.mark.parametrize("current", list(Status), ids=str)
@pytest.mark.parametrize("target", list(Status), ids=str)
def test_every_pair_is_allowed_or_denied_as_designed(current: Status, target: Status) -> None:
    if target in EXPECTED[current]:
        assert isinstance(transition(current, target, EMPTY, T0), Timestamps)
    else:
        with pytest.raises(InvalidTransition):
            transition(current, target, EMPTY, T0)


@pytest.mark.parametrize("current", list(Status), ids=str)
def test_allowed_next_matches_the_table(current: Status) -> None:
    assert set(lifecycle.allowed_next(current)) == EXPECTED[current]


@pytest.mark.parametrize("status", sorted(TERMINAL), ids=str)
def test_terminal_statuses_have_no_exits(status: Status) -> None:
    assert lifecycle.allowed_next(status) == frozenset()
    with pytest.raises(InvalidTransition) as raised:
        transition(status, S.INVESTIGATING, EMPTY, T0)
    assert raised.value.details["allowed"] == []
    assert "none" in raised.value.message


def test_invalid_transition_lists_the_allowed_next_states() -> None:
    with pytest.raises(InvalidTransition) as raised:
        transition(S.DOCUMENTING, S.INVESTIGATING, EMPTY, T0)
    error = raised.value
    assert isinstance(error, Conflict)
    assert error.status_code == 409
    assert error.code == "invalid_transition"
    assert error.details == {
        "current": "documenting",
        "target": "investigating",
        "allowed": ["closed", "reviewing"],
    }
    assert "closed, reviewing" in error.message


def test_a_status_cannot_transition_to_itself() -> None:
    for status in Status:
        with pytest.raises(InvalidTransition):
            transition(status, status, EMPTY, T0)


@pytest.mark.parametrize("target", sorted(LIVE | {S.RESOLVED}), ids=str)
def test_leaving_triage_for_work_acknowledges(target: Status) -> None:
    assert transition(S.TRIAGE, target, EMPTY, at(5)).acknowledged_at == at(5)


def test_leaving_triage_keeps_a_manual_acknowledgement() -> None:
    stamps = Timestamps(at(1), None, None, None)
    assert transition(S.TRIAGE, S.INVESTIGATING, stamps, at(5)).acknowledged_at == at(1)


def test_moving_among_live_statuses_does_not_touch_acknowledged() -> None:
    stamps = Timestamps(at(1), None, None, None)
    assert transition(S.INVESTIGATING, S.FIXING, stamps, at(5)) == stamps


def test_first_monitoring_sets_mitigated_and_reentry_keeps_it() -> None:
    stamps = Timestamps(at(0), None, None, None)
    stamps = transition(S.INVESTIGATING, S.MONITORING, stamps, at(10))
    assert stamps.mitigated_at == at(10)
    stamps = transition(S.MONITORING, S.FIXING, stamps, at(20))
    assert stamps.mitigated_at == at(10)
    stamps = transition(S.FIXING, S.MONITORING, stamps, at(30))
    assert stamps.mitigated_at == at(10)


def test_resolving_sets_resolved_and_mitigated_when_unset() -> None:
    stamps = transition(S.FIXING, S.RESOLVED, Timestamps(at(0), None, None, None), at(40))
    assert (stamps.mitigated_at, stamps.resolved_at) == (at(40), at(40))


def test_resolving_keeps_an_earlier_mitigation() -> None:
    stamps = transition(S.MONITORING, S.RESOLVED, Timestamps(at(0), at(10), None, None), at(40))
    assert (stamps.mitigated_at, stamps.resolved_at) == (at(10), at(40))


def test_resolving_straight_from_triage_sets_acknowledged_mitigated_and_resolved() -> None:
    stamps = transition(S.TRIAGE, S.RESOLVED, EMPTY, at(3))
    assert stamps == Timestamps(at(3), at(3), at(3), None)


def test_reopening_clears_resolved_and_keeps_the_rest() -> None:
    stamps = Timestamps(at(0), at(10), at(40), None)
    reopened = transition(S.RESOLVED, S.INVESTIGATING, stamps, at(50))
    assert reopened == Timestamps(at(0), at(10), None, None)
    resolved_again = transition(S.INVESTIGATING, S.RESOLVED, reopened, at(70))
    assert resolved_again.resolved_at == at(70)
    assert resolved_again.mitigated_at == at(10)


@pytest.mark.parametrize("current", [S.RESOLVED, S.DOCUMENTING, S.REVIEWING], ids=str)
def test_closing_sets_closed(current: Status) -> None:
    stamps = Timestamps(at(0), at(10), at(40), None)
    assert transition(current, S.CLOSED, stamps, at(90)) == Timestamps(
        at(0), at(10), at(40), at(90)
    )


@pytest.mark.parametrize(
    ("current", "target"),
    [(S.RESOLVED, S.DOCUMENTING), (S.DOCUMENTING, S.REVIEWING), (S.REVIEWING, S.DOCUMENTING)],
)
def test_post_incident_steps_leave_timestamps_alone(current: Status, target: Status) -> None:
    stamps = Timestamps(at(0), at(10), at(40), None)
    assert transition(current, target, stamps, at(60)) == stamps


@pytest.mark.parametrize(
    ("current", "target", "stamps", "kept"),
    [
        (S.INVESTIGATING, S.MONITORING, Timestamps(at(0), at(2), None, None), "mitigated_at"),
        (S.FIXING, S.RESOLVED, Timestamps(at(0), at(2), at(3), None), "resolved_at"),
        (S.FIXING, S.RESOLVED, Timestamps(at(0), at(2), None, None), "mitigated_at"),
        (S.REVIEWING, S.CLOSED, Timestamps(at(0), at(2), at(3), at(4)), "closed_at"),
    ],
)
def test_manual_values_are_kept(
    current: Status, target: Status, stamps: Timestamps, kept: str
) -> None:
    after = transition(current, target, stamps, at(100))
    assert getattr(after, kept) == getattr(stamps, kept)


def test_categories() -> None:
    assert {s for s in Status if lifecycle.category(s) is Category.LIVE} == LIVE
    assert {s for s in Status if lifecycle.category(s) is Category.POST_INCIDENT} == {
        S.RESOLVED,
        S.DOCUMENTING,
        S.REVIEWING,
    }
    assert {s for s in Status if lifecycle.category(s) is Category.DISCARDED} == {
        S.DECLINED,
        S.MERGED,
        S.CANCELED,
    }
    assert lifecycle.category(S.TRIAGE) is Category.TRIAGE
    assert lifecycle.category(S.CLOSED) is Category.CLOSED


def test_discarded_incidents_do_not_count_in_metrics() -> None:
    assert {s for s in Status if not lifecycle.counts_in_metrics(s)} == {
        S.DECLINED,
        S.MERGED,
        S.CANCELED,
    }


def test_declarable_statuses_are_triage_and_live() -> None:
    assert {S.TRIAGE} | LIVE == lifecycle.DECLARABLE


def test_unknown_status_is_invalid_and_names_the_field() -> None:
    with pytest.raises(Invalid) as raised:
        lifecycle.parse_status("on-fire")
    assert raised.value.details == {"field": "status"}
    assert "investigating" in raised.value.message


# --- property: any path of allowed transitions keeps the timestamps in order ----------------

ORDER = ("acknowledged_at", "mitigated_at", "resolved_at", "closed_at")


def assert_ordered(stamps: Timestamps) -> None:
    values = [getattr(stamps, name) for name in ORDER]
    present = [v for v in values if v is not None]
    assert present == sorted(present), stamps


@settings(max_examples=examples(3), deadline=None, database=None)
@given(
    start=st.sampled_from(sorted(lifecycle.DECLARABLE)),
    data=st.data(),
)
def test_any_path_of_allowed_transitions_keeps_timestamps_in_order(
    start: Status, data: st.DataObject
) -> None:
    now = T0
    # As declare does: an incident declared straight into a live status is acknowledged.
    stamps = Timestamps(None if start is S.TRIAGE else now, None, None, None)
    status = start
    for _ in range(data.draw(st.integers(0, 12), label="steps")):
        options = sorted(EXPECTED[status])
        if not options:
            break
        target = data.draw(st.sampled_from(options), label="target")
        now += timedelta(seconds=data.draw(st.integers(0, 86_400), label="wait"))
        stamps = transition(status, target, stamps, now)
        status = target

        assert_ordered(stamps)
        category = lifecycle.category(status)
        # Resolved is set exactly while the incident is past resolution (reopen clears it).
        assert (stamps.resolved_at is not None) == (
            category in (Category.POST_INCIDENT, Category.CLOSED)
        )
        assert (stamps.closed_at is not None) == (status is S.CLOSED)
        if category in (Category.LIVE, Category.POST_INCIDENT, Category.CLOSED):
            assert stamps.acknowledged_at is not None
        if stamps.resolved_at is not None:
            assert stamps.mitigated_at is not None
        for value in (v for v in (getattr(stamps, n) for n in ORDER) if v is not None):
            assert T0 <= value <= now
