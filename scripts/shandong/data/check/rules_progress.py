"""Progress reports (data/progress.yaml) and their sources (data/sources.yaml)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from ..load import Document, Problem
from ..model import measure_number, task_key
from .messages import _p, did_you_mean
from .registry import _is_int, _mapping, records, records_in


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
            spell.setdefault(s, task_key(n))
    for k in list(reg.items):
        if k.startswith("m"):
            spell.setdefault(measure_number(k), k)  # 1.1.1 as the site's titles write it
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


