"""Rules about the documents' structure: themes, sections, related tasks, measure ids, schedules, targets and deadlines."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..load import Problem
from .messages import _p, did_you_mean
from .registry import _is_int, _mapping, records, records_in

SCHEDULE_RE = re.compile(r"^(?:持续推进|(?P<year>\d{4}) ?年(?P<basic>基本)?完成)$")


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




# Characters a short title may add or leave out freely: punctuation, quotes, brackets and spaces.
_TITLE_FREE = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2010-\u206f!-/:-@\[-`{-~]")
OPENING = re.compile("[，。；：]")


def opening_clause(text: str) -> str:
    """An item's opening clause: its text up to the first ，。；or ：."""
    return OPENING.split(text, maxsplit=1)[0]


def _in_order(short: str, clause: str) -> bool:
    """Whether the words of ``short`` (punctuation aside) are characters of ``clause``, in order."""
    rest = iter(_TITLE_FREE.sub("", clause))
    return all(c in rest for c in _TITLE_FREE.sub("", short))


def rule_titles(docs, reg) -> Iterator[Problem]:
    """An item's short title (editorial) is taken from its opening clause: its words in their order, some left out."""
    for kind, key, label in (("tasks", "tasks", "task"), ("measures", "measures", "measure")):
        doc = docs[kind]
        for i, rec in records(doc, key):
            title, text = rec.get("title"), rec.get("text")
            if not (isinstance(title, str) and isinstance(text, str)) or _in_order(title, opening_clause(text)):
                continue
            clause = opening_clause(text)
            hint = f"; did you mean '{clause}'?" if len(clause) <= 24 else ""
            yield _p(doc, (key, i, "title"), f"title '{title}' is not taken from the {label}'s opening clause '{clause}'"
                                             f" (expected the clause's own words in their order: a short title may leave words"
                                             f" out, but not add or change any){hint}")
