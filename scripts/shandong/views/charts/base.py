"""What every chart shares: the SVG writer, fonts, colours, text widths, legends, the table behind a chart."""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from html import escape as _escape

from ...data.model import ROLE_ITEM_KIND, ROLE_NAMES, ROLE_ORDER

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
# Colours are CSS custom properties (docs/assets/site.css: light and dark schemes) with these fallbacks, the
# light scheme's. A number drawn on a coloured shape takes that shape's ink (--chart-ink for the series,
# --chart-heat-ink-N for a heat step): white on the light scheme's dark colours, near-black on the dark
# scheme's light ones; contrast >= 4.5:1 in both (tests/test_chart_colours.py).
PALETTE = ["#3f6ec6", "#b0561c", "#237a4f", "#8549b8", "#5d6978"]  # fallbacks of --chart-1 … --chart-5
INK = "#ffffff"  # fallback of --chart-ink
# the heat map's and the matrix's five steps, fewest to most: fallbacks of --chart-heat-1 … 5 and of their inks
HEAT_STEPS = ["#dbe6f8", "#a9c3ee", "#6f95db", "#2f5cb0", "#1c3c7c"]
HEAT_INKS = ["#111318", "#111318", "#111318", "#ffffff", "#ffffff"]
FS = 13  # base font size, px
# role -> its label in a legend: the role, and the kind of item it is a role on
ROLE_LABELS = {r: f"{ROLE_NAMES[r][0]}（{'任务分工' if ROLE_ITEM_KIND[r] == 'task' else '措施'}）" for r in ROLE_ORDER}
# chart -> its title: the SVG's <title> and the figure's caption
TITLES = {
    "theme-roles": "各主题的任务、措施与分工角色",
    "deadlines": "任务与措施的期限分布",
    "heatmap": "单位 × 主题：承担的任务与措施数",
    "collaboration": "谁与谁共同承担任务：单位合作矩阵",
}


def theme_units_title(theme_name: str) -> str:
    return f"{theme_name}：主要责任单位"
DEADLINE_LABELS = {  # the legend says which kind of item each deadline kind belongs to
    "year-end": "措施：年底前完成", "plan-year": "措施：方案年度内（未写时限）",
    "complete": "任务：N年完成", "basic": "任务：N年基本完成", "ongoing": "任务：持续推进",
}


def esc(text: object) -> str:
    """Text or attribute value, XML-escaped (& < > " ')."""
    return _escape(str(text), quote=True)


def colour(i: int) -> str:
    return f"var(--chart-{i + 1}, {PALETTE[i % len(PALETTE)]})"


def ink() -> str:
    """The colour of a number drawn on a series colour (``colour``)."""
    return f"var(--chart-ink, {INK})"


def heat_step(n: int, vmax: int) -> int:
    """The heat step (1 … 5) of a count ``n`` > 0 out of ``vmax``: square-root scale, so that small counts still show."""
    return min(len(HEAT_STEPS), max(1, math.ceil(len(HEAT_STEPS) * (n / vmax) ** 0.5)))


def heat_fill(step: int) -> str:
    return f"var(--chart-heat-{step}, {HEAT_STEPS[step - 1]})"


def heat_ink(step: int) -> str:
    """The colour of a number drawn on heat step ``step``."""
    return f"var(--chart-heat-ink-{step}, {HEAT_INKS[step - 1]})"


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
            svg.text(x + w / 2, label_y, n, size=11, anchor="middle", fill=ink())
        x += w
    return x



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


