"""Charts of the model as plain SVG strings: no JavaScript, no chart library.

Each chart has two functions, ``<name>_svg(model, ...) -> str`` and ``<name>_table(model, ...) -> ChartTable``
(the numbers behind it, for a table beside the chart; templates/partials/chart.md.j2 renders it). ``CHARTS`` lists
them, ``NARROW_CHARTS`` their phone layouts (``NARROW`` px wide, no text under ``NFS`` px).

Every SVG: ``role="img"`` and ``aria-labelledby`` pointing at its ``<title>`` and ``<desc>``; numbers
shown as text and also carried in ``data-*`` attributes; colours are CSS custom properties with
fallbacks (``--chart-1`` … ``--chart-5``, ``--chart-heat-1`` … ``5``, ``--state-*``), text is
``currentColor`` and a number drawn on a coloured shape takes that colour's ink (``--chart-ink``,
``--chart-heat-ink-N``, ``--state-ink``), so the page's palette (light or dark) applies when the SVG
is inlined, with contrast >= 4.5:1 in both (tests/test_chart_colours.py); every text from the data is
XML-escaped. Text is ``FS`` (13) px at most, 11 px at least; its width is estimated by ``text_width``
(CJK = 1 em, other characters 0.58 em).
"""
from __future__ import annotations

from collections.abc import Callable

from ...data.model import Model
from .base import FONT, FS, HEAT_STEPS, NARROW, NFS, PALETTE, TITLES, ChartTable, colour, esc, text_width, theme_units_title
from .overview import (
                    deadlines_narrow_svg,
                    deadlines_svg,
                    deadlines_table,
                    theme_roles_narrow_svg,
                    theme_roles_svg,
                    theme_roles_table,
)
from .status import (
                    STATE_COLOURS,
                    state_colour,
                    status_chart,
                    status_narrow_svg,
                    status_roles_table,
                    status_svg,
                    status_themes_table,
)
from .units import (
                    agencies_by_load,
                    collaboration_narrow_svg,
                    collaboration_svg,
                    collaboration_table,
                    heatmap_narrow_svg,
                    heatmap_svg,
                    heatmap_table,
                    strongest_pairs,
                    theme_units_narrow_svg,
                    theme_units_svg,
                    theme_units_table,
)

__all__ = ["TITLES", "theme_units_title", "CHARTS", "FONT", "FS", "NARROW", "NARROW_CHARTS", "NFS", "PALETTE", "HEAT_STEPS", "STATE_COLOURS", "ChartTable",
           "agencies_by_load", "colour", "collaboration_narrow_svg", "collaboration_svg", "collaboration_table",
           "deadlines_narrow_svg", "deadlines_svg", "deadlines_table", "esc", "heatmap_narrow_svg", "heatmap_svg",
           "heatmap_table", "state_colour", "status_chart", "status_narrow_svg", "status_roles_table", "status_svg",
           "status_themes_table", "strongest_pairs", "text_width", "theme_roles_narrow_svg", "theme_roles_svg",
           "theme_roles_table", "theme_units_narrow_svg", "theme_units_svg", "theme_units_table"]

# name -> (title, svg function, table function); each function takes the model only
CHARTS: dict[str, tuple[str, Callable[[Model], str], Callable[[Model], ChartTable]]] = {
    "theme-roles": (TITLES["theme-roles"], theme_roles_svg, theme_roles_table),
    "deadlines": (TITLES["deadlines"], deadlines_svg, deadlines_table),
    "heatmap": (TITLES["heatmap"], heatmap_svg, heatmap_table),
    "collaboration": (TITLES["collaboration"], collaboration_svg, collaboration_table),
}
# name -> the chart's phone layout (same numbers, NARROW wide)
NARROW_CHARTS: dict[str, Callable[[Model], str]] = {
    "theme-roles": theme_roles_narrow_svg,
    "deadlines": deadlines_narrow_svg,
    "heatmap": heatmap_narrow_svg,
    "collaboration": collaboration_narrow_svg,
}
