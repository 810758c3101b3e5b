"""SVG charts: well-formed, accessible, themable, escaped, and showing the model's numbers."""
from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import combinations
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from markupsafe import Markup

from shandong.config import DATA, FILES
from shandong.data.check import load_checked
from shandong.data.model import DEADLINE_KINDS
from shandong.engine import cards
from shandong.views import charts, render
from test_exports import HOSTILE, HOSTILE_THEME, load, tiny_data_dir

NS = "{http://www.w3.org/2000/svg}"
ALLOWED_FILL = re.compile(r"^(var\(--chart-[\w-]+, #[0-9a-f]{6}\)|currentColor|none|#fff)$")


@pytest.fixture(scope="module")
def model():
    return load()[1]


def hostile_data_dir(root: Path) -> Path:
    """test_exports' tiny dataset of hostile names, with the progress files (issue 11) if it lacks them."""
    data = tiny_data_dir(root)
    for name, text in (("progress.yaml", "reviewed:\n  date: 2026-11-27\n  by: 编辑组\nreports: []\n"),
                       ("sources.yaml", "sources: []\n")):
        if not (data / name).exists():
            (data / name).write_text(text, encoding="utf-8")
    return data


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def ints(el: ET.Element, attr: str = "data-value") -> int:
    return int(el.get(attr))


def load_of(model, aid: str) -> int:
    return sum(1 for x in model.items if aid in x.units())


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_chart_is_well_formed_and_accessible(model, name):
    _, svg_fn, table_fn = charts.CHARTS[name]
    svg = svg_fn(model)
    root = parse(svg)
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert [title.get("id"), desc.get("id")] == ids
    assert title.text.strip() and len(desc.text) > 20
    assert "Noto Sans CJK SC" in root.get("font-family") and root.get("font-family").endswith("sans-serif")
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    for el in root.iter():
        style = el.get("style") or ""
        for m in re.finditer(r"(?:^|;)\s*(fill|stroke)\s*:\s*([^;]+)", style):
            assert ALLOWED_FILL.match(m.group(2).strip()), (el.tag, style)
        assert el.get("fill") is None, "colours go through style so that CSS variables apply"
    assert "<script" not in svg.lower()
    table = table_fn(model)
    assert table.rows and table.columns


def test_theme_roles_numbers(model):
    root = parse(charts.theme_roles_svg(model))
    bars = root.findall(f".//{NS}g[@class='bar']")
    assert [b.get("data-theme") for b in bars] == list(model.themes)
    for b in bars:
        tid = b.get("data-theme")
        items = [x for x in model.items if x.theme == tid]
        want = Counter(role for x in items for role, ids in x.roles.items() for _ in ids)
        shown = {r.get("data-role"): ints(r) for r in b.iter(f"{NS}rect")}
        assert shown == {k: v for k, v in want.items() if v}
        assert ints(b, "data-total") == sum(want.values())
        assert ints(b, "data-tasks") == sum(1 for x in items if x.kind == "task")
        assert ints(b, "data-measures") == sum(1 for x in items if x.kind == "measure")
        texts = [t.text for t in b.iter(f"{NS}text")]
        assert model.themes[tid].name in texts and str(sum(want.values())) in texts
        assert f"任务 {b.get('data-tasks')} · 措施 {b.get('data-measures')}" in texts


def test_deadlines_numbers(model):
    root = parse(charts.deadlines_svg(model))
    want = Counter((x.deadline_year or "ongoing", x.deadline_kind) for x in model.items)
    shown = Counter()
    columns = root.findall(f".//{NS}g[@class='column']")
    period = model.documents["plan"]["period"]
    years = [int(c.get("data-year")) for c in columns if c.get("data-year") != "ongoing"]
    assert years == list(range(period["start"], period["end"] + 1))
    assert columns[-1].get("data-year") == "ongoing"
    for c in columns:
        year = c.get("data-year")
        year = year if year == "ongoing" else int(year)
        for r in c.iter(f"{NS}rect"):
            assert r.get("data-kind") in DEADLINE_KINDS
            shown[(year, r.get("data-kind"))] += ints(r)
        total = sum(v for (y, _), v in want.items() if y == year)
        assert ints(c, "data-total") == total and str(total) in [t.text for t in c.iter(f"{NS}text")]
    assert shown == want
    assert sum(shown.values()) == len(model.tasks) + len(model.measures)


def test_heatmap_numbers(model):
    root = parse(charts.heatmap_svg(model))
    rows = root.findall(f".//{NS}g[@class='row']")
    assert {r.get("data-unit") for r in rows} == {a for a in model.agencies if load_of(model, a)}
    totals = [ints(r, "data-total") for r in rows]
    assert totals == sorted(totals, reverse=True)
    for r in rows:
        aid = r.get("data-unit")
        assert ints(r, "data-total") == load_of(model, aid)
        cells = {c.get("data-theme"): ints(c) for c in r.iter(f"{NS}rect")}
        assert cells == {tid: sum(1 for x in model.items if x.theme == tid and aid in x.units()) for tid in model.themes}
        texts = [t.text for t in r.iter(f"{NS}text")]
        assert texts[0] == model.agencies[aid].short
        assert sorted(texts[1:]) == sorted([str(v) for v in cells.values() if v] + [r.get("data-total")])
    assert len(parse(charts.heatmap_svg(model, limit=10)).findall(f".//{NS}g[@class='row']")) == 10


def test_collaboration_numbers(model):
    top = 12
    root = parse(charts.collaboration_svg(model, top=top))
    rows = root.findall(f".//{NS}g[@class='row']")
    ids = [r.get("data-unit") for r in rows]
    assert len(ids) == top
    others = [a for a in model.agencies if a not in ids]
    assert min(load_of(model, a) for a in ids) >= max(load_of(model, a) for a in others)

    def shared(a, b):
        return sum(1 for x in model.items if a in x.units() and b in x.units())

    for r in rows:
        a = r.get("data-unit")
        cells = {c.get("data-other"): ints(c) for c in r.iter(f"{NS}rect") if c.get("data-other")}
        assert cells == {b: shared(a, b) for b in ids if b != a}
    pairs = root.findall(f".//{NS}g[@class='pair']")
    assert len(pairs) >= 8
    best = sorted((shared(a, b) for a, b in combinations(model.agencies, 2)), reverse=True)
    assert [ints(p) for p in pairs] == best[:len(pairs)]
    desc = root.find(f"{NS}desc").text
    for p in pairs:
        a, b = p.get("data-a"), p.get("data-b")
        assert ints(p) == shared(a, b)
        assert f"{model.agencies[a].short}与{model.agencies[b].short} {ints(p)} 项" in desc
        assert [t.text for t in p.iter(f"{NS}text")] == [f"{model.agencies[a].short} — {model.agencies[b].short}", p.get("data-value")]


def test_tables_count_what_the_yaml_files_hold():
    """The numbers behind the charts against counts made here from the YAML files themselves (not from the model)."""
    raw = {kind: yaml.safe_load((DATA / rel).read_text(encoding="utf-8")) for kind, (rel, _) in FILES.items()}
    tasks, measures = raw["tasks"]["tasks"], raw["measures"]["measures"]
    section_theme = {s["number"]: s["theme"] for s in raw["measures"]["sections"]}
    themes = {t["id"] for t in raw["themes"]["themes"]}
    task_units = [(t["theme"], [("task", u) for u in t["units"]]) for t in tasks]
    measure_units = [(section_theme[m["section"]], [(r, u) for r in ("lead", "support", "responsible") for u in m.get(r, [])])
                     for m in measures]
    model = load_checked()
    rows = {r["theme_id"]: r for r in charts.theme_roles_table(model).rows}
    assert set(rows) == themes
    for tid in themes:
        assert rows[tid]["tasks"] == sum(1 for t in tasks if t["theme"] == tid)
        assert rows[tid]["measures"] == sum(1 for m in measures if section_theme[m["section"]] == tid)
        for role in ("task", "lead", "support", "responsible"):
            assert rows[tid][role] == sum(1 for th, units in task_units + measure_units if th == tid for r, _ in units if r == role)
    assert sum(r["total"] for r in charts.deadlines_table(model).rows) == len(tasks) + len(measures)
    load = Counter(u for _, units in task_units + measure_units for u in {u for _, u in units})
    heat = charts.heatmap_table(model).rows
    assert {r["unit_id"]: r["total"] for r in heat} == dict(load)
    assert [r["total"] for r in heat] == sorted(load.values(), reverse=True)


def test_hostile_names_are_shown_literally(tmp_path):
    _, model = load(hostile_data_dir(tmp_path / "data"))
    for name, (_, svg_fn, _) in charts.CHARTS.items():
        for svg in (svg_fn(model), charts.NARROW_CHARTS[name](model)):
            root = parse(svg)  # still well-formed
            assert "<script" not in svg and "<i>" not in svg, name
            shown = "".join(root.itertext())
            if name in ("theme-roles", "heatmap"):
                assert HOSTILE_THEME in shown, name
            if name in ("heatmap", "collaboration"):
                assert HOSTILE in shown, name


def test_theme_units_chart_numbers_equal_the_items_of_the_theme(model):
    for tid, items in model.by_theme.items():
        expected = {}
        for item in items:
            for role, ids in item.roles.items():
                for aid in ids:
                    expected.setdefault(aid, {}).setdefault(role, 0)
                    expected[aid][role] += 1
        root = ET.fromstring(charts.theme_units_svg(model, tid))
        ns = "{http://www.w3.org/2000/svg}"
        bars = root.findall(f".//{ns}g[@class='bar']")
        assert bars, tid
        totals = []
        for g in bars:
            aid = g.get("data-unit")
            got = {r.get("data-role"): int(r.get("data-value")) for r in g.findall(f"{ns}rect")}
            assert got == expected[aid], (tid, aid)
            totals.append(int(g.get("data-total")))
        assert totals == sorted((sum(v.values()) for v in expected.values()), reverse=True)[:len(bars)]


# ---------------------------------------------------------------------------
# Drawn geometry, against counts read from the YAML files themselves (not from the model the charts
# use): a bar segment's length (a column's height) is its count times one scale for the whole chart.

MEASURE_ROLES = ("lead", "support", "responsible")


@functools.cache
def raw_items() -> list[dict]:
    """Every task and measure as written in data/: theme, units per role, deadline year (None: ongoing)."""
    tasks = yaml.safe_load((DATA / "plan" / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    action = yaml.safe_load((DATA / "action-2020" / "measures.yaml").read_text(encoding="utf-8"))
    section_theme = {s["number"]: s["theme"] for s in action["sections"]}
    out = [{"theme": t["theme"], "roles": {"task": list(t["units"])}, "year": t["schedule"].get("year")} for t in tasks]
    out += [{"theme": section_theme[x["section"]], "roles": {r: list(x[r]) for r in MEASURE_ROLES if x.get(r)},
             "year": int(str(x["deadline"]["date"])[:4])} for x in action["measures"]]
    return out


def rects(el: ET.Element) -> list[ET.Element]:
    return [r for r in el.iter(f"{NS}rect") if r.get("data-value") is not None]


def assert_proportional(pairs: list[tuple[float, int]], what: str) -> None:
    """Drawn lengths equal value × one scale (to the 0.1 px the SVG is written with)."""
    assert pairs and all(v > 0 for _, v in pairs), what
    big_len, big_val = max(pairs, key=lambda p: p[1])
    scale = big_len / big_val
    for length, value in pairs:
        assert abs(length - value * scale) <= 0.15, f"{what}: {value} drawn {length} px, expected {value * scale:.1f}"
    assert len({v for _, v in pairs}) > 1, f"{what}: all values equal, proportionality untested"


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_theme_roles_bars_are_drawn_to_scale_from_the_yaml(model, layout):
    svg = charts.theme_roles_svg(model) if layout == "wide" else charts.theme_roles_narrow_svg(model)
    want = {}
    for x in raw_items():
        for role, ids in x["roles"].items():
            want[(x["theme"], role)] = want.get((x["theme"], role), 0) + len(ids)
    pairs, drawn = [], {}
    for bar in parse(svg).findall(f".//{NS}g[@class='bar']"):
        x = None
        for r in rects(bar):
            drawn[(bar.get("data-theme"), r.get("data-role"))] = int(r.get("data-value"))
            pairs.append((float(r.get("width")), int(r.get("data-value"))))
            if x is not None:  # segments follow each other
                assert abs(float(r.get("x")) - x) <= 0.15
            x = float(r.get("x")) + float(r.get("width"))
    assert drawn == {k: v for k, v in want.items() if v}
    assert_proportional(pairs, f"theme-roles {layout}")


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_deadline_columns_are_drawn_to_scale_from_the_yaml(model, layout):
    svg = charts.deadlines_svg(model) if layout == "wide" else charts.deadlines_narrow_svg(model)
    want = Counter(x["year"] or "ongoing" for x in raw_items())
    pairs, drawn = [], Counter()
    for col in parse(svg).findall(f".//{NS}g[@class='column']"):
        year = col.get("data-year")
        year = year if year == "ongoing" else int(year)
        for r in rects(col):
            drawn[year] += int(r.get("data-value"))
            pairs.append((float(r.get("height")), int(r.get("data-value"))))
    assert +drawn == want
    assert_proportional(pairs, f"deadlines {layout}")


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_theme_unit_bars_are_drawn_to_scale_from_the_yaml(model, layout):
    for tid in model.themes:
        svg = charts.theme_units_svg(model, tid) if layout == "wide" else charts.theme_units_narrow_svg(model, tid)
        want = Counter()
        for x in raw_items():
            if x["theme"] == tid:
                for role, ids in x["roles"].items():
                    for aid in ids:
                        want[(aid, role)] += 1
        pairs = []
        bars = parse(svg).findall(f".//{NS}g[@class='bar']")
        for bar in bars:
            aid = bar.get("data-unit")
            drawn = {r.get("data-role"): int(r.get("data-value")) for r in rects(bar)}
            assert drawn == {role: n for (u, role), n in want.items() if u == aid}, (tid, aid)
            pairs += [(float(r.get("width")), int(r.get("data-value"))) for r in rects(bar)]
        totals = Counter()
        for (u, _), n in want.items():
            totals[u] += n
        assert [int(b.get("data-total")) for b in bars] == sorted(totals.values(), reverse=True)[:len(bars)], tid
        assert_proportional(pairs, f"theme-units {tid} {layout}")


@pytest.mark.parametrize("layout", ["wide", "narrow"])
def test_heatmap_and_matrix_cells_hold_the_yaml_counts(model, layout):
    heat = charts.heatmap_svg(model) if layout == "wide" else charts.heatmap_narrow_svg(model)
    for row in parse(heat).findall(f".//{NS}g[@class='row']"):
        aid = row.get("data-unit")
        for r in rects(row):
            n = sum(1 for x in raw_items() if x["theme"] == r.get("data-theme") and any(aid in ids for ids in x["roles"].values()))
            assert int(r.get("data-value")) == n, (aid, r.get("data-theme"))
    matrix = charts.collaboration_svg(model) if layout == "wide" else charts.collaboration_narrow_svg(model)
    for row in parse(matrix).findall(f".//{NS}g[@class='row']"):
        a = row.get("data-unit")
        for r in rects(row):
            b = r.get("data-other")
            n = sum(1 for x in raw_items() if any(a in ids for ids in x["roles"].values()) and any(b in ids for ids in x["roles"].values()))
            assert int(r.get("data-value")) == n, (a, b)


@pytest.mark.parametrize("name", list(charts.NARROW_CHARTS))
def test_phone_layouts_fit_a_phone_with_no_small_text(model, name):
    """No text under 11 px in the phone layout's own units (test_phone checks, in the browser, that it is drawn at its
    own size inside a 390 px phone's content column)."""
    root = parse(charts.NARROW_CHARTS[name](model))
    sizes = [float(t.get("font-size")) for t in root.iter(f"{NS}text")]
    assert sizes and min(sizes) >= 11
    assert root.find(f"{NS}title").get("id") != parse(charts.CHARTS[name][1](model)).find(f"{NS}title").get("id")


# ---------------------------------------------------------------------------
# The chart data table as the site renders it (templates/partials/chart.md.j2, through Markdown)


def rendered_chart(model, name: str) -> BeautifulSoup:
    _, svg_fn, table_fn = charts.CHARTS[name]
    md = render.render("partials/chart.md.j2", page_path="index.md", name=name, title="t",
                       svg=Markup(svg_fn(model)), svg_narrow=Markup(charts.NARROW_CHARTS[name](model)), table=table_fn(model))
    html = markdown.markdown(md, extensions=["tables", "md_in_html", "attr_list", "admonition", "pymdownx.details",
                                             "pymdownx.superfences", cards.CardsExtension()])
    return BeautifulSoup(html, "html.parser")


def test_rendered_chart_tables_show_hostile_names_literally_with_headers_and_labels(tmp_path):
    _, model = load(hostile_data_dir(tmp_path / "data"))
    for name, (_, _, table_fn) in charts.CHARTS.items():
        doc = rendered_chart(model, name)
        t = table_fn(model)
        assert doc.find("script") is None and doc.find("i") is None, name
        details = doc.find("details")
        assert details is not None and t.caption in details.find("summary").get_text(), name
        table = details.find("table")
        headers = [th.get_text() for th in table.select("thead th")]
        assert headers == [h for _, h in t.columns], name
        body = table.select("tbody tr")
        assert len(body) == len(t.rows), name
        for tr, row in zip(body, t.rows, strict=True):
            cells = tr.find_all(["th", "td"])
            assert [c.get_text() for c in cells] == ["" if row.get(k) is None else str(row.get(k)) for k, _ in t.columns], name
            if len(headers) >= 3:  # read as cards on a phone: each cell labelled with its header
                assert [c.get("data-label") for c in cells] == headers, name
        shown = doc.get_text()
        if name in ("theme-roles", "heatmap"):
            assert HOSTILE_THEME in shown, name
        if name in ("heatmap", "collaboration"):
            assert HOSTILE in shown, name
