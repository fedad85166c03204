"""Password hashing and opaque secret tokens (stored only as hashes)."""

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_stand_ins: dict[int, str] = {}


def waste_a_verification(password: str) -> None:
    """Check ``password`` against a stand-in hash made with the same parameters as real
    ones: refusing an unknown account takes as long as refusing a wrong password."""
    stand_in = _stand_ins.get(id(_hasher))
    if stand_in is None:
        stand_in = _stand_ins[id(_hasher)] = _hasher.hash(secrets.token_urlsafe(16))
    verify_password(stand_in, password)


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough to make a leaked
    # table useless; passwords get argon2.
    return hashlib.sha256(token.encode()).hexdigest()
