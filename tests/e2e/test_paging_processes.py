"""Paging across real processes on one PostgreSQL: ``watchkeep worker`` and ``watchkeep serve``
as users run them, a real SMTP server in the test.

- A worker killed with SIGKILL while it is sending a page: the job is claimed again when its
  lease ends, and the person gets the e-mail once.
- Two server processes and two workers, 2,000 alerts sent over HTTP by concurrent clients
  (Alertmanager and PagerDuty payloads): every accepted alert is stored, paged once and
  e-mailed once; none is lost and none is duplicated.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from tests.e2e.jobs_support import dedicated_engine
from tests.e2e.serving import free_port
from tests.e2e.smtp import Mailbox, smtp_server

from watchkeep.alert import ingest, sources
from watchkeep.alert.models import Alert, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.auth import service as auth
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.escalation import policies
from watchkeep.escalation.models import Page
from watchkeep.notify.models import SENDING, SENT, DeliveryAttempt, Notification

ROOT = Path(__file__).resolve().parents[2]
ALERTS = 2_000
LEASE_SECONDS = 3


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = dedicated_engine("postgresql", tmp_path, "paging")
    yield engine
    engine.dispose()


@pytest.fixture
def mail() -> Iterator[tuple[int, Mailbox]]:
    with smtp_server() as server:
        yield server


def environment(url: str, smtp_port: int, base_url: str = "http://127.0.0.1:1") -> dict[str, str]:
    return {
        **os.environ,
        "WATCHKEEP_DATABASE_URL": url,
        "WATCHKEEP_SMTP_HOST": "127.0.0.1",
        "WATCHKEEP_SMTP_PORT": str(smtp_port),
        "WATCHKEEP_BASE_URL": base_url,
        "WATCHKEEP_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "WATCHKEEP_JOB_POLL_SECONDS": "0.2",
        "WATCHKEEP_LOG_LEVEL": "warning",
        "WATCHKEEP_SHIFT_NOTICE_MINUTES": "0",
    }


def start(env: dict[str, str], log: Path, *command: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "watchkeep", *command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(check: Any, what: str, timeout: float, logs: Path) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    shown = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in logs.glob("*.log"))
    pytest.fail(f"timed out waiting for {what}\n{shown}")


def paged_source(db: Database, *emails: str) -> tuple[AlertSource, list[int]]:
    """A source whose policy pages these new people at its one level."""
    with db.session() as session:
        now = utcnow()
        admin = auth.create_user(
            session, actor=None, now=now, email="admin@example.com", name="Admin", role="admin"
        )
        people = [
            auth.create_user(session, actor=None, now=now, email=email, name=email.split("@")[0])
            for email in emails
        ]
        actor = auth.actor_of(admin)
        policy = policies.create(
            session,
            actor=actor,
            now=now,
            name="Everyone",
            levels=[{"minutes": 30, "targets": [{"type": "user", "id": p.id} for p in people]}],
        )
        source = sources.create(
            session,
            actor=actor,
            now=now,
            name="prometheus",
            kind="alertmanager",
            escalation_policy_id=policy.id,
        )
        return source, [p.id for p in people]


def test_a_worker_killed_mid_page_sends_the_page_once(
    engine: Engine, mail: tuple[int, Mailbox], tmp_path: Path
) -> None:
    smtp_port, mailbox = mail
    db = Database(engine.url.render_as_string(hide_password=False), engine=engine)
    source, _ = paged_source(db, "olga@example.com")
    env = environment(db.url, smtp_port)
    mailbox.hold.set()  # the mail server stalls every sender before the message
    first = start(env, tmp_path / "first.log", "worker")
    second: subprocess.Popen[bytes] | None = None
    try:
        with db.session() as session:
            signal_ = Signal(action="trigger", dedup_key="disk", title="Disk full")
            ingest.accept(
                session, source=source, format="generic", body={}, signals=[signal_], now=utcnow()
            )

        def sending() -> bool:
            with db.session(write=False) as session:
                state = session.scalar(select(Notification.state))
                return state == SENDING

        wait_until(sending, "the worker to start sending", 30, tmp_path)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        mailbox.hold.clear()
        second = start(env, tmp_path / "second.log", "worker")
        [message] = mailbox.wait_for("olga@example.com", timeout=30 + LEASE_SECONDS)
        time.sleep(LEASE_SECONDS + 1)  # long enough for any further claim of the job
        assert len(mailbox.to("olga@example.com")) == 1
        assert "Disk full" in str(message["Subject"])
        with db.session(write=False) as session:
            notification = session.scalars(select(Notification)).one()
            assert (notification.state, notification.attempts) == (SENT, 2)
            log = session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.number))
            assert [a.status for a in log] == ["unknown", "sent"]
            assert session.scalar(select(func.count()).select_from(Page)) == 1
    finally:
        stop(first, *([second] if second else []))


def _alertmanager(key_index: int) -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="Load{key_index}"}}',
        "status": "firing",
        "receiver": "watchkeep",
        "groupLabels": {"alertname": f"Load{key_index}"},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": f"Load{key_index}", "instance": f"host-{key_index}"},
                "annotations": {"summary": f"Load high on host-{key_index}"},
                "startsAt": "2026-12-01T10:00:00.123456789Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example/graph",
                "fingerprint": f"fp{key_index:06d}",
            }
        ],
    }


def _pagerduty(key: str, index: int) -> dict[str, Any]:
    return {
        "routing_key": key,
        "event_action": "trigger",
        "dedup_key": f"pd{index:06d}",
        "payload": {"summary": f"Queue backlog {index}", "source": "queue", "severity": "error"},
    }


def test_two_servers_and_two_workers_lose_and_duplicate_no_page(
    engine: Engine, mail: tuple[int, Mailbox], tmp_path: Path
) -> None:
    smtp_port, mailbox = mail
    db = Database(engine.url.render_as_string(hide_password=False), engine=engine)
    source, _ = paged_source(db, "pat@example.com")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(db.url, smtp_port, base)
    servers = start(env, tmp_path / "serve.log", "serve", "--port", str(port), "--workers", "2")
    workers = [start(env, tmp_path / f"worker{n}.log", "worker") for n in (1, 2)]
    try:
        wait_until(lambda: _ready(f"{base}/readyz"), "the servers to answer", 60, tmp_path)
        key = source.integration_key

        def send(index: int) -> int:
            with httpx.Client(base_url=base, timeout=30) as client:
                for _attempt in range(5):
                    if index % 2:
                        response = client.post("/v2/enqueue", json=_pagerduty(key, index))
                    else:
                        response = client.post(
                            f"/ingest/alertmanager/{key}", json=_alertmanager(index)
                        )
                    if response.status_code not in (429, 503):
                        return response.status_code
                    time.sleep(1)
                return response.status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            codes = list(pool.map(send, range(ALERTS)))
        assert codes.count(202) == ALERTS, sorted(set(codes))

        def all_sent() -> bool:
            with db.session(write=False) as session:
                sent = session.scalar(
                    select(func.count()).select_from(Notification).where(Notification.state == SENT)
                )
                return sent == ALERTS

        wait_until(all_sent, f"{ALERTS} e-mails", 600, tmp_path)
        time.sleep(LEASE_SECONDS + 1)
        with db.session(write=False) as session:
            assert session.scalar(select(func.count()).select_from(Alert)) == ALERTS
            assert session.scalar(select(func.count()).select_from(Page)) == ALERTS
            assert session.scalar(select(func.count()).select_from(Notification)) == ALERTS
        messages = mailbox.to("pat@example.com")
        ids = {str(m["Message-ID"]) for m in messages}
        assert len(messages) == ALERTS and len(ids) == ALERTS
    finally:
        stop(servers, *workers)


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
