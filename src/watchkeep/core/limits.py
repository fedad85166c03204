"""How large an input may be, and the pydantic types that hold the API's bodies to it.

Every text field has a maximum length (the README's API section lists them); ids range over
1..MAX_ID (see ``core/ids.py``); other whole numbers fit the 32-bit columns that store them.
A request body as a whole is limited as it arrives (``WATCHKEEP_MAX_BODY_BYTES``, see
``http/bodylimit.py``).

Body fields are strict where JSON has the right type: a flag is ``true`` or ``false``, never
``"yes"``; a count is a JSON number without a fraction (``3`` or ``3.0``), never ``"3"``; an
instant is an ISO 8601 text, never a number of seconds.
"""

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
)

from watchkeep.core.ids import MAX_ID

NAME_LENGTH = 200
"""Names: of people, teams, services, schedules, layers, tokens, severities, types, fields."""
TITLE_LENGTH = 300
"""Titles of incidents, problems, follow-ups and known errors."""
TEXT_LENGTH = 20_000
"""Any other text: summaries, descriptions, notes, status updates, answers, workarounds."""
MAX_INT = 2**31 - 1
"""Whole numbers other than ids (ranks, minutes, counts) are stored in 32-bit columns."""

MAX_PAGE = 1_000_000_000
"""The last page number of a web list: past any real list, far below an offset overflow."""


class Input(BaseModel):
    """A request body: unknown fields are refused, and no text is longer than TEXT_LENGTH."""

    model_config = ConfigDict(extra="forbid", str_max_length=TEXT_LENGTH)


def _json_integer(value: Any) -> Any:
    """A JSON integer: a number without a fraction (``3`` or ``3.0``), never text or a flag."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("must be a JSON number without a fraction")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
Id = Annotated[JsonInt, Field(ge=1, le=MAX_ID)]
"""An id in a body."""
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a query string (where every value is text)."""
Whole = Annotated[JsonInt, Field(ge=-MAX_INT, le=MAX_INT)]
"""A whole number in a body that is not an id."""
Flag = StrictBool
"""A ``true``/``false`` in a body."""

LabelName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=200)]
"""An alert label's name, as Prometheus writes them."""
LabelValue = Annotated[str, StringConstraints(max_length=2000)]
"""An alert label's value."""
Word = Annotated[str, StringConstraints(max_length=40)]
"""One of a few known words (a priority, a status, a unit), checked by the service."""
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_LENGTH)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=TITLE_LENGTH)]
Text = Annotated[str, StringConstraints(max_length=TEXT_LENGTH)]
RequiredText = Annotated[str, StringConstraints(min_length=1, max_length=TEXT_LENGTH)]

_ISO_DATE = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_text(value: Any) -> Any:
    """Refuse what pydantic would otherwise read as seconds since 1970 (``0.5``, ``"12"``)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("must be an ISO 8601 date and time, such as 2024-05-01T14:30:00Z")


Instant = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
"""A date and time with its offset, written in ISO 8601."""
LooseInstant = Annotated[datetime, BeforeValidator(_iso_text)]
"""A date and time in ISO 8601 whose offset may be left out (then it is read as UTC)."""
