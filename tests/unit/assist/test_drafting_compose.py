"""The deterministic drafter on plain records: which facts it selects, how it phrases them,
and that the checks hold every sentence (its own, or a language model's) to its sources."""

from datetime import UTC, datetime, timedelta

from watchkeep.assist.drafting import check, compose
from watchkeep.assist.drafting.citing import span
from watchkeep.assist.drafting.record import ChangeFact, Entry, FollowUpFact, Record, Update

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def record(**fields: object) -> Record:
    base: dict[str, object] = {
        "reference": "INC-7",
        "title": "Login fails",
        "summary": "Users cannot log in.",
        "severity": "SEV2",
        "type": "Default",
        "status": "resolved",
        "declared_at": at(5),
        "impact_started_at": at(0),
        "acknowledged_at": at(8),
        "mitigated_at": at(30),
        "resolved_at": at(45),
        "services": (("auth", "Identity"),),
        "entries": (
            Entry(1, "declared", at(5), "Ann", "Ann declared the incident as SEV3 (investigating)"),
            Entry(2, "severity_changed", at(12), "Ann", "Severity raised from SEV3 to SEV2"),
            Entry(3, "role_assigned", at(6), "Ann", "Bo is now Communications lead"),
            Entry(4, "note", at(7), "Bo", "Not pinned, not key", pinned=False),
            Entry(5, "note", at(9), "Bo", "Sessions table is locked. Investigating.", pinned=True),
            Entry(6, "update_reminder", at(40), None, "Status update overdue: reminded Ann"),
            Entry(
                7,
                "status_changed",
                at(30),
                "Ann",
                "Status changed from monitoring to fixing",
                {"old": "monitoring", "new": "fixing"},
            ),
        ),
        "updates": (Update(1, at(10), "Bo", "investigating", "Logins fail. We are on it."),),
        "follow_ups": (FollowUpFact(1, "Add an index", "Bo", "outstanding", at(60 * 24 * 3)),),
    }
    base.update(fields)
    return Record(**base)  # type: ignore[arg-type]


def test_durations_in_words() -> None:
    assert [span(s) for s in (0, 60, 90 * 60, 26 * 3600, 3 * 86400 + 3600)] == [
        "0 minutes",
        "1 minute",
        "1 hour 30 minutes",
        "26 hours",
        "3 days 1 hour",
    ]


def test_key_entries_only_and_pinned_notes_quoted_when_they_hold_sentences() -> None:
    timeline = compose.compose(record()).markdown("timeline")
    assert "Not pinned, not key" not in timeline
    assert "“Sessions table is locked. Investigating.” (Bo).[^T5]" in timeline
    lines = timeline.splitlines()
    assert lines == sorted(lines, key=lambda line: line.split("**")[1])  # in time order


def test_what_the_record_does_not_say_is_said() -> None:
    made = compose.compose(record(impact_started_at=None, root_cause="", follow_ups=()))
    summary = made.markdown("summary")
    assert "The record does not state when the impact started" in summary
    assert "The record does not state a root cause.[^F-root_cause]" in summary
    assert made.markdown("follow_ups") == "The record holds no follow-up.[^F-follow_ups]"
    assert made.sources["F-root_cause"].label == "Root cause: not recorded"


def test_what_went_badly_comes_from_the_record() -> None:
    badly = compose.compose(record()).markdown("went_badly")
    assert "A status update was overdue 1 time.[^T6]" in badly
    assert "Severity raised from SEV3 to SEV2 7 minutes after the declaration.[^T2]" in badly
    assert "went back from monitoring to fixing" in badly


def test_changes_are_evidence_never_a_finding_unless_the_root_cause_names_them() -> None:
    deploy = ChangeFact(1, "CHG-1", "deploy", "Deploy auth 4.2", at(-20), "auth")
    undo = ChangeFact(2, "CHG-2", "deploy", "Revert auth to 4.1", at(25), "auth")
    far = ChangeFact(3, "CHG-3", "deploy", "Rollback web to 8.0", at(-300), "web")
    cause = compose.compose(record(changes=(deploy, undo, far))).markdown("root_cause")
    assert (
        "“Deploy auth 4.2”, at 2026-05-04 08:40 UTC; the record does not say whether it "
        "contributed.[^C1]" in cause
    )
    assert (
        "a rollback, and the impact was mitigated 5 minutes later" in cause
        and "[^C2][^F-mitigated_at]" in cause
    )
    assert "Rollback web to 8.0”, at 2026-05-04 04:00 UTC; the record does not say" in cause
    named = compose.compose(
        record(changes=(deploy,), root_cause="CHG-1 shipped a bad session query.")
    ).markdown("root_cause")
    assert "the recorded root cause names this change.[^C1][^F-root_cause]" in named


def test_the_drafters_own_sentences_pass_the_checks() -> None:
    made = compose.compose(
        record(root_cause="A lock. It held for an hour.", resolution="Killed it.")
    )
    assert check.unsupported([made.markdown(k) for k in made.sections], made.sources) == []


def test_the_checks_refuse_what_the_sources_do_not_support() -> None:
    sources = compose.compose(record(root_cause="A lock.")).sources
    assert check.problems("Logins failed.", sources) == ["cites no source"]
    assert check.problems("Logins failed.[^T99]", sources) == ["cites unknown source T99"]
    assert check.problems("It started at 11:11.[^F-impact_started_at]", sources) == [
        "the time 11:11 is in none of its sources"
    ]
    assert check.problems("INC-9 was the same.[^F-severity]", sources) == [
        "INC-9 is in none of its sources"
    ]
    assert check.problems("The deploy caused it.[^T2]", sources) == [
        "speaks of a cause without citing the root cause, a problem or a known error"
    ]
    assert check.problems("The cause was a lock.[^F-root_cause]", sources) == []
    assert check.problems("Bo said “the deploy caused it”.[^T2]", sources) == []
    assert check.problems("It started at 09:00.[^F-impact_started_at]", sources) == []


def test_sentences_split_at_their_ends_not_inside_quotes() -> None:
    text = "- **09:00**: “A. B.” said Bo.[^T1] Next.[^T2]\n\nOne. Two.[^X]"
    assert check.split(text) == [
        "**09:00**: “A. B.” said Bo.[^T1]",
        "Next.[^T2]",
        "One.",
        "Two.[^X]",
    ]
