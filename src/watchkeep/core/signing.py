"""Signed, expiring tokens for links that act without a login (a notification's one-click
acknowledge): ``<payload>.<expiry>.<signature>``, HMAC-SHA256 under a key kept in the
database, so that every process signs and checks with the same key and nothing needs
configuring.

The key of a purpose is made on first use (an upsert, so concurrent processes agree on one).
"""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from watchkeep.core.db import Base


class SigningKey(Base):
    __tablename__ = "signing_key"

    purpose: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))


def existing_key(session: Session, purpose: str) -> bytes | None:
    """The key of ``purpose`` if one was made (what a read needs: no key, no valid token)."""
    found = session.scalar(select(SigningKey.secret).where(SigningKey.purpose == purpose))
    return bytes.fromhex(found) if found is not None else None


def key_for(session: Session, purpose: str) -> bytes:
    """The key of ``purpose``, made on first use."""
    found = session.scalar(select(SigningKey.secret).where(SigningKey.purpose == purpose))
    if found is None:
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SigningKey)
        session.execute(
            insert.values(purpose=purpose, secret=secrets.token_hex(32)).on_conflict_do_nothing()
        )
        found = session.scalar(select(SigningKey.secret).where(SigningKey.purpose == purpose))
    if found is None:  # inserted just now, or by whoever won the race: never absent
        raise RuntimeError(f"the signing key {purpose!r} could not be made")
    return bytes.fromhex(found)


def _signature(key: bytes, text: str) -> str:
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()[:20]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(key: bytes, payload: str, *, expires_at: datetime) -> str:
    """A token that carries ``payload`` (no dots) until ``expires_at``."""
    if "." in payload:
        raise ValueError("a signed payload holds no dots")
    text = f"{payload}.{int(expires_at.timestamp())}"
    return f"{text}.{_signature(key, text)}"


def payload_of(token: str) -> str | None:
    """The payload a token claims to carry, before checking it (to find its key's purpose)."""
    parts = token.split(".")
    return parts[0] if len(parts) == 3 else None


def verify(key: bytes, token: str, *, now: datetime) -> str | None:
    """The payload of a genuine, unexpired token; ``None`` for anything else."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit():
        return None
    text = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_signature(key, text), parts[2]):
        return None
    if int(parts[1]) <= now.timestamp():
        return None
    return parts[0]
