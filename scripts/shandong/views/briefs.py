"""Per-agency briefs for print, as HTML: one standalone page per unit (``briefs/<id>.html``), and the
contents page of the bound volume ``all.pdf``. The PDFs are made from this HTML by ``outputs.pdf``.

Page 1 of every brief is what a director reads in a minute: the unit, three counts to act on (items it
leads, items past their deadline and the earliest year, ongoing items), the progress state once (a
count, not a column), then every item by role with its short title, grouped by deadline year. The
dates: ``数据截至`` (the dataset's reviewed date, ``Model.as_of``) and ``生成日期`` (the day the file
was made). The brief's address and a QR code of it are printed only when the site's public address is
known (``SITE_URL`` other than a placeholder). The details follow from page 2.

On screen the brief has a small toolbar (back to the unit's page, the PDF, print), hidden in print.

What ``model.py`` does not provide is computed here: "leads" (the action plan's 牵头 and the task
division's unit listed first), overdue and ongoing counts, and co-units grouped by role. The date the
data last changed (``last_changed``, from git; "" without history) is given by the caller.
"""
from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from datetime import date
from functools import cache

import jinja2
from markupsafe import Markup

from ..config import TEMPLATES as ALL_TEMPLATES
from ..config import public_url, template_cache
from ..data.model import ROLE_ITEM_KIND, ROLE_NAMES, ROLE_ORDER, STATES, STATUSES, Agency, Item, Model
from .charts import STATE_COLOURS

TEMPLATES = ALL_TEMPLATES / "brief"
TEMPLATE = "brief.html.j2"
CSS = "brief.css"
# role -> (heading, the document: "plan" for the task division, "action" for the 2020 action plan)
ROLE_HEADINGS = {r: ("列为责任单位的重点任务", "plan") if ROLE_ITEM_KIND[r] == "task" else (f"{ROLE_NAMES[r][0]}的措施", "action")
                 for r in ROLE_ORDER}
# Page 1's groups: the unit leads an item when the action plan names it 牵头 or the task division lists it
# first (by the documents' convention the lead unit); the other roles as the documents name them.
FRONT_GROUPS = {
    "leads": "牵头",
    "support": ROLE_NAMES["support"][0],
    "responsible": ROLE_NAMES["responsible"][0],
    "task": "列为责任单位（重点任务，未列第一位）",
}
PAGE = "briefs/index.md"  # the briefs page of the site: every unit's brief, the bound volume
ALL_PDF = "all.pdf"
ALL_PDF_NAME = "数字山东各单位任务简报合订本.pdf"  # the bound volume's file name when downloaded


def brief_url(site_url: str, aid: str) -> str:
    """The brief's public address, or "" when the site's address is unset or the placeholder."""
    base = public_url(site_url)
    return f"{base}briefs/{aid}.html" if base else ""


def size_text(n: int) -> str:
    """A file's size as the briefs page prints it: ``215 KB``, ``1.4 MB`` (1 KB = 1024 bytes)."""
    return f"{max(1, round(n / 1024))} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def download_name(agency: Agency) -> str:
    """The file name a unit's PDF is saved under: ``山东省大数据局任务简报.pdf``."""
    return re.sub(r'[\\/:*?"<>|\s]', "", agency.name) + "任务简报.pdf"


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


def leads(item: Item, aid: str) -> bool:
    """The unit leads the item: 牵头 in the action plan, or listed first in the task division."""
    return aid in item.roles.get("lead", []) or item.roles.get("task", [None])[0] == aid


def overdue(item: Item) -> bool:
    """Past its deadline year and not reported completed or cancelled."""
    return item.deadline_passed and not (item.current and item.current.status in ("completed", "cancelled"))


def _by_deadline(items: list[Item]) -> list[dict]:
    """Items grouped by deadline year (earliest first), the ongoing ones last: page 1's rows."""
    rows: OrderedDict[int | None, dict] = OrderedDict()
    for item in sorted(items, key=lambda x: x.deadline_sort):
        year = item.deadline_year
        row = rows.setdefault(year, {"year": year, "label": f"{year} 年" if year else "持续推进",
                                     "passed": item.deadline_passed, "entries": []})
        row["entries"].append(item)
    return list(rows.values())


def front_page(model: Model, aid: str) -> dict:
    """Page 1: the three counts a director acts on, the progress state once, the items by role."""
    roles = model.by_agency.get(aid, {})
    items = [x for role in ROLE_ORDER for x in roles.get(role, [])]  # each item once: one role per unit
    led = [x for x in items if leads(x, aid)]
    late = [x for x in items if overdue(x)]
    ongoing = [x for x in items if x.deadline_kind == "ongoing"]
    groups = {"leads": led, "support": roles.get("support", []), "responsible": roles.get("responsible", []),
              "task": [x for x in roles.get("task", []) if not leads(x, aid)]}
    statuses = OrderedDict((k, 0) for k in STATUSES)
    for x in items:
        if x.current:
            statuses[x.current.status] += 1
    reported = sum(statuses.values())
    return {
        "total": len(items),
        "leads": {"n": len(led), "measures": sum(1 for x in led if x.kind == "measure"),
                  "tasks": sum(1 for x in led if x.kind == "task"), "others": len(items) - len(led)},
        "overdue": {"n": len(late), "earliest": min((x.deadline_year for x in late), default=None),
                    "led": sum(1 for x in late if leads(x, aid))},
        "ongoing": len(ongoing),
        # the state once: every item alike ("all": a status key, or "" for no report), else the counts
        "reported": [(k, STATUSES[k][0], n) for k, n in statuses.items() if n],
        "unreported": len(items) - reported,
        "all_same": ("" if not reported else next((k for k, n in statuses.items() if n == len(items)), None)),
        "groups": [{"key": k, "label": FRONT_GROUPS[k], "n": len(xs), "rows": _by_deadline(xs)}
                   for k, xs in groups.items() if xs],
    }


def brief_context(model: Model, aid: str, site_url: str = "") -> dict:
    agency: Agency = model.agencies[aid]
    roles = model.by_agency.get(aid, {})
    groups = []
    for role in ROLE_ORDER:
        items = sorted(roles.get(role, []), key=lambda x: x.deadline_sort)
        if not items:
            continue
        heading, document = ROLE_HEADINGS[role]
        document = model.documents[document]["title"]
        entries = [{"item": x, "deadline": x.deadline_text or "—", "where": _where(x),
                    "first": role == "task" and x.roles["task"][0] == aid,
                    "co_units": _co_units(model, x, aid), "short": x.short_title,
                    "role": ROLE_NAMES[role][0]} for x in items]
        groups.append({"role": role, "heading": heading, "document": f"《{document}》", "entries": entries})
    counts_by_role = {role: len(roles.get(role, [])) for role in ROLE_ORDER}
    url = brief_url(site_url, aid)
    return {"agency": agency, "url": url, "qr": qr_svg(url), "groups": groups, "front": front_page(model, aid),
            "counts_by_role": counts_by_role, "total": sum(counts_by_role.values()),
            "download": download_name(agency)}


def qr_svg(url: str) -> Markup:
    """A QR code of ``url`` as inline SVG (segno; no image file, no network), or "" without an address."""
    if not url:
        return Markup("")
    import segno

    svg = segno.make(url, error="m", micro=False).svg_inline(scale=1, border=2, title="本简报网页版的地址", svgclass="qr")
    return Markup(svg)


@cache
def environment() -> jinja2.Environment:
    """The briefs' Jinja environment, made once per process (make serve regenerates in one process; the
    loader still notices an edited template)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                             bytecode_cache=template_cache("briefs"))
    env.globals["STATES"] = STATES
    return env


def _dates(model: Model, changed: str, generated: date | None) -> dict:
    """The dates page 1 prints: the dataset's reviewed date (data), who reviewed it, the last change
    (git; "" without history) and the day the file was generated."""
    return {"as_of": model.as_of.isoformat(), "reviewed_by": model.reviewed_by, "changed": changed,
            "generated": (generated or date.today()).isoformat()}


def render_html(model: Model, aid: str, site_url: str = "", changed: str = "", css_href: str = CSS,
                env: jinja2.Environment | None = None, generated: date | None = None, pdf: bool = True) -> str:
    """The standalone HTML of one unit's brief. ``changed``: the date the data last changed ("" for none);
    ``pdf``: the site has the brief's PDF (the toolbar links to it)."""
    b = brief_context(model, aid, site_url)
    a = b["agency"]
    title = f"{a.name}（{a.short}）· 数字山东任务简报" if a.short != a.name else f"{a.name} · 数字山东任务简报"
    return (env or environment()).get_template(TEMPLATE).render(
        briefs=[b], combined=False, title=title, css_href=css_href, url=b["url"], pdf=pdf,
        **_dates(model, changed, generated))


def contents_html(model: Model, site_url: str, changed: str, start_pages: dict[str, int],
                  env: jinja2.Environment | None = None) -> str:
    """The contents page(s) of all.pdf alone: every unit with the page of the file its brief starts on.
    ``changed``: the date the data last changed (git), as on the briefs."""
    briefs = [{"agency": a, "total": model.agency_total(aid), "start_page": start_pages[aid]}
              for aid, a in model.agencies.items()]
    url = f"{public_url(site_url)}briefs/{ALL_PDF}" if public_url(site_url) else ""
    return (env or environment()).get_template(TEMPLATE).render(
        briefs=briefs, combined=True, contents_only=True, title="数字山东 · 各单位任务简报", css_href=CSS, url=url,
        pdf=True, **_dates(model, changed, None))


def stylesheet() -> bytes:
    """The briefs' stylesheet: templates/brief/brief.css and the states' colours, as the site's charts and badges
    have them (their one definition, ``charts.STATE_COLOURS``; printed on white)."""
    states = "".join(f".state-{s} {{ color: {c}; }}\n" for s, c in STATE_COLOURS.items())
    return (TEMPLATES / CSS).read_bytes() + b"\n/* The states' colours (views/charts/status.py STATE_COLOURS). */\n" + states.encode()


def files(model: Model, site_url: str = "", changed: str = "", pdf: bool = True) -> dict[str, bytes]:
    """The briefs' HTML, by file name (``brief.css`` and ``<id>.html`` for every unit), as the site holds them
    in ``briefs/``. ``changed``: the date the data last changed (git), "" without history; ``pdf``: the
    site has the briefs' PDFs."""
    env = environment()
    out = {CSS: stylesheet()}
    for aid in model.agencies:
        out[f"{aid}.html"] = render_html(model, aid, site_url, changed, env=env, pdf=pdf).encode("utf-8")
    return out


# ---------------------------------------------------------------------------
# Which PDFs are current: the PDF step records what it made each PDF from (outputs.pdf writes the record,
# the generate step reads it to show the PDFs' sizes and pages on the briefs page).

RECORD = ".pdfs.json"  # beside the PDFs in briefs/; a dot file: the engines do not publish it


def html_digest(html: bytes) -> str:
    """What a unit's PDF was made from: a digest of its HTML."""
    return hashlib.sha256(html).hexdigest()


def all_digest(unit_digests: dict[str, str]) -> str:
    """What all.pdf was made from: the units' HTML digests in their order (its contents page holds nothing else)."""
    return hashlib.sha256("\n".join(f"{k} {v}" for k, v in unit_digests.items()).encode()).hexdigest()
