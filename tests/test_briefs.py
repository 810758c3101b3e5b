"""Per-agency briefs for print (scripts/shandong/briefs.py).

The PDFs are generated once for every agency by a module-scoped fixture (in a tmp dir);
the tests using it are marked ``slow``. The browser test drives Debian's Chromium.
"""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shandong.data.model import ROLE_ORDER, Agency
from shandong.outputs.pdf import write_briefs
from shandong.views.briefs import CSS, TEMPLATES, brief_context, render_html
from sitetools import data_model

SITE_URL = "https://digital-shandong.test/site/"  # .test: reserved, never a real address
FOOTER_RE = re.compile(r"^第\d+页/共\d+页$")  # matched against squashed lines
RUNNING = {"数字山东 · 单位任务简报"}


def squash(text: str) -> str:
    """pdftotext output wraps Chinese lines anywhere: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def pdftext(pdf: Path, first: int | None = None, last: int | None = None) -> list[str]:
    """Text of each page (pdftotext separates pages with form feeds)."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def body_lines(page: str, extra: set[str]) -> list[str]:
    """A page's lines without the running header and footer."""
    known = {squash(x) for x in RUNNING | extra}
    return [ln for ln in (squash(x) for x in page.splitlines())
            if ln and ln not in known and not FOOTER_RE.match(ln)]


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for every font of the PDF."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    col = lines[0].index("emb")
    return [(ln.split()[0], ln[col:col + 3].strip()) for ln in lines[2:] if ln.strip()]


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("briefs")
    result = write_briefs(data_model(), out, site_url=SITE_URL, jobs=2)
    t = result["timings"]
    print(f"\nbriefs: {len(t['pdf']) - 1} unit PDFs, sum {t['pdf_sum'] - t['pdf']['all']:.1f}s; "
          f"all.pdf {t['pdf']['all']:.1f}s; total {t['total']:.1f}s")
    return out, result


# ---------------------------------------------------------------------------
# PDFs (slow: one run of write_briefs for every agency)


@pytest.mark.slow
def test_every_agency_has_html_and_pdf(briefs):
    out, result = briefs
    files = set(result["files"])
    assert out / CSS in files
    for aid in data_model().agencies:
        for ext in ("html", "pdf"):
            f = out / f"{aid}.{ext}"
            assert f in files and f.stat().st_size > 0, f
    assert out / "all.pdf" in files
    assert set(result["timings"]["pdf"]) == {*data_model().agencies, "contents", "all"}
    assert all(s > 0 for s in result["timings"]["pdf"].values())
    assert result["timings"]["total"] >= result["timings"]["pdf_wall"]


@pytest.mark.slow
def test_unit_pdfs(briefs):
    for aid in data_model().agencies:
        check_unit_pdf(briefs, aid)


def check_unit_pdf(briefs, aid):
    out, result = briefs
    agency = data_model().agencies[aid]
    pdf = out / f"{aid}.pdf"
    pages = pdftext(pdf)
    assert len(pages) == result["pages"][aid]
    # The first page names the unit (checked on its own, as the brief asks).
    first = pdftext(pdf, 1)[0]
    assert agency.name in first and agency.short in first
    # Every item assigned to the unit, in full.
    text = squash("".join(pages))
    items = [x for role in ROLE_ORDER for x in data_model().by_agency[aid].get(role, [])]
    missing = [x.source_short for x in items if squash(x.text) not in text]
    assert not missing, f"{aid}: item texts missing from the PDF: {missing}"
    for x in items:
        assert squash(x.title) in text  # the item's id as on the website
    # No empty page (the running header and footer alone do not count), none trailing.
    url = f"{SITE_URL}briefs/{aid}.html"
    for n, page in enumerate(pages, 1):
        assert body_lines(page, {agency.name, url}), f"{aid}.pdf page {n} is empty"
    assert f"第{len(pages)}页/共{len(pages)}页" in squash(pages[-1])
    assert url in squash(pages[0])
    # Every font embedded.
    fs = fonts(pdf)
    assert fs and all(emb == "yes" for _, emb in fs), fs
    assert all("CJK-SC" in name or "CJKSC" in name for name, _ in fs), fs


@pytest.mark.slow
def test_combined_pdf_has_contents_with_page_numbers(briefs):
    out, result = briefs
    pdf = out / "all.pdf"
    pages = pdftext(pdf)
    assert len(pages) == result["pages"]["all"]
    assert "目录" in pages[0]
    entry = re.compile(r"^(?P<name>\S+)\s+\d+ 项\s*\.*\s*(?P<page>\d+)$")
    listed = {}
    for page in pages[:5]:
        for ln in page.splitlines():
            if m := entry.match(ln.strip()):
                listed[m["name"]] = int(m["page"])
    names = {a.name: aid for aid, a in data_model().agencies.items()}
    assert set(listed) == set(names), set(names) ^ set(listed)
    # Each entry's page number points at the page where that unit's brief starts.
    masthead = squash("数字山东发展规划（2018-2022年） · 数字山东2020行动方案 · 单位任务简报")
    starts = [n for n, page in enumerate(pages, 1) if masthead in squash(page)]
    assert starts == sorted(listed.values())
    for name, n in listed.items():
        lines = [ln.strip() for ln in pages[n - 1].splitlines()]
        assert any(ln == name or ln.startswith(name + "（") for ln in lines), f"{name}: contents says page {n}"
    assert sorted(listed.values()) == [listed[a.name] for a in data_model().agencies.values()]
    # all.pdf joins the contents and each unit's own PDF (briefs.write_briefs): each part keeps its page numbers.
    bounds = [1, *sorted(listed.values()), len(pages) + 1]
    for n, page in enumerate(pages, 1):
        assert body_lines(page, set(names) | {"各单位任务简报 · 目录", f"{SITE_URL}briefs/all.pdf"}), f"all.pdf page {n} is empty"
        first = max(b for b in bounds if b <= n)
        assert f"第{n - first + 1}页/共{bounds[bounds.index(first) + 1] - first}页" in squash(page), n
    fs = fonts(pdf)
    assert fs and all(emb == "yes" for _, emb in fs), fs


# ---------------------------------------------------------------------------
# HTML and content (fast)


def test_html_is_standalone(tmp_path):
    for aid in data_model().agencies:
        html = render_html(data_model(), aid, SITE_URL, changed="2020-01-01")
        assert "<script" not in html.lower() and "<iframe" not in html.lower()
        refs = re.findall(r'(?:href|src)="([^"]*)"', html)
        assert refs == [CSS], (aid, refs)
        assert 'lang="zh-CN"' in html
        assert data_model().agencies[aid].name in html


def test_groups_follow_roles_and_deadlines():
    for aid in data_model().agencies:
        b = brief_context(data_model(), aid, SITE_URL)
        roles = [g["role"] for g in b["groups"]]
        assert roles == [r for r in ROLE_ORDER if data_model().by_agency[aid].get(r)]
        for g in b["groups"]:
            items = [e["item"] for e in g["entries"]]
            assert items == sorted(items, key=lambda x: x.deadline_sort)
            assert len(items) == b["counts_by_role"][g["role"]]
            for e in g["entries"]:
                assert aid not in {u for c in e["co_units"] for u in c["units"]}
        assert b["url"] == f"{SITE_URL}briefs/{aid}.html"


def test_unit_without_items_gets_a_brief_saying_so():
    model = copy.copy(data_model())
    model.agencies = {**data_model().agencies, "nobody": Agency("nobody", "山东省无事局", "省无事局", "No-op Bureau",
                                                          "provincial-department", ["省无事局"], None, 0)}
    model.by_agency = {**data_model().by_agency, "nobody": {}}
    html = render_html(model, "nobody", changed="2020-01-01")
    assert "山东省无事局" in html and "均未被列为责任单位" in html
    assert 'class="role-group' not in html


def test_data_text_is_escaped(tmp_path):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & </table>'
    model = copy.copy(data_model())
    a = copy.copy(data_model().agencies["zaozhuang"])
    a.name, a.short = "枣庄" + hostile, "枣庄<b>"
    model.agencies = {**data_model().agencies, "zaozhuang": a}
    item = copy.copy(data_model().by_agency["zaozhuang"]["task"][0])
    item.text = "任务" + hostile
    model.by_agency = {**data_model().by_agency, "zaozhuang": {"task": [item]}}
    html = render_html(model, "zaozhuang", "https://x.test/\"><script>", changed="2020-01-01")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert html.count("</table>") == html.count("<table")
    # The hostile text prints as text.
    from weasyprint import HTML

    (tmp_path / CSS).write_text((TEMPLATES / CSS).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "x.html").write_text(html, encoding="utf-8")
    HTML(filename=str(tmp_path / "x.html")).write_pdf(tmp_path / "x.pdf")
    assert squash(hostile) in squash("".join(pdftext(tmp_path / "x.pdf")))


# ---------------------------------------------------------------------------
# Printing from a browser


@pytest.mark.browser
def test_brief_prints_from_browser(tmp_path):
    from playwright.sync_api import sync_playwright

    aid = "big-data-bureau"
    agency = data_model().agencies[aid]
    shutil.copyfile(TEMPLATES / CSS, tmp_path / CSS)
    page_file = tmp_path / f"{aid}.html"
    page_file.write_text(render_html(data_model(), aid, SITE_URL), encoding="utf-8")
    requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            page.emulate_media(media="print")
            assert page.locator("nav, header, [role=search], input, form, script, .md-header, .md-sidebar").count() == 0
            h1 = page.locator("h1")
            assert h1.is_visible() and agency.name in h1.inner_text()
            assert page.locator(".item").count() == data_model().agency_total(aid)
            assert page.locator(".item").first.is_visible()
            family = page.evaluate("getComputedStyle(document.querySelector('.text')).fontFamily")
            assert "Noto Serif CJK SC" in family
            assert page.evaluate("getComputedStyle(document.querySelector('.item')).breakInside") == "avoid"
            assert len(page.pdf(format="A4")) > 10_000
        finally:
            browser.close()
    assert all(u.startswith("file://") for u in requests), requests


# ---------------------------------------------------------------------------
# Progress in the briefs (issue 11): the fixture dataset with every status


def _fixture():
    from progress_expect import FIXTURE, ZH, dataset

    return data_model(FIXTURE), dataset(), ZH


def test_no_placeholder_address_and_no_text_for_developers():
    from bs4 import BeautifulSoup

    for site_url in ("", "https://example.org/digital-shandong/"):
        for aid in data_model().agencies:
            html = render_html(data_model(), aid, site_url, changed="")
            text = BeautifulSoup(html, "html.parser").get_text(" ")
            assert "example.org" not in html and "briefs/" not in text, (site_url, aid)
            for dev in ("data/", "unknown", "YAML", "git", "make "):
                assert dev not in text, (aid, dev)
            assert f"截至 {data_model().as_of.isoformat()}" in text and "最后修改" not in text


def test_fixture_briefs_list_every_item_with_its_state():
    from bs4 import BeautifulSoup

    model, d, zh = _fixture()
    seen = set()
    for aid in d.agencies:
        doc = BeautifulSoup(render_html(model, aid, "", changed=""), "html.parser")
        rows = doc.select("table.overview tbody tr")
        got = set()
        for tr in rows:
            badge = tr.select_one(".state")
            state = next(c.removeprefix("state-") for c in badge["class"] if c.startswith("state-"))
            assert badge.get_text(strip=True) == zh[state]
            got.add((tr.select_one(".ref").get_text(strip=True), state))
        want = {(d.items[k].title, d.items[k].state) for k in d.agency_items(aid)}
        assert got == want, aid
        seen |= {s for _, s in got}
        meta = doc.select_one(".masthead .meta").get_text(" ", strip=True)
        assert f"截至 {d.as_of.isoformat()}" in meta and "印制日期" in meta
        # the details: each item's newest report, with its evidence
        for k in d.agency_items(aid):
            x = d.items[k]
            if x.reports:
                assert x.reports[0]["summary"] in doc.get_text()
                for c in x.reports[0].get("evidence", []):
                    assert d.sources[c["source"]]["title"] in doc.get_text()
    assert seen == set(zh)


@pytest.mark.slow
def test_fixture_brief_page_one_pdf(tmp_path):
    """Page 1 of the PDF: the unit, 截至 <date>, the print date, every item's website id and state."""
    from weasyprint import HTML

    model, d, zh = _fixture()
    shutil.copyfile(TEMPLATES / CSS, tmp_path / CSS)
    biggest = max(d.agencies, key=lambda a: len(d.agency_items(a)))  # the longest summary table
    for aid in ("big-data-bureau", biggest):
        (tmp_path / "b.html").write_text(render_html(model, aid, "", changed=""), encoding="utf-8")
        HTML(filename=str(tmp_path / "b.html")).write_pdf(tmp_path / "b.pdf")
        first = squash(pdftext(tmp_path / "b.pdf", 1)[0])
        assert squash(model.agencies[aid].name) in first
        assert squash(f"截至 {d.as_of.isoformat()}") in first and "印制日期" in first
        for k in d.agency_items(aid):
            assert squash(d.items[k].title) in first, (aid, k)
        for s in {d.items[k].state for k in d.agency_items(aid)}:
            assert squash(zh[s]) in first
