"""The Hypothesis profiles: short locally, full and reproducible in CI."""

import pytest
from hypothesis import settings
from tests.hypothesis_profiles import CI, DEV, chosen_profile, examples


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, DEV),
        ({"CI": "false"}, DEV),
        ({"CI": "true"}, CI),
        ({"CI": "TRUE"}, CI),
        ({"HYPOTHESIS_PROFILE": "ci"}, CI),
        ({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}, DEV),
        ({"CI": "true", "HYPOTHESIS_PROFILE": " "}, CI),
    ],
)
def test_the_environment_chooses_the_profile(environ: dict[str, str], expected: str) -> None:
    assert chosen_profile(environ) == expected


def test_ci_runs_four_times_the_examples_of_a_local_run_and_the_same_ones_each_time() -> None:
    dev, ci = settings.get_profile(DEV), settings.get_profile(CI)
    assert (dev.max_examples, ci.max_examples) == (25, 100)
    assert (dev.derandomize, ci.derandomize) == (False, True)
    assert (ci.database, ci.deadline) == (None, None)


def test_a_property_test_asks_for_a_multiple_of_the_active_profile() -> None:
    active = settings().max_examples
    assert (examples(1), examples(3), examples(1.5)) == (active, 3 * active, round(1.5 * active))
    assert examples(0) == 1
