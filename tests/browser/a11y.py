"""axe-core checks for the browser tests: ``assert_accessible(page, context="...")``.

axe-playwright-python bundles axe.min.js. It is injected with ``page.evaluate`` (the
DevTools protocol, which the page's Content-Security-Policy does not govern), so the
app's strict CSP stays on during the check.
"""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
# WCAG 2.0/2.1/2.2 A and AA, and axe's best practices (landmarks, heading order, region).
OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now."""
    return _axe.run(page, options=OPTIONS).response["violations"]


def describe(found: list[dict]) -> str:
    """One block per violation: rule id, impact, help and the offending nodes' selectors."""
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:8]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page, context: str = "") -> None:
    """Fail with every axe violation on the page (0 allowed)."""
    found = violations(page)
    where = f"{context} ({page.url})" if context else page.url
    assert not found, f"axe found {len(found)} accessibility violation(s) on {where}:\n{describe(found)}"
