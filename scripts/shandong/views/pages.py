"""The site's pages as Markdown: one per agency, theme, task and measure, the briefs page (``templates/``), and the
hand-written pages of ``docs/`` with their macros expanded. Pure: the model (and a few values the
generate step knows, such as the downloads' sizes) in, text out.

Hand-written pages call four macros, in Jinja's ``{{ … }}``: ``count("tasks")`` (a number of the
model), ``partial("name", …)`` (``templates/partials/name.md.j2``), ``chart("name")`` (a chart of
``charts.CHARTS`` with its table) and ``downloads()`` (the table of download files). They never print
data strings themselves; what the partials print is escaped (``render.esc``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from markupsafe import Markup

from ..config import Repo, data_path
from ..data.model import Model
from . import briefs, charts
from .render import environment, render, render_marked, split_index_skips, src_path


@dataclass(frozen=True)
class PageContext:
    """What pages need besides the model."""

    repo: Repo | None = None  # where the "edit this record" links point; None: no such links
    pdf: bool = True  # the briefs have PDFs (the agency pages link to them)
    downloads: list[dict] = field(default_factory=list)  # the download files, as outputs.downloads describes them
    last_changed: str = ""  # the date the data last changed (git), "" without history
    brief_pdfs: dict[str, dict] = field(default_factory=dict)  # unit id or "all" -> bytes, pages of its current PDF


def theme_chart(model: Model, tid: str) -> dict:
    """What templates/partials/chart.md.j2 needs for the theme's chart of units."""
    return {"name": f"theme-units-{tid}", "title": charts.theme_units_title(model.themes[tid].name),
            "svg": Markup(charts.theme_units_svg(model, tid)), "svg_narrow": Markup(charts.theme_units_narrow_svg(model, tid)),
            "table": charts.theme_units_table(model, tid)}


def page_makers(model: Model, ctx: PageContext) -> Iterator[tuple[str, Callable[[], str]]]:
    """(source path, a function rendering that page) for every generated page, in the order of the site."""
    agencies_file = data_path("agencies")
    for agency in model.agencies.values():
        path = src_path(agency)
        yield path, lambda path=path, agency=agency: render(
            "agency.md.j2", page_path=path, m=model, a=agency, roles=model.by_agency[agency.id], repo=ctx.repo,
            record_file=agencies_file, pdf=ctx.pdf, brief_pdf_name=briefs.download_name(agency))
    for theme in model.themes.values():
        path = src_path(theme)
        yield path, lambda path=path, theme=theme: render(
            "theme.md.j2", page_path=path, m=model, t=theme, items=model.by_theme[theme.id], **theme_chart(model, theme.id))
    for item in model.items:
        path = src_path(item)
        yield path, lambda path=path, item=item: render(f"{item.kind}.md.j2", page_path=path, m=model, i=item, repo=ctx.repo)
    yield briefs.PAGE, lambda: render("briefs.md.j2", page_path=briefs.PAGE, m=model, pdf=ctx.pdf, pdfs=ctx.brief_pdfs,
                                      download_name=briefs.download_name, all_pdf=briefs.ALL_PDF,
                                      all_pdf_name=briefs.ALL_PDF_NAME, size=briefs.size_text)


def page_paths(model: Model) -> list[str]:
    """The source paths of the generated pages, in order, without rendering them."""
    return [path for path, _ in page_makers(model, PageContext())]


def pages(model: Model, ctx: PageContext) -> dict[str, str]:
    """Every generated page: source path -> Markdown. Linear in the data."""
    return {path: make() for path, make in page_makers(model, ctx)}


def macros(model: Model, ctx: PageContext, path: str) -> dict[str, Callable]:
    """The macros a hand-written page at ``path`` (relative to docs/) may call."""
    counts = {"tasks": len(model.tasks), "measures": len(model.measures), "agencies": len(model.agencies),
              "themes": len(model.themes), "targets": len(model.targets), "sections": len(model.sections)}

    def count(what: str) -> int:
        return counts[what]

    def partial(template: str, **kwargs) -> Markup:
        return Markup(render_marked(f"partials/{template}.md.j2", page_path=path, m=model, repo=ctx.repo, **kwargs))

    def chart(name: str) -> Markup:
        """An SVG chart of ``charts.CHARTS`` with the table of its numbers beside it."""
        title, svg, table = charts.CHARTS[name]
        return partial("chart", name=name, title=title, svg=Markup(svg(model)), svg_narrow=Markup(charts.NARROW_CHARTS[name](model)),
                       table=table(model))

    def downloads() -> Markup:
        return partial("downloads", files=ctx.downloads, last_changed=ctx.last_changed)

    return {"count": count, "partial": partial, "chart": chart, "downloads": downloads}


def hand_written(model: Model, ctx: PageContext, path: str, source: str) -> tuple[str, str]:
    """A page of docs/ (``path`` relative to it) with its macros expanded: (its text, its text for the
    search index, without the parts the index leaves out: ``render.index_skip``)."""
    return split_index_skips(environment().from_string(source).render(page_path=path, **macros(model, ctx, path)))
