"""Driving the site search in Chromium (Debian's, through Playwright) on a built site: the search page
(``search/``), whose script (assets/search/ui.js) starts the search worker, asked in bulk through
``DsSearch.ask`` exactly as the page and the header box ask it; the search page's box typed into (fill,
then a key press, as a Chinese input method commits text). Every response the browser receives is
recorded (its URL and its body's size), so the bytes of a first search can be told."""
from __future__ import annotations

import gzip
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sitetools import serve

# query -> {pages: result pages best first (site-relative), near: whether no page held the whole query}
ASK_ALL = """async ([queries, limit]) => {
  const out = {};
  for (const q of queries) {
    const a = await DsSearch.ask(q, limit);
    if (!a.ok) throw new Error(`search failed for ${q}: ${a.error}`);
    out[q] = {pages: a.results.map(r => r.url), near: a.near, total: a.total};
  }
  return out;
}"""


class Results(dict):
    """query -> result pages (site-relative URLs, best first); ``near``: the queries answered with
    near matches only (no page held the whole query)."""
    near: set[str]


@dataclass
class Searcher:
    page: object
    base: str
    root: Path
    responses: dict[str, int] = field(default_factory=dict)  # URL -> bytes received

    def ask(self, queries: list[str], limit: int = 10) -> Results:
        """query -> result pages from the page's own search worker."""
        out = Results()
        out.near = set()
        for k in range(0, len(queries), 200):
            for q, r in self.page.evaluate(ASK_ALL, [queries[k:k + 200], limit]).items():
                out[q] = r["pages"]
                if r["near"]:
                    out.near.add(q)
        return out

    def site_path(self, href: str) -> str:
        return href.removeprefix(self.base).split("?")[0].split("#")[0]

    def typed(self, query: str) -> list[str]:
        """Type into the search page's box (fill, then a key press); the result pages it lists."""
        box = self.page.locator("#ds-search-q")
        box.fill(query)
        box.press("End")
        self.page.wait_for_function(
            "q => new URL(location.href).searchParams.get('q') === q && !document.querySelector('form[aria-busy]')",
            arg=query.strip())
        return [self.site_path(h) for h in self.page.eval_on_selector_all(".ds-search-result-title a", "els => els.map(e => e.href)")]

    def status(self) -> str:
        return self.page.locator("#ds-search-status").inner_text()

    def fetched(self) -> dict[str, int]:
        """Site-relative path -> bytes of the files the browser received, gzipped (as a server compresses them)."""
        out = {}
        for url in self.responses:
            rel = self.site_path(url)
            path = self.root / rel
            if path.is_dir():
                path = path / "index.html"
            if path.is_file():
                out[rel] = len(gzip.compress(path.read_bytes(), 9))
        return out


def type_in_header_box(page, query: str, open_it: bool = True):
    """Type ``query`` into the theme's header search box as a reader does: "/" opens it (unless
    ``open_it`` is false), fill, then a key press (an input method's commit ends in one; Playwright's
    fill sends none). Returns the box."""
    if open_it:
        page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    return box


@contextmanager
def new_page(browser, viewport: dict | None = None, **options):
    """(page, responses) in a new context of ``browser``; ``responses``: URL -> bytes received."""
    context = browser.new_context(service_workers="block", viewport=viewport or {"width": 1280, "height": 900}, **options)
    responses: dict[str, int] = {}

    def on_response(response):
        try:
            responses[response.url] = len(response.body())
        except Exception:  # redirects and aborted requests have no body
            pass

    context.on("response", on_response)
    try:
        yield context.new_page(), responses
    finally:
        context.close()


@contextmanager
def searcher(browser, base: str, site: Path):
    """A Searcher on the search page of the site served at ``base`` (built in ``site``), its worker ready."""
    with new_page(browser) as (page, responses):
        page.goto(base + "search/")
        page.wait_for_function("window.DsSearch")
        page.evaluate("DsSearch.ask('数字', 1)")
        yield Searcher(page, base, Path(site), responses)


@contextmanager
def served_searcher(site: Path):
    """searcher() with its own server and browser (for scripts such as search_compare.py)."""
    from browsing import chromium

    with serve(site) as base, chromium() as browser, searcher(browser, base, site) as s:
        yield s
