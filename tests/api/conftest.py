from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.factories import Person

Declare = Callable[..., dict[str, Any]]


@pytest.fixture
def declare(client: TestClient, alice: Person) -> Declare:
    """Declare through the API (as Alice unless ``as_=`` names someone else); returns the body."""

    def run(as_: Person | None = None, **body: Any) -> dict[str, Any]:
        body.setdefault("title", "Something is wrong")
        body.setdefault("severity", "SEV2")
        response = client.post("/api/v1/incidents", json=body, headers=(as_ or alice).headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    return run
