"""The data checker: JSON Schema for shapes, then cross-file rules, every problem at once.

    python -m shandong.check [DATA_DIR]      (``make check``)

Each problem is printed as ``data/<file>.yaml:LINE:COL: <where>: <what> (expected …)``;
a run with problems ends with ``N errors`` and exit status 1. The MkDocs build calls
``load_checked`` and so stops on the same problems.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ROOT
from .load import Document, Problem, load_yaml, shown

if TYPE_CHECKING:
    import jsonschema

DATA = ROOT / "data"
SCHEMAS = DATA / "schemas"
# kind of file -> (path inside the data folder, schema file)
FILES = {
    "agencies": ("agencies.yaml", "agencies.schema.json"),
    "themes": ("themes.yaml", "themes.schema.json"),
    "tasks": ("plan/tasks.yaml", "tasks.schema.json"),
    "measures": ("action-2020/measures.yaml", "measures.schema.json"),
    "progress": ("progress.yaml", "progress.schema.json"),
    "sources": ("sources.yaml", "sources.schema.json"),
}
# How a record of each top-level list is named in messages.
RECORD_LABEL = {
    "agencies": ("agency", "id"),
    "compound_names": ("compound name", "text"),
    "themes": ("theme", "id"),
    "tasks": ("task", "number"),
    "sections": ("section", "number"),
    "measures": ("measure", "id"),
    "reports": ("report of", "item"),
    "sources": ("source", "id"),
}
ROLES = ("lead", "support", "responsible")
SCHEDULE_RE = re.compile(r"^(?:持续推进|(?P<year>\d{4}) ?年(?P<basic>基本)?完成)$")


class DataError(Exception):
    """Raised by ``load_checked`` with every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(report(problems))


def report(problems: list[Problem], warned: list[Problem] = ()) -> str:
    """Every problem and warning in file order, then ``N errors`` (and ``, M warnings`` when there are some)."""
    lines = [str(p) for p in sorted([*problems, *warned])]
    lines.append(_count(problems, warned))
    return "\n".join(lines)


def _count(problems: list[Problem], warned: list[Problem]) -> str:
    n, w = len(problems), len(warned)
    return f"{n} error{'s' if n != 1 else ''}" + (f", {w} warning{'s' if w != 1 else ''}" if w else "")


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # here, not at the top: a build whose data passed before never imports it (site.get_data)

    s = schema(name)
    cls = jsonschema.validators.validator_for(s)
    cls.check_schema(s)
    return cls(s)


# ---------------------------------------------------------------------------
# Where in a record


def where(data: Any, path: tuple) -> str:
    """``task 4 › units[2]`` for ('tasks', 3, 'units', 2)."""
    if len(path) >= 2 and path[0] in RECORD_LABEL and isinstance(path[1], int):
        label, key = RECORD_LABEL[path[0]]
        try:
            rec = data[path[0]][path[1]]
            name = rec.get(key) if isinstance(rec, dict) else None
        except (KeyError, IndexError, TypeError):
            name = None
        head = f"{label} {name}" if isinstance(name, (str, int)) and not isinstance(name, bool) else f"{path[0]}[{path[1]}]"
        rest = path[2:]
    else:
        head, rest = "", path
    tail = ""
    for part in rest:
        tail += f"[{part}]" if isinstance(part, int) else (f".{part}" if tail else str(part))
    if head and tail:
        return f"{head} › {tail}"
    return head or tail or "file"


def did_you_mean(value: Any, choices: dict[str, str], shown: dict[str, str] | None = None, cutoff: float = 0.6) -> str:
    """Suggest close matches. ``choices`` maps every spelling to the id to suggest."""
    if not isinstance(value, str):
        return ""
    if value in choices:
        hits = [choices[value]]
    else:
        hits = []
        for m in difflib.get_close_matches(value, list(choices), n=5, cutoff=cutoff):
            if choices[m] not in hits:
                hits.append(choices[m])
        hits = hits[:3]
    if not hits:
        return ""
    shown = shown or {}
    out = " or ".join(f"'{h}'" + (f" ({shown[h]})" if h in shown else "") for h in hits)
    return f"; did you mean {out}?"


# ---------------------------------------------------------------------------
# Schema errors as messages an editor can act on


def _expected(s: dict, fallback: str = "") -> str:
    return s.get("x-expected") or fallback


def _field_expected(root: dict, prop: dict) -> str:
    """What a field expects: its x-expected, else its $ref's, else its description."""
    ref = prop.get("$ref", "")
    target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}) if ref.startswith("#/$defs/") else {}
    exp = prop.get("x-expected") or target.get("x-expected") or prop.get("description") or target.get("description") or ""
    return (exp[:1].lower() + exp[1:]).rstrip(".")


def schema_problems(doc: Document, schema_name: str) -> list[Problem]:
    out = []
    for err in validator(schema_name).iter_errors(doc.data):
        path = tuple(err.absolute_path)
        line, col = doc.where(path)
        v, inst, s = err.validator, err.instance, err.schema
        if v == "required":
            props = s.get("properties", {})
            for name in [r for r in err.validator_value if isinstance(inst, dict) and r not in inst]:
                # A conditional (if/then/else) says what it expects; a record's schema, per field.
                exp = _expected(s) if "properties" not in s else _field_expected(schema(schema_name), props.get(name, {}))
                out.append(_p(doc, path, f"missing field '{name}'" + (f" (expected {exp})" if exp else "")))
            continue
        if v == "additionalProperties":
            allowed = list(s.get("properties", {}))
            for extra in [k for k in inst if k not in allowed]:
                hint = did_you_mean(extra, {a: a for a in allowed}) or _belongs_inside(schema(schema_name), s, extra)
                line, col = doc.key_where(path + (extra,))
                out.append(Problem(doc.file, line, col, where(doc.data, path),
                                   f"unknown field '{extra}' (expected one of: {', '.join(allowed)}){hint}"))
            continue
        if v == "enum":
            opts = [str(o) for o in err.validator_value]
            hint = did_you_mean(inst, {o: o for o in opts})
            msg = f"{_show(inst)} is not allowed (expected one of: {', '.join(opts)}){hint}"
        elif v == "const":
            msg = f"{_show(inst)} is not allowed (expected {err.validator_value!r})"
        elif v == "type":
            want = err.validator_value
            found = f"{_show(inst)} is {_kind(inst)}" if isinstance(inst, (str, int, float)) else f"found {_show(inst)}"
            msg = f"{found} (expected {_expected(s, _type_words(want))})"
        elif v == "pattern":
            msg = f"{_show(inst)} does not have the expected form (expected {_expected(s, 'text matching ' + s['pattern'])})"
        elif v in ("minLength", "minItems"):
            msg = f"{_show(inst)} is empty (expected {_expected(s, 'a value')})"
        elif v == "uniqueItems":
            seen, dup = set(), None
            for x in inst:
                key = json.dumps(x, sort_keys=True, ensure_ascii=False)
                if key in seen:
                    dup = x
                    break
                seen.add(key)
            msg = f"{_show(dup)} is listed twice (expected each value once)"
        elif v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            msg = f"{_show(inst)} is out of range (expected {_expected(s, f'{v} {err.validator_value}')})"
        elif v == "not":
            msg = f"not allowed here (expected {_expected(s, 'something else')})"
        elif v == "anyOf":
            msg = f"none of the allowed forms matches (expected {_expected(s, 'one of the forms in the schema')})"
        else:
            msg = err.message
        out.append(Problem(doc.file, line, col, where(doc.data, path), msg))
    return out


def _belongs_inside(root: dict, s: dict, key: str) -> str:
    """A hint for a field written one level too far left: the block of this record it belongs in."""
    for name, prop in s.get("properties", {}).items():
        ref = prop.get("$ref", "")
        target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}) if ref.startswith("#/$defs/") else prop
        if key in target.get("properties", {}):
            return f"; '{key}' belongs inside '{name}': indent it under '{name}:'"
    return ""


def _p(doc: Document, path: tuple, message: str, key: bool = False) -> Problem:
    line, col = doc.key_where(path) if key else doc.where(path)
    return Problem(doc.file, line, col, where(doc.data, path), message)


def _show(x: Any) -> str:
    if isinstance(x, str):
        return f"'{x}'" if len(x) <= 60 else f"'{x[:57]}…'"
    if isinstance(x, (dict, list)):
        return "a mapping" if isinstance(x, dict) else "a list"
    return repr(x) if x is not None else "an empty value"


def _kind(x: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping", type(None): "empty"}.get(type(x), type(x).__name__)


def _type_words(t: Any) -> str:
    words = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
             "object": "a mapping of fields", "boolean": "true or false"}
    return " or ".join(words.get(x, x) for x in (t if isinstance(t, list) else [t]))


# ---------------------------------------------------------------------------
# Cross-file rules. Each takes the loaded documents and yields problems; each
# tolerates records of the wrong shape (the schema has reported those already).


def records(doc: Document | None, key: str) -> Iterator[tuple[int, dict]]:
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get(key), list):
        return
    for i, rec in enumerate(doc.data[key]):
        if isinstance(rec, dict):
            yield i, rec


def strings(rec: dict, key: str) -> list[tuple[int, str]]:
    vals = rec.get(key)
    return [(i, v) for i, v in enumerate(vals) if isinstance(v, str)] if isinstance(vals, list) else []


class Registry:
    """What the other files may refer to: agencies with all their spellings, themes, tasks, items, sources;
    and the folder of the source documents (``data/sources/``) when there is one."""

    def __init__(self, docs: dict[str, Document | None], data_dir: Path | None = None):
        # A data folder without sources/ (an excerpt in tests) is not compared with the documents;
        # data/ itself always is, so that removing the documents does not turn the comparison off.
        sources_dir = Path(data_dir) / "sources" if data_dir is not None else None
        is_data = data_dir is not None and Path(data_dir).resolve() == DATA.resolve()
        self.sources_dir = sources_dir if sources_dir is not None and (sources_dir.is_dir() or is_data) else None
        self.agencies: dict[str, dict] = {}
        self.spelling: dict[str, str] = {}  # any id, name, short or alias -> id
        for _, rec in records(docs["agencies"], "agencies"):
            aid = rec.get("id")
            if isinstance(aid, str) and aid not in self.agencies:
                self.agencies[aid] = rec
                for s in [aid, rec.get("name"), rec.get("short"), *(a for _, a in strings(rec, "aliases"))]:
                    if isinstance(s, str):
                        self.spelling.setdefault(s, aid)
        self.compounds: dict[str, list[str]] = {}
        for _, rec in records(docs["agencies"], "compound_names"):
            if isinstance(rec.get("text"), str) and isinstance(rec.get("units"), list):
                self.compounds.setdefault(rec["text"], [u for u in rec["units"] if isinstance(u, str)])
        self.themes = {rec["id"]: rec for _, rec in records(docs["themes"], "themes") if isinstance(rec.get("id"), str)}
        self.tasks = {rec["number"]: rec for _, rec in records(docs["tasks"], "tasks") if _is_int(rec.get("number"))}
        # Items as progress reports name them (Item.key): key -> (kind of file, record)
        self.items: dict[str, tuple[str, dict]] = {f"task-{n}": ("tasks", rec) for n, rec in self.tasks.items()}
        for _, rec in records(docs["measures"], "measures"):
            if isinstance(rec.get("id"), str):
                self.items.setdefault(rec["id"], ("measures", rec))
        self.sources = {rec["id"]: rec for _, rec in records(docs["sources"], "sources") if isinstance(rec.get("id"), str)}
        # A file counts as present when its main list (named as the file's kind) has a record;
        # otherwise its problems are reported once, not again at every reference to it.
        self.have = {k: any(True for _ in records(docs[k], k)) for k in docs}

    def short(self, aid: str) -> str:
        rec = self.agencies.get(aid, {})
        return rec.get("short") or rec.get("name") or aid

    def spellings_of(self, aid: str) -> set[str]:
        rec = self.agencies.get(aid, {})
        out = {s for s in [rec.get("name"), rec.get("short"), *(a for _, a in strings(rec, "aliases"))] if isinstance(s, str)}
        out |= {text for text, units in self.compounds.items() if aid in units}
        return out

    def unit_problem(self, value: str) -> str | None:
        if value in self.agencies:
            return None
        hint = did_you_mean(value, self.spelling, {a: self.short(a) for a in self.agencies})
        return f"unknown unit '{value}' (expected an agency id from data/agencies.yaml){hint}"


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


def rule_theme_references(docs, reg) -> Iterator[Problem]:
    """Every theme of a task or a section is in data/themes.yaml."""
    if not reg.have["themes"]:
        return
    theme_names = {}
    for tid, t in reg.themes.items():
        for s in (tid, t.get("name"), t.get("en")):
            if isinstance(s, str):
                theme_names[s] = tid
    for kind, key in [("tasks", "tasks"), ("measures", "sections")]:
        for i, rec in records(docs[kind], key):
            t = rec.get("theme")
            if isinstance(t, str) and t not in reg.themes:
                yield _p(docs[kind], (key, i, "theme"), f"unknown theme '{t}' (expected one of: {', '.join(map(str, reg.themes))}){did_you_mean(t, theme_names)}")


def rule_section_references(docs, reg) -> Iterator[Problem]:
    """A measure's section exists, and its subsection is one of that section's (or absent when it has none)."""
    doc = docs["measures"]
    sections: dict[int, dict] = {}
    for _, rec in records(doc, "sections"):
        if _is_int(rec.get("number")):
            sections.setdefault(rec["number"], rec)
    for i, rec in records(doc, "measures"):
        sec, sub = rec.get("section"), rec.get("subsection")
        if not _is_int(sec):
            continue
        if sec not in sections:
            yield _p(doc, ("measures", i, "section"), f"unknown section {sec} (expected one of: {', '.join(map(str, sections))})")
            continue
        subs = list(dict.fromkeys(s.get("number") for _, s in records_in(sections[sec], "subsections") if _is_int(s.get("number"))))
        if subs and sub is None:
            yield _p(doc, ("measures", i), f"missing field 'subsection' (expected one of section {sec}'s subsections: {', '.join(map(str, subs))})")
        elif sub is not None and sub not in subs:
            yield _p(doc, ("measures", i, "subsection"), f"unknown subsection {sub} of section {sec} (expected {'one of: ' + ', '.join(map(str, subs)) if subs else 'no subsection: this section has none'})")


def rule_related_tasks(docs, reg) -> Iterator[Problem]:
    """A measure's related tasks are tasks of the task division."""
    if not reg.have["tasks"]:
        return
    doc = docs["measures"]
    for i, rec in records(doc, "measures"):
        if isinstance(rec.get("related_tasks"), list):
            for j, n in enumerate(rec["related_tasks"]):
                if _is_int(n) and n not in reg.tasks:
                    yield _p(doc, ("measures", i, "related_tasks", j), f"unknown task {n} (expected a task number from data/plan/tasks.yaml, 1 to {max(reg.tasks, default=0)})")


def rule_measure_id(docs, reg) -> Iterator[Problem]:
    """A measure's id names its section and subsection."""
    doc = docs["measures"]
    for i, rec in records(doc, "measures"):
        mid, sec, sub = rec.get("id"), rec.get("section"), rec.get("subsection")
        if not (isinstance(mid, str) and isinstance(sec, int)):
            continue
        prefix = f"m{sec}-{sub}-" if sub is not None else f"m{sec}-"
        if not mid.startswith(prefix) or not mid[len(prefix):].isdigit():
            yield _p(doc, ("measures", i, "id"), f"id '{mid}' does not match section {sec}" + (f", subsection {sub}" if sub is not None else "") + f" (expected {prefix}<n>)")


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


def rule_schedules(docs, reg) -> Iterator[Problem]:
    """A schedule's parsed form agrees with its words; years fall in the plan period."""
    doc = docs["tasks"]
    if doc is None or not isinstance(doc.data, dict):
        return
    period = _mapping(_mapping(doc.data.get("document")).get("period"))
    start, end = period.get("start"), period.get("end")
    for i, rec in records(doc, "tasks"):
        sch = rec.get("schedule")
        if not isinstance(sch, dict):
            continue
        written, kind, year = sch.get("as_written"), sch.get("kind"), sch.get("year")
        if isinstance(year, int) and isinstance(start, int) and isinstance(end, int) and not start <= year <= end:
            yield _p(doc, ("tasks", i, "schedule", "year"), f"year {year} is outside the plan period (expected {start} to {end})")
        if not isinstance(written, str):
            continue
        m = SCHEDULE_RE.match(written)
        if not m:
            yield _p(doc, ("tasks", i, "schedule", "as_written"), f"schedule '{written}' has an unknown form (expected 持续推进, N年完成 or N年基本完成, as the document writes it)")
            continue
        want_kind = "ongoing" if not m["year"] else ("basic" if m["basic"] else "complete")
        want_year = int(m["year"]) if m["year"] else None
        if kind in ("ongoing", "complete", "basic") and (kind != want_kind or (isinstance(year, int) and year != want_year)):
            exp = f"kind: {want_kind}" + (f", year: {want_year}" if want_year else ", no year")
            yield _p(doc, ("tasks", i, "schedule"), f"schedule '{written}' does not agree with kind: {kind}" + (f", year: {year}" if year is not None else "") + f" (expected {exp})")


def rule_targets_and_deadlines(docs, reg) -> Iterator[Problem]:
    """Targets and time phrases are words of the measure; dates fall in the plan's year."""
    doc = docs["measures"]
    if doc is None or not isinstance(doc.data, dict):
        return
    year = _mapping(doc.data.get("document")).get("year")
    for i, rec in records(doc, "measures"):
        text = rec.get("text") if isinstance(rec.get("text"), str) else None
        dl = rec.get("deadline")
        places = [(("deadline",), dl, "date", "as_written")] if isinstance(dl, dict) else []
        for j, t in records_in(rec, "targets"):
            places.append((("targets", j), t, "due", "due_as_written"))
            if text is not None and isinstance(t.get("text"), str) and t["text"] not in text:
                yield _p(doc, ("measures", i, "targets", j, "text"), f"target text '{t['text']}' is not in the measure's text (expected words copied from the text)")
        for sub, obj, date_field, phrase_field in places:
            d, phrase = obj.get(date_field), obj.get(phrase_field)
            if isinstance(d, str) and isinstance(year, int) and re.match(r"^\d{4}-", d) and int(d[:4]) != year:
                yield _p(doc, ("measures", i, *sub, date_field), f"date {d} is outside the action plan's year (expected a date in {year})")
            if isinstance(phrase, str) and text is not None and phrase not in text:
                yield _p(doc, ("measures", i, *sub, phrase_field), f"'{phrase}' is not in the measure's text (expected a time phrase the text uses)")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _mapping(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def records_in(rec: dict, key: str) -> Iterator[tuple[int, dict]]:
    vals = rec.get(key)
    if isinstance(vals, list):
        for j, v in enumerate(vals):
            if isinstance(v, dict):
                yield j, v


# ---------------------------------------------------------------------------
# Fidelity: the verbatim fields are the words of the documents in data/sources/


def _source_document(docs, reg, kind: str) -> tuple[Path | None, list[Problem]]:
    """The source document named by the file's ``document.source``, when it is compared."""
    doc = docs[kind]
    if reg.sources_dir is None or doc is None or not isinstance(doc.data, dict):
        return None, []
    source = _mapping(doc.data.get("document")).get("source")
    if not isinstance(source, str):
        return None, []
    path = reg.sources_dir / Path(source).name
    if not path.is_file():
        return None, [_p(doc, ("document", "source"), f"source document '{source}' is missing (expected the document's text"
                                                      f" in data/sources/, to compare the data with)")]
    return path, []


def _source_line(path: Path, words: str) -> int:
    """The line of the source document that holds ``words`` (0 when none does)."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if words and words in line:
            return n
    return 0


def _differs(doc: Document, path: tuple, field: str, data: Any, source: str, src_path: Path, src_line: int) -> Iterator[Problem]:
    """A verbatim field that is not the document's words: where it first differs, both wordings side by side."""
    if not isinstance(data, str) or data == source:
        return
    op = next(o for o in difflib.SequenceMatcher(None, data, source, autojunk=False).get_opcodes() if o[0] != "equal")
    _, i1, i2, j1, j2 = op

    def window(text: str, a: int, b: int, ctx: int = 8) -> str:
        start, end = max(0, a - ctx), min(len(text), b + ctx)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

    where_src = f"data/sources/{src_path.name}" + (f" line {src_line}" if src_line else "")
    yield _p(doc, path, f"{field} differs from the source document at character {i1 + 1}: here '{window(data, i1, i2)}',"
                        f" the document '{window(source, j1, j2)}' (expected the document's words, {where_src})")


def rule_fidelity_tasks(docs, reg) -> Iterator[Problem]:
    """Each task's number, text, units as written and schedule as written are the task division's."""
    src_path, problems = _source_document(docs, reg, "tasks")
    yield from problems
    if src_path is None:
        return
    from .sources import parse_task_division

    doc = docs["tasks"]
    rows = {r.number: r for r in parse_task_division(src_path)}
    seen = set()
    for i, rec in records(doc, "tasks"):
        n = rec.get("number")
        if not _is_int(n):
            continue
        seen.add(n)
        row = rows.get(n)
        if row is None:
            yield _p(doc, ("tasks", i, "number"), f"task {n} is not in the source document (expected a task number of"
                                                  f" data/sources/{src_path.name}: 1 to {max(rows, default=0)})")
            continue
        yield from _differs(doc, ("tasks", i, "text"), "text", rec.get("text"), row.text, src_path, row.line)
        yield from _differs(doc, ("tasks", i, "units_as_written"), "units_as_written", rec.get("units_as_written"),
                            row.units_text, src_path, row.line)
        schedule = rec.get("schedule")
        if isinstance(schedule, dict):
            yield from _differs(doc, ("tasks", i, "schedule", "as_written"), "schedule.as_written", schedule.get("as_written"),
                                row.schedule, src_path, row.line)
    for n in sorted(set(rows) - seen):
        yield _p(doc, ("tasks",), f"task {n} of the source document (line {rows[n].line}) is missing"
                                  f" (expected every task of data/sources/{src_path.name})")


def _source_measure_ids(plan) -> list[str]:
    """The ids the measures of the parsed action plan have: m<section>-<subsection>-<n> or m<section>-<n>."""
    ids, ordinal = [], Counter()
    for m in plan.measures:
        ordinal[(m.section, m.subsection)] += 1
        ids.append(f"m{m.section}-" + (f"{m.subsection}-" if m.subsection else "") + str(ordinal[(m.section, m.subsection)]))
    return ids


def rule_fidelity_action_plan(docs, reg) -> Iterator[Problem]:
    """The preamble, headings, and each measure's text and attribution are the action plan's."""
    src_path, problems = _source_document(docs, reg, "measures")
    yield from problems
    if src_path is None:
        return
    from .sources import parse_action_plan

    doc = docs["measures"]
    try:
        plan = parse_action_plan(src_path)
    except (ValueError, IndexError) as exc:
        yield _p(doc, ("document", "source"), f"the source document cannot be read: {exc} (expected the action plan's layout)")
        return
    if isinstance(doc.data, dict):
        yield from _differs(doc, ("preamble",), "preamble", doc.data.get("preamble"), plan.preamble, src_path,
                            _source_line(src_path, plan.preamble))
    headings = {s.number: s for s in plan.sections}
    for i, rec in records(doc, "sections"):
        src = headings.get(rec.get("number")) if _is_int(rec.get("number")) else None
        if src is None:
            continue
        yield from _differs(doc, ("sections", i, "heading"), "heading", rec.get("heading"), src.heading, src_path,
                            _source_line(src_path, src.heading))
        subs = dict(src.subsections)
        for j, sub in records_in(rec, "subsections"):
            if _is_int(sub.get("number")) and sub["number"] in subs:
                yield from _differs(doc, ("sections", i, "subsections", j, "heading"), "heading", sub.get("heading"),
                                    subs[sub["number"]], src_path, _source_line(src_path, subs[sub["number"]]))
    measures = dict(zip(_source_measure_ids(plan), plan.measures, strict=True))
    seen = set()
    for i, rec in records(doc, "measures"):
        mid = rec.get("id")
        if not isinstance(mid, str):
            continue
        seen.add(mid)
        src = measures.get(mid)
        if src is None:
            yield _p(doc, ("measures", i, "id"), f"measure {mid} is not in the source document (expected the id of a measure of"
                                                 f" data/sources/{src_path.name}, numbered in its section and subsection)")
            continue
        line = _source_line(src_path, src.text[:40])
        yield from _differs(doc, ("measures", i, "text"), "text", rec.get("text"), src.text, src_path, line)
        yield from _differs(doc, ("measures", i, "attribution"), "attribution", rec.get("attribution"), src.attribution, src_path, line)
    for mid in [m for m in measures if m not in seen]:
        yield _p(doc, ("measures",), f"measure {mid} of the source document is missing (expected every measure of data/sources/{src_path.name})")


# ---------------------------------------------------------------------------
# Progress reports (data/progress.yaml) and their sources (data/sources.yaml)


def today() -> date:
    return date.today()


def _iso(x: Any) -> date | None:
    """The date of a YYYY-MM-DD text, or None (the schema reports the form; ``rule_real_dates`` a day that does not exist)."""
    if isinstance(x, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", x):
        try:
            return date.fromisoformat(x)
        except ValueError:
            return None
    return None


def _dated_fields(docs) -> Iterator[tuple[Document, tuple, Any]]:
    """Every date of the progress and sources files: (document, path, value)."""
    p = docs["progress"]
    if p is not None and isinstance(p.data, dict):
        yield p, ("reviewed", "date"), _mapping(p.data.get("reviewed")).get("date")
    for i, rec in records(p, "reports"):
        yield p, ("reports", i, "as_of"), rec.get("as_of")
        for j, v in records_in(rec, "values"):
            yield p, ("reports", i, "values", j, "as_of"), v.get("as_of")
    for i, rec in records(docs["sources"], "sources"):
        yield docs["sources"], ("sources", i, "date"), rec.get("date")


def rule_real_dates(docs, reg) -> Iterator[Problem]:
    """A date of the right form is a day of the calendar (2021-02-30 is not)."""
    for doc, path, value in _dated_fields(docs):
        if isinstance(value, str) and re.fullmatch(r"20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", value) and _iso(value) is None:
            yield _p(doc, path, f"{value} is not a day of the calendar (expected a date that exists, written YYYY-MM-DD)")


def rule_dates_not_in_the_future(docs, reg) -> Iterator[Problem]:
    """No report, value or review is dated after today."""
    now = today()
    for doc, path, value in _dated_fields(docs):
        d = _iso(value)
        if d is not None and d > now:
            yield _p(doc, path, f"{path[-1]} {value} is in the future (expected a date no later than today)")


def rule_report_item(docs, reg) -> Iterator[Problem]:
    """A report is about an item of the documents."""
    if not (reg.have["tasks"] or reg.have["measures"]):
        return
    doc = docs["progress"]
    spell = {k: k for k in reg.items}
    for n in reg.tasks:
        for s in (str(n), f"task{n}", f"task {n}", f"task_{n}", f"任务{n}"):
            spell.setdefault(s, f"task-{n}")
    for k in list(reg.items):
        if k.startswith("m"):
            spell.setdefault(k[1:].replace("-", "."), k)  # 1.1.1 as the site's titles write it
    for i, rec in records(doc, "reports"):
        key = rec.get("item")
        if isinstance(key, str) and key not in reg.items:
            yield _p(doc, ("reports", i, "item"), f"unknown item '{key}' (expected an item key as on the site: task-N for a task,"
                                                  f" a measure id such as m1-1-1){did_you_mean(key, spell)}")


def _document_start(docs, kind: str) -> tuple[int | None, str]:
    """The first year an item of this file can have progress (we know only the year the document was issued), and the title."""
    doc = docs[kind]
    meta = _mapping(doc.data.get("document")) if doc is not None and isinstance(doc.data, dict) else {}
    year = _mapping(meta.get("period")).get("start") if kind == "tasks" else meta.get("year")
    return (year if _is_int(year) else None), str(meta.get("title") or kind)


def rule_report_before_document(docs, reg) -> Iterator[Problem]:
    """A report is not dated before its item's document was issued."""
    doc = docs["progress"]
    for i, rec in records(doc, "reports"):
        d, item = _iso(rec.get("as_of")), reg.items.get(rec.get("item")) if isinstance(rec.get("item"), str) else None
        if d is None or item is None:
            continue
        year, title = _document_start(docs, item[0])
        if year is not None and d < date(year, 1, 1):
            yield _p(doc, ("reports", i, "as_of"), f"as_of {rec['as_of']} is before {rec['item']}'s document, 《{title}》, was issued"
                                                   f" (expected a date from {year}-01-01: only the document's year, {year}, is known)")


def rule_report_dates_unique(docs, reg) -> Iterator[Problem]:
    """An item has at most one report per date."""
    doc, seen = docs["progress"], {}
    for i, rec in records(doc, "reports"):
        key = (rec.get("item"), rec.get("as_of"))
        if not all(isinstance(x, str) for x in key):
            continue
        if key in seen:
            yield _p(doc, ("reports", i, "as_of"), f"a second report of {key[0]} dated {key[1]}, first at line {doc.where(('reports', seen[key]))[0]}"
                                                   " (expected one report per item and date: merge them, or correct the date)")
        else:
            seen[key] = i


def rule_citations(docs, reg) -> Iterator[Problem]:
    """Every cited source is in data/sources.yaml."""
    doc = docs["progress"]
    spell = {}
    for sid, rec in reg.sources.items():
        for s in (sid, rec.get("title"), rec.get("doc_number")):
            if isinstance(s, str):
                spell.setdefault(s, sid)
    for i, rec in records(doc, "reports"):
        for j, c in records_in(rec, "evidence"):
            sid = c.get("source")
            if isinstance(sid, str) and sid not in reg.sources:
                known = "a source id from data/sources.yaml" if reg.sources else "a source added to data/sources.yaml first: it has none"
                yield _p(doc, ("reports", i, "evidence", j, "source"), f"unknown source '{sid}' (expected {known}){did_you_mean(sid, spell)}")


def rule_target_values(docs, reg) -> Iterator[Problem]:
    """A value is of one of the item's targets, in the target's unit."""
    doc = docs["progress"]
    for i, rec in records(doc, "reports"):
        item = reg.items.get(rec.get("item")) if isinstance(rec.get("item"), str) else None
        if item is None:
            continue
        targets = {t["text"]: t for _, t in records_in(item[1], "targets") if isinstance(t.get("text"), str)}
        for j, v in records_in(rec, "values"):
            text, unit = v.get("target"), v.get("unit")
            if not isinstance(text, str):
                continue
            if text not in targets:
                if targets:
                    exp = "one of its targets' text, as in data/action-2020/measures.yaml: " + ", ".join(f"'{t}'" for t in targets)
                else:
                    exp = "no values: it has no numeric target"
                yield _p(doc, ("reports", i, "values", j, "target"), f"{rec['item']} has no target '{text}' (expected {exp})"
                                                                     f"{did_you_mean(text, {t: t for t in targets})}")
            elif isinstance(unit, str) and isinstance(targets[text].get("unit"), str) and unit != targets[text]["unit"]:
                yield _p(doc, ("reports", i, "values", j, "unit"), f"unit '{unit}' is not the target's unit"
                                                                   f" (expected '{targets[text]['unit']}', as the target is counted)")


def rule_reviewed_after_reports(docs, reg) -> Iterator[Problem]:
    """The data's reviewed date is not earlier than its newest report."""
    doc = docs["progress"]
    if doc is None or not isinstance(doc.data, dict):
        return
    reviewed = _iso(_mapping(doc.data.get("reviewed")).get("date"))
    now = today()  # a report dated in the future is reported as such, not again here
    dated = [(d, i) for i, rec in records(doc, "reports") if (d := _iso(rec.get("as_of"))) is not None and d <= now]
    if reviewed is None or not dated:
        return
    newest, i = max(dated, key=lambda x: (x[0], -x[1]))
    if reviewed < newest:
        yield _p(doc, ("reviewed", "date"), f"reviewed date {reviewed} is earlier than the newest report, {newest} at line {doc.where(('reports', i))[0]}"
                                            " (expected the date of the review that added the newest report, or later)")


# ---------------------------------------------------------------------------
# Warnings: printed by ``make check``, but the data passes and the site builds


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


WARNING_RULES = [rule_unused_units]

RULES = [rule_unique, rule_aliases, rule_unit_references, rule_theme_references, rule_section_references,
         rule_related_tasks, rule_measure_id, rule_units_once,
         rule_units_as_written, rule_schedules, rule_targets_and_deadlines,
         rule_real_dates, rule_dates_not_in_the_future, rule_report_item, rule_report_before_document,
         rule_report_dates_unique, rule_citations, rule_target_values, rule_reviewed_after_reports,
         rule_fidelity_tasks, rule_fidelity_action_plan]


# ---------------------------------------------------------------------------


def check(data_dir: Path = DATA, shown_prefix: str = "data") -> tuple[dict[str, Document | None], list[Problem]]:
    """Load and check every data file. Returns the documents and every problem found."""
    docs: dict[str, Document | None] = {}
    problems: list[Problem] = []
    for kind, (rel, schema_name) in FILES.items():
        doc, probs = load_yaml(Path(data_dir) / rel, f"{shown_prefix}/{rel}")
        if doc is not None:  # name the record as the other messages do: "task 5 › text"
            probs = [dataclasses.replace(x, where=where(doc.data, x.path)) if x.path is not None else x for x in probs]
        problems += probs
        if doc is not None:
            problems += schema_problems(doc, schema_name)
        docs[kind] = doc
    reg = Registry(docs, Path(data_dir))
    for rule in RULES:
        problems += list(rule(docs, reg))
    return docs, sorted(one_message_per_mistake(problems))


LOOKUPS = ("unknown unit ", "unknown item ", "unknown source ")


def one_message_per_mistake(problems: list[Problem]) -> set[Problem]:
    """A unit, item or source that is not an id (e.g. a Chinese name) fails the schema's id form and
    the registry lookup at the same place: keep only the lookup, which says what to write."""
    unknown = {(p.file, p.line, p.col) for p in problems if p.message.startswith(LOOKUPS)}
    return {p for p in problems
            if not ((p.file, p.line, p.col) in unknown and "does not have the expected form" in p.message)}


def warnings(docs: dict[str, Document | None]) -> list[Problem]:
    """What ``make check`` warns about (``check`` returned the documents)."""
    reg = Registry(docs)
    return sorted(w for rule in WARNING_RULES for w in rule(docs, reg))


def load_checked(data_dir: Path = DATA):
    """The checked model, or ``DataError`` listing every problem."""
    from .model import build_model

    docs, problems = check(data_dir)
    if problems:
        raise DataError(problems)
    return build_model(docs)


def _gh_escape(text: str, prop: bool = False) -> str:
    """Escape a value for a GitHub workflow command (its ``%``, line breaks, and in properties ``:`` and ``,``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def annotations(problems: list[Problem], warned: list[Problem] = ()) -> list[str]:
    """Each problem as a GitHub workflow command, which GitHub shows on that line of the pull request's files."""
    out = []
    for level, group in (("error", problems), ("warning", warned)):
        for p in sorted(group):
            out.append(f"::{level} file={_gh_escape(shown(p.file), True)},line={p.line},col={p.col},"
                       f"title={_gh_escape(shown(p.where), True)}::{_gh_escape(shown(p.message))}")
    return out


def annotate(problems: list[Problem], warned: list[Problem] = ()) -> None:
    """In GitHub Actions (``GITHUB_ACTIONS=true``), also print the annotations (editors on the web editor
    see each message on the changed line of the pull request, without opening the log)."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in annotations(problems, warned):
            print(line)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data_dir = Path(argv[0]) if argv else DATA
    docs, problems = check(data_dir)
    warned = [] if problems else warnings(docs)  # the errors first: a broken file makes false warnings
    if problems:
        print(report(problems, warned))
        annotate(problems, warned)
        return 1
    for w in warned:
        print(w)
    annotate([], warned)
    d = {k: v.data for k, v in docs.items()}
    print(f"data OK: {len(d['tasks']['tasks'])} tasks, {len(d['measures']['measures'])} measures, "
          f"{len(d['agencies']['agencies'])} agencies, {len(d['themes']['themes'])} themes; {_count([], warned)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
