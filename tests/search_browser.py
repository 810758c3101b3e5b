"""Driving the site search in Chromium: the search worker the page itself starts (captured when
Material's bundle constructs it), queried with the same messages the search box sends, and the
search box itself (fill, then a key press, as a Chinese input method commits text)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sitetools import CHROMIUM, CHROMIUM_ARGS, serve

# Runs before the page's scripts: keep a handle on the search worker the page creates.
CAPTURE = """(() => {
  const W = window.Worker;
  const state = window.__dsSearch = {worker: null, ready: false, urls: [], asked: null, answered: null};
  window.Worker = class extends W {
    constructor(url, options) {
      super(url, options);
      state.urls.push(String(url));
      state.worker = this;
      this.addEventListener("message", e => {
        if (e.data && e.data.type === 1) state.ready = true;
        // after the page's own listeners have run (the result list is drawn)
        if (e.data && e.data.type === 3) { const q = state.asked; setTimeout(() => { state.answered = q; }, 0); }
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 2) state.asked = message.data;
      return super.postMessage(message, ...rest);
    }
  };
})();"""

# Material's worker protocol (integrations/search/worker/message): 2 = query, 3 = result.
# A result is a list of groups, one per page, best first; a page is its group's article.
QUERY_ALL = """async queries => {
  const worker = window.__dsSearch.worker, out = {}, tagged = [];
  for (const q of queries) {
    const result = await new Promise(resolve => {
      const on = e => { if (e.data.type === 3) { worker.removeEventListener("message", on); resolve(e.data.data); } };
      worker.addEventListener("message", on);
      worker.postMessage({type: 2, data: q});
    });
    out[q] = result.items.map(group => (group.find(d => !d.location.includes("#")) || group[0]).location.split("#")[0]);
    if (result.items.some(group => group.some(d => d.tags && d.tags.length))) tagged.push(q);
  }
  return [out, tagged];
}"""


class Results(dict):
    """query -> result pages; ``tagged``: the queries whose results carried tags."""
    tagged: list[str]


class Searcher:
    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.box = page.locator("input.md-search__input")

    def worker(self, queries: list[str]) -> dict[str, list[str]]:
        """query -> result pages (site-relative URLs, best first) from the page's own search worker."""
        out = Results()
        out.tagged = []
        for k in range(0, len(queries), 200):
            pages, tagged = self.page.evaluate(QUERY_ALL, queries[k:k + 200])
            out.update(pages)
            out.tagged += tagged
        return out

    def typed(self, query: str) -> list[str]:
        """Fill the search box, press a key; the result pages as the list shows them."""
        self.box.fill(query)
        self.box.press("End")
        self.page.wait_for_function("q => window.__dsSearch.answered === q", arg=query)
        hrefs = self.page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
        out = []
        for h in hrefs:
            path = h.removeprefix(self.base).split("?")[0].split("#")[0]
            if path not in out:
                out.append(path)
        return out

    def shown_tags(self) -> list[str]:
        return self.page.eval_on_selector_all(".md-search-result .md-tag", "els => els.map(e => e.textContent)")


@contextmanager
def searcher(site: Path):
    from playwright import sync_api  # in requirements/dev.txt: missing, the test fails (never skips)

    with serve(site) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(service_workers="block")
        sizes: dict[str, int] = {}

        def on_response(response):
            try:
                sizes[response.url] = len(response.body())
            except Exception:  # redirects and aborted requests have no body
                pass

        context.on("response", on_response)
        page = context.new_page()
        page.add_init_script(CAPTURE)
        page.goto(base)
        page.locator("label.md-header__button[for=__search]").first.click() if page.viewport_size["width"] < 1220 else None
        page.locator("input.md-search__input").focus()
        page.wait_for_function("window.__dsSearch.ready", timeout=60000)
        s = Searcher(page, base)
        s.sizes = sizes
        try:
            yield s
        finally:
            browser.close()
