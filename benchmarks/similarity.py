"""Similar-incident benchmark: retrieval quality and problem candidates on the dev set.

The figures printed first are held out (`two_fold` of the evaluation module): the lexicon's
phrases and the settings are chosen on one half of the dev set, stratified by family, and
measured on the other, both ways. The in-sample figures over the whole set follow, for
comparison only: the lexicon was written with the whole set in view.

Quality is measured by the protocol of `watchkeep.assist.similarity.evaluation` (from
../shared/data/README.md: each incident in turn is the query as it looks while live, the
candidates are all the others, a hit is a candidate of the same family). Reports recall@5,
MRR (first hit within the top 100) and precision@5 for the default method, for the hybrid
method when the `ml` extra is installed, what responders' links are worth held out
(`with_feedback`), and three sanity checks against tuning to the dev
set's wording: each half of a split by family indexed on its own, the method without its
concept lexicon, and hand-written paraphrased incidents (new wording, known family) searched
against the dev set. `synthetic` recombines and perturbs the dev set into as many incidents
as a scale test needs; latency at scale, as the product runs (the stored index, over HTTP),
is `benchmarks.similarity_scale`'s.

    .venv/bin/python -m benchmarks.similarity [--no-ml]
"""

import argparse
import importlib.util
import json
import random
from collections.abc import Sequence
from dataclasses import replace
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
    catalog,
    evaluate,
    load,
    measure,
    two_fold,
    with_feedback,
)

DEV_SET = shared_path(*INCIDENTS_DEV)

# Written independently of the lexicon and of the development set, after the lexicon was
# frozen, two per family; one incident per paragraph: family | service | title | summary.
_PARAPHRASES = """
autoscaling-lag | checkout-web | Checkout 502s for ~12 min right after the 09:00 promo email |
Traffic went 4x in about two minutes when the marketing blast went out. New pods sat in Pending
while nodes were being provisioned and the HPA only reached target replicas around 09:12; ALB served
502s in the meantime.

autoscaling-lag | video-transcode-worker | transcode backlog exploding after launch stream | SQS
depth for transcode-jobs 2k -> 180k in 10 min. ECS desired count creeping up one task at a time,
CloudWatch scaling alarm only fired after 5 min. Users stuck on "processing" for over an hour.

bad-config-or-feature-flag | search-api | Search returns zero results for a chunk of users | Roughly
30% of sessions get empty result pages on every query, the rest are fine. Started 14:02, which
matches an entry in the LaunchDarkly audit log for the new_ranker rollout. Affected users all share
the same flag variation.

bad-config-or-feature-flag | notification-gateway | Android push sends dropped to zero | FCM sends
flatlined at 11:40 UTC, iOS/APNs unaffected. Consul KV for notification-gateway was edited at 11:38.
Service logs `unknown provider "fcm_v2"` on every send attempt.

bad-deploy-code-bug | orders-svc | 500s on POST /orders as v2.41.0 canary promoted | Error rate 0.1%
-> 18% in step with the rollout. Traces show java.lang.NullPointerException at OrderMapper.toEntity,
only for orders with no second address line. Rolling back in Argo CD.

bad-deploy-code-bug | profile-service | Hey all, support is getting tickets that people see someone
else's avatar | About 40 tickets in the last half hour saying profile pictures and display names are
wrong. First one came in ~15 min after the afternoon Node release (build 8812). Can't reproduce on
staging yet.

cache-stampede | catalog-api | Postgres CPU pegged at the top of every hour | At :00 catalog-api
latency goes to 8s and pg_stat_activity shows hundreds of the same category-tree SELECT. Memcached
hit rate falls from 97% to almost nothing for ~90 seconds, then everything recovers on its own.

cache-stampede | pricing-service | MySQL meltdown right after Redis restart | redis-pricing was
restarted for patching at 02:10. Immediately every pricing-service pod started hitting MySQL for
full price lists, threads_running peaked at 900, API timeouts for about 6 minutes until things
settled.

cdn-misconfiguration | storefront | Customers seeing another shopper's cart | Multiple reports of
the cart page showing a stranger's name and items, www only, the mobile app is fine. Fastly hit
ratio on /cart went from 0% to ~60% at 10:15. Purged /cart, still digging.

cdn-misconfiguration | static-assets | Blank page for EU visitors, JS bundles 404 at the edge |
Console shows 404 for /assets/app.*.js. Origin has the files and serves them when hit directly.
Requests through Cloudflare FRA and AMS get the 404, US POPs fine. Some page rules were edited this
morning.

cert-chain-incomplete | partner-api | Some partners failing TLS: unable to get local issuer
certificate | Since the cert was renewed yesterday, two partners on Java 8 and one calling with curl
from an old CentOS box fail the handshake. Browsers and our synthetic checks are green. openssl
s_client only returns the leaf cert, depth 0.

cert-chain-incomplete | mobile-gateway | Android login broken on older devices |
SSLHandshakeException: Trust anchor for certification path not found. Android 7 and a few Samsung
models only; iOS and web are fine. SSL Labs grades api host with "Chain issues: Incomplete".

clock-skew-ntp | auth-service | Intermittent JWT rejects: token used before issued | ~5% of logins
fail with iat in the future. Every failure was signed on one of three hosts in rack B; `date` on
those boxes reads 47s ahead of the others and chronyc sources shows nothing reachable.

clock-skew-ntp | ledger-writer | Reconciliation flagging out-of-order ledger events | 312
transactions have created_at earlier than their parent authorization. All written by ledger-writer
pods on node pool np-2. Cassandra on those writes logs warnings about timestamps in the future;
last-write-wins picking the wrong values.

cloud-az-degradation | shipping-api | Errors and latency from us-east-1b only | Everything in
use1-az4 is slow: EBS write latency 300ms+, some instances failing system status checks, cross-AZ
calls fine. AWS Health dashboard: "investigating increased error rates". Draining that AZ from the
ALB.

cloud-az-degradation | analytics-ingest | AKS nodes in West Europe zone 2 going NotReady | 14 of 40
nodes in zone 2 flipped NotReady in five minutes. Pods rescheduling into zones 1 and 3 but we're
running out of headroom there. Managed disks in zone 2 timing out on attach. Azure status shows an
advisory for the region.

cron-job-overlap | billing-batch | Customers invoiced twice for March | Support flagged duplicate
invoices, about 1,800 accounts. On the batch VM there were two generate_invoices processes running
at 02:00, one started last night and one from tonight's schedule. Payments team pausing collection.

cron-job-overlap | report-exporter | Reporting replica at 100% IO, weekly exports stuck | There are
6 report-exporter CronJob pods running at the same time in the reports namespace, oldest started
Saturday. Postgres replica IO saturated and every export timing out, which makes the next run start
late too.

db-connection-pool-exhaustion | accounts-api | HikariPool-1 - Connection is not available, request
timed out after 30000ms | accounts-api throwing SQLTransientConnectionException on most requests
since 16:20. The database looks bored (CPU 12%), active connections pinned at pool max of 20 per pod
and thread dumps show everything parked in getConnection.

db-connection-pool-exhaustion | ride-matching | Requests hanging, too many clients already |
pgbouncer SHOW POOLS shows cl_waiting 400+. Postgres logs FATAL: sorry, too many clients already.
Python matching workers stuck for 30s+, riders not getting matched with drivers.

db-deadlock | inventory-svc | ERROR 1213 (40001): Deadlock found when trying to get lock | Spiking
on the reserve-stock endpoint during the flash sale, ~200/min. LATEST DETECTED DEADLOCK in InnoDB
status involves stock_levels and reservations rows. Some orders fail, a retry usually works.

db-deadlock | wallet-service | P2P transfers failing with 40P01 | .NET wallet-service logging
Npgsql.PostgresException 40P01: deadlock detected; Process 8812 waits for ShareLock on transaction.
Seems to hit when two users send each other money at nearly the same moment. ~1% of transfers.

disk-full | es-logging | Elasticsearch red, no new logs since 03:40 | Kibana empty after 03:40. Node
logs: flood stage disk watermark [95%] exceeded, indices marked read-only-allow-delete. 3 of 5 data
nodes at 96-99% used.

disk-full | orders-mysql | Checkout 500s, MySQL Errcode: 28 | Error writing file
'/var/lib/mysql/ib_tmp' (Errcode: 28 - No space left on device). df: /var/lib/mysql 100%. binlog
directory alone is 410G. Writes failing on the primary, reads still ok.

dns-resolution-failure | email-sender | getaddrinfo EAI_AGAIN on outbound and internal calls | Node
email-sender intermittently failing with getaddrinfo EAI_AGAIN for the SMTP relay and ENOTFOUND for
internal services too. CoreDNS pods show i/o timeouts to upstream and high latency. About 20% of
sends failing.

dns-resolution-failure | payments-api | UnknownHostException for database hosts in new VPC | Java
services in the new VPC can't resolve orders-db.internal.corp; nslookup from a pod returns SERVFAIL.
Already-open connections fine, new ones fail. Route 53 Resolver rules were touched this morning.

expired-credentials | data-sync | S3 uploads failing: ExpiredToken | Nomad jobs in the on-prem DC
failing since exactly 00:00 with "The provided token has expired" from S3. No deploys since Tuesday.
Jobs running inside AWS with instance roles are unaffected.

expired-credentials | crm-connector | Salesforce sync dead, 401 on everything | Sidekiq
crm-connector jobs get 401 INVALID_SESSION_ID. Token refresh returns invalid_grant "expired
access/refresh token". No leads synced for 6 hours and sales is asking.

fd-exhaustion | websocket-hub | websocket-hub: accept4: too many open files | Go service logging
"http: Accept error: accept tcp [::]:8443: accept4: too many open files; retrying in 1s". New
clients can't connect, existing sessions stay up. Open fd count for the process sits at 65536.

fd-exhaustion | image-proxy | image-proxy throwing IOException under normal load |
java.io.IOException: Too many open files from the JVM. lsof shows thousands of sockets in CLOSE_WAIT
to the S3 endpoint and the number keeps rising steadily since yesterday's restart.

gc-pauses | recommendation-svc | Periodic 3-5s stalls on recommendation-svc | JVM with 28G heap; GC
log shows G1 Full GC (Allocation Failure) pauses of 3-5 seconds every few minutes. During each stall
the LB marks the instance unhealthy briefly and p99 jumps to 4s.

gc-pauses | quote-engine | Quote engine instances freeze for 2-3s at a time | All request threads
stop at once, then resume. dotnet-counters shows gen 2 collection count spiking and % time in GC up
around 60%. Upstream callers hit their 1s timeout during the freezes.

kafka-consumer-lag | fraud-scorer | Fraud decisions delayed, lag over 2M | Lag for group
fraud-scorer on payments.authorized climbing since 13:00, now 2.3M messages (~40 min behind).
Consumers are running but the group rebalances every few minutes. Orders piling up in pending
review.

kafka-consumer-lag | search-indexer | Merchants: price changes take an hour to show in search |
Burrow has search-indexer in WARN/STALL on product-events partitions 3, 7 and 11. Indexer throughput
is ~200 msg/s versus the usual 5k. No errors in the indexer logs.

lb-health-check-misconfig | user-api | ALB 503 for user-api, all targets unhealthy | Target group
shows every target unhealthy: "Health checks failed with these codes: [404]". Pods are Running,
readiness is fine, and curl to a pod IP returns 200 on real endpoints. Ingress annotations changed
in this morning's Helm upgrade.

lb-health-check-misconfig | legacy-portal | HAProxy backends flapping, users randomly logged out |
Stats page shows legacy-portal servers going DOWN then UP roughly every 30 seconds. Check hits
/status, which takes ~2s under load. Users bounce between servers and lose their sessions.

memory-leak-oom | pdf-renderer | pdf-renderer OOMKilled about every 6 hours | Last State:
Terminated, Reason: OOMKilled, exit code 137. Memory climbs steadily from 300Mi to the 2Gi limit
between restarts, regardless of load. In-flight renders lost each time. Began after last week's
release.

memory-leak-oom | session-store-api | gunicorn workers killed by kernel | dmesg: Out of memory:
Killed process 2231 (gunicorn). RSS per worker grows about 50MB/hour even overnight with little
traffic. nginx returns 502 whenever a worker dies.

missing-index-slow-query | support-desk | Ticket search taking 20+ seconds | Slow query log full of
SELECT ... FROM tickets WHERE customer_email = ? ORDER BY created_at DESC. EXPLAIN shows type ALL
over 14M rows, DB CPU 90%. Started once the "search by email" box went live.

missing-index-slow-query | loyalty-points | Points lookup p95 went from 40ms to 6s | MongoDB
profiler shows COLLSCAN on loyalty.transactions for find by memberId and status, docsExamined ~8M
per query. Primary CPU high, getting worse as the collection grows.

noisy-neighbour-cpu-throttling | geo-lookup | geo-lookup p99 800ms while CPU looks low | Pods only
use ~40% of their CPU request but container_cpu_cfs_throttled_periods_total is climbing fast. Same
nodes are running a batch job pegging all cores. Moving pods to other nodes helps for a while.

noisy-neighbour-cpu-throttling | ticketing-web | Azure VMs sluggish, steal time 30-45% | top on
ticketing-web VMs shows %st 30-45. Response times doubled with no change in our traffic and no
deploys. Support case open; host reported as healthy.

payment-provider-outage | checkout-api | ~70% of card payments failing with api_error | Since 18:05
charges are failing with api_error and HTTP 500 from Stripe. Their status page says elevated error
rates. PayPal transactions unaffected. Deciding whether to switch on the fallback processor.

payment-provider-outage | subscriptions | Adyen authorisations timing out in EU | Renewal charges
time out after 30s against the Adyen EU endpoint. Our services healthy, retry queue growing.
Merchants in NL report failures at their checkout too. Ticket opened with Adyen.

queue-poison-message | order-events-consumer | RabbitMQ queue order.created not draining | 45k ready
and growing. Consumer pods in CrashLoopBackOff; each crash log ends with a JsonParseException at the
same delivery tag. The message gets requeued and the next consumer dies on it.

queue-poison-message | thumbnail-worker | SQS worker stuck on the same message for 3h | Same
MessageId failing with "cannot decode image: unexpected EOF" every 30s.
ApproximateAgeOfOldestMessage keeps rising and everything behind it is crawling. No DLQ/redrive
policy on the queue.

runaway-log-volume | api-gateway | Log ingestion at 40x normal, bill alert fired | Datadog volume
from api-gateway jumped to ~2TB/day. Nearly every line is the same WARN "retrying upstream
connection" with a full stack trace, once per request. Fluent Bit buffers backing up on the nodes.

runaway-log-volume | cart-service | Kubelet evicting pods: low on ephemeral-storage | "The node was
low on resource: ephemeral-storage." /var/log/containers on those nodes grows by GBs per hour,
mostly cart-service stdout at DEBUG since the 11:00 rollout.

schema-migration-lock | accounts-db | Logins and signups hanging during deploy | Deploy ran a
migration on users (40M rows). pg_stat_activity shows the ALTER TABLE holding AccessExclusiveLock
with hundreds of queries waiting behind it. Everything touching users times out.

schema-migration-lock | cms-backend | Editors can't save, Waiting for table metadata lock | SHOW
PROCESSLIST full of "Waiting for table metadata lock" on articles. A Rails migration started 20 min
ago is still in progress. Reads on articles now piling up too.

split-brain | redis-sessions | Both Redis nodes report role:master | After a 40s partition between
racks at 04:12, INFO replication on redis-a and redis-b both say role:master. Half the app servers
write to each. Some users see stale carts, others lost their session.

split-brain | orders-pg | patronictl shows two leaders, duplicate key errors | etcd lost quorum
briefly at 22:31. Since then pg-node-1 and pg-node-2 both accept writes; order IDs colliding and
duplicate key value violates unique constraint when comparing. App connections split between the
two.

subnet-ip-exhaustion | batch-scheduler | EKS pods stuck ContainerCreating | aws-node: failed to
assign an IP address to container. New nodes join but pods never get an IP. Console shows 0
available IPv4 addresses on the private subnets for the batch node group.

subnet-ip-exhaustion | lambda-etl | Nightly ETL stalled, Lambda ENI errors | VPC Lambdas erroring:
Lambda was not able to create an ENI in the VPC, insufficient free IP addresses in subnet. Load jobs
retrying and failing; downstream dashboards stale.

timezone-dst-bug | scheduling-api | Appointments showing an hour late since Sunday | Since the
clocks changed in Europe on Sunday, the app shows appointment times one hour later than booked; the
web portal shows correct times. Reminder SMS also sent an hour late.

timezone-dst-bug | usage-aggregator | Daily usage totals wrong for one day | Usage report for 2
November shows 25 hours of data for US accounts and overbilled them; the March one had 23. Only
accounts with a US local timezone set.

tls-certificate-expiry | public-api | NET::ERR_CERT_DATE_INVALID on the public API | All clients
failing TLS since 00:00 UTC, cert notAfter is yesterday. cert-manager Certificate shows Ready=False,
last successful renewal attempt long ago.

tls-certificate-expiry | inventory-grpc | mTLS between services failing everywhere at 09:00 | Envoy
sidecars logging TLSV1_ALERT_CERTIFICATE_EXPIRED on calls from orders to inventory; callers get
"upstream connect error or disconnect/reset before headers". Started at exactly 09:00 across all
clusters.

upstream-rate-limiting | geocoding-proxy | Address autocomplete failing with OVER_QUERY_LIMIT |
About half of Google Maps API calls return status OVER_QUERY_LIMIT. Our traffic is up ~20% from a
campaign. Checkout blocked where address validation is required.

upstream-rate-limiting | github-sync | GitHub API 403s, customer repos not syncing | Workers getting
403 "API rate limit exceeded for installation" plus secondary rate limit errors.
X-RateLimit-Remaining 0 until reset. Repos 45 min stale.
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


def ml_embedder() -> Embedder | None:
    """The MiniLM embedder when the `ml` extra is installed."""
    if not all(importlib.util.find_spec(n) for n in ("numpy", "tokenizers", "all_minilm_l6_v2")):
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
    with_model = two_fold(records, choose=lambda _, settings: replace(settings, embedder=memo))
    return {
        "hybrid_held_out": with_model["held_out"],
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
        "responders_feedback_held_out": with_feedback(records),
    }
    embedder = None if args.no_ml else ml_embedder()
    report["ml"] = None if embedder is None else ml_report(records, embedder)
    report["problem_candidates"] = candidates_report(records)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
