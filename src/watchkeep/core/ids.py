"""Ids and human references (``INC-12``, ``PRB-3``, ``KE-4``): the one parser of both.

Id columns are 64-bit on every database, but an id the API takes or gives is a whole number
from 1 to :data:`MAX_ID` = 2^53 - 1: the largest integer every JSON reader holds exactly (a
browser's, and JSON Schema tools', numbers are doubles). Only ASCII digits count:
``str.isdigit`` also accepts superscripts and other scripts' digits, which ``int`` then
refuses or reads as a different number.
"""

import re

MAX_ID = 2**53 - 1
"""The largest id: far below what a BIGINT (or SQLite's INTEGER) holds, exact as a double."""

_ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_id(value: object) -> int | None:
    """``value`` as an id if it is one (an int, or ASCII digits, in 1..MAX_ID), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not _ASCII_DIGITS.fullmatch(text):
            return None
        value = int(text)
    if isinstance(value, int) and 1 <= value <= MAX_ID:
        return value
    return None


def parse_reference(value: object, prefix: str) -> int | None:
    """The number in a reference: ``INC-12``, ``inc-12`` or ``12`` with ``prefix="INC"``,
    or ``None`` when ``value`` is not one."""
    if isinstance(value, str):
        text = value.strip()
        if text[: len(prefix) + 1].upper() == prefix.upper() + "-":
            text = text[len(prefix) + 1 :]
        return parse_id(text)
    return parse_id(value)


def id_pattern(largest: int = MAX_ID) -> str:
    """A regular expression matching exactly the ASCII numbers from 0 to ``largest``, for a
    URL path converter: a longer or larger number never reaches a route."""
    top = str(largest)
    shorter = f"[0-9]{{1,{len(top) - 1}}}" if len(top) > 1 else ""
    same_length = [
        top[:i]
        + (f"[0-{int(digit) - 1}]" if digit != "1" else "0")
        + f"[0-9]{{{len(top) - i - 1}}}"
        for i, digit in enumerate(top)
        if digit != "0"
    ]
    return "|".join(part for part in (shorter, *same_length, top) if part)
