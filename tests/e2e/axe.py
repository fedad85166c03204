"""axe-core in a page: inject it, run the WCAG 2.1 A and AA rules, and describe what fails;
and the one check axe-core leaves out, the contrast of text in inline SVG (``svg_text.js``).

``make suite`` installs the pinned axe-core into ``.cache/axe-core`` of the checkout
(see the Makefile); without it the checks are skipped locally and fail in CI.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page
from tests.conftest import unavailable

VERSION = "4.14.1"
PACKAGE = Path(__file__).resolve().parents[2] / ".cache" / "axe-core" / "node_modules" / "axe-core"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SVG_TEXT = Path(__file__).with_name("svg_text.js").read_text()

# Waits first for the page's finite animations and transitions (a button fading to its
# hover colour after a click): contrast is judged on what stays, not on a frame between.
_RUN = """async (tags) => {
  const finite = document.getAnimations().filter(
    (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity
  );
  await Promise.all(finite.map((a) => a.finished.catch(() => null)));
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
  }));
}"""


@cache
def source() -> str:
    """The pinned axe-core's script (skips, or fails in CI, when it is not installed)."""
    script = PACKAGE / "axe.min.js"
    if not script.exists():
        unavailable(f"no axe-core at {PACKAGE}: `make suite` installs it")
    version = json.loads((PACKAGE / "package.json").read_text())["version"]
    if version != VERSION:
        unavailable(f"axe-core {version} at {PACKAGE}, not {VERSION}: `make suite` installs it")
    return script.read_text()


def install(context: BrowserContext) -> None:
    """Load axe-core into every page the context opens, once per page load (cheaper than
    sending the script with each check)."""
    context.add_init_script(script=source())


def violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations of the page as it is now (its context has ``install``)."""
    assert page.evaluate("() => typeof window.axe === 'object'"), "axe-core is not loaded"
    found: list[dict[str, Any]] = page.evaluate(_RUN, list(TAGS))
    return found


def svg_text_contrast(page: Page) -> list[dict[str, Any]]:
    """SVG text below AA contrast with what is painted beneath it, as one axe-like violation."""
    failures = page.evaluate(SVG_TEXT)
    if not failures:
        return []
    nodes = [
        {
            "target": [f"svg text {f['text']!r}"],
            "summary": f"{f['ink']} on {f['ground']} at {f['size']}px is {f['ratio']}:1, "
            f"needs {f['needed']}:1",
        }
        for f in failures
    ]
    help_ = "Text in SVG must meet minimum color contrast ratio thresholds (checked here)"
    return [{"id": "svg-text-contrast", "impact": "serious", "help": help_, "nodes": nodes}]


def describe(found: list[dict[str, Any]]) -> str:
    """Each violation with its rule, impact and every failing node: what to fix, and where."""
    lines = []
    for violation in found:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(
                " >> ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            summary = " ".join(node["summary"].split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)
