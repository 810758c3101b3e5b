"""The briefs page (issue 19): ``briefs/`` in the navigation as 简报, every unit grouped by kind with its
HTML brief and its PDF (pages and size as the files have them, saved under a Chinese name), the bound
volume all.pdf; the generate step shows only the PDFs made from the current HTML (their record,
``briefs/.pdfs.json``), ``make site`` generates again after the PDF step and ``make serve`` when its
background PDF step ends."""
from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from sitetools import article, page, resolve

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"provincial-department": "省直部门", "party-committee-office": "省委部门", "city-government": "市政府",
         "central-branch": "中央驻鲁单位", "collective": "泛指单位"}
BOUND = "数字山东各单位任务简报合订本.pdf"


def agencies_yaml() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]


def as_of() -> str:
    return str(yaml.safe_load((ROOT / "data" / "progress.yaml").read_text(encoding="utf-8"))["reviewed"]["date"])


def size_text(n: int) -> str:
    return f"{max(1, round(n / 1024))} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def unit_rows(doc) -> dict[str, tuple[str, object]]:
    """aid -> (the kind heading it is listed under, its row), from the page's tables."""
    rows = {}
    for h2 in doc.find_all("h2"):
        table = h2.find_next("table")
        for tr in table.select("tbody tr"):
            html_link = tr.find("a", href=re.compile(r"^[a-z0-9-]+\.html$"))
            rows[html_link["href"].removesuffix(".html")] = (h2.get("id"), tr)
    return rows


@pytest.mark.build
def test_briefs_page_lists_every_unit_by_kind_with_its_files(site):
    home = page(site, "")
    tab = next(a for a in home.select("nav.md-tabs a") if a.get_text(strip=True) == "简报")
    target, _ = resolve(site, site / "index.html", tab["href"])
    assert target == (site / "briefs" / "index.html").resolve()

    doc = article(page(site, "briefs/"))
    text = doc.get_text(" ", strip=True)
    assert f"截至 {as_of()}" in text and "第 1 页" in text and "第 2 页起" in text
    # the bound volume
    bound = doc.find("a", href="all.pdf")
    assert bound["download"] == BOUND
    all_pdf = site / "briefs" / "all.pdf"
    assert f"{pdf_pages(all_pdf)} 页，{size_text(all_pdf.stat().st_size)}" in bound.get_text()
    # every unit under its kind, with its two briefs
    rows = unit_rows(doc)
    agencies = agencies_yaml()
    assert set(rows) == {a["id"] for a in agencies}
    for h2 in doc.find_all("h2"):
        kind = h2["id"]
        assert h2.get_text(strip=True).startswith(KINDS[kind])
        assert f"（{sum(1 for a in agencies if a['kind'] == kind)}）" in h2.get_text()
    for a in agencies:
        kind, tr = rows[a["id"]]
        assert kind == a["kind"], a["id"]
        cells = tr.find_all("td")
        unit = cells[0].find("a")
        assert unit.get_text(strip=True) == a["name"]
        assert resolve(site, site / "briefs" / "index.html", unit["href"])[0] == (site / "agencies" / a["id"] / "index.html").resolve()
        pdf = cells[1].find("a", href=f"{a['id']}.pdf")
        assert pdf["download"] == f"{a['name']}任务简报.pdf"
        file = site / "briefs" / f"{a['id']}.pdf"
        assert f"（{pdf_pages(file)} 页，{size_text(file.stat().st_size)}）" in cells[1].get_text(), a["id"]
        assert (site / "briefs" / f"{a['id']}.html").is_file()
    assert not (site / "briefs" / ".pdfs.json").exists()  # the PDF step's record is not published
    # the unit's page and the HTML brief link to each other; the PDF is saved under the unit's name
    for a in agencies[:3]:
        link = article(page(site, f"agencies/{a['id']}/")).find("a", href=f"../../briefs/{a['id']}.pdf")
        assert link["download"] == f"{a['name']}任务简报.pdf"
        brief = site / "briefs" / f"{a['id']}.html"
        back = page(site, f"briefs/{a['id']}.html").select_one(".toolbar a.back")["href"]
        assert resolve(site, brief, back)[0] == (site / "agencies" / a["id"] / "index.html").resolve()


def _briefs_page(tree: Path):
    from bs4 import BeautifulSoup
    from markdown import markdown

    return BeautifulSoup(markdown((tree / "briefs" / "index.md").read_text(encoding="utf-8"),
                                  extensions=["tables", "attr_list"]), "html.parser")


@pytest.mark.slow
def test_generate_shows_the_pdfs_made_from_the_current_html(tmp_path):
    """Sizes and pages only for the PDFs whose record says they were made from the HTML now in the tree
    (the PDF step is faked here: small PDFs, and the record written as the step writes it)."""
    from pypdf import PdfWriter

    from shandong.config import DATA, Settings
    from shandong.outputs.generate import generate
    from shandong.outputs.pdf import write_record

    tree = tmp_path / "docs"
    settings = Settings(data_dir=DATA, pdf=True)
    generate(tree, settings)
    doc = _briefs_page(tree)
    assert "合订本正在生成" in doc.get_text() and "PDF 正在生成" in doc.get_text()
    assert not doc.find("a", href=re.compile(r"^(?!all\.pdf$)[a-z0-9-]+\.pdf$"))

    folder, ids = tree / "briefs", [a["id"] for a in agencies_yaml()]
    pages = {}
    for n, aid in enumerate([*ids, "all"]):
        writer = PdfWriter()
        for _ in range(1 + n % 4):
            writer.add_blank_page(595, 842)
        with open(folder / ("all.pdf" if aid == "all" else f"{aid}.pdf"), "wb") as fd:
            writer.write(fd)
        pages[aid] = 1 + n % 4
    digests = {aid: hashlib.sha256((folder / f"{aid}.html").read_bytes()).hexdigest() for aid in ids}
    write_record(folder, digests, pages)

    again = generate(tree, settings)
    assert again.written == ["briefs/index.md"]  # make site's second generation changes that page only
    doc = _briefs_page(tree)
    assert "正在生成" not in doc.get_text()
    for aid in ids:
        cell = doc.find("a", href=f"{aid}.pdf").parent
        assert f"（{pages[aid]} 页，{size_text((folder / f'{aid}.pdf').stat().st_size)}）" in cell.get_text()
    assert f"{pages['all']} 页，{size_text((folder / 'all.pdf').stat().st_size)}" in doc.find("a", href="all.pdf").get_text()

    # a PDF made from other HTML (the data changed since) or replaced by another file: no size, no link
    record = json.loads((folder / ".pdfs.json").read_text(encoding="utf-8"))
    record[ids[0]]["html"] = hashlib.sha256(b"older").hexdigest()
    (folder / ".pdfs.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / f"{ids[1]}.pdf").write_bytes((folder / f"{ids[1]}.pdf").read_bytes() + b"\n")
    generate(tree, settings)
    doc = _briefs_page(tree)
    for aid in ids[:2]:
        assert doc.find("a", href=f"{aid}.pdf") is None
        assert "PDF 正在生成" in doc.find("a", href=f"{aid}.html").parent.get_text()
    assert doc.find("a", href=f"{ids[2]}.pdf") is not None

    # without PDFs (make serve's default): the PDFs and their record go; the page says where they are
    generate(tree, Settings(data_dir=DATA, pdf=False))
    assert not list(folder.glob("*.pdf")) and not (folder / ".pdfs.json").exists()
    doc = _briefs_page(tree)
    assert doc.find("a", href=re.compile(r"\.pdf$")) is None
    assert "正式发布的网站" in doc.get_text()
    assert {a["href"] for a in doc.find_all("a", href=re.compile(r"\.html$"))} == {f"{aid}.html" for aid in ids}


@pytest.mark.slow
def test_serve_generates_again_when_the_pdfs_are_made(tmp_path, monkeypatch):
    """make serve BRIEFS=1: when the background PDF step ends, the tree is generated again and the briefs page
    lists the PDFs' sizes (the engine is a stand-in process here; the PDF step is the real one)."""
    from shandong.config import DATA, Settings
    from shandong.engine import build

    monkeypatch.setattr(build, "engine_command", lambda *a, **k: [sys.executable, "-c", "import time; time.sleep(900)"])
    tree = tmp_path / "docs"
    server = build.Server(Settings(data_dir=DATA, pdf=True), "127.0.0.1:0", tree=tree)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        record, briefs_page = tree / "briefs" / ".pdfs.json", tree / "briefs" / "index.md"
        deadline = time.monotonic() + 900
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert record.exists(), "the PDF step did not end"
        until = time.monotonic() + 20
        while "正在生成" in briefs_page.read_text(encoding="utf-8") and time.monotonic() < until:
            time.sleep(0.2)
        text = briefs_page.read_text(encoding="utf-8")
        assert "正在生成" not in text
        size = (tree / "briefs" / "big-data-bureau.pdf").stat().st_size
        assert f"{size_text(size)}）" in text
    finally:
        if server.engine is not None:
            server.engine.terminate()
        thread.join(60)
    assert not thread.is_alive()
