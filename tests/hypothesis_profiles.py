"""Hypothesis profiles: a short run locally, the full one in CI (DESIGN.md section 6).

``HYPOTHESIS_PROFILE`` names the profile; without it ``CI=true`` (which ``.ci/run`` exports)
chooses ``ci`` and anything else ``dev``. The root conftest loads it before any test module
is collected (``pytest --hypothesis-profile NAME`` still overrides it).

A property test that deserves more examples than others asks for a multiple of the
profile's count, ``@settings(max_examples=examples(3))``, never for a fixed number: a fixed
number would override the profile and make the local run as long as the CI one.
"""

import os
from collections.abc import Mapping

from hypothesis import settings

DEV = "dev"
CI = "ci"

# Locally: a quarter of CI's examples, a fresh random draw on every run, and failures
# replayed first from the example database in .hypothesis/. Built on Hypothesis's default
# profile explicitly: with CI set, Hypothesis has already loaded its ci profile on import.
settings.register_profile(DEV, settings.get_profile("default"), max_examples=25)
# In CI: Hypothesis's own ci profile (the same draw on every run, so a red build reproduces
# from the commit alone; no deadline on a shared runner; no example database on a
# throwaway one; the reproducing blob printed with a failure) at the full count.
settings.register_profile(CI, settings.get_profile(CI), max_examples=100)


def chosen_profile(environ: Mapping[str, str] = os.environ) -> str:
    """The profile ``environ`` asks for: ``HYPOTHESIS_PROFILE``, else ``ci`` under CI=true."""
    named = environ.get("HYPOTHESIS_PROFILE", "").strip()
    if named:
        return named
    return CI if environ.get("CI", "").lower() == "true" else DEV


def load_chosen_profile() -> str:
    """Load the profile the environment asks for, and name it."""
    name = chosen_profile()
    settings.load_profile(name)
    return name


def examples(factor: float) -> int:
    """``factor`` times the active profile's ``max_examples`` (at least one)."""
    return max(1, round(settings().max_examples * factor))
