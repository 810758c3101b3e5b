"""Fidelity: the verbatim fields are the words of the documents in data/sources/."""
from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..load import Document, Problem
from .messages import _p
from .registry import _is_int, _mapping, records, records_in


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
    from ..sources import parse_task_division

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
    from ..sources import parse_action_plan

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


