"""Reading the long tables and the charts (issue 12): on a 390×844 phone no table of the main pages is
wider than the screen and no chart text renders under 10 CSS px; the targets table is not clipped on a
1366 px desktop; the filters and sorting work with the mouse and with the keyboard, are labelled, pass
axe, and leave the full tables without JavaScript and in print; item pages have a path back and
previous/next; the vendored tablesort is the release it claims to be.

Expected values come from the data (the checked model or the YAML), never from the page's own script."""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urljoin

import pytest

from browsing import AXE_JS, PAGE_TYPES, PHONE, watched_page
from sitetools import article, built_site, data_model, page, serve

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "docs" / "assets" / "vendor" / "tablesort-5.7.1"
DESKTOP_WIDE = {"width": 1366, "height": 900}


def main_pages() -> list[str]:
    """The main pages: every page type, the indexes and every theme (their charts differ)."""
    return sorted(set(PAGE_TYPES.values()) | {"themes/", "agencies/"} | {f"themes/{t}/" for t in data_model().themes})


def test_vendored_tablesort_is_the_recorded_release():
    """VENDOR.txt records the sha256 of each file copied from the npm package; the files still match."""
    record = (VENDOR / "VENDOR.txt").read_text(encoding="utf-8")
    listed = {}
    for line in record.splitlines():
        parts = line.split()
        if len(parts) == 2 and len(parts[0]) == 64:
            listed[parts[1]] = parts[0]
    assert set(listed) == {"tablesort.min.js", "tablesort.number.min.js", "LICENCE"}
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "tablesort v5.7.1" in (VENDOR / "tablesort.min.js").read_text(encoding="utf-8")[:200]


TABLE_WIDTHS = """() => {
    document.querySelectorAll('article details').forEach(d => d.open = true);  // chart data tables too
    const vw = document.documentElement.clientWidth, out = [];
    document.querySelectorAll('article table').forEach((t, i) => {
        const r = t.getBoundingClientRect();
        if (!r.width) return;
        let scroller = false;
        for (let a = t.parentElement; a && a.tagName !== 'ARTICLE'; a = a.parentElement)
            if (a.scrollWidth > a.clientWidth + 1 && ['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) scroller = true;
        out.push({i, left: r.left, right: r.right, width: r.width, scroller, vw});
    });
    return out;
}"""

CHART_TEXT = """() => Array.from(document.querySelectorAll('.ds-chart svg text')).flatMap(t => {
    const r = t.getBoundingClientRect(), m = t.getScreenCTM();
    if (!r.width || !m) return [];  // the layout for the other screen size (display: none)
    return [{text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)}];
})"""


@pytest.mark.browser
@pytest.mark.build
def test_no_table_of_the_main_pages_is_wider_than_a_phone(browser, site_url):
    seen, bad = 0, []
    with watched_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as (pg, watch):
        for url in main_pages():
            pg.goto(site_url + url)
            for t in pg.evaluate(TABLE_WIDTHS):
                seen += 1
                if t["left"] < -1 or t["right"] > t["vw"] + 1 or t["scroller"]:
                    bad.append(f"/{url} table {t['i']}: {t['left']:.0f}–{t['right']:.0f} px of {t['vw']}"
                               + (" (scrolls sideways)" if t["scroller"] else ""))
    print(f"\n{seen} tables on {len(main_pages())} main pages at 390×844: {len(bad)} wider than the screen")
    assert seen >= 20
    assert bad == []
    assert watch.problems() == []


NARROW_CHARTS = """() => Array.from(document.querySelectorAll('.ds-chart-narrow svg')).flatMap(s => {
    const r = s.getBoundingClientRect();
    if (!r.width) return [];
    const box = s.closest('article').getBoundingClientRect(), pad = parseFloat(getComputedStyle(s.closest('article')).paddingLeft)
        + parseFloat(getComputedStyle(s.closest('article')).paddingRight);
    return [{id: s.id || s.getAttribute('aria-labelledby'), drawn: r.width, own: parseFloat(s.getAttribute('width')),
             content: box.width - pad, left: r.left, right: r.right, vw: document.documentElement.clientWidth}];
})"""


@pytest.mark.browser
@pytest.mark.build
def test_phone_charts_are_drawn_at_their_own_size_inside_the_content(browser, site_url):
    """The phone layout of every chart fits the content column of a 390×844 phone as drawn (not scaled down,
    which would shrink its text), measured in the browser: not against the drawing code's own width."""
    seen, bad = 0, []
    site = built_site()
    drawn = sum(len(page(site, url.split("?")[0]).select(".ds-chart-narrow svg")) for url in main_pages())  # what the pages hold
    with watched_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as (pg, watch):
        for url in main_pages():
            pg.goto(site_url + url)
            for c in pg.evaluate(NARROW_CHARTS):
                seen += 1
                if c["own"] > c["content"] + 0.5 or abs(c["drawn"] - c["own"]) > 0.5 or c["left"] < 0 or c["right"] > c["vw"]:
                    bad.append(f"/{url} {c['id']}: drawn {c['drawn']:.0f} px, own {c['own']:.0f} px, content {c['content']:.0f} px")
    assert seen == drawn > 5
    assert bad == []
    assert watch.problems() == []


@pytest.mark.browser
@pytest.mark.build
def test_no_chart_text_renders_under_10_px_on_a_phone(browser, site_url):
    sizes, small = 0, []
    with watched_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as (pg, watch):
        for url in main_pages():
            pg.goto(site_url + url)
            texts = pg.evaluate(CHART_TEXT)
            sizes += len(texts)
            small += [f"/{url} {t['text']!r} {t['px']:.1f} px" for t in texts if t["px"] < 10]
    print(f"\n{sizes} chart labels on {len(main_pages())} main pages at 390×844: {len(small)} under 10 px")
    assert sizes >= 300  # the home page, the agency index and every theme have charts
    assert small == []
    assert watch.problems() == []


@pytest.mark.browser
@pytest.mark.build
def test_targets_table_is_whole_on_a_desktop(browser, site_url):
    with watched_page(browser, viewport=DESKTOP_WIDE) as (pg, watch):
        pg.goto(site_url + "targets/")
        t = pg.evaluate(TABLE_WIDTHS)[0]
        assert not t["scroller"] and t["right"] <= t["vw"]
        main = pg.locator("article").bounding_box()
        assert t["right"] <= main["x"] + main["width"] + 1  # inside the content column, not under the sidebar
    assert watch.problems() == []


# ---------------------------------------------------------------------------
# Filters and sorting


def visible_rows(pg) -> list:
    return pg.locator("article table[data-filter] tbody tr:visible")


def shown_keys(pg, attr: str = "href") -> list[str]:
    return pg.locator("article table[data-filter] tbody tr:visible td:first-child a").evaluate_all(
        f"as => as.map(a => a.getAttribute('{attr}'))")


def by_unit_then_value(rows: list[tuple[str, float]], reverse: bool) -> bool:
    """Rows (unit of measure, value): one block per unit, values in order within each."""
    units = [u for u, _ in rows]
    blocks = [u for k, u in enumerate(units) if k == 0 or units[k - 1] != u]
    return len(blocks) == len(set(units)) and all(
        [v for w, v in rows if w == u] == sorted((v for w, v in rows if w == u), reverse=reverse) for u in blocks)


@pytest.mark.browser
@pytest.mark.build
def test_deadlines_filters_and_sorting_with_the_mouse(browser, site_url):
    unit = "big-data-bureau"
    want = sorted(x.url for x in data_model().items if unit in x.units())
    with watched_page(browser) as (pg, watch):
        pg.goto(site_url + "deadlines/")
        assert visible_rows(pg).count() == len(data_model().items)
        pg.select_option("#ds-f-unit", unit)
        got = sorted(h.removeprefix("../") for h in shown_keys(pg))
        assert got == want
        assert pg.locator(".ds-count").inner_text() == f"显示 {len(want)} / {len(data_model().items)} 项"
        pg.select_option("#ds-f-theme", "economy")
        want2 = sorted(x.url for x in data_model().items if unit in x.units() and x.theme == "economy")
        assert sorted(h.removeprefix("../") for h in shown_keys(pg)) == want2
        # a year with nothing left is hidden with its heading
        for y in {str(x.deadline_year or "ongoing") for x in data_model().items}:
            group = pg.locator(f"[data-filter-group]:has(#{'ongoing' if y == 'ongoing' else 'y' + y})")
            has = any(str(x.deadline_year or "ongoing") == y for x in data_model().items if unit in x.units() and x.theme == "economy")
            assert group.is_visible() == has, y
        pg.locator("form[data-ds-filters] button[type=reset]").click()
        pg.wait_for_function("document.querySelectorAll('article tr.ds-filtered-out').length === 0")
        # sorting: a click on a column header, again for the other direction (values within their unit of
        # measure: test_filters.py has the orders themselves)
        pg.goto(site_url + "targets/")
        header = pg.locator("article table[data-filter] thead th", has_text="数值")
        header.click()
        targets = {(t.unit, t.value) for t in data_model().targets}
        cells = lambda: [(tr.locator("td").nth(4).inner_text(), float(tr.locator("td").nth(3).inner_text().replace(",", "")))  # noqa: E731
                         for tr in pg.locator("article table[data-filter] tbody tr").all()]
        assert header.get_attribute("aria-sort") == "ascending" and set(cells()) == targets
        assert by_unit_then_value(cells(), reverse=False)
        header.click()
        assert header.get_attribute("aria-sort") == "descending" and by_unit_then_value(cells(), reverse=True)
        assert pg.locator("#ds-f-sort").input_value() == "value:desc"  # the select follows the header
    assert watch.problems() == []


@pytest.mark.browser
@pytest.mark.build
def test_agency_index_filters_and_sorting_with_the_keyboard(browser, site_url):
    first_theme = next(iter(data_model().themes))
    in_theme = {a for a in data_model().agencies if any(x.theme == first_theme for x in data_model().items if a in x.units())}
    with watched_page(browser) as (pg, watch):
        pg.goto(site_url + "agencies/")
        total = visible_rows(pg).count()
        assert total == len(data_model().agencies)
        pg.locator("#ds-f-q").focus()
        pg.keyboard.press("Tab")  # to the theme select
        assert pg.evaluate("document.activeElement.id") == "ds-f-theme"
        pg.keyboard.press("ArrowDown")  # the first theme
        assert pg.locator("#ds-f-theme").input_value() == first_theme
        got = {h.split("/")[-2] for h in shown_keys(pg)}
        assert got == in_theme
        # type a name into the text box
        pg.locator("#ds-f-q").focus()
        name = data_model().agencies["big-data-bureau"].short
        pg.keyboard.type(name)
        pg.keyboard.press("End")
        assert {h.split("/")[-2] for h in shown_keys(pg)} == {
            a.id for a in data_model().agencies.values() if a.id in in_theme and (name in a.name or name in a.short or name in a.aliases)}
        # reset with the keyboard: Tab through the remaining controls to the button
        for _ in range(10):
            pg.keyboard.press("Tab")
            if pg.evaluate("document.activeElement.type") == "reset":
                break
        pg.keyboard.press("Enter")
        pg.wait_for_function(f"document.querySelectorAll('article table[data-filter] tbody tr:not(.ds-filtered-out)').length === {total}")
        # sort a table by its "牵头" column with Enter, then Space for the other direction
        table = pg.locator("article table[data-filter]").first
        th = table.locator("thead th", has_text="牵头")
        th.focus()
        pg.keyboard.press("Enter")
        leads = lambda: [int(v) for v in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]  # noqa: E731
        assert th.get_attribute("aria-sort") == "ascending" and leads() == sorted(leads())
        pg.keyboard.press(" ")
        assert th.get_attribute("aria-sort") == "descending" and leads() == sorted(leads(), reverse=True)
        # the sort select, usable where the headers are hidden (phones)
        pg.select_option("#ds-f-sort", "")
        ids = [h.split("/")[-2] for h in table.locator("tbody tr td:first-child a").evaluate_all("as => as.map(a => a.getAttribute('href'))")]
        kind = data_model().agencies[ids[0]].kind
        assert ids == [a.id for a in data_model().agencies_by_load(kind)]  # back to the page's own order
    assert watch.problems() == []


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", ["agencies/", "deadlines/", "targets/", "themes/economy/"])
def test_filter_controls_are_labelled_and_pass_axe(browser, site_url, url, scheme):
    axe = AXE_JS.read_text(encoding="utf-8")
    with watched_page(browser, viewport=PHONE, is_mobile=True, color_scheme=scheme) as (pg, watch):
        pg.goto(site_url + url)
        form = pg.locator("form[data-ds-filters]")
        assert form.is_visible()
        box = form.locator("details")
        assert box.get_attribute("open") is None  # folded on a phone…
        box.locator("summary").click()  # …and opened by a tap
        assert form.locator("select").first.is_visible()
        for control in form.locator("select, input").all():
            cid = control.get_attribute("id")
            assert pg.locator(f"label[for='{cid}']").inner_text().strip(), cid
        pg.add_script_tag(content=axe)
        result = pg.evaluate("""async () => (await axe.run(['form[data-ds-filters]', 'article table[data-filter]'],
            {resultTypes: ['violations']})).violations.map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target).join(', ')}`)""")
        print(f"\n/{url} ({scheme}): axe on the filters and tables: {result or 'nothing'}")
        assert [v for v in result if v.split()[0] in ("serious", "critical")] == []
    assert watch.problems() == []


@pytest.mark.browser
@pytest.mark.build
def test_full_tables_without_javascript_and_in_print(browser, site_url):
    with watched_page(browser, java_script_enabled=False) as (pg, watch):
        pg.goto(site_url + "deadlines/")
        assert not pg.locator("form[data-ds-filters]").is_visible()
        assert visible_rows(pg).count() == len(data_model().items)
    with watched_page(browser) as (pg, watch2):
        pg.goto(site_url + "deadlines/")
        pg.select_option("#ds-f-unit", "big-data-bureau")
        assert visible_rows(pg).count() < len(data_model().items)
        pg.emulate_media(media="print")
        assert not pg.locator("form[data-ds-filters]").is_visible()
        assert visible_rows(pg).count() == len(data_model().items)
    assert watch.problems() == [] and watch2.problems() == []


# ---------------------------------------------------------------------------
# Way-finding (read from the built HTML)


@pytest.mark.build
def test_item_pages_have_a_path_back_and_previous_next_in_their_document():
    site = built_site()
    for seq in (data_model().tasks, data_model().measures):
        for n, item in enumerate(seq):
            doc = page(site, item.url)
            crumbs = doc.select_one("nav.ds-crumbs")
            assert crumbs is not None, item.url
            names = [li.get_text(strip=True) for li in crumbs.select("li")]
            theme = data_model().themes[item.theme]
            want = [theme.name, "重点任务"] if item.kind == "task" else [theme.name, item.section.label] + (
                [item.subsection.label] if item.subsection else [])
            assert names == want + [item.label], item.url
            here = "/" + item.url
            assert urljoin(here, crumbs.select("a")[0]["href"]) == f"/themes/{theme.id}/"
            role = "task" if item.kind == "task" else ("lead" if item.roles.get("lead") else "responsible")
            units = [urljoin(here, a["href"]) for a in crumbs.select(".ds-crumb-units a")]
            assert units == [f"/agencies/{u}/" for u in item.roles.get(role, [])], item.url
            pager = doc.select_one("nav.ds-pager")
            links = {a.get_text(strip=True): a["href"] for a in pager.select("a")}
            if n > 0:
                assert urljoin(here, links[seq[n - 1].title]) == "/" + seq[n - 1].url
            if n + 1 < len(seq):
                assert urljoin(here, links[seq[n + 1].title]) == "/" + seq[n + 1].url
            assert len(links) == (n > 0) + (n + 1 < len(seq)), item.url


@pytest.mark.build
def test_agency_pages_put_items_first_and_editing_links_last():
    site = built_site()
    for aid, agency in data_model().agencies.items():
        body = article(page(site, agency.url))
        h2 = [h.get("id") for h in body.select("h2")]
        roles = [r for r in ("lead", "support", "responsible", "task") if data_model().by_agency[aid].get(r)]
        assert h2[:len(roles)] == roles, aid  # the items come first
        assert h2[-1] == "about", aid
        facts = body.select_one("h2#about ~ div table, h2#about + div table, h2#about ~ table")
        assert facts is not None and not any(td.get_text(strip=True) in ("0", "0 项") for td in facts.select("td")), aid
        edit = body.select_one(".ds-edit")
        if edit is not None:  # the repository's editing links close the page
            assert [el for el in edit.find_all_next(["h2", "h3", "table"]) if body in el.parents] == [], aid


@pytest.mark.build
def test_deadlines_page_runs_by_year_with_a_jump_list_and_tasks_before_measures():
    doc = article(page(built_site(), "deadlines/"))
    years = sorted({x.deadline_year for x in data_model().items if x.deadline_year})
    anchors = [f"y{y}" for y in years] + (["ongoing"] if any(not x.deadline_year for x in data_model().items) else [])
    assert [a["href"] for a in doc.select("nav.ds-years a")] == [f"#{a}" for a in anchors]
    assert [h["id"] for h in doc.select("[data-filter-group] > h2")] == anchors
    for anchor in anchors:
        group = doc.select_one(f"h2#{anchor}").parent
        shown = [a["href"].removeprefix("../") for a in group.select("tbody tr td:first-child a")]
        year = None if anchor == "ongoing" else int(anchor[1:])
        want = [x.url for x in data_model().tasks if x.deadline_year == year] + [x.url for x in data_model().measures if x.deadline_year == year]
        assert shown == want, anchor


PROGRESS_DATA = ROOT / "tests" / "fixtures" / "progress-data"


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.slow
def test_deadlines_progress_filters_on_a_dataset_with_reports(browser):
    """The fixture dataset with reports of every status (tests/fixtures/progress-data)."""
    model = data_model(PROGRESS_DATA)
    assert model.reports
    with serve(built_site(PROGRESS_DATA)) as base, watched_page(browser) as (pg, watch):
        pg.goto(base + "deadlines/")
        for name, value, keep in [
            ("state", "completed", lambda x: x.state == "completed"),
            ("state", "overdue-unreported", lambda x: x.state == "overdue-unreported"),
            ("state", "on-track", lambda x: x.state == "on-track"),
            ("due", "passed", lambda x: x.deadline_passed),
        ]:
            pg.select_option(f"#ds-f-{name}", value)
            want = sorted(x.url for x in model.items if keep(x))
            assert want, (name, value)
            assert sorted(h.removeprefix("../") for h in shown_keys(pg)) == want, (name, value)
            pg.select_option(f"#ds-f-{name}", "")
        # sorted by progress state, the order the site explains them in (about/), then by deadline
        states = ["completed", "on-track", "delayed", "not-started", "cancelled", "overdue-unreported", "no-report"]
        kinds = ["year-end", "plan-year", "complete", "basic", "ongoing"]
        place = {id(x): n for n, x in enumerate(model.tasks + model.measures)}
        pg.select_option("#ds-f-sort", label="按进展状态")
        for group in pg.locator("article [data-filter-group]").all():
            year = group.locator("h2").get_attribute("id")
            items = [x for x in model.items if (f"y{x.deadline_year}" if x.deadline_year else "ongoing") == year]
            want = sorted(items, key=lambda x: (states.index(x.state), kinds.index(x.deadline_kind), x.kind != "task", place[id(x)]))
            shown = [h.replace("../", "") for h in group.locator("tbody tr td:first-child a").evaluate_all("as => as.map(a => a.getAttribute('href'))")]
            assert shown == [x.url for x in want], year
    assert watch.problems() == []


TAP_TARGETS = """() => Array.from(document.querySelectorAll('article a[href*="tasks/"], article a[href*="measures/"]')).flatMap(a => {
    const r = a.getBoundingClientRect();
    if (!r.width || a.closest('nav, .ds-edit')) return [];
    return [{text: a.textContent.trim(), w: r.width, h: r.height}];
})"""


@pytest.mark.browser
@pytest.mark.build
def test_item_links_are_big_enough_to_tap_on_a_phone(browser, site_url):
    """Items are linked by their titles (not a bare number 8 px wide): every link to a task or measure on the
    theme and agency pages is at least 24×24 CSS px on a 390×844 phone (WCAG 2.5.8)."""
    seen, small = 0, []
    with watched_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as (pg, watch):
        for url in [f"themes/{t}/" for t in data_model().themes] + ["agencies/big-data-bureau/", "deadlines/"]:
            pg.goto(site_url + url)
            for a in pg.evaluate(TAP_TARGETS):
                seen += 1
                if a["w"] < 24 or a["h"] < 24:
                    small.append(f"/{url} {a['text']!r}: {a['w']:.0f}×{a['h']:.0f}")
    assert seen > 100
    assert small == []
    assert watch.problems() == []
