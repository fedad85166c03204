"""The evaluation protocol that the benchmark reports and the dev-set tests check."""

import json
from datetime import UTC, datetime
from pathlib import Path

from watchkeep.assist.similarity import Document, Match, Query, Reasons
from watchkeep.assist.similarity.evaluation import (
    Settings,
    as_document,
    as_query,
    evaluate,
    halves,
    load,
    measure,
    phrase_use,
    restricted,
    tune,
    two_fold,
)
from watchkeep.assist.similarity.signals import Weights

LAG = {
    "id": "INC-1",
    "family": "kafka-consumer-lag",
    "title": "Orders consumer group stuck",
    "summary": "Kafka lag growing on the orders topic",
    "service": "orders",
    "alert_labels": {"alertname": "KafkaConsumerLag", "topic": "orders"},
    "root_cause": "A rebalance loop after a deploy",
    "created_at": "2025-01-09T02:24:00Z",
}


def record(id: str, family: str, title: str, service: str) -> dict[str, object]:
    return {"id": id, "family": family, "title": title, "service": service,
            "created_at": "2025-02-01T10:00:00Z"}  # fmt: skip


class Ranked:
    """An index that answers every query with the same ranking."""

    def __init__(self, *ids: str) -> None:
        self.ids = ids

    def search(self, query: Query, k: int, exclude_ids: set[str]) -> list[Match]:
        kept = [i for i in self.ids if i not in exclude_ids][:k]
        return [Match(id=i, score=1.0, reasons=Reasons()) for i in kept]


def test_a_record_as_a_past_incident_has_every_field_but_its_family() -> None:
    document = as_document(LAG)
    assert document == Document(
        id="INC-1",
        title="Orders consumer group stuck",
        summary="Kafka lag growing on the orders topic",
        root_cause="A rebalance loop after a deploy",
        services=("orders",),
        labels={"alertname": "KafkaConsumerLag", "topic": "orders"},
        created_at=datetime(2025, 1, 9, 2, 24, tzinfo=UTC),
    )


def test_a_record_as_a_live_incident_has_no_root_cause() -> None:
    assert as_query(LAG) == Query(
        title="Orders consumer group stuck",
        summary="Kafka lag growing on the orders topic",
        services=("orders",),
        labels={"alertname": "KafkaConsumerLag", "topic": "orders"},
    )
    assert as_query(record("INC-2", "f", "Disk full", "db")).labels == {}


def test_load_reads_json_lines_and_skips_blank_ones(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(LAG) + "\n\n" + json.dumps(record("INC-2", "f", "x", "y")) + "\n")
    assert [r["id"] for r in load(path)] == ["INC-1", "INC-2"]


def test_recall_mrr_and_precision_count_the_first_hit_and_the_top_five() -> None:
    family = {"a1": "a", "a2": "a", "b1": "b", "b2": "b", "b3": "b"}
    cases = [
        (Query(title="q"), "a", set()),  # hits at ranks 2 and 3
        (Query(title="q"), "c", set()),  # no hit at all
    ]
    result = measure(Ranked("b1", "a1", "a2", "b2", "b3"), cases, family)  # type: ignore[arg-type]
    assert result == {"recall_at_5": 0.5, "mrr": 0.25, "precision_at_5": 0.2, "queries": 2}


def test_a_query_never_finds_itself() -> None:
    family = {"a1": "a", "a2": "a"}
    result = measure(Ranked("a1", "a2"), [(Query(title="q"), "a", {"a1"})], family)  # type: ignore[arg-type]
    assert result["mrr"] == 1.0


def test_leave_one_out_over_two_families_finds_each_twin_first() -> None:
    records = [
        record("a1", "lag", "Kafka consumer lag on orders", "orders"),
        record("a2", "lag", "Orders kafka consumer group lagging", "orders"),
        record("b1", "cert", "TLS certificate expired on the gateway", "gateway"),
        record("b2", "cert", "Gateway certificate expiry broke TLS", "gateway"),
    ]
    result = evaluate(records)
    assert result == {"recall_at_5": 1.0, "mrr": 1.0, "precision_at_5": 0.2, "queries": 4}


def families(count: int, size: int) -> list[dict[str, object]]:
    return [
        record(f"{family}-{n}", f"f{family}", f"title {family} {n}", "svc")
        for family in range(count)
        for n in range(size)
    ]


def test_halves_split_every_family_between_them() -> None:
    records = families(6, 5)
    first, second = halves(records)
    assert {r["id"] for r in first} | {r["id"] for r in second} == {r["id"] for r in records}
    assert not {r["id"] for r in first} & {r["id"] for r in second}
    assert abs(len(first) - len(second)) <= 1  # the odd ones out alternate
    for family in {r["family"] for r in records}:
        counts = sorted(sum(r["family"] == family for r in half) for half in (first, second))
        assert counts == [2, 3]
    assert halves(records) == halves(records)  # the same split every run
    assert halves(records, seed=8) != halves(records)


def test_a_phrase_only_unseen_incidents_use_is_left_out() -> None:
    records = [
        record("a1", "oom", "pods OOMKilled again", "web"),
        record("a2", "oom", "heap exhausted in web", "web"),
        record("b1", "disk", "no space left on device", "db"),
    ]
    lexicon = {"oom": ("oomkill*", "heap exhausted", "exit code 137"), "disk": ("no space left",)}
    use = phrase_use(records, lexicon)
    assert use == {
        "oom|oomkill*": {"a1"},
        "oom|heap exhausted": {"a2"},
        "oom|exit code 137": set(),
        "disk|no space left": {"b1"},
    }
    # Read a1 only: its phrase stays, and so does the one no incident uses (general
    # knowledge); those only a2 and b1 use could not have been written from a1.
    assert restricted(lexicon, use, {"a1"}) == {"oom": ("oomkill*", "exit code 137")}


def test_two_fold_measures_each_half_with_what_the_other_chose() -> None:
    records = [
        record("a1", "lag", "Kafka consumer lag on orders", "orders"),
        record("a2", "lag", "Orders kafka consumer group lagging", "orders"),
        record("a3", "lag", "Kafka consumers behind on orders", "orders"),
        record("a4", "lag", "orders consumer lag", "orders"),
        record("b1", "cert", "TLS certificate expired on the gateway", "gateway"),
        record("b2", "cert", "Gateway certificate expiry broke TLS", "gateway"),
        record("b3", "cert", "certificate expired", "gateway"),
        record("b4", "cert", "expired TLS certificate", "gateway"),
    ]
    seen: list[set[str]] = []

    def choose(tuning: object, start: Settings) -> Settings:
        seen.append({r["id"] for r in tuning})  # type: ignore[attr-defined]
        return start

    result = two_fold(records, choose=choose)
    first, second = halves(records)
    assert seen == [{r["id"] for r in first}, {r["id"] for r in second}]
    assert [fold["held_out_half"]["queries"] for fold in result["folds"]] == [4, 4]
    assert result["held_out"]["recall_at_5"] == 1.0


def test_tuning_moves_a_setting_only_for_a_gain() -> None:
    records = [
        record("a1", "lag", "Kafka consumer lag on orders", "orders"),
        record("a2", "lag", "consumer lag", "payments"),
        record("b1", "cert", "certificate expired on orders", "orders"),
        record("b2", "cert", "certificate expired", "web"),
    ]
    # A service weight cannot change who ranks first here: tuning keeps the default.
    chosen = tune(records, grid={"service": (0.0, 0.15, 0.9)})
    assert chosen.weights == Weights()
