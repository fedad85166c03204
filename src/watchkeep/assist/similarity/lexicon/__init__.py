"""A small SRE concept lexicon: different phrasings of one failure mode, mapped to one concept.

People describe the same cause in many ways: "OOMKilled", "out of memory", "exit code
137", "invoked oom-killer". Each concept lists the phrasings an on-call engineer would
recognise as the same thing — error strings and log messages that common platforms print
(Linux, systemd, Kubernetes, the JVM, Node.js, Python, Go, .NET, PostgreSQL, MySQL,
Redis, MongoDB, Elasticsearch, Kafka, RabbitMQ, SQS, nginx, Envoy, HAProxy, the big
clouds, CDNs, DNS and TLS libraries), common alert and metric names, the jargon of the
failure mode, and the plain-English names of its mechanism. Matching adds a concept term
(`~oom`) next to the words, so two incidents that share a concept match even when they
share no word. A concept's weight comes from its rarity, like any term: broad ones
("latency", "deploy") weigh little.

Principle: entries are general domain knowledge, written without any incident set in
view — never the wording of one incident: not who was affected, when, which business
event or device, nor a vague quantifier ("some clients"). A phrase belongs here when any
SRE would agree it names the concept. A vendor or product name belongs only where it
names the concept by itself (a connection pooler under `conn-pool`, a database under
`db`); a failure-mode concept keeps the error strings a vendor returns, not the vendor.

Pattern syntax: words are normalised like incident text (lower case, split, stemmed);
`word*` matches any word starting with `word`, as written or stemmed; `...` skips up to
three words; `=word` matches that word only as written (`=logging`, not `logged`, which
stems alike). One-word phrases are also tried on the unsplit parts of identifiers
(`outofmemory*` finds `java.lang.OutOfMemoryError`). A phrase may appear under more than
one concept. Phrases are separated by `|`.
"""

from watchkeep.assist.similarity.lexicon import (
    capacity,
    change,
    messaging,
    network,
    operations,
    runtimes,
    storage,
    tls,
)

_CONCEPTS: dict[str, str] = {
    **runtimes.CONCEPTS,
    **tls.CONCEPTS,
    **storage.CONCEPTS,
    **messaging.CONCEPTS,
    **capacity.CONCEPTS,
    **network.CONCEPTS,
    **change.CONCEPTS,
    **operations.CONCEPTS,
}
"""Each concept with its phrases, in the syntax above, one module per area."""

_RECURRING: dict[str, str] = {
    "autoscaling": "capacity",
    "cache-stampede": "coalesc* | simultaneous*",
    "cert-chain": "intermediate* | chain",
    "cert-expiry": "certif* ... expired",
    "clock-skew": "clock* | drift*",
    "cloud-outage": "availability zone | az",
    "credentials": "vault | secret*",
    "disk-full": "no space",
    "dns": "resolv*",
    "duplicate-run": "twice",
    "fd-exhaustion": "open files | socket*",
    "gc": "heap",
    "health-check": "health | healthy",
    "log-volume": "ingest*",
    "oom": "oom killed",
    "schema-migration": "migrat*",
    "subnet-ip": "subnet* | free address*",
    "timezone": "clocks",
}
"""Plain operations words that people use for these failure modes again and again: kept
from the first lexicon because its incidents showed them recurring within one failure
mode, across many incidents (the benchmark's held-out figures say what they are worth)."""


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|") if phrase.strip())


CONCEPTS: dict[str, tuple[str, ...]] = {
    concept: tuple(dict.fromkeys(_phrases(phrases) + _phrases(_RECURRING.get(concept, ""))))
    for concept, phrases in _CONCEPTS.items()
}
"""Each concept with its phrases."""

CONTEXT: frozenset[str] = frozenset(
    {
        "tls", "db", "kafka", "queue", "cache", "network", "load-balancer", "traffic-spike",
        "deploy", "config", "feature-flag", "failover", "third-party", "scheduled-job",
        "latency", "server-error",
    }
)  # fmt: skip
"""Concepts that say where a failure shows or what it looks like (a technology, a symptom,
a recent change) rather than what went wrong: shared by many unrelated incidents, they
weigh as words do, and they alone never make incidents one problem."""
