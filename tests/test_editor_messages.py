"""The checker from an editor's point of view: one common mistake per fixture, its exact message.

``tests/fixtures/editor/base/`` is a small clean excerpt of the data; every other folder there
repeats one of its files with one deliberate mistake (a misspelt unit, wrong indentation, a
missing field, a deadline in the wrong form, a duplicated task number, a unit listed twice…)
beside ``expected.txt``, the complete output of ``make check`` for it. CONTRIBUTING.md must
explain every kind of message the checker prints, and its walk-through must show the real
checker's answer to a typo in the real data.
"""
from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest

from shandong import ROOT
from shandong.data.check import DATA, FILES, check, main, report

EDITOR = Path(__file__).parent / "fixtures" / "editor"
BASE = EDITOR / "base"
MISTAKES = sorted(p.name for p in EDITOR.iterdir() if p.is_dir() and p.name != "base")
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
DATA_FILES = [rel for rel, _schema in FILES.values()]


def with_mistake(tmp_path: Path, mistake: str) -> tuple[Path, str]:
    """A copy of base/ with the mistake's file swapped in; returns it and that file's path."""
    data_dir = tmp_path / "data"
    shutil.copytree(BASE, data_dir)
    [rel] = [r for r in DATA_FILES if (EDITOR / mistake / r).exists()]
    shutil.copyfile(EDITOR / mistake / rel, data_dir / rel)
    return data_dir, rel


def test_there_is_a_fixture_for_each_common_mistake():
    for name in ["misspelt-agency-id", "misspelt-chinese-name", "chinese-name-instead-of-id", "wrong-indentation",
                 "field-outside-its-block", "tab-indentation", "missing-field", "misspelt-field", "deadline-wrong-form",
                 "schedule-wrong-form", "duplicate-task-number", "unit-listed-twice"]:
        assert name in MISTAKES


def test_base_is_clean_and_uses_the_real_files_layout():
    assert check(BASE)[1] == []
    assert sorted(str(p.relative_to(BASE)) for p in BASE.rglob("*.yaml")) == sorted(DATA_FILES)


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_fixture_holds_exactly_one_mistake(mistake):
    data_dir_files = [r for r in DATA_FILES if (EDITOR / mistake / r).exists()]
    assert len(data_dir_files) == 1, "one data file per mistake"
    [rel] = data_dir_files
    before = (BASE / rel).read_text(encoding="utf-8").splitlines()
    after = (EDITOR / mistake / rel).read_text(encoding="utf-8").splitlines()
    hunks = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if op[0] != "equal"]
    assert len(hunks) == 1 and max(op[2] - op[1] for op in hunks) <= 1, "one changed line"


@pytest.mark.parametrize("mistake", MISTAKES)
def test_make_check_prints_exactly_the_expected_message(tmp_path, capsys, mistake):
    data_dir, _ = with_mistake(tmp_path, mistake)
    assert main([str(data_dir)]) == 1
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out == (EDITOR / mistake / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_message_points_at_the_changed_line(tmp_path, mistake):
    """A message names the file the editor changed and the line they changed: as its position,
    as "first at line N", as the line after an unclosed quote (the message says to look above),
    or, for a field missing from a record or block, as the start of that record or block."""
    data_dir, rel = with_mistake(tmp_path, mistake)
    before = (BASE / rel).read_text(encoding="utf-8").splitlines()
    after = (EDITOR / mistake / rel).read_text(encoding="utf-8").splitlines()
    changed = next((i for i, (a, b) in enumerate(zip(before, after, strict=False), 1) if a != b), len(after) + 1)
    problems = [p for p in check(data_dir)[1] if p.file == f"data/{rel}"]
    assert problems, "the message names the changed file"
    named = {p.line for p in problems} | {int(n) for p in problems for n in re.findall(r"first at line (\d+)", p.message)}
    near = {changed, changed + 1} if "quote" in mistake else {changed}
    if any("missing field" in p.message for p in problems):
        near |= set(range(changed - 12, changed))
    assert named & near, (changed, named)


def test_misspelt_names_get_a_did_you_mean_with_the_id_to_write():
    for mistake in ("misspelt-agency-id", "misspelt-chinese-name", "chinese-name-instead-of-id"):
        text = (EDITOR / mistake / "expected.txt").read_text(encoding="utf-8")
        assert "did you mean 'big-data-bureau' (省大数据局)?" in text


# ---------------------------------------------------------------------------
# CONTRIBUTING.md explains every message, and its walk-through is what the checker says


def explained_phrases() -> list[str]:
    """The message phrases of CONTRIBUTING's table of checker errors (first column, in backticks)."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    table = text.split("<!-- checker-messages -->")[1]
    return [m for row in table.splitlines() if row.startswith("| `") for m in re.findall(r"`([^`]+)`", row.split("|")[1])]


def every_message() -> list[str]:
    from test_check import EXPECTED, FILE_CASES

    out = [ln for ln in EXPECTED[:-1]]
    out += [ln for _content, lines in FILE_CASES.values() for ln in lines]
    for mistake in MISTAKES:
        out += (EDITOR / mistake / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]
    out += ["data/themes.yaml:1:1: file: file is missing (expected it to exist)"]
    return out


def test_contributing_explains_every_kind_of_message():
    phrases = explained_phrases()
    assert len(phrases) >= 15
    unexplained = [ln for ln in every_message() if not any(p in ln for p in phrases)]
    assert unexplained == []


def test_contributing_walk_through_shows_the_real_message(tmp_path):
    """CONTRIBUTING's example: task 13's units with big-data-bureau misspelt, in the real data."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    shown = re.search(r"^\s*(data/plan/tasks\.yaml:\d+:\d+: task 13 .*)$", text, re.M)
    assert shown, "CONTRIBUTING.md shows the checker's message for the typo"
    data_dir = tmp_path / "data"
    for rel in DATA_FILES:
        (data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / rel, data_dir / rel)
    tasks = (data_dir / "plan/tasks.yaml").read_text(encoding="utf-8")
    start = tasks.index("  - number: 13\n")
    old = "    units: [general-office, big-data-bureau, provincial-relevant-departments]\n"
    assert tasks.index(old, start) < tasks.index("  - number: 14\n")
    tasks = tasks[:start] + tasks[start:].replace(old, old.replace("big-data-bureau", "big-data-burea"), 1)
    (data_dir / "plan/tasks.yaml").write_text(tasks, encoding="utf-8")
    got = report(check(data_dir)[1]).splitlines()
    assert got[-1] == "1 error"

    def unnumbered(s: str) -> str:  # the guide's line number may lag behind edits above task 13
        return re.sub(r"^(\S+?):\d+:\d+:", r"\1:L:C:", s)

    assert unnumbered(shown[1]) == unnumbered(got[0])
