"""Parse the two source documents kept in ``data/sources/``.

This parser reads the documents themselves, independently of ``data/``; the fidelity
tests compare what it finds with the YAML so that a transcription slip fails a test.
It knows the documents' layout (tab-separated rows; numbered sections and
subsections closed by full-width attributions) but nothing about the registry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import DATA
from .model import CN_NUMERALS

SOURCES = DATA / "sources"
TASK_DIVISION = SOURCES / "数字山东发展规划（2018-2022年）重点任务分工.txt"
ACTION_PLAN = SOURCES / "数字山东2020行动方案.txt"

# Role words closing a clause of an attribution, longest first.
ROLE_WORDS = (
    ("分别牵头", "lead"),
    ("牵头", "lead"),
    ("配合", "support"),
    ("按职责分工负责", "responsible"),
    ("分工负责", "responsible"),
    ("负责", "responsible"),
)


@dataclass
class TaskRow:
    number: int
    text: str
    units_text: str
    schedule: str
    line: int


def parse_task_division(path: Path = TASK_DIVISION) -> list[TaskRow]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        cells = line.split("\t")
        if len(cells) == 4 and cells[0].isdigit():
            rows.append(TaskRow(int(cells[0]), cells[1], cells[2], cells[3], lineno))
    return rows


@dataclass
class Clause:
    names: list[str]
    role: str | None  # None: a clause with no role word of its own
    role_word: str | None
    open: bool  # the list ends in 等 / 等有关部门


@dataclass
class SourceMeasure:
    section: int
    subsection: int | None
    text: str
    attribution: str
    clauses: list[Clause]


@dataclass
class SourceSection:
    number: int
    heading: str
    subsections: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ActionPlan:
    preamble: str
    sections: list[SourceSection]
    measures: list[SourceMeasure]


def is_attribution(inner: str) -> bool:
    """A parenthesis is an attribution when it ends with a role word."""
    return any(inner.endswith(word) for word, _ in ROLE_WORDS)


def parse_clause(clause: str) -> Clause:
    word, role = next(((w, r) for w, r in ROLE_WORDS if clause.endswith(w)), (None, None))
    names_text = clause[: -len(word)] if word else clause
    is_open = False
    for tail in ("等有关部门", "等"):
        if names_text.endswith(tail):
            names_text, is_open = names_text[: -len(tail)], True
            break
    return Clause(names_text.split("、"), role, word, is_open)


def split_measures(body: str) -> list[tuple[str, str]]:
    """Split a paragraph into (text, attribution) pairs at attribution parentheses."""
    out, start, pos = [], 0, 0
    while True:
        open_at = body.find("（", pos)
        if open_at < 0:
            break
        close_at = body.find("）", open_at)
        inner = body[open_at + 1 : close_at]
        if is_attribution(inner):
            out.append((body[start:open_at], inner))
            start = close_at + 1
        pos = close_at + 1
    if body[start:].strip():
        raise ValueError(f"text after the last attribution: {body[start:]!r}")
    return out


def parse_action_plan(path: Path = ACTION_PLAN) -> ActionPlan:
    lines = [ln.strip("\u3000 ") for ln in path.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    preamble, sections, measures = lines[0], [], []
    section_re = re.compile(rf"^([{CN_NUMERALS}])、(.+)$")
    sub_re = re.compile(rf"^（([{CN_NUMERALS}])）([^。]+)。(.*)$")
    for line in lines[1:]:
        if m := section_re.match(line):
            sections.append(SourceSection(CN_NUMERALS.index(m[1]) + 1, m[2]))
            continue
        section = sections[-1]
        if m := sub_re.match(line):
            number = CN_NUMERALS.index(m[1]) + 1
            section.subsections.append((number, m[2]))
            body = m[3]
        else:
            number, body = None, line
        for text, attribution in split_measures(body):
            clauses = [parse_clause(c) for c in attribution.split("，")]
            measures.append(SourceMeasure(section.number, number, text, attribution, clauses))
    return ActionPlan(preamble, sections, measures)
