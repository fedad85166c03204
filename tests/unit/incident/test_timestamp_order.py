"""The incident's timestamps keep their order, and a correction says which two disagree."""

from datetime import UTC, datetime, timedelta

import pytest

from watchkeep.core.errors import Invalid
from watchkeep.incident.lifecycle import TIMESTAMP_ORDER, check_timestamps

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
DECLARED = NOW - timedelta(hours=3)


def stamps(**values: datetime | None) -> dict[str, datetime | None]:
    return {"declared_at": DECLARED} | values


def test_a_resolution_before_the_declaration_names_both_times() -> None:
    with pytest.raises(Invalid) as caught:
        check_timestamps(
            stamps(resolved_at=datetime(2020, 1, 1, tzinfo=UTC)), changed="resolved_at", now=NOW
        )
    assert caught.value.message == (
        "the resolved time (2020-01-01 00:00 UTC) must not be before "
        "the declared time (2026-12-03 12:00 UTC)"
    )
    assert caught.value.details == {"field": "value"}


def test_moving_the_earlier_time_past_the_later_one_is_refused_too() -> None:
    with pytest.raises(Invalid, match=r"the declared time .* must not be after the resolved"):
        check_timestamps(
            stamps(declared_at=NOW - timedelta(minutes=5), resolved_at=NOW - timedelta(hours=1)),
            changed="declared_at",
            now=NOW,
        )


def test_no_time_is_in_the_future() -> None:
    with pytest.raises(Invalid, match="must not be in the future"):
        check_timestamps(
            stamps(mitigated_at=NOW + timedelta(minutes=1)), changed="mitigated_at", now=NOW
        )


@pytest.mark.parametrize(("earlier", "later"), TIMESTAMP_ORDER)
def test_every_pair_in_order_is_accepted_and_reversed_is_refused(earlier: str, later: str) -> None:
    ordered = {earlier: NOW - timedelta(hours=5), later: NOW - timedelta(hours=1)}
    check_timestamps(ordered, changed=later, now=NOW)
    reversed_ = {earlier: NOW - timedelta(hours=1), later: NOW - timedelta(hours=5)}
    with pytest.raises(Invalid):
        check_timestamps(reversed_, changed=later, now=NOW)
    with pytest.raises(Invalid):
        check_timestamps(reversed_, changed=earlier, now=NOW)


def test_impact_may_start_before_the_declaration_and_a_cleared_time_is_fine() -> None:
    check_timestamps(
        stamps(impact_started_at=DECLARED - timedelta(hours=2)),
        changed="impact_started_at",
        now=NOW,
    )
    check_timestamps(stamps(resolved_at=None), changed="resolved_at", now=NOW)
