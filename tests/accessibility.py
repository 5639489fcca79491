"""axe-core, the accessibility engine, run inside a page the browser has open.

The engine is the `axe.min.js` that PyPI's axe-playwright-python bundles (pinned in
constraints.txt; `make test` installs it, no Node toolchain needed). Its version must know the WCAG
2.2 rules: `test_the_axe_core_in_use_knows_every_tag_asked_for` holds it to that.
"""

from __future__ import annotations

import json
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

#: WCAG 2.0 A and AA, 2.1 AA, 2.2 AA, and Deque's best practices.
TAGS = ("wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice")


def _inject(page: Any) -> None:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)


def axe_version(page: Any) -> str:
    _inject(page)
    return page.evaluate("axe.version")


def axe_rules(page: Any, tag: str) -> list[str]:
    """The ids of axe's rules that carry `tag`."""
    _inject(page)
    return page.evaluate(f"axe.getRules([{json.dumps(tag)}]).map(rule => rule.ruleId)")


def axe_violations(page: Any) -> list[str]:
    """Every violation axe finds on the page with TAGS, one line each: rule, help, where."""
    _inject(page)
    options = {"runOnly": {"type": "tag", "values": list(TAGS)}, "resultTypes": ["violations"]}
    results = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: {len(v['nodes'])} element(s), first "
        f"{v['nodes'][0]['target']}: {v['nodes'][0]['failureSummary']}"
        for v in results["violations"]
    ]
