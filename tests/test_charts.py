"""SVG charts: well-formed, accessible, themable, escaped, and showing the model's numbers."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import combinations

import pytest

from shandong import charts
from shandong.check import load_checked
from shandong.model import DEADLINE_KINDS
from test_exports import HOSTILE, HOSTILE_THEME, load, tiny_data_dir

NS = "{http://www.w3.org/2000/svg}"
ALLOWED_FILL = re.compile(r"^(var\(--chart-[\w-]+, #[0-9a-f]{6}\)|currentColor|none|#fff)$")


@pytest.fixture(scope="module")
def model():
    return load()[1]


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
    md = table.markdown()
    assert md.count("\n") == len(table.rows) + 1


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


def test_tables_agree_with_charts(model):
    t = charts.heatmap_table(model)
    root = parse(charts.heatmap_svg(model))
    assert [r["unit_id"] for r in t.rows] == [g.get("data-unit") for g in root.findall(f".//{NS}g[@class='row']")]
    t = charts.deadlines_table(model)
    assert sum(r["total"] for r in t.rows) == len(model.items)
    t = charts.theme_roles_table(model)
    assert sum(r["tasks"] + r["measures"] for r in t.rows) == len(model.items)


def test_hostile_names_are_shown_literally(tmp_path):
    _, model = load(tiny_data_dir(tmp_path / "data"))
    for name, (_, svg_fn, table_fn) in charts.CHARTS.items():
        svg = svg_fn(model)
        root = parse(svg)  # still well-formed
        assert "<script" not in svg and "<i>" not in svg, name
        shown = "".join(root.itertext())
        if name in ("theme-roles", "heatmap"):
            assert HOSTILE_THEME in shown, name
        if name in ("heatmap", "collaboration"):
            assert HOSTILE in shown, name
        md = table_fn(model).markdown()
        assert "<script" not in md
    md = charts.heatmap_table(model).markdown()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#x27;甲局" in md


def test_theme_units_chart_numbers_equal_the_items_of_the_theme():
    model = load_checked()
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
