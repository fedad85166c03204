"""Investigation benchmark: does the assistant name the true cause, and does it refrain when
nothing explains the impact?

Each scenario in tests/data/investigations/ (format: docs/investigations.md) is loaded
through ``watchkeep import`` into a fresh SQLite database, then ``watchkeep investigate
<incident> --at <instant> --json`` runs on it, both as separate commands, as a user would
run them. Reports top-1 and top-3 accuracy over all scenarios, the over-claim rate on the
no-evidence ones (a strong hypothesis where there should be none), how often a decoy change
is ranked first, how often a true cause is found but called weak, per shape, and the time
per investigation (the command's wall time, and the investigation's own from the sources'
timings). The figures to quote are the held-out half's (`tuning`).

    .venv/bin/python -m benchmarks.investigate [--scenarios DIR] [--verbose]
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "data" / "investigations"
WATCHKEEP = str(Path(sys.executable).with_name("watchkeep"))


def _run(args: list[str], database: Path) -> tuple[str, float]:
    env = {**os.environ, "WATCHKEEP_DATABASE_URL": f"sqlite:///{database}"}
    env.pop("WATCHKEEP_URL", None)
    started = time.perf_counter()
    done = subprocess.run(
        [WATCHKEEP, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"watchkeep {' '.join(args)}: {done.stderr.strip() or done.stdout}")
    return done.stdout, took


def references(database: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Incident refs of the file → INC-n, known-error titles (lower case) → KE-n."""
    with sqlite3.connect(database) as db:
        incidents = {
            ref: f"INC-{n}"
            for ref, n in db.execute(
                "SELECT external_ref, number FROM incident WHERE external_ref IS NOT NULL"
            )
        }
        known = {
            title.lower(): f"KE-{n}"
            for title, n in db.execute("SELECT title, number FROM known_error")
        }
    return incidents, known  # fmt: skip


def matches(hypothesis: dict[str, Any], expected: dict[str, Any], refs: tuple[dict[str, str],
            dict[str, str]]) -> bool:  # fmt: skip
    incidents, known = refs
    kind = expected["kind"]
    if hypothesis["kind"] != kind:
        return False
    if kind == "change":
        return bool(hypothesis["ref"] == expected["ref"])
    if kind == "known_error":
        return bool(hypothesis["ref"] == known.get(expected["title"].lower()))
    if kind == "past_incident":
        return bool(hypothesis["ref"] == incidents.get(expected["ref"]))
    if kind == "external":
        return bool(str(hypothesis["party"]).lower() == expected["party"].lower())
    about = expected.get("about")
    return about is None or about.lower() in hypothesis["title"].lower()


def judge(result: dict[str, Any], expect: list[dict[str, Any]], refs: Any) -> dict[str, Any]:
    """What one answer is worth: right first, right within three, decoy first, over-claim."""
    hypotheses = result["hypotheses"]
    if any(e["kind"] == "none" for e in expect):
        right = result["no_strong_hypothesis"]
        return {"none": True, "top1": right, "top3": right, "over_claim": not right}
    found = [any(matches(h, e, refs) for e in expect) for h in hypotheses]
    first = hypotheses[0] if hypotheses else None
    return {
        "none": False,
        "top1": bool(found[:1] and found[0]),
        "top3": any(found[:3]),
        "decoy_first": bool(first and first["kind"] == "change" and not found[0]),
        "called_weak": bool(found[:1] and found[0] and result["no_strong_hypothesis"]),
    }


def run_one(path: Path, template: Path, work: Path) -> dict[str, Any]:
    scenario = json.loads(path.read_text())
    database = work / f"{path.stem}.db"
    shutil.copy(template, database)
    document = work / f"{path.stem}.import.json"
    document.write_text(json.dumps(scenario["import"]))
    _run(["import", str(document)], database)
    refs = references(database)
    target = refs[0][scenario["investigate"]["incident"]]
    out, took = _run(
        ["investigate", target, "--at", scenario["investigate"]["at"], "--json"], database
    )
    result = json.loads(out)
    verdict = judge(result, scenario["expect"], refs)
    own_ms = max(s["ms"] for s in result["sources"]) if result["sources"] else 0
    return {
        "scenario": path.stem,
        "shape": scenario["shape"],
        "seconds": took,
        "sources_ms": own_ms,
        "first": (result["hypotheses"][0]["title"] if result["hypotheses"] else None),
        "first_confidence": (
            result["hypotheses"][0]["confidence"] if result["hypotheses"] else None
        ),
        "no_strong": result["no_strong_hypothesis"],
        **verdict,
    }


def tuning(name: str) -> bool:
    """The method's settings were chosen looking at the odd-numbered scenarios only; the
    even-numbered ones are held out, and their figures are the ones to quote."""
    return int(name.split("-", 1)[0]) % 2 == 1


def _rate(rows: list[dict[str, Any]], key: str) -> float | None:
    return round(sum(bool(r[key]) for r in rows) / len(rows), 3) if rows else None


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    caused = [r for r in rows if not r["none"]]
    empty = [r for r in rows if r["none"]]
    shapes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        shapes[row["shape"]].append(row)
    return {
        "scenarios": len(rows),
        "top1": _rate(rows, "top1"),
        "top3": _rate(rows, "top3"),
        "over_claim_no_evidence": _rate(empty, "over_claim"),
        "decoy_first": _rate(caused, "decoy_first"),
        "true_cause_called_weak": _rate(caused, "called_weak"),
        "seconds_per_investigation_median": round(statistics.median(r["seconds"] for r in rows), 3),
        "sources_ms_median": statistics.median(r["sources_ms"] for r in rows),
        "by_shape": {
            shape: {"n": len(group), "top1": _rate(group, "top1"), "top3": _rate(group, "top3")}
            for shape, group in sorted(shapes.items())
        },
        "wrong_first": [
            {
                "scenario": r["scenario"],
                "first": r["first"],
                "confidence": r["first_confidence"],
                "no_strong": r["no_strong"],
            }
            for r in rows
            if not r["top1"]
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, default=SCENARIOS)
    parser.add_argument("--verbose", action="store_true", help="Print every scenario's row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template.db"
        _run(["migrate"], template)
        admin = ["user", "create", "bench@example.com", "--name", "Bench", "--role", "admin"]
        _run(admin, template)
        rows = [run_one(path, template, work) for path in sorted(args.scenarios.glob("*.json"))]
    report: dict[str, Any] = {
        "held_out": summary([r for r in rows if not tuning(r["scenario"])]),
        "tuning": summary([r for r in rows if tuning(r["scenario"])]),
        "all": summary(rows),
    }
    if args.verbose:
        report["rows"] = rows
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
