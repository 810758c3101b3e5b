"""CONTRIBUTING.md's guide to adding a progress report, run as an editor would follow it.

The copy-paste templates are taken from the guide itself, filled in and pasted at the end of a copy
of the data (the fixture dataset with reports, and the real data with none), then checked: they pass.
Left unfilled, or with the evidence left out of a completed report, they fail with the message the
guide shows. The status words the guide lists are the model's; the workflow steps it names exist.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from shandong import ROOT
from shandong.data.check import DATA, check, main
from shandong.data.model import STATES, STATUSES, build_model

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
PROGRESS_DATA = Path(__file__).parent / "fixtures" / "progress-data"
BROKEN_PROGRESS = Path(__file__).parent / "fixtures" / "broken-progress"
PLACEHOLDER = re.compile(r"<[^<>\n]+>")
MISSING_EVIDENCE = ("report of {item}: missing field 'evidence' (expected evidence for a completed report:"
                    " at least one citation of a source in data/sources.yaml)")


def guide() -> str:
    return CONTRIBUTING.read_text(encoding="utf-8")


def template(name: str) -> str:
    """The YAML block after ``<!-- template:NAME -->``, as an editor copies it from the rendered guide
    (the list item's indentation of the fence removed)."""
    after = guide().split(f"<!-- template:{name} -->", 1)[1]
    m = re.search(r"^( *)```yaml\n(.*?)^\1```", after, re.S | re.M)
    assert m, name
    indent = m[1]
    lines = m[2].splitlines()
    assert all(ln.startswith(indent) or not ln.strip() for ln in lines)
    return "\n".join(ln[len(indent):] for ln in lines) + "\n"


def fill(text: str, values: dict[str, str]) -> str:
    assert set(PLACEHOLDER.findall(text)) == set(values), "every <…> of the template, and only those"
    return PLACEHOLDER.sub(lambda m: values[m[0]], text)


def paste(path: Path, key: str, block: str) -> None:
    """What the guide says: change ``key: []`` to ``key:`` if need be, then paste at the end of the file."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(rf"^{key}: \[\]$", f"{key}:", text, flags=re.M)
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + block, encoding="utf-8")


def copy_of(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("README.md", "expected.txt"))
    return dst


def first_target(data_dir: Path) -> tuple[str, str, str]:
    """A measure with a numeric target, read from the YAML: (measure id, target text, unit)."""
    measures = yaml.safe_load((data_dir / "action-2020/measures.yaml").read_text(encoding="utf-8"))["measures"]
    m = next(m for m in measures if m.get("targets"))
    return m["id"], m["targets"][0]["text"], m["targets"][0]["unit"]


SOURCE = {
    "<来源id>": "guide-example-source",
    "<标题>": "（测试用虚构）指南示例来源",
    "<发布机构>": "测试发布机构",
    "<发布日期>": "2021-01-20",
    "<网址>": "https://example.org/guide-example",
    "<文号>": "测试〔2021〕9号",
    "<类别>": "government-report",
}


def report_values(data_dir: Path, status: str = "completed") -> dict[str, str]:
    item, target, unit = first_target(data_dir)
    return {
        "<事项>": item,
        "<报告日期>": "2021-06-30",
        "<状态>": status,
        "<一句话摘要>": "测试摘要：按指南模板填写的报告。",
        "<来源id>": SOURCE["<来源id>"],
        "<位置>": "第3页",
        "<目标原文>": target,
        "<实测值>": "120",
        "<单位>": unit,
        "<测量日期>": "2021-06-30",
    }


def follow_the_guide(data_dir: Path, values: dict[str, str], source: dict[str, str] = SOURCE) -> None:
    paste(data_dir / "sources.yaml", "sources", fill(template("source"), source))
    paste(data_dir / "progress.yaml", "reports", fill(template("report"), values))


# ---------------------------------------------------------------------------


def test_filled_templates_pass_the_checker(tmp_path, capsys):
    for name, src in [("fixture", PROGRESS_DATA), ("real", DATA)]:
        data_dir = copy_of(src, tmp_path / name)
        values = report_values(data_dir)
        follow_the_guide(data_dir, values)
        assert main([str(data_dir)]) == 0, capsys.readouterr().out
        assert capsys.readouterr().out.rstrip().endswith("0 errors")
        docs, problems = check(data_dir)
        assert problems == []
        model = build_model(docs)
        [report] = [r for r in model.reports if r.item.key == values["<事项>"] and r.as_of.isoformat() == values["<报告日期>"]]
        assert report.status == "completed" and [(c.source.id, c.locator) for c in report.evidence] == [(SOURCE["<来源id>"], "第3页")]
        assert [(v.target.text, v.value, v.unit) for v in report.values] == [(values["<目标原文>"], 120, values["<单位>"])]
        assert model.sources[SOURCE["<来源id>"]].title == SOURCE["<标题>"]


def test_a_task_report_without_values_or_locator_passes(tmp_path):
    """The optional parts, deleted as the guide says, for a task (key task-N)."""
    data_dir = copy_of(DATA, tmp_path)
    block = fill(template("report"), report_values(data_dir, status="on-track"))
    block = re.sub(r"^ *values:.*\n(?:^ {6,}.*\n)*", "", block, flags=re.M)  # the values: block
    block = re.sub(r"^ *locator:.*\n", "", block, flags=re.M)
    block = re.sub(r"item: m\S+", "item: task-12", block)
    paste(data_dir / "sources.yaml", "sources", fill(template("source"), SOURCE))
    paste(data_dir / "progress.yaml", "reports", block)
    docs, problems = check(data_dir)
    assert problems == []
    [report] = build_model(docs).reports
    assert report.item.key == "task-12" and report.values == [] and report.evidence[0].locator is None


def test_completed_without_a_citation_fails_with_the_message_the_guide_shows(tmp_path):
    data_dir = copy_of(DATA, tmp_path)
    values = report_values(data_dir)
    block = fill(template("report"), values)
    block = re.sub(r"^ *evidence:.*\n(?:^ {6,}.*\n)*", "", block, flags=re.M)  # the evidence: block left out
    assert "source:" not in block
    paste(data_dir / "sources.yaml", "sources", fill(template("source"), SOURCE))
    paste(data_dir / "progress.yaml", "reports", block)
    lines = (data_dir / "progress.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if ln.startswith(f"  - item: {values['<事项>']} "))
    want = f"data/progress.yaml:{line}:5: " + MISSING_EVIDENCE.format(item=values["<事项>"])
    _, problems = check(data_dir)
    assert [str(p) for p in problems] == [want]
    shown = re.findall(r"^\s*(data/progress\.yaml:\d+:\d+: report of .*)$", guide(), re.M)

    def unnumbered(s: str) -> str:  # the guide's line number lags behind reports added to the real data
        return re.sub(r"^(\S+?):\d+:\d+:", r"\1:L:C:", s)

    assert [unnumbered(s) for s in shown] == [unnumbered(want)], "CONTRIBUTING.md shows the checker's message"


def test_unfilled_templates_never_pass(tmp_path):
    data_dir = copy_of(DATA, tmp_path)
    paste(data_dir / "sources.yaml", "sources", template("source"))
    paste(data_dir / "progress.yaml", "reports", template("report"))
    _, problems = check(data_dir)
    fields = {p.where.rsplit(" › ", 1)[-1] for p in problems}
    assert {"id", "date", "url", "kind", "item", "as_of", "status", "evidence[0].source"} <= fields, sorted(fields)


def test_guide_lists_the_models_status_words():
    def table(marker: str) -> list[tuple[str, str, str]]:
        rows = guide().split(f"<!-- {marker} -->", 1)[1].strip().split("\n\n", 1)[0].splitlines()[2:]
        return [tuple(c.strip().strip("`") for c in row.strip("|").split("|")) for row in rows]

    assert table("statuses") == [(k, zh, meaning) for k, (zh, _en, meaning) in STATUSES.items()]
    assert table("states") == [(k, zh, meaning) for k, (zh, _en, meaning) in STATES.items() if k not in STATUSES]
    english = guide().split("## English", 1)[1]
    assert all(f"`{k}` {zh}" in english for k, (zh, _en, _m) in STATUSES.items())
    status_comment = next(ln for ln in template("report").splitlines() if ln.lstrip().startswith("status:"))
    assert re.findall(r"[a-z]+(?:-[a-z]+)*", status_comment.split("#", 1)[1]) == list(STATUSES)


def test_source_template_names_every_kind():
    schema = yaml.safe_load((ROOT / "data/schemas/sources.schema.json").read_text(encoding="utf-8"))
    kinds = schema["$defs"]["source"]["properties"]["kind"]["enum"]
    comment = next(ln for ln in template("source").splitlines() if ln.lstrip().startswith("kind:")).split("#", 1)[1]
    assert re.findall(r"[a-z]+(?:-[a-z]+)*", comment) == kinds


def test_guide_explains_every_progress_message():
    from test_editor_messages import explained_phrases

    phrases = explained_phrases()
    lines = (BROKEN_PROGRESS / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]
    assert len(lines) >= 15
    assert [ln for ln in lines if not any(p in ln for p in phrases)] == []


def test_guide_names_only_what_the_pull_request_workflow_does():
    workflow = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    steps = {s.get("name"): s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]}
    jobs = {job["name"]: job_id for job_id, job in workflow["jobs"].items()}
    section = guide().split("## 4. ", 1)[1].split("\n## ", 1)[0]
    for job in ("数据检查 / Data check", "make test"):  # the checks as GitHub lists them: workflow / job
        assert f"{workflow['name']} / {job}" in section and job in jobs
    assert steps["数据检查 / Data check"] == "make check"
    # The guide says the checker annotates the lines on GitHub: the step runs the checker itself
    # (test_check.py tests the annotations it prints under GITHUB_ACTIONS=true).
    assert "annotation" in section and "Files changed" in section


def test_pull_request_template_asks_for_the_evidence():
    text = (ROOT / ".github/pull_request_template.md").read_text(encoding="utf-8")
    section = text.split("## 进展报告的证据", 1)[1].split("\n## ", 1)[0]
    for words in ("事项", "状态", "来源", "source", "位置", "locator", "data/sources.yaml"):
        assert words in section, words
    items = re.findall(r"^- \[ \] (.+)$", text, re.M)
    assert any("evidence" in i and "data/sources.yaml" in i and "reviewed" in i for i in items)
