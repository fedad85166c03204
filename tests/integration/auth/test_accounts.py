"""Account administration: deactivating, reactivating, resetting passwords, profiles."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, make_person

from watchkeep.auth import accounts, audit
from watchkeep.auth import service as auth
from watchkeep.auth.models import AuditRecord, User
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def last_record(session: Session) -> AuditRecord:
    found = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).one()
    return found


def test_deactivating_ends_sessions_and_tokens(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    _, secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    user = accounts.deactivate_user(session, actor=admin.actor, now=NOW, user_id=person.user.id)
    assert not user.is_active
    assert auth.find_web_session(session, secret=secret, now=NOW) is None
    with pytest.raises(Unauthorized):
        auth.actor_for_token(session, secret=person.token, now=NOW)
    with pytest.raises(Unauthorized):
        auth.authenticate(session, email=person.user.email, password=PASSWORD)
    record = last_record(session)
    assert record.action == "user:deactivate" and record.actor_id == admin.user.id
    assert record.changes == {"is_active": [True, False], "sessions_ended": [0, 1]}
    # Twice changes nothing and records nothing.
    accounts.deactivate_user(session, actor=admin.actor, now=NOW, user_id=person.user.id)
    assert last_record(session).id == record.id


def test_reactivating_lets_the_user_back_in(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    accounts.deactivate_user(session, actor=admin.actor, now=NOW, user_id=person.user.id)
    user = accounts.reactivate_user(session, actor=admin.actor, now=NOW, user_id=person.user.id)
    assert user.is_active
    assert auth.authenticate(session, email=person.user.email, password=PASSWORD).id == user.id
    assert auth.actor_for_token(session, secret=person.token, now=NOW).user_id == user.id
    record = last_record(session)
    assert record.action == "user:reactivate" and record.changes == {"is_active": [False, True]}
    accounts.reactivate_user(session, actor=admin.actor, now=NOW, user_id=person.user.id)
    assert last_record(session).id == record.id


def test_nobody_deactivates_themselves_or_the_last_admin(session: Session) -> None:
    admin = make_person(session, "admin")
    with pytest.raises(Conflict, match="cannot deactivate yourself"):
        accounts.deactivate_user(session, actor=admin.actor, now=NOW, user_id=admin.user.id)
    # An actor acting as admin who is not one of the stored admins (the only admin remains).
    others = session.scalars(
        select(User).where(User.role == "admin", User.id != admin.user.id)
    ).all()
    for other in others:
        other.is_active = False
    session.flush()
    stranger = Actor(user_id=make_person(session).user.id, name="Stand-in", role=Role.ADMIN)
    with pytest.raises(Conflict, match="last active admin"):
        accounts.deactivate_user(session, actor=stranger, now=NOW, user_id=admin.user.id)
    assert admin.user.is_active


def test_only_admins_manage_accounts(session: Session) -> None:
    person, other = make_person(session), make_person(session)
    for change in (accounts.deactivate_user, accounts.reactivate_user):
        with pytest.raises(Forbidden):
            change(session, actor=person.actor, now=NOW, user_id=other.user.id)
    with pytest.raises(Forbidden):
        accounts.reset_password(
            session, actor=person.actor, now=NOW, user_id=other.user.id, password="long enough"
        )
    admin = make_person(session, "admin")
    with pytest.raises(NotFound):
        accounts.deactivate_user(session, actor=admin.actor, now=NOW, user_id=10**9)


def test_a_password_reset_ends_every_session(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    _, secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    accounts.reset_password(
        session, actor=admin.actor, now=NOW, user_id=person.user.id, password="another secret"
    )
    assert auth.find_web_session(session, secret=secret, now=NOW) is None
    assert auth.authenticate(session, email=person.user.email, password="another secret")
    assert last_record(session).action == "user:set_password"
    with pytest.raises(Invalid):
        accounts.reset_password(
            session, actor=admin.actor, now=NOW, user_id=person.user.id, password="short"
        )


def test_changing_your_own_password_needs_the_current_one(session: Session) -> None:
    person = make_person(session)
    here, here_secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    _, phone = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    with pytest.raises(Invalid) as wrong:
        accounts.change_own_password(
            session,
            actor=person.actor,
            now=NOW,
            current="wrong",
            new="long enough",
            keep_session=None,
        )
    assert wrong.value.details["field"] == "current_password"
    accounts.change_own_password(
        session,
        actor=person.actor,
        now=NOW,
        current=PASSWORD,
        new="my new password",
        keep_session=here.id,
    )
    assert auth.find_web_session(session, secret=here_secret, now=NOW) is here
    assert auth.find_web_session(session, secret=phone, now=NOW) is None
    assert auth.authenticate(session, email=person.user.email, password="my new password")


def test_a_profile_changes_name_and_time_zone(session: Session) -> None:
    person = make_person(session)
    user = accounts.update_profile(
        session, actor=person.actor, now=NOW, name=" Pat Doe ", timezone="Europe/Paris"
    )
    assert (user.name, user.timezone) == ("Pat Doe", "Europe/Paris")
    record = last_record(session)
    assert record.action == "user:update" and record.changes["timezone"] == ["UTC", "Europe/Paris"]
    with pytest.raises(Invalid) as bad_zone:
        accounts.update_profile(session, actor=person.actor, now=NOW, timezone="Mars/Olympus")
    assert bad_zone.value.details["field"] == "timezone"
    with pytest.raises(Invalid):
        accounts.update_profile(session, actor=person.actor, now=NOW, name="  ")
    with pytest.raises(Invalid):
        accounts.update_profile(session, actor=person.actor, now=NOW, name="x" * 201)
    # Nothing changed: nothing recorded.
    accounts.update_profile(session, actor=person.actor, now=NOW, name="Pat Doe")
    assert last_record(session).id == record.id


def test_a_new_user_needs_a_known_time_zone(session: Session) -> None:
    with pytest.raises(Invalid) as bad:
        auth.create_user(
            session, actor=None, now=NOW, email="z@example.com", name="Z", timezone="Nowhere/City"
        )
    assert bad.value.details["field"] == "timezone"
    assert "Europe/Paris" in auth.timezone_names()


def test_last_logins_come_from_live_sessions(session: Session) -> None:
    person = make_person(session)
    auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    auth.start_web_session(session, user=person.user, hours=2, now=NOW + timedelta(hours=1))
    assert accounts.last_logins(session)[person.user.id] == NOW + timedelta(hours=1)


def test_the_audit_log_by_who_made_the_change(session: Session) -> None:
    admin, other = make_person(session, "admin", "Ada"), make_person(session, "admin", "Otto")
    accounts.update_profile(session, actor=other.actor, now=NOW, name="Otto Other")
    rows, _ = audit.list_records(
        session, actor=admin.actor, limit=500, offset=0, actor_id=other.user.id
    )
    assert rows and {r.actor_id for r in rows} == {other.user.id}
    rows, _ = audit.list_records(session, actor=admin.actor, limit=500, offset=0, system=True)
    assert rows and {r.actor_id for r in rows} == {None}
    assert (other.user.id, "Otto Other") in audit.actors_in_log(session, actor=admin.actor)
    with pytest.raises(Forbidden):
        audit.actors_in_log(session, actor=make_person(session).actor)


def test_a_profile_revokes_only_its_own_tokens(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    theirs = auth.list_tokens(session, user_id=person.user.id)[0]
    with pytest.raises(NotFound):
        auth.revoke_token(session, actor=admin.actor, now=NOW, token_id=theirs.id, own_only=True)
    assert theirs.revoked_at is None
    assert auth.revoke_token(session, actor=admin.actor, now=NOW, token_id=theirs.id).revoked_at
