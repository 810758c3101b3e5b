"""Chinese search (issue 12): the search keys and the traditional-character table (fast unit tests),
and the search itself in a real browser: Debian's Chromium driven by Playwright on the built site.

The browser tests run a broad query set derived from the data (tests/search_queries.py: hundreds of
queries of eleven kinds, with expected pages computed by string containment, never by the search
code) through the search worker the page starts, exactly as the search box does; a sample is typed
into the box. Recall@10, MRR, the share with an expected page first and the zero-result rate per
kind, and the bytes a first search costs, are printed in the test summary (and written to
build/search-report.txt). Goals: recall@10 ≥ 95%, zero results ≤ 2%, an agency's page first for any
of its names and abbreviations, no search key shown as a tag.

Nothing runs at import time: the model and the browser are loaded by fixtures.
"""
from __future__ import annotations

import pytest

from shandong import ROOT, search_keys
from shandong.model import Agency

MIN_RECALL = 0.95
MAX_ZERO = 0.02
REPORT = ROOT / "build" / "search-report.txt"


def agency(id_, name, short, aliases, kind="provincial-department", search_aliases=()):
    return Agency(id_, name, short, "An agency", kind, list(aliases), None, 1, list(search_aliases))


# --- search keys (fast) ---------------------------------------------------------------------

def test_agency_keys_are_its_spellings_their_short_forms_and_its_editorial_abbreviations():
    a = agency("x", "山东省工业和信息化厅", "省工业和信息化厅", ["省工业和信息化厅"], search_aliases=["工信厅", "省工信厅"])
    assert search_keys.agency_keys(a) == ["山东省工业和信息化厅", "省工业和信息化厅", "工业和信息化厅", "工信厅", "省工信厅"]


def test_party_committee_offices_lose_the_whole_prefix():
    a = agency("y", "中共山东省委网络安全和信息化委员会办公室", "省委网信办", ["省委网信办"], kind="party-committee-office")
    assert search_keys.agency_keys(a) == ["中共山东省委网络安全和信息化委员会办公室", "省委网信办", "网络安全和信息化委员会办公室", "网信办"]


@pytest.mark.parametrize("name, short", [("山东省大数据局", "大数据局"), ("省委编办", "编办"), ("省科技厅", "科技厅"),
                                         ("省委", None), ("省局", None), ("济南市政府", None)])
def test_shortened_names(name, short):
    assert search_keys.shortened(name) == short


def test_cities_and_collective_units_keep_their_names_whole():
    city = agency("c", "济南市人民政府", "济南市政府", ["济南市政府"], kind="city-government", search_aliases=["济南市"])
    assert search_keys.agency_keys(city) == ["济南市人民政府", "济南市政府", "济南市"]
    group = agency("g", "山东省人民政府有关部门", "省政府有关部门", ["省政府有关部门"], kind="collective")
    assert search_keys.agency_keys(group) == ["山东省人民政府有关部门", "省政府有关部门"]


def test_item_pages_have_no_keys():
    """The worker matches any part of a page's text, so task and measure pages need no hidden keys."""
    assert search_keys.item_keys(object()) == []


@pytest.fixture(scope="module")
def model():
    from shandong.check import load_checked

    return load_checked()


def test_every_key_names_one_agency(model):
    """A key shared by two units could put the wrong one first."""
    owners: dict[str, set[str]] = {}
    for a in model.agencies.values():
        for k in search_keys.agency_keys(a):
            owners.setdefault(k, set()).add(a.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_editorial_abbreviations_are_no_spellings_of_the_documents(model):
    for a in model.agencies.values():
        assert not set(a.search_aliases) & {a.name, a.short, *a.aliases}, a.id


def test_variants_map_traditional_characters_of_the_site_to_simplified(model):
    table = search_keys.variants(model, extra="病历区块链")
    assert {c: table.get(c) for c in "電門區塊鏈歷數據"} == dict(zip("電門區塊鏈歷數據", "电门区块链历数据", strict=True))
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in table.items())
    assert "门" not in table and "a" not in table  # simplified characters and ASCII map to nothing


def test_query_words_are_what_the_texts_repeat():
    """search_queries cuts the items' texts without a dictionary (its docstring has the rules)."""
    import search_queries as sq

    texts = ["推进新一代信息技术和智慧农业，建设5G基站。", "发展新一代信息产业，推进智慧城市。", "建设农业园区的“沃土行动”、城市大脑。"]
    vocabulary = sq.terms(texts)
    # 新一代, 新一代信 … are always written inside 新一代信息 (five characters); 智慧农业 is written once.
    assert vocabulary == {"推进", "建设", "智慧", "农业", "城市"}
    assert sq.segment(texts[0], vocabulary) == ["推进", *"新一代信息技术和", "智慧", "农业", "，", "建设", "5G", "基", "站", "。"]
    assert sq.segment(texts[2], vocabulary)[-6:] == ["“", "沃土行动", "”", "、", "城市大脑", "。"]  # set off: whole
    # 务信息 is in two texts, but wherever it is written it starts inside 政务 or 服务: a fragment.
    assert sq.terms(["完善政务信息系统，推进政务公开。", "提升服务信息水平，优化服务。", "信息安全、政务服务"]) == {"政务", "服务", "信息"}


def test_query_set_is_broad(model):
    import search_queries as sq

    queries = sq.build(model)
    kinds = {k: [q for q in queries if q.kind == k] for k in sq.KINDS}
    assert len(queries) >= 500
    assert all(len(v) >= 5 for v in kinds.values()), {k: len(v) for k, v in kinds.items()}
    assert all(q.expected for q in queries)
    for want in ("5G基站", "4万个", "100项", "互联网+医疗", "APP", "“沃土行动”", "工信厅", "发改委", "卫健委", "药监局",
                 "市场监管局", "大数据局", "山東省大數據局"):
        assert any(q.text == want for q in queries), want


# --- in the browser -----------------------------------------------------------------------------

class _Summary:
    """Prints the search report in pytest's terminal summary (so `make test` shows it)."""

    lines: list[str] = []

    def pytest_terminal_summary(self, terminalreporter):
        if self.lines:
            terminalreporter.section("search: recall@10, MRR, first, zero results per kind (issue 12)")
            for line in self.lines:
                terminalreporter.write_line(line)


def _say(request, text: str) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("shandong-search-summary"):
        manager.register(_Summary(), "shandong-search-summary")
    _Summary.lines.append(text)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a", encoding="utf-8") as f:
        f.write(text + "\n")


@pytest.fixture(scope="module")
def search():
    from search_browser import searcher
    from sitetools import built_site

    REPORT.unlink(missing_ok=True)
    with searcher(built_site()) as s:
        yield s


@pytest.fixture(scope="module")
def measured(search, model):
    import search_queries as sq

    queries = sq.build(model)
    results = search.worker(sorted({q.text for q in queries}))
    return queries, results, sq.score(queries, results)


@pytest.mark.browser
@pytest.mark.build
def test_recall_of_the_query_set(measured, request):
    import search_queries as sq

    queries, results, table = measured
    _say(request, sq.report(table, f"{len(queries)} queries derived from the data, through the page's search worker:"))
    misses = [(q.kind, q.text, sorted(q.expected)[:3], results[q.text][:3]) for q in queries
              if not set(results[q.text][:10]) & q.expected]
    _say(request, "misses: " + "; ".join(f"{k} {t!r} → {got}" for k, t, _, got in misses[:20]))
    total = table["all"]
    assert total.recall >= MIN_RECALL, misses
    assert total.zero_rate <= MAX_ZERO, [q.text for q in queries if not results[q.text]]
    assert all(s.recall >= 0.9 for s in table.values()), {k: s.recall for k, s in table.items()}


@pytest.mark.browser
@pytest.mark.build
def test_an_agency_page_comes_first_for_its_names_and_abbreviations(measured):
    import search_queries as sq

    queries, results, _ = measured
    wrong = [(q.text, results[q.text][:2]) for q in queries if q.kind in sq.AGENCY_KINDS and results[q.text][:1] != sorted(q.expected)]
    assert wrong == []


@pytest.mark.browser
@pytest.mark.build
def test_no_result_carries_the_hidden_keys(measured):
    _, results, _ = measured
    assert results.tagged == []


# Queries of the issue, typed as a reader types them; expected pages by containment in the data.
TYPED = ["5G基站", "4万个", "100项", "互联网+医疗", "APP", "“沃土行动”", "数字校园", "数字乡村", "電子病歷", "區塊鏈",
         "ipv6", "５Ｇ基站", "沃土行动 龙头企业"]
AGENCIES = {"工信厅": "industry-it", "发改委": "development-reform", "卫健委": "health-commission",
            "药监局": "drug-administration", "市场监管局": "market-regulation", "大数据局": "big-data-bureau",
            "卫生健康委": "health-commission", "省大数据局": "big-data-bureau", "山東省大數據局": "big-data-bureau",
            "省政府各部门": "all-provincial-departments"}


def _containing(model, query: str) -> set[str]:
    import unicodedata

    import opencc

    simple = opencc.OpenCC("t2s").convert(unicodedata.normalize("NFKC", query)).lower()
    parts = [p for p in simple.replace("“", " ").replace("”", " ").split() if p]
    return {i.url for i in model.items if all(p in unicodedata.normalize("NFKC", i.text).lower() for p in parts)}


@pytest.mark.browser
@pytest.mark.build
def test_typed_queries_find_their_pages_and_show_no_tags(search, model, measured, request):
    lines = []
    for q in TYPED:
        want = _containing(model, q)
        got = search.typed(q)
        assert want, q
        assert set(got[:10]) & want, (q, got[:10], want)
        assert got == search.worker([q])[q][:len(got)] and len(got) >= 1, q  # the box shows what the worker returns
        lines.append(f"  {q}: {len(got)} pages, first {got[0]}")
        assert search.shown_tags() == [], q
    # A sample of the query set: the box shows what the worker returned for the whole set.
    queries, results, _ = measured
    for q in queries[::60]:
        got = search.typed(q.text)  # the list draws 10 results, more as the reader scrolls
        assert got == results[q.text][:len(got)] and len(got) >= min(10, len(results[q.text])), q
        assert search.shown_tags() == [], q.text
    # Not in the documents as written, but a reader's query all the same: something comes back.
    for q in ["互联网+医保", "数字山东规划", "智慧校圆"]:
        assert search.typed(q), q
    for q, aid in AGENCIES.items():
        got = search.typed(q)
        assert got[:1] == [f"agencies/{aid}/"], (q, got[:3])
        assert search.shown_tags() == [], q
    _say(request, "typed into the search box (fill, then a key press):\n" + "\n".join(lines))


@pytest.mark.browser
@pytest.mark.build
def test_what_a_first_search_costs(search, request):
    """The site's worker (not Material's lunr worker) answers; report the bytes a first search fetches."""
    import gzip

    assert [u.rsplit("/", 1)[-1] for u in search.page.evaluate("window.__dsSearch.urls")] == ["worker.js"]
    fetched = {u.split("/", 3)[-1]: n for u, n in search.sizes.items()
               if "search" in u.rsplit("/", 2)[-2] or "lunr" in u or "workers" in u}
    assert set(fetched) >= {"assets/search/worker.js", "assets/search/variants.json", "search/search_index.json"}, fetched
    assert not [u for u in fetched if "lunr" in u or "workers/search." in u], fetched
    from sitetools import built_site

    root = built_site()
    zipped = {u: len(gzip.compress((root / u).read_bytes(), 9)) for u in fetched}
    _say(request, "a first search fetches: " + ", ".join(f"{u} {n:,} B ({zipped[u]:,} B gzipped)" for u, n in fetched.items())
         + f"; total {sum(fetched.values()):,} B ({sum(zipped.values()):,} B gzipped)")


# --- the worker's own logic, in Node (fast; no site, no browser) ---------------------------------

WORKER = ROOT / "docs" / "assets" / "search" / "worker.js"
DRIVER = r"""
const fs = require("fs"), vm = require("vm");
const [index, variants, queries] = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
let listener;
const ctx = {addEventListener: (type, fn) => { listener = fn }, postMessage: m => out.push(m), console, URL,
             fetch: async () => ({ok: true, json: async () => variants}), self: {location: {href: "http://h/assets/search/worker.js"}}};
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), ctx);
(async () => {
  await listener({data: {type: 0, data: index}});
  for (const q of queries) await listener({data: {type: 2, data: q}});
  const probe = "<p>\u200b電子<b>病歷</b>　ＡＰＰ &amp; 5G\u200b基站</p>";
  out.push({plain: vm.runInContext("plain", ctx)(probe), slow: vm.runInContext("normChars", ctx)(probe, "html")[0]});
  console.log(JSON.stringify(out));
})();
"""

# A fixture index in the shape of Material's search_index.json (not the real data).
INDEX = {"config": {}, "docs": [
    {"location": "agencies/a/", "title": "山东省甲乙厅（省甲乙厅）", "text": "<p>省甲乙厅 负责 数字​校园</p>", "tags": ["省甲乙厅", "甲乙厅", "甲厅"], "boost": 2},
    {"location": "agencies/a/#items", "title": "牵头", "text": "行动措施 1.1", "tags": ["省甲乙厅", "甲乙厅", "甲厅"], "boost": 2},
    {"location": "measures/m1/", "title": "行动措施 1.1", "text": "<p>建设​数字​校园，新建​5G​基站​4万个，打造“沃土行动”。</p><p>省甲乙厅</p>", "boost": 3},
    {"location": "measures/m2/", "title": "行动措施 1.2", "text": "<p>推广​电子​病历​和​区块链​应用，APP​服务。</p>", "boost": 3},
    {"location": "", "title": "首页", "text": "<p>数字山东</p>"},
]}
VARIANTS = {"電": "电", "歷": "历", "區": "区", "塊": "块", "鏈": "链"}


@pytest.fixture(scope="module")
def worker_run():
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:  # a test that skips where nothing installed its runner is a test that never runs
        pytest.fail("node is not installed: make test installs Debian's nodejs (DEBS_TEST in the Makefile)")

    def run(queries: list[str]) -> tuple[dict[str, dict], dict]:
        proc = subprocess.run([node, "-e", DRIVER, str(WORKER)], input=json.dumps([INDEX, VARIANTS, queries]),
                              capture_output=True, text=True, check=True, timeout=60)
        *messages, probe = json.loads(proc.stdout)
        assert messages[0] == {"type": 1}  # ready
        return dict(zip(queries, (m["data"] for m in messages[1:]), strict=True)), probe

    return run


def pages(result: dict) -> list[str]:
    return [next(d["location"] for d in group if "#" not in d["location"]) for group in result["items"]]


def test_worker_matches_any_part_of_the_text_however_written(worker_run):
    queries = ["数字校园", "5G基站", "５Ｇ基站", "4万个", "“沃土行动”", '"沃土行动"', "電子病歷", "區塊鏈", "app", "APP服务",
               "数字校园 4万个", "甲厅", "甲乙厅", "省甲乙厅", "沃土行为", "没有的词"]
    results, _ = worker_run(queries)
    got = {q: pages(r) for q, r in results.items()}
    assert sorted(got["数字校园"]) == ["agencies/a/", "measures/m1/"]  # across the index's word breaks
    for q in ["5G基站", "５Ｇ基站", "4万个", "“沃土行动”", '"沃土行动"', "数字校园 4万个"]:
        assert got[q] == ["measures/m1/"], q
    for q in ["電子病歷", "區塊鏈", "app", "APP服务"]:
        assert got[q] == ["measures/m2/"], q
    for q in ["甲厅", "甲乙厅", "省甲乙厅"]:  # a key equal to the query puts the page first
        assert got[q][0] == "agencies/a/", q
    assert got["沃土行为"][0] == "measures/m1/"  # a slip: most character pairs still match
    assert got["没有的词"] == []


def test_worker_sends_back_no_keys_and_marks_matches_outside_tags(worker_run):
    results, probe = worker_run(["5G基站", "省甲乙厅"])
    docs = [d for r in results.values() for group in r["items"] for d in group]
    assert docs and not any("tags" in d for d in docs)
    m1 = next(d for d in results["5G基站"]["items"][0] if d["location"] == "measures/m1/")
    assert "<mark>5G\u200b基站</mark>" in m1["text"]
    assert probe["plain"] == probe["slow"] == "电子病历app&amp;5g基站"


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("query", ["互联网+医疗", "“沃土行动”", "區塊鏈", "5G基站"])
def test_a_result_opens_its_page_with_the_query_highlighted(search, query):
    """Enter opens the best result; Material's highlighter marks the query on that page (?h=…)."""
    errors = []
    page = search.page

    def on_error(error):
        errors.append(error)

    page.on("pageerror", on_error)
    try:
        first = search.typed(query)[0]
        search.box.press("Enter")
        page.wait_for_url(f"{search.base}{first}?h=*")
        page.wait_for_selector("article mark")
        assert errors == []
    finally:
        page.remove_listener("pageerror", on_error)
        page.goto(search.base)
        search.box.focus()
        page.wait_for_function("window.__dsSearch.ready")
