"""Chinese search in a real browser: Debian's Chromium driven by Playwright, typing
into Material's search box on the built site served from 127.0.0.1.

Recall is reported in the test output (``-s`` or the summary line) and must be at
least 95% for agency names and aliases and for distinctive words of every item.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from sitetools import CHROMIUM, CHROMIUM_ARGS, built_site, serve

pytestmark = [pytest.mark.browser, pytest.mark.build]
MIN_RECALL = 0.95


@pytest.fixture(scope="module")
def search():
    """A function query -> list of result page paths (site-relative, in rank order)."""
    playwright = pytest.importorskip("playwright.sync_api")
    site = built_site()
    with serve(site) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base)
        box = page.locator("input.md-search__input")
        meta = ".md-search-result__meta"

        def run(query: str) -> list[str]:
            box.fill("")
            box.dispatch_event("keyup")
            page.wait_for_function(f"() => document.querySelector('{meta}').textContent.includes('键入')")
            box.fill(query)
            box.dispatch_event("keyup")
            page.wait_for_function(f"() => !document.querySelector('{meta}').textContent.includes('键入')")
            hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
            out = []
            for h in hrefs:
                path = h.removeprefix(base).split("?")[0].split("#")[0]
                if path not in out:
                    out.append(path)
            return out

        run.site = site
        yield run
        browser.close()


def recall(search, cases: list[tuple[str, str]], label: str) -> tuple[float, list]:
    misses = []
    for query, want in cases:
        got = search(query)[:10]
        if want not in got:
            misses.append((query, want, got[:3]))
    rate = 1 - len(misses) / len(cases)
    print(f"\nsearch recall, {label}: {len(cases) - len(misses)}/{len(cases)} = {rate:.1%}")
    for m in misses:
        print("  miss:", m)
    return rate, misses


def test_known_names_find_their_agency_first(search):
    assert search("省工业和信息化厅")[0] == "agencies/industry-it/"
    assert search("山东省大数据局")[0] == "agencies/big-data-bureau/"
    assert search("青岛银保监局")[0] == "agencies/cbirc-qingdao/"
    assert "measures/m2-1-1/" in search("沃土行动")[:3]


def test_recall_of_every_agency_name_and_alias(search, model):
    cases = sorted({(q, a.url) for a in model.agencies.values() for q in (a.name, a.short, *a.aliases)})
    rate, misses = recall(search, cases, "agency names and aliases")
    assert rate >= MIN_RECALL, misses


def distinctive_words(model) -> list[tuple[str, str]]:
    """Up to three words per item that a reader might type: the words of its text as plain
    jieba cuts them (without this site's dictionary), two Chinese characters or more,
    found in at most three items."""
    import jieba  # here, not at import: collecting the tests loads nothing

    tokenizer = jieba.Tokenizer()
    words_of = {i.url: [w for w in tokenizer.lcut(i.text, HMM=False) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)]
                for i in model.items}
    frequency = Counter(w for words in words_of.values() for w in set(words))
    cases = []
    for item in model.items:
        words = [w for w in dict.fromkeys(words_of[item.url]) if frequency[w] <= 3]
        cases += [(w, item.url) for w in words[:3]]
    return cases


def test_recall_of_words_of_every_item(search, model):
    cases = distinctive_words(model)
    assert len({url for _, url in cases}) >= 0.9 * len(model.items)
    rate, misses = recall(search, cases, "distinctive words of items")
    assert rate >= MIN_RECALL, misses
