"""Problem candidates: grouping alike incidents, and the evidence given for each group."""

import itertools
from datetime import UTC, datetime, timedelta, timezone

from tests.shared_data import INCIDENTS_DEV, shared_file

from watchkeep.assist.similarity import Document
from watchkeep.assist.similarity.cluster import (
    average_link,
    cluster,
    recent,
    similarities,
    time_pattern,
)
from watchkeep.assist.similarity.evaluation import as_document, load

MONDAY = datetime(2026, 3, 2, 3, 15, tzinfo=UTC)


def incident(id: str, title: str, summary: str, days: float, **fields: object) -> Document:
    return Document(
        id=id,
        title=title,
        summary=summary,
        created_at=MONDAY + timedelta(days=days),
        **fields,  # type: ignore[arg-type]
    )


OOM = [
    incident(
        f"oom-{n}",
        "recommendations pods OOMKilled",
        "Pods restart with exit code 137; memory climbs to the limit.",
        days=7 * n,
        services=("recommendations",),
        alert_names=("ContainerOOMKilled",),
    )
    for n in range(4)
]
CERT = [
    incident(
        "cert-1",
        "api certificate has expired",
        "x509 errors for all clients",
        days=1.5,
        services=("api-gateway",),
    ),
    incident(
        "cert-2",
        "TLS handshake failures: certificate expired",
        "cert-manager renewal failed",
        days=30.5,
        services=("api-gateway",),
    ),
    incident(
        "cert-3",
        "partners see expired certificate on the API",
        "x509: certificate has expired or is not yet valid",
        days=60.5,
        services=("webhooks",),
    ),
]
LONERS = [
    incident("dns", "no such host for the ledger database", "NXDOMAIN from CoreDNS", days=3),
    incident("disk", "No space left on device on the reporting host", "disk full", days=4),
]


def groups_of(found: list[object]) -> list[set[object]]:
    return [set(c.ids) for c in found]  # type: ignore[attr-defined]


def test_alike_incidents_group_and_unrelated_ones_stay_apart() -> None:
    found = cluster(OOM + CERT + LONERS, min_size=3)
    assert groups_of(found) == [{d.id for d in OOM}, {d.id for d in CERT}]


def test_a_window_holding_only_the_recurring_fault_still_groups_it() -> None:
    # Rarity is measured within the window: shared words must still count.
    assert groups_of(cluster(OOM)) == [{d.id for d in OOM}]
    assert groups_of(cluster(CERT)) == [{d.id for d in CERT}]


def test_groups_below_the_minimum_size_are_not_candidates() -> None:
    assert groups_of(cluster(OOM + CERT + LONERS, min_size=4)) == [{d.id for d in OOM}]
    assert cluster(LONERS, min_size=2) == []


def test_a_high_threshold_keeps_everything_apart() -> None:
    assert cluster(OOM + CERT, threshold=0.99, min_size=2) == []


def test_evidence_names_shared_services_alerts_terms_and_concepts() -> None:
    oom = cluster(OOM + CERT + LONERS)[0]
    assert oom.ids == tuple(d.id for d in OOM)  # oldest first
    assert oom.services == (("recommendations", 4),)
    assert oom.alert_names == (("ContainerOOMKilled", 4),)
    assert "oomkilled" in oom.terms
    assert "oom" in oom.concepts
    assert 0 < oom.cohesion <= 1
    cert = cluster(OOM + CERT + LONERS)[1]
    assert cert.services == (("api-gateway", 2),)
    assert "cert-expiry" in cert.concepts


def test_evidence_reads_the_same_whatever_order_the_incidents_come_in() -> None:
    spelled = [
        incident("a", "Kafka consumers stuck", "consumer lag growing", days=0),
        incident("b", "Kafka consumer lag", "consumer group stuck", days=7),
        incident("c", "consumer lag on kafka", "consumer group stuck again", days=14),
    ]
    terms = {cluster(list(order))[0].terms for order in itertools.permutations(spelled)}
    [shown] = terms
    assert "consumer" in shown  # the most used spelling, not the first one seen
    assert "consumers" not in shown


def test_the_time_pattern_of_a_group() -> None:
    pattern = cluster(OOM + CERT + LONERS)[0].time_pattern
    assert pattern.first_seen == MONDAY and pattern.last_seen == MONDAY + timedelta(days=21)
    assert pattern.count == 4
    assert pattern.median_interval == timedelta(days=7)
    assert (pattern.busiest_hour, pattern.hour_share) == (3, 1.0)
    assert (pattern.busiest_weekday, pattern.weekday_share) == ("mon", 1.0)


def test_time_pattern_in_another_time_zone_and_when_undated() -> None:
    moments = [MONDAY, MONDAY + timedelta(hours=1), MONDAY + timedelta(days=2)]
    pattern = time_pattern(moments, tz=timezone(timedelta(hours=-5)))
    assert (pattern.busiest_hour, pattern.hour_share) == (22, 0.667)
    assert pattern.busiest_weekday == "sun"
    assert pattern.median_interval == (timedelta(hours=1) + timedelta(hours=47)) / 2
    assert time_pattern([]).count == 0 and time_pattern([]).first_seen is None


def test_recent_keeps_the_window_before_now() -> None:
    now = MONDAY + timedelta(days=30)
    kept = recent(
        OOM + CERT + [Document(id="undated", title="x")], now=now, window=timedelta(days=10)
    )
    assert [d.id for d in kept] == ["oom-3"]


def test_average_link_does_not_chain() -> None:
    # a-b and b-c are close, a-c unrelated: single link would chain all three together.
    pairs = {(0, 1): 0.9, (1, 2): 0.8}
    assert sorted(map(sorted, average_link(3, pairs, threshold=0.5))) == [[0, 1], [2]]
    assert sorted(map(sorted, average_link(3, pairs, threshold=0.4))) == [[0, 1, 2]]


def test_similarities_are_symmetric_and_bounded() -> None:
    documents = OOM[:2] + CERT[:2]
    pairs = similarities(documents)
    assert all(a < b for a, b in pairs)
    assert all(0 < value <= 1 for value in pairs.values())
    assert pairs[0, 1] > pairs.get((0, 2), 0.0)


def test_on_the_dev_set_most_grouped_pairs_share_a_root_cause_family() -> None:
    records = load(shared_file(*INCIDENTS_DEV))
    found = cluster([as_document(r) for r in records])
    family = {r["id"]: r["family"] for r in records}
    pairs = [pair for c in found for pair in itertools.combinations(c.ids, 2)]
    same = sum(family[str(a)] == family[str(b)] for a, b in pairs)
    assert len(found) >= 10
    assert same / len(pairs) >= 0.7


def test_what_people_said_of_a_pair_outranks_the_text() -> None:
    documents = OOM + CERT + LONERS
    assert groups_of(cluster(documents)) == [{d.id for d in OOM}, {d.id for d in CERT}]
    # Not similar: a member of the OOM group to each of the others leaves it.
    apart = {frozenset(("oom-0", other.id)): 0.0 for other in OOM[1:]}
    assert {d.id for d in OOM[1:]} in groups_of(cluster(documents, verdicts=apart))
    # The same cause: the loners join up with a third incident they are said to share.
    together = {
        frozenset(("dns", "disk")): 1.0,
        frozenset(("dns", "cert-1")): 1.0,
        frozenset(("disk", "cert-1")): 1.0,
    }
    found = groups_of(cluster(LONERS + CERT[:1], verdicts=together))
    assert found == [{"dns", "disk", "cert-1"}]
    # Pairs outside the documents are ignored.
    assert groups_of(cluster(OOM, verdicts={frozenset(("x", "y")): 0.0})) == [{d.id for d in OOM}]


def test_a_dismissed_proposal_counts_half_as_alike() -> None:
    pairs = similarities(CERT)
    weakest = min(pairs.values())
    dismissed = {frozenset((a.id, b.id)): None for a, b in itertools.combinations(CERT, 2)}
    # The group held at a threshold just under its weakest link, and no more once dismissed.
    assert groups_of(cluster(CERT, threshold=weakest * 0.9)) == [{d.id for d in CERT}]
    assert cluster(CERT, threshold=weakest * 0.9, verdicts=dismissed) == []
