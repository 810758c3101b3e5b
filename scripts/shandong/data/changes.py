"""What changed in the data between two versions of a data file: records added, removed, and each
changed field with its old and new value. Comments, blank lines, indentation, quoting and the order
of records or of keys make no change; a change is a difference in the values PyYAML reads.

Records are keyed as the site keys them: a task by its number, a measure, agency, theme or source by
its id, a section by its number, a compound name by its text, a progress report by (item, as_of).
The other top-level values of a file (``document``, ``preamble``, ``reviewed``) are one record each.

Fields are compared by value: mappings key by key, lists of mappings position by position (a new
target is "targets[2]" added), every other list as a whole (``units`` is a list in the documents'
order: a new order is a change). Paths read as the checker writes them: ``schedule.as_written``,
``targets[1].value`` (from 0). Each field's Chinese name is its ``x-zh`` in the file's JSON Schema
(``label``); nothing else names fields.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from ..config import FILES, SCHEMAS

# Data file kind (config.FILES) -> top-level list of records -> the fields that key a record.
# Any other top-level key of a file is one record (document, preamble, reviewed).
KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "agencies": {"agencies": ("id",), "compound_names": ("text",)},
    "themes": {"themes": ("id",)},
    "tasks": {"tasks": ("number",)},
    "measures": {"sections": ("number",), "measures": ("id",)},
    "progress": {"reports": ("item", "as_of")},
    "sources": {"sources": ("id",)},
}
KIND_OF_PATH = {rel: kind for kind, (rel, _schema) in FILES.items()}  # "plan/tasks.yaml" -> "tasks"


class _Missing:
    """A field that is absent (not the same as written empty)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True)
class FieldChange:
    path: tuple  # inside the record: ("schedule", "as_written"), ("targets", 1, "value"); () for a whole value
    old: Any  # MISSING when the field was absent
    new: Any  # MISSING when the field is gone

    @property
    def path_text(self) -> str:
        """As the checker writes it: ``schedule.as_written``, ``targets[1].value``."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out


@dataclass
class RecordChange:
    """One record of one data file, added, removed or changed."""

    kind: str  # the data file's kind (config.FILES): "tasks", "measures", "agencies", "progress", …
    group: str  # the top-level key the record is under: "tasks", "measures", "reports", "document", …
    key: tuple  # the values that key it: (12,), ("m1-1-1",), ("m1-1-1", "2020-06-30"); () for one-record groups
    action: str  # "added" | "removed" | "changed"
    old: Any  # the record before (MISSING when added)
    new: Any  # the record after (MISSING when removed)
    fields: list[FieldChange] = field(default_factory=list)  # every changed field (for added/removed: every field)

    @property
    def id(self) -> str:
        """Unique and stable within the data: ``tasks/12``, ``reports/m1-1-1/2020-06-30``, and for a
        file's one-record groups the file's kind first: ``progress/reviewed``, ``tasks/document``."""
        if self.group not in KEYS.get(self.kind, {}):
            return f"{self.kind}/{self.group}"
        return "/".join([self.group, *(_text(k) for k in self.key)])

    @property
    def record(self) -> Any:
        """The record as it is now (as it was, when removed)."""
        return self.old if self.new is MISSING else self.new


def _text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal as data: 1 and 1.0 are, True and 1 are not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if _number(a) and _number(b):
        return a == b
    return type(a) is type(b) and a == b


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def diff_values(old: Any, new: Any, path: tuple = ()) -> list[FieldChange]:
    """Field-level changes from ``old`` to ``new`` (either may be MISSING): mappings key by key,
    lists of mappings (below the top) element by element (an element added or removed as a whole),
    anything else as a whole."""
    if _same(old, new):
        return []
    if _mapping(old) and _mapping(new):
        o, n = old or {}, new or {}
        return [c for k in dict.fromkeys([*n, *o]) for c in diff_values(o.get(k, MISSING), n.get(k, MISSING), (*path, k))]
    if path and _mappings(old) and _mappings(new):
        o, n = old or [], new or []
        common = [c for i in range(min(len(o), len(n))) for c in diff_values(o[i], n[i], (*path, i))]
        return common + [FieldChange((*path, i), o[i] if i < len(o) else MISSING, n[i] if i < len(n) else MISSING)
                         for i in range(min(len(o), len(n)), max(len(o), len(n)))]
    return [FieldChange(path, old, new)]


def _mapping(x: Any) -> bool:
    return x is MISSING or isinstance(x, dict)


def _mappings(x: Any) -> bool:
    """A list of mappings (targets, evidence, subsections), or absent."""
    return x is MISSING or (isinstance(x, list) and all(isinstance(e, dict) for e in x))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader, with dates kept as text as written (2020-12-31), as data.load reads them."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _load(blob: bytes | str | None) -> Any:
    """The file's values, ``{}`` for a file that does not exist; raises ``yaml.YAMLError``."""
    if blob is None:
        return {}
    data = yaml.load(blob, Loader=_Loader)
    return data if data is not None else {}


def records(kind: str, data: Any) -> dict[str, dict[tuple, Any]]:
    """Every record of a data file's values: group -> key -> record. A record without its key
    fields (a file that was invalid in some commit) is keyed by its position; a repeated key by
    the key and its repetition, so that nothing is dropped."""
    out: dict[str, dict[tuple, Any]] = {}
    if not isinstance(data, dict):
        return {"": {(): data}} if data not in ({}, None) else {}
    lists = KEYS.get(kind, {})
    for group, value in data.items():
        group = str(group)
        if group not in lists or not isinstance(value, list):
            out[group] = {(): value}
            continue
        recs: dict[tuple, Any] = {}
        for i, rec in enumerate(value):
            fields = lists[group]
            if isinstance(rec, dict) and all(isinstance(rec.get(f), (str, int, float)) for f in fields):
                key = tuple(rec[f] for f in fields)
            else:
                key = (f"#{i + 1}",)
            while key in recs:
                key = (*key, "again")
            recs[key] = rec
        out[group] = recs
    return out


class Unreadable(ValueError):
    """A version of a data file that is not YAML (a commit that broke it): not compared."""


def diff_records(kind: str, old: Any, new: Any) -> list[RecordChange]:
    """The records of one data file that differ between two versions of its values (``{}`` when
    the file did not exist), in the file's order (new records where they are, removed ones last)."""
    a, b = records(kind, old), records(kind, new)
    out = []
    for group in dict.fromkeys([*b, *a]):
        ra, rb = a.get(group, {}), b.get(group, {})
        for key in dict.fromkeys([*rb, *ra]):
            o, n = ra.get(key, MISSING), rb.get(key, MISSING)
            changes = diff_values(o, n)
            if not changes:
                continue
            action = "added" if o is MISSING else "removed" if n is MISSING else "changed"
            if action != "changed":  # the key is the record's name: not listed as a field
                keys = KEYS.get(kind, {}).get(group, ())
                changes = [c for c in changes if not (len(c.path) == 1 and c.path[0] in keys)]
            out.append(RecordChange(kind, group, key, action, o, n, changes))
    return out


def diff_file(path: str, old: bytes | str | None, new: bytes | str | None) -> list[RecordChange]:
    """The changed records of the data file at ``path`` (under the data folder, e.g.
    ``plan/tasks.yaml``) between two versions of its text (None: the file did not exist).
    ``[]`` for a file that is not a data file (schemas, source texts). Raises ``Unreadable``."""
    kind = KIND_OF_PATH.get(path)
    if kind is None:
        return []
    try:
        a, b = _load(old), _load(new)
    except yaml.YAMLError as exc:
        raise Unreadable(f"data/{path} is not valid YAML in one of the versions compared: {exc}") from None
    return diff_records(kind, a, b)


# ---------------------------------------------------------------------------
# Field names: the x-zh of every property of the JSON Schemas


@cache
def labels() -> dict[tuple[str, tuple[str, ...]], str]:
    """(file kind, path of property names from the top of the file) -> Chinese name, from the
    ``x-zh`` of each property of ``data/schemas/*.json``; array items add no name
    (``("tasks", ("tasks", "schedule", "as_written"))`` -> 进度安排)."""
    out: dict[tuple[str, tuple[str, ...]], str] = {}
    for kind, (_rel, name) in FILES.items():
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))

        def walk(node: dict, path: tuple[str, ...], seen: frozenset, kind=kind, schema=schema) -> None:
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/") and ref not in seen:
                walk(schema["$defs"][ref.removeprefix("#/$defs/")], path, seen | {ref})
            for prop, sub in node.get("properties", {}).items():
                if "x-zh" in sub:
                    out[(kind, (*path, prop))] = sub["x-zh"]
                walk(sub, (*path, prop), seen)
            if isinstance(node.get("items"), dict):
                walk(node["items"], path, seen)

        walk(schema, (), frozenset())
    return out


def label(kind: str, group: str, path: tuple) -> str:
    """A field's Chinese name: 进度安排 for ("schedule", "as_written") of a task, 量化目标第 2 项的目标数值
    for ("targets", 1, "value") of a measure, 数据审核 for the whole of ``reviewed``. Each property is
    named by its own x-zh; an index names the element of the list before it (from 1)."""
    names = labels()
    props: tuple[str, ...] = (group,)
    out = "" if group in KEYS.get(kind, {}) else names.get((kind, props), group)
    for part in path:
        if isinstance(part, int):
            out += f"第 {part + 1} 项"
            continue
        props = (*props, str(part))
        name = names.get((kind, props), str(part))
        out = f"{out}的{name}" if out.endswith("项") else name
    return out
