"""Render pages from the model with the Jinja templates in ``templates/``. Engine-independent.

Every string that comes from the data is escaped for HTML *and* for Markdown by the
environment's ``finalize`` hook: ``<``, ``&``, quotes and the characters Markdown or
Jinja could act on (`` * _ [ ] ( ) { } # | ` \\ ! ~ ``) become character references,
which read the same in Markdown text, in tables and inside raw HTML. Only values the
templates build themselves (``Markup``) pass through unchanged.
"""
from __future__ import annotations

import hashlib
import html
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from . import ROOT, search_keys, tables
from .model import DEADLINE_KINDS, KIND_NAMES, ROLE_NAMES, STATES, STATUSES, Model
from .site import briefs_pdf

TEMPLATES = ROOT / "templates"
AGENCIES_FILE = "data/agencies.yaml"  # as the repository names it (Item.file names the others)
_MD_SPECIALS = {c: f"&#{ord(c)};" for c in "\\`*_[](){}#|!~<>&\"'$:"}
_LINE_START = re.compile(r"^([+=?-]|\d+\.)")  # list markers, setext underlines, ??? (details) at a line start


def esc(value) -> Markup:
    """Escape text for HTML and Markdown at once (see module docstring)."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    out = "".join(_MD_SPECIALS.get(c, c) for c in text)
    out = _LINE_START.sub(lambda m: m[0][:-1] + f"&#{ord(m[0][-1])};", out)
    return Markup(out.replace("\n", " ").replace("\r", " "))


def _finalize(value):
    if value is None:
        return ""
    return esc(value)


@cache
def _relative(target: str, start: str) -> str:
    """``posixpath.relpath``, memoised: it calls os.getcwd() twice, and the pages hold a link per
    co-unit of every item (the few page folders and the pages make a small, linear cache)."""
    return posixpath.relpath(target, start)


@pass_context
def _link(ctx, target: str, label) -> Markup:
    """A Markdown link from the current page to another page's source path."""
    here = ctx.get("page_path", "index.md")
    rel = _relative(target, posixpath.dirname(here) or ".")
    return Markup(f"[{esc(label)}]({rel})")


@cache
def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=False,  # finalize escapes every output; see esc()
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["esc"] = esc
    env.filters["link"] = _link
    env.globals["source_links"] = source_links
    env.globals.update(ROLE_NAMES=ROLE_NAMES, KIND_NAMES=KIND_NAMES, DEADLINE_KINDS=DEADLINE_KINDS,
                       agency_keys=search_keys.agency_keys, item_keys=search_keys.item_keys,
                       briefs_pdf=briefs_pdf,  # SHANDONG_BRIEFS=0: no PDFs, no PDF links
                       STATES=STATES, STATUSES=STATUSES, status_chart=_status_chart, svg_slot=svg_slot)
    env.globals.update(tables.GLOBALS)  # row attributes and choices of the table filters
    return env


# Charts are SVG the site draws itself, not Markdown: a page's Markdown holds a slot in each chart's place,
# and the SVG goes into the page's HTML after the Markdown conversion and after the search index has read
# the page (``fill_svgs``, the hook's on_post_page). So neither Markdown, MkDocs nor the search plugin
# parses the charts' elements (a fifth of the build's time), and chart labels do not turn up as search
# results (the figure caption and the data table beside each chart still do).
SVG_SLOT = '<span data-ds-svg="{}"></span>'
_SLOT_START, _SLOT_END = SVG_SLOT.split("{}")
_svgs: dict[str, str] = {}  # the SVGs of the slots rendered in this process since the last take_svgs()


def svg_slot(svg) -> Markup:
    """The slot of one chart's SVG (see above). The slot names the SVG by a digest of it; data text
    cannot forge one, since every ``<`` of the data is escaped (``esc``)."""
    text = str(svg)
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()
    _svgs[key] = text
    return Markup(SVG_SLOT.format(key))


def take_svgs() -> dict[str, str]:
    """The SVGs of the slots rendered since the last call, by key (and forget them)."""
    out = dict(_svgs)
    _svgs.clear()
    return out


def fill_svgs(text: str, svgs: dict[str, str]) -> str:
    """``text`` with each slot replaced by its SVG (a KeyError names a slot whose SVG is unknown)."""
    out, at = [], 0
    while (start := text.find(_SLOT_START, at)) >= 0:
        end = text.index(_SLOT_END, start)
        out += [text[at:start], svgs[text[start + len(_SLOT_START):end]]]
        at = end + len(_SLOT_END)
    return "".join(out) + text[at:] if out else text


def _status_chart(*args, **kwargs) -> dict:
    from . import charts  # charts imports nothing from here; imported when a page needs it

    return charts.status_chart(*args, **kwargs)


@dataclass(frozen=True)
class Repo:
    """The repository host where editors change the data (``extra.repository`` in mkdocs.yml)."""

    url: str  # e.g. https://github.com/owner/name
    branch: str = "main"

    def view(self, file: str, line: int | None = None) -> str:
        return f"{self.url.rstrip('/')}/blob/{self.branch}/{file}" + (f"#L{line}" if line else "")

    def edit(self, file: str) -> str:
        return f"{self.url.rstrip('/')}/edit/{self.branch}/{file}"


def source_links(repo: Repo | None, file: str, line: int) -> Markup:
    """"Edit this" for a record: the file at its line (the host's file view highlights it) and
    the host's editor for the file (which opens at the top: GitHub's editor cannot jump to a line)."""
    if repo is None:
        return Markup("")
    e = html.escape
    return Markup(
        f'<p class="ds-edit" data-search-exclude>本页内容来自 <code>{e(file)}</code> 第 {line} 行：'
        f'<a class="ds-edit-view" href="{e(repo.view(file, line))}">在代码仓库中查看这条记录</a> · '
        f'<a class="ds-edit-edit" href="{e(repo.edit(file))}">编辑此记录</a>'
        f'（编辑器从文件开头打开，请找到第 {line} 行；'
        f'<a href="{e(repo.view("CONTRIBUTING.md"))}">修改方法</a>）</p>')


def src_path(obj) -> str:
    """The Markdown source path of an entity's page (agency, theme or item)."""
    return obj.url.rstrip("/") + ".md"


def render(template: str, **context) -> str:
    return environment().get_template(template).render(src_path=src_path, **context)


def theme_chart(model: Model, tid: str) -> dict:
    """What templates/partials/chart.md.j2 needs for the theme's chart of units."""
    from . import charts

    return {"name": f"theme-units-{tid}", "title": f"{model.themes[tid].name}：主要责任单位",
            "svg": Markup(charts.theme_units_svg(model, tid)), "svg_narrow": Markup(charts.theme_units_narrow_svg(model, tid)),
            "table": charts.theme_units_table(model, tid)}


def page_makers(model: Model, repo: Repo | None):
    """(source path, a function rendering that page) for every generated page, in the order of the site."""
    for agency in model.agencies.values():
        path = src_path(agency)
        yield path, lambda path=path, agency=agency: render(
            "agency.md.j2", page_path=path, m=model, a=agency, roles=model.by_agency[agency.id], repo=repo,
            record_file=AGENCIES_FILE)
    for theme in model.themes.values():
        path = src_path(theme)
        yield path, lambda path=path, theme=theme: render(
            "theme.md.j2", page_path=path, m=model, t=theme, items=model.by_theme[theme.id], **theme_chart(model, theme.id))
    for item in model.items:
        path = src_path(item)
        yield path, lambda path=path, item=item: render(f"{item.kind}.md.j2", page_path=path, m=model, i=item, repo=repo)


def page_paths(model: Model) -> list[str]:
    """The source paths of the generated pages, in order, without rendering them."""
    return [path for path, _ in page_makers(model, None)]


def pages(model: Model, repo: Repo | None = None) -> dict[str, str]:
    """Every generated page: source path -> Markdown. Linear in the data.
    With ``repo``, task, measure and agency pages link to their record in the repository."""
    return {path: make() for path, make in page_makers(model, repo)}
