"""Users, API tokens and web sessions: hashed secrets, revocation, role ceilings."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.factories import make_person

from watchkeep.auth import service as auth
from watchkeep.auth.models import ApiToken, AuditRecord, User, WebSession
from watchkeep.auth.secrets import digest
from watchkeep.core.actor import Role
from watchkeep.core.errors import Conflict, Invalid, NotFound, Unauthorized

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def audit_records(session: Session) -> list[AuditRecord]:
    return list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))


def raw_rows(session: Session, table: str) -> list[str]:
    """Every stored value of a table as text, as someone reading a leaked dump would."""
    session.flush()
    rows = session.execute(text(f"SELECT * FROM {table}")).all()
    return [str(value) for row in rows for value in row]


def test_passwords_are_stored_as_argon2_hashes(session: Session) -> None:
    user = auth.create_user(
        session, actor=None, now=NOW, email="a@example.com", name="A", password=PASSWORD
    )
    stored = raw_rows(session, "user_account")
    assert not any(PASSWORD in value for value in stored)
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2")
    assert auth.authenticate(session, email="A@Example.com ", password=PASSWORD).id == user.id
    with pytest.raises(Unauthorized):
        auth.authenticate(session, email="a@example.com", password="wrong horse battery")
    with pytest.raises(Unauthorized):
        auth.authenticate(session, email="nobody@example.com", password=PASSWORD)


def test_inactive_and_passwordless_users_cannot_log_in(session: Session) -> None:
    inactive = auth.create_user(
        session, actor=None, now=NOW, email="i@example.com", name="I", password=PASSWORD
    )
    inactive.is_active = False
    auth.create_user(session, actor=None, now=NOW, email="p@example.com", name="P")
    session.flush()
    for email in ("i@example.com", "p@example.com"):
        with pytest.raises(Unauthorized):
            auth.authenticate(session, email=email, password=PASSWORD)


def test_set_password_replaces_the_hash(session: Session) -> None:
    user = auth.create_user(
        session, actor=None, now=NOW, email="a@example.com", name="A", password=PASSWORD
    )
    auth.set_password(
        session, actor=auth.actor_of(user), now=NOW, user_id=user.id, password="a brand new secret"
    )
    assert auth.authenticate(session, email="a@example.com", password="a brand new secret")
    with pytest.raises(Unauthorized):
        auth.authenticate(session, email="a@example.com", password=PASSWORD)
    with pytest.raises(Invalid):
        auth.set_password(
            session, actor=auth.actor_of(user), now=NOW, user_id=user.id, password="short"
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"name": "  "}, "name"),
        ({"password": "short"}, "password"),
        ({"role": "owner"}, "role"),
    ],
)
def test_bad_users_are_invalid(session: Session, kwargs: dict[str, str], field: str) -> None:
    kwargs = {"email": "a@example.com", "name": "A", **kwargs}
    with pytest.raises(Invalid) as raised:
        auth.create_user(session, actor=None, now=NOW, **kwargs)
    assert raised.value.details["field"] == field
    assert session.scalars(select(User)).all() == []


def test_email_addresses_are_unique_regardless_of_case(session: Session) -> None:
    auth.create_user(session, actor=None, now=NOW, email="Ops@Example.com", name="Ops")
    with pytest.raises(Conflict) as raised:
        auth.create_user(session, actor=None, now=NOW, email="ops@example.COM", name="Ops again")
    assert raised.value.details["field"] == "email"
    assert auth.get_user_by_ref(session, ref="OPS@example.com").name == "Ops"


def test_users_are_found_by_id_or_email(session: Session) -> None:
    user = auth.create_user(session, actor=None, now=NOW, email="a@example.com", name="A")
    assert auth.get_user_by_ref(session, ref=str(user.id)).id == user.id
    assert auth.get_user_by_ref(session, ref="a@example.com").id == user.id
    for ref in ("987654", "b@example.com"):
        with pytest.raises(NotFound):
            auth.get_user_by_ref(session, ref=ref)


# --- tokens ----------------------------------------------------------------------------------


def test_a_token_secret_is_never_stored(session: Session) -> None:
    person = make_person(session)
    token, secret = auth.create_token(
        session, actor=person.actor, now=NOW, user_id=person.user.id, name="ci"
    )
    assert secret.startswith("wk_")
    assert len(secret) > 40
    stored = raw_rows(session, "api_token")
    assert not any(secret in value for value in stored)
    assert not any(person.token in value for value in stored)
    assert token.token_hash == digest(secret)
    assert token.prefix == secret[:10]
    assert (token.name, token.role, token.created_at) == ("ci", "responder", NOW)


def test_a_token_identifies_its_user_and_records_its_use(session: Session) -> None:
    person = make_person(session, "responder", name="Tess")
    actor = auth.actor_for_token(session, secret=person.token, now=NOW)
    assert (actor.user_id, actor.name, actor.role) == (person.user.id, "Tess", Role.RESPONDER)
    (token,) = auth.list_tokens(session, user_id=person.user.id)
    assert token.last_used_at == NOW
    # Written at most once a minute.
    auth.actor_for_token(session, secret=person.token, now=NOW + timedelta(seconds=30))
    assert token.last_used_at == NOW
    auth.actor_for_token(session, secret=person.token, now=NOW + timedelta(minutes=2))
    assert token.last_used_at == NOW + timedelta(minutes=2)


def test_a_revoked_token_is_unauthorized(session: Session) -> None:
    person = make_person(session)
    (token,) = auth.list_tokens(session, user_id=person.user.id)
    revoked = auth.revoke_token(session, actor=person.actor, now=NOW, token_id=token.id)
    assert revoked.revoked_at == NOW
    with pytest.raises(Unauthorized):
        auth.actor_for_token(session, secret=person.token, now=NOW)
    # Revoking again keeps the first revocation time.
    auth.revoke_token(session, actor=person.actor, now=NOW + timedelta(days=1), token_id=token.id)
    assert revoked.revoked_at == NOW


def test_unknown_tokens_and_inactive_users_are_unauthorized(session: Session) -> None:
    person = make_person(session)
    with pytest.raises(Unauthorized):
        auth.actor_for_token(session, secret="wk_not-a-real-token", now=NOW)
    person.user.is_active = False
    session.flush()
    with pytest.raises(Unauthorized):
        auth.actor_for_token(session, secret=person.token, now=NOW)


@pytest.mark.parametrize(
    ("user_role", "asked", "granted"),
    [
        ("viewer", "admin", "viewer"),
        ("responder", "admin", "responder"),
        ("responder", "viewer", "viewer"),
        ("admin", "responder", "responder"),
        ("admin", None, "admin"),
        ("viewer", None, "viewer"),
    ],
)
def test_a_token_never_exceeds_its_users_role(
    session: Session, user_role: str, asked: str | None, granted: str
) -> None:
    person = make_person(session, user_role)
    token, secret = auth.create_token(
        session, actor=person.actor, now=NOW, user_id=person.user.id, name="t", role=asked
    )
    assert token.role == granted
    assert auth.actor_for_token(session, secret=secret, now=NOW).role == Role(granted)


def test_a_demoted_users_tokens_lose_the_extra_rights(session: Session) -> None:
    person = make_person(session, "admin")
    assert auth.actor_for_token(session, secret=person.token, now=NOW).role is Role.ADMIN
    person.user.role = "viewer"
    session.flush()
    assert auth.actor_for_token(session, secret=person.token, now=NOW).role is Role.VIEWER


def test_an_unknown_token_role_is_invalid(session: Session) -> None:
    person = make_person(session)
    with pytest.raises(Invalid) as raised:
        auth.create_token(
            session, actor=person.actor, now=NOW, user_id=person.user.id, name="t", role="root"
        )
    assert raised.value.details["field"] == "role"


def test_only_the_owner_or_an_admin_may_revoke(session: Session) -> None:
    owner, other, admin = make_person(session), make_person(session), make_person(session, "admin")
    (token,) = auth.list_tokens(session, user_id=owner.user.id)
    with pytest.raises(NotFound):
        auth.revoke_token(session, actor=other.actor, now=NOW, token_id=token.id)
    assert token.revoked_at is None
    auth.revoke_token(session, actor=admin.actor, now=NOW, token_id=token.id)
    assert token.revoked_at is not None
    with pytest.raises(NotFound):
        auth.revoke_token(session, actor=admin.actor, now=NOW, token_id=987654)


def test_tokens_are_listed_per_user_or_all(session: Session) -> None:
    first, second = make_person(session), make_person(session)
    auth.create_token(
        session, actor=first.actor, now=NOW, user_id=first.user.id, name="second token"
    )
    assert [t.name for t in auth.list_tokens(session, user_id=first.user.id)] == [
        "test",
        "second token",
    ]
    assert {t.user_id for t in auth.list_tokens(session)} == {first.user.id, second.user.id}


# --- web sessions ----------------------------------------------------------------------------


def test_web_sessions_store_only_a_hash_and_expire(session: Session) -> None:
    person = make_person(session)
    web, secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    assert not any(secret in value for value in raw_rows(session, "web_session"))
    assert web.expires_at == NOW + timedelta(hours=2)
    assert web.csrf_token
    assert auth.find_web_session(session, secret=secret, now=NOW + timedelta(minutes=119)) is web
    assert auth.find_web_session(session, secret=secret, now=NOW + timedelta(hours=2)) is None
    assert auth.find_web_session(session, secret="s_unknown", now=NOW) is None


def test_ending_a_web_session_forgets_it(session: Session) -> None:
    person = make_person(session)
    _, secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    auth.end_web_session(session, secret=secret)
    assert session.scalars(select(WebSession)).all() == []
    assert auth.find_web_session(session, secret=secret, now=NOW) is None


def test_a_password_change_ends_the_users_other_sessions(session: Session) -> None:
    person, other = make_person(session), make_person(session)
    here, here_secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    _, phone = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    _, others = auth.start_web_session(session, user=other.user, hours=2, now=NOW)
    auth.set_password(
        session,
        actor=person.actor,
        now=NOW,
        user_id=person.user.id,
        password="a new long password",
        keep_session=here.id,
    )
    assert auth.find_web_session(session, secret=phone, now=NOW) is None
    assert auth.find_web_session(session, secret=here_secret, now=NOW) is here
    assert auth.find_web_session(session, secret=others, now=NOW) is not None
    record = audit_records(session)[-1]
    assert record.action == "user:set_password" and record.changes["sessions_ended"] == [0, 1]


def test_a_role_change_ends_every_session_of_the_user(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session, "admin")
    _, secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    auth.change_role(session, actor=admin.actor, now=NOW, user_id=person.user.id, role="viewer")
    assert auth.find_web_session(session, secret=secret, now=NOW) is None
    record = audit_records(session)[-1]
    assert record.action == "user:role_change" and record.changes["role"] == ["admin", "viewer"]
    assert record.changes["sessions_ended"] == [0, 1]


def test_an_inactive_users_web_session_is_ignored(session: Session) -> None:
    person = make_person(session)
    _, secret = auth.start_web_session(session, user=person.user, hours=2, now=NOW)
    person.user.is_active = False
    session.flush()
    assert auth.find_web_session(session, secret=secret, now=NOW) is None


def test_tokens_are_deleted_with_their_user(session: Session) -> None:
    person = make_person(session)
    session.delete(person.user)
    session.flush()
    session.expire_all()
    assert session.scalars(select(ApiToken)).all() == []
