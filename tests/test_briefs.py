"""Per-agency briefs for print (scripts/shandong/briefs.py).

The PDFs are generated once for every agency by a module-scoped fixture (in a tmp dir);
the tests using it are marked ``slow``. The browser test drives Debian's Chromium.
"""
from __future__ import annotations

import copy
import re
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from shandong.data.model import ROLE_ORDER, Agency
from shandong.outputs.pdf import write_briefs
from shandong.views.briefs import CSS, brief_context, render_html, stylesheet
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
    """Its own stylesheet, no theme; links only to the unit's page and its PDF; one inline script (the print button)."""
    from bs4 import BeautifulSoup

    for aid in data_model().agencies:
        html = render_html(data_model(), aid, SITE_URL, changed="2020-01-01")
        doc = BeautifulSoup(html, "html.parser")
        assert doc.find("iframe") is None
        scripts = doc.find_all("script")
        assert len(scripts) == 1 and not scripts[0].get("src") and "window.print()" in scripts[0].get_text()
        refs = [el.get("href") or el.get("src") for el in doc.find_all(href=True) + doc.find_all(src=True)]
        assert refs == [CSS, f"../agencies/{aid}/", f"{aid}.pdf"], (aid, refs)
        assert 'lang="zh-CN"' in html
        assert data_model().agencies[aid].name in html
        # without PDFs (make serve's default) no link to one
        doc = BeautifulSoup(render_html(data_model(), aid, SITE_URL, pdf=False), "html.parser")
        assert [a["href"] for a in doc.find_all(href=True)] == [CSS, f"../agencies/{aid}/"]


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
    assert html.count("<script") == 1 and "<img" not in html and "<b>" not in html  # the one script: the print button's
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert html.count("</table>") == html.count("<table")
    # The hostile text prints as text.
    from weasyprint import HTML

    (tmp_path / CSS).write_bytes(stylesheet())
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
    (tmp_path / CSS).write_bytes(stylesheet())
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
            assert page.locator("header, [role=search], input, form, .md-header, .md-sidebar").count() == 0
            assert not page.locator(".toolbar").is_visible()  # the toolbar is for the screen only
            h1 = page.locator("h1")
            assert h1.is_visible() and agency.name in h1.inner_text()
            assert page.locator(".item").count() == data_model().agency_total(aid)
            assert page.locator(".item").first.is_visible()
            family = page.evaluate("getComputedStyle(document.querySelector('.text')).fontFamily")
            assert "Noto Serif CJK SC" in family
            assert page.evaluate("getComputedStyle(document.querySelector('.item')).breakInside") == "avoid"
            # page 1 reads at 10 pt or more: the three lines and the items' short titles
            for sel in (".key-lines li", ".by-deadline td", ".state-line"):
                px = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{sel}')).fontSize)")
                assert px >= 10 * 96 / 72 - 0.01, (sel, px)
            assert page.locator(".qr-code svg").is_visible()
            assert len(page.pdf(format="A4")) > 10_000
        finally:
            browser.close()
    assert all(u.startswith("file://") for u in requests), requests


@pytest.mark.browser
def test_brief_toolbar_on_screen_and_phone_layout(tmp_path):
    """On screen: a toolbar back to the unit's page, to the PDF (saved under a Chinese name) and a print
    button (shown by its script; without scripts there is none); a phone (390 px) scrolls no sideways."""
    from playwright.sync_api import sync_playwright

    (tmp_path / CSS).write_bytes(stylesheet())
    widest = max(data_model().agencies, key=lambda a: data_model().agency_total(a))
    units = ["big-data-bureau", widest, "zaozhuang"]
    for aid in data_model().agencies:
        (tmp_path / f"{aid}.html").write_text(render_html(data_model(), aid, SITE_URL), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            for scripts in (True, False):
                ctx = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=scripts)
                page = ctx.new_page()
                for aid in units:
                    page.goto((tmp_path / f"{aid}.html").as_uri())
                    bar = page.locator("nav.toolbar")
                    assert bar.is_visible()
                    back = bar.locator("a.back")
                    assert back.is_visible() and back.get_attribute("href") == f"../agencies/{aid}/"
                    assert data_model().agencies[aid].short in back.inner_text()
                    pdf = bar.locator("a.pdf")
                    assert pdf.is_visible() and pdf.get_attribute("href") == f"{aid}.pdf"
                    assert pdf.get_attribute("download") == data_model().agencies[aid].name + "任务简报.pdf"
                    assert bar.locator("button.print").is_visible() == scripts
                    assert page.locator(".qr-code").is_hidden()  # the reader is on the page already
                    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                    assert width[0] <= width[1], (aid, width)
                    page.emulate_media(media="print")
                    assert bar.is_hidden()
                    page.emulate_media(media="screen")
                if scripts:
                    for aid in data_model().agencies:  # no page of any unit scrolls sideways on a phone
                        page.goto((tmp_path / f"{aid}.html").as_uri())
                        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                        assert width[0] <= width[1], (aid, width)
                    # page 1's deadline years stand above their items on a phone (no narrow column beside them)
                    page.goto((tmp_path / f"{widest}.html").as_uri())
                    th, td = (page.locator(f".by-deadline tr >> nth=0 >> {c}").bounding_box() for c in ("th", "td"))
                    assert th["y"] + th["height"] <= td["y"] + 1 and td["width"] > 300, (th, td)
                    # the button prints
                    page.evaluate("window.print = () => { window.printed = true; }")
                    page.locator("button.print").click()
                    assert page.evaluate("window.printed") is True
                ctx.close()
        finally:
            browser.close()


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


def test_fixture_briefs_list_every_item_and_give_the_state_once():
    """Page 1 (the fixture has every status): every item by its website id; the states once, as counts
    (the items with a report carry their status); the details give each item's newest report."""
    from bs4 import BeautifulSoup

    model, d, zh = _fixture()
    seen = set()
    for aid in d.agencies:
        doc = BeautifulSoup(render_html(model, aid, "", changed=""), "html.parser")
        front = doc.select_one(".front")
        keys = d.agency_items(aid)
        refs = [el.get_text(strip=True) for el in front.select(".by-deadline .ref")]
        assert sorted(refs) == sorted(d.items[k].title.split("：", 1)[0] for k in keys), aid  # their numbers
        line = squash(front.select_one(".state-line").get_text())
        statuses = Counter(d.items[k].reports[0]["status"] for k in keys if d.items[k].reports)
        unreported = sum(1 for k in keys if not d.items[k].reports)
        if not statuses:
            assert "未报告进展" in line and str(len(keys)) in line, (aid, line)
        elif len(statuses) == 1 and not unreported:
            (status, n), = statuses.items()
            assert squash(f"全部{n}项均为{zh[status]}") in line or (n == 1 and squash(zh[status]) in line), (aid, line)
        else:
            for status, n in statuses.items():
                assert squash(f"{zh[status]}{n}项") in line, (aid, status, line)
            if unreported:
                assert squash(f"其余{unreported}项未报告进展") in line, (aid, line)
            badges = {el.find_parent(class_="it").select_one(".ref").get_text(strip=True): el.get_text(strip=True)
                      for el in front.select(".by-deadline .state")}
            assert badges == {d.items[k].title.split("：", 1)[0]: zh[d.items[k].reports[0]["status"]] for k in keys if d.items[k].reports}
        seen |= set(statuses)
        # the three lines: reports of completion or cancellation take an item out of the overdue count
        from progress_expect import FIXTURE

        want, lines = expected_front(aid, FIXTURE), squash(front.select_one(".key-lines").get_text())
        assert squash(f"牵头 {want['leads']} 项（共 {want['total']} 项）") in lines, (aid, lines)
        assert squash(f"已过期限 {want['overdue']} 项") in lines, (aid, lines)
        if want["overdue"]:
            assert squash(f"最早 {want['earliest']} 年到期") in lines, (aid, lines)
        assert squash(f"持续推进 {want['ongoing']} 项") in lines, (aid, lines)
        meta = doc.select_one(".masthead .meta").get_text(" ", strip=True)
        assert f"数据截至 {d.as_of.isoformat()}" in meta and f"生成日期 {date.today().isoformat()}" in meta
        assert "印制" not in doc.get_text()
        # the details: each item's newest report, with its evidence
        for k in keys:
            x = d.items[k]
            if x.reports:
                assert x.reports[0]["summary"] in doc.get_text()
                for c in x.reports[0].get("evidence", []):
                    assert d.sources[c["source"]]["title"] in doc.get_text()
    assert seen == {k for k in zh if k not in ("overdue-unreported", "no-report")}


@pytest.mark.slow
def test_fixture_brief_page_one_pdf(tmp_path):
    """Page 1 of the PDF: the unit, 数据截至 <date>, the date generated, every item's website id, the reported states."""
    from weasyprint import HTML

    model, d, zh = _fixture()
    (tmp_path / CSS).write_bytes(stylesheet())
    biggest = max(d.agencies, key=lambda a: len(d.agency_items(a)))  # the longest summary table
    for aid in ("big-data-bureau", biggest):
        (tmp_path / "b.html").write_text(render_html(model, aid, "", changed=""), encoding="utf-8")
        HTML(filename=str(tmp_path / "b.html")).write_pdf(tmp_path / "b.pdf")
        first = squash(pdftext(tmp_path / "b.pdf", 1)[0])
        assert squash(model.agencies[aid].name) in first
        assert squash(f"数据截至 {d.as_of.isoformat()}") in first and squash(f"生成日期 {date.today().isoformat()}") in first
        for k in d.agency_items(aid):  # each item by its number and its short title (the YAML's title)
            number, short = d.items[k].title.split("：", 1)
            assert squash(f"{number}{short}") in first, (aid, k)
        for k in d.agency_items(aid):
            if d.items[k].reports:
                assert squash(zh[d.items[k].reports[0]["status"]]) in first


# ---------------------------------------------------------------------------
# Page 1: what a director reads in a minute (issue 19)


def expected_front(aid: str, data_dir: Path | None = None) -> dict:
    """Page 1's counts for a unit, from the YAML files (PyYAML, progress_expect): the items it leads (牵头 in
    the action plan, listed first in the task division), those past their deadline year and not reported
    completed or cancelled (and the earliest such year), the ongoing tasks (no year)."""
    from progress_expect import ROOT, dataset

    d = dataset(data_dir or ROOT / "data")
    items = [d.items[k] for k in d.agency_items(aid)]

    def leads(x):
        return aid in x.units.get("lead", []) or x.units.get("task", [None])[0] == aid

    def late(x):
        done = x.reports and x.reports[0]["status"] in ("completed", "cancelled")
        return x.year is not None and date(x.year, 12, 31) < d.as_of and not done

    overdue = [x for x in items if late(x)]
    return {"total": len(items), "leads": sum(map(leads, items)), "overdue": len(overdue),
            "overdue_led": sum(1 for x in overdue if leads(x)), "earliest": min((x.year for x in overdue), default=None),
            "ongoing": sum(1 for x in items if x.year is None), "titles": [x.title.replace("：", "", 1) for x in items], "as_of": d.as_of,
            "reported": sum(1 for x in items if x.reports)}


@pytest.mark.slow
def test_page_one_leads_with_three_counts_and_the_items(briefs):
    """Every unit's page 1: its name, the three lines (leads N, overdue N since YEAR, ongoing N) with the counts
    of the YAML files, the progress state once (no status repeated per item), every item by its website id
    (page 1 holds them all), the dates named for what they are, and the brief's address."""
    out, _ = briefs
    for aid, agency in data_model().agencies.items():
        want = expected_front(aid)
        first = squash(pdftext(out / f"{aid}.pdf", 1)[0])
        assert squash(agency.name) in first
        if not want["total"]:
            continue
        assert squash(f"牵头 {want['leads']} 项（共 {want['total']} 项）") in first, aid
        assert squash(f"已过期限 {want['overdue']} 项") in first, aid
        if want["overdue"]:
            assert squash(f"最早 {want['earliest']} 年到期") in first, aid
        if want["overdue_led"]:
            assert squash(f"其中牵头 {want['overdue_led']} 项") in first, aid
        assert squash(f"持续推进 {want['ongoing']} 项") in first, aid
        for title in want["titles"]:
            assert squash(title) in first, (aid, title)
        assert not want["reported"]  # data/ has no report yet: the state is said once, as a count
        n = want["total"]
        assert squash(f"全部 {n} 项均未报告进展" if n > 1 else "这 1 项未报告进展") in first, aid
        assert first.count("未报告进展") == 1 and "已过期限，未报告进展" not in first, aid
        assert squash(f"数据截至 {want['as_of'].isoformat()}") in first and squash(f"生成日期 {date.today().isoformat()}") in first
        assert "印制" not in first
        assert squash(f"网页版：{SITE_URL}briefs/{aid}.html") in first


@pytest.mark.slow
def test_page_one_qr_code_opens_the_brief(briefs, tmp_path):
    """The QR code on page 1 decodes (zxing-cpp, from the printed page at 150 dpi) to the brief's address."""
    import zxingcpp
    from PIL import Image

    out, _ = briefs
    for aid in ("big-data-bureau", "zaozhuang", "all-city-governments"):
        subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile", str(out / f"{aid}.pdf"),
                        str(tmp_path / aid)], check=True)
        found = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / f"{aid}.png"))]
        assert found == [f"{SITE_URL}briefs/{aid}.html"], (aid, found)


def test_no_address_no_qr_code_without_the_sites_address():
    from bs4 import BeautifulSoup

    for site_url in ("", "https://example.org/digital-shandong/"):
        doc = BeautifulSoup(render_html(data_model(), "big-data-bureau", site_url), "html.parser")
        assert doc.select(".qr-code, svg, .brief-url") == []
    doc = BeautifulSoup(render_html(data_model(), "big-data-bureau", SITE_URL), "html.parser")
    assert doc.select_one(".qr-code svg path") is not None
    assert doc.select_one(".brief-url").get_text() == f"{SITE_URL}briefs/big-data-bureau.html"



def test_page_one_names_items_by_their_short_titles(model):
    """Page 1 lists the items by their editorial short titles (the YAML's title), whole."""
    import yaml
    from bs4 import BeautifulSoup

    from shandong.config import DATA
    from shandong.views.briefs import render_html

    tasks = yaml.safe_load((DATA / "plan/tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    html = render_html(model, "big-data-bureau", changed="")
    mine = [t for t in tasks if "big-data-bureau" in t["units"]]
    assert mine and all(t["title"] in html for t in mine)
    assert "…" not in BeautifulSoup(html, "html.parser").select_one(".front").get_text()


def test_the_briefs_print_the_states_in_the_sites_colours():
    """One definition of the states' colours: the briefs' stylesheet has the light scheme's (progress.css)."""
    import re

    from shandong.config import DOCS

    light = (DOCS / "assets" / "progress.css").read_text(encoding="utf-8").split("}", 1)[0]
    site = dict(re.findall(r"--state-([\w-]+):\s*(#[0-9a-fA-F]{6})", light))
    brief = dict(re.findall(r"\.state-([\w-]+) \{ color: (#[0-9a-fA-F]{6}); \}", stylesheet().decode()))
    site.pop("ink", None)
    assert brief == site and len(brief) == 7
