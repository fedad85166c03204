import re

import pytest

from watchkeep.core.ids import MAX_ID, id_pattern, parse_id, parse_reference


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        (12, 12),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (MAX_ID + 1, None),
        ("0", None),
        (-3, None),
        ("¹", None),
        ("١٢", None),  # Arabic-Indic digits: isdigit() says yes
        ("1.5", None),
        ("", None),
        (True, None),
        (2**53, None),
        (None, None),
    ],
)
def test_parse_id(value: object, expected: int | None) -> None:
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("INC-7", 7),
        ("inc-7", 7),
        ("7", 7),
        (7, 7),
        ("PRB-7", None),
        ("INC-", None),
        ("INC-¹", None),
    ],
)
def test_parse_reference(value: object, expected: int | None) -> None:
    assert parse_reference(value, "INC") == expected


@pytest.mark.parametrize("largest", [0, 1, 9, 10, 19, 100, 305, 2**31 - 1, MAX_ID, 2**63 - 1])
def test_the_path_pattern_matches_exactly_the_numbers_up_to_the_largest(largest: int) -> None:
    pattern = re.compile(f"(?:{id_pattern(largest)})")
    around = {0, 1, 9, 10, 99, 100, largest - 1, largest, largest + 1, largest * 10, 10**19}
    for number in (n for n in around if n >= 0):
        assert bool(pattern.fullmatch(str(number))) == (number <= largest), number
    assert not pattern.fullmatch("¹")
