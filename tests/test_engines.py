"""The other engines build the site that the session built (tests/conftest.py; the engine in use,
``ENGINE``, MkDocs by default). ``make test`` runs this (marker build); ``make test-engines`` alone.

- ProperDocs (a maintained fork of MkDocs 1.x) builds the site from the same data and settings: the same
  files, and every page the same text and markup once the generator tag is set aside.
- Zensical (``.venv-zensical``, ``make venv-zensical``; requirements/zensical.in says which release and
  why) builds the very tree the session's site was built from, with configuration only
  (``engine.build.zensical_config``): the same pages, each with the same article (text and markup), the
  same title, feeds, styles, scripts, navigation and footer; every other file byte for byte; every internal
  link resolves. What differs is listed below, each with its reason, and each item must still occur
  (the README's section on Zensical has the measurements).
"""
from __future__ import annotations

import fnmatch
import gzip
import os
import posixpath
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from shandong.engine.build import engine, engine_build
from shandong.outputs.generate import config_path
from sitetools import build_site, resolve

pytestmark = [pytest.mark.build, pytest.mark.slow]
MKDOCS_FAMILY = ("mkdocs", "properdocs")


@pytest.fixture(scope="module")
def other_site() -> tuple[str, Path]:
    other = next(e for e in MKDOCS_FAMILY if e != engine())
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


# ---------------------------------------------------------------------------
# Zensical

# Files only one build has: each engine's own theme files and search (the site's search is being
# reworked; Material's search files are not compared), and MkDocs' gzipped sitemap. {pattern: reason}
ONLY_MKDOCS = {
    "assets/javascripts/bundle.*.min.js": "Material's script bundle (Zensical has its own)",
    "assets/javascripts/bundle.*.min.js.map": "its source map",
    "assets/javascripts/lunr/*": "Material's search: lunr and its languages",
    "assets/javascripts/workers/search.*.min.js": "Material's search worker",
    "assets/javascripts/workers/search.*.min.js.map": "its source map",
    "assets/stylesheets/main.*.min.css": "Material's styles (Zensical has its own)",
    "assets/stylesheets/main.*.min.css.map": "their source map",
    "assets/stylesheets/palette.*.min.css": "Material's colour palettes",
    "assets/stylesheets/palette.*.min.css.map": "their source map",
    "search/search_index.json": "Material's search index (its settings only: every page leaves it, outputs.generate)",
    "sitemap.xml.gz": "MkDocs also writes the sitemap gzipped; Zensical writes sitemap.xml only (the same bytes)",
}
ONLY_ZENSICAL = {
    "assets/javascripts/bundle.*.min.js": "Zensical's script bundle",
    "assets/javascripts/LICENSE": "the licences of its bundled scripts",
    "assets/javascripts/workers/search.*.min.js": "its search worker",
    "assets/stylesheets/classic/*.min.css": "its styles and palettes, classic variant (Material's look: the one used)",
    "assets/stylesheets/modern/*.min.css": "its styles and palettes, modern variant (written, not used)",
    "search.json": "its search index",
}
# Pages whose <title> differs: Zensical prefixes the home page's title with its navigation title.
TITLE_DIFFERS = {"index.html": "首页 - 数字山东 · 任务与责任"}


@pytest.fixture(scope="module")
def zensical_site(site) -> Path:
    """Zensical builds the tree the session's site was built from (``docs/`` and ``mkdocs.yml`` beside it)."""
    out = site.parent / "site-zensical"
    engine_build(config_path(site.parent / "docs"), out, "zensical", quiet=True)
    return out


def _unexplained(only: set[str], listed: dict[str, str]) -> tuple[list[str], list[str]]:
    """(files matching no listed pattern, patterns matching no file)."""
    return ([f for f in sorted(only) if not any(fnmatch.fnmatchcase(f, p) for p in listed)],
            [p for p in listed if not any(fnmatch.fnmatchcase(f, p) for f in only)])


def test_zensical_builds_the_same_files_but_its_theme_and_search(site, zensical_site):
    mine, theirs = files(site), files(zensical_site)
    assert len(mine & theirs) > 300
    assert _unexplained(mine - theirs, ONLY_MKDOCS) == ([], []), "only in the MkDocs build"
    assert _unexplained(theirs - mine, ONLY_ZENSICAL) == ([], []), "only in the Zensical build"


def _where(page: str, url: str) -> str:
    """A relative URL of ``page`` as the path it leads to, under a root that shows a path leaving the site
    (the engines spell some URLs differently: on data/, MkDocs writes ``tasks.csv`` where Zensical writes
    ``../data/tasks.csv``; on the home page ``./`` and ``""``)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#"):
        return url
    here = f"/site/{page}"
    path = posixpath.normpath(posixpath.join(posixpath.dirname(here), parts.path)) if parts.path else here
    return path.removesuffix("/index.html") + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _article(page: str, doc: BeautifulSoup, zensical: bool):
    """The page's article, its relative URLs as the paths they lead to, without what is listed as differing:
    - Zensical's ``<a id="__skip">``, the target of its skip link (Material's is not in the article);
    - the ``data-search-exclude`` attributes (views/render.py), which Zensical reads for its search index and
      removes from the page, and MkDocs leaves for Material's search to read in the page."""
    art = doc.select_one("article.md-content__inner")
    assert art is not None, page
    excluded = art.find_all(attrs={"data-search-exclude": True})
    assert not (zensical and excluded), f"{page}: Zensical keeps data-search-exclude: take it off the list of differences"
    for el in excluded:
        del el["data-search-exclude"]
    if zensical:
        skip = art.find("a", id="__skip", recursive=False)
        assert skip is not None, f"{page}: Zensical's skip target is gone: take it off the list of differences"
        if isinstance(skip.next_sibling, str) and not skip.next_sibling.strip():
            skip.next_sibling.extract()
        skip.decompose()
    for el in art.find_all(href=True):
        el["href"] = _where(page, el["href"])
    for el in art.find_all(src=True):
        el["src"] = _where(page, el["src"])
    return art, len(excluded)


def _chrome(page: str, doc) -> dict:
    """What the configuration puts around the article: title, language, feeds (overrides/main.html),
    extra_css, extra_javascript, the colour schemes, the navigation's targets, the footer (overrides/)."""
    return {
        "title": doc.title.get_text() if doc.title else None,
        "lang": doc.html.get("lang"),
        "description": [m.get("content") for m in doc.find_all("meta", attrs={"name": "description"})],
        "feeds": [(ln.get("title"), _where(page, ln["href"])) for ln in doc.find_all("link", rel="alternate")],
        "extra_css": [_where(page, ln["href"]) for ln in doc.find_all("link", rel="stylesheet")
                      if "assets/stylesheets/" not in ln["href"]],
        "extra_javascript": [_where(page, s["src"]) for s in doc.find_all("script", src=True)
                             if "assets/javascripts/" not in s["src"]],
        "schemes": [i.get("data-md-color-scheme") for i in doc.select("input.md-option")],
        "tabs": [(a.get_text(" ", strip=True), _where(page, a["href"])) for a in doc.select(".md-tabs a[href]")],
        "nav": sorted({_where(page, a["href"]) for a in doc.select("nav.md-nav--primary a[href]")}),
        "footer": " ".join(doc.select_one("footer .md-copyright").get_text(" ", strip=True).split()),
    }


def test_zensical_pages_have_the_same_article_and_configuration(site, zensical_site):
    titles, search_excluded, pages = {}, 0, 0
    for rel in sorted(f for f in files(site) & files(zensical_site) if f.endswith(".html")):
        doc = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
        if doc.select_one("article") is None:  # a page of the tree as it is (a brief): compared byte for byte below
            continue
        pages += 1
        zdoc = BeautifulSoup((zensical_site / rel).read_text(encoding="utf-8"), "html.parser")
        art, excluded = _article(rel, doc, zensical=False)
        zart, _ = _article(rel, zdoc, zensical=True)
        search_excluded += excluded
        assert zart.get_text() == art.get_text(), f"{rel}: the article text differs under Zensical"
        assert str(zart) == str(art), f"{rel}: the article markup differs under Zensical"
        chrome, zchrome = _chrome(rel, doc), _chrome(rel, zdoc)
        if chrome["title"] != zchrome["title"]:
            titles[rel] = zchrome["title"]
            chrome.pop("title"), zchrome.pop("title")
        assert zchrome == chrome, f"{rel}: what the configuration puts around the article differs under Zensical"
    assert pages > 150
    assert titles == TITLE_DIFFERS
    assert search_excluded > 0, "MkDocs no longer keeps data-search-exclude: take it off the list of differences"


def test_zensical_builds_every_other_file_byte_for_byte(site, zensical_site):
    """The non-HTML files of both builds, and the HTML files the tree holds as they are (the briefs)."""
    tree = site.parent / "docs"
    same = sorted(f for f in files(site) & files(zensical_site) if not f.endswith(".html") or (tree / f).is_file())
    assert any(f.startswith("briefs/") and f.endswith(".html") for f in same) and "sitemap.xml" in same
    for rel in same:
        assert (zensical_site / rel).read_bytes() == (site / rel).read_bytes(), rel


def test_every_internal_link_of_the_zensical_site_resolves(zensical_site):
    """The link checker (htmlproofer) is a MkDocs plugin: here every link, stylesheet, script and image
    of every page must lead to a file of the site, and a fragment to an id of the page it names."""
    site = zensical_site.resolve()
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str, Path, str]] = []
    for page in sorted(site.rglob("*.html")):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids[page] = {el["id"] for el in doc.find_all(id=True)}
        for el in doc.find_all(["a", "link", "script", "img", "source"]):
            if url := el.get("href") or el.get("src"):
                target, fragment = resolve(site, page, url)
                if target is not None:
                    links.append((page, url, target.resolve(), unquote(fragment)))
    assert len(links) > 5000
    broken = [f"{page.relative_to(site)}: {url} (no such file)" for page, url, target, _ in links
              if not target.is_relative_to(site) or not target.is_file()]
    broken += [f"{page.relative_to(site)}: {url} (no such id)" for page, url, target, fragment in links
               if fragment and target in ids and fragment not in ids[target]]
    assert broken == []
