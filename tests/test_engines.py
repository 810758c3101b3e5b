"""The second engine: the site built by ProperDocs (a maintained fork of MkDocs 1.x) is the site built
by MkDocs: the same files, and every page the same text and markup once the generator tag is set
aside. ``make test`` runs this (marker build); ``make test-engines`` runs it alone.

The session's site (tests/conftest.py) is built by the engine in use (``ENGINE``, MkDocs by default);
this module builds the other one from the same data and settings."""
from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from shandong.engine.build import ENGINES, engine
from sitetools import build_site

pytestmark = [pytest.mark.build, pytest.mark.slow]


@pytest.fixture(scope="module")
def other_site() -> tuple[str, Path]:
    other = next(e for e in ENGINES if e != engine())
    out = Path(tempfile.mkdtemp(prefix=f"ds-site-{other}-")) / "site"
    build_site(out, os.environ.get("SHANDONG_DATA") or None, engine_name=other)
    return other, out


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def without_generator(path: Path) -> tuple[str, str]:
    """(text, markup) of a page, its <meta name="generator"> removed."""
    doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for meta in doc.find_all("meta", attrs={"name": "generator"}):
        meta.decompose()
    return doc.get_text(), str(doc)


def test_both_engines_build_the_same_files(site, other_site):
    other, out = other_site
    assert files(site) == files(out), (other, sorted(files(site) ^ files(out))[:10])
    assert len(files(site)) > 300


def test_every_page_has_the_same_text_and_markup(site, other_site):
    other, out = other_site
    pages = sorted(f for f in files(site) if f.endswith(".html"))
    assert len(pages) > 150
    generators = set()
    for rel in pages:
        text, markup = without_generator(site / rel)
        other_text, other_markup = without_generator(out / rel)
        assert other_text == text, f"{rel}: the page text differs under {other}"
        assert other_markup == markup, f"{rel}: the markup differs under {other}"
        doc = BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")
        if tag := doc.find("meta", attrs={"name": "generator"}):
            generators.add(tag["content"])
    assert any(("ProperDocs" if other == "properdocs" else "mkdocs-1.") in g for g in generators), generators


def test_every_other_file_is_the_same(site, other_site):
    _, out = other_site
    for rel in sorted(f for f in files(site) if not f.endswith(".html")):
        a, b = (site / rel).read_bytes(), (out / rel).read_bytes()
        if rel.endswith(".gz"):  # the gzip header holds the time it was written
            a, b = gzip.decompress(a), gzip.decompress(b)
        assert a == b, rel
