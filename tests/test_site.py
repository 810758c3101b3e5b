"""The built site, read back with a real HTML parser and compared with the data."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from shandong.data.model import ROLE_NAMES
from sitetools import article, data_model, page, resolve, soup

pytestmark = pytest.mark.build


def item_keys_by_role(doc) -> dict[str, list[str]]:
    """On an agency page: role section id -> the item anchors listed under it, in order."""
    out, role = {}, None
    for el in article(doc).find_all(["h2", "h3"]):
        if el.name == "h2":
            role = el.get("id") if el.get("id") in ROLE_NAMES else None
            if role:
                out[role] = []
        elif role:
            out[role].append(el.get("id"))
    return out


def test_every_agency_page_lists_exactly_its_items_per_role(site):
    for aid, roles in data_model().by_agency.items():
        doc = page(site, f"agencies/{aid}/")
        expected = {role: sorted(i.key for i in items) for role, items in roles.items()}
        got = {role: sorted(keys) for role, keys in item_keys_by_role(doc).items()}
        assert got == expected, aid
        assert data_model().agencies[aid].name in article(doc).h1.get_text()


def test_agency_pages_link_each_item_and_its_co_units(site):
    for aid, roles in data_model().by_agency.items():
        doc = article(page(site, f"agencies/{aid}/"))
        for items in roles.values():
            for item in items:
                heading = doc.find(id=item.key)
                link = heading.find("a", href=True)
                assert link["href"].rstrip("/").endswith(item.url.rstrip("/")), (aid, item.key)
                block = []
                for sib in heading.find_next_siblings():
                    if sib.name in ("h2", "h3"):
                        break
                    block.append(sib)
                text = " ".join(b.get_text(" ") for b in block)
                assert item.text in text
                hrefs = {urlsplit(a["href"]).path.rstrip("/").rsplit("/", 1)[-1] for b in block for a in b.find_all("a", href=True)}
                assert set(data_model().co_units(item, aid)) <= hrefs, (aid, item.key)


def test_every_item_has_a_page_linking_all_its_units(site):
    for item in data_model().items:
        check_item_page(site, item)


def check_item_page(site, item):
    doc = article(page(site, item.url))
    assert item.text in doc.get_text()
    linked = {urlsplit(a["href"]).path.rstrip("/").rsplit("/", 1)[-1] for a in doc.find_all("a", href=True)
              if "/agencies/" in "/" + urlsplit(a["href"]).path}
    assert linked == set(item.units())
    assert item.source in doc.get_text()


def test_home_page_counts_equal_the_data(site):
    text = article(page(site, "")).get_text()
    assert f"{len(data_model().tasks)} 项重点任务" in text
    assert f"{len(data_model().measures)} 项措施" in text
    assert f"{len(data_model().targets)} 个量化目标" in text
    assert f"{len(data_model().agencies)} 个责任单位" in text


def test_agency_index_has_a_row_per_agency_with_its_counts(site):
    doc = article(page(site, "agencies/"))
    rows = {}
    for tr in doc.select("table tr"):
        a = tr.find("a", href=True)
        cells = [td.get_text(strip=True) for td in tr.find_all("td")]
        if a and "agencies/" not in a["href"] and cells and len(cells) == 7:
            rows[a["href"].strip("./").rstrip("/")] = cells
    assert set(rows) == set(data_model().agencies)
    for aid, cells in rows.items():
        counts = [int(c) for c in cells[2:6]]
        assert counts == [data_model().agency_count(aid, r) for r in ("lead", "support", "responsible", "task")], aid


def test_theme_pages_hold_every_item_of_the_theme(site):
    for tid, items in data_model().by_theme.items():
        doc = article(page(site, f"themes/{tid}/"))
        hrefs = {urlsplit(a["href"]).path.strip("./").rstrip("/") for a in doc.find_all("a", href=True)}
        expected = {i.url.rstrip("/") for i in items}
        assert expected <= {h.replace("../", "") for h in hrefs}, tid


def test_targets_and_deadlines_pages(site):
    targets = article(page(site, "targets/"))
    rows = [tr for tr in targets.select("table tbody tr") if not tr.find_parent(class_="ds-target-progress")]
    assert len(rows) == len(data_model().targets)  # (the progress table is tested in test_progress_site.py)
    for t in data_model().targets:
        assert t.text in targets.get_text()
    deadlines = article(page(site, "deadlines/")).get_text()
    for item in data_model().items:
        assert item.text in deadlines


def html_files(site: Path) -> list[Path]:
    """Every page of the site (404.html uses absolute links from site_url: it is served at any path).
    Fails on a site that lacks any generated page, so that no test over these files passes on an empty site."""
    files = sorted(p for p in site.rglob("*.html") if "briefs" not in p.parts and p.name != "404.html")
    pages = {p.parent.relative_to(site).as_posix() + "/" for p in files if p.name == "index.html"}
    expected = {u.lstrip("/") for u in [*(a.url for a in data_model().agencies.values()), *(t.url for t in data_model().themes.values()),
                                        *(i.url for i in data_model().items)]}
    assert expected <= pages, sorted(expected - pages)[:5]
    return files


def test_no_internal_link_or_anchor_is_broken(site):
    broken = []
    for f in html_files(site):
        doc = soup(f)
        for a in doc.find_all("a", href=True):
            target, fragment = resolve(site, f, a["href"])
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{f.relative_to(site)} -> {a['href']} (no file)")
            elif fragment and target.suffix == ".html" and soup(target).find(id=fragment) is None:
                broken.append(f"{f.relative_to(site)} -> {a['href']} (no anchor)")
    assert broken == []


def test_no_page_loads_anything_from_another_host(site):
    foreign = []
    for f in html_files(site):
        doc = soup(f)
        for tag, attr in [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data")]:
            for el in doc.find_all(tag):
                if tag == "link" and set(el.get("rel", [])) & {"canonical", "alternate"}:
                    continue  # names the page's public address; loads nothing
                url = el.get(attr)
                if url and (urlsplit(url).netloc or url.startswith("//")):
                    foreign.append(f"{f.relative_to(site)}: <{tag} {attr}={url}>")
        for el in doc.find_all(style=True):
            if "url(http" in el["style"] or "url(//" in el["style"]:
                foreign.append(f"{f.relative_to(site)}: style {el['style'][:60]}")
    stylesheets = sorted(site.rglob("*.css"))
    assert stylesheets, "the site has no stylesheet"
    for css in stylesheets:
        text = css.read_text(encoding="utf-8", errors="replace")
        for marker in ("@import url(http", "fonts.googleapis", "url(https://", "url(http://"):
            if marker in text:
                foreign.append(f"{css.relative_to(site)}: {marker}")
    assert foreign == []


def test_per_item_pages_carry_only_the_index_navigation(site):
    nav = page(site, "measures/m1-1-1/").select("nav.md-nav--primary a.md-nav__link")
    hrefs = [a.get("href") for a in nav]
    assert not any("/measures/" in (h or "") or "/tasks/" in (h or "") for h in hrefs)
    assert len(hrefs) < 20


def test_chinese_headings_get_real_anchors(site):
    doc = article(page(site, "themes/government/"))
    ids = [h.get("id") for h in doc.find_all(["h2", "h3", "h4"])]
    assert all(ids) and len(set(ids)) == len(ids)
    about = article(page(site, "about/"))
    assert about.find(id="aliases") is not None


def test_downloads_and_briefs_are_published(site):
    for aid in data_model().agencies:
        assert (site / "briefs" / f"{aid}.pdf").stat().st_size > 1000
        assert (site / "briefs" / f"{aid}.html").exists()
    for name in ("digital-shandong.json", "assignments.csv", "digital-shandong.xlsx"):
        assert (site / "data" / name).stat().st_size > 1000


def test_agency_pages_name_their_most_frequent_partners(site):
    for aid in ("big-data-bureau", "jinan", "zaozhuang"):
        section = article(page(site, f"agencies/{aid}/")).find(id="partners")
        rows = section.find_next("table").select("tbody tr")
        got = [(tr.find("a")["href"].strip("./").rstrip("/").rsplit("/", 1)[-1], int(tr.find_all("td")[1].get_text()))
               for tr in rows]
        shared = {}
        for item in data_model().items:
            if aid in item.units():
                for u in set(item.units()) - {aid}:
                    shared[u] = shared.get(u, 0) + 1
        assert [n for _, n in got] == sorted(shared.values(), reverse=True)[:10]
        assert all(shared[u] == n for u, n in got)


def test_every_page_is_titled_by_its_heading_not_its_file_name(site):
    """The browser tab, bookmarks and search results name an item page as its heading does
    (the breadcrumbs before the heading once left MkDocs to name it after its file: "M1 2 6", "38")."""
    import json

    suffix = " - " + soup(site / "index.html").title.get_text().split(" - ")[-1]
    by_hand = {"tasks/38/": "重点任务 38：编制实施《山东省电子政务和数据管理办法》",
               "measures/m1-2-6/": "行动措施 1.2.6：建设机关事业单位监管考核平台", "measures/m5-1/": "行动措施 5.1：加强组织领导",
               "agencies/big-data-bureau/": "山东省大数据局（省大数据局）"}
    for url, title in by_hand.items():
        assert page(site, url).title.get_text() == title + suffix, url
    for item in data_model().items:
        doc = page(site, item.url)
        heading = " ".join(article(doc).h1.get_text().split()).rstrip("¶").strip()
        assert doc.title.get_text() == heading + suffix, item.url
    index = json.loads((site / "assets" / "search" / "index.json").read_text(encoding="utf-8"))  # the site's search
    titles = {r["u"]: r["t"] for r in index["pages"]}
    assert titles["measures/m1-2-6/"] == by_hand["measures/m1-2-6/"] and titles["tasks/38/"] == by_hand["tasks/38/"]


def test_no_page_shows_an_escaped_entity_as_text(site):
    """Text escaped twice shows its entities to readers (units&#95;as&#95;written on the downloads page): no page's
    visible text, read by an HTML parser, holds an entity."""
    import re

    from bs4 import BeautifulSoup

    entity = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
    shown = []
    for html in sorted(site.rglob("*.html")):
        text = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        shown += [f"{html.relative_to(site)}: {m[0]}" for m in entity.finditer(text)]
    assert shown == []


def test_downloads_page_names_fields_as_the_files_do(site):
    doc = article(page(site, "data/"))
    codes = {c.get_text() for c in doc.find_all("code")}
    assert {"units_as_written", "$schema", "schedule_as_written", "title"} <= codes


@pytest.mark.parametrize("url", ["", "tasks/1/", "agencies/big-data-bureau/", "data/"])
def test_no_placeholder_address_without_a_site_url(site, url):
    """The test site is built without SITE_URL: nothing may invent an address (no canonical link, an empty sitemap)."""
    doc = page(site, url)
    assert doc.find("link", rel="canonical") is None
    assert "example.org" not in str(doc)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>" not in sitemap and "example.org" not in sitemap


def test_deploy_without_a_site_address_stops(tmp_path):
    import os
    import subprocess
    import sys

    from shandong import ROOT

    for url in ("", "https://example.org/digital-shandong/"):
        env = {**os.environ, "SHANDONG_DEPLOY": "1", "SITE_URL": url, "PYTHONPATH": str(ROOT / "scripts")}
        run = subprocess.run([sys.executable, "-m", "shandong.engine.build", str(tmp_path / "site"), "--tree",
                              str(tmp_path / "docs")], cwd=ROOT, env=env, capture_output=True, text=True)
        assert run.returncode == 1 and "public address" in run.stderr and not (tmp_path / "docs").exists(), url


def test_404_page_is_in_chinese_and_leads_back(site):
    doc = soup(site / "404.html")
    assert doc.find("h1").get_text(strip=True) == "找不到这个页面"
    assert doc.find("title").get_text().startswith("找不到这个页面")
    hrefs = {a["href"] for a in doc.select("article a[href]")}
    for section in ("themes/", "agencies/", "briefs/", "search/", "deadlines/", "targets/", "data/", "about/"):
        assert any(h.endswith(section) for h in hrefs), section


def test_the_footer_speaks_chinese(site):
    """Seen on the built site: the theme's credit line said "Made with Material for MkDocs" under the Chinese
    footer. The credit stays, in Chinese."""
    for url in ["", "tasks/13/", "agencies/big-data-bureau/"]:
        footer = page(site, url).select_one(".md-copyright")
        text = footer.get_text(" ", strip=True)
        assert "Made with" not in text, url
        assert "本站用 Material for MkDocs 生成" in " ".join(text.split()), url


@pytest.mark.slow
def test_404_page_works_at_any_depth_of_the_published_site():
    """GitHub Pages serves 404.html for every missing path, at any depth: its styles and links are absolute,
    from the site's public address, and they exist in the site."""
    from progress_expect import FIXTURE
    from sitetools import FIXTURE_SITE_URL, built_site

    site = built_site(FIXTURE)
    base = urlsplit(FIXTURE_SITE_URL).path
    doc = soup(site / "404.html")
    refs = [t.get("href") or t.get("src") for t in doc.select("link[rel=stylesheet], script[src], article a[href]")]
    assert refs and all(r.startswith(base) for r in refs), refs
    for r in refs:
        target = (site / r.removeprefix(base)).resolve()
        assert (target / "index.html" if target.is_dir() else target).is_file(), r


def test_items_are_known_by_their_short_titles(site):
    """Every item page: heading, <title> and description name the item by its title (number and editorial short
    title, from the YAML) and its own words, not by its number alone or the site's description; theme pages
    link each task by its title."""
    import yaml

    from shandong.config import DATA

    site_description = soup(site / "index.html").find("meta", attrs={"name": "description"})["content"]
    tasks = yaml.safe_load((DATA / "plan/tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    measures = yaml.safe_load((DATA / "action-2020/measures.yaml").read_text(encoding="utf-8"))["measures"]
    expected = {f"tasks/{t['number']}/": (f"重点任务 {t['number']}：{t['title']}", t["text"]) for t in tasks}
    expected |= {f"measures/{m['id']}/": (f"行动措施 {m['id'][1:].replace('-', '.')}：{m['title']}", m["text"]) for m in measures}
    for url, (title, text) in expected.items():
        doc = page(site, url)
        assert " ".join(article(doc).h1.get_text().split()).rstrip("¶").strip() == title, url
        assert doc.title.get_text().startswith(title + " - "), url
        description = doc.find("meta", attrs={"name": "description"})["content"]
        assert description != site_description and text.startswith(description.removesuffix("…")), url
        assert "本站编辑所拟" in article(doc).get_text()  # the title is marked as editorial
    for tid in {t["theme"] for t in tasks}:
        doc = article(page(site, f"themes/{tid}/"))
        links = {a.get_text(strip=True) for a in doc.select("#tasks ~ div table a[href*='tasks/']")}
        assert links == {expected[f"tasks/{t['number']}/"][0] for t in tasks if t["theme"] == tid}, tid
    for aid in ("big-data-bureau", "jinan"):
        description = page(site, f"agencies/{aid}/").find("meta", attrs={"name": "description"})["content"]
        assert description != site_description and description.startswith(data_model().agencies[aid].name), aid


def test_pages_alone_in_their_section_leave_the_width_to_their_tables(site):
    """期限, 量化目标, 简报, 数据下载 and 关于本站 are each the only page of their section: the left navigation
    would list the page itself and squeeze its tables (seen on 量化目标: a column one character wide), so
    they hide it (front matter ``hide: [navigation]``). A theme keeps it: it lists the five themes."""
    for url in ["deadlines/", "targets/", "briefs/", "data/", "about/", ""]:
        assert page(site, url).select_one(".md-sidebar--primary").has_attr("hidden"), url
    assert not page(site, "themes/government/").select_one(".md-sidebar--primary").has_attr("hidden")


def test_related_items_stand_one_per_line(site):
    """A task's related measures (and a measure's related tasks) are links of their own, one per line:
    joined by "、", the comma wrapped onto a line of its own between two 24 px tap targets."""
    seen = 0
    for url in ["tasks/13/", "measures/m1-4-1/"]:  # two related measures; two related tasks (data/action-2020)
        for td in article(page(site, url)).select("td"):
            links = td.select("a.ds-item")
            if len(links) > 1:
                seen += 1
                assert len(td.find_all("br")) == len(links) - 1, url
                assert [s for s in td.strings if s.strip() and s.parent.name != "a"] == [], url
    assert seen == 2
