"""The data checker: JSON Schema for shapes, then cross-file rules, every problem at once.

    python -m shandong.check [DATA_DIR]      (``make check``)

Each problem is printed as ``data/<file>.yaml:LINE:COL: <where>: <what> (expected …)``;
a run with problems ends with ``N errors`` and exit status 1. The MkDocs build calls
``load_checked`` and so stops on the same problems.
"""
from __future__ import annotations

import difflib
import json
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ROOT
from .load import Document, Problem, load_yaml

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


def report(problems: list[Problem]) -> str:
    lines = [str(p) for p in sorted(problems)]
    n = len(problems)
    lines.append(f"{n} error{'s' if n != 1 else ''}")
    return "\n".join(lines)


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


def did_you_mean(value: Any, choices: dict[str, str], shown: dict[str, str] | None = None) -> str:
    """Suggest close matches. ``choices`` maps every spelling to the id to suggest."""
    if not isinstance(value, str):
        return ""
    if value in choices:
        hits = [choices[value]]
    else:
        hits = []
        for m in difflib.get_close_matches(value, list(choices), n=5, cutoff=0.6):
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
    """What the other files may refer to: agencies with all their spellings, themes, tasks."""

    def __init__(self, docs: dict[str, Document | None]):
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
                             ("measures", "sections", "number"), ("measures", "measures", "id")]:
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


def rule_references(docs, reg) -> Iterator[Problem]:
    """Every unit, theme, section and task referred to exists."""
    if reg.have["agencies"]:
        for kind, key, fields in [("agencies", "compound_names", ["units"]), ("tasks", "tasks", ["units"]),
                                  ("measures", "measures", list(ROLES))]:
            for i, rec in records(docs[kind], key):
                for field in fields:
                    for j, u in strings(rec, field):
                        if msg := reg.unit_problem(u):
                            yield _p(docs[kind], (key, i, field, j), msg)
    if reg.have["themes"]:
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
    doc = docs["measures"]
    sections: dict[int, dict] = {}
    for _, rec in records(doc, "sections"):
        if _is_int(rec.get("number")):
            sections.setdefault(rec["number"], rec)
    for i, rec in records(doc, "measures"):
        sec, sub = rec.get("section"), rec.get("subsection")
        if isinstance(sec, int) and not isinstance(sec, bool):
            if sec not in sections:
                yield _p(doc, ("measures", i, "section"), f"unknown section {sec} (expected one of: {', '.join(map(str, sections))})")
            else:
                subs = list(dict.fromkeys(s.get("number") for _, s in records_in(sections[sec], "subsections") if _is_int(s.get("number"))))
                if subs and sub is None:
                    yield _p(doc, ("measures", i), f"missing field 'subsection' (expected one of section {sec}'s subsections: {', '.join(map(str, subs))})")
                elif sub is not None and sub not in subs:
                    yield _p(doc, ("measures", i, "subsection"), f"unknown subsection {sub} of section {sec} (expected {'one of: ' + ', '.join(map(str, subs)) if subs else 'no subsection: this section has none'})")
        if reg.have["tasks"] and isinstance(rec.get("related_tasks"), list):
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


RULES = [rule_unique, rule_aliases, rule_references, rule_measure_id, rule_units_once,
         rule_units_as_written, rule_schedules, rule_targets_and_deadlines]


# ---------------------------------------------------------------------------


def check(data_dir: Path = DATA, shown_prefix: str = "data") -> tuple[dict[str, Document | None], list[Problem]]:
    """Load and check every data file. Returns the documents and every problem found."""
    docs: dict[str, Document | None] = {}
    problems: list[Problem] = []
    for kind, (rel, schema_name) in FILES.items():
        doc, probs = load_yaml(Path(data_dir) / rel, f"{shown_prefix}/{rel}")
        problems += probs
        if doc is not None:
            problems += schema_problems(doc, schema_name)
        docs[kind] = doc
    reg = Registry(docs)
    for rule in RULES:
        problems += list(rule(docs, reg))
    return docs, sorted(one_message_per_mistake(problems))


def one_message_per_mistake(problems: list[Problem]) -> set[Problem]:
    """A unit that is not an id (e.g. a Chinese name) fails the schema's id form and the
    registry lookup at the same place: keep only the lookup, which says what to write."""
    unknown = {(p.file, p.line, p.col) for p in problems if p.message.startswith("unknown unit ")}
    return {p for p in problems
            if not ((p.file, p.line, p.col) in unknown and "does not have the expected form" in p.message)}


def load_checked(data_dir: Path = DATA):
    """The checked model, or ``DataError`` listing every problem."""
    from .model import build_model

    docs, problems = check(data_dir)
    if problems:
        raise DataError(problems)
    return build_model(docs)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data_dir = Path(argv[0]) if argv else DATA
    docs, problems = check(data_dir)
    if problems:
        print(report(problems))
        return 1
    d = {k: v.data for k, v in docs.items()}
    print(f"data OK: {len(d['tasks']['tasks'])} tasks, {len(d['measures']['measures'])} measures, "
          f"{len(d['agencies']['agencies'])} agencies, {len(d['themes']['themes'])} themes; 0 errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
