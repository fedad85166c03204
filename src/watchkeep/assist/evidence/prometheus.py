"""The metrics behind the incident's firing alerts, from a Prometheus HTTP API.

For each alert it finds the PromQL that fired it: the ``g0.expr`` of its generator URL
(Alertmanager passes Prometheus's link to the rule's graph), else the expression of the
alerting rule of that name. It drops the rule's threshold (``rate(x[1m]) > 0.5`` becomes
``rate(x[1m])``) so that the series is seen whole, not only while it was above the line,
fetches it from an hour before the impact began to the investigation's instant, and reports
for each series whose labels agree with the alert's when it changed sharply
(:mod:`watchkeep.assist.investigation.series`).
"""

import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy.orm import Session

from watchkeep.assist.evidence.source import DEFAULT_TIMEOUT
from watchkeep.assist.investigation.model import AlertFact, Fact, SeriesFact, Subject
from watchkeep.assist.investigation.series import change_point
from watchkeep.core.actor import Actor
from watchkeep.core.clock import ensure_utc

MAX_ALERTS = 10
MAX_SERIES = 5
"""Series reported per alert, those that changed sharply first."""
MAX_POINTS = 240
LOOKBACK = timedelta(hours=1)
"""How long before the impact began the series is fetched: the time it looked normal."""

_NUMBER = r"[-+]?(?:0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[iI]nf|NaN)"
_THRESHOLD = re.compile(rf"(?:==|!=|>=|<=|>|<)\s*(?:bool\s+)?{_NUMBER}\s*\Z")
_OPENING, _CLOSING = "([{", ")]}"


class PrometheusError(Exception):
    """Prometheus could not be asked, or its answer could not be read."""


class PrometheusSource:
    """Evidence from a Prometheus server's HTTP API at ``base_url``."""

    name = "prometheus"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        lookback: timedelta = LOOKBACK,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport
        self.lookback = lookback

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        """A :class:`SeriesFact` per series behind each of the first alerts; the session
        and the actor play no part (the alerts in ``subject`` are already the visible ones)."""
        end = ensure_utc(subject.at)
        start = min(ensure_utc(subject.impact_start), end) - self.lookback
        facts: list[Fact] = []
        with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
            rules: dict[str, str] | None = None
            for alert in subject.alerts[:MAX_ALERTS]:
                expr = generator_expr(alert.source_url)
                if expr is None:
                    if rules is None:
                        rules = self._rules(client)
                    expr = rules.get(alert.name)
                if expr is None:
                    continue
                query = without_threshold(expr)
                series = self._query_range(client, query, start, end)
                facts.extend(_series_facts(alert, query, series))
        return facts

    def _rules(self, client: httpx.Client) -> dict[str, str]:
        """The expression of each alerting rule, by the rule's name (the first of a name)."""
        data = self._get(client, "/api/v1/rules", {"type": "alert"})
        found: dict[str, str] = {}
        try:
            for group in data["groups"]:
                for rule in group["rules"]:
                    if rule.get("type") == "alerting":
                        found.setdefault(str(rule["name"]), str(rule["query"]))
        except (KeyError, TypeError, AttributeError) as exc:
            raise PrometheusError(f"Prometheus's rules could not be read: {exc!r}") from exc
        return found

    def _query_range(
        self, client: httpx.Client, query: str, start: datetime, end: datetime
    ) -> list[tuple[dict[str, str], list[tuple[datetime, float]]]]:
        """Each series of ``query`` over [start, end] in at most MAX_POINTS points."""
        span = (end - start).total_seconds()
        step = max(1, math.ceil(span / (MAX_POINTS - 1)))
        params = {
            "query": query,
            "start": f"{start.timestamp():.3f}",
            "end": f"{end.timestamp():.3f}",
            "step": str(step),
        }
        data = self._get(client, "/api/v1/query_range", params)
        try:
            return [
                (
                    {str(k): str(v) for k, v in item["metric"].items()},
                    list(_finite_points(item["values"])),
                )
                for item in data["result"]
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PrometheusError(
                f"Prometheus's series of {query!r} could not be read: {exc!r}"
            ) from exc

    def _get(self, client: httpx.Client, path: str, params: Mapping[str, str]) -> Any:
        """The ``data`` of a successful answer of the API; any failure raises."""
        url = self.base_url + path
        try:
            response = client.get(url, params=params)
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise PrometheusError(
                f"Prometheus at {self.base_url} did not answer: {reason}"
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        detail = body.get("error") if isinstance(body, dict) else None
        asked = f"Prometheus at {self.base_url} answered {path}"
        if response.is_error:
            reason = f": {detail}" if detail else ""
            raise PrometheusError(f"{asked} with HTTP {response.status_code}{reason}")
        if not isinstance(body, dict) or "data" not in body:
            raise PrometheusError(f"{asked} with something other than its API's JSON")
        if body.get("status") != "success":
            raise PrometheusError(f"{asked} with an error: {detail}")
        return body["data"]


def generator_expr(source_url: str | None) -> str | None:
    """The PromQL in a Prometheus generator URL's ``g0.expr``, decoded; None if none."""
    if not source_url:
        return None
    values = parse_qs(urlsplit(source_url).query).get("g0.expr")
    return values[0] if values and values[0].strip() else None


def without_threshold(expr: str) -> str:
    """``expr`` without a trailing comparison with a number at its top level (an alerting
    rule's threshold: ``rate(x[1m]) > 0.5``, ``up == bool 0``); otherwise ``expr``."""
    for index in _top_level(expr):
        if _THRESHOLD.match(expr, index):
            return expr[:index].strip()
    return expr.strip()


def _top_level(expr: str) -> Iterator[int]:
    """The indexes of ``expr`` outside brackets and quotes (``{code=~"5.."}`` has none)."""
    depth, quote, escaped = 0, "", False
    for index, char in enumerate(expr):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote != "`":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
        elif depth == 0:
            yield index


def _finite_points(values: Any) -> Iterator[tuple[datetime, float]]:
    """Prometheus's ``[unix seconds, "value"]`` pairs as instants and numbers, without the
    NaN and infinite values (a division by zero, an empty histogram)."""
    for stamp, text in values:
        value = float(text)
        if math.isfinite(value):
            yield datetime.fromtimestamp(float(stamp), UTC), value


def _series_facts(
    alert: AlertFact,
    query: str,
    series: list[tuple[dict[str, str], list[tuple[datetime, float]]]],
) -> list[SeriesFact]:
    """A fact for each series whose labels agree with the alert's on the names they share,
    those that changed sharply first, at most MAX_SERIES."""
    facts: list[SeriesFact] = []
    for labels, points in sorted(series, key=lambda item: sorted(item[0].items())):
        if any(alert.labels.get(name, value) != value for name, value in labels.items()):
            continue
        shift = change_point(points)
        facts.append(
            SeriesFact(
                alert=alert.ref,
                query=query,
                labels=labels,
                changed_at=shift.at,
                before=shift.before,
                after=shift.after,
            )
        )
    facts.sort(key=lambda fact: fact.changed_at is None)
    return facts[:MAX_SERIES]
