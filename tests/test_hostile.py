"""Data is text, never code: a dataset whose texts and names carry HTML, scripts, Jinja,
Markdown and odd Unicode builds into a site that shows each of them literally."""
from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
import yaml

from browsing import DESKTOP, PHONE, chromium, sideways_overflow, watched_page
from shandong.data.check import DATA, FILES, check
from sitetools import article, built_site, page, serve

pytestmark = pytest.mark.build

# Invisible and control characters are rejected by the checker (tests/test_check.py), so none here.
HOSTILE = ('<script>alert("x")</script> {{ 7*7 }} {% if true %}JINJA{% endif %} *em* _u_ __b__ '
           '[link](http://evil.example/) ![img](http://evil.example/i.png) `code` # h | p ~~s~~ '
           '<img src=x onerror=alert(1)> &amp; &lt; \\ עברית RTL 😀 :material-home:')
NAME = "省<b>恶意</b>{{ config }}局*x*"
# Code that would run if any of it became markup, in the page or in the search results.
PWN = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"><svg onload="window.__pwned=1"></svg>'
       '<iframe src="javascript:window.__pwned=1"></iframe><a href="javascript:window.__pwned=1">click</a>')
LONG_TEXT = ("很长的文字，" * 500)[:3000] + "x" * 2000  # 5,000 characters, 2,000 of them unbroken Latin
LONG_NAME = "省" + "A" * 298 + "局"  # a 300-character name with no break opportunity
assert len(LONG_TEXT) == 5000 and len(LONG_NAME) == 300


def hostile_data(dest: Path) -> Path:
    docs, problems = check()
    assert problems == []
    data = {k: copy.deepcopy(v.data) for k, v in docs.items()}
    data["agencies"]["agencies"].append({
        "id": "hostile", "name": NAME, "short": NAME, "en": HOSTILE, "kind": "provincial-department",
        "aliases": [NAME]})
    data["agencies"]["agencies"].append({
        "id": "longname", "name": LONG_NAME, "short": LONG_NAME, "en": "E" * 300, "kind": "provincial-department",
        "aliases": [LONG_NAME], "note": PWN})
    task2 = data["tasks"]["tasks"][1]
    task2["text"] = PWN + LONG_TEXT + task2["text"]
    task2["units_as_written"] += "、" + LONG_NAME
    task2["units"].append("longname")
    task = data["tasks"]["tasks"][0]
    task["text"] = HOSTILE + task["text"]
    task["units_as_written"] += "、" + NAME
    task["units"].append("hostile")
    measure = data["measures"]["measures"][0]
    measure["text"] = HOSTILE + measure["text"]
    measure["note"] = HOSTILE
    for item in (task2, task, measure):  # the short titles (editorial) come from the new opening clauses: hostile too
        item["title"] = re.split("[，。；：]", item["text"])[0][:24].strip()
    for kind, (rel, _) in FILES.items():
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(data[kind], allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    shutil.copytree(DATA / "schemas", dest / "schemas")
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    data = hostile_data(tmp_path_factory.mktemp("hostile-data"))
    _, problems = check(data)
    assert problems == [], problems
    return built_site(data)


@pytest.mark.parametrize("url", ["tasks/1/", "measures/m1-1-1/", "agencies/hostile/", "agencies/big-data-bureau/"])
def test_hostile_text_shows_literally_and_nothing_executes(site, url):
    doc = page(site, url)
    body = article(doc)
    text = body.get_text()
    assert HOSTILE in text or HOSTILE.split(" {{")[0] in text
    assert "{{ 7*7 }}" in text and "JINJA{% endif %}" in text
    assert "*em*" in text and "[link](http://evil.example/)" in text
    assert "עברית RTL" in text and "😀" in text
    # nothing became markup
    assert not [s for s in doc.find_all("script") if "alert" in (s.string or "")]
    assert not body.find_all("img", src="x")
    assert not body.find_all("a", href="http://evil.example/")
    assert not [e for e in body.find_all(["em", "strong", "code", "del"]) if e.get_text() in ("em", "u", "b", "code", "s")]
    assert not body.find_all("b", string="恶意")
    assert "49" not in text.replace("2018-2022", "")  # {{ 7*7 }} was not evaluated


def test_hostile_agency_name_is_literal_everywhere(site):
    for url in ["agencies/hostile/", "tasks/1/", "agencies/"]:
        assert NAME in article(page(site, url)).get_text(), url
    title = page(site, "agencies/hostile/").title.get_text()
    assert "恶意" in title


def test_long_texts_and_code_show_literally(site):
    doc = page(site, "tasks/2/")
    text = article(doc).get_text()
    assert PWN in text and LONG_TEXT in text and LONG_NAME in text
    assert not article(doc).find_all(["iframe", "svg", "img"]) and not doc.select("a[href^=javascript]")
    assert LONG_NAME in article(page(site, "agencies/longname/")).h1.get_text()


HOSTILE_PAGES = ["tasks/1/", "tasks/2/", "measures/m1-1-1/", "agencies/hostile/", "agencies/longname/", "agencies/",
                 "deadlines/", "about/", "themes/"]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_in_a_browser_nothing_from_the_data_runs_and_no_page_scrolls_sideways(site, viewport):
    """Every page holding the hostile texts, and a search for them: no dialog, no script of the data
    runs, nothing is fetched from another host, and the long texts wrap on a phone."""
    docs, _ = check(DATA)
    theme = next(t["theme"] for t in docs["tasks"].data["tasks"] if t["number"] == 2)
    wide = {}
    with chromium() as browser, serve(site) as base, watched_page(browser, viewport=viewport) as (pg, watch):
        for url in [*HOSTILE_PAGES, f"themes/{theme}/"]:
            pg.goto(base + url)
            pg.wait_for_timeout(50)
            assert pg.evaluate("window.__pwned") is None, url
            o = sideways_overflow(pg)
            if o["scrollWidth"] > o["viewport"] or o["sticking_out"]:
                wide[url] = o
        box = pg.locator("input.md-search__input")
        meta = ".md-search-result__meta"
        for query, found in [("恶意", True), ("A" * 20, True), ("alert", False), ("很长的文字", False), ("pwned", False)]:
            if not box.is_visible():
                pg.locator("label.md-header__button[for=__search]").click()
            box.fill("")
            box.dispatch_event("keyup")
            pg.wait_for_function(f"() => document.querySelector('{meta}').textContent.includes('键入')")
            box.fill(query)
            box.dispatch_event("keyup")
            pg.wait_for_function(f"() => !document.querySelector('{meta}').textContent.includes('键入')")
            if found:
                pg.wait_for_selector(".md-search-result__item")
            assert pg.evaluate("window.__pwned") is None, query
            pg.wait_for_timeout(400)  # Material's search overlay grows as a circle bigger than the screen, then settles
            right = pg.evaluate("Math.max(...[...document.querySelectorAll('.md-search-result__item')]"
                                ".map(e => e.getBoundingClientRect().right))")
            width = pg.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert right <= width[1] + 1 and width[0] <= width[1], (query, right, width)
    assert wide == {}, wide
    assert watch.problems() == []  # no dialog, no page error, no request to evil.example
