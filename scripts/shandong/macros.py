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

from shandong import render  # noqa: E402
from shandong.site import get_model  # noqa: E402


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
    def partial(name: str, **kwargs) -> Markup:
        here = env.page.file.src_uri if env.page else "index.md"
        return Markup(render.render(f"partials/{name}.md.j2", page_path=here, m=get_model(), **kwargs))
