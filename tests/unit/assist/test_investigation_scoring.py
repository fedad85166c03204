"""The ranking of hypotheses, on facts made by hand: time, place in the dependencies, what
the change and the symptoms share, providers, capacity, past incidents and verdicts."""

from datetime import UTC, datetime, timedelta

from watchkeep.assist.investigation.model import (
    AlertFact,
    ChangeFact,
    Gathered,
    KnownErrorFact,
    PastIncidentFact,
    ServiceFact,
    Subject,
)
from watchkeep.assist.investigation.scoring import STRONG, conclude
from watchkeep.assist.investigation.update import draft_update

IMPACT = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
CATALOG = {
    "checkout": ServiceFact("checkout", depends_on=("payments", "inventory")),
    "payments": ServiceFact("payments", depends_on=("ledger-db", "Stripe")),
    "inventory": ServiceFact("inventory"),
    "ledger-db": ServiceFact("ledger-db", kind="platform"),
    "Stripe": ServiceFact(
        "Stripe",
        kind="third_party",
        description="Card payments, api.stripe.com",
        runbook_url="https://status.stripe.com",
    ),
    "search": ServiceFact("search"),
}


def subject(*alerts: AlertFact, services: tuple[str, ...] = ("checkout",)) -> Subject:
    return Subject(
        ref="INC-9",
        title="Checkout failing",
        at=IMPACT + timedelta(minutes=20),
        impact_start=IMPACT,
        services=services,
        alerts=alerts or (AlertFact("ALR-1", "HighErrorRate on checkout", IMPACT),),
        catalog=CATALOG,
    )


def change(ref: str, service: str | None, minutes_before: float, **kw: str) -> ChangeFact:
    summary = kw.pop("summary", f"{service} v2")
    return ChangeFact(
        ref=ref,
        kind=kw.pop("kind", "deploy"),
        summary=summary,
        occurred_at=IMPACT - timedelta(minutes=minutes_before),
        service=service,
    )


def ranked(about: Subject, gathered: Gathered, **verdicts: str) -> list[tuple[str | None, float]]:
    found = conclude(about, gathered, {k.replace("__", ":"): v for k, v in verdicts.items()})
    return [(h.ref or h.party, h.confidence) for h in found.hypotheses]


def test_a_change_after_the_impact_began_is_not_a_cause() -> None:
    gathered = Gathered(changes=[change("CHG-2", "checkout", -5)])
    found = conclude(subject(), gathered)
    assert [h for h in found.hypotheses if h.kind == "change"] == []
    assert found.no_strong_hypothesis


def test_nearer_in_time_and_in_the_dependencies_ranks_higher() -> None:
    gathered = Gathered(
        changes=[
            change("unrelated-now", "search", 1),
            change("own-4h", "checkout", 240),
            change("dependency-15m", "payments", 15),
            change("own-10m", "checkout", 10),
        ]
    )
    order = [ref for ref, _ in ranked(subject(), gathered)]
    assert order[:2] == ["own-10m", "dependency-15m"]
    assert order.index("unrelated-now") > order.index("dependency-15m")


def test_only_an_unrelated_change_is_no_strong_hypothesis() -> None:
    found = conclude(subject(), Gathered(changes=[change("CHG-1", "search", 2)]))
    assert found.no_strong_hypothesis
    assert found.hypotheses[0].confidence < STRONG


def test_a_change_naming_what_the_symptoms_show_stays_suspect_for_hours() -> None:
    pool = AlertFact("ALR-1", "Connection pool exhausted on checkout", IMPACT)
    named = change("CHG-1", "checkout", 300, summary="checkout: lower connection pool size to 5")
    plain = change("CHG-2", "checkout", 300, summary="checkout: new banner")
    scores = dict(ranked(subject(pool), Gathered(changes=[named, plain])))
    assert scores["CHG-1"] >= STRONG > scores["CHG-2"]


def test_a_named_failing_provider_beats_no_change_and_yields_to_a_strong_change() -> None:
    timeouts = AlertFact("ALR-1", "Timeouts calling api.stripe.com from payments", IMPACT)
    alone = conclude(subject(timeouts), Gathered())
    assert (alone.hypotheses[0].kind, alone.hypotheses[0].party) == ("external", "Stripe")
    assert any("status.stripe.com" in step for step in alone.hypotheses[0].next_steps)
    with_deploy = conclude(subject(timeouts), Gathered(changes=[change("CHG-1", "checkout", 5)]))
    assert with_deploy.hypotheses[0].ref == "CHG-1"


def test_one_busy_cpu_is_not_a_capacity_problem_but_a_traffic_surge_is() -> None:
    cpu = AlertFact("ALR-1", "HighCPU on checkout", IMPACT)
    assert conclude(subject(cpu), Gathered()).no_strong_hypothesis
    surge = AlertFact("ALR-2", "Request rate 5x normal, CPU saturation, thread pool full", IMPACT)
    found = conclude(subject(surge), Gathered())
    assert found.hypotheses[0].kind == "other" and not found.no_strong_hypothesis


def test_a_recurrence_needs_more_than_similar_words() -> None:
    alert = AlertFact(
        "ALR-1", "Too many open files on checkout", IMPACT, labels={"alertname": "FdLimit"}
    )
    same = PastIncidentFact(
        "INC-3",
        "checkout ran out of file descriptors",
        0.12,
        services=("checkout",),
        root_cause="a socket leak",
        alert_names=("FdLimit",),
    )
    words = PastIncidentFact("INC-4", "checkout slow", 0.12, services=("search",), root_cause="x")
    scores = dict(ranked(subject(alert), Gathered(past=[same, words])))
    assert scores["INC-3"] >= STRONG > scores.get("INC-4", 0.0)


def test_a_known_error_whose_alert_fires_is_strong() -> None:
    known = KnownErrorFact(
        "KE-2",
        "Ledger locks",
        0.1,
        workaround=("restart the sweeper",),
        alert_names=("HighErrorRate",),
    )
    found = conclude(subject(), Gathered(known_errors=[known]))
    assert found.hypotheses[0].ref == "KE-2" and not found.no_strong_hypothesis
    assert found.hypotheses[0].next_steps[0].endswith("restart the sweeper")


def test_verdicts_put_a_confirmed_hypothesis_first_and_a_ruled_out_one_last() -> None:
    gathered = Gathered(changes=[change("CHG-1", "checkout", 5), change("CHG-2", "payments", 30)])
    order = ranked(subject(), gathered, change__CHG_1="x")  # an unknown key changes nothing
    assert [ref for ref, _ in order][:2] == ["CHG-1", "CHG-2"]
    found = conclude(
        subject(), gathered, {"change:CHG-1": "ruled_out", "change:CHG-2": "confirmed"}
    )
    hypotheses = found.hypotheses
    assert (hypotheses[0].ref, hypotheses[0].confidence, hypotheses[0].verdict) == (
        "CHG-2",
        1.0,
        "confirmed",
    )
    assert (hypotheses[-1].ref, hypotheses[-1].confidence, hypotheses[-1].verdict) == (
        "CHG-1",
        0.0,
        "ruled_out",
    )
    ruled = conclude(
        subject(), gathered, {"change:CHG-1": "ruled_out", "change:CHG-2": "ruled_out"}
    )
    assert ruled.no_strong_hypothesis


def test_the_status_update_draft_says_what_we_know_and_what_we_do() -> None:
    gathered = Gathered(changes=[change("CHG-1", "checkout", 5)])
    about = subject()
    strong = draft_update(about, conclude(about, gathered))
    assert strong.splitlines()[0].startswith("Affected: checkout since 10:00 UTC")
    assert "leading hypothesis is Deploy: checkout v2" in strong
    assert "What we are doing: Roll back CHG-1" in strong
    assert strong.endswith("Next update: by 10:50 UTC.")
    confirmed = draft_update(about, conclude(about, gathered, {"change:CHG-1": "confirmed"}))
    assert "we have found the cause: Deploy: checkout v2" in confirmed
    unknown = draft_update(about, conclude(about, Gathered()))
    assert (
        "still looking for the cause" in unknown and "What we are doing: investigating." in unknown
    )


def test_with_no_service_and_no_alert_the_latest_deploy_is_not_named_the_cause() -> None:
    vague = Subject(
        ref="INC-9", title="Something is off", at=IMPACT, impact_start=IMPACT, catalog=CATALOG
    )
    found = conclude(vague, Gathered(changes=[change("CHG-1", "checkout", 2)]))
    assert found.hypotheses[0].ref == "CHG-1" and found.no_strong_hypothesis
