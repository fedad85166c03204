"""The Prometheus evidence source against the real Prometheus binary.

A tiny exporter in the test serves ``demo_errors_total`` for two paths; the test makes the
rate of ``/a`` jump tenfold at a moment of its choosing while ``/b`` stays flat. Prometheus
scrapes it every second, fires ``DemoErrorRate`` for ``/a`` and sends that alert, with its
generator URL, to the exporter standing in for Alertmanager. The source must find the rule's
expression either way (the URL's ``g0.expr``, or the rule of the alert's name), drop the
threshold, and see ``/a`` change at the jump and ``/b`` not change at all.
"""

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy.orm import Session
from tests.conftest import unavailable
from tests.e2e.serving import free_port

from watchkeep.assist.evidence.prometheus import (
    PrometheusError,
    PrometheusSource,
    without_threshold,
)
from watchkeep.assist.investigation.model import AlertFact, SeriesFact, Subject
from watchkeep.core.actor import Actor, Role

PROMETHEUS = shutil.which("prometheus")
RULE = "rate(demo_errors_total[5s]) > 1"
BEFORE, AFTER = 15, 12  # seconds of the low rate before the jump, of the high rate after
LOOKBACK = timedelta(seconds=8)
"""How far before the jump the source looks: not back to the first scrapes, whose rates are
low (a rate's window that begins before the series does holds fewer samples)."""
LOW, HIGH = 0.5, 5.0  # errors a second
ACTOR = Actor(user_id=0, name="test", role=Role.VIEWER)

T = TypeVar("T")


def wait_until(check: Callable[[], T | None], what: str, timeout: float = 30) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@dataclass
class Exporter:
    """Serves ``/metrics`` (counters whose rate jumps at ``jump``) and takes the alerts
    Prometheus sends to ``/api/v2/alerts``, as Alertmanager would."""

    started: float = field(default_factory=time.time)
    jump: float | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> str:
        now = time.time()
        flat = LOW * (now - self.started)
        extra = (HIGH - LOW) * max(0.0, now - self.jump) if self.jump else 0.0
        return (
            "# TYPE demo_errors_total counter\n"
            f'demo_errors_total{{path="/a"}} {flat + extra}\n'
            f'demo_errors_total{{path="/b"}} {flat}\n'
        )

    def serve(self) -> ThreadingHTTPServer:
        exporter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = exporter.metrics().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                sent = self.rfile.read(int(self.headers["Content-Length"]))
                exporter.alerts.extend(json.loads(sent))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@dataclass(frozen=True)
class Demo:
    url: str
    jump: datetime
    at: datetime
    fired: dict[str, Any]
    """The alert Prometheus sent for ``/a``."""


def prometheus_config(exporter_port: int) -> str:
    return f"""
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - api_version: v2
      static_configs:
        - targets: ["127.0.0.1:{exporter_port}"]
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: ["127.0.0.1:{exporter_port}"]
"""


RULES = f"""
groups:
  - name: demo
    rules:
      - alert: DemoErrorRate
        expr: {RULE}
        annotations:
          summary: Errors on {{{{ $labels.path }}}}
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """Prometheus with a low rate for BEFORE seconds, then ten times that for AFTER."""
    if PROMETHEUS is None:
        unavailable("the prometheus binary is not installed")
    tmp = tmp_path_factory.mktemp("prometheus")
    exporter = Exporter()
    server = exporter.serve()
    (tmp / "prometheus.yml").write_text(prometheus_config(server.server_address[1]))
    (tmp / "rules.yml").write_text(RULES)
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [
            str(PROMETHEUS),
            f"--config.file={tmp / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp / 'data'}",
            f"--web.listen-address={url.removeprefix('http://')}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _answers(f"{url}/-/ready"), "Prometheus to be ready")
        wait_until(lambda: _series_count(url) == 2, "the first scrape")
        exporter.jump = jump = time.time() + BEFORE
        fired = wait_until(
            lambda: next((a for a in exporter.alerts if a["labels"].get("path") == "/a"), None),
            "Prometheus to send the alert",
            timeout=BEFORE + 20,
        )
        wait_until(lambda: time.time() > jump + AFTER, "the high rate")
        yield Demo(
            url=url,
            jump=datetime.fromtimestamp(jump, UTC),
            at=datetime.now(UTC),
            fired=fired,
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.shutdown()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _series_count(url: str) -> int:
    answer = httpx.get(f"{url}/api/v1/query", params={"query": "demo_errors_total"}, timeout=1)
    return len(answer.json()["data"]["result"])


class Recording(httpx.BaseTransport):
    """A real transport that notes the path of every request."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return self.inner.handle_request(request)


def subject(demo: Demo, alert: AlertFact) -> Subject:
    return Subject(ref="INC-1", title="Errors", at=demo.at, impact_start=demo.jump, alerts=(alert,))


def gather(source: PrometheusSource, about: Subject) -> list[SeriesFact]:
    facts = source.gather(Session(), about, ACTOR)  # the source reads no database
    assert all(isinstance(fact, SeriesFact) for fact in facts)
    return [fact for fact in facts if isinstance(fact, SeriesFact)]


def assert_changed_at_the_jump(fact: SeriesFact, demo: Demo) -> None:
    assert fact.changed_at is not None, fact
    assert demo.jump - timedelta(seconds=1) <= fact.changed_at <= demo.jump + timedelta(seconds=6)
    assert fact.before == pytest.approx(LOW, rel=0.3)
    assert fact.after == pytest.approx(HIGH, rel=0.3)


def test_the_generator_url_of_an_alert_gives_its_series_and_when_it_jumped(demo: Demo) -> None:
    labels = demo.fired["labels"]
    alert = AlertFact(
        ref="ALR-1",
        title="Errors on /a",
        first_fired=demo.jump,
        labels=labels,
        source_url=demo.fired["generatorURL"],
    )
    transport = Recording()
    source = PrometheusSource(demo.url, transport=transport, lookback=LOOKBACK)
    [fact] = gather(source, subject(demo, alert))  # only the alert's own path
    assert fact.alert == "ALR-1" and fact.query == "rate(demo_errors_total[5s])"
    assert fact.labels == {k: labels[k] for k in ("instance", "job", "path")}
    assert_changed_at_the_jump(fact, demo)
    assert transport.paths == ["/api/v1/query_range"]  # the rules were not needed


def test_an_alert_with_only_its_name_is_looked_up_among_the_rules(demo: Demo) -> None:
    alert = AlertFact(
        ref="ALR-2",
        title="DemoErrorRate",
        first_fired=demo.jump,
        labels={"alertname": "DemoErrorRate"},
    )
    source = PrometheusSource(demo.url, lookback=LOOKBACK)
    changed, flat = gather(source, subject(demo, alert))  # both paths, the changed first
    assert changed.query == flat.query == "rate(demo_errors_total[5s])"
    assert changed.labels["path"] == "/a" and flat.labels["path"] == "/b"
    assert_changed_at_the_jump(changed, demo)
    assert flat.changed_at is None
    assert flat.before == pytest.approx(LOW, rel=0.3)
    assert flat.after == pytest.approx(LOW, rel=0.3)


def test_an_alert_without_a_url_or_a_rule_has_no_series(demo: Demo) -> None:
    alert = AlertFact("ALR-3", "Disk full", demo.jump, labels={"alertname": "DiskFull"})
    assert gather(PrometheusSource(demo.url), subject(demo, alert)) == []


def test_a_query_prometheus_refuses_raises_with_its_reason(demo: Demo) -> None:
    alert = AlertFact("ALR-4", "Bad", demo.jump, source_url=f"{demo.url}/graph?g0.expr=rate(")
    with pytest.raises(PrometheusError, match=r"400.*parse error"):
        gather(PrometheusSource(demo.url), subject(demo, alert))


NAMED = AlertFact("ALR-5", "HighLatency", datetime(2026, 3, 1, tzinfo=UTC))
NOW = datetime(2026, 3, 1, 0, 10, tzinfo=UTC)


def test_an_unreachable_prometheus_raises() -> None:
    base = f"http://127.0.0.1:{free_port()}"
    about = Subject(ref="INC-1", title="x", at=NOW, impact_start=NOW, alerts=(NAMED,))
    with pytest.raises(PrometheusError, match=r"127\.0\.0\.1"):
        PrometheusSource(base, timeout=2).gather(Session(), about, ACTOR)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(500, text="boom"), "HTTP 500"),
        (httpx.Response(503, json={"status": "error", "error": "overloaded"}), "503: overloaded"),
        (httpx.Response(200, text="<html>a proxy's page</html>"), "other than its API's JSON"),
        (httpx.Response(200, json={"status": "error", "data": {}, "error": "no"}), "error: no"),
        (
            httpx.Response(200, json={"status": "success", "data": {"groups": 3}}),
            "could not be read",
        ),
    ],
)
def test_a_failing_answer_raises_and_says_why(answer: httpx.Response, message: str) -> None:
    failing = httpx.MockTransport(lambda request: answer)
    about = Subject(ref="INC-1", title="x", at=NOW, impact_start=NOW, alerts=(NAMED,))
    with pytest.raises(PrometheusError, match=message):
        PrometheusSource("http://prom", transport=failing).gather(Session(), about, ACTOR)


@pytest.mark.parametrize(
    ("expr", "underlying"),
    [
        ("rate(x[1m]) > 0.5", "rate(x[1m])"),
        ("up == 0", "up"),
        ("up == bool 0", "up"),
        ("sum(rate(e[5m])) / sum(rate(r[5m])) >= 1e-2", "sum(rate(e[5m])) / sum(rate(r[5m]))"),
        ('rate(e{code=~"5..|>1"}[5m]) != -1', 'rate(e{code=~"5..|>1"}[5m])'),
        ("histogram_quantile(0.99, rate(b[5m])) > 0.25 * 2", None),  # not a plain number
        ("a > b", None),
        ("count(up > 0)", None),  # inside a call: part of what is counted
        ("rate(x[1m])", None),
    ],
)
def test_the_threshold_of_a_rule_is_dropped(expr: str, underlying: str | None) -> None:
    assert without_threshold(expr) == (underlying or expr)
