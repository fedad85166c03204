from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from watchkeep.auth import secrets


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Real argon2 at its lowest cost: at production cost each user takes ~0.2 s to create."""
    monkeypatch.setattr(
        secrets, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    yield
