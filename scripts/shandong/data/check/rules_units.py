"""Rules about units and the registry: unique ids, spellings, references, units named as written; the unused-unit warning."""
from __future__ import annotations

from collections.abc import Iterator

from ..load import Problem
from .messages import _p, _show, did_you_mean
from .registry import ROLES, _is_int, records, records_in, strings


def rule_unique(docs, reg) -> Iterator[Problem]:
    """Ids and numbers are unique within their list."""
    for kind, key, field in [("agencies", "agencies", "id"), ("agencies", "compound_names", "text"),
                             ("themes", "themes", "id"), ("tasks", "tasks", "number"),
                             ("measures", "sections", "number"), ("measures", "measures", "id"),
                             ("sources", "sources", "id")]:
        doc, seen = docs[kind], {}
        for i, rec in records(doc, key):
            v = rec.get(field)
            if not isinstance(v, (str, int)) or isinstance(v, bool):
                continue
            if v in seen:
                yield _p(doc, (key, i, field), f"duplicate {field} {_show(v)}, first at line {doc.where((key, seen[v], field))[0]} (expected each {field} once)")
            else:
                seen[v] = i
        if key == "sections":
            for i, rec in records(doc, key):
                nums = {}
                for j, sub in records_in(rec, "subsections"):
                    n = sub.get("number")
                    if not _is_int(n):
                        continue
                    if n in nums:
                        yield _p(doc, (key, i, "subsections", j, "number"), f"duplicate subsection number {n} (expected each number once in a section)")
                    nums.setdefault(n, j)


def rule_aliases(docs, reg) -> Iterator[Problem]:
    """A spelling belongs to one agency only; ``short`` is one of its spellings."""
    doc, owner = docs["agencies"], {}
    for i, rec in records(doc, "agencies"):
        aid = rec.get("id")
        own = [("name", None, rec.get("name")), ("short", None, rec.get("short"))]
        own += [("aliases", j, a) for j, a in strings(rec, "aliases")]
        mine = set()
        for field, j, s in own:
            if not isinstance(s, str) or s in mine:
                continue
            mine.add(s)
            if s in owner and owner[s] != aid:
                path = ("agencies", i, field) + ((j,) if j is not None else ())
                yield _p(doc, path, f"'{s}' is already a name of agency '{owner[s]}' (expected each spelling to belong to one agency)")
            else:
                owner.setdefault(s, aid)
        short = rec.get("short")
        if isinstance(short, str) and isinstance(rec.get("aliases", []), list) and short != rec.get("name") and short not in rec.get("aliases", []):
            yield _p(doc, ("agencies", i, "short"), f"short name '{short}' is neither the name nor an alias (expected one of the spellings in name or aliases)")
    for i, rec in records(doc, "compound_names"):
        text = rec.get("text")
        if isinstance(text, str) and text in owner:
            yield _p(doc, ("compound_names", i, "text"), f"'{text}' is already a name of agency '{owner[text]}' (expected a spelling that names several units)")


def rule_unit_references(docs, reg) -> Iterator[Problem]:
    """Every unit named by a compound name, a task or a measure is in the registry."""
    if not reg.have["agencies"]:
        return
    for kind, key, fields in [("agencies", "compound_names", ["units"]), ("tasks", "tasks", ["units"]),
                              ("measures", "measures", list(ROLES))]:
        for i, rec in records(docs[kind], key):
            for field in fields:
                for j, u in strings(rec, field):
                    if msg := reg.unit_problem(u):
                        yield _p(docs[kind], (key, i, field, j), msg)



def rule_units_once(docs, reg) -> Iterator[Problem]:
    """No unit is listed twice on one item, in one role or across roles."""
    for kind, key, fields in [("tasks", "tasks", ["units"]), ("measures", "measures", list(ROLES))]:
        doc = docs[kind]
        for i, rec in records(doc, key):
            seen: dict[str, str] = {}
            for field in fields:
                for j, u in strings(rec, field):
                    if u in seen:
                        first = "earlier in this list" if seen[u] == field else f"already in {seen[u]}"
                        yield _p(doc, (key, i, field, j), f"unit '{u}' is listed twice: {first} (expected each unit once per item)")
                    else:
                        seen[u] = field


def rule_units_as_written(docs, reg) -> Iterator[Problem]:
    """Each unit of an item is named, by one of its spellings, in the text as written."""
    if not reg.have["agencies"]:
        return
    for kind, key, text_field, fields in [("tasks", "tasks", "units_as_written", ["units"]),
                                          ("measures", "measures", "attribution", list(ROLES))]:
        doc = docs[kind]
        for i, rec in records(doc, key):
            text = rec.get(text_field)
            if not isinstance(text, str):
                continue
            for field in fields:
                for j, u in strings(rec, field):
                    if u in reg.agencies and not any(s in text for s in reg.spellings_of(u)):
                        yield _p(doc, (key, i, field, j), f"unit '{u}' ({reg.short(u)}) is not named in {text_field} '{text}' (expected a unit the document names there, by its name, an alias or a compound name)")



def rule_unused_units(docs, reg) -> Iterator[Problem]:
    """A unit of the registry that no task or measure names (a misspelt copy of another unit?)."""
    if not (reg.have["tasks"] and reg.have["measures"]):  # with a file unreadable, every unit could look unused
        return
    named = {u for kind, key, fields in [("tasks", "tasks", ["units"]), ("measures", "measures", list(ROLES))]
             for _, rec in records(docs[kind], key) for field in fields for _, u in strings(rec, field)}
    doc = docs["agencies"]
    for i, rec in records(doc, "agencies"):
        aid = rec.get("id")
        if not isinstance(aid, str) or aid in named or reg.agencies.get(aid) is not rec:
            continue
        shown = {a: reg.short(a) for a in reg.agencies}
        names = {s: a for s, a in reg.spelling.items() if a != aid and a in named and s not in reg.agencies}
        ids = {a: a for a in named if a != aid and a in reg.agencies}
        hint = ""
        for s, choices, cutoff in [(rec.get("short"), names, 0.8), (rec.get("name"), names, 0.8), (aid, ids, 0.9)]:
            if hint := did_you_mean(s, choices, shown, cutoff=cutoff):
                hint = "; is it a copy of " + hint.removeprefix("; did you mean ")
                break
        p = _p(doc, ("agencies", i, "id"), f"unit '{aid}' ({reg.short(aid)}) is named by no task or measure"
                                           f" (expected every unit of the registry on some item: use it or remove it){hint}")
        yield Problem(p.file, p.line, p.col, p.where, p.message, "warning")


