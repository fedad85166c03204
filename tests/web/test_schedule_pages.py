"""Schedule pages over HTTP, on SQLite and PostgreSQL: the list, the drawing, the forms,
overrides from the page, "my shifts" and the dashboard's on-call panel."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, committed_person, make_person, make_schedule
from tests.web.helpers import HTML, HX, hx, log_in

from watchkeep.core.clock import utcnow
from watchkeep.oncall import overrides as overrides_service
from watchkeep.oncall import service as schedules
from watchkeep.oncall.models import Schedule

DAY = timedelta(days=1)
TODAY = datetime.now(UTC).date()
ANCHOR = f"{TODAY - timedelta(days=7)}T09:00:00"


@pytest.fixture
def bob(session: Session) -> Person:
    return committed_person(session, name="Bob Backup")


@pytest.fixture
def primary(session: Session, alice: Person, bob: Person) -> Schedule:
    """Alice and Bob in weekly turns, and Bob on weekday office hours above them."""
    schedule = make_schedule(
        session,
        alice,
        {
            "name": "weekly",
            "users": [alice.user.id, bob.user.id],
            "anchor": ANCHOR,
            "handovers": [{"interval": 1, "unit": "weekly"}],
        },
        {
            "name": "office",
            "users": [bob.user.id],
            "anchor": ANCHOR,
            "handovers": [{"interval": 1, "unit": "weekly"}],
            "working_intervals": [{"weekday": "sat", "start": "10:00", "end": "12:00"}],
        },
        name="Payments primary",
        description="Card payments and payouts",
        now=utcnow(),
    )
    session.commit()
    return schedule


def reloaded(session: Session, schedule_id: int) -> Schedule:
    session.expire_all()
    return schedules.get(session, schedule_id=schedule_id)


def layer_form(users: list[Any], **extra: str) -> dict[str, Any]:
    form: dict[str, Any] = {
        "layer_count": "1",
        "layer-0-name": "days",
        "layer-0-users": [str(u) for u in users] + ["", ""],
        "layer-0-anchor": "2026-03-02T09:00",
        "layer-0-concurrent": "1",
        "layer-0-handover_count": "2",
        "layer-0-handover-0-interval": "1",
        "layer-0-handover-0-unit": "daily",
        "layer-0-handover-1-interval": "",
        "layer-0-handover-1-unit": "daily",
        "layer-0-hours": "some",
        "layer-0-wi_count": "2",
        "layer-0-wi-0-days": ["mon", "tue", "wed", "thu", "fri"],
        "layer-0-wi-0-start": "09:00",
        "layer-0-wi-0-end": "17:00",
        "layer-0-wi-1-start": "09:00",
        "layer-0-wi-1-end": "17:00",
    }
    form.update(extra)
    return form


# ---------- pages ----------


@pytest.mark.parametrize(
    "path",
    [
        "/schedules",
        "/schedules/new",
        "/schedules/{id}",
        "/schedules/{id}?days=14&tz=Asia/Kolkata",
        "/schedules/{id}?days=28&start=2026-03-01&tz=UTC",
        "/schedules/{id}/edit",
        "/my-shifts",
    ],
)
def test_every_schedule_page_renders(
    client: TestClient, alice: Person, primary: Schedule, path: str
) -> None:
    log_in(client, alice)
    response = client.get(path.format(id=primary.id), headers=HTML)
    assert response.status_code == 200, response.text
    assert 'href="/schedules" aria-current="page"' in response.text


def test_the_list_says_who_is_on_call(client: TestClient, alice: Person, primary: Schedule) -> None:
    log_in(client, alice)
    page = client.get("/schedules", headers=HTML).text
    assert "Payments primary" in page
    assert "Bob Backup" in page  # Bob's weekly turn runs now (the anchor was a week ago)


def test_the_schedule_page_draws_layers_overrides_and_the_final_schedule(
    client: TestClient, alice: Person, primary: Schedule
) -> None:
    log_in(client, alice)
    page = client.get(f"/schedules/{primary.id}", headers=HTML).text
    svg = page[page.index('<svg class="tl-svg"') : page.index("</svg>", page.index("tl-svg"))]
    for label in ("Final schedule", "Overrides", "Layer 2", "Layer 1"):
        assert label in svg
    assert svg.count('class="tl-bar"') >= 3
    assert 'class="tl-now"' in svg  # the default window holds today
    assert "Bob Backup" in svg or "Bob" in svg
    assert "On call now" in page and "Cover a shift" in page
    # Another week and time zone: the axis follows, today is not in view.
    later = client.get(
        f"/schedules/{primary.id}?start=2030-01-07&days=7&tz=Asia/Tokyo", headers=HTML
    )
    assert 'class="tl-now"' not in later.text
    assert "Asia/Tokyo" in later.text and "7 Jan" in later.text


def test_every_bar_of_the_drawing_is_also_a_table_row(
    client: TestClient, alice: Person, primary: Schedule
) -> None:
    log_in(client, alice)
    page = client.get(f"/schedules/{primary.id}?start=2030-01-07&days=7&tz=UTC", headers=HTML)
    svg_start = page.text.index('<svg class="tl-svg"')
    svg = page.text[svg_start : page.text.index("</svg>", svg_start)]
    assert f'aria-describedby="tl-words-{primary.id}"' in svg
    words = page.text[page.text.index(f'id="tl-words-{primary.id}"') :]
    words = words[: words.index("</details>")]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", words)
    assert len(rows) == svg.count('<g class="tl-bar')  # one row per bar, gaps included
    when = re.compile(r"\w{3} \d\d \w{3} \d\d:\d\d")
    for who, start, end in rows:
        assert who in ("Alice Lead", "Bob Backup", "Nobody")
        assert when.fullmatch(start) and when.fullmatch(end)
        assert f"{who} · {start} → {end}" in svg  # the same words as the bar's tooltip
    captions = re.findall(r"<caption>([^<]+)</caption>", words)
    assert captions[0].startswith("Final schedule") and "Overrides" in captions[1]


def test_navigating_the_drawing_with_htmx_swaps_the_parts(
    client: TestClient, alice: Person, primary: Schedule
) -> None:
    log_in(client, alice)
    response = client.get(f"/schedules/{primary.id}?days=28&tz=UTC", headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="schedule-timeline"')
    assert 'id="schedule-overrides"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "<html" not in response.text


def test_an_unknown_time_zone_is_an_error(
    client: TestClient, alice: Person, primary: Schedule
) -> None:
    log_in(client, alice)
    response = client.get(f"/schedules/{primary.id}?tz=Mars/Base", headers=HTML)
    assert response.status_code == 422
    assert "unknown time zone" in response.text


# ---------- forms ----------


def test_a_schedule_is_created_from_the_form(
    client: TestClient, session: Session, alice: Person, bob: Person
) -> None:
    token = log_in(client, alice)
    form = {"csrf_token": token, "name": "Search", "timezone": "Europe/Berlin", "team": ""}
    response = client.post(
        "/schedules",
        data=form | layer_form([alice.user.id, "none", bob.user.id]),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    schedule_id = int(response.headers["location"].rsplit("/", 1)[1])
    layer = reloaded(session, schedule_id).layers[0]
    assert layer.users == [str(alice.user.id), None, str(bob.user.id)]
    assert layer.anchor == "2026-03-02T09:00:00"
    assert layer.handovers == [{"interval": 1, "unit": "daily"}]
    assert [w["weekday"] for w in layer.working_intervals or []] == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    ]


def test_form_errors_name_the_layer_and_the_field(client: TestClient, alice: Person) -> None:
    token = log_in(client, alice)
    form = {"name": "Broken", "timezone": "UTC"} | layer_form(
        [alice.user.id], **{"layer-0-handover-0-interval": "0"}
    )
    response = client.post("/schedules", data=form, headers=hx(token, "schedule-form"))
    assert response.status_code == 422
    assert "#schedule-form-error" in response.text
    assert "Layer 1, handover row 1 interval: must be at least 1" in response.text
    # The error names the input that holds the field, so the page can mark and focus it.
    assert 'data-error-for="layer-0-handover-0-interval"' in response.text
    empty = {"name": "Broken", "timezone": "UTC"} | layer_form(["", ""])
    empty["layer-0-anchor"] = "2026-03-02T09:00"
    response = client.post("/schedules", data=empty, headers=hx(token, "schedule-form"))
    assert "Layer 1, users: needs at least one user" in response.text


def test_the_edit_form_shows_and_saves_the_layers(
    client: TestClient, session: Session, alice: Person, bob: Person, primary: Schedule
) -> None:
    token = log_in(client, alice)
    page = client.get(f"/schedules/{primary.id}/edit", headers=HTML).text
    assert 'name="layer_count" value="3"' in page  # two layers and a spare
    assert f'value="{bob.user.id}" selected' in page
    form = {"name": "Payments", "timezone": "Europe/London", "description": "x"}
    form |= layer_form([bob.user.id], **{"layer-0-hours": "always"})
    response = client.post(
        f"/schedules/{primary.id}/edit", data=form, headers=hx(token, "schedule-form")
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/schedules/{primary.id}"
    schedule = reloaded(session, primary.id)
    assert schedule.name == "Payments"
    assert [(layer.name, layer.working_intervals) for layer in schedule.layers] == [("days", None)]


def test_viewers_get_no_forms(client: TestClient, session: Session, primary: Schedule) -> None:
    viewer = make_person(session, "viewer")
    session.commit()
    log_in(client, viewer)
    page = client.get(f"/schedules/{primary.id}", headers=HTML).text
    assert "Cover a shift" not in page and "Edit schedule" not in page
    assert client.get(f"/schedules/{primary.id}/edit", headers=HTML).status_code == 403
    assert client.get("/schedules/new", headers=HTML).status_code == 403


# ---------- overrides ----------


def test_an_override_is_added_and_removed_from_the_page(
    client: TestClient, session: Session, alice: Person, bob: Person, primary: Schedule
) -> None:
    token = log_in(client, alice)
    start = datetime.now(UTC).replace(tzinfo=None) + DAY
    form = {
        "user": str(alice.user.id),
        "start": start.strftime("%Y-%m-%dT%H:00"),
        "end": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:00"),
        "note": "dentist swap",
        "tz": "UTC",
        "view_days": "7",
    }
    url = f"/schedules/{primary.id}/overrides"
    response = client.post(url, data=form, headers=hx(token, "schedule-overrides"))
    assert response.status_code == 200, response.text
    assert response.text.lstrip().startswith('<section id="schedule-overrides"')
    assert "dentist swap" in response.text
    assert 'id="schedule-timeline"' in response.text  # redrawn out of band
    # "Coming up" follows at once: Alice covers the shift tomorrow.
    upcoming = response.text[response.text.index('<section id="schedule-upcoming"') :]
    assert 'hx-swap-oob="true"' in upcoming[:120]
    assert "Alice Lead" in upcoming[: upcoming.index("</section>")]
    found = overrides_service.list_overrides(session, schedule_id=primary.id)
    assert [(o.user_id, o.note) for o in found] == [(alice.user.id, "dentist swap")]

    backwards = form | {"end": form["start"], "start": form["end"]}
    refused = client.post(url, data=backwards, headers=hx(token, "schedule-overrides"))
    assert refused.status_code == 422
    assert "#schedule-overrides-error" in refused.text and "must be after start" in refused.text

    removed = client.post(
        f"{url}/{found[0].id}/delete", data={"tz": "UTC"}, headers=hx(token, "schedule-overrides")
    )
    assert removed.status_code == 200
    assert '<section id="schedule-upcoming" class="panel" hx-swap-oob="true"' in removed.text
    session.expire_all()
    assert overrides_service.list_overrides(session, schedule_id=primary.id) == []


# ---------- my shifts, feeds, dashboard ----------


def test_my_shifts_lists_upcoming_shifts_and_makes_a_feed_address(
    client: TestClient, alice: Person, primary: Schedule
) -> None:
    token = log_in(client, alice)
    page = client.get("/my-shifts", headers=HTML).text
    # Alice and Bob take weekly turns: in Alice's week she is on call now, else next.
    assert "Payments primary" in page
    assert ("You are on call now" in page) != ("Your next shift" in page)
    made = client.post("/my-shifts/feed", headers=hx(token, "my-feed"))
    assert made.status_code == 200
    assert "/feeds/users/wkcal_" in made.text
    address = made.text.split('value="', 1)[1].split('"', 1)[0]
    path = address.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200


def test_the_schedule_page_makes_a_feed_address(
    client: TestClient, alice: Person, primary: Schedule
) -> None:
    token = log_in(client, alice)
    made = client.post(f"/schedules/{primary.id}/feed", headers=hx(token, "schedule-feed"))
    assert made.status_code == 200
    assert "/feeds/schedules/wkcal_" in made.text


def test_the_dashboard_shows_who_is_on_call_now_and_next(
    client: TestClient, session: Session, alice: Person, bob: Person, primary: Schedule
) -> None:
    log_in(client, alice)
    page = client.get("/", headers=HTML).text
    panel = page[page.index("oncall-panel") :]
    panel = panel[: panel.index("</section>")]
    assert "Payments primary" in panel
    assert "Bob Backup" in panel  # on call now
    assert "Alice Lead" in panel  # next
    fragment = client.get("/dashboard/panels/on-call-now", headers=HX).text  # its refresh
    assert "oncall-panel" in fragment


def test_the_dashboard_panel_without_schedules(client: TestClient, alice: Person) -> None:
    log_in(client, alice)
    page = client.get("/", headers=HTML).text
    assert "No on-call schedules yet" in page
