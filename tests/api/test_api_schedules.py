"""Schedules through the API: CRUD, entries, who is on call, overrides, feed URLs and feeds."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.orm import Session
from tests.factories import Person, make_team
from tests.web.helpers import log_in

DAY = timedelta(days=1)
ANCHOR_DAY = (datetime.now(UTC) - 40 * DAY).date()
ANCHOR = datetime(ANCHOR_DAY.year, ANCHOR_DAY.month, ANCHOR_DAY.day, 9, tzinfo=UTC)


def layer(*people: Person, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "primary",
        "users": [p.user.id for p in people],
        "anchor": ANCHOR.strftime("%Y-%m-%dT%H:%M:%S"),
        "handovers": [{"interval": 1, "unit": "daily"}],
    }
    return body | extra


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def create(client: TestClient, who: Person, *layers: dict[str, Any], **body: Any) -> Any:
    body = {"name": "Primary", "timezone": "UTC", "layers": list(layers)} | body
    response = client.post("/api/v1/schedules", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------- CRUD ----------


def test_a_schedule_is_created_read_changed_and_deleted(
    client: TestClient, alice: Person, bob: Person
) -> None:
    created = create(client, alice, layer(alice, bob), description="Payments")
    assert created["name"] == "Primary"
    assert created["layers"][0]["users"] == [
        {"id": alice.user.id, "name": "Alice"},
        {"id": bob.user.id, "name": "Bob"},
    ]
    assert created["layers"][0]["working_intervals"] is None
    url = f"/api/v1/schedules/{created['id']}"
    assert client.get(url, headers=bob.headers).json() == created
    assert [s["name"] for s in client.get("/api/v1/schedules", headers=bob.headers).json()] == [
        "Primary"
    ]

    hours = [{"weekday": "mon", "start": "09:00", "end": "17:00"}]
    patched = client.patch(
        url,
        json={"name": "Payments", "layers": [layer(bob, working_intervals=hours)]},
        headers=alice.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Payments"
    assert patched.json()["layers"][0]["working_intervals"] == hours
    assert patched.json()["description"] == "Payments"

    assert client.delete(url, headers=alice.headers).status_code == 204
    error_of(client.get(url, headers=alice.headers), 404, "not_found")


def test_names_are_unique(client: TestClient, alice: Person) -> None:
    create(client, alice, layer(alice))
    response = client.post(
        "/api/v1/schedules",
        json={"name": "Primary", "timezone": "UTC", "layers": []},
        headers=alice.headers,
    )
    error_of(response, 409, "conflict")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"layers": [{"handovers": []}]}, "layers[0].handovers"),
        (
            {"layers": [{"handovers": [{"interval": 0, "unit": "daily"}]}]},
            "layers[0].handovers[0].interval",
        ),
        (
            {"layers": [{"handovers": [{"interval": 1, "unit": "yearly"}]}]},
            "layers[0].handovers[0].unit",
        ),
        ({"layers": [{"users": []}]}, "layers[0].users"),
        ({"layers": [{"users": [999999]}]}, "layers[0].users[0]"),
        ({"layers": [{"anchor": "next monday"}]}, "layers[0].anchor"),
        ({"layers": [{"working_intervals": []}]}, "layers[0].working_intervals"),
        (
            {"layers": [{"start": "2026-06-01T00:00:00Z", "end": "2026-05-01T00:00:00Z"}]},
            "layers[0].end",
        ),
    ],
)
def test_a_bad_spec_is_422_naming_the_field(
    client: TestClient, alice: Person, change: dict[str, Any], field: str
) -> None:
    body: dict[str, Any] = {"name": "Bad", "timezone": "UTC", "layers": [layer(alice)]}
    if "layers" in change:
        body["layers"] = [layer(alice) | change["layers"][0]]
    else:
        body |= change
    error = error_of(
        client.post("/api/v1/schedules", json=body, headers=alice.headers), 422, "invalid"
    )
    assert error["details"]["field"] == field
    assert error["message"].startswith(f"{field}: ")


def test_a_malformed_body_is_422_with_its_location(client: TestClient, alice: Person) -> None:
    body = {"name": "Bad", "timezone": "UTC", "layers": [layer(alice) | {"users": ["alice"]}]}
    error = error_of(
        client.post("/api/v1/schedules", json=body, headers=alice.headers), 422, "invalid"
    )
    assert "layers.0.users.0" in error["message"]


# ---------- who may ----------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/schedules"),
        ("POST", "/api/v1/schedules"),
        ("GET", "/api/v1/schedules/1"),
        ("PATCH", "/api/v1/schedules/1"),
        ("DELETE", "/api/v1/schedules/1"),
        ("GET", "/api/v1/schedules/1/entries"),
        ("GET", "/api/v1/schedules/1/oncall"),
        ("GET", "/api/v1/schedules/1/overrides"),
        ("POST", "/api/v1/schedules/1/overrides"),
        ("DELETE", "/api/v1/schedules/1/overrides/1"),
        ("GET", "/api/v1/schedules/1/feed-url"),
        ("POST", "/api/v1/schedules/1/feed-url"),
        ("GET", "/api/v1/users/me/feed-url"),
        ("POST", "/api/v1/users/me/feed-url"),
        ("GET", "/api/v1/users/me/shifts"),
    ],
)
def test_every_route_needs_a_token(client: TestClient, method: str, path: str) -> None:
    error_of(client.request(method, path), 401, "unauthorized")
    bad = {"Authorization": "Bearer wk_nonsense"}
    error_of(client.request(method, path, headers=bad), 401, "unauthorized")


def test_viewers_read_but_do_not_change(client: TestClient, alice: Person, viewer: Person) -> None:
    schedule = create(client, alice, layer(alice))
    url = f"/api/v1/schedules/{schedule['id']}"
    assert client.get(url, headers=viewer.headers).status_code == 200
    assert client.get(f"{url}/entries", headers=viewer.headers).status_code == 200
    body = {"name": "X", "timezone": "UTC", "layers": []}
    error_of(client.post("/api/v1/schedules", json=body, headers=viewer.headers), 403, "forbidden")
    error_of(client.patch(url, json={"name": "Y"}, headers=viewer.headers), 403, "forbidden")
    error_of(client.delete(url, headers=viewer.headers), 403, "forbidden")
    error_of(client.post(f"{url}/feed-url", headers=viewer.headers), 403, "forbidden")
    start = datetime.now(UTC) + DAY
    override = {"user_id": viewer.user.id, "start": iso(start), "end": iso(start + DAY)}
    error_of(
        client.post(f"{url}/overrides", json=override, headers=viewer.headers), 403, "forbidden"
    )


def test_only_admins_and_the_team_change_a_team_schedule(
    client: TestClient, session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    team = make_team(session, "Payments", member_ids=[alice.user.id])
    session.commit()
    schedule = create(client, alice, layer(alice), team_id=team.id)
    url = f"/api/v1/schedules/{schedule['id']}"
    assert schedule["team"] == {"id": team.id, "name": "Payments"}
    error_of(client.patch(url, json={"name": "Mine"}, headers=bob.headers), 403, "forbidden")
    error_of(client.post(f"{url}/feed-url", headers=bob.headers), 403, "forbidden")
    error_of(client.get(f"{url}/feed-url", headers=bob.headers), 403, "forbidden")
    assert client.patch(url, json={"name": "Ours"}, headers=admin.headers).status_code == 200
    assert client.patch(url, json={"team_id": None}, headers=alice.headers).json()["team"] is None


# ---------- entries and who is on call ----------


def test_entries_give_layers_overrides_and_final_with_names(
    client: TestClient, alice: Person, bob: Person
) -> None:
    schedule = create(client, alice, layer(alice, bob))
    url = f"/api/v1/schedules/{schedule['id']}"
    start = ANCHOR + 50 * DAY  # an even turn (Alice), ten days ahead
    override = {
        "user_id": alice.user.id,
        "start": iso(start + DAY),
        "end": iso(start + DAY + 3600 * timedelta(seconds=1)),
        "note": "swap",
    }
    created = client.post(f"{url}/overrides", json=override, headers=bob.headers)
    assert created.status_code == 201, created.text
    assert created.json()["created_by"] == {"id": bob.user.id, "name": "Bob"}

    body = client.get(
        f"{url}/entries",
        params={"from": iso(start), "to": iso(start + 2 * DAY)},
        headers=bob.headers,
    ).json()
    a, b = {"id": alice.user.id, "name": "Alice"}, {"id": bob.user.id, "name": "Bob"}
    assert body["from"] == iso(start)
    assert body["to"] == iso(start + 2 * DAY)
    assert body["timezone"] == "UTC"
    assert body["layers"] == [
        {
            "position": 0,
            "name": "primary",
            "entries": [
                {"start": iso(start), "end": iso(start + DAY), "users": [a]},
                {"start": iso(start + DAY), "end": iso(start + 2 * DAY), "users": [b]},
            ],
        }
    ]
    assert [o["note"] for o in body["overrides"]] == ["swap"]
    assert body["final"] == [
        {"start": iso(start), "end": iso(start + DAY + timedelta(hours=1)), "users": [a]},
        {"start": iso(start + DAY + timedelta(hours=1)), "end": iso(start + 2 * DAY), "users": [b]},
    ]
    at = client.get(
        f"{url}/oncall",
        params={"at": iso(start + DAY + timedelta(minutes=30))},
        headers=bob.headers,
    )
    assert at.json() == {"at": iso(start + DAY + timedelta(minutes=30)), "users": [a]}
    assert client.get(f"{url}/oncall", headers=bob.headers).json()["users"] in ([a], [b])


def test_the_window_is_capped_at_366_days(client: TestClient, alice: Person) -> None:
    schedule = create(client, alice, layer(alice))
    url = f"/api/v1/schedules/{schedule['id']}/entries"
    start = datetime(2027, 1, 1, tzinfo=UTC)
    ok = client.get(
        url, params={"from": iso(start), "to": iso(start + 366 * DAY)}, headers=alice.headers
    )
    assert ok.status_code == 200, ok.text
    too_long = client.get(
        url, params={"from": iso(start), "to": iso(start + 367 * DAY)}, headers=alice.headers
    )
    error = error_of(too_long, 400, "bad_window")
    assert "367 days" in error["message"] and "366" in error["message"]
    inverted = client.get(url, params={"from": iso(start), "to": iso(start)}, headers=alice.headers)
    error_of(inverted, 400, "bad_window")
    shifts = client.get(
        "/api/v1/users/me/shifts",
        params={"from": iso(start), "to": iso(start + 400 * DAY)},
        headers=alice.headers,
    )
    error_of(shifts, 400, "bad_window")


def test_my_shifts(client: TestClient, alice: Person, bob: Person) -> None:
    create(client, alice, layer(alice, bob))
    start = ANCHOR + 50 * DAY  # an even turn (Alice), ten days ahead
    mine = client.get(
        "/api/v1/users/me/shifts",
        params={"from": iso(start), "to": iso(start + 4 * DAY)},
        headers=bob.headers,
    ).json()
    assert [(s["schedule"]["name"], s["start"]) for s in mine] == [
        ("Primary", iso(start + DAY)),
        ("Primary", iso(start + 3 * DAY)),
    ]


# ---------- overrides ----------


def test_overrides_are_listed_checked_and_deleted(
    client: TestClient, alice: Person, bob: Person
) -> None:
    schedule = create(client, alice, layer(alice, bob))
    url = f"/api/v1/schedules/{schedule['id']}/overrides"
    start = datetime.now(UTC).replace(microsecond=0) + DAY
    body = {"user_id": bob.user.id, "start": iso(start), "end": iso(start + DAY), "note": "cover"}
    created = client.post(url, json=body, headers=alice.headers).json()
    assert created["user"] == {"id": bob.user.id, "name": "Bob"}
    assert [o["id"] for o in client.get(url, headers=bob.headers).json()] == [created["id"]]
    later = {"from": iso(start + 2 * DAY)}
    assert client.get(url, params=later, headers=bob.headers).json() == []

    backwards = body | {"end": iso(start - DAY)}
    error = error_of(client.post(url, json=backwards, headers=alice.headers), 422, "invalid")
    assert error["details"]["field"] == "end"
    far = body | {"start": iso(start + 300 * DAY), "end": iso(start + 400 * DAY)}
    error_of(client.post(url, json=far, headers=alice.headers), 422, "invalid")
    nobody = client.post(url, json=body | {"user_id": None}, headers=alice.headers)
    assert nobody.status_code == 201 and nobody.json()["user"] is None

    assert client.delete(f"{url}/{created['id']}", headers=alice.headers).status_code == 204
    error_of(client.delete(f"{url}/{created['id']}", headers=alice.headers), 404, "not_found")


# ---------- calendar feeds ----------


def feed(client: TestClient, url: str) -> Calendar:
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_schedule_feed_is_valid_icalendar_behind_a_secret(
    client: TestClient, alice: Person, bob: Person
) -> None:
    schedule = create(client, alice, layer(alice, bob))
    state = client.get(f"/api/v1/schedules/{schedule['id']}/feed-url", headers=alice.headers)
    assert state.json() == {"exists": False}
    feed_url = client.post(f"/api/v1/schedules/{schedule['id']}/feed-url", headers=alice.headers)
    assert feed_url.status_code == 201, feed_url.text
    url = feed_url.json()["url"]
    assert url.startswith("http") and url.endswith(".ics") and "/feeds/schedules/" in url

    calendar = feed(client, url)
    assert calendar["VERSION"] == "2.0"
    assert "Watchkeep" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    now = datetime.now(UTC)
    starts = [e.decoded("DTSTART") for e in events]
    ends = [e.decoded("DTEND") for e in events]
    assert min(starts) <= now - 29 * DAY and max(ends) >= now + 89 * DAY  # 30 back, 90 ahead
    assert all(s.utcoffset() == timedelta(0) for s in starts)
    assert {str(e["SUMMARY"]) for e in events} == {"Alice", "Bob"}
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all("DTSTAMP" in e and "DTEND" in e for e in events)
    # The same shift keeps its UID from one fetch to the next.
    assert [str(e["UID"]) for e in feed(client, url).walk("VEVENT")] == [
        str(e["UID"]) for e in events
    ]

    # Reading changes nothing (a link elsewhere cannot break a subscription)...
    state = client.get(f"/api/v1/schedules/{schedule['id']}/feed-url", headers=alice.headers)
    assert state.json() == {"exists": True}
    assert feed(client, url).walk("VEVENT")
    # ...rotating the secret stops the old address.
    newer = client.post(f"/api/v1/schedules/{schedule['id']}/feed-url", headers=alice.headers)
    newer = newer.json()
    assert newer["url"] != url
    error_of(client.get(urlsplit(url).path), 404, "not_found")
    assert feed(client, newer["url"]).walk("VEVENT")


def test_the_user_feed_has_that_users_shifts(
    client: TestClient, alice: Person, bob: Person
) -> None:
    create(client, alice, layer(alice, bob))
    create(client, alice, layer(bob, name="backup"), name="Backup")
    assert client.get("/api/v1/users/me/feed-url", headers=alice.headers).json() == {
        "exists": False
    }
    url = client.post("/api/v1/users/me/feed-url", headers=alice.headers).json()["url"]
    assert client.get("/api/v1/users/me/feed-url", headers=alice.headers).json() == {"exists": True}
    assert "/feeds/users/" in url
    events = feed(client, url).walk("VEVENT")
    assert events and {str(e["SUMMARY"]) for e in events} == {"On call: Primary"}
    day_lengths = {e.decoded("DTEND") - e.decoded("DTSTART") for e in events}
    assert day_lengths <= {DAY}
    bobs = feed(client, client.post("/api/v1/users/me/feed-url", headers=bob.headers).json()["url"])
    summaries = {str(e["SUMMARY"]) for e in bobs.walk("VEVENT")}
    assert summaries == {"On call: Primary", "On call: Backup"}


@pytest.mark.parametrize("path", ["/feeds/schedules/wkcal_nope.ics", "/feeds/users/wkcal_nope.ics"])
def test_a_wrong_feed_token_is_404(client: TestClient, path: str) -> None:
    error_of(client.get(path), 404, "not_found")


def test_a_cross_site_request_cannot_rotate_a_feed(client: TestClient, alice: Person) -> None:
    """With a web session's cookie, reading changes nothing and rotating needs the CSRF token."""
    url = client.post("/api/v1/users/me/feed-url", headers=alice.headers).json()["url"]
    token = log_in(client, alice)
    assert client.get("/api/v1/users/me/feed-url").json() == {"exists": True}
    error_of(client.post("/api/v1/users/me/feed-url"), 403, "forbidden")
    assert feed(client, url).walk("VEVENT") is not None  # the subscription still works
    rotated = client.post("/api/v1/users/me/feed-url", headers={"X-CSRF-Token": token})
    assert rotated.status_code == 201 and rotated.json()["url"] != url
