"""The data checker (``shandong.data.check``), in the style of python/peps' check-peps tests.

``tests/fixtures/broken/`` holds small data files that break every rule; its complete
report, exactly as printed, is ``tests/fixtures/broken/expected.txt``. File-level
problems (syntax, encoding, tabs, anchors, tags…) are written into a copy of the real
data by each test. A property test edits the real data at random: the checker must
always answer with problems, never with a traceback.
"""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tracemalloc
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shandong import ROOT
from shandong.data.check import DATA, FILES, RULES, Registry, check, main, report, warnings
from shandong.data.load import Problem, load_yaml

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
EXPECTED = (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines()
PROGRESS_DATA = FIXTURES / "progress-data"
BROKEN_PROGRESS = FIXTURES / "broken-progress"
EXPECTED_PROGRESS = (BROKEN_PROGRESS / "expected.txt").read_text(encoding="utf-8").splitlines()


def broken_progress(to: Path) -> Path:
    """The documents of progress-data/ with broken-progress/'s progress.yaml and sources.yaml."""
    to = to / "broken-progress"
    shutil.copytree(PROGRESS_DATA, to, dirs_exist_ok=True)
    for name in ("progress.yaml", "sources.yaml"):
        shutil.copyfile(BROKEN_PROGRESS / name, to / name)
    return to


def lines(data_dir: Path) -> list[str]:
    """What ``make check`` prints for a folder with problems: every error and warning, then the count."""
    docs, problems = check(data_dir)
    return report(problems, [] if problems else warnings(docs)).splitlines()


# ---------------------------------------------------------------------------
# The real data is clean


def test_real_data_has_no_problems():
    docs, problems = check(DATA)
    assert problems == []
    assert all(doc is not None for doc in docs.values())


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "schemas").glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_a_valid_json_schema(path):
    """The checker uses the schemas without checking them at every build: here they are checked."""
    import json

    import jsonschema

    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=None)
    assert cls is jsonschema.Draft202012Validator  # each names its draft ($schema)
    cls.check_schema(schema)


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


def test_warnings_wait_until_the_errors_are_fixed():
    docs, problems = check(BROKEN)
    assert problems and [w.message.split(" (expected")[0] for w in warnings(docs)] == [
        f"unit '{u}' ({s}) is named by no task or measure" for u, s in
        [("commerce", "省商务厅"), ("statistics", "省统计局"), ("education", "省教育厅"), ("zibo", "淄博市人民政府"), ("transport", "省交通运输厅")]]
    assert not any("warning" in ln for ln in EXPECTED)


def test_cli_on_broken_data_exits_1(capsys):
    assert main([str(BROKEN)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == EXPECTED
    assert out[-1] == "51 errors"


def test_cli_as_a_program_never_prints_a_traceback():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    for args, rc, last in [([], 0, "0 errors"), ([str(BROKEN)], 1, "51 errors")]:
        run = subprocess.run([sys.executable, "-m", "shandong.data.check", *args], capture_output=True, text=True, env=env, cwd=ROOT)
        assert (run.returncode, run.stderr) == (rc, "")
        assert run.stdout.splitlines()[-1].endswith(last)


def test_report_of_one_problem_says_error():
    p = Problem("data/themes.yaml", 1, 1, "file", "file is missing (expected it to exist)")
    assert report([p]).splitlines()[-1] == "1 error"


@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
def test_every_rule_fires_on_a_broken_fixture(rule, tmp_path, copy_with_sources):
    unfaithful = copy_with_sources(tmp_path / "unfaithful")
    edit(unfaithful, "plan/tasks.yaml", '"培植壮大新一代信息技术产业。"', '"培植壮大新一代信息技朮产业。"')
    edit(unfaithful, "action-2020/measures.yaml", "heading: 大力发展数字经济", "heading: 大力发展数字经济。")
    fired = []
    for data_dir in (BROKEN, broken_progress(tmp_path), unfaithful):
        docs, _ = check(data_dir)
        fired += list(rule(docs, Registry(docs, data_dir)))
    assert fired


# One focused test per rule: the line of expected.txt that shows it.
RULE_LINES = {
    "duplicate agency id": "data/agencies.yaml:35:9: agency big-data-bureau › id: duplicate id 'big-data-bureau', first at line 3",
    "duplicate compound name": "data/agencies.yaml:74:11: compound name 济南、青岛市政府 › text: duplicate text",
    "duplicate theme id": "data/themes.yaml:9:9: theme government › id: duplicate id 'government', first at line 3",
    "duplicate task number": "data/plan/tasks.yaml:15:13: task 1 › number: duplicate number 1, first at line 7",
    "duplicate section number": "data/action-2020/measures.yaml:21:13: section 2 › number: duplicate number 2, first at line 17",
    "duplicate subsection number": "data/action-2020/measures.yaml:15:17: section 1 › subsections[1].number: duplicate subsection number 1",
    "duplicate measure id": "data/action-2020/measures.yaml:43:9: measure m1-1-1 › id: duplicate id 'm1-1-1', first at line 25",
    "unknown unit: misspelt id": "data/plan/tasks.yaml:27:13: task 3 › units[0]: unknown unit 'big-data-burea' (expected an agency id from data/agencies.yaml); did you mean 'big-data-bureau' (省大数据局)?",
    "unknown unit: Chinese name": "data/plan/tasks.yaml:27:29: task 3 › units[1]: unknown unit '省财政厅' (expected an agency id from data/agencies.yaml); did you mean 'finance' (省财政厅)?",
    "unknown unit: misspelt alias": "data/plan/tasks.yaml:27:35: task 3 › units[2]: unknown unit '省统计厅' (expected an agency id from data/agencies.yaml); did you mean 'statistics' (省统计局)?",
    "unknown unit in a measure": "data/action-2020/measures.yaml:93:36: measure m2-2 › responsible[1]: unknown unit '省统计局'",
    "unknown unit in a compound name": "data/agencies.yaml:75:13: compound name 济南、青岛市政府 › units[0]: unknown unit 'jinna' (expected an agency id from data/agencies.yaml); did you mean 'jinan' (济南市政府)?",
    "unknown theme": "data/plan/tasks.yaml:21:12: task 1 › theme: unknown theme 'goverment' (expected one of: government); did you mean 'government'?",
    "unknown section theme": "data/action-2020/measures.yaml:23:12: section 2 › theme: unknown theme 'economics'",
    "unknown section": "data/action-2020/measures.yaml:54:14: measure m1-1-3 › section: unknown section 9 (expected one of: 1, 2)",
    "unknown subsection": "data/action-2020/measures.yaml:63:17: measure m1-5-1 › subsection: unknown subsection 5 of section 1 (expected one of: 1)",
    "subsection where none": "data/action-2020/measures.yaml:80:17: measure m2-1-1 › subsection: unknown subsection 1 of section 2 (expected no subsection: this section has none)",
    "missing subsection": "data/action-2020/measures.yaml:70:5: measure m1-4: missing field 'subsection' (expected one of section 1's subsections: 1)",
    "unknown related task": "data/action-2020/measures.yaml:51:21: measure m1-1-1 › related_tasks[0]: unknown task 99",
    "unit twice, same role": "data/plan/tasks.yaml:35:30: task 4 › units[1]: unit 'big-data-bureau' is listed twice: earlier in this list",
    "unit twice, across roles": "data/action-2020/measures.yaml:93:19: measure m2-2 › responsible[0]: unit 'big-data-bureau' is listed twice: already in lead",
    "unit not named in the text": "data/plan/tasks.yaml:35:47: task 4 › units[2]: unit 'finance' (省财政厅) is not named in units_as_written",
    "alias of two agencies": "data/agencies.yaml:47:21: agency statistics › aliases[1]: '省财政厅' is already a name of agency 'finance'",
    "compound name of one agency": "data/agencies.yaml:78:11: compound name 济南市政府 › text: '济南市政府' is already a name of agency 'jinan'",
    "short not among spellings": "data/agencies.yaml:51:12: agency education › short: short name '省教育厅' is neither the name nor an alias",
    "alias listed twice": "data/agencies.yaml:33:14: agency commerce › aliases: '省商务厅' is listed twice (expected each value once)",
    "schedule of unknown form": "data/plan/tasks.yaml:44:28: task 5 › schedule.as_written: schedule '2020年底完成' has an unknown form",
    "schedule disagrees": "data/plan/tasks.yaml:52:15: task 6 › schedule: schedule '2020年基本完成' does not agree with kind: complete, year: 2019 (expected kind: basic, year: 2020)",
    "ongoing with a year": "data/plan/tasks.yaml:67:15: task 8 › schedule: not allowed here (expected no year for an ongoing task (持续推进))",
    "year outside the plan period": "data/plan/tasks.yaml:60:61: task 7 › schedule.year: year 2025 is outside the plan period (expected 2018 to 2022)",
    "date outside the plan's year": "data/action-2020/measures.yaml:108:22: measure m2-3 › deadline.date: date 2021-12-31 is outside the action plan's year",
    "target without unit": "data/action-2020/measures.yaml:118:9: measure m2-4 › targets[0]: missing field 'unit'",
    "target without due": "data/action-2020/measures.yaml:123:9: measure m2-4 › targets[1]: missing field 'due' (expected a date written YYYY-MM-DD, e.g. 2020-12-31)",
    "target text not in the text": "data/action-2020/measures.yaml:128:15: measure m2-4 › targets[2].text: target text '建设60个平台' is not in the measure's text",
    "deadline phrase not in the text": "data/action-2020/measures.yaml:108:46: measure m2-3 › deadline.as_written: '年内' is not in the measure's text",
    "target phrase not in the text": "data/action-2020/measures.yaml:133:25: measure m2-4 › targets[2].due_as_written: '年底前' is not in the measure's text",
    "measure id not matching its section": "data/action-2020/measures.yaml:53:9: measure m1-1-3 › id: id 'm1-1-3' does not match section 9 (expected m9-<n>)",
    "measure without a role": "data/action-2020/measures.yaml:103:5: measure m2-3: none of the allowed forms matches (expected at least one of lead, support, responsible)",
    "missing field": "data/action-2020/measures.yaml:96:5: measure m2-5: missing field 'attribution' (expected the document's text, verbatim",
    "missing field in a record": "data/themes.yaml:9:5: theme government: missing field 'description_en' (expected a short description in English)",
    "unknown field": "data/agencies.yaml:61:5: agency zibo: unknown field 'alias' (expected one of: id, name, short, en, kind, aliases, search_aliases, note); did you mean 'aliases'?",
    "wrong type: text for a number": "data/plan/tasks.yaml:63:13: task 8 › number: '8' is text (expected the task's number in the document (序号), a whole number from 1)",
    "wrong type: text for a list": "data/agencies.yaml:68:14: agency transport › aliases: '省交通运输厅' is text (expected a list)",
    "bad enum": "data/agencies.yaml:60:11: agency zibo › kind: 'city-goverment' is not allowed (expected one of: provincial-department, party-committee-office, city-government, central-branch, collective); did you mean 'city-government'?",
    "bad enum, no close match": "data/action-2020/measures.yaml:121:20: measure m2-4 › targets[0].qualifier: '左石' is not allowed",
    "bad date form": "data/action-2020/measures.yaml:132:14: measure m2-4 › targets[2].due: '2020/12/31' does not have the expected form (expected a date written YYYY-MM-DD, e.g. 2020-12-31)",
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
        ["data/themes.yaml:8:5: theme government: duplicate key 'name', first at line 7 (expected each field once)"]),
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
        [f"data/themes.yaml:2:5: file: YAML anchor &t, and 1 more anchor or alias in this file {E_ALIAS}"]),
    "alias alone": (
        b"themes:\n  - id: a\n  - *t\n",
        [f"data/themes.yaml:3:5: file: YAML alias *t {E_ALIAS}"]),
    "one anchor": (
        b"themes:\n  - &t\n    id: a\n",
        [f"data/themes.yaml:2:5: file: YAML anchor &t {E_ALIAS}"]),
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
    assert out[-1] == f"{len(FILES)} errors"
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
    tracemalloc.start()  # expanding even 1% of it would take gigabytes: memory, not time, shows it was not expanded
    try:
        out = lines(data_dir)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000_000, peak
    # 9 anchors and 8 x 9 aliases: one message for the file, at the first of them
    assert out == [f"data/themes.yaml:1:4: file: YAML anchor &a, and 80 more anchors or aliases in this file {E_ALIAS}", "1 error"]


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
    """A copy of the data with the source documents, so that the comparison with them is exercised too."""
    to = copy_data(tmp_path_factory.mktemp("data"))
    shutil.copytree(DATA / "sources", to / "sources")
    return to


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


# ---------------------------------------------------------------------------
# Progress: one vocabulary of statuses


def test_schema_statuses_are_the_models_statuses_in_order():
    from shandong.data.check import schema
    from shandong.data.model import STATES, STATUSES

    enum = schema("progress.schema.json")["$defs"]["report"]["properties"]["status"]["enum"]
    assert enum == list(STATUSES)
    assert list(STATES) == [*STATUSES, "overdue-unreported", "no-report"]


def test_real_data_ships_with_no_reports_and_a_reviewed_date():
    from datetime import date

    from shandong.data.check import load_checked

    model = load_checked()
    assert (model.as_of, model.reviewed_by, model.reports, model.sources) == (date(2026, 11, 27), "本站编辑组", [], {})
    assert sum(model.state_counts().values()) == len(model.items)


# ---------------------------------------------------------------------------
# Progress reports and sources: tests/fixtures/broken-progress/, the complete report, exactly


def test_broken_progress_report_is_exactly_expected(tmp_path):
    assert lines(broken_progress(tmp_path)) == EXPECTED_PROGRESS
    assert EXPECTED_PROGRESS[-1] == "21 errors"


E_ITEM = "(expected an item key as on the site: task-N for a task, a measure id such as m1-1-1)"
PROGRESS_LINES = {
    "unknown item": f"data/progress.yaml:7:11: report of task-99 › item: unknown item 'task-99' {E_ITEM}; did you mean 'task-9' or",
    "item written as a number": f"data/progress.yaml:11:11: report of 12 › item: unknown item '12' {E_ITEM}; did you mean 'task-12'?",
    "status outside the vocabulary": "data/progress.yaml:17:13: report of m1-1-1 › status: 'complete' is not allowed (expected one of: completed, on-track, delayed, not-started, cancelled); did you mean 'completed'?",
    "as_of in the future": "data/progress.yaml:20:12: report of m1-1-1 › as_of: as_of 2099-01-01 is in the future (expected a date no later than today)",
    "as_of before the task division": "data/progress.yaml:24:12: report of task-12 › as_of: as_of 2017-06-30 is before task-12's document, 《数字山东发展规划（2018-2022年）重点任务分工》, was issued (expected a date from 2018-01-01: only the document's year, 2018, is known)",
    "as_of before the action plan": "data/progress.yaml:28:12: report of m1-1-2 › as_of: as_of 2019-12-31 is before m1-1-2's document, 《数字山东2020行动方案》, was issued (expected a date from 2020-01-01: only the document's year, 2020, is known)",
    "two reports on one date": "data/progress.yaml:32:12: report of m1-1-1 › as_of: a second report of m1-1-1 dated 2020-06-30, first at line 15 (expected one report per item and date",
    "completed without evidence": "data/progress.yaml:35:5: report of m1-2-2: missing field 'evidence' (expected evidence for a completed report: at least one citation of a source in data/sources.yaml)",
    "completed with empty evidence": "data/progress.yaml:43:15: report of m1-2-3 › evidence: a list is empty (expected at least one citation",
    "unknown source": "data/progress.yaml:49:17: report of m1-2-1 › evidence[0].source: unknown source 'fixture-work-report-2012' (expected a source id from data/sources.yaml); did you mean 'fixture-work-report-2021'?",
    "target the item does not have": "data/progress.yaml:57:17: report of m1-1-1 › values[0].target: m1-1-1 has no target '一链办理集成服务不少于100项' (expected one of its targets' text",
    "value in another unit": "data/progress.yaml:63:15: report of m1-1-1 › values[1].unit: unit '个' is not the target's unit (expected '项', as the target is counted)",
    "day not in the calendar": "data/progress.yaml:64:16: report of m1-1-1 › values[1].as_of: 2021-02-30 is not a day of the calendar",
    "value for an item without targets": "data/progress.yaml:70:17: report of m5-1 › values[0].target: m5-1 has no target '完善组织推进机制' (expected no values: it has no numeric target)",
    "reviewed before the newest report": "data/progress.yaml:4:9: reviewed.date: reviewed date 2020-12-31 is earlier than the newest report, 2021-01-15 at line 35",
    "source without url or doc_number": "data/sources.yaml:10:5: source fixture-no-address: none of the allowed forms matches (expected at least one of url, doc_number)",
    "duplicate source id": "data/sources.yaml:15:9: source fixture-work-report-2021 › id: duplicate id 'fixture-work-report-2021', first at line 4",
    "url without scheme": "data/sources.yaml:19:10: source fixture-work-report-2021 › url: 'example.org/no-scheme' does not have the expected form",
    "unknown source kind": "data/sources.yaml:20:11: source fixture-work-report-2021 › kind: 'report' is not allowed",
}


@pytest.mark.parametrize("rule", PROGRESS_LINES, ids=list(PROGRESS_LINES))
def test_progress_rule(rule):
    hits = [ln for ln in EXPECTED_PROGRESS if ln.startswith(PROGRESS_LINES[rule])]
    assert len(hits) == 1, (PROGRESS_LINES[rule], hits)


def test_progress_fixture_is_clean():
    assert check(PROGRESS_DATA)[1] == []


@pytest.mark.parametrize("when", ["future", "today"])
def test_reviewed_date_not_in_the_future(tmp_path, when, copy_data):
    from datetime import date, timedelta

    day = date.today() + (timedelta(days=1) if when == "future" else timedelta(0))
    data_dir = copy_data(tmp_path)
    text = (DATA / "progress.yaml").read_text(encoding="utf-8")
    (data_dir / "progress.yaml").write_text(text.replace("date: 2026-11-27", f"date: {day}"), encoding="utf-8")
    expected = [f"data/progress.yaml:7:9: reviewed.date: date {day} is in the future (expected a date no later than today)", "1 error"]
    assert lines(data_dir) == (expected if when == "future" else ["0 errors"])


# ---------------------------------------------------------------------------
# Characters that print nothing, however written (issue 13): the exact place of the character

E_PRINT = "(expected printable text: no control or invisible characters, however written)"
PRINT_CASES = {
    # file, the text as in the real data, the same text with the character; expected line of messages
    "escape \\e in double quotes": ("plan/tasks.yaml", '"培植壮大新一代信息技术产业。"', '"培植壮大\\e[2J新一代信息技术产业。"',
                                    [f"data/plan/tasks.yaml:49:16: task 5 › text: character U+001B (a control character) is not allowed {E_PRINT}"]),
    "escape \\x07": ("themes.yaml", "name: 数字政府", 'name: "数字\\x07政府"',
                     [f"data/themes.yaml:7:14: theme government › name: character U+0007 (a control character) is not allowed {E_PRINT}"]),
    "escape \\u202e after another escape": ("themes.yaml", "name: 数字政府", 'name: "数\\t字\\u202e政府"',
                                            [f"data/themes.yaml:7:13: theme government › name: character U+0009 (a control character) is not allowed,"
                                             f" and 1 more in this text {E_PRINT}"]),
    "raw zero-width space": ("themes.yaml", "name: 数字政府", "name: 数字\u200b政府",
                             [f"data/themes.yaml:7:13: theme government › name: character U+200B (zero width space) is not allowed {E_PRINT}"]),
    "raw direction override in single quotes": ("themes.yaml", "name: 数字政府", "name: '数''字\u202e政府'",
                                                [f"data/themes.yaml:7:16: theme government › name: character U+202E (right-to-left override) is not allowed {E_PRINT}"]),
    "escape in a key": ("themes.yaml", "name: 数字政府", '"na\\u200bme": 数字政府',
                        ["data/themes.yaml:6:5: theme government: missing field 'name' (expected a Chinese name)",
                         f"data/themes.yaml:7:8: theme government: character U+200B (zero width space) is not allowed {E_PRINT}",
                         "data/themes.yaml:7:5: theme government: unknown field 'na<U+200B>me' (expected one of: id, name, en, description, description_en); did you mean 'name'?"]),
}


@pytest.mark.parametrize("case", PRINT_CASES, ids=list(PRINT_CASES))
def test_nonprinting_character_however_written(tmp_path, case, copy_data):
    rel, before, after, expected = PRINT_CASES[case]
    data_dir = copy_data(tmp_path)
    text = (DATA / rel).read_text(encoding="utf-8")
    assert text.count(before) == 1
    (data_dir / rel).write_text(text.replace(before, after), encoding="utf-8")
    got = lines(data_dir)
    assert got[-1] == f"{len(expected)} error{'s' if len(expected) != 1 else ''}"
    assert sorted(got[:-1]) == sorted(expected)


@pytest.mark.parametrize("text, expected", [
    ("\x1b[2J\x1b[31m建设", "\\x1b[2J\\x1b[31m建设"),           # terminal escapes: clear the screen, red
    ("a\tb\nc\rd\x00e\x7ff\x85g\x9b", "a\\tb\\nc\\rd\\x00e\\x7ff\\x85g\\x9b"),  # C0, DEL, C1
    ("数\u200b字\u202e政\u2066府\u2069\ufeff\u2028", "数<U+200B>字<U+202E>政<U+2066>府<U+2069><U+FEFF><U+2028>"),
    ("数字　政府\u00a0« 5G »", "数字　政府\u00a0« 5G »"),          # spaces, full-width or not, print
], ids=["terminal escapes", "C0, DEL and C1 controls", "invisible format characters", "spaces print"])
def test_messages_show_characters_that_print_nothing_as_escapes(text, expected):
    from shandong.data.load import shown

    assert shown(text) == expected
    assert str(Problem("data/x.yaml", 1, 2, f"where {text}", f"what {text}")) == f"data/x.yaml:1:2: where {expected}: what {expected}"


def test_line_breaks_in_a_text_are_printable():
    from shandong.data.load import nonprinting

    assert nonprinting("第一行\n第二行\u3000全角空格\u00a0") == []
    assert nonprinting("a\rb\x85c\u2028") == [1, 3, 5]


# ---------------------------------------------------------------------------
# Warnings: a unit named by no item (issue 13). Printed; the data still passes.

E_UNUSED = "is named by no task or measure (expected every unit of the registry on some item: use it or remove it)"


def test_unit_named_by_no_item_is_a_warning_not_an_error(tmp_path, capsys, copy_data):
    data_dir = copy_data(tmp_path)
    text = (DATA / "agencies.yaml").read_text(encoding="utf-8")
    copy = ("  - id: big-data-burea\n    name: 山东省大数据局（重复）\n    short: 省大数局\n"
            "    en: \"Shandong Big Data Bureau (typo)\"\n    kind: provincial-department\n    aliases: [省大数局]\n")
    text = text.replace("compound_names:\n", copy + "compound_names:\n", 1)
    (data_dir / "agencies.yaml").write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - id: big-data-burea") + 1
    assert check(data_dir)[1] == []  # the build goes on
    assert main([str(data_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"data/agencies.yaml:{line}:9: agency big-data-burea › id: warning: unit 'big-data-burea' (省大数局) {E_UNUSED};"
                   " is it a copy of 'big-data-bureau' (省大数据局)?",
                   "data OK: 51 tasks, 43 measures, 57 agencies, 5 themes; 0 errors, 1 warning"]


def test_unused_unit_with_no_lookalike(tmp_path, copy_data):
    data_dir = copy_data(tmp_path)
    text = (DATA / "agencies.yaml").read_text(encoding="utf-8")
    extra = ("  - id: test-unit\n    name: 测试单位甲\n    short: 测试单位甲\n"
             "    en: \"Test unit\"\n    kind: provincial-department\n    aliases: [测试单位甲]\n")
    text = text.replace("compound_names:\n", extra + "compound_names:\n", 1)
    (data_dir / "agencies.yaml").write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - id: test-unit") + 1
    assert lines(data_dir) == [f"data/agencies.yaml:{line}:9: agency test-unit › id: warning: unit 'test-unit' (测试单位甲) {E_UNUSED}",
                               "0 errors, 1 warning"]


# ---------------------------------------------------------------------------
# Fidelity to data/sources/ in make check (issue 13): at the field that differs, the document's words beside it

TASK_DIVISION = "数字山东发展规划（2018-2022年）重点任务分工.txt"
ACTION_PLAN = "数字山东2020行动方案.txt"
TAB = "\t"  # the task division's rows are tab-separated


@pytest.fixture
def copy_with_sources(copy_data):
    def make(to: Path) -> Path:
        copy_data(to)
        shutil.copytree(DATA / "sources", to / "sources")
        return to
    return make


def edit(data_dir: Path, rel: str, old: str, new: str) -> int:
    """Replace the one occurrence of ``old``; returns its line."""
    text = (data_dir / rel).read_text(encoding="utf-8")
    assert text.count(old) == 1
    (data_dir / rel).write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def source_line(name: str, start: str) -> int:
    return next(n for n, ln in enumerate((DATA / "sources" / name).read_text(encoding="utf-8").splitlines(), 1)
                if ln.lstrip("\u3000 ").startswith(start))


def test_real_data_and_its_sources_agree():
    assert check(DATA)[1] == []
    assert Registry(check(DATA)[0], DATA).sources_dir == DATA / "sources"


def test_one_character_of_a_task_differs(tmp_path, copy_with_sources):
    data_dir = copy_with_sources(tmp_path)
    line = edit(data_dir, "plan/tasks.yaml", '"培植壮大新一代信息技术产业。"', '"培植壮大新一代信息技朮产业。"')
    assert lines(data_dir) == [
        f"data/plan/tasks.yaml:{line}:11: task 5 › text: text differs from the source document at character 11:"
        " here '…壮大新一代信息技朮产业。', the document '…壮大新一代信息技术产业。'"
        f" (expected the document's words, data/sources/{TASK_DIVISION} line {source_line(TASK_DIVISION, '5' + TAB)})", "1 error"]


def test_a_measure_attribution_a_heading_and_units_as_written_differ(tmp_path, copy_with_sources):
    data_dir = copy_with_sources(tmp_path)
    a = edit(data_dir, "action-2020/measures.yaml", '"省政府办公厅牵头，省大数据局配合，各有关部门、各市政府按职责分工负责"',
             '"省政府办公厅牵头，省大数据局配合，各有关部门、各市政府按职责分工负责。"')
    h = edit(data_dir, "action-2020/measures.yaml", "heading: 大力发展数字经济", "heading: 大力发展数字经济。")
    u = edit(data_dir, "plan/tasks.yaml", '"制定推进规划落实的细化实施方案"  # editorial: a short title, from the opening clause\n    units_as_written: "省政府有关部门、各市政府"',
             '"制定推进规划落实的细化实施方案"  # editorial: a short title, from the opening clause\n    units_as_written: "省政府有关部门、各市政府。"') + 1
    expected = [
        f"data/action-2020/measures.yaml:{h}:14: section 2 › heading: heading differs from the source document at character 9:"
        f" here '大力发展数字经济。', the document '大力发展数字经济' (expected the document's words, data/sources/{ACTION_PLAN}"
        f" line {source_line(ACTION_PLAN, '二、大力发展数字经济')})",
        f"data/action-2020/measures.yaml:{a}:18: measure m1-1-1 › attribution: attribution differs from the source document at character 35:"
        " here '…府按职责分工负责。', the document '…府按职责分工负责' (expected the document's words,"
        f" data/sources/{ACTION_PLAN} line {source_line(ACTION_PLAN, '（一）推进政务服务')})",
        f"data/plan/tasks.yaml:{u}:23: task 32 › units_as_written: units_as_written differs from the source document at character 13:"
        f" here '…关部门、各市政府。', the document '…关部门、各市政府' (expected the document's words, data/sources/{TASK_DIVISION}"
        f" line {source_line(TASK_DIVISION, '32' + TAB)})",
    ]
    assert lines(data_dir) == [*expected, "3 errors"]


def test_a_text_written_with_terminal_escapes_is_quoted_with_them_escaped(tmp_path, copy_with_sources, monkeypatch, capsys):
    """Issue 17: "\\e[2J\\e[31m建设…" in a task's text. The fidelity message quotes the text: with the escape
    codes written out, not sent raw to the editor's terminal (which they would clear and turn red) or into the
    pull request's annotation."""
    data_dir = copy_with_sources(tmp_path)
    line = edit(data_dir, "plan/tasks.yaml", '"建设省数据大厅，', '"\\e[2J\\e[31m建设省数据大厅，')
    fidelity = (f"data/plan/tasks.yaml:{line}:11: task 13 › text: text differs from the source document at character 1:"
                " here '\\x1b[2J\\x1b[31m建设省数据大厅，…', the document '建设省数据大厅，…' (expected the document's words,"
                f" data/sources/{TASK_DIVISION} line {source_line(TASK_DIVISION, '13' + TAB)})")
    control = (f"data/plan/tasks.yaml:{line}:12: task 13 › text: character U+001B (a control character) is not allowed,"
               f" and 1 more in this text {E_PRINT}")
    assert lines(data_dir) == [fidelity, control, "2 errors"]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main([str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-2:] == [
        f"::error file=data/plan/tasks.yaml,line={line},col=11,title=task 13 › text::" + fidelity.split(": ", 2)[2],
        f"::error file=data/plan/tasks.yaml,line={line},col=12,title=task 13 › text::" + control.split(": ", 2)[2]]
    assert not [ch for ch in out if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf")]


def test_a_missing_source_document_is_a_problem(tmp_path, copy_with_sources):
    data_dir = copy_with_sources(tmp_path)
    (data_dir / "sources" / ACTION_PLAN).unlink()
    assert lines(data_dir) == [f"data/action-2020/measures.yaml:10:11: document.source: source document 'data/sources/{ACTION_PLAN}'"
                               " is missing (expected the document's text in data/sources/, to compare the data with)", "1 error"]


def test_a_folder_without_sources_is_not_compared(tmp_path, copy_data):
    data_dir = copy_data(tmp_path)
    edit(data_dir, "plan/tasks.yaml", '"培植壮大新一代信息技术产业。"', '"培植壮大新一代信息技术产业！"')
    assert lines(data_dir) == ["0 errors"]


def test_a_title_not_taken_from_the_opening_clause(tmp_path, copy_data):
    """A short title (editorial) keeps the opening clause's words in their order; it may leave some out."""
    data_dir = copy_data(tmp_path)
    edit(data_dir, "plan/tasks.yaml", 'title: "建设省数据大厅"', 'title: "建设数据大厅"')  # a word left out: fine
    edit(data_dir, "action-2020/measures.yaml", 'title: "大力推广“爱山东”APP"', 'title: "推广爱山东APP"')  # punctuation too
    assert lines(data_dir) == ["0 errors"]
    line = edit(data_dir, "plan/tasks.yaml", 'title: "建设数据大厅"', 'title: "建设数据大厅平台"')
    long = edit(data_dir, "plan/tasks.yaml", 'title: "研究制定数字政府建设实施方案、产业专项规划"', 'title: "研究制定《山东省数字政府建设实施方案》《山东省新一代信息技术产业专项规划》和《山东省深化“互联网+先进制造业”发展工业互联网的实施方案》"')
    assert lines(data_dir) == [
        f"data/plan/tasks.yaml:{line}:12: task 13 › title: title '建设数据大厅平台' is not taken from the task's opening clause"
        " '建设省数据大厅' (expected the clause's own words in their order: a short title may leave words out, but not add or"
        " change any); did you mean '建设省数据大厅'?",
        f"data/plan/tasks.yaml:{long}:12: task 33 › title: '研究制定《山东省数字政府建设实施方案》《山东省新一代信息技术产业专项规划》和《山东省深化“互联网+先进制造业”发展…' is 68 characters long"
        " (expected a short title of at most 24 characters, taken from the opening clause of the text (editorial))",
        "2 errors"]


# ---------------------------------------------------------------------------
# GitHub annotations (editors on the web editor see each message on its line)


def test_annotations_only_in_github_actions(monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert main([str(BROKEN)]) == 1
    assert not [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("::")]


def test_annotations_name_file_line_col_of_every_problem(monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main([str(BROKEN)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[: len(EXPECTED)] == EXPECTED  # the plain report first, unchanged
    notes = out[len(EXPECTED):]
    assert len(notes) == len(EXPECTED) - 1
    for plain, note in zip(EXPECTED[:-1], notes, strict=True):
        # data/x.yaml:12:5: where: message  →  ::error file=data/x.yaml,line=12,col=5,title=where::message
        file, line, col, rest = plain.split(":", 3)
        where, message = rest.strip().split(": ", 1)
        props, text = note.removeprefix("::error ").split("::", 1)
        fields = dict(kv.split("=", 1) for kv in props.split(","))
        assert (fields["file"], fields["line"], fields["col"]) == (file, line, col)
        assert fields["title"].replace("%3A", ":").replace("%2C", ",").replace("%25", "%") == where
        assert text.replace("%0A", "\n").replace("%25", "%") == message


def test_annotation_escapes_what_github_would_read_as_syntax():
    from shandong.data.check import annotations

    p = Problem("data/a,b.yaml", 3, 4, "task 1 › text", "50% done: next, then")
    (note,) = annotations([p])
    assert note == "::error file=data/a%2Cb.yaml,line=3,col=4,title=task 1 › text::50%25 done: next, then"
