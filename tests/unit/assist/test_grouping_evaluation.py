"""How problem candidates are measured: windows at month ends, no root causes, families."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from watchkeep.assist.similarity import Document
from watchkeep.assist.similarity.grouping import Tally, by_service, measure_groups, month_ends


def incident(id: str, day: int, service: str = "web", root_cause: str = "") -> Document:
    when = datetime(2025, 3, 1, 12, tzinfo=UTC) + timedelta(days=day)
    return Document(id=id, title=id, root_cause=root_cause, services=(service,), created_at=when)


def test_month_ends_run_from_the_first_month_to_the_last() -> None:
    ends = month_ends([datetime(2024, 11, 20, tzinfo=UTC), datetime(2025, 2, 3, tzinfo=UTC)])
    assert [(e.year, e.month, e.day) for e in ends] == [
        (2024, 11, 30),
        (2024, 12, 31),
        (2025, 1, 31),
        (2025, 2, 28),
    ]


def test_groups_are_judged_by_their_members_families() -> None:
    documents = [incident(f"a{n}", n) for n in range(4)] + [incident(f"b{n}", n) for n in range(3)]
    family = {d.id: d.id[0] for d in documents}
    seen: list[Sequence[Document]] = []

    def group(window: Sequence[Document]) -> list[tuple[str | int, ...]]:
        seen.append(window)
        return [("a0", "a1", "a2", "b0"), ("a3", "b1", "b2")]

    result = measure_groups(documents, family, group).result()
    # One window (March) holds everything: a group 3/4 of a, one 2/3 of b.
    assert result == {
        "purity": round(5 / 7, 3),
        "pure_share": 0.0,
        "coverage": round(5 / 7, 3),  # a0-a2 and b1-b2 sit with their own family
        "split_families": 0,
        "groups": 2,
        "grouped_incidents": 7,
        "windows": 1,
    }
    assert all(d.root_cause == "" for window in seen for d in window)


def test_the_root_cause_is_never_shown_to_the_grouping() -> None:
    documents = [incident("a0", 0, root_cause="a leak")]
    shown: list[str] = []
    measure_groups(documents, {"a0": "a"}, lambda w: shown.extend(d.root_cause for d in w) or [])
    assert shown == [""]


def test_two_groups_of_one_family_in_a_window_are_a_split() -> None:
    documents = [incident(f"a{n}", n) for n in range(6)]
    family = {d.id: "a" for d in documents}
    result = measure_groups(documents, family, lambda w: [("a0", "a1", "a2"), ("a3", "a4", "a5")])
    assert result.result()["split_families"] == 1
    assert result.result()["pure_share"] == 1.0


def test_only_families_with_three_in_the_window_count_for_coverage() -> None:
    documents = [incident("a0", 0), incident("a1", 1), incident("b0", 2)]
    result = measure_groups(documents, {"a0": "a", "a1": "a", "b0": "b"}, lambda w: [])
    assert result.eligible == 0
    assert result.result()["coverage"] is None


def test_windows_look_back_ninety_days_from_each_month_end() -> None:
    early = [incident(f"a{n}", n) for n in range(3)]  # March
    late = [incident(f"b{n}", 120 + n) for n in range(3)]  # July
    family = {d.id: d.id[0] for d in early + late}
    windows: list[set[str | int]] = []
    measure_groups(early + late, family, lambda w: windows.append({d.id for d in w}) or [])
    assert {"a0", "a1", "a2"} in windows
    assert not any({"a0", "b0"} <= w for w in windows)


def test_tallies_add_up_before_dividing() -> None:
    total = Tally(grouped=3, main_family=3, groups=1, pure_groups=1) + Tally(
        grouped=3, main_family=1, groups=1
    )
    assert total.result()["purity"] == round(4 / 6, 3)
    assert total.result()["pure_share"] == 0.5


def test_the_baseline_groups_by_service() -> None:
    documents = [incident(f"w{n}", n, "web") for n in range(3)] + [incident("d0", 0, "db")]
    assert by_service(documents) == [("w0", "w1", "w2")]
