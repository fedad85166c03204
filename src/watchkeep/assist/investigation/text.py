"""What a text says about failures and what it names: the lexicon's concepts and the
identifiers (a flag's name, a host, a version) two texts share."""

import re
from collections.abc import Iterable
from functools import cache

from watchkeep.assist.similarity.analysis import Analyzer, is_concept
from watchkeep.assist.similarity.concepts import CONCEPT_PREFIX
from watchkeep.assist.similarity.lexicon import CONTEXT

GENERIC = CONTEXT
"""Concepts that say where a failure shows or what it looks like (a technology, a symptom, a
recent change) rather than what went wrong: sharing them ties nothing together."""

CAPACITY = frozenset(
    {
        "traffic-spike", "cpu-saturation", "cpu-throttling", "autoscaling",
        "kubernetes-capacity", "thread-pool", "conn-pool", "io-saturation", "disk-full",
        "fd-exhaustion", "port-exhaustion", "conntrack-full", "ddos", "hot-partition",
        "consumer-lag", "queue", "rate-limit", "quota-exceeded", "memory-leak", "oom",
        "slow-query", "lock-contention",
    }
)  # fmt: skip
"""Concepts that say the load is more than the capacity: traffic, saturation, exhaustion."""

VENDOR_TROUBLE = frozenset(
    {
        "third-party", "payment-provider", "latency", "server-error", "network", "dns",
        "tls", "conn-refused", "conn-reset", "rate-limit", "quota-exceeded", "cloud-outage",
        "packet-loss", "cdn", "circuit-breaker",
    }
)  # fmt: skip
"""Concepts that a failing provider shows as: timeouts, errors, refusals, limits."""

TROUBLE_WORDS = re.compile(
    r"\b(time[ds]?[ -]?outs?|timing out|unavailable|unreachable|5\d\d|errors?|fail\w*|"
    r"refused|degraded|outage|down)\b",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"[A-Za-z0-9]+(?:[._/:-][A-Za-z0-9]+)+")
_COMMON_PARTS = frozenset({"http", "https", "www", "com", "io", "net", "org", "api"})


@cache
def analyzer() -> Analyzer:
    """The similarity lexicon's analyzer, built once per process (it takes a moment)."""
    return Analyzer()


def concepts(text: str) -> frozenset[str]:
    """The lexicon concepts ``text`` names (``oom``, ``conn-pool``), without their prefix."""
    if not text:
        return frozenset()
    terms = analyzer().terms(text)
    return frozenset(t[len(CONCEPT_PREFIX) :] for t in terms if is_concept(t))


def telling(found: Iterable[str]) -> frozenset[str]:
    """The concepts that say what went wrong, not merely that something did."""
    return frozenset(found) - GENERIC


PLAIN = frozenset(
    """
    error failur fail high rate latenc latency request servic timeout deploi updat chang config
    version enabl disabl releas rollout increas decreas alert warn critic problem issu slow
    respons return faster better improv support fix bump merg build pipelin product environ
    cluster region server client user custom traffic secur default
    """.split()  # noqa: SIM905 (a list of 49 words reads better as words)
)
"""Stemmed words that changes and alerts share without speaking of the same thing."""
MIN_WORD = 5


def words_of(text: str, names: Iterable[str]) -> frozenset[str]:
    """The telling words of ``text`` (stemmed; not the catalog's ``names``, not `PLAIN` ones,
    not short ones)."""
    terms = analyzer().terms(text, services=tuple(names))
    return frozenset(
        t
        for t in terms
        if not is_concept(t) and len(t) >= MIN_WORD and t.isalpha() and t not in PLAIN
    )


def identifiers(text: str) -> frozenset[str]:
    """Compound names in ``text`` (``new-checkout-flow``, ``redis.conf``, ``v2.14.0``), in
    lower case: when a change and an alert both carry one, they speak of the same thing."""
    return frozenset(
        m.group(0).lower()
        for m in _IDENTIFIER.finditer(text)
        if not all(part.lower() in _COMMON_PARTS for part in re.split(r"[._/:-]", m.group(0)))
    )


def mentions(text: str, names: Iterable[str]) -> str | None:
    """The first of ``names`` that ``text`` mentions as a word or as part of a host or an
    identifier (``stripe`` in ``api.stripe.com``), case aside."""
    lowered = text.lower()
    for name in names:
        word = name.strip().lower()
        if len(word) < 3:
            continue
        if re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", lowered):
            return name
    return None


def troubled(text: str) -> bool:
    """Whether ``text`` reports trouble in plain words: errors, timeouts, refusals."""
    return TROUBLE_WORDS.search(text) is not None
