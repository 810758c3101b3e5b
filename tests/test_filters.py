"""Filters and sorting that make sense (issue 19): a few meaningful orders on normalised keys (the same for
the "排序" select and the column headers), section counts that follow the filter, the role of the chosen
unit named in every row it keeps, and filters that fit a phone.

Expected values come from the data (``sitetools.data_model()``) and from the rules written here, never from
the page's script or the code that writes the keys."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browsing import PHONE, watched_page
from sitetools import article, built_site, data_model, page, serve

ROOT = Path(__file__).resolve().parents[1]
PROGRESS_DATA = ROOT / "tests" / "fixtures" / "progress-data"
# how the site names the roles (the documents' words)
ROLE_LABELS = {"lead": "牵头", "support": "配合", "responsible": "按职责分工负责", "task": "责任单位"}
# within a year: "by the year's end", "in the action plan's year", "complete", "basically complete", then ongoing
KIND_RANK = {"year-end": 0, "plan-year": 1, "complete": 2, "basic": 3, "ongoing": 4}
STATE_ORDER = ["completed", "on-track", "delayed", "not-started", "cancelled", "overdue-unreported", "no-report"]
ROWS = "article table[data-filter] tbody tr"


def doc_order(model) -> dict[int, int]:
    """Each item's place in the documents: tasks by number, then measures as the action plan lists them."""
    return {id(x): n for n, x in enumerate(model.tasks + model.measures)}


def by_deadline(model, items: list) -> list:
    """The order "earliest deadline first": the year (ongoing last), the kind of deadline within the year, tasks
    before measures, the documents' order. How the deadline is written (with a space or not) does not count."""
    place = doc_order(model)
    return sorted(items, key=lambda x: (x.deadline_year or 10 ** 6, KIND_RANK[x.deadline_kind], x.kind != "task", place[id(x)]))


def hrefs(locator) -> list[str]:
    """The site-relative URLs of the links (every link of these pages goes up to the site's root)."""
    return [h.replace("../", "") for h in locator.evaluate_all("as => as.map(a => a.getAttribute('href'))")]


def group_rows(pg) -> list[tuple[str, list[str]]]:
    """The deadlines page as shown: (year anchor, item urls) per group, in the page's order."""
    out = []
    for g in pg.locator("article [data-filter-group]").all():
        anchor = g.locator("h2").get_attribute("id")
        out.append((anchor, hrefs(g.locator("tbody tr:visible td:first-child a"))))
    return out


def anchor_of(item) -> str:
    return f"y{item.deadline_year}" if item.deadline_year else "ongoing"


def sort_labels(doc) -> list[str]:
    return [o.get_text() for o in article(doc).select("form[data-ds-filters] select[name=sort] option")]


# ---------------------------------------------------------------------------
# A few meaningful orders


@pytest.mark.build
def test_each_table_offers_a_few_meaningful_orders():
    """Not an ascending and a descending order per column (17 for the 8 targets): a few orders, each a sortable
    column whose every cell carries its key; text columns do not sort; no order compares values across units."""
    model, site = data_model(), built_site()
    dues_differ = len({t.due for t in model.targets}) > 1
    want = {
        "deadlines/": ["按文件顺序", "按期限（最早在前）", "按期限（最晚在前）"],
        "targets/": ["按文件顺序"] + (["按期限（最早在前）", "按期限（最晚在前）"] if dues_differ else [])
                    + ["按单位（牵头或负责单位）", "按计量单位和数值（小到大）"],
        "agencies/": ["按承担事项总数（多到少）", "按牵头措施数（多到少）", "按配合措施数（多到少）", "按负责措施数（多到少）",
                      "按重点任务数（多到少）", "按最早期限"],
        "themes/economy/": ["按文件顺序", "按期限（最早在前）", "按期限（最晚在前）"],
    }
    sortable_headers = {"deadlines/": {"期限"}, "targets/": {"数值", "牵头或负责单位"} | ({"期限"} if dues_differ else set()),
                        "agencies/": {"牵头", "配合", "负责", "重点任务", "最早期限"}, "themes/economy/": {"进度安排"}}
    for url, labels in want.items():
        doc = page(site, url)
        assert sort_labels(doc) == labels, url
        for table in article(doc).select("table[data-filter]"):
            heads = table.select("thead th")
            sortable = {th.get_text(strip=True) for th in heads if th.get("data-sort-method") != "none"}
            assert sortable == sortable_headers[url], url
            for row in table.select("tbody tr"):
                cells = row.find_all("td")
                for th, td in zip(heads, cells, strict=True):
                    if th.get("data-sort-method") != "none":
                        assert td.get("data-sort"), (url, th.get_text(), row.get_text()[:30])


@pytest.mark.browser
@pytest.mark.build
def test_deadlines_sort_on_the_deadline_not_on_how_it_is_written(browser, site_url):
    model = data_model()
    years = [anchor_of(x) for x in by_deadline(model, model.items)]
    anchors = list(dict.fromkeys(years))
    earliest = [(a, [x.url for x in by_deadline(model, model.items) if anchor_of(x) == a]) for a in anchors]
    as_written = {x.url: x.deadline_as_written for x in model.tasks}
    with watched_page(browser) as (pg, watch):
        pg.goto(site_url + "deadlines/")
        pg.select_option("#ds-f-sort", label="按期限（最早在前）")
        assert group_rows(pg) == earliest
        # the same deadline written with and without a space sorts as one, "basically complete" after "complete"
        shown_2018 = dict(earliest)["y2018"]
        written = [as_written[u].replace(" ", "") for u in shown_2018 if u in as_written]
        assert written == sorted(written, key=lambda w: "基本" in w) and len(set(written)) == 2
        assert {as_written[u] for u in shown_2018 if u in as_written} >= {"2018年完成", "2018 年完成", "2018 年基本完成"}
        # latest first: the years too
        pg.select_option("#ds-f-sort", label="按期限（最晚在前）")
        assert group_rows(pg) == [(a, urls[::-1]) for a, urls in earliest[::-1]]
        assert [a.get_attribute("href") for a in pg.locator("nav.ds-years a").all()] == [f"#{a}" for a, _ in earliest[::-1]]
        # a click on the 期限 header of any year sorts every year the same way as the select, which follows
        pg.select_option("#ds-f-sort", label="按文件顺序")
        place = doc_order(model)
        assert group_rows(pg) == [(a, [x.url for x in sorted(model.items, key=lambda x: place[id(x)]) if anchor_of(x) == a])
                                  for a in sorted(anchors, key=lambda a: a == "ongoing")]
        header = pg.locator("article [data-filter-group]").nth(1).locator("thead th", has_text="期限")
        header.click()
        assert group_rows(pg) == earliest
        assert pg.locator("#ds-f-sort").input_value() == "deadline:asc"
        header.click()
        assert group_rows(pg) == [(a, urls[::-1]) for a, urls in earliest[::-1]]
        assert pg.locator("#ds-f-sort option:checked").inner_text() == "按期限（最晚在前）"
        # tasks of a theme: the same keys
        pg.goto(site_url + "themes/economy/")
        tasks = [x for x in model.tasks if x.theme == "economy"]
        pg.locator("#tasks-table thead th", has_text="进度安排").click()
        assert hrefs(pg.locator("#tasks-table tbody tr td:first-child a")) == [x.url for x in by_deadline(model, tasks)]
    assert watch.problems() == []


@pytest.mark.browser
@pytest.mark.build
def test_targets_sort_by_unit_and_by_value_within_its_unit_of_measure(browser, site_url):
    model = data_model()
    targets = model.targets
    first_unit = {n: (t.item.roles.get("lead") or t.item.roles.get("responsible"))[0] for n, t in enumerate(targets)}
    kinds = list(dict.fromkeys(a.kind for a in model.agencies.values()))  # the unit filter lists units by kind
    registry = list(model.agencies)
    rank = {aid: (kinds.index(a.kind), registry.index(aid)) for aid, a in model.agencies.items()}
    place = {(t.item.url, t.metric): n for n, t in enumerate(targets)}
    with watched_page(browser) as (pg, watch):
        pg.goto(site_url + "targets/")

        def shown() -> list[int]:
            out = []
            for tr in pg.locator(ROWS).all():
                url = hrefs(tr.locator("td:first-child a"))[0]
                out.append(place[(url, tr.locator("td").nth(1).inner_text())])
            return out

        assert shown() == list(range(len(targets)))
        pg.select_option("#ds-f-sort", label="按单位（牵头或负责单位）")
        assert shown() == sorted(range(len(targets)), key=lambda n: (rank[first_unit[n]], n))
        # the unit filter lists the units in that order
        listed = pg.locator("#ds-f-unit option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
        assert listed == sorted(listed, key=rank.get)
        for how in ("select", "header"):
            if how == "select":
                pg.select_option("#ds-f-sort", label="按计量单位和数值（小到大）")
            else:
                pg.select_option("#ds-f-sort", label="按文件顺序")
                pg.locator("article thead th", has_text="数值").click()
                assert pg.locator("#ds-f-sort").input_value() == "value:asc"
            order = shown()
            units = [targets[n].unit for n in order]
            # one block per unit of measure (项, 个, 名, % never compared), values from small to large within it
            assert len([u for k, u in enumerate(units) if k == 0 or units[k - 1] != u]) == len(set(units)), (how, units)
            for u in set(units):
                values = [targets[n].value for n in order if targets[n].unit == u]
                assert values == sorted(values), (how, u)
    assert watch.problems() == []


# ---------------------------------------------------------------------------
# Counts that follow the filter


def heading_texts(pg, selector: str) -> list[str]:
    return [h.inner_text().replace("¶", "").strip() for h in pg.locator(selector).all() if h.is_visible()]


@pytest.mark.browser
@pytest.mark.build
def test_section_counts_follow_the_filter(browser, site_url):
    model = data_model()
    unit = "big-data-bureau"
    years = list(dict.fromkeys(anchor_of(x) for x in by_deadline(model, model.items)))

    def name(a):
        return "持续推进（无年份）" if a == "ongoing" else f"{a[1:]}年"

    def short(a):
        return "持续推进" if a == "ongoing" else f"{a[1:]}年"

    total = {a: sum(1 for x in model.items if anchor_of(x) == a) for a in years}
    with watched_page(browser) as (pg, watch):
        pg.goto(site_url + "deadlines/")
        assert heading_texts(pg, "article [data-filter-group] h2") == [f"{name(a)}（{total[a]} 项）" for a in years]
        for keep, choose in [(lambda x: unit in x.units(), {"unit": unit}),
                             (lambda x: unit in x.units() and x.theme == "economy", {"unit": unit, "theme": "economy"})]:
            for field, value in choose.items():
                pg.select_option(f"#ds-f-{field}", value)
            shown = {a: sum(1 for x in model.items if anchor_of(x) == a and keep(x)) for a in years}
            assert 0 in shown.values() or len(choose) == 1
            assert heading_texts(pg, "article [data-filter-group] h2") == [
                f"{name(a)}（{shown[a]} / {total[a]} 项）" for a in years if shown[a]]
            assert [li.inner_text() for li in pg.locator("nav.ds-years li").all() if li.is_visible()] == [
                f"{short(a)}（{shown[a]} / {total[a]} 项）" for a in years if shown[a]]
        pg.locator("form[data-ds-filters] button[type=reset]").click()
        pg.wait_for_function("document.querySelectorAll('article .ds-filtered-out').length === 0")
        assert heading_texts(pg, "article [data-filter-group] h2") == [f"{name(a)}（{total[a]} 项）" for a in years]
        assert pg.locator(".ds-count").inner_text() == f"共 {len(model.items)} 项"  # the total, for screen readers too
        assert pg.locator(".ds-count").get_attribute("aria-live") == "polite"

        # the agency index: a section per kind of unit (its heading's id)
        pg.goto(site_url + "agencies/")
        theme = next(iter(model.themes))
        pg.select_option("#ds-f-theme", theme)
        in_theme = {a for x in model.items if x.theme == theme for a in x.units()}
        of_kind = {a.kind: [b for b in model.agencies.values() if b.kind == a.kind] for a in model.agencies.values()}
        want = {k: (sum(1 for a in v if a.id in in_theme), len(v)) for k, v in of_kind.items()}
        shown = {h.get_attribute("id"): h.inner_text().replace("¶", "").strip() for h in pg.locator("article [data-filter-group] h2").all()
                 if h.is_visible()}
        assert set(shown) == {k for k, (n, _) in want.items() if n}
        for kind, text in shown.items():
            assert text.endswith(f"（{want[kind][0]} / {want[kind][1]}）"), text

        # a theme's tasks
        pg.goto(site_url + "themes/economy/")
        tasks = [x for x in model.tasks if x.theme == "economy"]
        pg.select_option("#ds-f-unit", unit)
        n = sum(1 for x in tasks if unit in x.roles["task"])
        assert pg.locator("article h2#tasks").inner_text().replace("¶", "").strip() == f"重点任务（{n} / {len(tasks)} 项）"
    assert watch.problems() == []


# ---------------------------------------------------------------------------
# The unit's role in every row the unit filter keeps


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("url", ["deadlines/", "targets/", "themes/economy/"])
def test_rows_kept_by_the_unit_filter_name_the_units_role(browser, site_url, url):
    model = data_model()
    by_url = {x.url: x for x in model.items}
    with watched_page(browser, viewport=PHONE, is_mobile=True) as (pg, watch):
        pg.goto(site_url + url)
        pg.locator("form[data-ds-filters] summary").click()
        units = pg.locator("#ds-f-unit option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
        checked = 0
        for unit in {"big-data-bureau", "all-city-governments", units[-1]} & set(units):
            pg.select_option("#ds-f-unit", unit)
            rows = pg.locator(ROWS + ":visible").all()
            assert rows
            for tr in rows:
                item = by_url[hrefs(tr.locator("td:first-child a"))[0]]
                roles = [ROLE_LABELS[r] for r, ids in item.roles.items() if unit in ids]
                note = tr.locator("td[data-role-cell] .ds-role-note")
                assert note.inner_text() == f"{model.agencies[unit].short}：{'、'.join(roles)}", (unit, item.url)
                assert note.is_visible()
                checked += 1
        pg.select_option("#ds-f-unit", "")
        assert pg.locator("article .ds-role-note").count() == 0
        pg.select_option("#ds-f-unit", "big-data-bureau")
        notes = pg.locator("article .ds-role-note")
        if url == "targets/":  # the case of the issue: kept because the unit supports the measure, which the row did not say
            assert "省大数据局：配合" in notes.all_inner_texts()
        pg.emulate_media(media="print")  # print shows every row: no row is there because of the filter
        assert notes.count() > 0 and not any(n.is_visible() for n in notes.all())
    print(f"\n/{url}: {checked} rows name the chosen unit's role")
    assert watch.problems() == []


# ---------------------------------------------------------------------------
# Filters on a phone


def boxes(pg) -> list[dict]:
    return pg.locator("form[data-ds-filters] .ds-filter").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return {name: e.textContent.trim().split(/\\s/)[0],"
        " left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })")


@pytest.mark.browser
@pytest.mark.build
@pytest.mark.parametrize("data", [None, PROGRESS_DATA], ids=["data", "progress-data"])
def test_filters_come_first_and_fit_a_phone(browser, data):
    with serve(built_site(data)) as base, watched_page(browser, viewport=PHONE, is_mobile=True, has_touch=True) as (pg, watch):
        for url in ("deadlines/", "targets/", "agencies/", "themes/economy/"):
            pg.goto(base + url)
            form = pg.locator("form[data-ds-filters]")
            # before everything it filters (and, on the two long lists, on the first screen)
            assert form.evaluate("f => Array.from(document.querySelectorAll('article table[data-filter], article [data-filter-group]'))"
                                 ".every(t => f.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)"), url
            if url in ("deadlines/", "targets/"):
                assert form.bounding_box()["y"] < PHONE["height"], url
            form.locator("summary").click()
            fields = boxes(pg)
            frame = form.bounding_box()
            for f in fields:
                assert frame["x"] <= f["left"] and f["right"] <= frame["x"] + frame["width"] + 0.5, (url, f)
            overlapping = [(a["name"], b["name"]) for k, a in enumerate(fields) for b in fields[k + 1:]
                           if a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 and a["top"] < b["bottom"] - 0.5
                           and b["top"] < a["bottom"] - 0.5]
            assert overlapping == [], url
            # the sort choices are phrases: the longest fits its select (text, side padding, the arrow's 20 px)
            room = form.locator("select[name=sort]").evaluate("""s => {
                const cs = getComputedStyle(s), ctx = document.createElement('canvas').getContext('2d');
                ctx.font = cs.fontSize + ' ' + cs.fontFamily;
                const text = Math.max(...Array.from(s.options).map(o => ctx.measureText(o.textContent).width));
                return s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20 - text; }""")
            assert room >= 0, (url, room)
    assert watch.problems() == []


@pytest.mark.build
def test_a_select_with_one_choice_is_left_out():
    from shandong.views import render

    tmpl = render.environment().from_string('{% import "partials/_filters.md.j2" as f %}{{ f.controls(fields, orders=orders) | safe }}')
    html = tmpl.render(fields=[("q", "内容", None), ("theme", "主题", [("a", "甲")]), ("year", "年份", [("1", "1年"), ("2", "2年")]),
                               ("unit", "单位", {"组": [("x", "某单位")]}), ("kind", "文件", {"组一": [("t", "任务")], "组二": [("m", "措施")]})],
                       orders=[("", "按文件顺序")])
    doc = BeautifulSoup(html, "html.parser")
    assert [s["name"] for s in doc.select("select")] == ["year", "kind"]
    assert doc.select_one("input[name=q]") is not None
    for data in (None, PROGRESS_DATA):  # and on the built pages
        site = built_site(data)
        for path in sorted(site.rglob("index.html")):
            for sel in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select("form[data-ds-filters] select"):
                assert len([o for o in sel.select("option") if o.get("value") or sel["name"] == "sort"]) >= 2, (path, sel["name"])
