"""End to end with the real Prometheus Alertmanager binary and a real SMTP server.

Alertmanager sends a firing group to Watchkeep's webhook and, through a ``pagerduty_configs``
receiver, to ``/v2/enqueue``. The person on call on a real schedule gets an e-mail; nobody
acknowledges, so level 2 is paged when its time runs out (the worker's clock is moved on a
minute); the e-mail's signed link acknowledges and stops the escalation; Alertmanager's
resolved notification resolves the alerts.
"""

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import unavailable
from tests.e2e.serving import free_port, serve
from tests.e2e.smtp import Mailbox, smtp_server, text_of

from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


class MovableClock:
    """The worker's clock: real time plus an offset the test moves on."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset


def alertmanager_config(base: str, webhook_key: str, pagerduty_key: str) -> str:
    return f"""
route:
  receiver: watchkeep
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: watchkeep
    webhook_configs:
      - url: {base}/ingest/alertmanager/{webhook_key}
        send_resolved: true
    pagerduty_configs:
      - routing_key: {pagerduty_key}
        url: {base}/v2/enqueue
        send_resolved: true
        severity: critical
"""


@pytest.fixture
def alertmanager_binary() -> str:
    if ALERTMANAGER is None:
        unavailable("the prometheus-alertmanager binary is not installed")
    return str(ALERTMANAGER)


def start_alertmanager(binary: str, config: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    (tmp / "am.yml").write_text(config)
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={tmp / 'am.yml'}",
            f"--storage.path={tmp / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail("Alertmanager did not become ready")


def wait_until(check: Any, what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def mail() -> Iterator[tuple[int, Mailbox]]:
    with smtp_server() as server:
        yield server


def test_alertmanager_to_e_mail_escalation_acknowledge_and_resolve(
    tmp_path: Path, alertmanager_binary: str, mail: tuple[int, Mailbox]
) -> None:
    smtp_port, mailbox = mail
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'watchkeep.db'}",
        demo_data=False,
        base_url=base,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
    )
    db = Database(settings.database_url)
    prepare(db)
    with db.session() as session:
        now = utcnow()
        admin = auth.create_user(
            session, actor=None, now=now, email="ada@example.com", name="Ada", role="admin"
        )
        oncall = auth.create_user(
            session, actor=None, now=now, email="oncall@example.com", name="Olga Oncall"
        )
        second = auth.create_user(
            session, actor=None, now=now, email="second@example.com", name="Sam Second"
        )
        _, token = auth.create_token(
            session, actor=auth.actor_of(admin), now=now, user_id=admin.id, name="e2e"
        )
    headers = {"Authorization": f"Bearer {token}"}
    clock = MovableClock()
    am: subprocess.Popen[bytes] | None = None
    try:
        with (
            serve(settings, db, port=port, clock=clock),
            httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=10) as api,
        ):
            schedule = api.post(
                "/schedules",
                json={
                    "name": "Primary",
                    "timezone": "UTC",
                    "layers": [
                        {
                            "users": [oncall.id],
                            "anchor": "2026-01-01T00:00:00",
                            "handovers": [{"interval": 1, "unit": "weekly"}],
                        }
                    ],
                },
            )
            assert schedule.status_code == 201, schedule.text
            policy = api.post(
                "/escalation-policies",
                json={
                    "name": "Platform",
                    "levels": [
                        {
                            "minutes": 1,
                            "targets": [{"type": "schedule", "id": schedule.json()["id"]}],
                        },
                        {"minutes": 5, "targets": [{"type": "user", "id": second.id}]},
                    ],
                },
            ).json()
            webhook = api.post(
                "/alert-sources",
                json={
                    "name": "prometheus",
                    "kind": "alertmanager",
                    "escalation_policy_id": policy["id"],
                },
            ).json()
            pagerduty = api.post(
                "/alert-sources", json={"name": "prometheus-pd", "kind": "pagerduty"}
            ).json()
            am, am_url = start_alertmanager(
                alertmanager_binary,
                alertmanager_config(base, webhook["integration_key"], pagerduty["integration_key"]),
                tmp_path,
            )
            fired = {
                "labels": {"alertname": "DiskFull", "instance": "db-1", "severity": "critical"},
                "annotations": {"summary": "Disk full on db-1", "description": "99% used"},
                "generatorURL": "http://prometheus.example/graph",
            }
            assert httpx.post(f"{am_url}/api/v2/alerts", json=[fired]).status_code == 200

            def alerts_of(source: dict[str, Any]) -> list[dict[str, Any]]:
                items = api.get("/alerts", params={"source_id": source["id"]}).json()["items"]
                return list(items)

            [alert] = wait_until(lambda: alerts_of(webhook), "the webhook alert")
            assert alert["title"] == "Disk full on db-1" and alert["severity"] == "critical"
            assert alert["labels"]["instance"] == "db-1"
            [pd_alert] = wait_until(lambda: alerts_of(pagerduty), "the PagerDuty alert")
            assert pd_alert["status"] == "firing" and pd_alert["severity"] == "critical"

            [first] = mailbox.wait_for("oncall@example.com")
            assert "DiskFull" in text_of(first) or "Disk full on db-1" in str(first["Subject"])
            assert mailbox.to("second@example.com") == []

            clock.offset = timedelta(minutes=1, seconds=5)  # level 1's minute has passed
            [escalated] = mailbox.wait_for("second@example.com")
            link = re.search(r"Acknowledge: (\S+)", text_of(escalated))
            assert link is not None and link.group(1).startswith(f"{base}/ack/")

            shown = httpx.get(link.group(1))
            assert shown.status_code == 200 and "Acknowledge" in shown.text
            assert api.get(f"/alerts/{alert['id']}").json()["status"] == "firing"  # GET acts not
            done = httpx.post(link.group(1))
            assert done.status_code == 200 and "paging has stopped" in done.text
            acknowledged = api.get(f"/alerts/{alert['id']}").json()
            assert acknowledged["status"] == "acknowledged"
            assert acknowledged["acknowledged_by"]["name"] == "Sam Second"
            run = api.get(f"/alerts/{alert['id']}/escalation").json()
            assert run["state"] == "acknowledged"
            assert [p["user"] for p in run["pages"]] == ["Olga Oncall", "Sam Second"]

            clock.offset = timedelta(minutes=10)  # long past level 2: nobody more is paged
            time.sleep(1.0)
            assert len(mailbox.to("second@example.com")) == 1
            assert len(mailbox.to("oncall@example.com")) == 1

            resolved = {**fired, "endsAt": datetime.now(UTC).isoformat()}
            assert httpx.post(f"{am_url}/api/v2/alerts", json=[resolved]).status_code == 200
            wait_until(
                lambda: api.get(f"/alerts/{alert['id']}").json()["status"] == "resolved",
                "the resolved notification",
            )
            wait_until(
                lambda: api.get(f"/alerts/{pd_alert['id']}").json()["status"] == "resolved",
                "the PagerDuty resolve",
            )
    finally:
        if am is not None:
            am.terminate()
            am.wait(timeout=10)
        db.dispose()
