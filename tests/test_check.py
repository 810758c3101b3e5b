"""The data checker (``shandong.check``), in the style of python/peps' check-peps tests.

``tests/fixtures/broken/`` holds small data files that break every rule; its complete
report, exactly as printed, is ``tests/fixtures/broken/expected.txt``. File-level
problems (syntax, encoding, tabs, anchors, tags…) are written into a copy of the real
data by each test. A property test edits the real data at random: the checker must
always answer with problems, never with a traceback.
"""
from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shandong import ROOT
from shandong.check import DATA, FILES, RULES, Registry, check, main, report
from shandong.load import Problem, load_yaml

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
EXPECTED = (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines()


def lines(data_dir: Path) -> list[str]:
    return report(check(data_dir)[1]).splitlines()


# ---------------------------------------------------------------------------
# The real data is clean


def test_real_data_has_no_problems():
    docs, problems = check(DATA)
    assert problems == []
    assert all(doc is not None for doc in docs.values())


def test_cli_on_real_data_prints_one_summary_line(capsys):
    assert main([]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.splitlines() == ["data OK: 51 tasks, 43 measures, 56 agencies, 5 themes; 0 errors"]


# ---------------------------------------------------------------------------
# The broken fixture: the complete report, exactly


def test_broken_fixture_report_is_exactly_expected():
    assert lines(BROKEN) == EXPECTED


def test_broken_fixture_summary_counts_every_line():
    """The summary line counts the problems the checker found (not the lines of the fixture's own file)."""
    problems = check(BROKEN)[1]
    out = report(problems).splitlines()
    assert out[-1].startswith(f"{len(problems)} errors")
    assert len(out) - 1 == len(problems) > 0


def test_cli_on_broken_data_exits_1(capsys):
    assert main([str(BROKEN)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == EXPECTED
    assert out[-1] == "51 errors"


def test_cli_as_a_program_never_prints_a_traceback():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    for args, rc, last in [([], 0, "0 errors"), ([str(BROKEN)], 1, "51 errors")]:
        run = subprocess.run([sys.executable, "-m", "shandong.check", *args], capture_output=True, text=True, env=env, cwd=ROOT)
        assert (run.returncode, run.stderr) == (rc, "")
        assert run.stdout.splitlines()[-1].endswith(last)


def test_report_of_one_problem_says_error():
    p = Problem("data/themes.yaml", 1, 1, "file", "file is missing (expected it to exist)")
    assert report([p]).splitlines()[-1] == "1 error"


@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
def test_every_rule_fires_on_the_broken_fixture(rule):
    docs, _ = check(BROKEN)
    assert list(rule(docs, Registry(docs)))


# One focused test per rule: the line of expected.txt that shows it.
RULE_LINES = {
    "duplicate agency id": "data/agencies.yaml:35:9: agency big-data-bureau › id: duplicate id 'big-data-bureau', first at line 3",
    "duplicate compound name": "data/agencies.yaml:74:11: compound name 济南、青岛市政府 › text: duplicate text",
    "duplicate theme id": "data/themes.yaml:9:9: theme government › id: duplicate id 'government', first at line 3",
    "duplicate task number": "data/plan/tasks.yaml:14:13: task 1 › number: duplicate number 1, first at line 7",
    "duplicate section number": "data/action-2020/measures.yaml:21:13: section 2 › number: duplicate number 2, first at line 17",
    "duplicate subsection number": "data/action-2020/measures.yaml:15:17: section 1 › subsections[1].number: duplicate subsection number 1",
    "duplicate measure id": "data/action-2020/measures.yaml:42:9: measure m1-1-1 › id: duplicate id 'm1-1-1', first at line 25",
    "unknown unit: misspelt id": "data/plan/tasks.yaml:24:13: task 3 › units[0]: unknown unit 'big-data-burea' (expected an agency id from data/agencies.yaml); did you mean 'big-data-bureau' (省大数据局)?",
    "unknown unit: Chinese name": "data/plan/tasks.yaml:24:29: task 3 › units[1]: unknown unit '省财政厅' (expected an agency id from data/agencies.yaml); did you mean 'finance' (省财政厅)?",
    "unknown unit: misspelt alias": "data/plan/tasks.yaml:24:35: task 3 › units[2]: unknown unit '省统计厅' (expected an agency id from data/agencies.yaml); did you mean 'statistics' (省统计局)?",
    "unknown unit in a measure": "data/action-2020/measures.yaml:86:36: measure m2-2 › responsible[1]: unknown unit '省统计局'",
    "unknown unit in a compound name": "data/agencies.yaml:75:13: compound name 济南、青岛市政府 › units[0]: unknown unit 'jinna' (expected an agency id from data/agencies.yaml); did you mean 'jinan' (济南市政府)?",
    "unknown theme": "data/plan/tasks.yaml:19:12: task 1 › theme: unknown theme 'goverment' (expected one of: government); did you mean 'government'?",
    "unknown section theme": "data/action-2020/measures.yaml:23:12: section 2 › theme: unknown theme 'economics'",
    "unknown section": "data/action-2020/measures.yaml:52:14: measure m1-1-3 › section: unknown section 9 (expected one of: 1, 2)",
    "unknown subsection": "data/action-2020/measures.yaml:60:17: measure m1-5-1 › subsection: unknown subsection 5 of section 1 (expected one of: 1)",
    "subsection where none": "data/action-2020/measures.yaml:75:17: measure m2-1-1 › subsection: unknown subsection 1 of section 2 (expected no subsection: this section has none)",
    "missing subsection": "data/action-2020/measures.yaml:66:5: measure m1-4: missing field 'subsection' (expected one of section 1's subsections: 1)",
    "unknown related task": "data/action-2020/measures.yaml:49:21: measure m1-1-1 › related_tasks[0]: unknown task 99",
    "unit twice, same role": "data/plan/tasks.yaml:31:30: task 4 › units[1]: unit 'big-data-bureau' is listed twice: earlier in this list",
    "unit twice, across roles": "data/action-2020/measures.yaml:86:19: measure m2-2 › responsible[0]: unit 'big-data-bureau' is listed twice: already in lead",
    "unit not named in the text": "data/plan/tasks.yaml:31:47: task 4 › units[2]: unit 'finance' (省财政厅) is not named in units_as_written",
    "alias of two agencies": "data/agencies.yaml:47:21: agency statistics › aliases[1]: '省财政厅' is already a name of agency 'finance'",
    "compound name of one agency": "data/agencies.yaml:78:11: compound name 济南市政府 › text: '济南市政府' is already a name of agency 'jinan'",
    "short not among spellings": "data/agencies.yaml:51:12: agency education › short: short name '省教育厅' is neither the name nor an alias",
    "alias listed twice": "data/agencies.yaml:33:14: agency commerce › aliases: '省商务厅' is listed twice (expected each value once)",
    "schedule of unknown form": "data/plan/tasks.yaml:39:28: task 5 › schedule.as_written: schedule '2020年底完成' has an unknown form",
    "schedule disagrees": "data/plan/tasks.yaml:46:15: task 6 › schedule: schedule '2020年基本完成' does not agree with kind: complete, year: 2019 (expected kind: basic, year: 2020)",
    "ongoing with a year": "data/plan/tasks.yaml:59:15: task 8 › schedule: not allowed here (expected no year for an ongoing task (持续推进))",
    "year outside the plan period": "data/plan/tasks.yaml:53:61: task 7 › schedule.year: year 2025 is outside the plan period (expected 2018 to 2022)",
    "date outside the plan's year": "data/action-2020/measures.yaml:99:22: measure m2-3 › deadline.date: date 2021-12-31 is outside the action plan's year",
    "target without unit": "data/action-2020/measures.yaml:108:9: measure m2-4 › targets[0]: missing field 'unit'",
    "target without due": "data/action-2020/measures.yaml:113:9: measure m2-4 › targets[1]: missing field 'due' (expected a date written YYYY-MM-DD, e.g. 2020-12-31)",
    "target text not in the text": "data/action-2020/measures.yaml:118:15: measure m2-4 › targets[2].text: target text '建设60个平台' is not in the measure's text",
    "deadline phrase not in the text": "data/action-2020/measures.yaml:99:46: measure m2-3 › deadline.as_written: '年内' is not in the measure's text",
    "target phrase not in the text": "data/action-2020/measures.yaml:123:25: measure m2-4 › targets[2].due_as_written: '年底前' is not in the measure's text",
    "measure id not matching its section": "data/action-2020/measures.yaml:51:9: measure m1-1-3 › id: id 'm1-1-3' does not match section 9 (expected m9-<n>)",
    "measure without a role": "data/action-2020/measures.yaml:95:5: measure m2-3: none of the allowed forms matches (expected at least one of lead, support, responsible)",
    "missing field": "data/action-2020/measures.yaml:89:5: measure m2-5: missing field 'attribution' (expected the document's text, verbatim",
    "missing field in a record": "data/themes.yaml:9:5: theme government: missing field 'description_en' (expected a short description in English)",
    "unknown field": "data/agencies.yaml:61:5: agency zibo: unknown field 'alias' (expected one of: id, name, short, en, kind, aliases, note); did you mean 'aliases'?",
    "wrong type: text for a number": "data/plan/tasks.yaml:56:13: task 8 › number: '8' is text (expected the task's number in the document (序号), a whole number from 1)",
    "wrong type: text for a list": "data/agencies.yaml:68:14: agency transport › aliases: '省交通运输厅' is text (expected a list)",
    "bad enum": "data/agencies.yaml:60:11: agency zibo › kind: 'city-goverment' is not allowed (expected one of: provincial-department, party-committee-office, city-government, central-branch, collective); did you mean 'city-government'?",
    "bad enum, no close match": "data/action-2020/measures.yaml:111:20: measure m2-4 › targets[0].qualifier: '左石' is not allowed",
    "bad date form": "data/action-2020/measures.yaml:122:14: measure m2-4 › targets[2].due: '2020/12/31' does not have the expected form (expected a date written YYYY-MM-DD, e.g. 2020-12-31)",
}


@pytest.fixture(scope="module")
def broken_lines() -> list[str]:
    return lines(BROKEN)


@pytest.mark.parametrize("rule", RULE_LINES, ids=list(RULE_LINES))
def test_rule(broken_lines, rule):
    start = RULE_LINES[rule]
    hits = [ln for ln in broken_lines if ln.startswith(start)]
    assert len(hits) == 1, (start, hits)


# ---------------------------------------------------------------------------
# File-level problems, each in a copy of the real data with one file replaced

THEMES = (DATA / "themes.yaml").read_bytes()
E_ALIAS = "(expected every value written out; anchors and aliases are not allowed)"
FILE_CASES: dict[str, tuple[bytes, list[str]]] = {
    "yaml syntax error": (
        b"themes:\n  - id: a\n   name: b\n",
        ["data/themes.yaml:3:4: file: YAML syntax error: while parsing a block collection, did not find expected '-' indicator"
         " (expected valid YAML: check the indentation, colons and quotes on this line and the line above)"]),
    "unclosed quote": (
        b'themes:\n  - id: "a\n',
        ["data/themes.yaml:3:1: file: YAML syntax error: while scanning a quoted scalar, found unexpected end of stream"
         " (expected valid YAML: check the indentation, colons and quotes on this line and the line above)"]),
    "duplicate key": (
        THEMES.replace("    name: 数字政府\n".encode(), "    name: 数字政府\n    name: 政府\n".encode(), 1),
        ["data/themes.yaml:8:5: themes[0]: duplicate key 'name', first at line 7 (expected each field once)"]),
    "non-UTF-8 bytes": (
        "themes:\n  - id: 政府\n".encode() + b"    name: \xff\xfe\n",
        ["data/themes.yaml:3:11: file: byte 0xff is not UTF-8 (expected the file saved as UTF-8)"]),
    "GBK instead of UTF-8": (
        "themes:\n  - name: 数字政府\n".encode("gbk"),
        ["data/themes.yaml:2:11: file: byte 0xca is not UTF-8 (expected the file saved as UTF-8)"]),
    "tabs": (
        b"themes:\n\t- id: a\n  - id: b\t\t\n",
        ["data/themes.yaml:2:1: file: tab character (expected spaces: YAML is indented with spaces)",
         "data/themes.yaml:3:10: file: tab character (expected spaces: YAML is indented with spaces)"]),
    "empty file": (b"", ["data/themes.yaml:1:1: file: file is empty (expected the records of this file, see its schema)"]),
    "only comments": (b"# nothing yet\n\n", ["data/themes.yaml:1:1: file: file is empty (expected the records of this file, see its schema)"]),
    "only a document marker": (b"---\n", ["data/themes.yaml:1:1: file: file is empty (expected the records of this file, see its schema)"]),
    "anchor and alias": (
        b"themes:\n  - &t\n    id: a\n  - *t\n",
        [f"data/themes.yaml:2:5: file: YAML anchor &t {E_ALIAS}", f"data/themes.yaml:4:5: file: YAML alias *t {E_ALIAS}"]),
    "unknown tag on a list": (
        b"themes: !foo\n  - id: a\n",
        ["data/themes.yaml:1:9: file: could not determine a constructor for the tag '!foo' (expected plain YAML values)"]),
    "unknown tag on a text": (
        b"themes:\n  - id: !foo a\n",
        ["data/themes.yaml:2:9: file: could not determine a constructor for the tag '!foo' (expected plain YAML values)"]),
    "python tag": (
        b"themes: !!python/object/apply:os.system [echo]\n",
        ["data/themes.yaml:1:9: file: could not determine a constructor for the tag '!!python/object/apply:os.system' (expected plain YAML values)"]),
    "tag that does not fit its value": (
        b"themes:\n  - id: !!int abc\n",
        ["data/themes.yaml:2:9: file: 'abc' cannot be read as !!int (expected plain YAML values)"]),
    "binary value": (
        b"themes:\n  - id: !!binary aGVsbG8=\n",
        ["data/themes.yaml:2:9: file: a value tagged !!binary is not plain text, a number or true/false (expected plain YAML values)"]),
    "control character": (
        b"themes:\n  - id: a\x07\n",
        ["data/themes.yaml:2:10: file: character U+0007 is not allowed (expected printable text: YAML forbids control characters)"]),
    "second document": (
        b"themes: []\n---\nthemes: []\n",
        ["data/themes.yaml:2:1: file: a second YAML document starts here (expected one document per file)"]),
    "nested too deep": (
        b"themes: " + b"[" * 60 + b"]" * 60 + b"\n",
        ["data/themes.yaml:1:58: file: values nested more than 50 levels deep (expected the shallow records of the schema)"]),
    "a list instead of a mapping": (b"- a\n", ["data/themes.yaml:1:1: file: found a list (expected a mapping of fields)"]),
    "a text instead of a mapping": (b"themes\n", ["data/themes.yaml:1:1: file: 'themes' is text (expected a mapping of fields)"]),
}


@pytest.mark.parametrize("case", FILE_CASES, ids=list(FILE_CASES))
def test_file_problem(tmp_path, copy_data, case):
    content, expected = FILE_CASES[case]
    data_dir = copy_data(tmp_path)
    (data_dir / "themes.yaml").write_bytes(content)
    assert lines(data_dir) == [*expected, f"{len(expected)} error{'s' if len(expected) != 1 else ''}"]


def test_missing_file(tmp_path, copy_data):
    data_dir = copy_data(tmp_path)
    (data_dir / "plan/tasks.yaml").unlink()
    assert lines(data_dir) == ["data/plan/tasks.yaml:1:1: file: file is missing (expected it to exist)", "1 error"]


def test_missing_data_dir(tmp_path):
    out = lines(tmp_path / "nowhere")
    assert out[-1] == "4 errors"
    assert all(ln.endswith("file: file is missing (expected it to exist)") for ln in out[:-1])


@pytest.mark.parametrize("bom_crlf", ["bom", "crlf"])
def test_byte_order_mark_and_crlf_are_fine(tmp_path, copy_data, bom_crlf):
    data_dir = copy_data(tmp_path)
    content = b"\xef\xbb\xbf" + THEMES if bom_crlf == "bom" else THEMES.replace(b"\n", b"\r\n")
    (data_dir / "themes.yaml").write_bytes(content)
    assert check(data_dir)[1] == []


def billion_laughs(levels: int) -> bytes:
    out = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnopqrstuvwxyz"
    for prev, name in zip(names, names[1:levels], strict=False):
        out.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(out) + "\n").encode()


def test_alias_bomb_is_rejected_fast_without_expanding(tmp_path, copy_data):
    """9 levels expand to 9**9 (387 million) strings; the loader must refuse before composing."""
    data_dir = copy_data(tmp_path)
    (data_dir / "themes.yaml").write_bytes(billion_laughs(9))
    start = time.perf_counter()
    out = lines(data_dir)
    assert time.perf_counter() - start < 2
    assert out[0] == f"data/themes.yaml:1:4: file: YAML anchor &a {E_ALIAS}"
    assert out[-1] == "81 errors"  # 9 anchors and 8 x 9 aliases, each named
    assert all(ln.startswith("data/themes.yaml:") and ln.endswith(E_ALIAS) for ln in out[:-1])


# ---------------------------------------------------------------------------
# Property: random edits of the valid data never make the checker raise

VALID = {kind: load_yaml(DATA / rel, f"data/{rel}")[0].data for kind, (rel, _schema) in FILES.items()}
TEXTS = {kind: (DATA / rel).read_text(encoding="utf-8") for kind, (rel, _schema) in FILES.items()}

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
                    st.text(max_size=12), st.sampled_from(["2020-12-31", "big-data-bureau", "省大数据局", "持续推进", "m1-1-1", ""]))
yaml_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=8)


def swap_type(v: Any) -> Any:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return {str(i): x for i, x in enumerate(v)}
    if isinstance(v, dict):
        return list(v.values())
    return 0


def edit_data(draw, data: Any) -> Any:
    """Walk down to a random node and delete, replace, duplicate or retype it."""
    root = {"root": data}
    parent, key = root, "root"
    while isinstance(parent[key], (dict, list)) and parent[key] and draw(st.integers(0, 5)) > 0:
        node = parent[key]
        parent, key = node, draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
    op = draw(st.sampled_from(["delete", "duplicate", "swap", "value", "none", "list", "dict", "text", "int"]))
    if op == "delete" and key != "root":
        del parent[key]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif op == "swap":
        parent[key] = swap_type(parent[key])
    elif op == "none":
        parent[key] = None
    elif op == "list":
        parent[key] = [parent[key]]
    elif op == "dict":
        parent[key] = {draw(st.text(max_size=8)): parent[key]}
    elif op == "text":
        parent[key] = draw(st.text(max_size=20))
    elif op == "int":
        parent[key] = draw(st.integers())
    else:  # a random YAML value (also for delete / duplicate where they do not apply)
        parent[key] = draw(yaml_values)
    return root["root"]


YAML_CHARS = st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\n\t  \x00\x07\ufeff\u3000中、（）年0123456789abc") + ["---\n", "\n- ", ": ", "&a ", "*a", "!foo "])


def assert_problems(problems: list) -> None:
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, Problem)
        assert p.line >= 1 and p.col >= 1
        assert str(p).startswith("data/")
    report(problems)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, copy_data) -> Path:
    return copy_data(tmp_path_factory.mktemp("data"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(list(FILES)), data=st.data())
def test_random_edits_of_the_data_never_raise(workdir, kind, data):
    edited = copy.deepcopy(VALID[kind])
    for _ in range(data.draw(st.integers(1, 3))):
        edited = edit_data(data.draw, edited)
    path = workdir / FILES[kind][0]
    path.write_text(yaml.dump(edited, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        assert_problems(check(workdir)[1])
    finally:
        path.write_text(TEXTS[kind], encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(list(FILES)), data=st.data())
def test_random_edits_of_the_text_never_raise(workdir, kind, data):
    text = TEXTS[kind]
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + "".join(data.draw(st.lists(YAML_CHARS, min_size=1, max_size=4))) + text[at:]
    path = workdir / FILES[kind][0]
    path.write_text(text, encoding="utf-8")
    try:
        assert_problems(check(workdir)[1])
    finally:
        path.write_text(TEXTS[kind], encoding="utf-8")
