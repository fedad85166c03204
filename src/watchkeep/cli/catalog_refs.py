"""Teams and services as the command line names them: by id or by name, in either mode."""

from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.catalog import service as catalog
from watchkeep.catalog.schemas import service_read, team_read
from watchkeep.cli.client import ApiClient
from watchkeep.cli.output import fail
from watchkeep.cli.records import Body


def pick(items: list[Body], ref: str, noun: str) -> Body:
    """The item named ``ref``: its id, else its exact name, else its only case-insensitive
    match; or the command fails saying so."""
    ref = ref.strip()
    if ref.isdigit():
        by_id = [i for i in items if i["id"] == int(ref)]
        if by_id:
            return by_id[0]
    found = [i for i in items if i["name"] == ref] or [
        i for i in items if i["name"].lower() == ref.lower()
    ]
    if len(found) != 1:
        fail(f"no {noun} with id or name {ref}")
    return found[0]


def local_teams(session: Session) -> list[Body]:
    """Every team as the API shows it."""
    return [team_read(t).model_dump(mode="json") for t in catalog.list_teams(session)]


def local_services(session: Session) -> list[Body]:
    """Every service as the API shows it."""
    return [service_read(s).model_dump(mode="json") for s in catalog.list_services(session)]


def local_user_ids(session: Session, emails: list[str]) -> list[int]:
    """The ids of the users with these e-mail addresses (or ids)."""
    return [auth.get_user_by_ref(session, ref=email.strip()).id for email in emails]


def remote_user_ids(client: ApiClient, emails: list[str]) -> list[int]:
    """The ids, on a server, of the users with these e-mail addresses (or ids)."""
    users: list[Body] = client.get("/users")
    ids = []
    for ref in (e.strip() for e in emails):
        found = [u for u in users if u["email"].lower() == ref.lower() or str(u["id"]) == ref]
        if not found:
            fail(f"no user with e-mail {ref}")
        ids.append(int(found[0]["id"]))
    return ids


def emails_by_id(users: list[Body]) -> dict[int, str]:
    return {int(u["id"]): str(u["email"]) for u in users}
