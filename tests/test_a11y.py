"""Accessibility: axe-core (vendored in tests/vendor/axe-core/, pinned version and sha256, see
tests/test_vendor.py) injected into every page type of the built site, on a desktop and a 390×844
phone, in the light and the dark scheme. Every violation found is printed; a serious or critical
one fails the test.

What the first run found, and the fixes (see docs/assets/site.css, docs/assets/site.js,
overrides/partials/search.html, templates/partials/downloads.md.j2):
- color-contrast: Material's inactive header tabs (opacity .7, 4.3:1), the footer copyright
  (4.47:1), the secondary button in the dark scheme (2.3:1);
- link-in-text-block: links in running text told apart by colour only (now underlined);
- aria-dialog-name: Material's search dialog had no accessible name;
- scrollable-region-focusable: wide tables scrolling on a phone were out of the keyboard's reach;
- heading-order (moderate): the downloads page jumped from h1 to h3.
"""
from __future__ import annotations

import pytest

from browsing import AXE_JS, DESKTOP, PAGE_TYPES, PHONE, watched_page

pytestmark = [pytest.mark.browser, pytest.mark.build]
FAILING = {"serious", "critical"}
# Rules excluded, each for one selector, with the reason. Empty: everything axe found was fixed.
# Form: {"rule-id": {"selector": "why"}}
EXCLUDED: dict[str, dict[str, str]] = {}

AXE_RUN = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return {version: axe.version, violations: r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))};
}"""


def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def excluded(rule: str, target: str) -> bool:
    return any(target == sel or target.startswith(sel + " ") for sel in EXCLUDED.get(rule, {}))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_or_critical_axe_violation(browser, site_url, viewport, scheme):
    axe = axe_source()
    found, failing = [], []
    with watched_page(browser, viewport=viewport, color_scheme=scheme) as (page, watch):
        for kind, url in PAGE_TYPES.items():
            page.goto(site_url + url)
            page.wait_for_function("() => document.querySelector('.md-typeset table') === null"
                                   " || document.querySelector('.md-typeset__table') !== null")  # Material's JS ran
            page.add_script_tag(content=axe)
            result = page.evaluate(AXE_RUN)
            for v in result["violations"]:
                nodes = [n for n in v["nodes"] if not excluded(v["id"], n["target"])]
                for n in nodes:
                    line = f"{kind} /{url}: {v['impact']} {v['id']} ({v['help']}) at {n['target']}"
                    found.append(line)
                    if v["impact"] in FAILING:
                        failing.append(f"{line}\n      {n['summary']}")
    label = f"{viewport['width']}×{viewport['height']} {scheme}"
    print(f"\naxe-core {result['version']}, {len(PAGE_TYPES)} page types, {label}: {len(found)} violations, "
          f"{len(failing)} serious or critical")
    for line in found:
        print("  ", line)
    assert failing == []
    assert watch.problems() == []


def test_pages_declare_their_language_and_landmarks(browser, site_url):
    with watched_page(browser) as (page, watch):
        for kind, url in PAGE_TYPES.items():
            page.goto(site_url + url)
            assert page.evaluate("document.documentElement.lang") == "zh", kind
            for selector in ("header", "main", "nav", "footer", "[role=search]", "h1"):
                assert page.locator(selector).count() >= 1, (kind, selector)
            assert page.locator("h1").count() == 1, kind
            # English subtitles are marked as English for screen readers
            for el in page.locator(".ds-subtitle[lang]").all():
                assert el.get_attribute("lang") == "en"
    assert watch.problems() == []
