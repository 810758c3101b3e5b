"""mkdocs-macros glue for the hand-written pages in docs/. Kept thin.

Hand-written pages never print data strings themselves: they call ``partial(...)``,
which renders a template of ``templates/partials/`` with the escaping environment,
or ``count(...)`` for numbers.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from markupsafe import Markup  # noqa: E402

from shandong import charts, prebuild, render  # noqa: E402
from shandong.prebuild import model as get_model  # noqa: E402  the build's model (its worker checks it)


def define_env(env):
    @env.macro
    def count(what: str) -> int:
        m = get_model()
        return {
            "tasks": len(m.tasks),
            "measures": len(m.measures),
            "agencies": len(m.agencies),
            "themes": len(m.themes),
            "targets": len(m.targets),
            "sections": len(m.sections),
        }[what]

    @env.macro
    def partial(template: str, **kwargs) -> Markup:
        here = env.page.file.src_uri if env.page else "index.md"
        return Markup(render.render(f"partials/{template}.md.j2", page_path=here, m=get_model(), **kwargs))

    @env.macro
    def chart(name: str) -> Markup:
        """An SVG chart of ``charts.CHARTS`` with the table of its numbers beside it."""
        model = get_model()
        title, svg, table = charts.CHARTS[name]
        return partial("chart", name=name, title=title, svg=Markup(svg(model).replace("\n\n", "\n")),
                       svg_narrow=Markup(charts.NARROW_CHARTS[name](model).replace("\n\n", "\n")), table=table(model))

    @env.macro
    def downloads() -> Markup:
        meta = prebuild.current().downloads()
        return partial("downloads", files=meta["downloads"], as_of=meta["as_of"])
