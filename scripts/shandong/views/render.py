"""Render pages from the model with the Jinja templates in ``templates/``. Engine-independent.

Every string that comes from the data is escaped for HTML *and* for Markdown by the
environment's ``finalize`` hook: ``<``, ``&``, quotes and the characters Markdown or
Jinja could act on (`` * _ [ ] ( ) { } # | ` \\ ! ~ ``) become character references,
which read the same in Markdown text, in tables and inside raw HTML. Only values the
templates build themselves (``Markup``) pass through unchanged.
"""
from __future__ import annotations

import html
import posixpath
import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from ..config import TEMPLATES, Repo, template_cache
from ..data.model import DEADLINE_KINDS, KIND_NAMES, ROLE_NAMES, STATES, STATUSES
from . import charts, tables

_MD_SPECIALS = {c: f"&#{ord(c)};" for c in "\\`*_[](){}#|!~<>&\"'$:"}
_MD_TABLE = str.maketrans(_MD_SPECIALS)
_LINE_START = re.compile(r"^([+=?-]|\d+\.)")  # list markers, setext underlines, ??? (details) at a line start


def esc(value) -> Markup:
    """Escape text for HTML and Markdown at once (see module docstring)."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    out = text.translate(_MD_TABLE)
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
    # A link to a task or measure is a tap target of its own (site.css: .ds-item, at least 24 px high).
    item = target.startswith(("tasks/", "measures/"))
    return Markup(f"[{esc(label)}]({rel})" + ("{: .ds-item }" if item else ""))


SUMMARY = 100  # characters of a text in a page's description


def summary_of(text: str, limit: int = SUMMARY) -> str:
    """The opening of a text for a page's description: whole sentences up to ``limit`` characters,
    else its first ``limit`` characters and an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text.rfind("。", 0, limit)
    return text[:cut + 1] if cut >= limit // 3 else text[:limit - 1] + "…"


def agency_description(model, agency) -> str:
    """An agency page's description: what the unit has, role by role."""
    parts = [f"{'列为责任单位的重点任务' if r == 'task' else ROLE_NAMES[r][0] + '的措施'} {model.agency_count(agency.id, r)} 项"
             for r in ROLE_NAMES if model.agency_count(agency.id, r)]
    if not parts:
        return f"{agency.name}：两份文件均未给本单位分配任务。"
    return f"{agency.name}在数字山东两份文件中承担的事项：" + "、".join(parts) + "。"


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
        bytecode_cache=template_cache("pages"),
    )
    env.filters["esc"] = esc
    # Front-matter values that the theme prints into <title> and <meta content="…"> as they are: HTML-escaped here.
    env.filters["html"] = lambda value: html.escape(str(value), quote=True)
    env.filters["link"] = _link
    env.globals["source_links"] = source_links
    env.globals["index_skip"] = index_skip
    env.globals["summary_of"] = summary_of
    env.globals["agency_description"] = agency_description
    env.globals.update(ROLE_NAMES=ROLE_NAMES, KIND_NAMES=KIND_NAMES, DEADLINE_KINDS=DEADLINE_KINDS,
                       STATES=STATES, STATUSES=STATUSES, status_chart=charts.status_chart)
    env.globals.update(tables.GLOBALS)  # row attributes and choices of the table filters
    return env


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


# {% call index_skip() %}…{% endcall %}: a part of a page that the search index leaves out anyway (a chart, a
# long table, a form: views.search.SKIP_TAGS). The page shows it; the text the index converts from Markdown
# does not hold it, which spares converting ~0.5 MB of tables and SVG there. HTML comments, so that no data
# can write one (esc() turns "<" and "!" into references).
INDEX_SKIP = ("<!-- ds:index-skip -->", "<!-- ds:/index-skip -->")


def index_skip(caller) -> Markup:
    return Markup(f"{INDEX_SKIP[0]}{caller()}{INDEX_SKIP[1]}")


def split_index_skips(text: str) -> tuple[str, str]:
    """(``text`` as the page shows it, ``text`` for the search index): without the marks, and without what
    they hold. Raises ``ValueError`` on marks that do not pair up."""
    start, end = INDEX_SKIP
    page, index, at, depth = [], [], 0, 0
    while True:
        i, j = text.find(start, at), text.find(end, at)
        nxt = min(k for k in (i, j, len(text)) if k >= 0)
        page.append(text[at:nxt])
        if depth == 0:
            index.append(text[at:nxt])
        if nxt == len(text):
            break
        depth += 1 if nxt == i else -1
        if depth < 0:
            raise ValueError(f"{end} without {start}")
        at = nxt + len(start if nxt == i else end)
    if depth:
        raise ValueError(f"{start} without {end}")
    return "".join(page), "".join(index)


def render_marked(template: str, **context) -> str:
    """A template rendered with its index marks kept (a partial, put into a page that is split later)."""
    return environment().get_template(template).render(src_path=src_path, **context)


def render(template: str, **context) -> str:
    """A generated page: its index marks removed (its search record is made from the model, not its text)."""
    return split_index_skips(render_marked(template, **context))[0]


