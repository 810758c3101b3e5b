"""Changes to the data, said in Chinese: what a subscriber reads in the feeds (``views.feeds``) and a
reviewer in a pull request's summary (``markdown``). Pure: names from the model and the changed
records (``data.changes``) in, text out.

Each changed record is described once (``describe``): a title that says what changed (which item or
unit, which field, old → new), a line per field, the page that shows the record, and the items and
units it concerns (which feeds it belongs to). Fields are named by the schemas' ``x-zh``
(``data.changes.label``); unit ids are shown as the unit's short name, items by ``item_name``,
themes, statuses and kinds by their Chinese names. Never a commit message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import FILES
from ..data.changes import KIND_OF_PATH, MISSING, RecordChange, label
from ..data.model import (
    CN_NUMERALS,
    DEADLINE_KINDS,
    KIND_NAMES,
    ROLE_NAMES,
    SOURCE_KINDS,
    STATUSES,
    Item,
    Model,
    measure_number,
    task_key,
)

SHORT = 30  # values longer than this are not quoted in a title (the lines below it give them in full)
TITLE_FIELDS = 3  # a title names at most this many changed fields
# How records of each group are counted, in the order they are listed: (what, measure word).
WORDS = {
    "reports": ("进展报告", "份"), "tasks": ("重点任务", "项"), "measures": ("行动措施", "项"),
    "agencies": ("单位", "个"), "themes": ("主题", "个"), "sources": ("来源", "个"),
    "sections": ("行动方案的部分", "个"), "compound_names": ("合称写法", "条"),
}
OTHER = ("其他记录", "条")  # document, preamble, reviewed
ACTIONS = {"added": "新增", "changed": "修改", "removed": "删除"}


def item_name(item: Item) -> str:
    """How the feeds and summaries name a task or measure: the one place to change it. Its number
    and short title, without the colon of ``Item.title`` (a change follows after one)."""
    return f"{item.label} {item.short_title}"


def key_name(key: str) -> str:
    """The name of an item that is no longer in the data, from its key (as ``Item.title``)."""
    if key.startswith(task_key("")):
        return f"重点任务 {key.removeprefix(task_key(''))}"
    if key.startswith("m"):
        return f"行动措施 {measure_number(key)}"
    return key


@dataclass(frozen=True)
class Names:
    """What the descriptions name things by; from the model (``of``), or ids only (``Names()``,
    for a pull request whose data does not pass the check)."""

    units: dict[str, str] = field(default_factory=dict)  # agency id -> short name
    items: dict[str, str] = field(default_factory=dict)  # item key -> item_name
    pages: dict[str, str] = field(default_factory=dict)  # item key -> its page
    item_units: dict[str, frozenset[str]] = field(default_factory=dict)  # item key -> its units
    themes: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # source id -> title
    source_pages: dict[str, str] = field(default_factory=dict)  # source id -> the page of an item citing it
    reports: frozenset[tuple[str, str]] = frozenset()  # (item key, as_of) of every report

    @classmethod
    def of(cls, model: Model) -> Names:
        cited: dict[str, str] = {}
        for r in reversed(model.reports):  # the newest report citing it wins
            for c in r.evidence:
                cited[c.source.id] = r.item.url
        return cls(
            units={a.id: a.short for a in model.agencies.values()},
            items={x.key: item_name(x) for x in model.items},
            pages={x.key: x.url for x in model.items},
            item_units={x.key: frozenset(x.units()) for x in model.items},
            themes={t.id: t.name for t in model.themes.values()},
            sources={s.id: s.title for s in model.sources.values()},
            source_pages=cited,
            reports=frozenset((r.item.key, r.as_of.isoformat()) for r in model.reports))

    @property
    def known(self) -> bool:
        """Made from a checked model (not ids only)."""
        return bool(self.units)

    def unit(self, aid: Any) -> str:
        return self.units.get(str(aid), str(aid))

    def item(self, key: Any) -> str:
        return self.items.get(str(key)) or key_name(str(key))


@dataclass
class Described:
    """One changed record, said in Chinese."""

    change: RecordChange
    title: str
    fields: list[tuple[str, str, str]]  # per field: (its Chinese name, its path, 由“A”改为“B” / its value)
    page: str  # the site-relative address of the page that shows it ("" the home page)
    items: list[str]  # the keys of the items it concerns
    units: set[str]  # the agencies whose feed it belongs to: its own record, or items assigned to them

    @property
    def word(self) -> tuple[str, str]:
        return WORDS.get(self.change.group, OTHER)

    @property
    def lines(self) -> list[str]:
        """The fields as lines of text (a removed record's as they were)."""
        lines = [f"{name}：{text}" for name, _path, text in self.fields]
        return ["删除前的内容：", *lines] if self.change.action == "removed" and lines else lines


# ---------------------------------------------------------------------------
# Values


def _props(path: tuple) -> tuple[str, ...]:
    return tuple(p for p in path if isinstance(p, str))


def _value_kind(group: str, path: tuple) -> str:
    props = _props(path)
    return {
        ("tasks", "units"): "unit", ("measures", "lead"): "unit", ("measures", "support"): "unit",
        ("measures", "responsible"): "unit", ("compound_names", "units"): "unit",
        ("tasks", "theme"): "theme", ("sections", "theme"): "theme", ("measures", "related_tasks"): "task",
        ("reports", "item"): "item", ("reports", "status"): "status", ("reports", "evidence", "source"): "source",
        ("tasks", "schedule", "kind"): "schedule", ("agencies", "kind"): "agency-kind", ("sources", "kind"): "source-kind",
        ("measures", "open"): "role",
    }.get((group, *props), "")


def _scalar(value: Any, kind: str, names: Names) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "（空）"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    named = {
        "unit": lambda: names.unit(text), "theme": lambda: names.themes.get(text, text),
        "task": lambda: key_name(task_key(text)), "item": lambda: key_name(text),  # numbers only in values
        "status": lambda: STATUSES.get(text, (text,))[0], "source": lambda: names.sources.get(text, text),
        "schedule": lambda: DEADLINE_KINDS.get(text, (text,))[0], "agency-kind": lambda: KIND_NAMES.get(text, (text,))[0],
        "source-kind": lambda: SOURCE_KINDS.get(text, (text,))[0], "role": lambda: ROLE_NAMES.get(text, (text,))[0],
    }.get(kind)
    return named() if named else text


def value_text(rc: RecordChange, path: tuple, value: Any, names: Names) -> str:
    """A field's value as the site would say it: names for ids, 是/否, dates as written."""
    if value is MISSING:
        return "（无）"
    if isinstance(value, list):
        return "、".join(value_text(rc, (*path, i), v, names) for i, v in enumerate(value)) if value else "（无）"
    if isinstance(value, dict):
        return "；".join(f"{label(rc.kind, rc.group, (*_props(path), str(k)))}：{value_text(rc, (*path, k), v, names)}"
                        for k, v in value.items())
    return _scalar(value, _value_kind(rc.group, path), names)


# ---------------------------------------------------------------------------
# Records


def _get(record: Any, key: str) -> Any:
    return record.get(key) if isinstance(record, dict) else None


def record_name(rc: RecordChange, names: Names) -> str:
    """重点任务 12, 行动措施 1.1.1, 省大数据局, 主题“数字政府”, 进展报告（行动措施 1.1.1，截至 2020-06-30）…"""
    r, key, g = rc.record, [str(k) for k in rc.key], rc.group
    first = key[0] if key else ""
    if g == "tasks":
        return names.item(task_key(first))
    if g == "measures":
        return names.item(first)
    if g == "reports":
        return f"进展报告（{names.item(first)}，截至 {key[1] if len(key) > 1 else ''}）"
    if g == "agencies":
        return str(_get(r, "short") or names.unit(first))
    if g == "compound_names":
        return f"合称写法“{first}”"
    if g == "themes":
        return f"主题“{_get(r, 'name') or names.themes.get(first, first)}”"
    if g == "sections":
        n = rc.key[0] if rc.key and isinstance(rc.key[0], int) else 0
        number = CN_NUMERALS[n - 1] if 1 <= n <= len(CN_NUMERALS) else first
        return f"行动方案第{number}部分“{_get(r, 'heading') or ''}”"
    if g == "sources":
        return f"来源“{_get(rc.new, 'title') or _get(rc.old, 'title') or names.sources.get(first, first)}”"
    if g == "document":
        title = _get(rc.new, "title") or _get(rc.old, "title")
        return f"《{title}》的文件信息" if title else "文件信息"
    if g == "preamble":
        return "行动方案的序言"
    return label(rc.kind, g, ())


def _page(rc: RecordChange, names: Names) -> str:
    first = str(rc.key[0]) if rc.key else ""
    g = rc.group
    if not names.known:  # ids only: which pages exist is not known
        return ""
    if g in ("tasks", "measures", "reports"):
        key = task_key(first) if g == "tasks" else first
        return names.pages.get(key, "")
    if g == "agencies":
        return f"agencies/{first}/" if first in names.units else "agencies/"
    if g == "themes":
        return f"themes/{first}/" if first in names.themes else "themes/"
    if g == "compound_names":
        return "about/#aliases"
    if g == "sources":
        return names.source_pages.get(first, "data/")
    if g == "reviewed":
        return "about/#as-of"
    return ""


def _items(rc: RecordChange) -> list[str]:
    first = str(rc.key[0]) if rc.key else ""
    return {"tasks": [task_key(first)], "measures": [first], "reports": [first]}.get(rc.group, [])


def _units(rc: RecordChange, names: Names) -> set[str]:
    """The agencies a change concerns: a unit's own record; the units of a task or measure before
    and after; the units of the item a report is on."""
    if rc.group == "agencies":
        return {str(rc.key[0])} if rc.key else set()
    if rc.group in ("tasks", "measures"):
        roles = ("units",) if rc.group == "tasks" else ("lead", "support", "responsible")
        lists = [_get(r, role) for r in (rc.old, rc.new) for role in roles]
        return {str(u) for ids in lists if isinstance(ids, list) for u in ids}
    if rc.group == "reports" and rc.key:
        return set(names.item_units.get(str(rc.key[0]), ()))
    return set()


def _quoted(text: str) -> str:
    return f"“{text}”"


def _change_text(rc: RecordChange, f, names: Names) -> str:
    """由“A”改为“B”, 新增“B”, 删去“A”."""
    old, new = value_text(rc, f.path, f.old, names), value_text(rc, f.path, f.new, names)
    if f.old is MISSING:
        return f"新增{_quoted(new)}"
    if f.new is MISSING:
        return f"删去{_quoted(old)}"
    return f"由{_quoted(old)}改为{_quoted(new)}"


def _quotable(rc: RecordChange, f, names: Names) -> bool:
    """Short enough to be quoted in a title."""
    return all(len(value_text(rc, f.path, v, names)) <= SHORT for v in (f.old, f.new))


def _title(rc: RecordChange, names: Names) -> str:
    """新增进展报告：…, 删除…, 新增单位：…; for a changed record its name and the first field's
    change (进度安排由“A”改为“B”), then the names of the other fields changed."""
    name = record_name(rc, names)
    if rc.group == "reports" and rc.action == "added":
        status = STATUSES.get(str(_get(rc.new, "status")), (str(_get(rc.new, "status")),))[0]
        return f"新增进展报告：{names.item(rc.key[0])}，{status}（截至 {rc.key[1] if len(rc.key) > 1 else ''}）"
    if rc.group == "reports" and rc.action == "removed":
        return f"删除{name}"
    if rc.action in ("added", "removed"):
        return f"{ACTIONS[rc.action]}单位：{name}" if rc.group == "agencies" else f"{ACTIONS[rc.action]}{name}"
    fields = list(dict.fromkeys(label(rc.kind, rc.group, f.path) for f in rc.fields))
    first = rc.fields[0]
    if _quotable(rc, first, names):
        said = f"{fields[0]}{_change_text(rc, first, names)}"
        rest = fields[1:]
        more = f"等 {len(rest)} 处" if len(rest) > TITLE_FIELDS else ""
        return f"{name}：{said}" + (f"；另修改{'、'.join(rest[:TITLE_FIELDS])}{more}" if rest else "")
    more = f"等 {len(fields)} 处" if len(fields) > TITLE_FIELDS else ""
    return f"{name}：修改{'、'.join(fields[:TITLE_FIELDS])}{more}"


def _fields(rc: RecordChange, names: Names) -> list[tuple[str, str, str]]:
    """(field name, its path, what became of it) per field: 由“A”改为“B” for a changed record, the
    value for an added one, the value it had for a removed one."""
    out = []
    for f in rc.fields:
        name = label(rc.kind, rc.group, f.path) or record_name(rc, names)
        if rc.action == "changed":
            out.append((name, f.path_text, _change_text(rc, f, names)))
        else:
            out.append((name, f.path_text, value_text(rc, f.path, f.new if rc.action == "added" else f.old, names)))
    return out


def describe(rc: RecordChange, names: Names) -> Described:
    fields = _fields(rc, names)
    return Described(rc, _title(rc, names), fields, _page(rc, names), _items(rc), _units(rc, names))


def describe_all(records: list[RecordChange], names: Names) -> list[Described]:
    """Each record described, reports first, then tasks, measures, units … (``WORDS``), each kind in
    its file's order."""
    order = list(WORDS)
    return sorted((describe(rc, names) for rc in records),
                  key=lambda d: order.index(d.change.group) if d.change.group in order else len(order))


# ---------------------------------------------------------------------------
# A pull request's summary (Markdown, for GitHub's job summary)

# Backslash escapes that CommonMark (GitHub) and Python-Markdown share; entities for the rest.
_MD = {**{c: "\\" + c for c in "\\`*_[]#!"}, "<": "&lt;", ">": "&gt;", "&": "&amp;", "|": "&#124;", "~": "&#126;"}


def _md(text: str) -> str:
    """Data as literal Markdown text: every character Markdown or HTML could act on escaped."""
    return "".join(_MD.get(c, c) for c in str(text)).replace("\n", " ")


def _code(text: str) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def markdown(records: list[RecordChange], files: list[str], unreadable: list[str], names: Names,
             note: str = "") -> str:
    """What a pull request changes in the data, in Chinese with an English line: a heading per
    changed record (the feed's title) and a bullet per field (old → new), with the file and the
    field's path for the reviewer. ``files``: the paths it changed under the data folder."""
    out = ["## 数据修改摘要 / Data changes", ""]
    data_files = [p for p in files if p in KIND_OF_PATH]
    if not records and not unreadable:
        if data_files:
            out += ["本次修改只改动了数据文件中的注释或格式，数据本身没有变化。", "",
                    "_Only comments or layout of the data files changed; no value changed._"]
        else:
            out += ["本次修改不涉及数据。", "", "_This pull request changes no data._"]
        return "\n".join(out) + "\n"
    described = describe_all(records, names)
    items = list(dict.fromkeys(k for d in described for k in d.items))
    units = list(dict.fromkeys(record_name(d.change, names) for d in described if d.change.group == "agencies"))
    counts = "、".join(f"{ACTIONS[a]} {n} 条" for a in ACTIONS if (n := sum(d.change.action == a for d in described)))
    out.append(f"本次修改改动了 {len(described)} 条数据记录（{counts}）" + (f"，涉及事项：{_md('、'.join(names.item(k) for k in items))}"
               if items else "") + (f"；单位：{_md('、'.join(units))}" if units else "") + "。")
    if note:
        out += ["", note]
    out += ["", f"_{len(described)} changed record(s) in {len(data_files)} data file(s)"
            + (f"; {len(unreadable)} file(s) not valid YAML, not compared" if unreadable else "") + "._"]
    for path in unreadable:
        out += ["", f"- `data/{path}`：其中一个版本不是有效的 YAML，未比较（见“数据检查”一步）。"]
    for d in described:
        rel = FILES[d.change.kind][0] if d.change.kind in FILES else ""
        out += ["", f"### {_md(d.title)}", "", f"{_code('data/' + rel)} · {_code(d.change.id)}"
                + (f" · 页面 {_code(d.page)}" if d.page else ""), ""]
        if d.change.action == "removed" and d.fields:
            out.append("删除前的内容：")
        out += [f"- {_md(name)}{' ' + _code(path) if path else ''}：{_md(text)}" for name, path, text in d.fields]
    return "\n".join(out) + "\n"
