"""The data checker: JSON Schema for shapes, then cross-file rules, every problem at once.

    python -m shandong.data.check [DATA_DIR]      (``make check``)

Each problem is printed as ``data/<file>.yaml:LINE:COL: <where>: <what> (expected …)``;
a run with problems ends with ``N errors`` and exit status 1. The generate step calls
``load_checked`` and so stops on the same problems.
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from ...config import DATA, FILES
from ..load import Document, Problem, load_yaml
from . import rules_documents, rules_fidelity, rules_progress, rules_units
from .github import annotate, annotations
from .json_schema import schema, schema_problems
from .messages import where
from .registry import Registry

__all__ = ["DATA", "FILES", "RULES", "WARNING_RULES", "DataError", "Registry", "annotate", "annotations", "check",
           "load_checked", "main", "report", "schema", "warnings"]


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



WARNING_RULES = [rules_units.rule_unused_units]

RULES = [rules_units.rule_unique, rules_units.rule_aliases, rules_units.rule_unit_references,
         rules_documents.rule_theme_references, rules_documents.rule_section_references,
         rules_documents.rule_related_tasks, rules_documents.rule_measure_id, rules_documents.rule_titles, rules_units.rule_units_once,
         rules_units.rule_units_as_written, rules_documents.rule_schedules, rules_documents.rule_targets_and_deadlines,
         rules_progress.rule_real_dates, rules_progress.rule_dates_not_in_the_future, rules_progress.rule_report_item,
         rules_progress.rule_report_before_document, rules_progress.rule_report_dates_unique, rules_progress.rule_citations,
         rules_progress.rule_target_values, rules_progress.rule_reviewed_after_reports,
         rules_fidelity.rule_fidelity_tasks, rules_fidelity.rule_fidelity_action_plan]

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
    """One message per mistake:
    - a unit, item or source that is not an id (e.g. a Chinese name) fails the schema's id form and the
      registry lookup at the same place: keep only the lookup, which says what to write;
    - a text that differs from the source document no longer holds its short title's words: keep only the
      text's message (fixing the text fixes both)."""
    unknown = {(p.file, p.line, p.col) for p in problems if p.message.startswith(LOOKUPS)}
    miscopied = {(p.file, p.path[:-1]) for p in problems
                 if p.path and p.path[-1] == "text" and "differs from the source document" in p.message}
    return {p for p in problems
            if not ((p.file, p.line, p.col) in unknown and "does not have the expected form" in p.message)
            and not (p.path and p.path[-1] == "title" and (p.file, p.path[:-1]) in miscopied)}


def warnings(docs: dict[str, Document | None]) -> list[Problem]:
    """What ``make check`` warns about (``check`` returned the documents)."""
    reg = Registry(docs)
    return sorted(w for rule in WARNING_RULES for w in rule(docs, reg))


def load_checked(data_dir: Path = DATA):
    """The checked model, or ``DataError`` listing every problem."""
    from ..model import build_model

    docs, problems = check(data_dir)
    if problems:
        raise DataError(problems)
    return build_model(docs)


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
