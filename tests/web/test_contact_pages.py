"""How you are paged, on your profile: contact methods (add, test, remove) and notification
rules; admins manage anyone's on a page per user, nobody else may."""

import json
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_person
from tests.web.helpers import HTML, hx, log_in

from watchkeep.core.clock import utcnow
from watchkeep.notify import contacts
from watchkeep.notify.models import Notification


def announcement(response: Any) -> str:
    text: str = json.loads(response.headers["HX-Trigger"])["wk-announce"]
    return text


def test_the_profile_states_the_default_without_rules(
    client: TestClient, session: Session, alice: Person
) -> None:
    log_in(client, alice)
    page = unescape(client.get("/profile", headers=HTML).text)
    assert "How you are paged" in page and "No contact methods yet." in page
    assert f"No rules: you get an e-mail at once at {alice.user.email}." in page
    assert "Add a contact method to make rules." in page


def test_a_method_is_added_tested_used_by_a_rule_and_removed(
    client: TestClient, session: Session, alice: Person
) -> None:
    token = log_in(client, alice)
    base = f"/contacts/{alice.user.id}"
    added = client.post(
        f"{base}/methods",
        data={"kind": "sms", "address": "+44 7700 900123", "label": "work phone"},
        headers=hx(token, "contacts"),
    )
    assert added.status_code == 200, added.text
    assert announcement(added) == "SMS +447700900123 added."
    assert "work phone" in added.text and 'id="new-rule"' in added.text
    session.expire_all()
    [method] = contacts.methods_of(session, user_id=alice.user.id)

    tested = client.post(f"{base}/methods/{method.id}/test", headers=hx(token, "contacts"))
    assert tested.status_code == 200, tested.text
    assert announcement(tested) == "Test message sent to SMS +447700900123."
    session.expire_all()
    [sent] = session.scalars(select(Notification).where(Notification.user_id == alice.user.id))
    assert (sent.event, sent.kind, sent.address) == ("test", "sms", "+447700900123")

    rule = client.post(
        f"{base}/rules",
        data={"urgency": "high", "contact_method_id": str(method.id), "delay_minutes": "2"},
        headers=hx(token, "contacts"),
    )
    assert rule.status_code == 200, rule.text
    assert announcement(rule) == "Rule added: at high urgency, SMS +447700900123 after 2 min."
    text = unescape(rule.text)
    assert "SMS +447700900123, 2 min after the page" in text
    assert f"No rules: you get an e-mail at once at {alice.user.email}." in text  # low urgency
    session.expire_all()
    [made] = contacts.rules_of(session, user_id=alice.user.id)
    assert (made.urgency, made.delay_minutes) == ("high", 2)

    removed_rule = client.post(f"{base}/rules/{made.id}/delete", headers=hx(token, "contacts"))
    assert announcement(removed_rule) == "Notification rule removed."
    removed = client.post(f"{base}/methods/{method.id}/delete", headers=hx(token, "contacts"))
    assert announcement(removed) == "SMS +447700900123 removed."
    assert "No contact methods yet." in removed.text
    session.expire_all()
    assert contacts.methods_of(session, user_id=alice.user.id) == []


def test_a_plain_form_post_goes_back_to_the_profile(
    client: TestClient, session: Session, alice: Person
) -> None:
    token = log_in(client, alice)
    answer = client.post(
        f"/contacts/{alice.user.id}/methods",
        data={"kind": "email", "address": "alice@example.org", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/profile#contacts"
    page = unescape(client.get("/profile", headers=HTML).text)
    assert "E-mail alice@example.org added." in page and "alice@example.org" in page


def test_a_bad_address_is_refused_at_its_field(
    client: TestClient, session: Session, alice: Person
) -> None:
    token = log_in(client, alice)
    refused = client.post(
        f"/contacts/{alice.user.id}/methods",
        data={"kind": "voice", "address": "call me"},
        headers=hx(token, "contacts"),
    )
    assert refused.status_code == 422
    assert 'hx-swap-oob="innerHTML:#contacts-error"' in refused.text
    assert 'data-error-for="address"' in refused.text
    session.expire_all()
    assert contacts.methods_of(session, user_id=alice.user.id) == []


def test_another_persons_contacts_are_for_admins_only(
    client: TestClient, session: Session, alice: Person
) -> None:
    bob = make_person(session, name="Bob")
    method = contacts.add_method(
        session, actor=bob.actor, now=utcnow(), user_id=bob.user.id, kind="email", address="b@x.io"
    )
    session.commit()
    token = log_in(client, alice)
    base = f"/contacts/{bob.user.id}"
    assert client.get(f"/admin/users/{bob.user.id}/contacts", headers=HTML).status_code == 403
    for url, data in (
        (f"{base}/methods", {"kind": "email", "address": "evil@example.com"}),
        (f"{base}/methods/{method.id}/test", {}),
        (f"{base}/methods/{method.id}/delete", {}),
        (f"{base}/rules", {"urgency": "high", "contact_method_id": str(method.id)}),
        # Through one's own address, another's method is as if it did not exist.
        (f"/contacts/{alice.user.id}/methods/{method.id}/delete", {}),
    ):
        answer = client.post(url, data=data, headers=hx(token, "contacts"))
        assert answer.status_code in (403, 404), url
        assert "b@x.io" not in answer.text
    session.expire_all()
    assert [m.address for m in contacts.methods_of(session, user_id=bob.user.id)] == ["b@x.io"]
    assert contacts.rules_of(session, user_id=bob.user.id) == []
    assert session.scalars(select(Notification)).all() == []


def test_an_admin_manages_anyones_contacts(
    client: TestClient, session: Session, alice: Person
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    users = client.get("/admin/users", headers=HTML).text
    assert f'href="/admin/users/{alice.user.id}/contacts"' in users
    page = unescape(client.get(f"/admin/users/{alice.user.id}/contacts", headers=HTML).text)
    assert "How Alice Lead is paged" in page
    assert f"No rules: Alice Lead gets an e-mail at once at {alice.user.email}." in page
    added = client.post(
        f"/contacts/{alice.user.id}/methods",
        data={"kind": "chat", "address": "https://chat.example.com/hooks/1"},
        headers=hx(token, "contacts"),
    )
    assert announcement(added) == "Chat webhook https://chat.example.com/hooks/1 added."
    plain = client.post(
        f"/contacts/{alice.user.id}/methods",
        data={"kind": "email", "address": "a@example.org", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.headers["location"] == f"/admin/users/{alice.user.id}/contacts"
    session.expire_all()
    assert len(contacts.methods_of(session, user_id=alice.user.id)) == 2
