"""What each sender's payload says, in one shape: pure parsers with the senders' own rules.

Every parser takes the decoded JSON body and returns plain values (:class:`Signal` for an
alert event, :class:`Change` for a change event), or raises :class:`PayloadError` listing
everything that is wrong, in words that say what to fix. Nothing here touches the database;
``now`` is never needed (instants missing from a payload are filled in by the caller).

Senders and their documented formats:

- Prometheus Alertmanager's webhook, payload version 4 (``alertmanager``): one signal per
  entry of ``alerts``, keyed by its ``fingerprint``; each alert's own ``status`` decides
  trigger or resolve.
- PagerDuty Events API v2 (``pagerduty_event``, ``pagerduty_change``): ``/v2/enqueue`` and
  ``/v2/change/enqueue``.
- Grafana alerting's webhook contact point (``grafana``): Alertmanager's shape plus
  Grafana's fields.
- The generic HTTP source (``generic``): ``status``, ``title``, ``dedup_key``,
  ``description``, ``labels``, ``source_url``.
- GitHub's webhooks (``github``): merged pull requests, deployments, deployment outcomes
  and pushes to the default branch become a :class:`Change`; anything else is
  :class:`Ignored`. ``signature_matches`` checks ``X-Hub-Signature-256``.
"""

from watchkeep.alert.normalize.alertmanager import alertmanager, grafana
from watchkeep.alert.normalize.generic import GENERIC_FIELDS, generic
from watchkeep.alert.normalize.github import GITHUB_EVENTS, github, signature_matches
from watchkeep.alert.normalize.pagerduty import pagerduty_change, pagerduty_event
from watchkeep.alert.normalize.shapes import (
    SEVERITIES,
    Action,
    Change,
    Ignored,
    Link,
    PayloadError,
    Severity,
    Signal,
    severity_of,
)
from watchkeep.alert.normalize.words import check_storable

__all__ = [
    "GENERIC_FIELDS",
    "GITHUB_EVENTS",
    "SEVERITIES",
    "Action",
    "Change",
    "Ignored",
    "Link",
    "PayloadError",
    "Severity",
    "Signal",
    "alertmanager",
    "check_storable",
    "generic",
    "github",
    "grafana",
    "pagerduty_change",
    "pagerduty_event",
    "severity_of",
    "signature_matches",
]
