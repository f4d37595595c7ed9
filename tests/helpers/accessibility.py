"""Accessibility checks with axe-core in a real browser.

axe is injected from node_modules (never a CDN) into the page's current
document by evaluating its source through the browser's DevTools protocol,
which the page's Content-Security-Policy does not govern: the pages are
checked with the site's real policy in force (no `bypass_csp`).
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

#: WCAG 2.2 level A and AA, including the success criteria added in 2.1 and 2.2.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """async (options) => {
    const results = await axe.run(document, options);
    return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        helpUrl: violation.helpUrl,
        nodes: violation.nodes.map((node) => ({
            target: node.target.map((part) => Array.isArray(part) ? part.join(" ") : part),
            summary: node.failureSummary,
        })),
    }));
}"""


def settle_animations(page, timeout_ms: int = 5000) -> None:
    """Wait for running CSS animations and transitions to end.

    axe reads computed colours: halfway through a fade (Wagtail's admin
    messages fade in) a colour is a blend that fails contrast although the
    finished one passes. Long or endless decorative animations (Wagtail's
    badge "ping" runs for 25 seconds) are left alone.
    """
    page.wait_for_function(
        """(limit) => document.getAnimations().every((animation) => {
            const timing = animation.effect && animation.effect.getComputedTiming();
            return animation.playState !== "running" || !timing || timing.endTime > limit;
        })""",
        arg=timeout_ms,
        # Animations of up to timeout_ms are waited for; on a busy machine
        # their frames come late, so the wait itself may take longer.
        timeout=timeout_ms * 6,
    )


def axe_violations(page, tags: list[str] | None = None) -> list[dict]:
    """Run axe on the page's current document and return its violations."""
    if not AXE_SCRIPT.exists():
        raise RuntimeError(f"{AXE_SCRIPT} is missing: run `npm ci` (or `make install-test`).")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    settle_animations(page)
    options = {
        "runOnly": {"type": "tag", "values": tags or WCAG_TAGS},
        "resultTypes": ["violations"],
    }
    return page.evaluate(_RUN_AXE, options)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(node['target'])}")
            if node.get("summary"):
                summary = " ".join(node["summary"].split())
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_no_axe_violations(page, tags: list[str] | None = None) -> None:
    """Fail listing each WCAG 2.2 A/AA violation axe finds on the page."""
    violations = axe_violations(page, tags)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations)
        )
