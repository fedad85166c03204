"""On-call engine benchmark: the engine against two baselines on the shared specs.

For every spec in ../shared/bench/schedule_specs.json, in one run, times

1. ``engine``: ``watchkeep.oncall.render`` (spec already parsed);
2. ``naive``: steps every turn from the anchor and tests every minute of every turn
   against the working intervals, then sweeps (benchmarks/schedule_impls/naive.py);
3. ``ical``: RRULE VEVENTs per user slot expanded by ``recurring_ical_events``, then the
   same sweep (benchmarks/schedule_impls/ical.py; encoding is done once, untimed);

checks that all three give the same final entries, and times "who is on call now" on P3.
Prints JSON: median and p95 per implementation and spec, speedups (baseline time / engine
time), µs per output entry, each spec's final entry count, and the targets.

    .venv/bin/python -m benchmarks.schedules [--quick] [--specs P1,P2]
"""

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from benchmarks.schedule_impls import ical, naive
from benchmarks.shared import SCHEDULE_SPECS, require, shared_path
from watchkeep.oncall import Schedule, oncall_at, parse_instant, parse_schedule, render
from watchkeep.oncall.engine.localtime import instant_seconds

SPECS = shared_path(*SCHEDULE_SPECS)
TARGETS = {
    "engine_vs_naive_on_P1": 1_000,
    "engine_vs_ical_on_P2": 50,
    "engine_vs_ical_on_P3": 50,
    "render_median_ms": 20,
    "point_query_median_us": 100,
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(work: Callable[[], object], runs: int) -> tuple[list[float], object]:
    """Seconds per run, and the first run's result."""
    times, first = [], None
    for run in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
        if run == 0:
            first = result
    return times, first


def stats(times: list[float], scale: float = 1e3) -> dict[str, float]:
    return {
        "median": round(statistics.median(times) * scale, 4),
        "p95": round(percentile(times, 0.95) * scale, 4),
        "runs": len(times),
    }


def engine_segments(schedule: Schedule, lo: datetime, hi: datetime) -> list:
    return [
        (instant_seconds(e.start), instant_seconds(e.end), e.users)
        for e in render(schedule, lo, hi).final
    ]


def bench_spec(case: dict[str, Any], runs: dict[str, int]) -> dict[str, Any]:
    schedule = parse_schedule(case["spec"])
    lo = parse_instant(case["window"]["start"], "window.start")
    hi = parse_instant(case["window"]["end"], "window.end")
    expected = engine_segments(schedule, lo, hi)  # also warms the engine up
    engine_times, _ = timed(lambda: render(schedule, lo, hi), runs["engine"])
    engine_ms = stats(engine_times)
    row: dict[str, Any] = {
        "id": case["id"],
        "window_days": round((hi - lo) / timedelta(days=1), 1),
        "final_entries": len(expected),
        "expected_final_entries": case["expected_final_entries"],
        "count_ok": len(expected) == case["expected_final_entries"],
        "engine_ms": engine_ms,
        "engine_us_per_entry": round(engine_ms["median"] * 1e3 / max(len(expected), 1), 3),
    }
    naive_times, naive_final = timed(lambda: naive.render_final(schedule, lo, hi), runs["naive"])
    row["naive_ms"] = stats(naive_times)
    row["naive_agrees"] = naive_final == expected
    row["speedup_vs_naive"] = round(row["naive_ms"]["median"] / engine_ms["median"], 1)
    try:
        encoded = ical.encode(schedule)
    except ical.NotExpressible as exc:
        row["ical"] = f"not expressible: {exc}"
        return row
    ical_times, ical_final = timed(lambda: ical.render_final(encoded, lo, hi), runs["ical"])
    row["ical_ms"] = stats(ical_times)
    row["ical_agrees"] = ical_final == expected
    row["speedup_vs_ical"] = round(row["ical_ms"]["median"] / engine_ms["median"], 1)
    return row


def bench_point_query(case: dict[str, Any], runs: dict[str, int]) -> dict[str, Any]:
    """ "Who is on call now" on one spec, at instants spread over its window."""
    schedule = parse_schedule(case["spec"])
    lo = parse_instant(case["window"]["start"], "window.start")
    moments = [lo + timedelta(minutes=37 * i) for i in range(200)]
    engine_times = []
    for _ in range(runs["point"]):
        for moment in moments:
            started = time.perf_counter()
            oncall_at(schedule, moment)
            engine_times.append(time.perf_counter() - started)
    sample = moments[:: max(len(moments) // 5, 1)]
    encoded = ical.encode(schedule)
    naive_times, naive_users = timed(lambda: [naive.oncall_at(schedule, m) for m in sample], 1)
    ical_times, ical_users = timed(lambda: [ical.oncall_at(encoded, m) for m in sample], 1)
    engine_users = [oncall_at(schedule, m) for m in sample]
    return {
        "id": case["id"],
        "engine_us": stats(engine_times, 1e6),
        "naive_us": round(naive_times[0] / len(sample) * 1e6, 1),
        "ical_us": round(ical_times[0] / len(sample) * 1e6, 1),
        "agree": engine_users == naive_users == ical_users,
    }


def verdicts(rows: list[dict[str, Any]], point: dict[str, Any]) -> dict[str, Any]:
    by_id = {row["id"]: row for row in rows}
    checks: dict[str, Any] = {}
    if "P1" in by_id:
        checks["engine_vs_naive_on_P1"] = by_id["P1"]["speedup_vs_naive"]
    for spec_id in ("P2", "P3"):
        if "speedup_vs_ical" in by_id.get(spec_id, {}):
            checks[f"engine_vs_ical_on_{spec_id}"] = by_id[spec_id]["speedup_vs_ical"]
    checks["render_median_ms"] = max(row["engine_ms"]["median"] for row in rows)
    if point:
        checks["point_query_median_us"] = point["engine_us"]["median"]
    met = {
        name: (value <= TARGETS[name] if name.endswith(("_ms", "_us")) else value >= TARGETS[name])
        for name, value in checks.items()
    }
    return {
        "targets": TARGETS,
        "measured": checks,
        "met": met,
        "all_met": all(met.values()),
        "all_counts_ok": all(row["count_ok"] for row in rows),
        "all_agree": all(row["naive_agrees"] and row.get("ical_agrees", True) for row in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--specs", help="comma-separated spec ids (default: all)")
    args = parser.parse_args()
    runs = (
        {"engine": 5, "naive": 1, "ical": 1, "point": 2}
        if args.quick
        else {"engine": 15, "naive": 3, "ical": 3, "point": 10}
    )
    cases = json.loads(require(*SCHEDULE_SPECS).read_text())["specs"]
    if args.specs:
        wanted = set(args.specs.split(","))
        cases = [case for case in cases if case["id"] in wanted]
    rows = []
    for case in cases:
        print(f"benchmarking {case['id']} ...", file=sys.stderr, flush=True)
        rows.append(bench_spec(case, runs))
    p3 = next((case for case in cases if case["id"] == "P3"), None)
    point = bench_point_query(p3, runs) if p3 else {}
    report = {
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "processor": platform.machine(),
        },
        "runs": runs,
        "units": "ms for renders, µs for point queries and per entry",
        "specs": rows,
        "point_query": point,
        "summary": verdicts(rows, point),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
