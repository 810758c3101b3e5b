"""Progress on the website (issue 11): the fixture dataset tests/fixtures/progress-data (every
status, several reports per item, target values) built with MkDocs, and the real data (no
reports). Expected values come from the YAML files (tests/progress_expect.py), pages are read
with BeautifulSoup."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from progress_expect import ALL_STATES, FIXTURE, ROOT, ZH, dataset
from sitetools import article, built_site, page, resolve

pytestmark = [pytest.mark.build, pytest.mark.slow]
D = dataset()


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site(FIXTURE)


def state_of(el) -> str:
    """The state key of a .ds-state badge (its class ds-state-<key>)."""
    keys = [c.removeprefix("ds-state-") for c in el["class"] if c.startswith("ds-state-")]
    assert len(keys) == 1, el
    return keys[0]


def counts_table(section) -> dict[str, int]:
    """State -> count from a progress counts table (rows: badge, meaning, count)."""
    out = {}
    for row in section.select("tbody tr"):
        badge = row.select_one(".ds-state")
        if badge:
            assert badge.get_text(strip=True) == ZH[state_of(badge)]
            out[state_of(badge)] = int(row.find_all("td")[1].get_text(strip=True))
    return out


def listed_by_state(site: Path, url: str, doc) -> dict[str, set[str]]:
    """State -> item URLs, from the collapsible lists of a progress summary."""
    out: dict[str, set[str]] = {}
    page_file = site / url / "index.html" if url else site / "index.html"
    labels = {f"{z}（": s for s, z in ZH.items()}
    for det in doc.select("details"):
        title = det.find("summary").get_text(strip=True)
        state = next((s for prefix, s in sorted(labels.items(), key=lambda p: -len(p[0])) if title.startswith(prefix)), None)
        if state is None:
            continue
        urls = set()
        for a in det.select("li a[href]"):
            target, _ = resolve(site, page_file, a["href"])
            urls.add(target.relative_to(site).parent.as_posix() + "/")
        out[state] = urls
    return out


def test_fixture_uses_every_state():
    assert {x.state for x in D.items.values()} == set(ALL_STATES)
    assert any(len(x.reports) >= 3 for x in D.items.values())
    assert any(t["values"] for t in D.targets) and any(not t["values"] for t in D.targets)


def test_item_pages(site):
    seen = set()
    for x in D.items.values():
        doc = page(site, x.url)
        prog = doc.select_one(".ds-progress")
        assert prog is not None, x.url
        badge = prog.select_one(".ds-state")
        assert state_of(badge) == x.state and badge.get_text(strip=True) == ZH[x.state], x.url
        seen.add(x.state)
        text = prog.get_text(" ", strip=True)
        assert f"截至 {D.as_of.isoformat()}" in text, x.url
        passed = x.year is not None and date(x.year, 12, 31) < D.as_of
        assert ("已过期限" in text) == passed, x.url
        history = doc.find(id="progress-history")
        if not x.reports:
            assert "未报告进展" in text and history is None, x.url
            continue
        newest = x.reports[0]
        assert newest["summary"] in text and str(newest["as_of"]) in text
        rows = history.find_next("table").select("tbody tr")
        assert [r.find("td").get_text(strip=True) for r in rows] == [str(r["as_of"]) for r in x.reports], x.url
        assert [state_of(r.select_one(".ds-state")) for r in rows] == [r["status"] for r in x.reports]
        for r in x.reports:
            for c in r.get("evidence", []):
                s = D.sources[c["source"]]
                assert s["title"] in history.find_next("table").get_text(), (x.url, s["id"])
                if s.get("url"):
                    assert doc.select(f'a[href="{s["url"]}"]'), (x.url, s["url"])
                if s.get("doc_number"):
                    assert s["doc_number"] in doc.get_text()
                if c.get("locator"):
                    assert c["locator"] in doc.get_text()
    assert seen == set(ALL_STATES)


def _check_summary(site, url, keys):
    """The progress part of a page about ``keys``: one sentence when none of them has a report (how many
    deadlines have passed), else the counts of the states that occur and the items listed by state."""
    doc = page(site, url)
    if not any(D.items[k].reports for k in keys):
        assert doc.select_one(".ds-progress-summary") is None and doc.select_one("svg[class*=chart-status]") is None, url
        text = doc.select_one(".ds-progress-none").get_text()
        passed = [k for k in keys if D.items[k].state == "overdue-unreported"]
        assert "尚未收录" in text and "任何进展报告" in text, url
        assert (f"其中 {len(passed)} 项的期限已过" in text) if passed else ("期限已过" not in text), url
        return doc
    section = doc.select_one(".ds-progress-summary")
    assert section is not None, url
    assert counts_table(section) == {s: n for s, n in D.counts(keys).items() if n}, url
    assert f"截至 {D.as_of.isoformat()}" in section.get_text(" ", strip=True).replace("截至 ", "截至 ")
    expected = {s: {D.items[k].url for k in keys if D.items[k].state == s} for s in ALL_STATES}
    assert listed_by_state(site, url, doc) == {s: v for s, v in expected.items() if v}, url
    return doc


def test_agency_pages(site):
    seen = set()
    for aid in D.agencies:
        keys = D.agency_items(aid)
        doc = _check_summary(site, f"agencies/{aid}/", keys)
        seen |= {D.items[k].state for k in keys}
        # its own feed, linked from the head and the page, and built
        feeds = [ln["href"] for ln in doc.select('link[rel=alternate][type="application/atom+xml"]')]
        assert any(h.endswith(f"feeds/agencies/{aid}.atom") for h in feeds), aid
        assert (site / "feeds" / "agencies" / f"{aid}.atom").is_file()
        # the chart of its items by role: numbers read back from the SVG
        svg = doc.select_one(f"svg.sd-chart-chart-status-role-{aid}")
        if any(D.items[k].reports for k in keys):
            for bar in svg.select("g.bar"):
                role = bar["data-key"]
                mine = [k for k in keys if aid in D.items[k].units.get(role, [])]
                got = {r["data-state"]: int(r["data-value"]) for r in bar.select("rect[data-state]")}
                assert got == {s: n for s, n in D.counts(mine).items() if n}, (aid, role)
    assert seen == set(ALL_STATES)


def test_theme_pages(site):
    seen = set()
    for tid in D.themes:
        keys = [k for k, x in D.items.items() if x.theme == tid]
        _check_summary(site, f"themes/{tid}/", keys)
        seen |= {D.items[k].state for k in keys}
    assert seen == set(ALL_STATES)


def test_home_page_counts_and_charts(site):
    doc = _check_summary(site, "", list(D.items))
    by_theme = doc.select_one("svg.sd-chart-chart-status-theme")
    for tid in D.themes:
        keys = [k for k, x in D.items.items() if x.theme == tid]
        bar = by_theme.select_one(f'g.bar[data-key="{tid}"]')
        assert int(bar["data-total"]) == len(keys)
        got = {r["data-state"]: int(r["data-value"]) for r in bar.select("rect[data-state]")}
        assert got == {s: n for s, n in D.counts(keys).items() if n}, tid
    by_role = doc.select_one("svg.sd-chart-chart-status-role")
    for bar in by_role.select("g.bar"):
        keys = [k for k, x in D.items.items() if x.units.get(bar["data-key"])]
        got = {r["data-state"]: int(r["data-value"]) for r in bar.select("rect[data-state]")}
        assert got == {s: n for s, n in D.counts(keys).items() if n}, bar["data-key"]
    # each chart has its data table beside it, with the same numbers
    fig = doc.find(id="chart-status-theme")
    table = fig.find_next("details").find("table")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    assert heads[1:-1] == [ZH[s] for s in ALL_STATES]
    for row in table.select("tbody tr"):
        cells = [td.get_text(strip=True) for td in row.find_all(["th", "td"])]  # the row header, then the numbers
        tid = next(t for t, v in D.themes.items() if v["name"] == cells[0])
        keys = [k for k, x in D.items.items() if x.theme == tid]
        assert [int(c) for c in cells[1:-1]] == list(D.counts(keys).values())
        assert int(cells[-1]) == len(keys)


def test_targets_page(site):
    doc = page(site, "targets/")
    table = doc.select_one(".ds-target-progress table")
    rows = {tr.find_all("td")[1].get_text(strip=True): tr for tr in table.select("tbody tr")}
    assert len(rows) == len(D.targets)
    for t in D.targets:
        tr = rows[t["text"]]
        if not t["values"]:
            assert "未报告数值" in tr.get_text() and tr.find("progress") is None
            continue
        v = t["values"][0]
        pct = round(v["value"] / t["value"] * 100)
        bar = tr.find("progress")
        assert int(bar["max"]) == 100 and int(bar["value"]) == min(pct, 100), t["text"]
        assert f"{pct}%" in bar["aria-label"] and f"{pct}%" in tr.get_text()
        assert str(v["as_of"]) in tr.get_text() and f"{v['value']:,} {v['unit']}" in tr.get_text()


def test_deadlines_page_by_state(site):
    doc = page(site, "deadlines/")
    groups = {
        "passed-reported": lambda x, p: p and x.reports, "passed-unreported": lambda x, p: p and not x.reports,
        "upcoming-reported": lambda x, p: not p and x.reports, "upcoming-unreported": lambda x, p: not p and not x.reports,
    }
    seen = set()
    for gid, rule in groups.items():
        want = {x.url: x.state for x in D.items.values() if rule(x, x.year is not None and date(x.year, 12, 31) < D.as_of)}
        h = doc.find(id=gid)
        if not want:
            assert h is None
            continue
        rows = h.find_next("table").select("tbody tr")
        got = {}
        for tr in rows:
            target, _ = resolve(site, site / "deadlines" / "index.html", tr.find("a")["href"])
            got[target.relative_to(site).parent.as_posix() + "/"] = state_of(tr.select_one(".ds-state"))
        assert got == want, gid
        seen |= set(got.values())
    assert seen == set(ALL_STATES)


def test_about_explains_states_and_as_of(site):
    doc = page(site, "about/")
    text = doc.get_text(" ", strip=True)
    for s in ALL_STATES:
        assert ZH[s] in text
    table = doc.find(id="status").find_next("table")
    assert [state_of(b) for b in table.select(".ds-state")] == ALL_STATES
    assert "reviewed.date" in doc.find(id="as-of").find_next("p").get_text()


def test_footer_as_of_and_site_feed_on_every_page(site):
    pages = [p for p in site.rglob("index.html")]
    assert len(pages) > len(D.items)
    for p in pages[:: max(1, len(pages) // 40)]:
        doc = page(site, p.parent.relative_to(site).as_posix() + "/" if p.parent != site else "")
        foot = doc.select_one(".md-copyright .ds-as-of")
        assert foot.find("time")["datetime"] == D.as_of.isoformat(), p
        assert "unknown" not in foot.get_text()
        assert "最后修改" in foot.get_text()  # this checkout has git history
        assert doc.select('link[rel=alternate][type="application/atom+xml"]'), p
    for f in site.rglob("*.html"):
        assert "unknown" not in f.read_text(encoding="utf-8").split("</article>")[-1], f


def test_real_data_says_no_progress_reported():
    real = dataset(ROOT / "data")
    assert not any(x.reports for x in real.items.values())
    site = built_site()
    doc = page(site, "")
    assert doc.select_one(".ds-progress-summary") is None and doc.select_one("svg[class*=chart-status]") is None
    passed = [x for x in real.items.values() if x.state == "overdue-unreported"]
    text = doc.select_one(".ds-progress-none").get_text()
    assert "本站尚未收录任何进展报告" in text and f"其中 {len(passed)} 项的期限已过" in text
    assert f"最早在 {min(x.year for x in passed)} 年" in text
    # the content comes first: the themes and the charts before the progress sentence
    body = str(article(doc))
    assert body.index("五个主题") < body.index("一图看分工") < body.index("ds-progress-none")
    x = next(iter(real.items.values()))
    assert "未报告进展" in page(site, x.url).select_one(".ds-progress").get_text()
    targets = page(site, "targets/")
    assert f"本站尚未收录这 {len(real.targets)} 个量化目标的任何报告数值" in targets.get_text()
    assert targets.select(".ds-no-value") == []  # no card per target saying so
    deadlines = page(site, "deadlines/")
    assert f"{len(real.items)} 项事项中 {len(passed)} 项的期限已过" in deadlines.get_text()
    assert deadlines.select_one("#by-state") is None and deadlines.select("select[name=state]") == []


def test_build_without_git_history(tmp_path):
    """A copy of the tree without .git (a downloaded archive) builds: reviewed date, no 'last changed',
    feeds with the reports only."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", "site", "build", ".stamps", "__pycache__", ".pytest_cache", ".venv", "node_modules"))
    env = {**os.environ, "PYTHONPATH": str(copy / "scripts"), "NO_MKDOCS_2_WARNING": "1", "SHANDONG_BRIEFS": "0",
           "SHANDONG_DATA": str(copy / "tests/fixtures/progress-data"), "GIT_CEILING_DIRECTORIES": str(tmp_path),
           "HTMLPROOFER": "false"}
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "shandong.engine.build", str(out)], cwd=copy, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = page(out, "")
    foot = doc.select_one(".md-copyright .ds-as-of")
    assert foot.find("time")["datetime"] == D.as_of.isoformat()
    assert "最后修改" not in foot.get_text() and "unknown" not in foot.get_text()
    import xml.etree.ElementTree as ET

    feed = ET.parse(out / "feeds" / "all.atom").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == sum(len(x.reports) for x in D.items.values())
    assert "unknown" not in (out / "data.md" if (out / "data.md").exists() else out / "data" / "index.html").read_text()


def test_readme_status_table_is_the_models():
    from shandong.data.model import STATES

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Progress: status words and the as-of date", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in section.splitlines() if ln.startswith("| `")]
    got = {ln.split("|")[1].strip(" `"): tuple(c.strip() for c in ln.split("|")[2:5]) for ln in rows}
    assert got == STATES


def test_agency_chart_by_theme(site):
    for aid in ["big-data-bureau", "all-city-governments"]:
        keys = D.agency_items(aid)
        svg = page(site, f"agencies/{aid}/").select_one(f"svg.sd-chart-chart-status-theme-{aid}")
        for tid in D.themes:
            mine = [k for k in keys if D.items[k].theme == tid]
            bar = svg.select_one(f'g.bar[data-key="{tid}"]')
            if not mine:
                assert bar is None
                continue
            got = {r["data-state"]: int(r["data-value"]) for r in bar.select("rect[data-state]")}
            assert got == {s: n for s, n in D.counts(mine).items() if n}, (aid, tid)
