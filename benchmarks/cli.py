"""CLI start-up benchmark: the wall time of a ``watchkeep`` command, as a terminal sees it.

Each command runs as a fresh process (the ``watchkeep`` script of this interpreter), 1 warm-up
then ``--runs`` timed runs, interleaved with ``python -c pass`` so that the interpreter's own
start-up is measured under the same conditions:

1. ``help``: ``watchkeep --help``;
2. ``schedule_render``: ``watchkeep schedule render`` of spec S1 of
   ../shared/bench/schedule_specs.json over its window (the tables a person reads);
3. ``incident_list``: ``watchkeep incident list --json`` on a SQLite database that the
   benchmark migrates and fills with a few incidents through the CLI, in a temporary folder.

Prints JSON: median and p95 wall time per command, the ``python -c pass`` baseline, each
command's median minus the baseline and its ratio to it, the targets and whether each is met.
Also the median CPU time (user + system) of each process and the load average before and
after: on a busy machine wall time grows with the queue for the CPUs, CPU time far less.

    .venv/bin/python -m benchmarks.cli [--runs 10]
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.shared import SCHEDULE_SPECS, require

TARGETS_MS = {"help": 250, "schedule_render": 350, "incident_list": 1_000}
INCIDENTS = 5
BASELINE = [sys.executable, "-c", "pass"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def stats(ms: list[float], cpu_ms: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(ms), 1),
        "p95": round(percentile(ms, 0.95), 1),
        "cpu_median": round(statistics.median(cpu_ms), 1),
        "runs": len(ms),
    }


def children_cpu_ms() -> float:
    """User + system CPU time of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def watchkeep() -> list[str]:
    """The installed ``watchkeep`` script beside this interpreter, else ``python -m``."""
    script = Path(sys.executable).with_name("watchkeep")
    return [str(script)] if script.exists() else [sys.executable, "-m", "watchkeep"]


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU milliseconds from start to exit, and standard output; a failure stops the
    benchmark."""
    cpu = children_cpu_ms()
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-500:]}")
    return elapsed, children_cpu_ms() - cpu, done.stdout


def local_env(database_url: str) -> dict[str, str]:
    """This environment on ``database_url``, without a server, token or actor from the shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEP_")}
    shared = os.environ.get("WATCHKEEP_SHARED_DIR")
    if shared:
        env["WATCHKEEP_SHARED_DIR"] = shared
    env["WATCHKEEP_DATABASE_URL"] = database_url
    return env


def seed(env: dict[str, str]) -> None:
    """Migrate, add the admin who acts locally, declare a handful of incidents."""
    cli = watchkeep()
    run([*cli, "migrate"], env)
    run([*cli, "user", "create", "ada@example.com", "--name", "Ada", "--role", "admin"], env)
    for n in range(INCIDENTS):
        run([*cli, "incident", "declare", f"Bench incident {n}", "--severity", "SEV2"], env)


def spec_file(workdir: Path) -> tuple[Path, list[str]]:
    """S1 written to its own file (``render`` reads an entry of the specs file), its window."""
    case = next(
        case
        for case in json.loads(require(*SCHEDULE_SPECS).read_text())["specs"]
        if case["id"] == "S1"
    )
    path = workdir / "s1.json"
    path.write_text(json.dumps(case))
    return path, ["--from", case["window"]["start"], "--to", case["window"]["end"]]


def commands(workdir: Path) -> dict[str, list[str]]:
    cli = watchkeep()
    spec, window = spec_file(workdir)
    return {
        "help": [*cli, "--help"],
        "schedule_render": [*cli, "schedule", "render", "--spec", str(spec), *window],
        "incident_list": [*cli, "incident", "list", "--json"],
    }


def check(name: str, stdout: str) -> None:
    """The warm-up run's output is what the command should print, so the timing is real."""
    if name == "help" and "schedule" not in stdout:
        raise RuntimeError("--help does not list the commands")
    if name == "schedule_render" and "final schedule" not in stdout:
        raise RuntimeError("schedule render printed no final schedule")
    if name == "incident_list" and len(json.loads(stdout)["items"]) != INCIDENTS:
        raise RuntimeError(f"incident list --json did not list the {INCIDENTS} incidents")


Times = dict[str, tuple[list[float], list[float]]]


def measure(argvs: dict[str, list[str]], env: dict[str, str], runs: int) -> Times:
    """Wall and CPU milliseconds per run of each command and of the baseline, round-robin."""
    for name, argv in argvs.items():
        check(name, run(argv, env)[2])
    run(BASELINE, env)
    times: Times = {name: ([], []) for name in ["baseline", *argvs]}
    for _ in range(runs):
        for name, argv in [("baseline", BASELINE), *argvs.items()]:
            wall, cpu, _ = run(argv, env)
            times[name][0].append(wall)
            times[name][1].append(cpu)
    return times


def report(times: Times) -> dict[str, Any]:
    baseline = stats(*times["baseline"])
    rows: dict[str, Any] = {}
    for name, target in TARGETS_MS.items():
        row = stats(*times[name])
        rows[name] = {
            **row,
            "minus_baseline": round(row["median"] - baseline["median"], 1),
            "ratio_to_baseline": round(row["median"] / baseline["median"], 1),
            "target_median": target,
            "meets_target": row["median"] <= target,
        }
    return {"baseline_python_c_pass": baseline, "commands": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wk-cli-bench-") as tmp:
        workdir = Path(tmp)
        env = local_env(f"sqlite:///{workdir / 'cli.db'}")
        print("seeding the database ...", file=sys.stderr, flush=True)
        seed(env)
        print("timing ...", file=sys.stderr, flush=True)
        load_before = os.getloadavg()[0]
        times = measure(commands(workdir), env, args.runs)
        load_after = os.getloadavg()[0]
    result = report(times)
    output = {
        "benchmark": "cli",
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "command": watchkeep(),
        "runs": args.runs,
        "warm_up_runs": 1,
        "load_average_1min": {"before": round(load_before, 2), "after": round(load_after, 2)},
        "units": "ms per process, start to exit (median, p95: wall time; cpu_median: CPU)",
        **result,
        "all_met": all(row["meets_target"] for row in result["commands"].values()),
    }
    print(json.dumps(output, indent=2))


if __name__ == "__main__":
    main()
