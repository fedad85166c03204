"""Every user colour of the schedule drawings reads with WCAG AA contrast (4.5:1)."""

import pytest

from watchkeep.oncall.web.timeline import NOBODY, PALETTE

AA = 4.5


def luminance(colour: str) -> float:
    """Relative luminance of a ``#rrggbb`` colour (WCAG 2.1)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#e8590c", "#ffffff") == pytest.approx(3.58, abs=0.01)  # the old orange


@pytest.mark.parametrize(("fill", "text"), [*PALETTE, NOBODY])
def test_every_user_colour_has_aa_contrast(fill: str, text: str) -> None:
    assert contrast(fill, text) >= AA, f"{text} on {fill} is {contrast(fill, text):.2f}:1"
