"""How the brief PDFs are rendered (outputs.pdf): content-addressed per brief,
so that after one data edit only the briefs whose text changed are rendered again, and all.pdf is
joined from the cached PDFs with one copy of each font. Uses a model cut down to a few units."""
from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from shandong.outputs import pdf
from shandong.outputs.pdf import pdf_key, write_briefs

UNITS = ("big-data-bureau", "general-office", "jinan", "zaozhuang")


class Some(dict):
    """Every unit can be looked up (briefs name their co-units), but only UNITS are listed: the briefs written."""

    def __iter__(self):
        return iter(UNITS)

    def keys(self):
        return list(UNITS)

    def values(self):
        return [self[k] for k in UNITS]

    def items(self):
        return [(k, self[k]) for k in UNITS]

    def __len__(self):
        return len(UNITS)


@pytest.fixture(scope="module")
def small_model(model):
    m = copy.copy(model)
    m.agencies = Some({aid: copy.copy(a) for aid, a in model.agencies.items()})
    return m


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")))


def font_objects(path: Path) -> list[tuple[str, str]]:
    """(name, object id) of every font of the PDF, as pdffonts lists them."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [(ln.split()[0], " ".join(ln.split()[-2:])) for ln in lines if ln.strip()]


def png(pdf: Path, page: int, out: Path) -> bytes:
    subprocess.run(["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), "-png", "-singlefile", str(pdf), str(out)],
                   check=True)
    return out.with_suffix(".png").read_bytes()


def test_pdf_key_depends_on_html_css_and_renderer():
    base = pdf_key("<p>a</p>", b"p{}", "r1")
    assert len({base, pdf_key("<p>b</p>", b"p{}", "r1"), pdf_key("<p>a</p>", b"p{x:1}", "r1"),
                pdf_key("<p>a</p>", b"p{}", "r2")}) == 4
    assert pdf_key("<p>a</p>", b"p{}", "r1") == base


def test_renderer_fingerprint_names_weasyprint_and_the_fonts(monkeypatch):
    """Upgrading WeasyPrint (a new lock) or the fonts must not reuse the PDFs made before: both are in every key."""
    import weasyprint

    before = pdf.renderer_fingerprint()
    monkeypatch.setattr(weasyprint, "__version__", weasyprint.__version__ + ".1")
    assert pdf.renderer_fingerprint() != before


def test_fontconfig_failing_stops_the_join(monkeypatch):
    """Without fc-list every brief would keep its own font subsets (all.pdf ~25× larger): an error, not a silent fallback."""
    def broken(*args, **kwargs):
        raise FileNotFoundError("fc-list")

    monkeypatch.setattr(pdf.subprocess, "run", broken)
    with pytest.raises(RuntimeError, match="fc-list"):
        pdf._installed_faces()


@pytest.mark.slow
def test_only_changed_briefs_are_rendered_again(model, small_model, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = write_briefs(small_model, out, site_url="https://x.test/", cache_dir=cache)
    assert sorted(first["rendered"]) == sorted([*UNITS, "contents"])
    sizes = {aid: (out / f"{aid}.pdf").read_bytes() for aid in UNITS}

    again = write_briefs(small_model, tmp_path / "out2", site_url="https://x.test/", cache_dir=cache)
    assert again["rendered"] == []
    assert {aid: (tmp_path / "out2" / f"{aid}.pdf").read_bytes() for aid in UNITS} == sizes

    edited = copy.copy(small_model)
    edited.agencies = Some({**model.agencies, "jinan": copy.copy(model.agencies["jinan"])})
    edited.agencies["jinan"].en += " (edited)"  # on jinan's brief only
    third = write_briefs(edited, tmp_path / "out3", site_url="https://x.test/", cache_dir=cache)
    assert third["rendered"] == ["jinan"]
    assert (tmp_path / "out3" / "jinan.pdf").read_bytes() != sizes["jinan"]
    pages = {aid: pdf_pages(tmp_path / "out3" / f"{aid}.pdf") for aid in UNITS}
    assert third["pages"]["all"] == pdf_pages(tmp_path / "out3" / "all.pdf") == third["pages"]["contents"] + sum(pages.values())
    # Joined from the parsed PDFs kept by the process (briefs._READERS): the pages are still the units' pages.
    start = third["pages"]["contents"] + 1
    for aid in UNITS:
        assert png(tmp_path / "out3" / "all.pdf", start, tmp_path / "a") == png(tmp_path / "out3" / f"{aid}.pdf", 1, tmp_path / "u"), aid
        start += pages[aid]


@pytest.mark.slow
def test_all_pdf_is_the_unit_pdfs_with_one_copy_of_each_font(small_model, tmp_path):
    out = tmp_path / "out"
    result = write_briefs(small_model, out, site_url="https://x.test/", cache_dir=tmp_path / "cache")
    all_pdf = out / "all.pdf"
    units = sum((out / f"{aid}.pdf").stat().st_size for aid in UNITS)
    # Each unit PDF embeds its own font subsets; in all.pdf every font's file is embedded once.
    names = {name for name, _ in font_objects(all_pdf)}
    assert len(names) == 3, names  # Noto Sans CJK SC regular and bold, Noto Serif CJK SC
    files = set()
    for page in PdfReader(all_pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            files.add(descriptor.raw_get("/FontFile3").idnum)
            # the shared file is really there: a font program, not a null left by the joining (viewers
            # without the font installed would show no text; poppler here would fall back to Noto)
            program = descriptor["/FontFile3"].get_object()
            assert isinstance(program, StreamObject) and len(program.get_data()) > 10_000, font
    assert len(files) == len(names), files
    run = subprocess.run(["pdftoppm", "-r", "20", "-png", str(all_pdf), str(tmp_path / "check")], capture_output=True, text=True)
    assert (run.returncode, run.stderr) == (0, "")
    assert all_pdf.stat().st_size < units / 2, (all_pdf.stat().st_size, units)
    # The pages of all.pdf look exactly like the unit PDF's (same glyphs through the shared fonts).
    start = result["pages"]["contents"] + 1
    for aid in UNITS:
        n = result["pages"][aid]
        for k in sorted({1, n}):
            assert png(all_pdf, start + k - 1, tmp_path / "a") == png(out / f"{aid}.pdf", k, tmp_path / "u"), (aid, k)
        start += n
