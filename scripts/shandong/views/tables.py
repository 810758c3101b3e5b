"""What the long tables of the site need for filtering and sorting (templates/partials/_filters.md.j2,
docs/assets/site.js): the ``data-*`` attributes of a row, and the choices of each filter.

A row carries, per filter, the space-separated values it matches (``data-unit="a b c"``); a filter
keeps the rows whose attribute contains the chosen value. Values are ids from the data (agency,
theme, role and kind keys, years), never free text, and are HTML-escaped all the same.
"""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from ..data.model import KIND_NAMES, ONGOING_LAST, ROLE_NAMES, STATES, Item, Model

DUE = {"passed": "期限已过", "upcoming": "期限未到或持续推进"}
REPORTED = {"reported": "已报告进展", "unreported": "未报告进展"}
ITEM_KINDS = {"task": "重点任务（规划分工）", "measure": "行动措施（2020行动方案）"}


def _attrs(values: dict[str, object]) -> Markup:
    out = []
    for name, value in values.items():
        if isinstance(value, list | tuple | set):
            value = " ".join(str(v) for v in value)
        out.append(f' data-{name}="{escape(str(value), quote=True)}"')
    return Markup("".join(out))


def year_key(item: Item) -> str:
    return str(item.deadline_year) if item.deadline_year else "ongoing"


def item_filters(item: Item) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": item.kind, "theme": item.theme, "year": year_key(item),
        "role": sorted(item.roles), "unit": list(dict.fromkeys(item.units())),
    }
    values["state"] = item.state  # progress (data/progress.yaml)
    values["reported"] = "reported" if item.current is not None else "unreported"
    values["due"] = "passed" if item.deadline_passed else "upcoming"
    return values


def item_row(item: Item) -> Markup:
    """The ``data-*`` attributes of a table row about one item."""
    return _attrs(item_filters(item))


def agency_row(model: Model, aid: str) -> Markup:
    """The ``data-*`` attributes of a row about one agency: the themes, roles and years of its items."""
    roles = model.by_agency.get(aid, {})
    items = list({id(x): x for xs in roles.values() for x in xs}.values())
    return _attrs({
        "theme": sorted({x.theme for x in items}, key=list(model.themes).index),
        "role": [r for r in ROLE_NAMES if roles.get(r)],
        "year": sorted({year_key(x) for x in items}),
    })


def sort_key(item: Item) -> str:
    """A string that sorts items in the documents' order (tasks by number, then measures)."""
    k = item.sort_key
    return "{}-{:03d}-{:03d}-{:03d}".format(*k)


def deadline_key(item: Item) -> str:
    """A string that sorts items by deadline: year (ongoing last), then the documents' order."""
    return f"{item.deadline_year or ONGOING_LAST}-{sort_key(item)}"


def options(model: Model, name: str, items: list[Item] | None = None) -> list[tuple[str, str]] | dict:
    """The choices of the filter ``name`` as (value, label), for the items shown (all by default).
    ``unit``: a dict kind name -> choices (one group per kind of agency)."""
    items = model.items if items is None else items
    if name == "theme":
        present = {x.theme for x in items}
        return [(t.id, t.name) for t in model.themes.values() if t.id in present]
    if name == "kind":
        present = {x.kind for x in items}
        return [(k, v) for k, v in ITEM_KINDS.items() if k in present]
    if name == "role":
        present = {r for x in items for r in x.roles}
        return [(r, v[0]) for r, v in ROLE_NAMES.items() if r in present]
    if name == "year":
        years = sorted({x.deadline_year for x in items if x.deadline_year})
        out = [(str(y), f"{y}年") for y in years]
        if any(not x.deadline_year for x in items):
            out.append(("ongoing", "持续推进（无年份）"))
        return out
    if name == "state":
        present = {x.state for x in items}
        return [(k, v[0]) for k, v in STATES.items() if k in present]
    if name == "due":
        present = {"passed" if x.deadline_passed else "upcoming" for x in items}
        return [(k, v) for k, v in DUE.items() if k in present]
    if name == "reported":
        present = {"reported" if x.current is not None else "unreported" for x in items}
        return [(k, v) for k, v in REPORTED.items() if k in present]
    if name == "unit":
        present = {u for x in items for u in x.units()}
        groups: dict[str, list[tuple[str, str]]] = {}
        for a in model.agencies.values():
            if a.id in present:
                groups.setdefault(KIND_NAMES[a.kind][0], []).append((a.id, a.short))
        return groups
    raise KeyError(name)


def neighbours(model: Model, item: Item) -> tuple[Item | None, Item | None]:
    """The items before and after ``item`` in its own document (tasks by number, measures in order)."""
    seq = model.tasks if item.kind == "task" else model.measures
    at = next(n for n, x in enumerate(seq) if x is item)
    return (seq[at - 1] if at > 0 else None, seq[at + 1] if at + 1 < len(seq) else None)


def state_name(item: Item) -> str:
    return STATES[item.state][0]


def state_sort(item: Item) -> int:
    return list(STATES).index(item.state)


GLOBALS = {"neighbours": neighbours, "state_name": state_name, "state_sort": state_sort, "item_row": item_row, "agency_row": agency_row, "filter_options": options,
           "sort_key": sort_key, "deadline_key": deadline_key, "year_key": year_key,
           "ONGOING_LAST": ONGOING_LAST}
