"""The investigation panel: the latest investigation with its evidence linked, "Investigate
now", and responders' verdicts that redraw it."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service
from tests.web.helpers import HTML, hx, log_in

from watchkeep.alert.models import ChangeEvent
from watchkeep.core.clock import utcnow


def panel_of(page: str) -> str:
    return (
        '<section id="investigation"'
        + page.split('<section id="investigation"', 1)[1].split("</section>", 1)[0]
    )


def test_investigate_now_then_confirm_and_withdraw(
    client: TestClient, session: Session, alice: Person, viewer: Person
) -> None:
    orders = make_service(session, "orders")
    incident = make_incident(
        session, alice, title="Orders API failing", status="investigating", service_ids=[orders.id]
    )
    session.add(
        ChangeEvent(
            service_id=orders.id,
            kind="deploy",
            summary="orders 4.2.0",
            external_id="deploy-4.2.0",
            occurred_at=incident.declared_at,
            received_at=incident.declared_at,
        )
    )
    incident.impact_started_at = utcnow()
    session.commit()
    token = log_in(client, alice)
    base = f"/incidents/{incident.reference}"
    page = client.get(base, headers=HTML)
    assert "Not investigated yet" in panel_of(page.text)
    drawn = client.post(f"{base}/investigations", headers=hx(token, "investigation"))
    assert drawn.status_code == 200, drawn.text
    panel = panel_of(drawn.text)
    assert "deploy-4.2.0" in panel and "Roll back deploy-4.2.0" in panel
    assert 'hx-trigger="every 15s' in panel
    assert "Draft a status update" in panel and "Roll back deploy-4.2.0" in panel
    confirmed = client.post(
        f"{base}/investigations/verdicts",
        data={"key": "change:deploy-4.2.0", "verdict": "confirmed"},
        headers=hx(token, "investigation"),
    )
    assert confirmed.status_code == 200, confirmed.text
    assert "Confirmed" in panel_of(confirmed.text)
    unknown = client.post(
        f"{base}/investigations/verdicts",
        data={"key": "change:nothing", "verdict": "confirmed"},
        headers=hx(token, "investigation"),
    )
    assert unknown.status_code == 422
    withdrawn = client.post(
        f"{base}/investigations/verdicts/withdraw",
        data={"key": "change:deploy-4.2.0"},
        headers=hx(token, "investigation"),
    )
    assert withdrawn.status_code == 200
    assert "Withdraw verdict" not in panel_of(withdrawn.text)
    # A viewer reads the panel but has no buttons.
    client.post("/logout", headers=hx(token, "body"))
    log_in(client, viewer)
    seen = panel_of(client.get(base, headers=HTML).text)
    assert "deploy-4.2.0" in seen and "Investigate now" not in seen
