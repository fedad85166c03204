"""Error messages on pages speak of fields in words; the API keeps the names."""

import pytest

from watchkeep.http.errors import for_people


@pytest.mark.parametrize(
    ("message", "worded"),
    [
        ("next_update_in_minutes must be between 1 and 10080", "next update in minutes must"),
        ("fix_link must be an http(s) URL", "fix link must be an http(s) URL"),
        ("owner_id: Input should be a valid integer; lead_id: bad", "owner: Input should be"),
        ("title must not be empty", "title must not be empty"),
        # A name the user typed is left as typed.
        ("a schedule named 'night_shift' already exists", "a schedule named 'night_shift'"),
    ],
)
def test_field_names_read_as_words(message: str, worded: str) -> None:
    assert for_people(message).startswith(worded)


def test_every_joined_message_is_worded() -> None:
    assert for_people("owner_id: bad; lead_id: worse") == "owner: bad; lead: worse"
