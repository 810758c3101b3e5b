"""Charts of the model as plain SVG strings: no JavaScript, no chart library.

Each chart has two functions, ``<name>_svg(model, ...) -> str`` and ``<name>_table(model, ...) -> ChartTable``
(the numbers behind it, for a table beside the chart; templates/partials/chart.md.j2 renders it). ``CHARTS`` lists
them, ``NARROW_CHARTS`` their phone layouts (``NARROW`` px wide, no text under ``NFS`` px).

Every SVG: ``role="img"`` and ``aria-labelledby`` pointing at its ``<title>`` and ``<desc>``; numbers
shown as text and also carried in ``data-*`` attributes; colours are CSS custom properties with
fallbacks (``--chart-1`` … ``--chart-5``, ``--chart-heat``) and text is ``currentColor``, so
the page's palette (light or dark) applies when the SVG is inlined; every text from the data is
XML-escaped. Text is ``FS`` (13) px at most, 11 px at least; its width is estimated by ``text_width``
(CJK = 1 em, other characters 0.58 em).
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape as _escape

from markupsafe import Markup

from .model import DEADLINE_KINDS, ROLE_NAMES, ROLE_ORDER, STATES, Item, Model

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
PALETTE = ["#3f6ec6", "#e07b39", "#2e9e6b", "#9a5bc4", "#6f7d8c"]  # fallbacks of --chart-1 … --chart-5
HEAT = "#3f6ec6"  # fallback of --chart-heat
FS = 13  # base font size, px
ROLE_LABELS = {"task": "责任单位（任务分工）", "lead": "牵头（措施）", "support": "配合（措施）", "responsible": "按职责分工负责（措施）"}
DEADLINE_LABELS = {  # the legend says which kind of item each deadline kind belongs to
    "year-end": "措施：年底前完成", "plan-year": "措施：方案年度内（未写时限）",
    "complete": "任务：N年完成", "basic": "任务：N年基本完成", "ongoing": "任务：持续推进",
}


def esc(text: object) -> str:
    """Text or attribute value, XML-escaped (& < > " ')."""
    return _escape(str(text), quote=True)


def colour(i: int) -> str:
    return f"var(--chart-{i + 1}, {PALETTE[i % len(PALETTE)]})"


def text_width(text: str, size: float = FS) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.58 for ch in str(text)) * size


@dataclass
class ChartTable:
    """The data behind a chart: ``columns`` as (key, header), ``rows`` as dicts keyed by column key.
    The site shows it as a table beside the chart: templates/partials/chart.md.j2."""

    caption: str
    columns: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)



class _Svg:
    def __init__(self, key: str, title: str, desc: str, width: float, height: float):
        self.key, self.title, self.desc = key, title, desc
        self.width, self.height = width, height
        self.parts: list[str] = []

    def add(self, s: str) -> None:
        self.parts.append(s)

    def text(self, x: float, y: float, s: object, size: float = FS, anchor: str = "start", weight: str | None = None,
             fill: str = "currentColor", extra: str = "", cls: str | None = None) -> None:
        w = f' font-weight="{weight}"' if weight else ""
        c = f' class="{cls}"' if cls else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{w}{c} '
                 f'style="fill:{fill}"{extra}>{esc(s)}</text>')

    def render(self) -> str:
        k = esc(self.key)
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="sd-chart sd-chart-{k}" role="img" '
                f'aria-labelledby="{k}-title {k}-desc" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
                f'width="{self.width:.0f}" height="{self.height:.0f}" font-family="{esc(FONT)}" '
                f'style="max-width:100%;height:auto;color:inherit">'
                f'<title id="{k}-title">{esc(self.title)}</title><desc id="{k}-desc">{esc(self.desc)}</desc>')
        return head + "".join(self.parts) + "</svg>\n"


def _heat(n: int, vmax: int) -> float:
    """Fill opacity of a heat cell: square-root scale, so that small counts still show."""
    return 0.16 + 0.84 * (n / vmax) ** 0.5


def _legend(svg: _Svg, x: float, y: float, entries: list[tuple[str, str]]) -> float:
    """Swatches with labels in one row from (x, y); returns the x after the last entry."""
    for fill, label in entries:
        svg.add(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" rx="2" style="fill:{fill}"/>')
        svg.text(x + 17, y, label, size=12)
        x += 17 + text_width(label, 12) + 18
    return x


def _role_bar(svg: _Svg, row: dict, name: str, x: float, y: float, height: float, scale: float,
              label_y: float | None = None) -> float:
    """One stacked bar of ``row``'s counts per role from x; numbers inside the segments when
    ``label_y`` is given and they fit. Returns the x after the bar."""
    for i, role in enumerate(ROLE_ORDER):
        n = row[role]
        if not n:
            continue
        w = n * scale
        svg.add(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{height}" style="fill:{colour(i)}" '
                f'data-role="{role}" data-value="{n}"><title>{esc(name)} · {esc(ROLE_NAMES[role][0])}：{n}</title></rect>')
        if label_y is not None and w >= text_width(str(n), 11) + 6:
            svg.text(x + w / 2, label_y, n, size=11, anchor="middle", fill="#fff")
        x += w
    return x


# ---------------------------------------------------------------------------
# 1. Items per theme, split by role


def theme_roles_table(model: Model) -> ChartTable:
    cols = [("theme", "主题"), ("tasks", "任务"), ("measures", "措施")]
    cols += [(r, ROLE_NAMES[r][0]) for r in ROLE_ORDER] + [("assignments", "分工合计")]
    rows = []
    for tid, theme in model.themes.items():
        items = model.by_theme.get(tid, [])
        row = {"theme_id": tid, "theme": theme.name,
               "tasks": sum(1 for x in items if x.kind == "task"),
               "measures": sum(1 for x in items if x.kind == "measure")}
        for r in ROLE_ORDER:
            row[r] = sum(len(x.roles.get(r, [])) for x in items)
        row["assignments"] = sum(row[r] for r in ROLE_ORDER)
        rows.append(row)
    return ChartTable("各主题的任务、措施与分工（按角色）", cols, rows)


def _theme_roles_desc(t: ChartTable) -> str:
    return ("每个主题一行。条形按角色分段，数值为“单位×任务/措施”的分工次数（一项措施有三个单位即计三次）；"
            "另注该主题的任务数与措施数。" + "；".join(
                f"{r['theme']}：任务 {r['tasks']} 项、措施 {r['measures']} 项，分工 {r['assignments']} 次（"
                + "、".join(f"{ROLE_NAMES[k][0]} {r[k]}" for k in ROLE_ORDER if r[k]) + "）" for r in t.rows) + "。")


def theme_roles_svg(model: Model, key: str = "chart-theme-roles") -> str:
    """Horizontal stacked bars: per theme, unit assignments by role; item counts beside each bar."""
    t = theme_roles_table(model)
    label_w = max([text_width(r["theme"], FS) for r in t.rows] + [60]) + 16
    bar_w, row_h, top = 460, 34, 58
    note_w = 190
    width = label_w + bar_w + note_w + 20
    height = top + row_h * len(t.rows) + 40
    total_max = max([r["assignments"] for r in t.rows] + [1])
    svg = _Svg(key, "各主题的任务、措施与分工角色", _theme_roles_desc(t), width, height)
    _legend(svg, label_w, 22, [(colour(i), ROLE_LABELS.get(r, ROLE_NAMES[r][0])) for i, r in enumerate(ROLE_ORDER)])
    scale = bar_w / total_max
    for j, r in enumerate(t.rows):
        y = top + j * row_h
        svg.add(f'<g class="bar" data-theme="{esc(r["theme_id"])}" data-tasks="{r["tasks"]}" '
                f'data-measures="{r["measures"]}" data-total="{r["assignments"]}">')
        svg.text(label_w - 10, y + 17, r["theme"], anchor="end")
        x = _role_bar(svg, r, r["theme"], label_w, y, row_h - 10, scale, label_y=y + 17)
        svg.text(x + 6, y + 17, r["assignments"], size=12, weight="bold")
        svg.text(label_w + bar_w + 46, y + 17, f"任务 {r['tasks']} · 措施 {r['measures']}", size=12)
        svg.add("</g>")
    # axis
    y0 = top + row_h * len(t.rows)
    svg.add(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{y0 - 6}" style="stroke:currentColor;stroke-opacity:.5"/>')
    svg.text(label_w, y0 + 14, "分工次数（单位 × 任务/措施）", size=11, fill="currentColor")
    return svg.render()


# ---------------------------------------------------------------------------
# 2. Deadlines by year and kind


def _deadline_columns(model: Model) -> list[int | None]:
    period = model.documents.get("plan", {}).get("period") or {}
    years = {x.deadline_year for x in model.items if x.deadline_year is not None}
    if period.get("start") and period.get("end"):
        years |= set(range(period["start"], period["end"] + 1))
    cols: list[int | None] = sorted(years)
    if any(x.deadline_year is None for x in model.items):
        cols.append(None)
    return cols


def deadlines_table(model: Model) -> ChartTable:
    counts = Counter((x.deadline_year, x.deadline_kind) for x in model.items)
    cols = [("year_label", "年份")] + [(k, v[0]) for k, v in DEADLINE_KINDS.items()] + [("total", "合计")]
    rows = []
    for year in _deadline_columns(model):
        row = {"year": year, "year_label": f"{year}年" if year else "持续推进（无年份）"}
        for k in DEADLINE_KINDS:
            row[k] = counts[(year, k)]
        row["total"] = sum(row[k] for k in DEADLINE_KINDS)
        rows.append(row)
    return ChartTable("任务与措施的期限：按年份和类型", cols, rows)


def _deadlines_desc(model: Model, t: ChartTable) -> str:
    parts = [f"{r['year_label']} {r['total']} 项（" + "、".join(f"{DEADLINE_KINDS[k][0]} {r[k]}" for k in DEADLINE_KINDS if r[k]) + "）"
             for r in t.rows if r["total"]]
    period = model.documents.get("plan", {}).get("period") or {}
    span = f"（《规划》期 {period['start']}–{period['end']} 年）" if period.get("start") and period.get("end") else ""
    return (f"每列为一个期限年份{span}，“持续推进”一列为没有年份的任务；按期限类型分段，数值为任务与措施的项数。"
            + "；".join(parts) + "。")


def _draw_deadline_columns(svg: _Svg, t: ChartTable, kinds: list[str], *, left: float, right: float, base: float,
                           scale: float, step: int, ymax: int, x_of: Callable[[int], float], col_w: float, size: float,
                           label_size: float, axis_dx: float, min_h: float, total_dy: float, year_dy: float) -> None:
    """The grid and the stacked columns of a deadlines chart (desktop and phone layouts differ only in
    their measures): one column per row of ``t``, a segment per deadline kind, its total above it."""
    for v in range(0, ymax + 1, step):
        y = base - v * scale
        svg.add(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" style="stroke:currentColor;stroke-opacity:{.45 if v == 0 else .15}"/>')
        svg.text(left - axis_dx, y + 4, v, size=size, anchor="end")
    for j, r in enumerate(t.rows):
        x = x_of(j)
        svg.add(f'<g class="column" data-year="{r["year"] or "ongoing"}" data-total="{r["total"]}">')
        y = base
        for i, k in enumerate(kinds):
            n = r[k]
            if not n:
                continue
            h = n * scale
            y -= h
            svg.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" style="fill:{colour(i)}" '
                    f'data-kind="{k}" data-value="{n}"><title>{esc(r["year_label"])} · {esc(DEADLINE_KINDS[k][0])}：{n}</title></rect>')
            if h >= min_h:
                svg.text(x + col_w / 2, y + h / 2 + 4, n, size=size, anchor="middle", fill="#fff")
        svg.text(x + col_w / 2, y - total_dy, r["total"], size=12, anchor="middle", weight="bold")
        svg.text(x + col_w / 2, base + year_dy, r["year_label"] if r["year"] else "持续推进", size=label_size, anchor="middle")
        svg.add("</g>")


def deadlines_svg(model: Model, key: str = "chart-deadlines") -> str:
    """Vertical stacked columns: one per year of the plan period (and one for ongoing), stacked by deadline kind."""
    t = deadlines_table(model)
    kinds = list(DEADLINE_KINDS)
    col_w, gap, left, top, plot_h = 74, 34, 44, 76, 300
    width = max(left + len(t.rows) * (col_w + gap) + 20, 640)
    height = top + plot_h + 56
    vmax = max([r["total"] for r in t.rows] + [1])
    step = 10 if vmax > 30 else 5
    ymax = -(-vmax // step) * step
    scale = plot_h / ymax
    svg = _Svg(key, "任务与措施的期限分布", _deadlines_desc(model, t), width, height)
    ly = 20
    x = left
    for i, k in enumerate(kinds):  # legend may wrap to two lines
        label = DEADLINE_LABELS.get(k, DEADLINE_KINDS[k][0])
        w = 17 + text_width(label, 12) + 18
        if x + w > width - 10:
            x, ly = left, ly + 20
        _legend(svg, x, ly, [(colour(i), label)])
        x += w
    base = top + plot_h
    _draw_deadline_columns(svg, t, kinds, left=left, right=width - 10, base=base, scale=scale, step=step, ymax=ymax,
                           x_of=lambda j: left + gap / 2 + j * (col_w + gap), col_w=col_w, size=11, label_size=12,
                           axis_dx=6, min_h=15, total_dy=6, year_dy=18)
    svg.text(left, base + 40, "项数：任务（《规划》重点任务分工）与措施（2020行动方案）", size=11)
    return svg.render()


# ---------------------------------------------------------------------------
# 3. Agency × theme heat map


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
            f"每格为该单位在该主题中承担的任务与措施数，颜色越深越多，最大 {vmax}。最多的三个单位：{top3}。")


def heatmap_svg(model: Model, limit: int | None = None, key: str = "chart-heatmap") -> str:
    """Rows: units ordered by load; columns: themes; each cell the number of tasks and measures it is on."""
    t = heatmap_table(model, limit)
    themes = list(model.themes)
    label_w = max([text_width(r["unit"], 12) for r in t.rows] + [60]) + 14
    cell_w, cell_h, top = 84, 20, 54
    width = label_w + cell_w * len(themes) + 64
    height = top + cell_h * len(t.rows) + 30
    vmax = max([r[tid] for r in t.rows for tid in themes] + [1])
    svg = _Svg(key, "单位 × 主题：承担的任务与措施数", _heatmap_desc(model, t, vmax), width, height)
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
            op = 0.08 if n == 0 else _heat(n, vmax)
            svg.add(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                    f'style="fill:{"currentColor" if n == 0 else f"var(--chart-heat, {HEAT})"};fill-opacity:{op:.2f}" '
                    f'data-theme="{esc(tid)}" data-value="{n}"><title>{esc(r["unit"])} · {esc(model.themes[tid].name)}：{n}</title></rect>')
            if n:
                svg.text(x + cell_w / 2, y + 14, n, size=11, anchor="middle", fill="#fff" if op > 0.8 else "currentColor")
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
    return (f"承担任务与措施最多的 {len(t.rows)} 个单位两两之间共同承担的任务与措施数（矩阵，行列编号相同，颜色越深越多，最大 {vmax}）。"
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
            op = 0.06 if v == 0 else _heat(v, vmax)
            fill = "currentColor" if v == 0 else f"var(--chart-heat, {HEAT})"
            svg.add(f'<rect {box} style="fill:{fill};fill-opacity:{op:.2f}" data-other="{esc(b)}" data-value="{v}">'
                    f'<title>{esc(r["unit"])} — {esc(short[b])}：{v}</title></rect>')
            if v:
                svg.text(x + cell / 2, y + cell / 2 + 4, v, size=value_size, anchor="middle", fill="#fff" if op > 0.8 else "currentColor")
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
    svg = _Svg(key, "谁与谁共同承担任务：单位合作矩阵", _collaboration_desc(model, t, strong, vmax), width, height)
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
    svg = _Svg(key, f"{name}：主要责任单位", _theme_units_desc(name, t), width, height)
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


# ---------------------------------------------------------------------------
# Phone layouts: the same numbers drawn NARROW units wide, so that the chart is shown at its own
# size on a 390 px phone (content about 358 px) and no text is under 11 px. The page shows one layout
# or the other by the screen's width (docs/assets/site.css: .ds-chart-wide / .ds-chart-narrow).

NARROW = 350  # the width of every phone layout, px
NFS = 11  # the smallest text of a phone layout, px


def _narrow_label_w(labels: list[str]) -> float:
    """The width of a phone layout's label column: as wide as the longest label, but at most 40% of
    the chart (a longer name is cut at the chart's left edge; the table beside the chart has it whole)."""
    return min(max([text_width(s, NFS) for s in labels] + [40]) + 8, NARROW * 0.4)


def _narrow_legend(svg: _Svg, y: float, entries: list[tuple[str, str]], columns: int = 2) -> float:
    """Swatches with labels, ``columns`` to a row, from y; returns the y below the legend."""
    col_w = (NARROW - 10) / columns
    for k, (fill, label) in enumerate(entries):
        x, yy = 5 + (k % columns) * col_w, y + (k // columns) * 18
        svg.add(f'<rect x="{x:.1f}" y="{yy - 9:.1f}" width="11" height="11" rx="2" style="fill:{fill}"/>')
        svg.text(x + 15, yy, label, size=NFS)
    return y + (len(entries) + columns - 1) // columns * 18


def theme_roles_narrow_svg(model: Model, key: str = "chart-theme-roles-narrow") -> str:
    """``theme_roles_svg`` for a phone: each theme's name and counts on a line above its bar."""
    t = theme_roles_table(model)
    legend = [(colour(i), ROLE_LABELS.get(r, ROLE_NAMES[r][0])) for i, r in enumerate(ROLE_ORDER)]
    top = 14 + (len(legend) + 1) // 2 * 18 + 8
    row_h, bar_h = 50, 20
    bar_w = NARROW - 10 - 40
    total_max = max([r["assignments"] for r in t.rows] + [1])
    svg = _Svg(key, "各主题的任务、措施与分工角色", _theme_roles_desc(t), NARROW, top + row_h * len(t.rows) + 30)
    _narrow_legend(svg, 14, legend)
    scale = bar_w / total_max
    for j, r in enumerate(t.rows):
        y = top + j * row_h
        svg.add(f'<g class="bar" data-theme="{esc(r["theme_id"])}" data-tasks="{r["tasks"]}" '
                f'data-measures="{r["measures"]}" data-total="{r["assignments"]}">')
        svg.text(5, y + 13, r["theme"], size=13, weight="bold")
        svg.text(NARROW - 5, y + 13, f"任务 {r['tasks']} · 措施 {r['measures']}", size=NFS, anchor="end")
        x = _role_bar(svg, r, r["theme"], 5, y + 16, bar_h, scale, label_y=y + 16 + bar_h / 2 + 6)
        svg.text(x + 5, y + 16 + bar_h / 2 + 6, r["assignments"], size=12, weight="bold")
        svg.add("</g>")
    svg.text(5, top + row_h * len(t.rows) + 12, "分工次数（单位 × 任务/措施）", size=NFS)
    return svg.render()


def deadlines_narrow_svg(model: Model, key: str = "chart-deadlines-narrow") -> str:
    """``deadlines_svg`` for a phone: narrower columns, the legend one entry to a line."""
    t = deadlines_table(model)
    kinds = list(DEADLINE_KINDS)
    legend = [(colour(i), DEADLINE_LABELS.get(k, DEADLINE_KINDS[k][0])) for i, k in enumerate(kinds)]
    svg = _Svg(key, "任务与措施的期限分布", _deadlines_desc(model, t), NARROW, 0)
    top = _narrow_legend(svg, 14, legend, 1) + 20
    left, plot_h = 28, 220
    slot = (NARROW - left - 5) / max(len(t.rows), 1)
    col_w = min(40, slot - 8)
    svg.height = top + plot_h + 50
    vmax = max([r["total"] for r in t.rows] + [1])
    step = 10 if vmax > 30 else 5
    ymax = -(-vmax // step) * step
    scale = plot_h / ymax
    base = top + plot_h
    _draw_deadline_columns(svg, t, kinds, left=left, right=NARROW - 5, base=base, scale=scale, step=step, ymax=ymax,
                           x_of=lambda j: left + j * slot + (slot - col_w) / 2, col_w=col_w, size=NFS, label_size=NFS,
                           axis_dx=4, min_h=14, total_dy=5, year_dy=16)
    svg.text(5, base + 38, "项数：任务（重点任务分工）与措施（2020行动方案）", size=NFS)
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
    svg = _Svg(key, "单位 × 主题：承担的任务与措施数", _heatmap_desc(model, t, vmax), NARROW, top + cell_h * len(t.rows) + 10)
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
            op = 0.08 if n == 0 else _heat(n, vmax)
            svg.add(f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" '
                    f'style="fill:{"currentColor" if n == 0 else f"var(--chart-heat, {HEAT})"};fill-opacity:{op:.2f}" '
                    f'data-theme="{esc(tid)}" data-value="{n}"><title>{esc(r["unit"])} · {esc(model.themes[tid].name)}：{n}</title></rect>')
            if n:
                svg.text(x + cell_w / 2, y + 14, n, size=NFS, anchor="middle", fill="#fff" if op > 0.8 else "currentColor")
        svg.text(label_w + len(themes) * cell_w + total_w / 2, y + 14, r["total"], size=NFS, anchor="middle", weight="bold")
        svg.add("</g>")
    return svg.render()


# 6. Progress: items by state (STATES), per theme and per role

# Fallbacks of --state-<key>: dark enough for white numbers (contrast >= 4.5:1), distinct from
# both the light and the dark page background; the legend, the table and the <title>s carry the names.
STATE_COLOURS = {
    "completed": "#2d7a4d", "on-track": "#3560b0", "delayed": "#b35300", "not-started": "#7a4fb0",
    "cancelled": "#5f6670", "overdue-unreported": "#6e5f4b", "no-report": "#56708f",
}


def state_colour(state: str) -> str:
    return f"var(--state-{state}, {STATE_COLOURS[state]})"


def _state_row(label_key: str, label: str, items: list[Item]) -> dict:
    counts = Counter(x.state for x in items)
    return {"key": label_key, "label": label, **{s: counts[s] for s in STATES}, "total": len(items)}


def _state_columns(first: str) -> list[tuple[str, str]]:
    return [("label", first)] + [(s, v[0]) for s, v in STATES.items()] + [("total", "合计")]


def status_themes_table(model: Model, items: list[Item] | None = None) -> ChartTable:
    """Per theme, how many of ``items`` (default: all) are in each state."""
    chosen = model.items if items is None else items
    rows = [_state_row(tid, t.name, [x for x in chosen if x.theme == tid]) for tid, t in model.themes.items()]
    return ChartTable(f"进展：各主题的事项按状态（截至 {model.as_of.isoformat()}）", _state_columns("主题"),
                      [r for r in rows if r["total"]])


def status_roles_table(model: Model, aid: str | None = None, items: list[Item] | None = None) -> ChartTable:
    """Per role, the items in each state: with ``aid``, the items where that unit has the role;
    without, the items where some unit has it (an item with a lead and a supporting unit counts in
    both rows). ``items`` restricts the count (a theme's items)."""
    keep = None if items is None else {id(x) for x in items}
    rows = []
    for role in ROLE_ORDER:
        if aid is not None:
            chosen = model.by_agency.get(aid, {}).get(role, [])
        else:
            chosen = [x for x in model.items if x.roles.get(role)]
        if keep is not None:
            chosen = [x for x in chosen if id(x) in keep]
        rows.append(_state_row(role, ROLE_LABELS[role], chosen))
    who = f"{model.agencies[aid].short}：" if aid else ""
    return ChartTable(f"进展：{who}按角色的事项状态（截至 {model.as_of.isoformat()}）", _state_columns("角色"),
                      [r for r in rows if r["total"]])


def _status_desc(rows: list[dict], what: str) -> str:
    """The text alternative of a status chart: every row's total and its states."""
    return (f"每行{what}，条形按进展状态分段，数值为事项数。" + "；".join(
        f"{r['label']} {r['total']} 项（" + "、".join(f"{STATES[s][0]} {r[s]}" for s in STATES if r[s]) + "）"
        for r in rows) + "。")


def status_svg(table: ChartTable, key: str, title: str, what: str) -> str:
    """Horizontal stacked bars, one per row of ``table``, split by state (STATES order)."""
    rows = table.rows
    label_w = max([text_width(r["label"], 12) for r in rows] + [60]) + 14
    bar_w, row_h, top_y = 420, 26, 24
    legend = [(state_colour(s), v[0]) for s, v in STATES.items()]
    # the legend wraps: one line per three states
    lines = [legend[i:i + 3] for i in range(0, len(legend), 3)]
    legend_h = 20 * len(lines)
    width = label_w + bar_w + 60
    height = top_y + legend_h + row_h * len(rows) + 12
    vmax = max([r["total"] for r in rows] + [1])
    desc = _status_desc(rows, what)
    svg = _Svg(key, title, desc, width, height)
    for k, line in enumerate(lines):
        _legend(svg, 10, 16 + 20 * k, line)
    scale = bar_w / vmax
    y0 = top_y + legend_h
    for j, r in enumerate(rows):
        y = y0 + j * row_h
        svg.add(f'<g class="bar" data-key="{esc(r["key"])}" data-total="{r["total"]}">')
        svg.text(label_w - 8, y + 15, r["label"], size=12, anchor="end")
        x = label_w
        for s in STATES:
            n = r[s]
            if not n:
                continue
            w = n * scale
            svg.add(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" style="fill:{state_colour(s)}" '
                    f'data-state="{s}" data-value="{n}"><title>{esc(r["label"])} · {esc(STATES[s][0])}：{n}</title></rect>')
            if w >= text_width(str(n), 11) + 6:
                svg.text(x + w / 2, y + 15, n, size=11, anchor="middle", fill="#fff")
            x += w
        svg.text(x + 6, y + 15, r["total"], size=12, weight="bold")
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
    svg = _Svg(key, "谁与谁共同承担任务：单位合作矩阵", _collaboration_desc(model, t, strong, vmax), NARROW,
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
    svg = _Svg(key, f"{name}：主要责任单位", _theme_units_desc(name, t), NARROW, top_y + row_h * len(t.rows) + 10)
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


def status_chart(model: Model, by: str, aid: str | None = None, items: list[Item] | None = None,
                 key: str | None = None) -> dict:
    """What templates/partials/chart.md.j2 needs for a progress chart: ``by`` is "theme" or "role"."""
    if by == "theme":
        table, what = status_themes_table(model, items), "一个主题"
        title = f"进展：{model.agencies[aid].short}各主题的事项状态" if aid else "进展：各主题的事项状态"
    else:
        table = status_roles_table(model, aid, items)
        title = f"进展：{model.agencies[aid].short}按角色的事项状态" if aid else "进展：按单位角色的事项状态"
        what = "一种角色（同一事项有几种角色的单位即计入几行）" if aid is None else "本单位的一种角色"
    name = key or f"chart-status-{by}" + (f"-{aid}" if aid else "")
    return {"name": name, "title": title, "svg": Markup(status_svg(table, name, title, what)),
            "svg_narrow": Markup(status_narrow_svg(table, f"{name}-narrow", title, what)), "table": table}


def status_narrow_svg(table: ChartTable, key: str, title: str, what: str) -> str:
    """``status_svg`` for a phone: each row's name and total on a line above its bar, the legend in
    two columns, no text under NFS px."""
    rows = table.rows
    legend = [(state_colour(s), v[0]) for s, v in STATES.items()]
    top = 14 + (len(legend) + 1) // 2 * 18 + 8
    row_h, bar_h = 46, 20
    bar_w = NARROW - 10
    vmax = max([r["total"] for r in rows] + [1])
    desc = _status_desc(rows, what)
    svg = _Svg(key, title, desc, NARROW, top + row_h * len(rows) + 6)
    _narrow_legend(svg, 14, legend)
    scale = bar_w / vmax
    for j, r in enumerate(rows):
        y = top + j * row_h
        svg.add(f'<g class="bar" data-key="{esc(r["key"])}" data-total="{r["total"]}">')
        svg.text(5, y + 13, r["label"], size=12, weight="bold")
        svg.text(NARROW - 5, y + 13, f"{r['total']} 项", size=NFS, anchor="end", weight="bold")
        x = 5
        for s in STATES:
            n = r[s]
            if not n:
                continue
            w = n * scale
            svg.add(f'<rect x="{x:.1f}" y="{y + 18}" width="{w:.1f}" height="{bar_h}" style="fill:{state_colour(s)}" '
                    f'data-state="{s}" data-value="{n}"><title>{esc(r["label"])} · {esc(STATES[s][0])}：{n}</title></rect>')
            if w >= text_width(str(n), NFS) + 6:
                svg.text(x + w / 2, y + 18 + bar_h / 2 + 4, n, size=NFS, anchor="middle", fill="#fff")
            x += w
        svg.add("</g>")
    return svg.render()


# ---------------------------------------------------------------------------

# name -> (title, svg function, table function); each function takes the model only
CHARTS: dict[str, tuple[str, Callable[[Model], str], Callable[[Model], ChartTable]]] = {
    "theme-roles": ("各主题的任务、措施与分工角色", theme_roles_svg, theme_roles_table),
    "deadlines": ("任务与措施的期限分布", deadlines_svg, deadlines_table),
    "heatmap": ("单位 × 主题", heatmap_svg, heatmap_table),
    "collaboration": ("单位合作矩阵", collaboration_svg, collaboration_table),
}
# name -> the chart's phone layout (same numbers, NARROW wide)
NARROW_CHARTS: dict[str, Callable[[Model], str]] = {
    "theme-roles": theme_roles_narrow_svg,
    "deadlines": deadlines_narrow_svg,
    "heatmap": heatmap_narrow_svg,
    "collaboration": collaboration_narrow_svg,
}
