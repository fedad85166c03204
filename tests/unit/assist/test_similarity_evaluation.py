"""The evaluation protocol that the benchmark reports and the dev-set tests check."""

import json
from datetime import UTC, datetime
from pathlib import Path

from watchkeep.assist.similarity import Document, Match, Query, Reasons
from watchkeep.assist.similarity.evaluation import (
    as_document,
    as_query,
    evaluate,
    load,
    measure,
)

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
