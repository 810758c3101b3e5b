"""The progress charts: items by state, per theme or per role (wide and phone layouts)."""
from __future__ import annotations

from collections import Counter

from markupsafe import Markup

from ...data.model import ROLE_ORDER, STATES, Item, Model
from .base import NARROW, NFS, ROLE_LABELS, ChartTable, _legend, _narrow_legend, _Svg, esc, text_width

# Fallbacks of --state-<key> and --state-ink (docs/assets/progress.css: light and dark schemes): a hue per state,
# the two states without a report greyish (warm: deadline passed; cool: not yet), none alarming but "delayed".
STATE_COLOURS = {
    "completed": "#2d7a4d", "on-track": "#3560b0", "delayed": "#b3410e", "not-started": "#7a4fb0",
    "cancelled": "#9b3b70", "overdue-unreported": "#73644f", "no-report": "#5f6870",
}
STATE_INK = "#ffffff"


def state_colour(state: str) -> str:
    return f"var(--state-{state}, {STATE_COLOURS[state]})"


def state_ink() -> str:
    """The colour of a number drawn on a state's colour."""
    return f"var(--state-ink, {STATE_INK})"


def _state_row(label_key: str, label: str, items: list[Item]) -> dict:
    counts = Counter(x.state for x in items)
    return {"key": label_key, "label": label, **{s: counts[s] for s in STATES}, "total": len(items)}


def _state_columns(first: str, rows: list[dict]) -> list[tuple[str, str]]:
    """The label, the states that occur in ``rows`` (in the order of STATES), the total."""
    return [("label", first)] + [(s, v[0]) for s, v in STATES.items() if any(r[s] for r in rows)] + [("total", "合计")]


def table_states(table: ChartTable) -> list[str]:
    """The states a status table (and so its chart and legend) shows: those that occur."""
    return [k for k, _ in table.columns if k in STATES]


def status_themes_table(model: Model, items: list[Item] | None = None) -> ChartTable:
    """Per theme, how many of ``items`` (default: all) are in each state."""
    chosen = model.items if items is None else items
    rows = [_state_row(tid, t.name, [x for x in chosen if x.theme == tid]) for tid, t in model.themes.items()]
    rows = [r for r in rows if r["total"]]
    return ChartTable(f"进展：各主题的事项按状态（截至 {model.as_of.isoformat()}）", _state_columns("主题", rows), rows)


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
    rows = [r for r in rows if r["total"]]
    return ChartTable(f"进展：{who}按角色的事项状态（截至 {model.as_of.isoformat()}）", _state_columns("角色", rows), rows)


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
    legend = [(state_colour(s), STATES[s][0]) for s in table_states(table)]
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
                svg.text(x + w / 2, y + 15, n, size=11, anchor="middle", fill=state_ink())
            x += w
        svg.text(x + 6, y + 15, r["total"], size=12, weight="bold")
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
    legend = [(state_colour(s), STATES[s][0]) for s in table_states(table)]
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
                svg.text(x + w / 2, y + 18 + bar_h / 2 + 4, n, size=NFS, anchor="middle", fill=state_ink())
            x += w
        svg.add("</g>")
    return svg.render()


