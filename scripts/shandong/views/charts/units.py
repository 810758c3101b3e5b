"""The charts of units: unit × theme heat map, collaboration matrix, a theme's main units (wide and phone layouts)."""
from __future__ import annotations

from collections import Counter

from ...data.model import ROLE_NAMES, ROLE_ORDER, Model
from .base import (
    NARROW,
    NFS,
    ROLE_LABELS,
    TITLES,
    ChartTable,
    _legend,
    _narrow_label_w,
    _narrow_legend,
    _role_bar,
    _Svg,
    colour,
    esc,
    heat_fill,
    heat_ink,
    heat_step,
    text_width,
    theme_units_title,
)

# ---------------------------------------------------------------------------
# 3. Agency × theme heat map


def _cell_style(n: int, vmax: int) -> str:
    """A heat cell: its step's colour, or a faint shade of the text colour for none."""
    return "fill:currentColor;fill-opacity:.07" if n == 0 else f"fill:{heat_fill(heat_step(n, vmax))}"


def agencies_by_load(model: Model) -> list[str]:
    """Ids of the agencies with at least one item, in the model's order (most items first)."""
    return [a.id for a in model.agencies_by_load() if model.agency_total(a.id)]


def heatmap_table(model: Model, limit: int | None = None) -> ChartTable:
    themes = list(model.themes)
    cols = [("unit", "单位")] + [(tid, model.themes[tid].name) for tid in themes] + [("total", "合计")]
    rows = []
    for aid in agencies_by_load(model)[:limit]:
        items = model.agency_items(aid)
        row = {"unit_id": aid, "unit": model.agencies[aid].short}
        for tid in themes:
            row[tid] = sum(1 for x in items if x.theme == tid)
        row["total"] = len(items)
        rows.append(row)
    return ChartTable("各单位在各主题中承担的任务与措施数（按总数排序）", cols, rows)


def _heatmap_desc(model: Model, t: ChartTable, vmax: int) -> str:
    themes = list(model.themes)
    top3 = "；".join(f"{r['unit']} {r['total']} 项（" + "、".join(f"{model.themes[tid].name} {r[tid]}" for tid in themes if r[tid]) + "）"
                    for r in t.rows[:3])
    return (f"{len(t.rows)} 个单位（行，按承担的任务与措施总数从多到少排列）× {len(themes)} 个主题（列）；"
            f"每格为该单位在该主题中承担的任务与措施数，颜色与底色反差越大则越多，最大 {vmax}。最多的三个单位：{top3}。")


def heatmap_svg(model: Model, limit: int | None = None, key: str = "chart-heatmap") -> str:
    """Rows: units ordered by load; columns: themes; each cell the number of tasks and measures it is on."""
    t = heatmap_table(model, limit)
    themes = list(model.themes)
    label_w = max([text_width(r["unit"], 12) for r in t.rows] + [60]) + 14
    cell_w, cell_h, top = 84, 20, 54
    width = label_w + cell_w * len(themes) + 64
    height = top + cell_h * len(t.rows) + 30
    vmax = max([r[tid] for r in t.rows for tid in themes] + [1])
    svg = _Svg(key, TITLES["heatmap"], _heatmap_desc(model, t, vmax), width, height)
    for j, tid in enumerate(themes):
        svg.text(label_w + j * cell_w + cell_w / 2, top - 12, model.themes[tid].name, size=12, anchor="middle", weight="bold")
    svg.text(label_w + len(themes) * cell_w + 32, top - 12, "合计", size=12, anchor="middle", weight="bold")
    for i, r in enumerate(t.rows):
        y = top + i * cell_h
        svg.add(f'<g class="row" data-unit="{esc(r["unit_id"])}" data-total="{r["total"]}">')
        svg.text(label_w - 8, y + 14, r["unit"], size=12, anchor="end")
        for j, tid in enumerate(themes):
            n = r[tid]
            x = label_w + j * cell_w
            svg.add(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" style="{_cell_style(n, vmax)}" '
                    f'data-theme="{esc(tid)}" data-value="{n}"><title>{esc(r["unit"])} · {esc(model.themes[tid].name)}：{n}</title></rect>')
            if n:
                svg.text(x + cell_w / 2, y + 14, n, size=11, anchor="middle", fill=heat_ink(heat_step(n, vmax)))
        svg.text(label_w + len(themes) * cell_w + 32, y + 14, r["total"], size=12, anchor="middle", weight="bold")
        svg.add("</g>")
    return svg.render()


# ---------------------------------------------------------------------------
# 4. Who works with whom


def _pair_count(model: Model, a: str, b: str) -> int:
    return model.pairs.get((a, b) if a < b else (b, a), 0)


def strongest_pairs(model: Model, n: int = 10) -> list[tuple[str, str, int]]:
    """The n pairs of units that share the most tasks and measures; ties by the units' load order."""
    rank = {aid: i for i, aid in enumerate(agencies_by_load(model))}
    def key(p):
        (a, b), c = p
        ra, rb = sorted((rank.get(a, 1 << 30), rank.get(b, 1 << 30)))
        return (-c, ra, rb)
    ranked = sorted(model.pairs.items(), key=key)
    cap = min(len(ranked), 2 * n)
    while 0 < n < cap and ranked[n][1] == ranked[n - 1][1]:
        n += 1  # do not cut a tie in two
    out = []
    for (a, b), c in ranked[:n]:
        if rank.get(b, 1 << 30) < rank.get(a, 1 << 30):
            a, b = b, a
        out.append((a, b, c))
    return out


def collaboration_table(model: Model, top: int = 12) -> ChartTable:
    ids = agencies_by_load(model)[:top]
    cols = [("no", "编号"), ("unit", "单位")] + [(aid, str(i)) for i, aid in enumerate(ids, 1)]
    rows = []
    for i, a in enumerate(ids, 1):
        row = {"no": i, "unit_id": a, "unit": model.agencies[a].short}
        for b in ids:
            row[b] = None if a == b else _pair_count(model, a, b)
        rows.append(row)
    return ChartTable(f"承担任务与措施最多的 {len(ids)} 个单位之间共同承担的项数", cols, rows)


def _collaboration_desc(model: Model, t: ChartTable, strong: list[tuple[str, str, int]], vmax: int) -> str:
    short = {aid: model.agencies[aid].short for aid in model.agencies}
    return (f"承担任务与措施最多的 {len(t.rows)} 个单位两两之间共同承担的任务与措施数（矩阵，行列编号相同，颜色与底色反差越大则越多，最大 {vmax}）。"
            "共同承担最多的单位组合：" + "；".join(f"{short[a]}与{short[b]} {c} 项" for a, b, c in strong) + "。")


def _draw_matrix(svg: _Svg, t: ChartTable, ids: list[str], short: dict[str, str], vmax: int, *, left: float, top: float,
                 cell: float, head_size: float, label_size: float, value_size: float, head_gap: float, label_gap: float,
                 num) -> None:
    """The collaboration matrix (column numbers, a labelled row per unit, a shaded cell per pair), drawn the
    same way in the wide and the phone layout; ``num`` writes the cells' coordinates."""
    for j, aid in enumerate(ids, 1):
        svg.text(left + (j - 1) * cell + cell / 2, top - head_gap, j, size=head_size, anchor="middle", weight="bold",
                 extra=f' data-unit="{esc(aid)}"')
    for i, r in enumerate(t.rows):
        y = top + i * cell
        svg.add(f'<g class="row" data-unit="{esc(r["unit_id"])}">')
        svg.text(left - label_gap, y + cell / 2 + 4, f"{r['no']} {r['unit']}", size=label_size, anchor="end")
        for j, b in enumerate(ids):
            x = left + j * cell
            v = r[b]
            box = f'x="{num(x + 1)}" y="{num(y + 1)}" width="{num(cell - 2)}" height="{num(cell - 2)}"'
            if v is None:
                svg.add(f'<rect {box} style="fill:none;stroke:currentColor;stroke-opacity:.25"/>')
                continue
            svg.add(f'<rect {box} style="{_cell_style(v, vmax)}" data-other="{esc(b)}" data-value="{v}">'
                    f'<title>{esc(r["unit"])} — {esc(short[b])}：{v}</title></rect>')
            if v:
                svg.text(x + cell / 2, y + cell / 2 + 4, v, size=value_size, anchor="middle", fill=heat_ink(heat_step(v, vmax)))
        svg.add("</g>")


def collaboration_svg(model: Model, top: int = 12, pairs: int = 8, key: str = "chart-collaboration") -> str:
    """Adjacency matrix of the ``top`` units by load (cell: tasks and measures shared), and the strongest pairs named."""
    t = collaboration_table(model, top)
    ids = [r["unit_id"] for r in t.rows]
    short = {aid: model.agencies[aid].short for aid in model.agencies}
    label_w = max([text_width(f"{r['no']} {r['unit']}", 12) for r in t.rows] + [60]) + 14
    cell, top_y = 28, 56
    strong = strongest_pairs(model, pairs)
    list_x = label_w + cell * len(ids) + 36
    list_w = max([text_width(f"{short[a]} — {short[b]}  {c}", 12) for a, b, c in strong] + [160]) + 10
    width = list_x + list_w + 10
    height = max(top_y + cell * len(ids) + 40, top_y + 26 * len(strong) + 60)
    vmax = max([v for r in t.rows for aid in ids if (v := r[aid])] + [1])
    svg = _Svg(key, TITLES["collaboration"], _collaboration_desc(model, t, strong, vmax), width, height)
    _draw_matrix(svg, t, ids, short, vmax, left=label_w, top=top_y, cell=cell, head_size=11, label_size=12,
                 value_size=11, head_gap=10, label_gap=8, num=str)
    svg.text(list_x, top_y - 10, "共同承担最多的单位组合", size=12, weight="bold")
    for k, (a, b, c) in enumerate(strong):
        y = top_y + 14 + k * 26
        svg.add(f'<g class="pair" data-a="{esc(a)}" data-b="{esc(b)}" data-value="{c}">')
        svg.text(list_x, y, f"{short[a]} — {short[b]}", size=12)
        svg.text(list_x + list_w - 10, y, c, size=12, anchor="end", weight="bold")
        svg.add("</g>")
    return svg.render()


# ---------------------------------------------------------------------------
# 5. The units of one theme, by role (on each theme page)


def theme_units_table(model: Model, tid: str, top: int = 12) -> ChartTable:
    """The units with the most items in theme ``tid``: per role, how many of its items."""
    counts: dict[str, Counter] = {}
    for item in model.by_theme.get(tid, []):
        for role, ids in item.roles.items():
            for aid in ids:
                counts.setdefault(aid, Counter())[role] += 1
    order = {aid: i for i, aid in enumerate(model.agencies)}
    ranked = sorted(counts, key=lambda a: (-sum(counts[a].values()), order[a]))[:top]
    cols = [("unit", "单位")] + [(r, ROLE_NAMES[r][0]) for r in ROLE_ORDER] + [("total", "合计")]
    rows = [{"unit_id": aid, "unit": model.agencies[aid].short, **{r: counts[aid][r] for r in ROLE_ORDER},
             "total": sum(counts[aid].values())} for aid in ranked]
    return ChartTable(f"{model.themes[tid].name}：承担任务与措施最多的 {len(rows)} 个单位（按角色）", cols, rows)


def _theme_units_desc(name: str, t: ChartTable) -> str:
    return (f"{name}主题中承担任务与措施最多的 {len(t.rows)} 个单位，每行一个单位，条形按角色分段。"
            + "；".join(f"{r['unit']} {r['total']} 项（" + "、".join(f"{ROLE_NAMES[k][0]} {r[k]}" for k in ROLE_ORDER if r[k]) + "）"
                       for r in t.rows) + "。")


def theme_units_svg(model: Model, tid: str, top: int = 12, key: str | None = None) -> str:
    """Horizontal stacked bars: the units of one theme with the most items, split by role."""
    t = theme_units_table(model, tid, top)
    key = key or f"chart-theme-units-{tid}"
    label_w = max([text_width(r["unit"], 12) for r in t.rows] + [60]) + 14
    bar_w, row_h, top_y = 420, 24, 50
    legend = [(colour(i), ROLE_LABELS.get(r, ROLE_NAMES[r][0])) for i, r in enumerate(ROLE_ORDER)]
    legend_w = sum(17 + text_width(label, 12) + 18 for _, label in legend)
    width, height = label_w + max(bar_w + 60, legend_w), top_y + row_h * len(t.rows) + 20
    vmax = max([r["total"] for r in t.rows] + [1])
    name = model.themes[tid].name
    svg = _Svg(key, theme_units_title(name), _theme_units_desc(name, t), width, height)
    _legend(svg, label_w, 20, legend)
    scale = bar_w / vmax
    for j, r in enumerate(t.rows):
        y = top_y + j * row_h
        svg.add(f'<g class="bar" data-unit="{esc(r["unit_id"])}" data-total="{r["total"]}">')
        svg.text(label_w - 8, y + 14, r["unit"], size=12, anchor="end")
        x = _role_bar(svg, r, r["unit"], label_w, y, row_h - 6, scale)
        svg.text(x + 6, y + 14, r["total"], size=12, weight="bold")
        svg.add("</g>")
    return svg.render()




def heatmap_narrow_svg(model: Model, limit: int | None = None, key: str = "chart-heatmap-narrow") -> str:
    """``heatmap_svg`` for a phone: narrower cells, the theme names in two staggered rows."""
    t = heatmap_table(model, limit)
    themes = list(model.themes)
    label_w = _narrow_label_w([r["unit"] for r in t.rows])
    total_w = 34
    cell_w = (NARROW - label_w - total_w - 2) / max(len(themes), 1)
    cell_h, top = 20, 44
    vmax = max([r[tid] for r in t.rows for tid in themes] + [1])
    svg = _Svg(key, TITLES["heatmap"], _heatmap_desc(model, t, vmax), NARROW, top + cell_h * len(t.rows) + 10)
    for j, tid in enumerate(themes):
        svg.text(label_w + j * cell_w + cell_w / 2, top - 24 + (j % 2) * 14, model.themes[tid].name, size=NFS,
                 anchor="middle", weight="bold")
    svg.text(label_w + len(themes) * cell_w + total_w / 2, top - 10, "合计", size=NFS, anchor="middle", weight="bold")
    for i, r in enumerate(t.rows):
        y = top + i * cell_h
        svg.add(f'<g class="row" data-unit="{esc(r["unit_id"])}" data-total="{r["total"]}">')
        svg.text(label_w - 6, y + 14, r["unit"], size=NFS, anchor="end")
        for j, tid in enumerate(themes):
            n = r[tid]
            x = label_w + j * cell_w
            svg.add(f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" style="{_cell_style(n, vmax)}" '
                    f'data-theme="{esc(tid)}" data-value="{n}"><title>{esc(r["unit"])} · {esc(model.themes[tid].name)}：{n}</title></rect>')
            if n:
                svg.text(x + cell_w / 2, y + 14, n, size=NFS, anchor="middle", fill=heat_ink(heat_step(n, vmax)))
        svg.text(label_w + len(themes) * cell_w + total_w / 2, y + 14, r["total"], size=NFS, anchor="middle", weight="bold")
        svg.add("</g>")
    return svg.render()


def collaboration_narrow_svg(model: Model, top: int = 12, pairs: int = 8, key: str = "chart-collaboration-narrow") -> str:
    """``collaboration_svg`` for a phone: a smaller matrix, the strongest pairs listed below it."""
    t = collaboration_table(model, top)
    ids = [r["unit_id"] for r in t.rows]
    short = {aid: model.agencies[aid].short for aid in model.agencies}
    label_w = _narrow_label_w([f"{r['no']} {r['unit']}" for r in t.rows])
    cell = min(24, (NARROW - label_w - 4) / max(len(ids), 1))
    top_y = 24
    strong = strongest_pairs(model, pairs)
    list_y = top_y + cell * len(ids) + 30
    vmax = max([v for r in t.rows for aid in ids if (v := r[aid])] + [1])
    svg = _Svg(key, TITLES["collaboration"], _collaboration_desc(model, t, strong, vmax), NARROW,
               list_y + 20 * len(strong) + 10)
    _draw_matrix(svg, t, ids, short, vmax, left=label_w, top=top_y, cell=cell, head_size=NFS, label_size=NFS,
                 value_size=NFS, head_gap=8, label_gap=6, num="{:.1f}".format)
    svg.text(5, list_y - 8, "共同承担最多的单位组合", size=12, weight="bold")
    for k, (a, b, c) in enumerate(strong):
        y = list_y + 10 + k * 20
        svg.add(f'<g class="pair" data-a="{esc(a)}" data-b="{esc(b)}" data-value="{c}">')
        svg.text(5, y, f"{short[a]} — {short[b]}", size=12)
        svg.text(NARROW - 5, y, c, size=12, anchor="end", weight="bold")
        svg.add("</g>")
    return svg.render()


def theme_units_narrow_svg(model: Model, tid: str, top: int = 12, key: str | None = None) -> str:
    """``theme_units_svg`` for a phone: a shorter bar, the legend in two columns."""
    t = theme_units_table(model, tid, top)
    key = key or f"chart-theme-units-{tid}-narrow"
    legend = [(colour(i), ROLE_LABELS.get(r, ROLE_NAMES[r][0])) for i, r in enumerate(ROLE_ORDER)]
    top_y = 14 + (len(legend) + 1) // 2 * 18 + 6
    label_w = _narrow_label_w([r["unit"] for r in t.rows])
    bar_w, row_h = NARROW - label_w - 34, 22
    vmax = max([r["total"] for r in t.rows] + [1])
    name = model.themes[tid].name
    svg = _Svg(key, theme_units_title(name), _theme_units_desc(name, t), NARROW, top_y + row_h * len(t.rows) + 10)
    _narrow_legend(svg, 14, legend)
    scale = bar_w / vmax
    for j, r in enumerate(t.rows):
        y = top_y + j * row_h
        svg.add(f'<g class="bar" data-unit="{esc(r["unit_id"])}" data-total="{r["total"]}">')
        svg.text(label_w - 6, y + 14, r["unit"], size=NFS, anchor="end")
        x = _role_bar(svg, r, r["unit"], label_w, y, row_h - 6, scale)
        svg.text(x + 5, y + 14, r["total"], size=NFS, weight="bold")
        svg.add("</g>")
    return svg.render()


