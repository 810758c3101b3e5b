"""Helpers for the real-browser tests (test_browser, test_a11y, test_hostile): Debian's Chromium
through Playwright, a watch on every request, console message, page error and dialog, and the
page types a reader goes through."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sitetools import CHROMIUM, CHROMIUM_ARGS

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"  # checked by test_vendor.py
LOCAL_HOSTS = {"127.0.0.1"}

# One page of every type (site-relative URLs), as a reader meets them.
PAGE_TYPES = {
    "home": "",
    "themes index": "themes/",
    "theme": "themes/government/",
    "agency index": "agencies/",
    "agency": "agencies/big-data-bureau/",
    "task": "tasks/1/",
    "measure": "measures/m1-1-1/",
    "deadlines": "deadlines/",
    "targets": "targets/",
    "downloads": "data/",
    "about": "about/",
    "search": "search/?q=数据",
}


@contextmanager
def chromium():
    """A headless Chromium, closed on exit."""
    from playwright import sync_api  # in requirements/dev.txt: missing, the test fails (never skips)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What a browser context did: requests to other hosts (blocked), console errors, page errors, dialogs."""
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: int = 0

    def attach_page(self, page) -> None:
        page.on("console", lambda m: self.console_errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.page_errors.append(f"{page.url}: {e}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route) -> None:
        self.requests += 1
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.foreign.append(url)
            route.abort()
        else:
            route.continue_()

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.foreign] + [f"console error: {e}" for e in self.console_errors]
                + [f"page error: {e}" for e in self.page_errors] + [f"dialog: {d}" for d in self.dialogs])


@contextmanager
def watched_page(browser, viewport=DESKTOP, color_scheme="light", **options):
    """A page in a new context whose every request is routed (other hosts blocked and recorded)."""
    watch = Watch()
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme, service_workers="block", **options)
    context.route("**/*", watch._route)
    context.on("page", watch.attach_page)
    page = context.new_page()
    try:
        yield page, watch
    finally:
        context.close()


def sideways_overflow(page) -> dict:
    """How far the page scrolls sideways, and any element sticking out of the viewport that is not
    inside a container that scrolls on its own (a wide table's wrapper)."""
    return page.evaluate("""() => {
        const vw = document.documentElement.clientWidth;
        const inScroller = el => {
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                const s = getComputedStyle(a);
                if (['auto', 'scroll'].includes(s.overflowX) && a.getBoundingClientRect().right <= vw + 1) return true;
            }
            return false;
        };
        const out = [];
        // the search panel is left out: closed, it waits off-screen; open, the search tests measure it
        for (const el of document.querySelectorAll('.md-main *, .md-header *:not(.md-search, .md-search *)')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > vw + 1 && getComputedStyle(el).visibility !== 'hidden' && !inScroller(el))
                out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
        }
        return {viewport: vw, scrollWidth: document.documentElement.scrollWidth,
                bodyScrollWidth: document.body.scrollWidth, sticking_out: out.slice(0, 5)};
    }""")


def on_screen(locator) -> bool:
    """Whether the element is really there for a reader: inside the viewport and topmost at its centre
    (Playwright's is_visible() also counts elements moved off-screen, like a closed drawer)."""
    return locator.evaluate("""el => {
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height || r.right <= 0 || r.left >= innerWidth || r.bottom <= 0 || r.top >= innerHeight) return false;
        const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
        const top = document.elementFromPoint(x, y);
        return !!top && (el === top || el.contains(top) || top.contains(el) && top.tagName === 'LABEL');
    }""")
