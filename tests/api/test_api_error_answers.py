"""Every error answer is documented and has the one error body: the OpenAPI document lists
each operation's 4xx answers; 405 says what is allowed; an unreadable body is 422."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.factories import Person

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
PAGERDUTY_REF = {"$ref": "#/components/schemas/PagerDutyError"}
PAGERDUTY_ANSWERS = {"400", "413", "429"}
"""PagerDuty's endpoints refuse an event with PagerDuty's own answer, as senders expect."""


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_its_errors_with_the_error_body(
    openapi: dict[str, Any],
) -> None:
    for path, method, operation in operations(openapi):
        errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
        assert "422" in errors, (method, path)
        for code, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            pagerduty = path.startswith("/v2/") and code in PAGERDUTY_ANSWERS
            assert schema == (PAGERDUTY_REF if pagerduty else ERROR_REF), (method, path, code)
    assert "ErrorBody" in openapi["components"]["schemas"]
    assert "HTTPValidationError" not in openapi["components"]["schemas"]


def test_which_errors_an_operation_documents_follows_from_the_route(
    openapi: dict[str, Any],
) -> None:
    def codes(path: str, method: str) -> set[str]:
        responses = openapi["paths"][path][method]["responses"]
        return {code for code in responses if code.startswith("4")}

    assert codes("/api/v1/incidents/{ref}", "get") == {"401", "403", "404", "422"}
    assert codes("/api/v1/incidents", "post") == {
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "422",
    }


def test_an_error_body_matches_its_schema(client: TestClient, alice: Person) -> None:
    body = client.get("/api/v1/incidents/INC-999", headers=alice.headers).json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}


def test_a_method_not_allowed_says_which_are(client: TestClient, alice: Person) -> None:
    response = client.put("/api/v1/incidents", headers=alice.headers)
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "content",
    [b'{"title": "\xff\xfe", "severity": "SEV2"}', b'{"title": ', b"\xff", b"[1, 2"],
)
def test_an_unreadable_json_body_is_invalid(
    client: TestClient, alice: Person, content: bytes
) -> None:
    response = client.post(
        "/api/v1/incidents",
        content=content,
        headers={**alice.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid"


def test_free_text_in_the_openapi_document_excludes_nul(openapi: dict[str, Any]) -> None:
    create = openapi["components"]["schemas"]["IncidentCreate"]["properties"]
    assert create["title"]["pattern"] == "^[^\\x00]*$"
    listing = openapi["paths"]["/api/v1/incidents"]["get"]["parameters"]
    query = next(p for p in listing if p["name"] == "q")
    assert query["schema"]["anyOf"][0]["pattern"] == "^[^\\x00]*$"


def test_allow_names_the_methods_of_the_path_that_matched(
    client: TestClient, alice: Person
) -> None:
    # "raise" would also fit /problems/{ref} (GET, PATCH); the path that matched is this one.
    response = client.options("/api/v1/problems/raise", headers=alice.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
