"""Per-agency briefs for print: one standalone HTML page and one PDF per unit, plus ``all.pdf``.

    python -m shandong.briefs OUT_DIR [--site-url URL] [--jobs N]

``write_briefs`` renders every brief's HTML in this process (Jinja, autoescape on), then
hands the PDFs to ``jobs`` worker processes: each worker renders one chunk of briefs with
WeasyPrint, keeping one ``FontConfiguration`` for the life of the process. The chunks are
balanced by size, the combined ``all.pdf`` (contents page + every brief) counting as one
big piece of work.

Page 1 of every brief: the unit, ``截至 <date>`` (the dataset's reviewed date, ``Model.as_of``)
with the print date, and a summary table of all its items (id as on the website, short title, role,
deadline, state); then the details, each with its progress. No address is printed unless the
site's public address is known (``SITE_URL`` other than the placeholder of mkdocs.yml).

What ``model.py`` does not provide is computed here: the date the data last changed
(``last_changed``, from git; empty without history), per-role counts, "listed first" in the task division, the earliest
deadlines, and co-units grouped by role.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sys
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import jinja2

from . import ROOT, history
from .feeds import public_url
from .model import ROLE_NAMES, ROLE_ORDER, STATES, Agency, Item, Model

TEMPLATES = ROOT / "templates" / "brief"
TEMPLATE = "brief.html.j2"
CSS = "brief.css"
PLAN = "数字山东发展规划（2018-2022年）重点任务分工"
ACTION = "数字山东2020行动方案"
ROLE_HEADINGS = {
    "lead": ("牵头的措施", ACTION),
    "support": ("配合的措施", ACTION),
    "responsible": ("按职责分工负责的措施", ACTION),
    "task": ("列为责任单位的重点任务", PLAN),
}
NEAREST = 3  # how many of the earliest deadlines the summary lists


def last_changed(data_dir: Path | None = None) -> str:
    """Date (YYYY-MM-DD) of the last commit touching the data folder in use, or "" without git
    history (a copy of the tree without .git): the brief then shows the reviewed date only."""
    from .site import data_dir_in_use

    changed = history.last_changed(data_dir or data_dir_in_use())
    return changed.isoformat() if changed else ""


data_as_of = last_changed  # the name the artifacts cache key (site.py) and the downloads meta use


def brief_url(site_url: str, aid: str) -> str:
    """The brief's public address, or "" when the site's address is unset or the placeholder."""
    base = public_url(site_url)
    return f"{base}briefs/{aid}.html" if base else ""


SHORT = 18  # characters of an item's text in the summary table


def short_title(item: Item) -> str:
    """The item's text up to its first comma or full stop, at most ``SHORT`` characters."""
    text = "".join(item.text.split())
    cut = min((i for i in (text.find(c) for c in "，。；：") if i > 0), default=len(text))
    head = text[:cut]
    return head if len(head) <= SHORT else head[:SHORT - 1] + "…"


# ---------------------------------------------------------------------------
# What a brief says


def _where(item: Item) -> str:
    if item.kind == "task":
        return ""
    where = item.section.label
    if item.subsection:
        where += " › " + item.subsection.label
    return where


def _co_units(model: Model, item: Item, aid: str) -> list[dict]:
    """Every other unit of the item, grouped by role in the document's order."""
    out = []
    for role, ids in item.roles.items():
        others = [model.agencies[u].short for u in ids if u != aid]
        if item.kind == "task" and ids and ids[0] != aid and others:
            others[0] += "（列第一位）"
        if not others:
            continue
        note = "分别牵头" if role == "lead" and item.lead_each else ""
        out.append({"role": ROLE_NAMES[role][0], "units": others, "more": role in item.open_roles, "note": note})
    return out


def _nearest(items: list[Item]) -> tuple[list[dict], int]:
    """The earliest dated deadlines (up to ``NEAREST``), with the items due; and how many have no year."""
    groups: OrderedDict[tuple, dict] = OrderedDict()
    undated = 0
    for item in sorted(items, key=lambda x: x.deadline_sort):
        if item.deadline_year is None:
            undated += 1
            continue
        # One group per (year, kind): "2018年完成" and "2018 年完成" are the same deadline as written twice.
        g = groups.setdefault((item.deadline_year, item.deadline_kind), {"texts": [], "refs": []})
        text = "".join(item.deadline_text.split())
        if text not in g["texts"]:
            g["texts"].append(text)
        if item.title not in g["refs"]:
            g["refs"].append(item.title)
    return [{"deadline": " / ".join(g["texts"]), "refs": g["refs"]} for g in list(groups.values())[:NEAREST]], undated


def brief_context(model: Model, aid: str, site_url: str = "") -> dict:
    agency: Agency = model.agencies[aid]
    roles = model.by_agency.get(aid, {})
    groups, all_items = [], []
    for role in ROLE_ORDER:
        items = sorted(roles.get(role, []), key=lambda x: x.deadline_sort)
        if not items:
            continue
        heading, document = ROLE_HEADINGS[role]
        entries = [{"item": x, "deadline": x.deadline_text or "—", "where": _where(x),
                    "first": role == "task" and x.roles["task"][0] == aid,
                    "co_units": _co_units(model, x, aid), "short": short_title(x),
                    "role": ROLE_NAMES[role][0]} for x in items]
        groups.append({"role": role, "heading": heading, "document": f"《{document}》", "entries": entries})
        all_items += items
    counts_by_role = {role: len(roles.get(role, [])) for role in ROLE_ORDER}
    counts = [{"document": "重点任务分工" if r == "task" else "2020行动方案", "label": ROLE_NAMES[r][0],
               "n": counts_by_role[r]} for r in ROLE_ORDER]
    first_listed = [x.title for x in sorted(roles.get("task", []), key=lambda x: x.number)
                    if x.roles["task"][0] == aid]
    nearest, ongoing = _nearest(all_items)
    states = model.state_counts(all_items)  # an item in two roles of the unit counts twice, like the table
    return {"agency": agency, "url": brief_url(site_url, aid), "groups": groups, "counts": counts,
            "counts_by_role": counts_by_role, "total": sum(counts_by_role.values()),
            "first_listed": first_listed, "nearest": nearest, "ongoing": ongoing,
            "overview": [e for g in groups for e in g["entries"]],
            "states": [(k, STATES[k][0], n) for k, n in states.items() if n]}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False)
    env.globals["STATES"] = STATES
    return env


def _dates(model: Model, changed: str | None, printed: date | None) -> dict:
    """The dates page 1 prints: the dataset's reviewed date (data), who reviewed it, the last
    change (git; "" without history) and the print date."""
    return {"as_of": model.as_of.isoformat(), "reviewed_by": model.reviewed_by,
            "changed": last_changed() if changed is None else changed,
            "printed": (printed or date.today()).isoformat()}


def render_html(model: Model, aid: str, site_url: str = "", changed: str | None = None,
                css_href: str = CSS, env: jinja2.Environment | None = None, printed: date | None = None) -> str:
    """The standalone HTML of one unit's brief. ``changed``: the date the data last changed
    ("" for none; default: from git)."""
    b = brief_context(model, aid, site_url)
    a = b["agency"]
    title = f"{a.name}（{a.short}）· 数字山东任务简报" if a.short != a.name else f"{a.name} · 数字山东任务简报"
    return (env or environment()).get_template(TEMPLATE).render(
        briefs=[b], combined=False, title=title, css_href=css_href, url=b["url"], **_dates(model, changed, printed))


def render_combined_html(model: Model, site_url: str = "", changed: str | None = None,
                         css_href: str = CSS, env: jinja2.Environment | None = None,
                         printed: date | None = None) -> str:
    """Every brief in one document, after a contents page."""
    briefs = [brief_context(model, aid, site_url) for aid in model.agencies]
    url = brief_url(site_url, "all").removesuffix(".html") + ".pdf" if public_url(site_url) else ""
    return (env or environment()).get_template(TEMPLATE).render(
        briefs=briefs, combined=True, title="数字山东 · 各单位任务简报", css_href=css_href, url=url,
        **_dates(model, changed, printed))


# ---------------------------------------------------------------------------
# PDFs, in worker processes

_FONT_CONFIG = None


def _init_worker() -> None:
    """One font configuration per process, reused for every PDF the process renders."""
    global _FONT_CONFIG
    from weasyprint.text.fonts import FontConfiguration

    _FONT_CONFIG = FontConfiguration()


def _render_chunk(chunk: list[tuple[str, str, str | None, str]]) -> list[tuple[str, float, int]]:
    """Render (name, html_path, html_string or None, pdf_path) jobs; return (name, seconds, pages)."""
    from weasyprint import HTML

    if _FONT_CONFIG is None:
        _init_worker()
    done = []
    for name, html_path, html_string, pdf_path in chunk:
        t0 = time.perf_counter()
        if html_string is None:
            doc = HTML(filename=html_path).render(font_config=_FONT_CONFIG)
        else:
            doc = HTML(string=html_string, base_url=html_path).render(font_config=_FONT_CONFIG)
        doc.write_pdf(pdf_path)
        done.append((name, time.perf_counter() - t0, len(doc.pages)))
    return done


def _chunks(jobs: list[tuple[float, tuple]], n: int) -> list[list[tuple]]:
    """Longest-processing-time-first split of weighted jobs into at most ``n`` chunks."""
    bins: list[tuple[float, list]] = [(0.0, []) for _ in range(max(1, n))]
    for weight, job in sorted(jobs, key=lambda j: -j[0]):
        i = min(range(len(bins)), key=lambda k: bins[k][0])
        bins[i] = (bins[i][0] + weight, bins[i][1] + [job])
    return [b for _, b in bins if b]


def write_briefs(model: Model, out_dir: Path, site_url: str = "", jobs: int = 2, pdf: bool = True) -> dict:
    """Write ``<id>.html`` and ``<id>.pdf`` for every agency, ``brief.css`` and ``all.pdf`` into ``out_dir``
    (with ``pdf=False``, only the HTML and the CSS: no PDF stage).

    Returns ``{"files": [Path, …], "as_of": str, "jobs": int, "pages": {name: n},
    "timings": {"html": s, "pdf": {name: s}, "pdf_sum": s, "pdf_wall": s, "total": s}}``;
    ``name`` is an agency id or ``"all"``; ``pdf_sum`` adds the PDFs' own times,
    ``pdf_wall`` is the elapsed time of the parallel PDF stage.
    """
    t_start = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_of = data_as_of()
    env = environment()
    files: list[Path] = []

    css = out_dir / CSS
    shutil.copyfile(TEMPLATES / CSS, css)
    files.append(css)
    work: list[tuple[float, tuple]] = []
    for aid in model.agencies:
        html = out_dir / f"{aid}.html"
        html.write_text(render_html(model, aid, site_url, as_of, env=env), encoding="utf-8")
        files.append(html)
        # Estimated seconds (measured: ~0.15 s per document + ~0.015 s per item).
        work.append((0.15 + 0.015 * model.agency_total(aid), (aid, str(html), None, str(out_dir / f"{aid}.pdf"))))
    combined = render_combined_html(model, site_url, as_of, env=env) if pdf else ""
    n_items = sum(model.agency_total(aid) for aid in model.agencies)  # the combined PDF: ~0.025 s per item
    work.append((0.3 + 0.025 * n_items, ("all", str(out_dir / "all.html"), combined, str(out_dir / "all.pdf"))))
    t_html = time.perf_counter() - t_start

    t0 = time.perf_counter()
    chunks = _chunks(work, jobs) if pdf else []
    if not chunks:
        results = []
    elif jobs <= 1:
        results = [r for c in chunks for r in _render_chunk(c)]
    else:
        # spawn: no fork of a possibly multi-threaded parent (pytest, Playwright); fresh fontconfig per worker.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=len(chunks), mp_context=ctx, initializer=_init_worker) as pool:
            results = [r for rs in pool.map(_render_chunk, chunks) for r in rs]
    pdf_wall = time.perf_counter() - t0

    order = {aid: i for i, aid in enumerate([*model.agencies, "all"])}
    results.sort(key=lambda r: order[r[0]])
    files += [out_dir / f"{name}.pdf" for name, _, _ in results]
    pdf_s = {name: round(s, 3) for name, s, _ in results}
    return {
        "files": files,
        "as_of": as_of,
        "jobs": jobs,
        "pages": {name: n for name, _, n in results},
        "timings": {"html": round(t_html, 3), "pdf": pdf_s, "pdf_sum": round(sum(pdf_s.values()), 3),
                    "pdf_wall": round(pdf_wall, 3), "total": round(time.perf_counter() - t_start, 3)},
    }


def main(argv: list[str] | None = None) -> int:
    from .check import load_checked

    p = argparse.ArgumentParser(prog="python -m shandong.briefs", description=__doc__.splitlines()[0])
    p.add_argument("out_dir", type=Path)
    p.add_argument("--site-url", default="")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = p.parse_args(argv)
    result = write_briefs(load_checked(), args.out_dir, args.site_url, args.jobs)
    if args.json:
        print(json.dumps({**result, "files": [str(f) for f in result["files"]]}, ensure_ascii=False, indent=1))
        return 0
    t = result["timings"]
    per = {k: v for k, v in t["pdf"].items() if k != "all"}
    print(f"{len(result['files'])} files in {args.out_dir} (data as of {result['as_of']}, {args.jobs} jobs)")
    print(f"html {t['html']:.2f}s; {len(per)} unit PDFs: mean {sum(per.values()) / len(per):.2f}s, "
          f"max {max(per.values()):.2f}s ({max(per, key=per.get)}), sum {sum(per.values()):.2f}s; "
          f"all.pdf {t['pdf']['all']:.2f}s ({result['pages']['all']} pages); "
          f"PDF stage {t['pdf_wall']:.2f}s wall; total {t['total']:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
