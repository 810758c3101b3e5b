"""What changed in the data (shandong.data.changes), commit by commit (shandong.data.history), and a pull
request's summary of it (shandong.outputs.changes, run by .github/workflows/pull-request.yml).

Expected values are written here or read from the YAML with PyYAML, never from the code under test."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import history_repo
from shandong import ROOT
from shandong.data import history
from shandong.data.changes import MISSING, Unreadable, diff_file, label

SCHEMAS = ROOT / "data" / "schemas"
CONDITIONALS = {"if", "then", "else", "not", "anyOf", "allOf", "oneOf"}


def summary(records) -> list[tuple]:
    return [(r.id, r.action, [(f.path_text, f.old, f.new) for f in r.fields]) for r in records]


def text(rel: str) -> str:
    return (ROOT / "data" / rel).read_text(encoding="utf-8")


def replaced(rel: str, *pairs: str) -> str:
    out = text(rel)
    for old, new in zip(pairs[0::2], pairs[1::2], strict=True):
        assert out.count(old) == 1, old
        out = out.replace(old, new)
    return out


# ---------------------------------------------------------------------------
# Field names: the x-zh of the schemas


def properties(node, path=()):
    """(path, property schema) of every property of a schema, outside conditionals."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CONDITIONALS:
                continue
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    yield (*path, name), sub
                    yield from properties(sub, (*path, name))
            else:
                yield from properties(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from properties(value, (*path, i))


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMAS.glob("*.schema.json")))
def test_every_field_of_every_schema_has_a_chinese_name(name):
    found = list(properties(json.loads((SCHEMAS / name).read_text(encoding="utf-8"))))
    assert found
    for path, prop in found:
        zh = prop.get("x-zh", "")
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{name}: {'/'.join(map(str, path))} has no x-zh"


def test_field_names_come_from_the_schemas():
    assert label("tasks", "tasks", ("schedule", "as_written")) == "进度安排"
    assert label("tasks", "tasks", ("units_as_written",)) == "原文中的责任单位写法"
    assert label("tasks", "tasks", ("theme",)) == "主题（编辑归类）"
    assert label("measures", "measures", ("targets", 1, "value")) == "量化目标第 2 项的目标数值"
    assert label("measures", "measures", ("responsible",)) == "按职责分工负责"
    assert label("measures", "measures", ("related_tasks",)) == "相关重点任务（编辑判断）"
    assert label("agencies", "agencies", ("aliases",)) == "原文中的写法"
    assert label("agencies", "agencies", ("en",)) == "英文名"
    assert label("progress", "reports", ("evidence", 0)) == "依据第 1 项"
    assert label("progress", "reports", ("summary",)) == "摘要"
    assert label("progress", "reviewed", ("date",)) == "审核日期（数据截至）"
    assert label("measures", "preamble", ()) == "序言"


def test_source_kinds_are_the_schemas_enum():
    from shandong.data.model import SOURCE_KINDS

    schema = json.loads((SCHEMAS / "sources.schema.json").read_text(encoding="utf-8"))
    assert list(SOURCE_KINDS) == schema["$defs"]["source"]["properties"]["kind"]["enum"]


# ---------------------------------------------------------------------------
# The semantic diff


def test_comments_layout_quoting_and_order_make_no_change():
    tasks = replaced("plan/tasks.yaml",
                     "# theme is editorial.", "# theme is editorial. More comment.",
                     '    schedule:\n      as_written: "持续推进"\n      kind: ongoing\n    theme: infrastructure  # editorial\n  - number: 2\n',
                     "    theme: 'infrastructure'\n    schedule: {kind: ongoing, as_written: 持续推进}\n\n\n  - number: 2\n")
    assert diff_file("plan/tasks.yaml", text("plan/tasks.yaml"), tasks) == []
    # records in another order: the same records
    data = yaml.safe_load(text("agencies.yaml"))
    data["agencies"].reverse()
    assert diff_file("agencies.yaml", text("agencies.yaml"), yaml.safe_dump(data, allow_unicode=True)) == []
    # a date quoted or not is the same date
    measures = replaced("action-2020/measures.yaml", "      date: 2020-12-31\n      as_written: 年底前\n    targets:\n      - text: \"“一链",
                        "      date: '2020-12-31'\n      as_written: 年底前\n    targets:\n      - text: \"“一链")
    assert diff_file("action-2020/measures.yaml", text("action-2020/measures.yaml"), measures) == []


def test_changed_fields_have_their_paths_old_and_new_values():
    tasks = replaced("plan/tasks.yaml", history_repo.TASK_12.format(2020), history_repo.TASK_12.format(2021))
    assert summary(diff_file("plan/tasks.yaml", text("plan/tasks.yaml"), tasks)) == [
        ("tasks/12", "changed", [("schedule.as_written", "2020年基本完成", "2021年基本完成"), ("schedule.year", 2020, 2021)])]
    measures = replaced("action-2020/measures.yaml",
                        "        metric: \"“一链办理”集成服务\"\n        value: 100\n",
                        "        metric: \"“一链办理”集成服务\"\n        value: 120\n",
                        "    related_tasks: [13]  # editorial\n  - id: m1-1-2\n",
                        "    related_tasks: [13, 14]  # editorial\n    note: 编辑注。\n  - id: m1-1-2\n")
    assert summary(diff_file("action-2020/measures.yaml", text("action-2020/measures.yaml"), measures)) == [
        ("measures/m1-1-1", "changed", [("targets[0].value", 100, 120), ("related_tasks", [13], [13, 14]),
                                        ("note", MISSING, "编辑注。")])]


def test_a_list_element_added_is_one_change_and_units_in_another_order_are_a_change():
    measures = replaced("action-2020/measures.yaml", "        due_as_written: 年底前\n    related_tasks: [13]",
                        "        due_as_written: 年底前\n      - text: 新目标\n        metric: 新\n        value: 5\n"
                        "        unit: 个\n        due: 2020-12-31\n    related_tasks: [13]")
    assert summary(diff_file("action-2020/measures.yaml", text("action-2020/measures.yaml"), measures)) == [
        ("measures/m1-1-1", "changed", [("targets[1]", MISSING, {"text": "新目标", "metric": "新", "value": 5, "unit": "个",
                                                                 "due": "2020-12-31"})])]
    tasks = replaced("plan/tasks.yaml", "units: [agriculture-rural, all-city-governments]",
                     "units: [all-city-governments, agriculture-rural]")
    assert summary(diff_file("plan/tasks.yaml", text("plan/tasks.yaml"), tasks)) == [
        ("tasks/12", "changed", [("units", ["agriculture-rural", "all-city-governments"],
                                  ["all-city-governments", "agriculture-rural"])])]


def test_records_added_and_removed_are_keyed_as_on_the_site():
    progress = text("progress.yaml").replace("reports: []\n", history_repo.REPORT)
    assert summary(diff_file("progress.yaml", text("progress.yaml"), progress)) == [
        ("reports/m1-1-1/2026-11-20", "added", [("status", MISSING, "on-track"),
                                                ("summary", MISSING, "测试摘要：一链办理集成服务正在上线。")])]
    agencies = replaced("agencies.yaml", "  - id: cbirc-qingdao\n    name: 中国银行保险监督管理委员会青岛监管局\n", "  - id: cbirc-qingdao-x\n    name: 中国银行保险监督管理委员会青岛监管局\n")
    got = summary(diff_file("agencies.yaml", text("agencies.yaml"), agencies))
    assert [(i, a) for i, a, _ in got] == [("agencies/cbirc-qingdao-x", "added"), ("agencies/cbirc-qingdao", "removed")]
    assert got[1][2][:2] == [("name", "中国银行保险监督管理委员会青岛监管局", MISSING), ("short", "青岛银保监局", MISSING)]
    reviewed = text("progress.yaml").replace("  date: 2026-11-27\n", "  date: 2026-12-01\n")
    assert summary(diff_file("progress.yaml", text("progress.yaml"), reviewed)) == [
        ("progress/reviewed", "changed", [("date", "2026-11-27", "2026-12-01")])]


def test_files_that_are_not_data_files_have_no_records_and_broken_yaml_is_said():
    assert diff_file("schemas/tasks.schema.json", "{}", '{"a": 1}') == []
    assert diff_file("sources/README.md", "a", "b") == []
    with pytest.raises(Unreadable, match="data/plan/tasks.yaml"):
        diff_file("plan/tasks.yaml", text("plan/tasks.yaml"), "tasks: [\n")


# ---------------------------------------------------------------------------
# The history: commit by commit


@pytest.fixture(scope="module")
def repo(tmp_path_factory, copy_data) -> history_repo.DataRepo:
    return history_repo.make(tmp_path_factory.mktemp("history"), copy_data)


def initial_ids(data: Path) -> set[str]:
    """Every record of the data files, keyed as the site keys them, read with PyYAML."""
    y = {rel: yaml.safe_load((data / rel).read_text(encoding="utf-8")) for rel in
         ("plan/tasks.yaml", "action-2020/measures.yaml", "agencies.yaml", "themes.yaml", "progress.yaml", "sources.yaml")}
    return ({f"tasks/{t['number']}" for t in y["plan/tasks.yaml"]["tasks"]}
            | {f"measures/{m['id']}" for m in y["action-2020/measures.yaml"]["measures"]}
            | {f"sections/{s['number']}" for s in y["action-2020/measures.yaml"]["sections"]}
            | {f"agencies/{a['id']}" for a in y["agencies.yaml"]["agencies"]}
            | {f"compound_names/{c['text']}" for c in y["agencies.yaml"]["compound_names"]}
            | {f"themes/{t['id']}" for t in y["themes.yaml"]["themes"]}
            | {f"sources/{s['id']}" for s in y["sources.yaml"]["sources"]}
            | {"tasks/document", "measures/document", "measures/preamble", "progress/reviewed"})


def test_history_lists_what_each_commit_changed_without_merges_code_or_layout(repo):
    changes = history.changes(repo.data)
    c = repo.commits
    # no merge commit, no commit outside data/ (code); layout and schema commits with no record
    assert [x.commit for x in changes] == [c["report"], c["unit-removed"], c["schema"], c["layout"], c["unit-added"],
                                           c["rename"], c["schedule"], c["initial"]]
    got = {x.commit: summary(x.records) for x in changes}
    units = ["agriculture-rural", "all-city-governments"]
    assert got[c["report"]] == [("reports/m1-1-1/2026-11-20", "added", [("status", MISSING, "on-track"),
                                                                        ("summary", MISSING, "测试摘要：一链办理集成服务正在上线。")])]
    assert got[c["unit-removed"]] == [("tasks/12", "changed", [("units", [*units, "cbirc-qingdao"], units)])]
    assert got[c["schema"]] == [] and got[c["layout"]] == []
    assert got[c["unit-added"]] == [("tasks/12", "changed", [("units", units, [*units, "cbirc-qingdao"])])]
    assert got[c["rename"]] == [("agencies/big-data-bureau", "changed", [("name", "山东省大数据局", "山东省大数据发展局")])]
    assert got[c["schedule"]] == [("tasks/12", "changed", [("schedule.as_written", "2020年基本完成", "2021年基本完成"),
                                                           ("schedule.year", 2020, 2021)])]
    first = [x for x in changes if x.commit == c["initial"]][0]
    assert {r.action for r in first.records} == {"added"}
    expected = initial_ids(repo.data)
    assert [r.id for r in first.records if r.id not in expected] == []
    assert len({r.id for r in first.records}) == len(first.records) == len(expected)
    assert [x.files for x in changes if x.commit == c["schema"]] == [["schemas/tasks.schema.json"]]


def test_history_reads_git_once_for_the_log_and_once_for_the_files(repo, monkeypatch):
    """However many commits: one git log and one git cat-file --batch (and the rev-parse of where)."""
    calls = []
    real = history._git

    def counting(args, cwd, stdin=None):
        calls.append(args[0])
        return real(args, cwd, stdin)

    monkeypatch.setattr(history, "_git", counting)
    history._changes.cache_clear()
    assert len(history.changes(repo.data)) == 8
    assert calls.count("log") == 1 and calls.count("cat-file") == 1
    assert set(calls) == {"rev-parse", "log", "cat-file"}


# ---------------------------------------------------------------------------
# A pull request's summary


def run_summary(root: Path, data: Path, *revs: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "SHANDONG_DATA": str(data)}
    return subprocess.run([sys.executable, "-m", "shandong.outputs.changes", *revs], cwd=root, env=env,
                          capture_output=True, text=True)


PR_SUMMARY = """## 数据修改摘要 / Data changes

本次修改改动了 3 条数据记录（新增 1 条、修改 2 条），涉及事项：重点任务 12 完善农业信息服务、行动措施 1.1.1 加快政务服务流程再造。

_3 changed record(s) in 3 data file(s)._

### 新增进展报告：重点任务 12 完善农业信息服务，滞后（截至 2026-11-25）

`data/progress.yaml` · `reports/task-12/2026-11-25` · 页面 `tasks/12/`

- 进展状态 `status`：滞后
- 摘要 `summary`：测试摘要：智慧农业云平台建设滞后。

### 重点任务 12 完善农业信息服务：进度安排由“2020年基本完成”改为“2021年基本完成”；另修改完成年份

`data/plan/tasks.yaml` · `tasks/12` · 页面 `tasks/12/`

- 进度安排 `schedule.as_written`：由“2020年基本完成”改为“2021年基本完成”
- 完成年份 `schedule.year`：由“2020”改为“2021”

### 行动措施 1.1.1 加快政务服务流程再造：相关重点任务（编辑判断）由“重点任务 13”改为“重点任务 13、重点任务 14”

`data/action-2020/measures.yaml` · `measures/m1-1-1` · 页面 `measures/m1-1-1/`

- 相关重点任务（编辑判断） `related_tasks`：由“重点任务 13”改为“重点任务 13、重点任务 14”
"""


def test_pull_request_summary_of_two_commits(tmp_path, copy_data):
    root = tmp_path
    data = history_repo.start(root, copy_data).data
    git = history_repo.git
    git(root, "checkout", "-q", "-b", "pr")
    history_repo.edit(data / "plan" / "tasks.yaml", history_repo.TASK_12.format(2020), history_repo.TASK_12.format(2021))
    history_repo.edit(data / "action-2020" / "measures.yaml", "    related_tasks: [13]  # editorial\n  - id: m1-1-2\n",
                      "    related_tasks: [13, 14]  # editorial\n  - id: m1-1-2\n")
    git(root, "commit", "-qam", "Task 12 and measure 1.1.1", when="2026-12-01T00:00:00Z")
    history_repo.edit(data / "progress.yaml", "reports: []\n",
                      "reports:\n  - item: task-12\n    as_of: 2026-11-25\n    status: delayed\n"
                      "    summary: 测试摘要：智慧农业云平台建设滞后。\n")
    git(root, "commit", "-qam", "A report", when="2026-12-02T00:00:00Z")

    run = run_summary(root, data, "main", "HEAD")
    assert run.returncode == 0, run.stderr
    assert run.stdout == PR_SUMMARY
    assert "Task 12 and measure" not in run.stdout and "A report" not in run.stdout  # never the commit messages

    same = run_summary(root, data, "pr")
    assert same.returncode == 0 and same.stdout == "## 数据修改摘要 / Data changes\n\n本次修改不涉及数据。\n\n_This pull request changes no data._\n"
    bad = run_summary(root, data, "no-such-branch")
    assert bad.returncode == 1 and "no-such-branch" in bad.stderr and bad.stdout == ""


def test_pull_request_summary_of_layout_only(repo):
    run = run_summary(repo.root, repo.data, repo.commits["layout"] + "~1", repo.commits["layout"])
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[2] == "本次修改只改动了数据文件中的注释或格式，数据本身没有变化。"


def test_pull_request_workflow_writes_the_summary():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))
    [steps] = [job["steps"] for job in wf["jobs"].values()
               if any("shandong.outputs.changes" in s.get("run", "") for s in job["steps"])]
    [checkout] = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0  # the base branch's commits, for the merge base
    [step] = [s for s in steps if "shandong.outputs.changes" in s.get("run", "")]
    assert '>> "$GITHUB_STEP_SUMMARY"' in step["run"]
    assert "${{ github.event.pull_request.base.sha }}" in step["run"]
    # git in the job's container (root) refuses the runner's checkout otherwise
    [safe] = [s for s in steps if "safe.directory" in s.get("run", "")]
    assert steps.index(checkout) < steps.index(safe) < steps.index(step)


def test_pull_request_summary_when_the_data_does_not_pass_the_check(tmp_path, copy_data):
    """Names come from the checked data; a unit id that is not in the registry is shown as written."""
    root = tmp_path
    data = history_repo.start(root, copy_data).data
    git = history_repo.git
    history_repo.edit(data / "plan" / "tasks.yaml", "units: [agriculture-rural, all-city-governments]\n",
                      "units: [agriculture-rural, all-city-governments, no-such-unit]\n")
    history_repo.edit(data / "agencies.yaml", "    name: 山东省大数据局\n", "    name: 山东省大数据发展局\n")
    git(root, "commit", "-qam", "A unit that does not exist")
    run = run_summary(root, data, "main~1", "main")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[2:] == [
        "本次修改改动了 2 条数据记录（修改 2 条），涉及事项：重点任务 12；单位：省大数据局。", "",
        "（数据未通过检查：以下单位、主题和来源以编号显示，不列页面；问题见“数据检查”一步。）", "",
        "_2 changed record(s) in 2 data file(s)._", "",
        "### 重点任务 12：修改责任单位", "",
        "`data/plan/tasks.yaml` · `tasks/12`", "",
        "- 责任单位 `units`：由“agriculture-rural、all-city-governments”改为“agriculture-rural、all-city-governments、no-such-unit”", "",
        "### 省大数据局：全称由“山东省大数据局”改为“山东省大数据发展局”", "",
        "`data/agencies.yaml` · `agencies/big-data-bureau`", "",
        "- 全称 `name`：由“山东省大数据局”改为“山东省大数据发展局”"]


def test_pull_request_summary_shows_data_as_text_never_markup():
    import markdown as python_markdown
    from bs4 import BeautifulSoup

    from shandong.views.changes import Names, markdown

    hostile = "<script>alert(1)</script> *斜体* [链接](https://example.com) `代码` & | #"
    progress = text("progress.yaml").replace("reports: []\n", f"reports:\n  - item: task-12\n    as_of: 2026-11-25\n"
                                             f"    status: delayed\n    summary: '{hostile}'\n")
    md = markdown(diff_file("progress.yaml", text("progress.yaml"), progress), ["progress.yaml"], [], Names())
    doc = BeautifulSoup(python_markdown.markdown(md), "html.parser")
    assert doc.find("script") is None and doc.find("a") is None
    assert [e.get_text() for e in doc.find_all("em")] == ["1 changed record(s) in 1 data file(s)."]  # the English line
    assert [c.get_text() for c in doc.find_all("code")] == ["data/progress.yaml", "reports/task-12/2026-11-25", "status", "summary"]
    assert f"摘要 summary：{hostile}" in [li.get_text() for li in doc.find_all("li")]
