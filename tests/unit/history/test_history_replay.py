"""Playing an imported incident's history forward: the moves a record implies, the ones it
gives checked against the lifecycle, and the times that follow."""

from datetime import UTC, datetime, timedelta

from watchkeep.history.replay import Item, Story, replay

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def stamps(**given: int) -> dict[str, datetime | None]:
    return {"declared_at": T0} | {f"{name}_at": at(m) for name, m in given.items()}


def moves(result: object) -> list[tuple[str, str, datetime]]:
    played = getattr(result, "played")  # noqa: B009
    return [(p.status_before, p.status, p.item.at) for p in played if p.status != p.status_before]


def test_a_closed_record_without_a_timeline_moves_as_a_responder_would() -> None:
    story = Story(
        stamps=stamps(acknowledged=5, mitigated=20, resolved=30, closed=600),
        severity="SEV2",
        status="closed",
    )
    result = replay(story, now=NOW)
    assert result.problems == []
    assert result.start_status == "triage"  # acknowledged after it was declared
    assert moves(result) == [
        ("triage", "investigating", at(5)),
        ("investigating", "monitoring", at(20)),
        ("monitoring", "resolved", at(30)),
        ("resolved", "closed", at(600)),
    ]
    assert result.status == "closed"
    assert {name: result.sources.get(name) for name in ("mitigated_at", "closed_at")} == {
        "mitigated_at": "auto",
        "closed_at": "auto",
    }


def test_without_a_status_the_times_say_where_it_is() -> None:
    result = replay(Story(stamps=stamps(resolved=40), severity="SEV3"), now=NOW)
    assert (result.start_status, result.status) == ("investigating", "resolved")
    assert result.stamps["acknowledged_at"] == T0  # declared live: acknowledged at once
    assert result.stamps["mitigated_at"] == at(40)  # resolving mitigates, as natively


def test_a_time_the_record_gives_wins_and_counts_as_set_by_hand() -> None:
    story = Story(
        stamps=stamps(impact_started=-30, resolved=40),
        severity="SEV3",
        status="resolved",
        items=(
            Item(0, at(10), "status", to="monitoring", loc=("timeline", 0)),
            Item(1, at(50), "status", to="resolved", loc=("timeline", 1)),
        ),
    )
    result = replay(story, now=NOW)
    assert result.problems == []
    assert result.stamps["resolved_at"] == at(40)  # the record's, not the move's at(50)
    assert result.sources["resolved_at"] == "manual"
    assert result.sources["impact_started_at"] == "manual"
    assert result.sources["mitigated_at"] == "auto"


def test_a_move_the_lifecycle_refuses_is_named() -> None:
    story = Story(
        stamps=stamps(),
        severity="SEV2",
        status="closed",
        items=(Item(3, at(10), "status", to="closed", loc=("timeline", 3)),),
    )
    result = replay(story, now=NOW)
    assert result.problems == [
        (
            ("timeline", 3, "payload", "to"),
            "cannot move from investigating to closed; allowed next: fixing, monitoring, resolved",
        )
    ]


def test_severity_changes_need_to_know_where_they_started() -> None:
    change = Item(2, at(5), "severity", to="SEV1", loc=("timeline", 2))
    result = replay(Story(stamps=stamps(), severity="SEV1", items=(change,)), now=NOW)
    assert [loc for loc, _ in result.problems] == [("timeline", 2, "payload", "to")]
    assert "already SEV1" in result.problems[0][1]
    known = Story(stamps=stamps(), severity="SEV1", declared_severity="SEV3", items=(change,))
    played = replay(known, now=NOW)
    assert played.problems == []
    assert (played.start_severity, played.severity) == ("SEV3", "SEV1")


def test_a_timeline_that_ends_elsewhere_than_the_record_says() -> None:
    story = Story(
        stamps=stamps(),
        severity="SEV2",
        status="resolved",
        items=(Item(0, at(5), "update", to="monitoring", loc=("timeline", 0)),),
    )
    result = replay(story, now=NOW)
    assert result.problems == [(("status",), "the timeline ends in monitoring, not resolved")]


def test_times_out_of_order_or_in_the_future_are_named() -> None:
    story = Story(stamps=stamps(mitigated=50, resolved=40), severity="SEV2", status="resolved")
    result = replay(story, now=NOW)
    assert [loc for loc, _ in result.problems] == [("resolved_at",)]
    assert "must not be before mitigated_at" in result.problems[0][1]
    future = Story(stamps={"declared_at": NOW + timedelta(days=1)}, severity="SEV2")
    assert [loc for loc, _ in replay(future, now=NOW).problems] == [("declared_at",)]


def test_what_needs_a_time_to_happen_says_so() -> None:
    result = replay(Story(stamps=stamps(), severity="SEV2", status="closed"), now=NOW)
    assert result.problems == [
        (("resolved_at",), "a closed incident needs resolved_at: when it was resolved")
    ]


def test_entries_before_declaring_only_lead_up_to_it() -> None:
    story = Story(
        stamps=stamps(),
        severity="SEV2",
        items=(
            Item(0, at(-30), "note", loc=("timeline", 0)),
            Item(1, at(-60 * 30), "note", loc=("timeline", 1)),
            Item(2, at(-10), "status", to="fixing", loc=("timeline", 2)),
            Item(3, at(-60 * 24 * 9), "change", loc=("timeline", 3)),
        ),
    )
    result = replay(story, now=NOW)
    assert [loc for loc, _ in result.problems] == [("timeline", 1, "at"), ("timeline", 2, "at")]


def test_a_declined_record_was_declared_in_triage() -> None:
    result = replay(Story(stamps=stamps(closed=10), severity="SEV4", status="declined"), now=NOW)
    assert result.problems == []
    assert moves(result) == [("triage", "declined", at(10))]
    assert result.stamps["acknowledged_at"] is None
