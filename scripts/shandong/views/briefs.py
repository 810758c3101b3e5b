"""Per-agency briefs for print, as HTML: one standalone page per unit (``briefs/<id>.html``), and the
contents page of the bound volume ``all.pdf``. The PDFs are made from this HTML by ``outputs.pdf``.

Page 1 of every brief: the unit, ``截至 <date>`` (the dataset's reviewed date, ``Model.as_of``)
with the print date, and a summary table of all its items (id as on the website, short title, role,
deadline, state); then the details, each with its progress. No address is printed unless the
site's public address is known (``SITE_URL`` other than the placeholder of mkdocs.yml).

What ``model.py`` does not provide is computed here: per-role counts, "listed first" in the task
division, the earliest deadlines, and co-units grouped by role. The date the data last changed
(``last_changed``, from git; "" without history) is given by the caller.
"""
from __future__ import annotations

from collections import OrderedDict
from datetime import date

import jinja2

from ..config import TEMPLATES as ALL_TEMPLATES
from ..config import public_url
from ..data.model import ROLE_NAMES, ROLE_ORDER, STATES, Agency, Item, Model

TEMPLATES = ALL_TEMPLATES / "brief"
TEMPLATE = "brief.html.j2"
CSS = "brief.css"
# role -> (heading, the document: "plan" for the task division, "action" for the 2020 action plan)
ROLE_HEADINGS = {
    "lead": ("牵头的措施", "action"),
    "support": ("配合的措施", "action"),
    "responsible": ("按职责分工负责的措施", "action"),
    "task": ("列为责任单位的重点任务", "plan"),
}
NEAREST = 3  # how many of the earliest deadlines the summary lists


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
        document = model.documents[document]["title"]
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


def _dates(model: Model, changed: str, printed: date | None) -> dict:
    """The dates page 1 prints: the dataset's reviewed date (data), who reviewed it, the last
    change (git; "" without history) and the print date."""
    return {"as_of": model.as_of.isoformat(), "reviewed_by": model.reviewed_by, "changed": changed,
            "printed": (printed or date.today()).isoformat()}


def render_html(model: Model, aid: str, site_url: str = "", changed: str = "",
                css_href: str = CSS, env: jinja2.Environment | None = None, printed: date | None = None) -> str:
    """The standalone HTML of one unit's brief. ``changed``: the date the data last changed ("" for none)."""
    b = brief_context(model, aid, site_url)
    a = b["agency"]
    title = f"{a.name}（{a.short}）· 数字山东任务简报" if a.short != a.name else f"{a.name} · 数字山东任务简报"
    return (env or environment()).get_template(TEMPLATE).render(
        briefs=[b], combined=False, title=title, css_href=css_href, url=b["url"], **_dates(model, changed, printed))


def contents_html(model: Model, site_url: str, changed: str, start_pages: dict[str, int],
                  env: jinja2.Environment | None = None) -> str:
    """The contents page(s) of all.pdf alone: every unit with the page of the file its brief starts on.
    ``changed``: the date the data last changed (git), as on the briefs."""
    briefs = [{**brief_context(model, aid, site_url), "start_page": start_pages[aid]} for aid in model.agencies]
    url = brief_url(site_url, "all").removesuffix(".html") + ".pdf" if public_url(site_url) else ""
    return (env or environment()).get_template(TEMPLATE).render(
        briefs=briefs, combined=True, contents_only=True, title="数字山东 · 各单位任务简报", css_href=CSS, url=url,
        **_dates(model, changed, None))


def files(model: Model, site_url: str = "", changed: str = "") -> dict[str, bytes]:
    """The briefs' HTML, by file name (``brief.css`` and ``<id>.html`` for every unit), as the site holds them
    in ``briefs/``. ``changed``: the date the data last changed (git), "" without history."""
    env = environment()
    out = {CSS: (TEMPLATES / CSS).read_bytes()}
    for aid in model.agencies:
        out[f"{aid}.html"] = render_html(model, aid, site_url, changed, env=env).encode("utf-8")
    return out
