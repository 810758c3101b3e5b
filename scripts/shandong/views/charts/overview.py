"""The site-wide charts: items and roles per theme, deadlines per year (wide and phone layouts)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ...data.model import DEADLINE_KINDS, ROLE_NAMES, ROLE_ORDER, Model
from .base import (
    DEADLINE_LABELS,
    FS,
    NARROW,
    NFS,
    ROLE_LABELS,
    TITLES,
    ChartTable,
    _legend,
    _narrow_legend,
    _role_bar,
    _Svg,
    colour,
    esc,
    ink,
    text_width,
)

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
    svg = _Svg(key, TITLES["theme-roles"], _theme_roles_desc(t), width, height)
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
                svg.text(x + col_w / 2, y + h / 2 + 4, n, size=size, anchor="middle", fill=ink())
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
    svg = _Svg(key, TITLES["deadlines"], _deadlines_desc(model, t), width, height)
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




def theme_roles_narrow_svg(model: Model, key: str = "chart-theme-roles-narrow") -> str:
    """``theme_roles_svg`` for a phone: each theme's name and counts on a line above its bar."""
    t = theme_roles_table(model)
    legend = [(colour(i), ROLE_LABELS.get(r, ROLE_NAMES[r][0])) for i, r in enumerate(ROLE_ORDER)]
    top = 14 + (len(legend) + 1) // 2 * 18 + 8
    row_h, bar_h = 50, 20
    bar_w = NARROW - 10 - 40
    total_max = max([r["assignments"] for r in t.rows] + [1])
    svg = _Svg(key, TITLES["theme-roles"], _theme_roles_desc(t), NARROW, top + row_h * len(t.rows) + 30)
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
    svg = _Svg(key, TITLES["deadlines"], _deadlines_desc(model, t), NARROW, 0)
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


