import pytest

from watchkeep.core.text import spreadsheet_safe


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\r=1"])
def test_text_that_would_start_a_formula_gets_a_quote(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Database down", "", "a=b", 3, True, "'quoted"])
def test_other_values_pass_unchanged(value: object) -> None:
    assert spreadsheet_safe(value) == value
