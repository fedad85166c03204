"""``watchkeep serve --workers N``: N server processes on one port, under one supervisor."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tests.e2e.serving import free_port


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_serve_with_two_workers_runs_two_server_processes(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WATCHKEEP_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "WATCHKEEP_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "watchkeep"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*command, "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        ready: list[int] = []
        while time.monotonic() < deadline:
            try:
                ready.append(httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code)
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            if len(ready) >= 20:
                break
        assert ready[-20:] == [200] * 20
        servers = [
            pid
            for pid in children(server.pid)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        assert len(servers) == 2, children(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
