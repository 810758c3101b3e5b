"""What the long tables of the site need for filtering and sorting (templates/partials/_filters.md.j2,
docs/assets/site.js): the ``data-*`` attributes of a row, the choices of each filter, the sort keys
and the few orders each table offers.

A row carries, per filter, the space-separated values it matches (``data-unit="a b c"``); a filter
keeps the rows whose attribute contains the chosen value. Values are ids from the data (agency,
theme, role and kind keys, years), never free text, and are HTML-escaped all the same. A row also
says which role each of its units has (``data-unit-role="big-data-bureau:support jinan:responsible"``),
so that a row kept by the unit filter can name the unit's role (labels: ``ROLE_NAMES``).

Sorting: a sortable cell carries a normalised key (``data-sort``) that orders the rows as the column
means, written here once; the column header (tablesort) and the "排序" select sort on the same keys.
A key ends with the row's place in the documents, so no two rows tie and every order is the same
each time. A table offers a few orders (``*_orders``), each a column and a direction; an order that
would not change anything (every row with the same deadline) is not offered.
"""
from __future__ import annotations

import json
from html import escape

from markupsafe import Markup

from ..data.model import DEADLINE_KINDS, KIND_NAMES, ONGOING_LAST, ROLE_NAMES, STATES, Item, Model, Target

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
        "unit-role": [f"{u}:{role}" for role, ids in item.roles.items() for u in ids],
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
    """A string that sorts items by deadline: the year (ongoing last), then the kind of deadline in the
    order of DEADLINE_KINDS (within a year: by the year's end, within the action plan's year, complete,
    basically complete), tasks before measures, then the documents' order. The deadline as written does
    not count: "2018年完成" and "2018 年完成" are the same deadline."""
    kind = list(DEADLINE_KINDS).index(item.deadline_kind)
    return f"{item.deadline_year or ONGOING_LAST:04d}-{kind}-{int(item.kind != 'task')}-{sort_key(item)}"


def deadlines_of(items: list[Item]) -> list[tuple[int | None, str]]:
    """The deadlines of ``items`` as (year, kind): what sorting by deadline compares (``orders``)."""
    return [(x.deadline_year, x.deadline_kind) for x in items]


def state_key(item: Item) -> str:
    """A string that sorts items by progress state (the order of STATES), then by deadline."""
    return f"{list(STATES).index(item.state)}-{deadline_key(item)}"


def lead_units(item: Item) -> list[str]:
    """The units the targets table names for an item: its lead units, else the units responsible."""
    return item.roles.get("lead") or item.roles.get("responsible") or []


def unit_ranks(model: Model) -> dict[str, int]:
    """Each agency's place in the unit filter's list (``options(model, "unit")``): grouped by kind,
    kinds and units in the registry's order."""
    groups: dict[str, list[str]] = {}
    for a in model.agencies.values():
        groups.setdefault(a.kind, []).append(a.id)
    return {aid: n for n, aid in enumerate(aid for ids in groups.values() for aid in ids)}


def target_keys(target: Target, place: int, ranks: dict[str, int]) -> dict[str, str]:
    """The sort keys of a row of the targets table (``place``: its row in the documents' order; ``ranks``:
    ``unit_ranks``): deadline, unit (the first unit the row names, in the unit filter's order), and the
    value within its unit of measure (a value is never compared with one in another unit: 100 项 and
    100 个 are not the same amount)."""
    units = lead_units(target.item)
    return {
        "deadline": f"{target.due}-{place:03d}",
        "unit": f"{ranks[units[0]] if units else 999:03d}-{place:03d}",
        "value": f"{target.unit}-{target.value:016.4f}-{place:03d}",
    }


def agency_sort_keys(model: Model, aid: str, rank: int) -> dict[str, str]:
    """The sort keys of a row of the agency index (``rank``: its place on the page, most items first):
    the count of each role (ties in the page's order when sorted from most to fewest), and the earliest
    deadline (units with none, or only ongoing items, last; ties in the page's order)."""
    roles = model.by_agency.get(aid, {})
    keys = {r: f"{len(roles.get(r, [])):04d}-{999 - rank:03d}" for r in ROLE_NAMES}
    dated = sorted((x for xs in roles.values() for x in xs if x.deadline_year), key=lambda x: x.deadline_sort)
    keys["deadline"] = f"{deadline_key(dated[0]) if dated else ONGOING_LAST}-{rank:03d}"
    return keys


# The orders a table offers: (column, direction, label). The column is a header's data-order; the
# "排序" select lists them after the page's own order; an order is left out where it would not change
# anything (see ``orders``).
DEADLINE_ORDERS = [("deadline", "asc", "按期限（最早在前）"), ("deadline", "desc", "按期限（最晚在前）")]
ORDERS = {
    "deadlines": DEADLINE_ORDERS + [("state", "asc", "按进展状态")],
    "tasks": DEADLINE_ORDERS,
    "targets": DEADLINE_ORDERS + [("unit", "asc", "按单位（牵头或负责单位）"), ("value", "asc", "按计量单位和数值（小到大）")],
    "agencies": [("lead", "desc", "按牵头措施数（多到少）"), ("support", "desc", "按配合措施数（多到少）"),
                 ("responsible", "desc", "按负责措施数（多到少）"), ("task", "desc", "按重点任务数（多到少）"),
                 ("deadline", "asc", "按最早期限")],
}
FIRST_ORDER = {"agencies": "按承担事项总数（多到少）"}  # the page's own order, where it is not the documents'


def orders(table: str, values: dict[str, list] | None = None) -> list[tuple[str, str]]:
    """The choices of a table's "排序" select as (value, label), value "column:direction", the page's
    own order first (value ""). ``values``: column -> the rows' values of that column (not the keys);
    a column whose rows all have the same value offers no order."""
    out = [("", FIRST_ORDER.get(table, "按文件顺序"))]
    for column, direction, label in ORDERS[table]:
        if values is None or column not in values or len(set(values[column])) > 1:
            out.append((f"{column}:{direction}", label))
    return out


def target_orders(targets: list[Target]) -> list[tuple[str, str]]:
    """``orders`` of the targets table."""
    return orders("targets", {"deadline": [t.due for t in targets], "unit": [tuple(lead_units(t.item)) for t in targets],
                              "value": [(t.unit, t.value) for t in targets]})


def sortable(choices: list[tuple[str, str]], column: str) -> Markup:
    """The attributes of a column header: sortable on its cells' keys when the table offers an order
    on that column, else not sortable (a text column, or one that would not change the order)."""
    if any(v.split(":")[0] == column for v, _ in choices if v):
        return Markup(f' data-order="{escape(column)}" data-sort-method="key"')
    return Markup(' data-sort-method="none"')


def role_names() -> Markup:
    """The role labels (ROLE_NAMES) as a JSON attribute of the filter form, for the line that names
    a unit's role in a row kept by the unit filter."""
    return Markup(f' data-role-names="{escape(json.dumps({r: v[0] for r, v in ROLE_NAMES.items()}, ensure_ascii=False))}"')


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


GLOBALS = {"neighbours": neighbours, "state_name": state_name, "item_row": item_row, "agency_row": agency_row,
           "filter_options": options, "sort_key": sort_key, "deadline_key": deadline_key, "state_key": state_key,
           "year_key": year_key, "deadlines_of": deadlines_of, "lead_units": lead_units, "target_keys": target_keys, "unit_ranks": unit_ranks,
           "agency_sort_keys": agency_sort_keys,
           "sort_orders": orders, "target_orders": target_orders, "sortable": sortable, "role_names": role_names, "ONGOING_LAST": ONGOING_LAST}
