"""The investigation scenarios in tests/data/investigations: each one an import document
(docs/import.md), the live incident to investigate at an instant, and the answers a correct
top hypothesis may give. These checks keep the files well formed and their answers naming
records that exist, so a benchmark that runs them measures the assistant, not a typo."""

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from watchkeep.history.schemas import HistoryIn

SCENARIOS = Path(__file__).parents[2] / "data" / "investigations"
FILES = sorted(SCENARIOS.glob("*.json"))
KEYS = {"name", "shape", "description", "import", "investigate", "expect"}
MINIMUM = {
    "deploy": 6,
    "dependency_deploy": 5,
    "config": 4,
    "feature_flag": 4,
    "known_error": 5,
    "recurrence": 4,
    "third_party": 5,
    "capacity": 4,
    "no_evidence": 5,
    "misleading": 4,
}
LIVE = {"triage", "investigating", "fixing", "monitoring"}
PAST = {"resolved", "closed"}
EXPECT_FIELDS = {
    "change": {"kind", "ref"},
    "known_error": {"kind", "title"},
    "past_incident": {"kind", "ref"},
    "external": {"kind", "party"},
    "other": {"kind", "about"},
    "none": {"kind"},
}
LATEST = datetime.fromisoformat("2026-11-01T00:00:00+00:00")


def load(path: Path) -> dict[str, Any]:
    scenario: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return scenario


def instant(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text)


def test_there_are_enough_scenarios_of_every_shape() -> None:
    shapes = Counter(load(path)["shape"] for path in FILES)
    assert set(shapes) <= set(MINIMUM)
    short = {shape: shapes[shape] for shape, least in MINIMUM.items() if shapes[shape] < least}
    assert short == {}
    assert len(FILES) >= 44


def test_change_ids_incident_refs_and_alert_ids_are_unique_across_files() -> None:
    changes: Counter[str] = Counter()
    incidents: Counter[str] = Counter()
    alerts: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for path in FILES:
        scenario = load(path)
        document = scenario["import"]
        names[scenario["name"]] += 1
        changes.update(change["id"] for change in document.get("change_events", []))
        incidents.update(incident["ref"] for incident in document.get("incidents", []))
        alerts.update(alert["id"] for alert in document.get("alerts", []) if "id" in alert)
    for counter in (changes, incidents, alerts, names):
        assert [key for key, count in counter.items() if count > 1] == []


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_scenario(path: Path) -> None:
    scenario = load(path)
    assert set(scenario) == KEYS
    assert path.stem.split("-", 1)[1] == scenario["name"]
    assert path.stem[:2].isdigit()
    assert scenario["shape"] in MINIMUM
    assert scenario["description"].strip()

    document = scenario["import"]
    HistoryIn.model_validate(document)
    services = {service["name"]: service for service in document.get("services", [])}
    changes = {change["id"]: change for change in document.get("change_events", [])}
    known = {error["title"]: error for error in document.get("known_errors", [])}
    incidents = {incident["ref"]: incident for incident in document.get("incidents", [])}

    investigate = scenario["investigate"]
    assert set(investigate) == {"incident", "at"}
    at = instant(investigate["at"])
    assert at < LATEST
    live = incidents[investigate["incident"]]
    assert live["status"] in LIVE
    assert not live.get("root_cause") and not live.get("resolution")
    assert "resolved_at" not in live and "closed_at" not in live
    impact = instant(live.get("impact_started_at") or live["declared_at"])
    assert impact <= instant(live["declared_at"]) <= at
    assert any(alert.get("incident") == live["ref"] for alert in document["alerts"])
    for ref, incident in incidents.items():
        if ref != live["ref"]:
            assert incident["status"] in PAST, ref
            assert incident.get("root_cause"), ref

    expect = scenario["expect"]
    assert expect
    for answer in expect:
        kind = answer["kind"]
        assert set(answer) == EXPECT_FIELDS[kind], answer
        if kind == "change":
            change = changes[answer["ref"]]
            assert instant(change["occurred_at"]) <= at, answer
        elif kind == "known_error":
            error = known[answer["title"]]
            assert instant(error["created_at"]) < at, answer
        elif kind == "past_incident":
            past = incidents[answer["ref"]]
            assert past["status"] in PAST, answer
            assert instant(past["resolved_at"]) < at, answer
        elif kind == "external":
            assert services[answer["party"]]["kind"] == "third_party", answer
        elif kind == "other":
            assert answer["about"] == "capacity", answer
    kinds = {answer["kind"] for answer in expect}
    assert ("none" in kinds) == (scenario["shape"] == "no_evidence")
    assert kinds == {"none"} or "none" not in kinds
    if scenario["shape"] == "third_party":
        assert kinds == {"external"}
    if scenario["shape"] == "capacity":
        assert kinds == {"other"}
    if scenario["shape"] in {"deploy", "dependency_deploy", "config", "feature_flag"}:
        assert kinds == {"change"}


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_every_record_names_what_the_file_holds(path: Path) -> None:
    document = load(path)["import"]
    services = {service["name"] for service in document.get("services", [])}
    changes = {change["id"] for change in document.get("change_events", [])}
    incidents = {incident["ref"] for incident in document.get("incidents", [])}
    for service in document.get("services", []):
        assert set(service["depends_on"]) <= services, service["name"]
    for change in document.get("change_events", []):
        assert change.get("service") in services | {None}, change["id"]
        assert instant(change["occurred_at"]) < LATEST
    for alert in document.get("alerts", []):
        assert alert.get("incident") in incidents | {None}, alert["id"]
        assert alert["labels"].get("service") in services | {None}, alert["id"]
    for incident in document.get("incidents", []):
        assert set(incident.get("services", [])) <= services, incident["ref"]
        assert set(incident.get("changes", [])) <= changes, incident["ref"]
    for error in document.get("known_errors", []):
        assert instant(error["created_at"]) < LATEST
